package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/wecomkit/wecomkit/internal/jsonlog"
)

// maxLogField caps every log field taken from a request or a push (path,
// method, event types, corp ids): a 15 KB path must not make a 15 KB line.
const maxLogField = 256

// maxRequestIDLength bounds a caller's X-Request-Id kept as the request id.
const maxRequestIDLength = 64

// reqState is what the access log knows about one request. It travels in
// the request's context, so every line logged with that context — the
// suite's and the wecom client's included — carries the request id.
type reqState struct {
	id     string
	idHdr  [1]string // the X-Request-Id header value, without another allocation
	status int
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

// recorder captures the response status for the access log.
type recorder struct {
	http.ResponseWriter
	st *reqState
}

func (r *recorder) WriteHeader(status int) {
	if r.st.status == 0 {
		r.st.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.st.status == 0 {
		r.st.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

type reqRecord struct {
	st  reqState
	rec recorder
}

// accessLog gives each request an id (X-Request-Id, kept when the caller
// sent a sane one) in its context, turns a panic into a 500, and logs one
// line per request: request_id, method, path (capped), route, status,
// latency_ms. It never logs the query string, which carries auth codes,
// OAuth codes and states. obs, when not nil, is told about every request.
func accessLog(logger *slog.Logger, obs func(r *http.Request, status int, elapsed time.Duration), next http.Handler) http.Handler {
	h := logger.Handler()
	fast, _ := h.(*jsonlog.Handler)
	ids := newRequestIDs()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rr := &reqRecord{}
		st := &rr.st
		st.id = r.Header.Get("X-Request-Id")
		if !isSafeRequestID(st.id) {
			st.id = ids.next()
		}
		st.idHdr[0] = st.id
		w.Header()["X-Request-Id"] = st.idHdr[:]
		rr.rec = recorder{ResponseWriter: w, st: st}
		req := r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		defer func() {
			r := req
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
					slog.String("path", capField(r.URL.Path)), slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				if st.status == 0 {
					writeJSONError(&rr.rec, http.StatusInternalServerError, "internal error")
				}
			}
			if st.status == 0 {
				st.status = http.StatusOK
			}
			elapsed := time.Since(start)
			if obs != nil {
				obs(r, st.status, elapsed)
			}
			level := slog.LevelInfo
			if st.status >= 500 {
				level = slog.LevelError
			}
			if !h.Enabled(r.Context(), level) {
				return
			}
			var buf [6]slog.Attr
			attrs := append(buf[:0],
				slog.String("request_id", st.id),
				slog.String("method", capField(r.Method)),
				slog.String("path", capField(r.URL.Path)),
				slog.String("route", routeName(routeOf(r.Pattern))),
				slog.Int("status", st.status),
				slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
			)
			if fast != nil {
				// Straight to the handler with the attributes on the stack:
				// slog.Logger would capture the caller's PC and a
				// slog.Record holds only five attributes inline.
				_ = fast.HandleAttrs(r.Context(), time.Now(), level, "request", attrs)
				return
			}
			rl := slog.NewRecord(time.Now(), level, "request", 0)
			rl.AddAttrs(attrs...)
			_ = h.Handle(r.Context(), rl)
		}()
		next.ServeHTTP(&rr.rec, req)
	})
}

// capField cuts s to maxLogField bytes (on a UTF-8 boundary) and says how
// much was cut.
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

// isSafeRequestID accepts 1–64 characters of [A-Za-z0-9._-].
func isSafeRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// requestIDs hands out ids unique across processes and restarts: a random
// 32-bit prefix chosen at start and a counter, as 16 hex digits.
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
