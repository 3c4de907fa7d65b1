package main

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
)

// reqState is what the access log knows about one request; the server
// keeps nothing of its own on it.
type reqState = accesslog.State[struct{}]

// accessLog is the server's access log (accesslog.Handler): each line
// carries, beyond request_id, path, status and latency_ms, the method. It
// never logs the query (a callback's carries the code and the state) nor
// any cookie. obs, when not nil, is told about every request.
func accessLog(logger *slog.Logger, obs func(r *http.Request, st *reqState, elapsed time.Duration), next http.Handler) http.Handler {
	return accesslog.Handler(logger, next, accesslog.Options[struct{}]{Method: true, Observe: obs})
}
