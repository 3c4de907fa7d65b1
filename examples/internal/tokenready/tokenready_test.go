package tokenready

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestReadiness(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1, Secret: "app-secret"}))
	t.Cleanup(srv.Close)
	c, err := wecom.New("wwcorp", "app-secret", wecom.WithAgentID(1), wecom.WithBaseURL(srv.URL), wecom.WithRetries(0))
	require.NoError(t, err)
	now := time.Now()
	rd := New(c, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now })

	// A cancelled probe says nothing and is not remembered.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok, _ := rd.Check(ctx, time.Second)
	require.False(t, ok)

	srv.FailNext("/cgi-bin/gettoken", 1, 40001)
	rec := httptest.NewRecorder()
	rd.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	require.Equal(t, http.StatusServiceUnavailable, rec.Code)
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	require.Contains(t, rec.Body.String(), `"errcode":40001`)
	require.NotContains(t, rec.Body.String(), "app-secret")

	now = now.Add(RetryAfter - time.Second)
	ok, d := rd.Check(context.Background(), time.Second)
	require.False(t, ok, "too early to ask WeCom again")
	require.Equal(t, 40001, d.Code)
	require.Equal(t, 1, srv.Calls("/cgi-bin/gettoken"))

	now = now.Add(2 * time.Second)
	rec = httptest.NewRecorder()
	rd.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "{\"status\":\"ready\"}\n", rec.Body.String())
	ok, _ = rd.Check(context.Background(), time.Second)
	require.True(t, ok)
	require.Equal(t, 2, srv.Calls("/cgi-bin/gettoken"), "a warm token costs no call")
}
