package accesslog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/jsonlog"
)

func TestRecorder(t *testing.T) {
	w := httptest.NewRecorder()
	r := &Recorder{ResponseWriter: w}
	_, err := r.Write([]byte("x"))
	require.NoError(t, err)
	r.WriteHeader(http.StatusTeapot) // too late: the first status counts
	require.Equal(t, http.StatusOK, r.Status)
	require.Equal(t, http.StatusOK, w.Code)
	require.Same(t, w, r.Unwrap())

	w = httptest.NewRecorder()
	r = &Recorder{ResponseWriter: w}
	r.WriteHeader(http.StatusNotFound)
	_, _ = r.Write([]byte("x"))
	require.Equal(t, http.StatusNotFound, r.Status)
	require.Equal(t, http.StatusNotFound, w.Code)
	require.NoError(t, http.NewResponseController(r).Flush(), "reaches the connection's writer")
}

func TestCap(t *testing.T) {
	require.Equal(t, "ab", Cap("ab", 256))
	require.Equal(t, strings.Repeat("x", 256), Cap(strings.Repeat("x", 256), 256))
	cut := Cap(strings.Repeat("张", 200), 256) // 600 bytes
	require.True(t, strings.HasPrefix(cut, strings.Repeat("张", 85)), "cut on a UTF-8 boundary")
	require.Equal(t, strings.Repeat("张", 85)+"…[345 more bytes]", cut)
}

func TestWriterFastAndSlowWriteTheSame(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
	attrs := []slog.Attr{slog.String("a", "1"), slog.Int("b", 2), slog.String("c", "3"), slog.Int("d", 4), slog.String("e", "5"), slog.Int("f", 6)}
	var fast, slow bytes.Buffer
	fw := NewWriter(jsonlog.New(&fast, nil))
	require.NotNil(t, fw.fast)
	sw := NewWriter(slog.NewJSONHandler(&slow, nil))
	require.Nil(t, sw.fast)
	for _, w := range []Writer{fw, sw} {
		require.True(t, w.Enabled(context.Background(), slog.LevelInfo))
		require.False(t, w.Enabled(context.Background(), slog.LevelDebug))
		w.Write(context.Background(), at, slog.LevelInfo, "request", attrs)
	}
	var f, s map[string]any
	require.NoError(t, json.Unmarshal(fast.Bytes(), &f), fast.String())
	require.NoError(t, json.Unmarshal(slow.Bytes(), &s), slow.String())
	require.Equal(t, s, f)
	require.Equal(t, "request", f["msg"])
	require.EqualValues(t, 6, f["f"])
}

func BenchmarkWriterFast(b *testing.B) {
	w := NewWriter(jsonlog.New(discard{}, nil))
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var buf [6]slog.Attr
		attrs := append(buf[:0], slog.String("request_id", "0123456789abcdef"), slog.String("path", "/js-sdk"),
			slog.Int("status", 200), slog.String("result", "0000"), slog.Float64("latency_ms", 0.25), slog.String("x", "y"))
		w.Write(ctx, time.Now(), slog.LevelInfo, "request", attrs)
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
