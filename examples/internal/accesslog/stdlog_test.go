package accesslog

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
)

// NewStdLogger writes what NewLogger writes, request_id from the context
// included, through slog.JSONHandler.
func TestStdLoggerWritesWhatNewLoggerWrites(t *testing.T) {
	var lean, std bytes.Buffer
	for _, l := range []*slog.Logger{NewLogger(&lean, slog.LevelInfo), NewStdLogger(&std, slog.LevelInfo)} {
		h := Handler(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			l.InfoContext(r.Context(), "inside", slog.Int("n", 1))
			l.With(slog.String("svc", "x")).WithGroup("g").InfoContext(r.Context(), "grouped", slog.Int("n", 2))
			l.InfoContext(r.Context(), "own id", slog.String("request_id", "mine"))
			l.DebugContext(r.Context(), "below the level")
		}), Options[struct{}]{})
		req := httptest.NewRequest(http.MethodGet, "/p", nil)
		req.Header.Set("X-Request-Id", "rid-1")
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	want, err := testutil.JSONLines(lean.String())
	require.NoError(t, err)
	got, err := testutil.JSONLines(std.String())
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for i := range want {
		delete(want[i], "time")
		delete(got[i], "time")
		delete(want[i], "latency_ms")
		delete(got[i], "latency_ms")
	}
	require.Equal(t, want, got)
	require.Equal(t, "rid-1", got[0]["request_id"])
	require.Equal(t, "mine", got[2]["request_id"], "a record's own request_id is kept")
}
