package accesslog

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
)

type testData struct{ result string }

func TestHandlerLogsOneLinePerRequest(t *testing.T) {
	logs := &testutil.SyncBuffer{}
	var observed []int
	h := Handler(NewLogger(logs, slog.LevelInfo), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := StateOf[testData](r.Context())
		require.NotNil(t, st)
		st.Data.result = "0000"
		require.Equal(t, st.ID, RequestID(r.Context()))
		NewLogger(logs, slog.LevelInfo).InfoContext(r.Context(), "inside") // carries the request id
		if r.URL.Path == "/quiet" {
			return // writes nothing: logged as 200
		}
		w.WriteHeader(http.StatusTeapot)
	}), Options[testData]{
		Fields: func(r *http.Request, st *State[testData]) (e Extra) {
			e.Add(slog.String("result", st.Data.result))
			e.Add(slog.String("method", Field(r.Method)))
			return e
		},
		Observe: func(_ *http.Request, st *State[testData], elapsed time.Duration) {
			require.GreaterOrEqual(t, elapsed, time.Duration(0))
			observed = append(observed, st.Status)
		},
	})

	req := httptest.NewRequest(http.MethodPost, "/x/"+strings.Repeat("p", 1000)+"?code=secret-code", nil)
	req.Header.Set("X-Request-Id", "from-proxy-1")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusTeapot, rec.Code)
	require.Equal(t, "from-proxy-1", rec.Header().Get("X-Request-Id"), "a sane caller id is kept and echoed")

	req = httptest.NewRequest(http.MethodGet, "/quiet", nil)
	req.Header.Set("X-Request-Id", `bad "id"`)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	newID := rec.Header().Get("X-Request-Id")
	require.Regexp(t, `^[0-9a-f]{16}$`, newID, "an unsafe caller id is replaced")

	require.Equal(t, []int{http.StatusTeapot, http.StatusOK}, observed)
	require.NotContains(t, logs.String(), "secret-code", "the query is never logged")
	got, err := testutil.JSONLines(logs.String())
	require.NoError(t, err)
	require.Len(t, got, 4)
	require.Equal(t, "inside", got[0]["msg"])
	require.Equal(t, "from-proxy-1", got[0]["request_id"])
	first := got[1]
	require.Equal(t, "request", first["msg"])
	require.Equal(t, "INFO", first["level"])
	require.Equal(t, "from-proxy-1", first["request_id"])
	require.EqualValues(t, http.StatusTeapot, first["status"])
	require.Equal(t, "0000", first["result"])
	require.Equal(t, "POST", first["method"])
	require.Contains(t, first["path"], "…[", "the path is capped")
	require.Less(t, len(first["path"].(string)), MaxField+32)
	require.Contains(t, first, "latency_ms")
	second := got[3]
	require.Equal(t, newID, second["request_id"])
	require.EqualValues(t, http.StatusOK, second["status"])
}

// Options.Method puts the method right after the common fields, before
// the server's own.
func TestHandlerMethodOption(t *testing.T) {
	logs := &testutil.SyncBuffer{}
	h := Handler(NewLogger(logs, slog.LevelInfo), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), Options[struct{}]{
		Method: true,
		Fields: func(*http.Request, *State[struct{}]) (e Extra) {
			e.Add(slog.String("route", "home"))
			return e
		},
	})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodDelete, "/", nil))
	line := logs.String()
	require.Regexp(t, `"latency_ms":[0-9.]+,"method":"DELETE","route":"home"}`, line)

	logs = &testutil.SyncBuffer{}
	h = Handler(NewLogger(logs, slog.LevelInfo), http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), Options[struct{}]{})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodDelete, "/", nil))
	require.NotContains(t, logs.String(), "method", "no method unless asked")
}

func TestHandlerPanics(t *testing.T) {
	boom := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })

	// Without a Panic hook: 500 and a text body; the line is an error.
	logs := &testutil.SyncBuffer{}
	rec := httptest.NewRecorder()
	Handler(NewLogger(logs, slog.LevelInfo), boom, Options[struct{}]{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/p", nil))
	require.Equal(t, http.StatusInternalServerError, rec.Code)
	got, err := testutil.JSONLines(logs.String())
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, "panic serving request", got[0]["msg"])
	require.Equal(t, "boom", got[0]["panic"])
	require.Contains(t, got[0]["stack"], "runtime/debug.Stack")
	require.Equal(t, rec.Header().Get("X-Request-Id"), got[0]["request_id"])
	require.Equal(t, "ERROR", got[1]["level"])
	require.EqualValues(t, 500, got[1]["status"])

	// With one: the server's answer, recorded on the state.
	logs = &testutil.SyncBuffer{}
	rec = httptest.NewRecorder()
	Handler(NewLogger(logs, slog.LevelInfo), boom, Options[testData]{
		Panic: func(w http.ResponseWriter, r *http.Request) {
			st := StateOf[testData](r.Context())
			st.Failed = true
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, "5000")
		},
	}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/p", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, "5000", rec.Body.String())
	got, err = testutil.JSONLines(logs.String())
	require.NoError(t, err)
	require.Equal(t, "ERROR", got[1]["level"], "a Failed request is an error whatever its status")
	require.EqualValues(t, 200, got[1]["status"])

	// http.ErrAbortHandler goes on up, as net/http expects.
	abort := Handler(NewLogger(io.Discard, nil), http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }), Options[struct{}]{})
	require.PanicsWithValue(t, http.ErrAbortHandler, func() {
		abort.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	})
}

func TestHandlerBelowLevelStillObserves(t *testing.T) {
	var logs bytes.Buffer
	n := 0
	h := Handler(NewLogger(&logs, slog.LevelError), http.NotFoundHandler(), Options[struct{}]{
		Fields:  func(*http.Request, *State[struct{}]) Extra { t.Error("fields of a line not written"); return Extra{} },
		Observe: func(*http.Request, *State[struct{}], time.Duration) { n++ },
	})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	require.Equal(t, 1, n)
	require.Zero(t, logs.Len())
}

func TestExtraOverflowPanics(t *testing.T) {
	var e Extra
	for i := 0; i < MaxExtra; i++ {
		e.Add(slog.Int("n", i))
	}
	require.Panics(t, func() { e.Add(slog.Int("n", MaxExtra)) })
}

func TestRequestIDOutsideARequest(t *testing.T) {
	require.Empty(t, RequestID(httptest.NewRequest(http.MethodGet, "/", nil).Context()))
	require.Nil(t, StateOf[struct{}](httptest.NewRequest(http.MethodGet, "/", nil).Context()))
}

// The line's attributes stay on the stack: the middleware's own cost is
// the state, the request's copy with its context, and the id.
func TestHandlerAllocations(t *testing.T) {
	h := Handler(NewLogger(discard{}, slog.LevelInfo), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}), Options[testData]{
		Fields: func(r *http.Request, st *State[testData]) (e Extra) {
			e.Add(slog.String("result", st.Data.result))
			e.Add(slog.String("method", r.Method))
			return e
		},
	})
	req := httptest.NewRequest(http.MethodGet, "/js-sdk", nil)
	w := &nopWriter{h: http.Header{}}
	allocs := testing.AllocsPerRun(200, func() {
		clear(w.h)
		h.ServeHTTP(w, req)
	})
	require.LessOrEqual(t, allocs, 5.0)
}

func BenchmarkHandler(b *testing.B) {
	h := Handler(NewLogger(discard{}, slog.LevelInfo), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}), Options[testData]{
		Fields: func(r *http.Request, st *State[testData]) (e Extra) {
			e.Add(slog.String("result", st.Data.result))
			return e
		},
	})
	req := httptest.NewRequest(http.MethodGet, "/js-sdk", nil)
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		clear(w.h)
		h.ServeHTTP(w, req)
	}
}

// nopWriter is a ResponseWriter that keeps only its header map.
type nopWriter struct{ h http.Header }

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(int)             {}
