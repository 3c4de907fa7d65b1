package serve

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/internal/testutil"
)

func TestRedisLogPrefixOnce(t *testing.T) {
	out := &testutil.SyncBuffer{}
	l := RedisLog{accesslog.NewLogger(out, nil)}
	l.Printf(context.Background(), "redis: %s failed", "dial")
	l.Printf(context.Background(), "pool: %d", 3)
	l.Printf(context.Background(), "%s", strings.Repeat("x", 1000))
	var msgs []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		require.Equal(t, "WARN", m["level"])
		msgs = append(msgs, m["msg"].(string))
	}
	require.Equal(t, "redis: dial failed", msgs[0])
	require.Equal(t, "redis: pool: 3", msgs[1])
	require.Contains(t, msgs[2], "more bytes]", "capped")
}

func TestLogBufferedAndNot(t *testing.T) {
	var got *slog.Logger
	var out bytes.Buffer
	log := newLog(Process{Stderr: &out, OnLogger: func(l *slog.Logger) { got = l }}, time.Hour)
	require.Same(t, log.Logger, got, "OnLogger receives the logger")
	log.Info("one")
	require.Zero(t, out.Len(), "buffered")
	log.Flush()
	require.Contains(t, out.String(), `"msg":"one"`)
	log.Info("two")
	require.NoError(t, log.Close())
	require.Contains(t, out.String(), `"msg":"two"`, "Close writes out the rest")

	out.Reset()
	log = newLog(Process{Stderr: &out}, 0)
	log.Info("three")
	require.Contains(t, out.String(), `"msg":"three"`, "unbuffered: at once")
	log.Flush()
	require.NoError(t, log.Close())
}

func TestClock(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	require.Equal(t, at, Process{Now: func() time.Time { return at }}.Clock()())
	require.WithinDuration(t, time.Now(), Process{}.Clock()(), time.Minute)
}
