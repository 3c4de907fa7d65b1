package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// maxLogField caps the request's path in the log.
const maxLogField = 256

type requestIDKey struct{}

// requestIDOf returns the request id carried by ctx, or "".
func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// statusRecorder captures the response status.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *statusRecorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// accessLog gives each request an id (X-Request-Id, in the answer and in
// the context, so every line logged for the request carries it), and logs
// one line per request: request_id, method, path, status, latency_ms. It
// never logs the query (a callback's carries the code and the state) nor
// any cookie. obs, when not nil, is told about every request.
func accessLog(logger *slog.Logger, obs func(pattern string, status int, elapsed time.Duration), next http.Handler) http.Handler {
	ids := newRequestIDs()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := ids.next()
		w.Header().Set("X-Request-Id", id)
		rec := &statusRecorder{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request", slog.String("path", capField(r.URL.Path)), slog.Any("panic", p))
				if rec.status == 0 {
					http.Error(rec, "500 internal error", http.StatusInternalServerError)
				}
			}
			if rec.status == 0 {
				rec.status = http.StatusOK
			}
			elapsed := time.Since(start)
			if obs != nil {
				obs(r.Pattern, rec.status, elapsed)
			}
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelError
			}
			logger.LogAttrs(r.Context(), level, "request",
				slog.String("method", capField(r.Method)), slog.String("path", capField(r.URL.Path)),
				slog.Int("status", rec.status), slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000))
		}()
		next.ServeHTTP(rec, r)
	})
}

// capField cuts s to maxLogField bytes (on a UTF-8 boundary).
func capField(s string) string {
	if len(s) <= maxLogField {
		return s
	}
	cut := maxLogField
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…[" + strconv.Itoa(len(s)-cut) + " more bytes]"
}

// requestIDs hands out ids unique across restarts: a random prefix chosen
// at start and a counter, as 16 hex digits.
type requestIDs struct {
	prefix uint64
	n      atomic.Uint32
}

func newRequestIDs() *requestIDs {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &requestIDs{prefix: uint64(binary.BigEndian.Uint32(b[:])) << 32}
}

func (g *requestIDs) next() string {
	var b [16]byte
	v := g.prefix | uint64(g.n.Add(1))
	for i := 15; i >= 0; i-- {
		b[i] = "0123456789abcdef"[v&0xf]
		v >>= 4
	}
	return string(b[:])
}
