package signer

import (
	"errors"
	"net/http"
	"net/url"
)

// MiddlewareOption configures [Verifier.Middleware]. Options are built only by
// this package.
type MiddlewareOption interface {
	applyMiddleware(*middlewareConfig)
}

type middlewareConfig struct {
	onError    func(http.ResponseWriter, *http.Request, error)
	onVerified func(*http.Request, Form)
	parse      func(*http.Request) (url.Values, error) // see WithQueryParser
}

type middlewareOptionFunc func(*middlewareConfig)

func (f middlewareOptionFunc) applyMiddleware(c *middlewareConfig) { f(c) }

// OnError makes the middleware answer a request that fails verification with
// f instead of the default plain-text answer. f receives the error: match it
// with errors.Is against the sentinels. A nil f keeps the default.
func OnError(f func(w http.ResponseWriter, r *http.Request, err error)) MiddlewareOption {
	return middlewareOptionFunc(func(c *middlewareConfig) {
		if f != nil {
			c.onError = f
		}
	})
}

// OnVerified calls f for every request that passed verification, before next
// runs, with the [Form] its signature covered: for an access log or a metric
// of how callers sign. f must not write a response.
func OnVerified(f func(r *http.Request, form Form)) MiddlewareOption {
	return middlewareOptionFunc(func(c *middlewareConfig) { c.onVerified = f })
}

// Middleware returns a handler that verifies each request's query string with
// [Verifier.MatchRequest] (or the parser given with [WithQueryParser]) and
// calls next only when it is correctly signed.
// Otherwise it answers with the [OnError] function and does not call next.
//
// By default a failure is answered in plain text: 401 Unauthorized for a
// missing or wrong signature or a ts outside the window, 400 Bad Request for
// everything else (missing, repeated or malformed parameters). The answer
// carries the error's text, which never holds the secret or the expected
// signature.
//
// Middleware panics if next is nil: that is a programming error, found the
// first time the code runs.
func (v *Verifier) Middleware(next http.Handler, opts ...MiddlewareOption) http.Handler {
	if next == nil {
		panic("signer: Middleware: nil handler")
	}
	cfg := middlewareConfig{onError: defaultOnError}
	for _, o := range opts {
		if o != nil {
			o.applyMiddleware(&cfg)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, err := cfg.match(v, r)
		if err != nil {
			cfg.onError(w, r, err)
			return
		}
		if cfg.onVerified != nil {
			cfg.onVerified(r, form)
		}
		next.ServeHTTP(w, r)
	})
}

func defaultOnError(w http.ResponseWriter, _ *http.Request, err error) {
	status := http.StatusBadRequest
	if errors.Is(err, ErrMissingSignature) || errors.Is(err, ErrBadSignature) || errors.Is(err, ErrExpired) {
		status = http.StatusUnauthorized
	}
	http.Error(w, err.Error(), status)
}
