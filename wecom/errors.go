package wecom

import (
	"encoding/json"
	"errors"
	"fmt"
)

// APIError is an error WeCom reported in a response's errcode and errmsg.
// Use errors.As to inspect it, or [ErrorCode] for just the code.
type APIError struct {
	// Code is WeCom's errcode (doc 90313), never 0.
	Code int
	// Msg is WeCom's errmsg, with any credential removed.
	Msg string
	// Path is the API path that failed, such as /cgi-bin/user/get.
	Path string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("wecom: %s: errcode %d: %s", e.Path, e.Code, e.Msg)
}

// Is reports whether target is an *APIError with the same Code (and the
// same Path, when target names one), so callers can write
// errors.Is(err, &wecom.APIError{Code: 40029}).
func (e *APIError) Is(target error) bool {
	t, ok := target.(*APIError)
	return ok && t.Code == e.Code && (t.Path == "" || t.Path == e.Path)
}

// HTTPError reports a response whose HTTP status was not 2xx. WeCom itself
// answers 200 even for errors, so this usually means a proxy or load
// balancer in between failed.
type HTTPError struct {
	StatusCode int
	Method     string
	Path       string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("wecom: %s %s: unexpected HTTP status %d", e.Method, e.Path, e.StatusCode)
}

// Error codes the client acts on (doc 90313).
const (
	codeSystemBusy         = -1
	codeInvalidCredential  = 40001
	codeInvalidAccessToken = 40014
	codeAccessTokenExpired = 42001
	codeInvalidSuiteToken  = 40082
	codeSuiteTokenExpired  = 42009
)

// IsTokenInvalid reports whether err says the credential sent with a call
// was not (or no longer) accepted: 40014 (invalid access_token), 42001
// (access_token expired), 40001 (invalid credential), and for
// suite_access_token 40082 and 42009. The client already handles these by
// fetching a new token and retrying once; this is for callers managing
// tokens themselves.
func IsTokenInvalid(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return isTokenInvalidCode(ae.Code)
}

func isTokenInvalidCode(code int) bool {
	switch code {
	case codeInvalidCredential, codeInvalidAccessToken, codeAccessTokenExpired,
		codeInvalidSuiteToken, codeSuiteTokenExpired:
		return true
	}
	return false
}

// ErrorCode returns the WeCom errcode carried by err, or 0 if err is nil or
// carries none (a transport failure, say).
func ErrorCode(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Code
	}
	return 0
}

// ErrStore is matched (errors.Is) by the error of a token whose shared
// store failed: the store is unreachable or refused the operation. WeCom
// was not asked; the cause is in the store or the network to it.
var ErrStore = errors.New("wecom: token store failed")

// ErrResponseTooLarge is matched by the error for a response body larger
// than [WithMaxResponseBytes].
var ErrResponseTooLarge = errors.New("wecom: response too large")

// ErrMalformedResponse is matched by the error for an answer that is not
// the JSON object WeCom sends, or does not decode into the result.
var ErrMalformedResponse = errors.New("wecom: malformed response")

// kindError is an error with its own message that matches a sentinel
// (kind) and unwraps to its cause, so that errors.Is works for both
// without the sentinel's text repeating in the message.
type kindError struct {
	msg  string
	kind error
	err  error
}

func (e *kindError) Error() string        { return e.msg }
func (e *kindError) Unwrap() error        { return e.err }
func (e *kindError) Is(target error) bool { return target == e.kind }

// storeError wraps a failure of the token store for key.
func storeError(key string, err error) error {
	return &kindError{msg: "wecom: token " + key + ": store: " + err.Error(), kind: ErrStore, err: err}
}

// malformed reports an answer that does not decode.
func malformed(path, what string, err error) error {
	err = jsonSyntaxOnly(err)
	return &kindError{msg: "wecom: " + path + ": " + what + ": " + err.Error(), kind: ErrMalformedResponse, err: err}
}

// jsonSyntaxOnly keeps decoding errors from quoting response content, which
// may hold a credential: encoding/json's messages are about types and
// offsets, but a custom UnmarshalJSON could say anything.
func jsonSyntaxOnly(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) {
		return err
	}
	return errors.New("malformed response")
}
