package serve

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
)

func TestListen(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	_, err = Listen(ln.Addr().String())
	require.Error(t, err)
	require.Contains(t, err.Error(), `cannot listen on "`+ln.Addr().String()+`": bind: address already in use`)
	_, err = Listen("bad:addr:x")
	require.EqualError(t, err, `cannot listen on "bad:addr:x": address bad:addr:x: too many colons in address`)
}

func TestServeAndShutDownGracefully(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	var logs testutil.SyncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	inFlight := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(inFlight)
			<-release
		}
		_, _ = io.WriteString(w, "ok")
	})
	s := Start(ln, h, logger)
	require.Equal(t, ReadHeaderTimeout, s.srv.ReadHeaderTimeout)
	require.Equal(t, MaxHeaderBytes, s.srv.MaxHeaderBytes)
	base := BaseURL(ln.Addr())

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-inFlight
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.True(t, s.Wait(ctx))
	time.AfterFunc(50*time.Millisecond, func() { close(release) })
	require.True(t, s.Shutdown(5*time.Second))
	require.Equal(t, "ok", <-got, "the request in flight finished")
	require.Contains(t, logs.String(), "shutting down: finishing in-flight requests")
	require.NotContains(t, logs.String(), "shutdown incomplete")
}

func TestShutdownIncomplete(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	var logs testutil.SyncBuffer
	inFlight, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	s := Start(ln, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { close(inFlight); <-release }), slog.New(slog.NewJSONHandler(&logs, nil)))
	go func() {
		resp, err := http.Get(BaseURL(ln.Addr()))
		if err == nil {
			resp.Body.Close()
		}
	}()
	<-inFlight
	require.False(t, s.Shutdown(50*time.Millisecond))
	require.Contains(t, logs.String(), "shutdown incomplete")
}

func TestWaitReportsAFailedServer(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	var logs testutil.SyncBuffer
	s := Start(ln, http.NotFoundHandler(), slog.New(slog.NewJSONHandler(&logs, nil)))
	require.NoError(t, ln.Close()) // Serve returns at once
	require.False(t, s.Wait(context.Background()))
	require.Contains(t, logs.String(), `"msg":"server failed"`)
}

func TestBaseURL(t *testing.T) {
	for addr, want := range map[string]string{
		"[::]:8080":      "http://127.0.0.1:8080",
		"0.0.0.0:8080":   "http://127.0.0.1:8080",
		"127.0.0.1:9090": "http://127.0.0.1:9090",
		"[::1]:80":       "http://[::1]:80",
	} {
		tcp, err := net.ResolveTCPAddr("tcp", addr)
		require.NoError(t, err)
		require.Equal(t, want, BaseURL(tcp), addr)
	}
	require.True(t, strings.HasPrefix(BaseURL(&net.UnixAddr{Name: "/tmp/s", Net: "unix"}), "http://"))
}
