package logbuf

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
)

func TestWriter(t *testing.T) {
	out := &testutil.SyncBuffer{}
	l := New(out, time.Hour)
	_, err := l.Write([]byte("line 1\n"))
	require.NoError(t, err)
	require.Empty(t, out.String(), "buffered until flushed")
	l.Flush()
	require.Equal(t, "line 1\n", out.String())

	// A full buffer is written out without waiting.
	big := strings.Repeat("x", 70<<10) + "\n"
	_, err = l.Write([]byte(big))
	require.NoError(t, err)
	require.Equal(t, "line 1\n"+big, out.String())

	_, _ = l.Write([]byte("last\n"))
	require.NoError(t, l.Close())
	require.True(t, strings.HasSuffix(out.String(), "last\n"), "Close flushes")
	_, err = l.Write([]byte("after close\n"))
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(out.String(), "last\nafter close\n"), "written at once after Close")
	require.NoError(t, l.Close(), "closing twice is harmless")

	// The periodic flush.
	out2 := &testutil.SyncBuffer{}
	l2 := New(out2, 5*time.Millisecond)
	defer l2.Close()
	_, _ = l2.Write([]byte("tick\n"))
	require.Eventually(t, func() bool { return out2.String() == "tick\n" }, 5*time.Second, time.Millisecond)
}
