package signer

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// DefaultWindow is how far ts may be from the verifier's clock, either way,
// unless [WithWindow] says otherwise.
const DefaultWindow = 300 * time.Second

// Option configures a [Verifier]. Options are built only by this package.
type Option interface {
	apply(*Verifier)
}

type optionFunc func(*Verifier)

func (f optionFunc) apply(v *Verifier) { f(v) }

// WithWindow sets how far ts may be from the clock, in the past or in the
// future. It is counted in whole seconds (rounded down). A value below one
// second, zero or negative, means [DefaultWindow].
func WithWindow(d time.Duration) Option {
	if d < time.Second {
		d = DefaultWindow
	}
	return optionFunc(func(v *Verifier) { v.window = d })
}

// WithClock sets the clock ts is compared with (default time.Now; nil means
// time.Now). Tests inject a fixed clock instead of sleeping.
func WithClock(now func() time.Time) Option {
	if now == nil {
		now = time.Now
	}
	return optionFunc(func(v *Verifier) { v.now = now })
}

// WithFields makes the verifier accept only a signature over exactly these
// parameters (those of them that are absent or empty are skipped, as always).
// Include "ts": ts is required and checked against the window in every mode,
// but only a signature that covers it keeps a captured URL from being replayed
// with a fresh ts. "sign" is ignored; repeated names count once. With no other
// name the option changes nothing. The last of WithFields and [Strict] wins.
func WithFields(names ...string) Option {
	fields := make([]string, 0, len(names))
	for _, n := range names {
		if n != paramSign {
			fields = append(fields, n)
		}
	}
	slices.Sort(fields)
	fields = slices.Compact(fields)
	// Parameters that must not be repeated: the signed ones, ts and sign.
	single := append(slices.Clone(fields), paramTS, paramSign)
	slices.Sort(single)
	single = slices.Compact(single)
	// Both slices are shared by every verifier built with this option and
	// never written after this point.
	return optionFunc(func(v *Verifier) {
		if len(fields) == 0 {
			return
		}
		v.mode, v.fields, v.single = modeFields, fields, single
	})
}

// Strict makes the verifier accept only a signature over every parameter
// except sign, refusing the default fallback to a signature over exactly appid
// and ts. The last of [WithFields] and Strict wins.
func Strict() Option {
	return optionFunc(func(v *Verifier) {
		v.mode = modeStrict
		v.fields, v.single = nil, nil
	})
}

type mode uint8

const (
	modeDefault mode = iota // every parameter but sign, or exactly appid + ts
	modeStrict              // every parameter but sign
	modeFields              // exactly v.fields
)

func (m mode) String() string {
	switch m {
	case modeStrict:
		return "strict"
	case modeFields:
		return "fields"
	default:
		return "default"
	}
}

// Verifier checks signed requests. It is immutable once built and safe for
// concurrent use. Printing it with fmt never shows the secret.
type Verifier struct {
	secret string
	window time.Duration
	now    func() time.Time
	mode   mode
	fields []string // modeFields: sorted, unique, without sign
	single []string // modeFields: fields + ts + sign, sorted, unique
}

// NewVerifier returns a verifier for the shared secret. An empty secret is
// refused with [ErrEmptySecret]: a signature keyed with nothing can be made by
// anyone, so it is a configuration error to catch at start-up, not a mode.
func NewVerifier(secret string, opts ...Option) (*Verifier, error) {
	if secret == "" {
		return nil, ErrEmptySecret
	}
	v := &Verifier{secret: secret, window: DefaultWindow, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o.apply(v)
		}
	}
	return v, nil
}

// Verify checks the parsed query parameters of a request. It returns nil or an
// error matching one of the sentinels, in this order of precedence:
// [ErrMissingSignature], [ErrMissingTimestamp], [ErrDuplicateParam],
// [ErrBadTimestamp], [ErrExpired], [ErrBadSignature].
//
// Which parameters count as repeated: in the default and strict modes any
// parameter (all of them may be signed); with [WithFields] the named ones, ts
// and sign. The client's sign may be lowercase or uppercase hex.
func (v *Verifier) Verify(params url.Values) error {
	_, err := v.Match(params)
	return err
}

// Form names the parameter set a valid signature covered.
type Form uint8

const (
	// FormNone: no signature matched.
	FormNone Form = iota
	// FormAll: every parameter except sign (the tax cloud's rule; the only
	// form [Strict] accepts).
	FormAll
	// FormAppIDTS: exactly appid and ts, as the tax cloud's own worked
	// example signs. Accepted by default for interoperability; code and
	// pageUrl are then not covered by the signature.
	FormAppIDTS
	// FormFields: exactly the parameters named with [WithFields].
	FormFields
)

// String returns "all", "appid+ts", "fields", or "" for FormNone: short
// names fit for a log field or a metric label.
func (f Form) String() string {
	switch f {
	case FormAll:
		return "all"
	case FormAppIDTS:
		return "appid+ts"
	case FormFields:
		return "fields"
	}
	return ""
}

// Match is [Verifier.Verify] that also reports which parameter set the
// signature covered, so a server can log and count how its callers sign
// (and find out whether [Strict] would break one of them). The form is
// FormNone whenever the error is not nil.
func (v *Verifier) Match(params url.Values) (Form, error) {
	sign, ok := nonEmpty(params[paramSign])
	if !ok {
		return FormNone, ErrMissingSignature
	}
	ts, ok := nonEmpty(params[paramTS])
	if !ok {
		return FormNone, ErrMissingTimestamp
	}
	if name, ok := v.repeated(params); ok {
		return FormNone, fmt.Errorf("%w: %q", ErrDuplicateParam, name)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return FormNone, fmt.Errorf("%w: ts does not fit in 64 bits", ErrExpired)
		}
		return FormNone, ErrBadTimestamp
	}
	if err := v.checkWindow(sec); err != nil {
		return FormNone, err
	}
	var got [sha256.Size]byte
	if !decodeHex(&got, sign) {
		return FormNone, ErrBadSignature
	}
	form := v.matches(params, &got)
	if form == FormNone {
		return FormNone, ErrBadSignature
	}
	return form, nil
}

// VerifyRequest verifies the query string of r (the body is never read). A
// query string that does not parse is rejected with [ErrMalformedQuery] before
// anything else: the pairs url.ParseQuery drops would otherwise reach the
// handler's own parser unsigned, or turn into a puzzling ErrBadSignature.
func (v *Verifier) VerifyRequest(r *http.Request) error {
	_, err := v.MatchRequest(r)
	return err
}

// MatchRequest is [Verifier.VerifyRequest] that also reports the [Form] the
// signature covered.
func (v *Verifier) MatchRequest(r *http.Request) (Form, error) {
	var raw string
	if r.URL != nil {
		raw = r.URL.RawQuery
	}
	params, err := url.ParseQuery(raw)
	if err != nil {
		return FormNone, fmt.Errorf("%w: %v", ErrMalformedQuery, err)
	}
	return v.Match(params)
}

// String describes the verifier without its secret. Like Format it has a value
// receiver so that printing a dereferenced Verifier is redacted too.
func (v Verifier) String() string {
	s := fmt.Sprintf("signer.Verifier{secret: [redacted], window: %s, mode: %s", v.window, v.mode)
	if v.mode == modeFields {
		s += fmt.Sprintf(", fields: %q", v.fields)
	}
	return s + "}"
}

// Format makes every fmt verb (%v, %+v, %#v, %s, …) print [Verifier.String],
// so the secret cannot leak through a log line that prints the verifier.
func (v Verifier) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, v.String())
}

// checkWindow reports ErrExpired when sec is more than the window away from
// the clock. The distance is computed in uint64 so that no ts, however
// absurd, can overflow into the window.
func (v *Verifier) checkWindow(sec int64) error {
	now := v.now().Unix()
	w := uint64(v.window / time.Second)
	var dist uint64
	if sec >= now {
		dist = uint64(sec) - uint64(now)
		if dist > w {
			return fmt.Errorf("%w: ts is %ds ahead of the server clock (allowed ±%ds)", ErrExpired, dist, w)
		}
		return nil
	}
	dist = uint64(now) - uint64(sec)
	if dist > w {
		return fmt.Errorf("%w: ts is %ds behind the server clock (allowed ±%ds)", ErrExpired, dist, w)
	}
	return nil
}

// repeated returns the parameter that must appear once but appears more often;
// when there are several, the smallest name, so the error is deterministic.
func (v *Verifier) repeated(params url.Values) (string, bool) {
	if v.mode == modeFields {
		for _, k := range v.single {
			if len(params[k]) > 1 {
				return k, true
			}
		}
		return "", false
	}
	name, found := "", false
	for k, vs := range params {
		if len(vs) > 1 && (!found || k < name) {
			name, found = k, true
		}
	}
	return name, found
}

// matches returns the accepted parameter set got is the signature of, or
// FormNone. Each comparison is constant-time; trying the appid + ts set only
// after the full set failed reveals nothing the answer does not.
func (v *Verifier) matches(params url.Values, got *[sha256.Size]byte) Form {
	var buf [stackBuf]byte
	if v.mode == modeFields {
		want := sha256.Sum256(appendFields(buf[:0], params, v.fields, v.secret))
		if hmac.Equal(got[:], want[:]) {
			return FormFields
		}
		return FormNone
	}
	want := sha256.Sum256(appendStringToSign(buf[:0], params, v.secret))
	if hmac.Equal(got[:], want[:]) {
		return FormAll
	}
	if v.mode == modeStrict {
		return FormNone
	}
	// The tax cloud's own worked example signs exactly appid and ts.
	if _, ok := nonEmpty(params[paramAppID]); !ok {
		return FormNone
	}
	pair := [...]string{paramAppID, paramTS} // sorted
	want = sha256.Sum256(appendFields(buf[:0], params, pair[:], v.secret))
	if hmac.Equal(got[:], want[:]) {
		return FormAppIDTS
	}
	return FormNone
}

// nonEmpty returns the first non-empty value, if any.
func nonEmpty(vs []string) (string, bool) {
	for _, s := range vs {
		if s != "" {
			return s, true
		}
	}
	return "", false
}

// decodeHex decodes exactly 64 hex digits, either case, into dst.
func decodeHex(dst *[sha256.Size]byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := fromHex(s[2*i])
		lo, ok2 := fromHex(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
