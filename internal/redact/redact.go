// Package redact keeps credentials out of logs, errors and panics.
//
// [URL] and [Error] scrub the query parameters WeCom uses to carry credentials from
// URLs, including the ones net/http puts into *url.Error.
package redact

import (
	"errors"
	"net/url"
	"slices"
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
// replaces the given secrets in the message as [String] does (whole tokens
// of at least [MinSecretLen] bytes). The
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

// MinSecretLen is the shortest secret [String] and [Error] scrub. A
// shorter one (a toy secret such as "a" in a test or a demo) would match
// inside ordinary words — "dial", "[redacted]" itself — and turn every
// message into noise while hiding nothing: WeCom's secrets, tokens, tickets
// and codes are all far longer.
const MinSecretLen = 6

// encodedPlaceholder is [Placeholder] as [URL] leaves it in a query.
const encodedPlaceholder = "%5Bredacted%5D"

// String replaces with [Placeholder] every whole-token occurrence in s of
// the given secrets that are at least [MinSecretLen] bytes long. An
// occurrence is a whole token when neither neighbour is a letter, a digit,
// '_' or '-' (a character of a longer token); a percent-escape (%22), a
// \uXXXX escape or a backslash escape (\n) just before it counts as a
// boundary, so a secret quoted in an encoded URL or a JSON string is still
// scrubbed. Text inside a placeholder, plain or percent-encoded, is never
// touched. Shorter and empty secrets are ignored.
func String(s string, secrets ...string) string {
	sorted := make([]string, 0, len(secrets))
	for _, sec := range secrets {
		if len(sec) >= MinSecretLen {
			sorted = append(sorted, sec)
		}
	}
	// Longer secrets first: one that contains another is scrubbed whole.
	slices.SortStableFunc(sorted, func(a, b string) int { return len(b) - len(a) })
	for _, sec := range sorted {
		s = scrub(s, sec)
	}
	return s
}

// scrub replaces the whole-token occurrences of sec in s, skipping
// placeholders.
func scrub(s, sec string) string {
	if !strings.Contains(s, sec) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if p := placeholderAt(s, i); p > 0 {
			b.WriteString(s[i : i+p])
			i += p
			continue
		}
		if strings.HasPrefix(s[i:], sec) && leftBoundary(s, i) && rightBoundary(s, i+len(sec)) {
			b.WriteString(Placeholder)
			i += len(sec)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// placeholderAt returns the length of the placeholder starting at s[i:], or
// 0.
func placeholderAt(s string, i int) int {
	for _, p := range []string{Placeholder, encodedPlaceholder} {
		if len(s)-i >= len(p) && strings.EqualFold(s[i:i+len(p)], p) {
			return len(p)
		}
	}
	return 0
}

// tokenByte reports whether c can be part of a token: a secret next to one
// is part of a longer word, not the secret itself.
func tokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func leftBoundary(s string, i int) bool {
	switch {
	case i == 0 || !tokenByte(s[i-1]):
		return true
	case i >= 3 && s[i-3] == '%' && isHex(s[i-2]) && isHex(s[i-1]): // %22TOKEN
		return true
	case i >= 6 && s[i-6] == '\\' && s[i-5] == 'u' && isHex(s[i-4]) && isHex(s[i-3]) && isHex(s[i-2]) && isHex(s[i-1]): // \u0026TOKEN
		return true
	case i >= 2 && s[i-2] == '\\': // \nTOKEN
		return true
	}
	return false
}

func rightBoundary(s string, j int) bool {
	return j == len(s) || !tokenByte(s[j])
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
