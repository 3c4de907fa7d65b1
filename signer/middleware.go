package signer

import (
	"errors"
	"net/http"
)

// Middleware returns a handler that verifies each request's query string with
// [Verifier.VerifyRequest] and calls next only when it is correctly signed.
// Otherwise it calls onError with the error (match it with errors.Is against
// the sentinels) and does not call next.
//
// A nil onError answers in plain text: 401 Unauthorized for a missing or wrong
// signature or a ts outside the window, 400 Bad Request for everything else
// (missing, repeated or malformed parameters). The answer carries the error's
// text, which never holds the secret or the expected signature.
//
// Middleware panics if next is nil.
func (v *Verifier) Middleware(next http.Handler, onError func(http.ResponseWriter, *http.Request, error)) http.Handler {
	if next == nil {
		panic("signer: Middleware: nil handler")
	}
	if onError == nil {
		onError = defaultOnError
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := v.VerifyRequest(r); err != nil {
			onError(w, r, err)
			return
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
