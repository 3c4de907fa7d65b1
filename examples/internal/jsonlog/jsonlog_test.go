package jsonlog

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
)

// Both handlers must write the same JSON for the same records.
func TestJSONLogHandlerMatchesSlog(t *testing.T) {
	type point struct{ X, Y int }
	records := []func(l *slog.Logger){
		func(l *slog.Logger) {
			l.Info("request", "request_id", "abc", "path", "/js-sdk", "status", 200, "result", "0000", "latency_ms", 1.454)
		},
		func(l *slog.Logger) {
			l.Warn("odd values", "q", `quo"te\n`, "u", uint64(7), "neg", -3, "f", 1e-9, "big", 1e22, "zero", 0.0,
				"b", true, "d", 1500*time.Millisecond, "t", time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
				"err", errors.New("boom <b>"), "any", point{1, 2}, "nil", nil, "map", map[string]int{"a": 1},
				"secret", wecom.Secret("hunter2"), "zh", "张三\u2028", "bad", "\xff")
		},
		func(l *slog.Logger) {
			l.Error("groups", slog.Group("g", "a", 1, slog.Group("h", "b", 2)), slog.Group("", "inl", 3),
				slog.Group("empty"), slog.Attr{})
		},
		func(l *slog.Logger) { l.With("svc", "bridge", "n", 1).Info("with attrs", "x", 2) },
		func(l *slog.Logger) { l.WithGroup("grp").Info("with group", "x", 2) },
		func(l *slog.Logger) { l.Debug("filtered out") },
	}
	for i, rec := range records {
		var want, got bytes.Buffer
		rec(slog.New(slog.NewJSONHandler(&want, nil)))
		rec(slog.New(New(&got, nil)))
		require.Equal(t, decodeLines(t, want.Bytes()), decodeLines(t, got.Bytes()), "record %d:\nslog: %s\nours: %s", i, want.String(), got.String())
		require.NotContains(t, got.String(), "hunter2")
	}
}

type ctxKey struct{}

func TestContextAttribute(t *testing.T) {
	var got bytes.Buffer
	h := New(&got, &Options{ContextKey: "request_id", ContextValue: func(ctx context.Context) string {
		s, _ := ctx.Value(ctxKey{}).(string)
		return s
	}})
	l := slog.New(h)
	ctx := context.WithValue(context.Background(), ctxKey{}, "req-1")
	l.InfoContext(ctx, "from a library")
	l.InfoContext(ctx, "has its own", "request_id", "req-2")
	l.With("request_id", "req-3").InfoContext(ctx, "with attrs")
	l.Info("no context value")
	l.InfoContext(context.WithValue(ctx, ctxKey{}, ""), "empty value")
	require.Equal(t, []map[string]any{
		{"level": "INFO", "msg": "from a library", "request_id": "req-1"},
		{"level": "INFO", "msg": "has its own", "request_id": "req-2"},
		{"level": "INFO", "msg": "with attrs", "request_id": "req-3"},
		{"level": "INFO", "msg": "no context value"},
		{"level": "INFO", "msg": "empty value"},
	}, decodeLines(t, got.Bytes()))
	require.NotContains(t, got.String(), `"request_id":"req-1","request_id"`)
	require.Equal(t, 1, bytes.Count(got.Bytes()[:bytes.IndexByte(got.Bytes(), '\n')], []byte("request_id")))
}

func TestJSONLogHandlerNaN(t *testing.T) {
	// slog.JSONHandler writes an !ERROR string for NaN and infinities; we
	// write the number's name, which says more.
	var got bytes.Buffer
	slog.New(New(&got, nil)).Info("x", "nan", math.NaN(), "inf", math.Inf(-1))
	require.Equal(t, []map[string]any{{"level": "INFO", "msg": "x", "nan": "NaN", "inf": "-Inf"}}, decodeLines(t, got.Bytes()))
}

func TestAppendRFC3339Nano(t *testing.T) {
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("X", -(3*3600 + 30*60))}
	for _, tm := range []time.Time{
		time.Date(2026, 11, 22, 2, 1, 30, 716481897, time.UTC), time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 100, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 6, 1, 12, 0, 0, 120000000, time.UTC),
		time.Now(),
	} {
		for _, z := range zones {
			in := tm.In(z)
			require.Equal(t, in.Format(time.RFC3339Nano), string(appendRFC3339Nano(nil, in)))
		}
	}
}

func decodeLines(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var m map[string]any
		require.NoError(t, json.Unmarshal(line, &m), "%s", line)
		delete(m, "time") // both are the clock's now, written the same way
		out = append(out, m)
	}
	return out
}

func BenchmarkAccessLogLine(b *testing.B) {
	for name, h := range map[string]slog.Handler{
		"slog.JSONHandler": slog.NewJSONHandler(io.Discard, nil),
		"jsonlog.Handler":  New(io.Discard, nil),
	} {
		b.Run(name, func(b *testing.B) {
			l := slog.New(h)
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				l.LogAttrs(ctx, slog.LevelInfo, "request", slog.String("request_id", "5a6240403aae4505"),
					slog.String("path", "/js-sdk"), slog.Int("status", 200), slog.Float64("latency_ms", 0.693),
					slog.String("result", "0000"))
			}
		})
	}
}

func BenchmarkAccessLogRecord(b *testing.B) {
	h := New(io.Discard, nil)
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		r := slog.NewRecord(time.Now(), slog.LevelInfo, "request", 0)
		r.AddAttrs(slog.String("request_id", "5a6240403aae4505"),
			slog.String("path", "/js-sdk"), slog.Int("status", 200), slog.Float64("latency_ms", 0.693),
			slog.String("result", "0000"))
		_ = h.Handle(ctx, r)
	}
}

func TestHandleAttrsMatchesHandle(t *testing.T) {
	var viaRecord, direct bytes.Buffer
	now := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	attrs := []slog.Attr{slog.String("request_id", "abc"), slog.String("path", "/js-sdk"), slog.Int("status", 200),
		slog.String("result", "0000"), slog.Float64("latency_ms", 0.5), slog.String("sign_form", "all"), slog.String("method", "HEAD")}
	h := New(&viaRecord, nil).WithAttrs([]slog.Attr{slog.String("svc", "bridge")}).(*Handler)
	r := slog.NewRecord(now, slog.LevelWarn, "request", 0)
	r.AddAttrs(attrs...)
	require.NoError(t, h.Handle(context.Background(), r))
	h.out = &direct
	require.NoError(t, h.HandleAttrs(context.Background(), now, slog.LevelWarn, "request", attrs))
	require.Equal(t, viaRecord.String(), direct.String())

	quiet := New(io.Discard, nil)
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		var buf [7]slog.Attr
		a := append(buf[:0], slog.String("request_id", "abc"), slog.String("path", "/js-sdk"), slog.Int("status", 200),
			slog.String("result", "0000"), slog.Float64("latency_ms", 0.5), slog.String("sign_form", "all"), slog.String("method", "HEAD"))
		_ = quiet.HandleAttrs(ctx, now, slog.LevelInfo, "request", a)
	})
	require.Zero(t, allocs, "seven attributes from the stack, no allocation")
}
