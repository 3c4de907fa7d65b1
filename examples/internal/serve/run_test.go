package serve

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/settings"
	"github.com/wecomkit/wecomkit/internal/testutil"
)

func TestOpen(t *testing.T) {
	var stderr strings.Builder
	p := Process{Stderr: &stderr}

	_, status, ok := Open(p, "prog", "127.0.0.1:0", flag.ErrHelp)
	require.False(t, ok)
	require.Equal(t, ExitOK, status, "-h was answered")
	require.Empty(t, stderr.String())

	ln, status, ok := Open(p, "prog", "127.0.0.1:0", nil)
	require.True(t, ok)
	require.Equal(t, ExitOK, status)
	defer ln.Close()

	// A port in use is reported with the settings' problems and those
	// found since, together.
	_, status, ok = Open(p, "prog", ln.Addr().String(), &settings.Error{Problems: []string{"A (-a): bad"}}, "B: worse")
	require.False(t, ok)
	require.Equal(t, ExitSettings, status)
	require.Equal(t, "prog: invalid configuration:\n  - A (-a): bad\n  - B: worse\n  - LISTEN_ADDR (-listen): cannot listen on \""+
		ln.Addr().String()+"\": bind: address already in use\nRun with -h to list the settings.\n", stderr.String())

	none, status, ok := Open(p, "prog", "", nil)
	require.True(t, ok, "no address: nothing to listen on")
	require.Nil(t, none)
	require.Equal(t, ExitOK, status)
}

func TestOpenWithLog(t *testing.T) {
	var stderr testutil.SyncBuffer
	p := Process{Stderr: &stderr}

	_, status, ok := OpenWithLog(p, "prog", "127.0.0.1:0", &settings.Error{Problems: []string{"A (-a): bad"}}, time.Hour)
	require.False(t, ok)
	require.Equal(t, ExitSettings, status)
	require.Contains(t, stderr.String(), "prog: invalid configuration:")

	stderr = testutil.SyncBuffer{}
	up, status, ok := OpenWithLog(p, "prog", "127.0.0.1:0", nil, time.Hour)
	require.True(t, ok)
	require.Equal(t, ExitOK, status)
	up.Log.Info("buffered")
	require.Empty(t, stderr.String(), "the log is buffered for flush")
	addr := up.Listener.Addr().String()
	up.Close()
	require.Contains(t, stderr.String(), `"msg":"buffered"`, "Close writes out the log")
	ln, err := Listen(addr)
	require.NoError(t, err, "Close released the port")
	_ = ln.Close()
}

type closer struct {
	err    error
	closed *[]string
	name   string
}

func (c closer) Close() error { *c.closed = append(*c.closed, c.name); return c.err }

func TestCloseAll(t *testing.T) {
	var closed []string
	first, second := errors.New("first"), errors.New("second")
	err := CloseAll([]io.Closer{closer{nil, &closed, "a"}, closer{first, &closed, "b"}, closer{second, &closed, "c"}})
	require.ErrorIs(t, err, first)
	require.Equal(t, []string{"a", "b", "c"}, closed, "every one is closed, in order, despite an error")
	require.NoError(t, CloseAll(nil))
}

func TestRun(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	logs := &testutil.SyncBuffer{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	var steps []string
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, Process{Ready: ready}, ln, logger, Service{
			Handler:         http.HandlerFunc(Healthz),
			ShutdownTimeout: 5 * time.Second,
			Attrs:           []slog.Attr{slog.String("corpid", "ww1")},
			Started: func(_ context.Context, base string) error {
				steps = append(steps, "started "+base)
				return nil
			},
			Stopping: func() { steps = append(steps, "stopping") },
			Stopped:  func() { steps = append(steps, "stopped") },
		})
	}()
	base := <-ready
	resp, err := http.Get(base + "/healthz")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, "{\"status\":\"ok\"}\n", string(body))
	cancel()
	require.Equal(t, ExitOK, <-done)
	require.Equal(t, []string{"started " + base, "stopping", "stopped"}, steps)
	lines, err := testutil.JSONLines(logs.String())
	require.NoError(t, err)
	require.Equal(t, "listening", lines[0]["msg"])
	require.Equal(t, ln.Addr().String(), lines[0]["addr"])
	require.Equal(t, "ww1", lines[0]["corpid"])
	require.Equal(t, "stopped", lines[len(lines)-1]["msg"])
}

func TestRunStartedFails(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	require.NoError(t, err)
	ready := make(chan string, 1)
	stopped := false
	status := Run(context.Background(), Process{Ready: ready}, ln, slog.New(slog.NewJSONHandler(io.Discard, nil)), Service{
		Handler:         http.NotFoundHandler(),
		ShutdownTimeout: 5 * time.Second,
		Started:         func(context.Context, string) error { return errors.New("demo failed") },
		Stopped:         func() { stopped = true },
	})
	require.Equal(t, ExitFailed, status)
	require.Empty(t, ready, "not ready after a failed start")
	require.True(t, stopped, "shut down all the same")
}

func TestHealthz(t *testing.T) {
	rec := httptest.NewRecorder()
	Healthz(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	require.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
	require.Equal(t, "{\"status\":\"ok\"}\n", rec.Body.String())
}
