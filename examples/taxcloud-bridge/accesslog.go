package main

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/wecomkit/wecomkit/internal/jsonlog"
	"github.com/wecomkit/wecomkit/signer"
)

// maxLogField caps every field of the access log taken from the request
// (path, method): a 15 KB path must not make a 15 KB log line.
const maxLogField = 256

// reqState is what the access log knows about one request. It travels in
// the request's context (see stateOf), so handlers record their result on
// it and every line logged with that context — the wecom client's
// included — carries the request id.
type reqState struct {
	id     string
	idHdr  [1]string // the X-Request-Id header value, without another allocation
	hdrs   [2]string // Content-Type and Cache-Control of an envelope, likewise
	status int
	result string      // the envelope's code, when the request was answered with one
	form   signer.Form // the signature form that matched, on the signed routes
	signed bool        // a signed route: sign_form is logged
	noSign bool        // signature checks are disabled
	params params      // appid and the interface's own parameter, on the signed routes
}

type stateKey struct{}

// stateOf returns the state the access log attached to ctx, or nil.
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

// reqRecord is a request's state and its response recorder, allocated
// together.
type reqRecord struct {
	st  reqState
	rec recorder
}

// accessLog gives each request an id (X-Request-Id, kept when the caller
// sent a sane one) and puts it into the request's context, turns a panic
// into a 5000 envelope, and logs one line per request, whatever the method
// and route: request_id, path, status, result (the envelope's code, "" when
// the answer had none), latency_ms, sign_form on the signed routes, and the
// method when it is not GET. Fields from the request are capped at
// maxLogField bytes. It never logs the query string, which carries code
// and sign. obs, when not nil, is told about every request (metrics).
func accessLog(logger *slog.Logger, obs func(r *http.Request, st *reqState, elapsed time.Duration), next http.Handler) http.Handler {
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
					slog.String("request_id", st.id), slog.String("path", capField(r.URL.Path)),
					slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				if st.status == 0 {
					reply(&rr.rec, r, codeInternal, "内部错误 (internal error)", nil)
				}
			}
			elapsed := time.Since(start)
			if obs != nil {
				obs(r, st, elapsed)
			}
			level := slog.LevelInfo
			if st.status >= 500 || st.result == codeInternal {
				level = slog.LevelError
			}
			if !h.Enabled(r.Context(), level) {
				return
			}
			var buf [7]slog.Attr
			attrs := append(buf[:0],
				slog.String("request_id", st.id),
				slog.String("path", capField(r.URL.Path)),
				slog.Int("status", st.status),
				slog.String("result", st.result),
				slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
			)
			if st.signed {
				attrs = append(attrs, slog.String("sign_form", signFormLabel(st)))
			}
			if r.Method != http.MethodGet {
				attrs = append(attrs, slog.String("method", capField(r.Method)))
			}
			if fast != nil {
				// Straight to the handler, with the attributes on the
				// stack: slog.Logger would also capture the caller's
				// program counter, which costs more than the rest of the
				// line, and a slog.Record holds only five attributes
				// without an allocation.
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

// signFormLabel names how a signed request's signature was judged: the
// signer.Form that matched, "none" when none did (or the request failed
// before the check), "disabled" when checks are off.
func signFormLabel(st *reqState) string {
	if st.noSign {
		return "disabled"
	}
	if st.form == signer.FormNone {
		return "none"
	}
	return st.form.String()
}

// capField cuts s to maxLogField bytes (on a UTF-8 boundary) and says how
// much was cut.
func capField(s string) string {
	if len(s) <= maxLogField {
		return s
	}
	cut := maxLogField
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…[" + strconv.Itoa(len(s)-cut) + " more bytes]"
}

// isSafeRequestID accepts 1–64 characters of [A-Za-z0-9._-], so that a
// caller's id can go into logs and headers as it is.
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
// 32-bit prefix chosen at start and a counter, as 16 hex digits. (Reading
// crypto/rand for every request cost more than the rest of the id.)
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
