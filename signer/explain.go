package signer

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaskedSecret stands for the secret in the strings to sign of
// [MaskedStringToSign] and [Explanation]: "appid=xxx&ts=241321#***".
const MaskedSecret = "***"

// MaskedStringToSign returns [StringToSign](params, secret) with the secret
// replaced by [MaskedSecret], so that the text can be shown, logged or
// compared with the other side's without revealing the secret.
func MaskedStringToSign(params url.Values) string {
	return StringToSign(params, MaskedSecret)
}

// Explanation says why a [Verifier] accepts or rejects a request: the rule
// that matched, or the first check that failed, how far ts is from the
// verifier's clock, and the strings to sign the verifier would have
// accepted. It is made for debugging tools and support, where "bad
// signature" alone costs hours. It never holds the secret (the strings to
// sign show it as "#***") nor an expected signature, so it may be shown to
// whoever sent the request.
type Explanation struct {
	// Form is the parameter set the signature covered, or FormNone.
	Form Form
	// Err is what [Verifier.Match] returned for the same parameters: nil,
	// or an error matching one of the sentinels.
	Err error
	// TS is the request's ts, when TSValid.
	TS int64
	// TSValid reports whether ts was present once and is a base-10
	// integer; Offset is meaningful only then.
	TSValid bool
	// Offset is ts minus the verifier's clock, in whole seconds: positive
	// when ts is ahead (in the future), negative when it is behind.
	Offset int64
	// Window is how far ts may be from the clock, either way.
	Window time.Duration
	// Candidates are the parameter sets the verifier accepts a signature
	// over, for these parameters, in the order it tries them. They are
	// computed even when a check before the signature failed.
	Candidates []Candidate
	// Notes are hints in plain English about likely mistakes: a parameter
	// that seems encoded twice, an absent appid that rules out the
	// appid+ts form, a sign that is not 64 hex digits.
	Notes []string
}

// Candidate is one parameter set a [Verifier] accepts a signature over.
type Candidate struct {
	// Form names the set.
	Form Form
	// Fields are the parameters the string to sign covers (those present
	// with a non-empty value), sorted.
	Fields []string
	// StringToSign is the text whose SHA-256 is the expected signature,
	// with the secret shown as [MaskedSecret].
	StringToSign string
}

// Explain reports, for a debugging tool, what [Verifier.Match] decides about
// params and why; see [Explanation]. It is much slower than Match (it
// allocates freely) and not meant for every request.
func (v *Verifier) Explain(params url.Values) Explanation {
	form, err := v.Match(params)
	e := Explanation{Form: form, Err: err, Window: v.window / time.Second * time.Second}
	if vs := params[paramTS]; len(vs) == 1 {
		if sec, perr := strconv.ParseInt(vs[0], 10, 64); perr == nil {
			e.TS, e.TSValid = sec, true
			e.Offset = subSaturating(sec, v.now().Unix())
		}
	}
	e.Candidates = v.candidates(params)
	e.Notes = explainNotes(params, v.mode)
	return e
}

// candidates lists the accepted parameter sets, dropping a set whose string
// to sign repeats an earlier one (a request of just appid and ts).
func (v *Verifier) candidates(params url.Values) []Candidate {
	var out []Candidate
	add := func(form Form, names []string) {
		c := Candidate{Form: form, StringToSign: string(appendFields(nil, params, names, MaskedSecret))}
		for _, n := range names {
			if _, ok := nonEmpty(params[n]); ok {
				c.Fields = append(c.Fields, n)
			}
		}
		for _, prev := range out {
			if prev.StringToSign == c.StringToSign {
				return
			}
		}
		out = append(out, c)
	}
	if v.mode == modeFields {
		add(FormFields, v.fields)
		return out
	}
	all := make([]string, 0, len(params))
	for k := range params {
		if k != paramSign {
			all = append(all, k)
		}
	}
	slices.Sort(all)
	add(FormAll, all)
	if v.mode == modeDefault {
		if _, ok := nonEmpty(params[paramAppID]); ok {
			add(FormAppIDTS, []string{paramAppID, paramTS})
		}
	}
	return out
}

// explainNotes collects hints about likely mistakes in params.
func explainNotes(params url.Values, m mode) []string {
	var notes []string
	if sign, ok := nonEmpty(params[paramSign]); ok {
		var sum [32]byte
		if !decodeHex(&sum, sign) {
			notes = append(notes, "sign is not 64 hex digits ("+strconv.Itoa(len(sign))+" characters): it cannot be a SHA-256 signature")
		}
	}
	if m == modeDefault {
		if _, ok := nonEmpty(params[paramAppID]); !ok {
			notes = append(notes, "appid is absent or empty, so the appid+ts form cannot match")
		}
	}
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if k == paramSign {
			continue
		}
		for _, val := range params[k] {
			if looksEncoded(val) {
				notes = append(notes, k+" still holds percent-escapes after decoding: if it was encoded twice, the other side may have signed the value decoded twice (or once more encoded)")
				break
			}
		}
	}
	return notes
}

// looksEncoded reports whether s holds a %XX escape of a character that is
// escaped in URLs, such as %2F, %3A or %25.
func looksEncoded(s string) bool {
	for i := 0; i+2 < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if b, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil && strings.IndexByte(":/?#&=%+ ", byte(b)) >= 0 {
			return true
		}
	}
	return false
}

// subSaturating returns a-b, clamped to the int64 range.
func subSaturating(a, b int64) int64 {
	d := a - b
	switch {
	case b < 0 && d < a: // overflowed upwards
		return math.MaxInt64
	case b > 0 && d > a: // overflowed downwards
		return math.MinInt64
	}
	return d
}
