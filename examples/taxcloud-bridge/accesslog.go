package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/signer"
)

// reqData is the bridge's own part of a request's state (see
// accesslog.State): handlers record their result on it, and the answer's
// buffer and header values live in it, so a request costs one allocation
// for all of them.
type reqData struct {
	hdrs   [2]string   // Content-Type and Cache-Control of an envelope
	body   [256]byte   // room for an envelope: ResponseWriter.Write copies it
	result string      // the envelope's code, when the request was answered with one
	form   signer.Form // the signature form that matched, on the signed routes
	signed bool        // a signed route: sign_form is logged
	noSign bool        // signature checks are disabled
	// stdJSON writes the answer with encoding/json (the comparison
	// benchmark; see bridge.stdJSON). Beside the other flags, it takes
	// no room of its own.
	stdJSON bool
	query   url.Values // the parsed query, on the signed routes
}

// reqState is what the access log knows about one request.
type reqState = accesslog.State[reqData]

// stateOf returns the state the access log attached to ctx, or nil.
func stateOf(ctx context.Context) *reqState { return accesslog.StateOf[reqData](ctx) }

// accessLog is the bridge's access log (accesslog.Handler): a panic is
// answered with a 5000 envelope, and each line carries, beyond request_id,
// path, status and latency_ms, the result (the envelope's code, "" when
// the answer had none), sign_form on the signed routes, and the method
// when it is not GET. obs, when not nil, is told about every request
// (metrics).
func accessLog(logger *slog.Logger, obs func(r *http.Request, st *reqState, elapsed time.Duration), next http.Handler) http.Handler {
	return accesslog.Handler(logger, next, accesslog.Options[reqData]{
		Fields:  logFields,
		Observe: obs,
		Panic: func(w http.ResponseWriter, r *http.Request) {
			reply(w, r, codeInternal, "内部错误 (internal error)", nil)
		},
	})
}

// logFields are the bridge's own fields of a request's line.
func logFields(r *http.Request, st *reqState) (e accesslog.Extra) {
	e.Add(slog.String("result", st.Data.result))
	if st.Data.signed {
		e.Add(slog.String("sign_form", signFormLabel(st)))
	}
	if r.Method != http.MethodGet {
		e.Add(slog.String("method", accesslog.Field(r.Method)))
	}
	return e
}

// signFormLabel names how a signed request's signature was judged: the
// signer.Form that matched, "none" when none did (or the request failed
// before the check), "disabled" when checks are off.
func signFormLabel(st *reqState) string {
	if st.Data.noSign {
		return "disabled"
	}
	if st.Data.form == signer.FormNone {
		return "none"
	}
	return st.Data.form.String()
}
