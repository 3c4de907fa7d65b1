package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/examples/internal/jsonlog"
	"github.com/wecomkit/wecomkit/examples/internal/reqid"
)

// maxLogField caps every log field taken from a request or a push (path,
// method, event types, corp ids): a 15 KB path must not make a 15 KB line.
const maxLogField = 256

// reqState is what the access log knows about one request. It travels in
// the request's context, so every line logged with that context — the
// suite's and the wecom client's included — carries the request id.
type reqState struct {
	rec   accesslog.Recorder // the response writer handlers get; it records the status
	id    string
	idHdr [1]string // the X-Request-Id header value, without another allocation
}

type stateKey struct{}

func stateOf(ctx context.Context) *reqState {
	st, _ := ctx.Value(stateKey{}).(*reqState)
	return st
}

// requestIDOf returns the request id carried by ctx, or "".
func requestIDOf(ctx context.Context) string {
	if st := stateOf(ctx); st != nil {
		return st.id
	}
	return ""
}

// newLogger returns the server's JSON logger: every line logged with a
// request's context carries its request id.
func newLogger(out io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(jsonlog.New(out, &jsonlog.Options{Level: level, ContextKey: "request_id", ContextValue: requestIDOf}))
}

// accessLog gives each request an id (X-Request-Id, kept when the caller
// sent a sane one) in its context, turns a panic into a 500, and logs one
// line per request: request_id, method, path (capped), route, status,
// latency_ms. It never logs the query string, which carries auth codes,
// OAuth codes and states. obs, when not nil, is told about every request.
func accessLog(logger *slog.Logger, obs func(r *http.Request, status int, elapsed time.Duration), next http.Handler) http.Handler {
	lw := accesslog.NewWriter(logger.Handler())
	ids := reqid.New()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := &reqState{}
		st.id = ids.Keep(r.Header.Get("X-Request-Id"))
		st.idHdr[0] = st.id
		w.Header()["X-Request-Id"] = st.idHdr[:]
		st.rec.ResponseWriter = w
		req := r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		defer func() {
			r := req
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
					slog.String("path", capField(r.URL.Path)), slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				if st.rec.Status == 0 {
					writeJSONError(&st.rec, http.StatusInternalServerError, "internal error")
				}
			}
			if st.rec.Status == 0 {
				st.rec.Status = http.StatusOK
			}
			elapsed := time.Since(start)
			if obs != nil {
				obs(r, st.rec.Status, elapsed)
			}
			level := slog.LevelInfo
			if st.rec.Status >= 500 {
				level = slog.LevelError
			}
			if !lw.Enabled(r.Context(), level) {
				return
			}
			var buf [6]slog.Attr
			attrs := append(buf[:0],
				slog.String("request_id", st.id),
				slog.String("method", capField(r.Method)),
				slog.String("path", capField(r.URL.Path)),
				slog.String("route", routeName(routeOf(r.Pattern))),
				slog.Int("status", st.rec.Status),
				slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
			)
			lw.Write(r.Context(), time.Now(), level, "request", attrs) // attrs stay on the stack
		}()
		next.ServeHTTP(&st.rec, req)
	})
}

// capField caps a log field taken from a request or a push at
// maxLogField bytes.
func capField(s string) string { return accesslog.Cap(s, maxLogField) }
