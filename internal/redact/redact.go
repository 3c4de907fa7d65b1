// Package redact keeps credentials out of logs, errors and panics.
//
// [URL] and [Error] scrub the query parameters WeCom uses to carry credentials from
// URLs, including the ones net/http puts into *url.Error.
package redact

import (
	"errors"
	"net/url"
	"strings"
)

// Placeholder replaces every redacted value.
const Placeholder = "[redacted]"

// sensitiveParams are the query parameters through which WeCom and the tax
// cloud carry credentials or one-time codes.
var sensitiveParams = map[string]bool{
	"access_token":          true,
	"suite_access_token":    true,
	"provider_access_token": true,
	"corpsecret":            true,
	"secret":                true,
	"suite_secret":          true,
	"provider_secret":       true,
	"suite_ticket":          true,
	"ticket":                true,
	"jsapi_ticket":          true,
	"permanent_code":        true,
	"pre_auth_code":         true,
	"auth_code":             true,
	"user_ticket":           true,
	"code":                  true,
	"sign":                  true,
	"signature":             true,
	"msg_signature":         true,
	"echostr":               true,
}

// isSensitiveParam reports whether a query parameter of this name carries a
// credential that must not be logged.
func isSensitiveParam(name string) bool { return sensitiveParams[strings.ToLower(name)] }

// URL returns raw with the values of credential-carrying query parameters
// replaced by [Placeholder]. Input that does not parse is replaced whole:
// better to lose a log line than to leak a token.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Placeholder
	}
	u.User = nil
	if u.RawQuery == "" {
		return u.String()
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		u.RawQuery = Placeholder
		return u.String()
	}
	for k := range q {
		if isSensitiveParam(k) {
			q[k] = []string{Placeholder}
		}
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Error scrubs the URL inside any *url.Error in err's chain (net/http puts
// the full request URL, query included, into the errors it returns) and
// removes every occurrence of the given secrets from the message. The
// result still unwraps to the original causes, so errors.Is(err,
// context.DeadlineExceeded) and net.Error checks keep working.
func Error(err error, secrets ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var ue *url.Error
	if errors.As(err, &ue) && ue.URL != "" {
		msg = strings.ReplaceAll(msg, ue.URL, URL(ue.URL))
	}
	msg = String(msg, secrets...)
	if msg == err.Error() {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

// String removes every occurrence of the given secrets from s. Empty
// secrets are ignored.
func String(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, Placeholder)
		}
	}
	return s
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
