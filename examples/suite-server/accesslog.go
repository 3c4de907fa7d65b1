package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
)

// reqState is what the access log knows about one request; the suite
// server keeps nothing of its own on it.
type reqState = accesslog.State[struct{}]

// accessLog is the server's access log (accesslog.Handler): a panic is
// answered 500 {"error":"internal error"}, and each line carries, beyond
// request_id, path, status and latency_ms, the method and the route. It
// never logs the query string, which carries auth codes, OAuth codes and
// states. obs, when not nil, is told about every request.
func accessLog(logger *slog.Logger, obs func(r *http.Request, st *reqState, elapsed time.Duration), next http.Handler) http.Handler {
	return accesslog.Handler(logger, next, accesslog.Options[struct{}]{
		Method: true,
		Fields: func(r *http.Request, _ *reqState) (e accesslog.Extra) {
			e.Add(slog.String("route", routeName(routeOf(r.Pattern))))
			return e
		},
		Observe: obs,
		Panic: func(w http.ResponseWriter, _ *http.Request) {
			writeJSONError(w, http.StatusInternalServerError, "internal error")
		},
	})
}
