package signer

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// Names of the parameters the algorithm itself uses.
const (
	paramSign  = "sign"
	paramTS    = "ts"
	paramAppID = "appid"
)

// stackBuf is the size of the stack buffers the hot paths build the string to
// sign in; a longer string still works, it just costs a heap allocation.
const stackBuf = 512

// StringToSign returns the text whose SHA-256 is the signature of params: every
// parameter except sign, sorted by name in byte order, parameters with an
// empty value skipped, joined as k1=v1&k2=v2 with the values as given (url.Values
// holds them decoded), then "#" and the secret.
//
// A parameter with several values contributes one k=v per non-empty value, in
// the order given, so nothing that is sent goes unsigned; [Verifier.Verify]
// rejects such requests anyway ([ErrDuplicateParam]).
//
// The result contains the secret: use it to debug a signature mismatch on your
// own machine, never log it.
func StringToSign(params url.Values, secret string) string {
	var buf [stackBuf]byte
	return string(appendStringToSign(buf[:0], params, secret))
}

// Sign returns the lowercase hex SHA-256 of [StringToSign](params, secret).
// The tax cloud's worked example: Sign(url.Values{"appid": {"xxx"}, "ts": {"241321"}}, "pwd")
// is b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920.
func Sign(params url.Values, secret string) string {
	var buf [stackBuf]byte
	sum := sha256.Sum256(appendStringToSign(buf[:0], params, secret))
	var out [2 * sha256.Size]byte
	hex.Encode(out[:], sum[:])
	return string(out[:])
}

// SignQuery returns a copy of params with ts set to now.Unix() and sign set to
// the signature over every other parameter, ready for Encode. params is not
// modified; a sign or ts it already holds is replaced.
func SignQuery(params url.Values, secret string, now time.Time) url.Values {
	q := make(url.Values, len(params)+2)
	for k, vs := range params {
		if k == paramSign || k == paramTS {
			continue
		}
		q[k] = slices.Clone(vs)
	}
	q[paramTS] = []string{strconv.FormatInt(now.Unix(), 10)}
	q[paramSign] = []string{Sign(q, secret)}
	return q
}

// appendStringToSign appends the string to sign over every parameter but sign.
func appendStringToSign(dst []byte, params url.Values, secret string) []byte {
	var kbuf [16]string
	keys := kbuf[:0]
	for k := range params {
		if k != paramSign {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return appendFields(dst, params, keys, secret)
}

// appendFields appends the string to sign over the named parameters, which
// must be sorted and must not contain sign.
func appendFields(dst []byte, params url.Values, names []string, secret string) []byte {
	first := true
	for _, k := range names {
		for _, v := range params[k] {
			if v == "" {
				continue
			}
			if !first {
				dst = append(dst, '&')
			}
			first = false
			dst = append(dst, k...)
			dst = append(dst, '=')
			dst = append(dst, v...)
		}
	}
	dst = append(dst, '#')
	return append(dst, secret...)
}
