package main

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/examples/internal/reqid"
)

// maxLogField caps the request's path in the log.
const maxLogField = 256

type requestIDKey struct{}

// requestIDOf returns the request id carried by ctx, or "".
func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// accessLog gives each request an id (X-Request-Id, in the answer and in
// the context, so every line logged for the request carries it), and logs
// one line per request: request_id, method, path, status, latency_ms. It
// never logs the query (a callback's carries the code and the state) nor
// any cookie. obs, when not nil, is told about every request.
func accessLog(logger *slog.Logger, obs func(pattern string, status int, elapsed time.Duration), next http.Handler) http.Handler {
	ids := reqid.New()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := ids.Next()
		w.Header().Set("X-Request-Id", id)
		rec := &accesslog.Recorder{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request", slog.String("path", capField(r.URL.Path)), slog.Any("panic", p))
				if rec.Status == 0 {
					http.Error(rec, "500 internal error", http.StatusInternalServerError)
				}
			}
			if rec.Status == 0 {
				rec.Status = http.StatusOK
			}
			elapsed := time.Since(start)
			if obs != nil {
				obs(r.Pattern, rec.Status, elapsed)
			}
			level := slog.LevelInfo
			if rec.Status >= 500 {
				level = slog.LevelError
			}
			logger.LogAttrs(r.Context(), level, "request",
				slog.String("method", capField(r.Method)), slog.String("path", capField(r.URL.Path)),
				slog.Int("status", rec.Status), slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000))
		}()
		next.ServeHTTP(rec, r)
	})
}

// capField caps a log field taken from a request at maxLogField bytes.
func capField(s string) string { return accesslog.Cap(s, maxLogField) }
