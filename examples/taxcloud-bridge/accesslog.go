package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/examples/internal/reqid"
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
	rec    accesslog.Recorder // the response writer handlers get; it records the status
	id     string
	idHdr  [1]string   // the X-Request-Id header value, without another allocation
	hdrs   [2]string   // Content-Type and Cache-Control of an envelope, likewise
	body   [256]byte   // room for an envelope: ResponseWriter.Write copies it
	status int         // the answer's status, from rec once the handler is done
	result string      // the envelope's code, when the request was answered with one
	form   signer.Form // the signature form that matched, on the signed routes
	signed bool        // a signed route: sign_form is logged
	noSign bool        // signature checks are disabled
	query  url.Values  // the parsed query, on the signed routes
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

// accessLog gives each request an id (X-Request-Id, kept when the caller
// sent a sane one) and puts it into the request's context, turns a panic
// into a 5000 envelope, and logs one line per request, whatever the method
// and route: request_id, path, status, result (the envelope's code, "" when
// the answer had none), latency_ms, sign_form on the signed routes, and the
// method when it is not GET. Fields from the request are capped at
// maxLogField bytes. It never logs the query string, which carries code
// and sign. obs, when not nil, is told about every request (metrics).
func accessLog(logger *slog.Logger, obs func(r *http.Request, st *reqState, elapsed time.Duration), next http.Handler) http.Handler {
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
					slog.String("request_id", st.id), slog.String("path", capField(r.URL.Path)),
					slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				if st.rec.Status == 0 {
					reply(&st.rec, r, codeInternal, "内部错误 (internal error)", nil)
				}
			}
			st.status = st.rec.Status
			elapsed := time.Since(start)
			if obs != nil {
				obs(r, st, elapsed)
			}
			level := slog.LevelInfo
			if st.status >= 500 || st.result == codeInternal {
				level = slog.LevelError
			}
			if !lw.Enabled(r.Context(), level) {
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
			lw.Write(r.Context(), start.Add(elapsed), level, "request", attrs) // attrs stay on the stack
		}()
		next.ServeHTTP(&st.rec, req)
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

// capField caps a log field taken from a request at maxLogField bytes.
func capField(s string) string { return accesslog.Cap(s, maxLogField) }
