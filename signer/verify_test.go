package signer

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	testSecret = "s3cr3t-Shared-Value"
	testNow    = int64(1700000000)
)

var sentinels = []error{
	ErrMissingSignature, ErrMissingTimestamp, ErrDuplicateParam,
	ErrBadTimestamp, ErrExpired, ErrBadSignature, ErrMalformedQuery,
}

func fixedClock(sec int64) func() time.Time {
	return func() time.Time { return time.Unix(sec, 0) }
}

func ts(sec int64) string { return strconv.FormatInt(sec, 10) }

// vals builds url.Values from "k=v" pairs without any encoding, so that the
// tests say exactly which decoded values arrive.
func vals(pairs ...string) url.Values {
	q := url.Values{}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		q[k] = append(q[k], v)
	}
	return q
}

// withSign returns q plus sign = the signature over the named parameters, or
// over every parameter when no name is given.
func withSign(q url.Values, secret string, names ...string) url.Values {
	signed := q
	if len(names) > 0 {
		signed = url.Values{}
		for _, n := range names {
			signed[n] = q[n]
		}
	}
	out := url.Values{}
	for k, vs := range q {
		out[k] = append([]string(nil), vs...)
	}
	out["sign"] = append(out["sign"], Sign(signed, secret))
	return out
}

// requireOnly checks that err matches want and no other sentinel.
func requireOnly(t *testing.T, want, err error) {
	t.Helper()
	if want == nil {
		require.NoError(t, err)
		return
	}
	require.ErrorIs(t, err, want)
	for _, s := range sentinels {
		if s != want {
			require.NotErrorIs(t, err, s)
		}
	}
}

// requireNoLeak checks that err tells neither the secret nor a signature the
// verifier could have expected for q.
func requireNoLeak(t *testing.T, err error, q url.Values) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	require.NotContains(t, msg, testSecret)
	pair := url.Values{"appid": q["appid"], "ts": q["ts"]}
	for _, want := range []string{Sign(q, testSecret), Sign(pair, testSecret)} {
		require.NotContains(t, msg, want)
		require.NotContains(t, msg, strings.ToUpper(want))
	}
}

func TestVerify(t *testing.T) {
	now := testNow
	base := func(extra ...string) url.Values {
		return vals(append([]string{"appid=ww86331f9cf933b4b8", "code=CODE-1", "ts=" + ts(now)}, extra...)...)
	}
	tamper := func(q url.Values, k, v string) url.Values { q.Set(k, v); return q }
	upper := func(q url.Values) url.Values { q.Set("sign", strings.ToUpper(q.Get("sign"))); return q }
	mixed := func(q url.Values) url.Values {
		s := []byte(q.Get("sign"))
		for i := 0; i < len(s); i += 2 {
			s[i] = bytes.ToUpper(s[i : i+1])[0]
		}
		q.Set("sign", string(s))
		return q
	}
	at := func(sec int64) url.Values { return withSign(vals("appid=a", "ts="+ts(sec)), testSecret) }
	rawTS := func(v string) url.Values { return withSign(vals("appid=a", "ts="+v), testSecret) }

	tests := []struct {
		name string
		q    url.Values
		want error
	}{
		{"full set", withSign(base(), testSecret), nil},
		{"full set with empty parameter", withSign(base("extra="), testSecret), nil},
		{"full set, upper-case hex", upper(withSign(base(), testSecret)), nil},
		{"full set, mixed-case hex", mixed(withSign(base(), testSecret)), nil},
		{"the worked example's appid+ts set", withSign(base(), testSecret, "appid", "ts"), nil},
		{"the worked example's appid+ts set, decoded pageUrl unsigned", withSign(base("pageUrl=https://h/p?a=1#x"), testSecret, "appid", "ts"), nil},
		{"full set with decoded pageUrl", withSign(base("pageUrl=https://h/p?a=1&b=二"), testSecret), nil},

		{"sign absent", base(), ErrMissingSignature},
		{"sign empty", base("sign="), ErrMissingSignature},
		{"ts absent", withSign(vals("appid=a", "code=c"), testSecret), ErrMissingTimestamp},
		{"ts empty", withSign(vals("appid=a", "ts="), testSecret), ErrMissingTimestamp},

		{"ts twice", withSign(base("ts="+ts(now)), testSecret), ErrDuplicateParam},
		{"ts twice, one empty", withSign(vals("appid=a", "ts=", "ts="+ts(now)), testSecret), ErrDuplicateParam},
		{"sign twice", func() url.Values { q := withSign(base(), testSecret); q.Add("sign", q.Get("sign")); return q }(), ErrDuplicateParam},
		{"sign twice, one empty", func() url.Values {
			q := withSign(base(), testSecret)
			q["sign"] = append([]string{""}, q["sign"]...)
			return q
		}(), ErrDuplicateParam},
		{"signed parameter twice", withSign(base("code=CODE-2"), testSecret), ErrDuplicateParam},
		{"parameter twice with the appid+ts signature", withSign(base("code=CODE-2"), testSecret, "appid", "ts"), ErrDuplicateParam},
		{"empty parameter twice", withSign(base("x=", "x="), testSecret), ErrDuplicateParam},

		{"ts with letters", rawTS("17000000O0"), ErrBadTimestamp},
		{"ts with a space", rawTS(" " + ts(now)), ErrBadTimestamp},
		{"ts in milliseconds with a dot", rawTS(ts(now) + ".5"), ErrBadTimestamp},
		{"ts in hex", rawTS("0x6553f100"), ErrBadTimestamp},
		{"ts with exponent", rawTS("1.7e9"), ErrBadTimestamp},
		{"ts with underscores", rawTS("1_700_000_000"), ErrBadTimestamp},

		{"ts exactly window old", at(now - 300), nil},
		{"ts exactly window ahead", at(now + 300), nil},
		{"ts one second too old", at(now - 301), ErrExpired},
		{"ts one second too far ahead", at(now + 301), ErrExpired},
		{"ts in milliseconds", at(now * 1000), ErrExpired},
		{"ts zero", at(0), ErrExpired},
		{"ts negative", at(-now), ErrExpired},
		{"ts min int64", rawTS("-9223372036854775808"), ErrExpired},
		{"ts max int64", rawTS("9223372036854775807"), ErrExpired},
		{"ts beyond int64", rawTS("99999999999999999999"), ErrExpired},
		{"ts with plus sign", rawTS("+" + ts(now)), nil},
		{"ts with leading zeros", rawTS("0" + ts(now)), nil},

		{"wrong signature", tamper(withSign(base(), testSecret), "sign", strings.Repeat("0", 64)), ErrBadSignature},
		{"other secret", withSign(base(), "pwd"), ErrBadSignature},
		{"tampered code", tamper(withSign(base(), testSecret), "code", "CODE-2"), ErrBadSignature},
		{"tampered ts", tamper(withSign(base(), testSecret), "ts", ts(now+1)), ErrBadSignature},
		{"tampered appid under appid+ts", tamper(withSign(base(), testSecret, "appid", "ts"), "appid", "ww2"), ErrBadSignature},
		{"parameter added", tamper(withSign(base(), testSecret), "more", "1"), ErrBadSignature},
		{"empty parameter made non-empty", tamper(withSign(base("extra="), testSecret), "extra", "1"), ErrBadSignature},
		{"signature over ts alone, appid absent", withSign(vals("code=c", "ts="+ts(now)), testSecret, "ts"), ErrBadSignature},
		{"signature over ts alone, appid empty", withSign(vals("appid=", "code=c", "ts="+ts(now)), testSecret, "ts"), ErrBadSignature},
		{"signature over a subset", withSign(base(), testSecret, "code", "ts"), ErrBadSignature},
		{"sign 63 hex digits", tamper(withSign(base(), testSecret), "sign", Sign(base(), testSecret)[:63]), ErrBadSignature},
		{"sign 65 hex digits", tamper(withSign(base(), testSecret), "sign", Sign(base(), testSecret)+"0"), ErrBadSignature},
		{"sign not hex", tamper(withSign(base(), testSecret), "sign", "g"+Sign(base(), testSecret)[1:]), ErrBadSignature},
		{"sign base64", tamper(withSign(base(), testSecret), "sign", "tZ+xZW/KQLHKqfc3IL1958qx+60DsiVFRUwTJSbaGRI="), ErrBadSignature},
		{"sign as the string to sign", tamper(withSign(base(), testSecret), "sign", StringToSign(base(), testSecret)), ErrBadSignature},
	}
	v := mustVerifier(testSecret, WithClock(fixedClock(now)))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Verify(tt.q)
			requireOnly(t, tt.want, err)
			requireNoLeak(t, err, tt.q)
		})
	}
}

func TestVerifyWorkedExample(t *testing.T) {
	q := vals("appid=xxx", "ts=241321", "sign="+exampleSign)
	require.NoError(t, mustVerifier(exampleSecret, WithClock(fixedClock(241321))).Verify(q))
	require.NoError(t, mustVerifier(exampleSecret, Strict(), WithClock(fixedClock(241321))).Verify(q))
	require.ErrorIs(t, mustVerifier(exampleSecret, WithClock(fixedClock(241321+301))).Verify(q), ErrExpired)
	require.ErrorIs(t, mustVerifier("pwd2", WithClock(fixedClock(241321))).Verify(q), ErrBadSignature)
}

// The documented precedence: missing sign → missing ts → duplicate → malformed
// ts → window → signature. Each row breaks every rule from its own on.
func TestVerifyPrecedence(t *testing.T) {
	const bad = "0000000000000000000000000000000000000000000000000000000000000000"
	stale := ts(testNow - 1000)
	tests := []struct {
		name string
		q    url.Values
		want error
	}{
		{"all broken", vals("appid=a", "appid=b", "ts=", "sign="), ErrMissingSignature},
		{"no ts, duplicate, bad sign", vals("appid=a", "appid=b", "sign="+bad), ErrMissingTimestamp},
		{"sign twice, no ts", vals("sign=a", "sign=b"), ErrMissingTimestamp},
		{"duplicate, malformed ts, bad sign", vals("appid=a", "appid=b", "ts=x", "sign="+bad), ErrDuplicateParam},
		{"duplicate, stale ts", vals("appid=a", "appid=b", "ts="+stale, "sign="+bad), ErrDuplicateParam},
		{"malformed ts, bad sign", vals("appid=a", "ts=x", "sign=nothex"), ErrBadTimestamp},
		{"stale ts, bad sign", vals("appid=a", "ts="+stale, "sign=nothex"), ErrExpired},
		{"stale ts, good sign", withSign(vals("appid=a", "ts="+stale), testSecret), ErrExpired},
		{"only the sign is bad", vals("appid=a", "ts="+ts(testNow), "sign=nothex"), ErrBadSignature},
	}
	for _, mode := range []struct {
		name string
		opts []Option
	}{{"default", nil}, {"strict", []Option{Strict()}}, {"fields", []Option{WithFields("appid", "ts")}}} {
		v := mustVerifier(testSecret, append(mode.opts, WithClock(fixedClock(testNow)))...)
		for _, tt := range tests {
			t.Run(mode.name+"/"+tt.name, func(t *testing.T) {
				requireOnly(t, tt.want, v.Verify(tt.q))
			})
		}
	}
}

func TestVerifyDuplicateNamesTheSmallestParameter(t *testing.T) {
	v := mustVerifier(testSecret, WithClock(fixedClock(testNow)))
	q := withSign(vals("z=1", "z=2", "b=1", "b=2", "m=1", "m=2", "ts="+ts(testNow)), testSecret)
	for range 20 { // map order varies between runs; the answer must not
		err := v.Verify(q)
		require.ErrorIs(t, err, ErrDuplicateParam)
		require.Equal(t, `signer: parameter given more than once: "b"`, err.Error())
	}
}

func TestVerifyModes(t *testing.T) {
	now := testNow
	q := vals("appid=ww1", "code=c", "ts="+ts(now))
	full := withSign(q, testSecret)
	pair := withSign(q, testSecret, "appid", "ts")
	named := withSign(q, testSecret, "appid", "code", "ts")
	onlyPair := withSign(vals("appid=ww1", "ts="+ts(now)), testSecret) // full set == appid+ts

	clock := WithClock(fixedClock(now))
	tests := []struct {
		name string
		opts []Option
		q    url.Values
		want error
	}{
		{"default: full", nil, full, nil},
		{"default: appid+ts", nil, pair, nil},
		{"strict: full", []Option{Strict()}, full, nil},
		{"strict: appid+ts refused", []Option{Strict()}, pair, ErrBadSignature},
		{"strict: appid+ts is the full set", []Option{Strict()}, onlyPair, nil},

		{"fields: exactly those", []Option{WithFields("ts", "code", "appid")}, named, nil},
		{"fields: full set with one more parameter refused", []Option{WithFields("appid", "ts")}, full, ErrBadSignature},
		{"fields: appid+ts", []Option{WithFields("appid", "ts")}, pair, nil},
		{"fields: sign and repeats ignored", []Option{WithFields("ts", "sign", "appid", "ts", "appid")}, pair, nil},
		{"fields: unsigned parameter may repeat", []Option{WithFields("appid", "ts")}, func() url.Values { q := withSign(q, testSecret, "appid", "ts"); q.Add("code", "d"); return q }(), nil},
		{"fields: unsigned parameter may change", []Option{WithFields("appid", "ts")}, func() url.Values { q := withSign(q, testSecret, "appid", "ts"); q.Set("code", "d"); return q }(), nil},
		{"fields: signed parameter changed", []Option{WithFields("appid", "code", "ts")}, func() url.Values { q := withSign(q, testSecret, "appid", "code", "ts"); q.Set("code", "d"); return q }(), ErrBadSignature},
		{"fields: signed parameter repeated", []Option{WithFields("appid", "code", "ts")}, func() url.Values { q := withSign(q, testSecret, "appid", "code", "ts"); q.Add("code", "c"); return q }(), ErrDuplicateParam},
		{"fields: ts repeated though not signed", []Option{WithFields("appid")}, func() url.Values { q := withSign(q, testSecret, "appid"); q.Add("ts", ts(now)); return q }(), ErrDuplicateParam},
		{"fields: ts still required", []Option{WithFields("appid")}, withSign(vals("appid=ww1"), testSecret, "appid"), ErrMissingTimestamp},
		{"fields: ts still checked", []Option{WithFields("appid")}, withSign(vals("appid=ww1", "ts="+ts(now-301)), testSecret, "appid"), ErrExpired},
		{"fields: absent field skipped", []Option{WithFields("appid", "pageUrl", "ts")}, pair, nil},
		{"fields: none given changes nothing", []Option{WithFields()}, pair, nil},
		{"fields: only sign given changes nothing", []Option{WithFields("sign")}, pair, nil},

		{"last wins: fields then strict", []Option{WithFields("appid", "ts"), Strict()}, pair, ErrBadSignature},
		{"last wins: strict then fields", []Option{Strict(), WithFields("appid", "ts")}, pair, nil},
		{"nil option ignored", []Option{nil}, pair, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustVerifier(testSecret, append(tt.opts, clock)...)
			requireOnly(t, tt.want, v.Verify(tt.q))
		})
	}
}

func TestWindow(t *testing.T) {
	tests := []struct {
		name   string
		window time.Duration
		ok     int64 // largest accepted distance, both ways
	}{
		{"10s", 10 * time.Second, 10},
		{"rounded down to whole seconds", 1500 * time.Millisecond, 1},
		{"one second", time.Second, 1},
		{"below one second means default", 500 * time.Millisecond, 300},
		{"zero means default", 0, 300},
		{"negative means default", -time.Minute, 300},
		{"an hour", time.Hour, 3600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := mustVerifier(testSecret, WithWindow(tt.window), WithClock(fixedClock(testNow)))
			for _, d := range []int64{0, tt.ok, -tt.ok} {
				require.NoError(t, v.Verify(withSign(vals("ts="+ts(testNow+d)), testSecret)), "distance %d", d)
			}
			for _, d := range []int64{tt.ok + 1, -tt.ok - 1} {
				err := v.Verify(withSign(vals("ts="+ts(testNow+d)), testSecret))
				requireOnly(t, ErrExpired, err)
				require.Contains(t, err.Error(), fmt.Sprintf("%ds", tt.ok+1))
			}
		})
	}
}

func TestClock(t *testing.T) {
	// The clock's sub-second part does not shrink the window.
	late := func() time.Time { return time.Unix(testNow, 999_999_999) }
	v := mustVerifier(testSecret, WithClock(late))
	require.NoError(t, v.Verify(withSign(vals("ts="+ts(testNow-300)), testSecret)))
	require.ErrorIs(t, v.Verify(withSign(vals("ts="+ts(testNow-301)), testSecret)), ErrExpired)

	// The clock is read at every call, not once.
	var mu sync.Mutex
	cur := testNow
	v = mustVerifier(testSecret, WithClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Unix(cur, 0) }))
	q := withSign(vals("ts="+ts(testNow)), testSecret)
	require.NoError(t, v.Verify(q))
	mu.Lock()
	cur += 301
	mu.Unlock()
	require.ErrorIs(t, v.Verify(q), ErrExpired)

	// Messages say which way the clocks differ.
	v = mustVerifier(testSecret, WithClock(fixedClock(testNow)))
	require.EqualError(t, v.Verify(withSign(vals("ts="+ts(testNow-412)), testSecret)),
		"signer: timestamp (ts) outside the allowed window: ts is 412s behind the server clock (allowed ±300s)")
	require.EqualError(t, v.Verify(withSign(vals("ts="+ts(testNow+412)), testSecret)),
		"signer: timestamp (ts) outside the allowed window: ts is 412s ahead of the server clock (allowed ±300s)")

	// The default and a nil clock are the real time.
	for _, v := range []*Verifier{mustVerifier(testSecret), mustVerifier(testSecret, WithClock(nil))} {
		require.NoError(t, v.Verify(withSign(vals("ts="+ts(time.Now().Unix())), testSecret)))
		require.ErrorIs(t, v.Verify(withSign(vals("ts="+ts(time.Now().Unix()-3600)), testSecret)), ErrExpired)
	}
}

// mustVerifier is NewVerifier for a secret the test knows is valid.
func mustVerifier(secret string, opts ...Option) *Verifier {
	v, err := NewVerifier(secret, opts...)
	if err != nil {
		panic(err)
	}
	return v
}

func TestNewVerifierEmptySecret(t *testing.T) {
	v, err := NewVerifier("")
	require.ErrorIs(t, err, ErrEmptySecret)
	require.Nil(t, v)
}

func TestVerifierNeverPrintsSecret(t *testing.T) {
	v := mustVerifier(testSecret, WithFields("appid", "ts"))
	var out []string
	for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		out = append(out, fmt.Sprintf(f, v), fmt.Sprintf(f, *v))
	}
	out = append(out, v.String(), fmt.Sprint(struct{ V *Verifier }{v}), fmt.Sprintf("%+v", []any{v, *v}))

	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "verifier", v, "value", *v)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "verifier", v, "value", *v)
	out = append(out, buf.String())

	for _, s := range out {
		require.NotContains(t, s, testSecret)
	}
	require.Equal(t, `signer.Verifier{secret: [redacted], window: 5m0s, mode: fields, fields: ["appid" "ts"]}`, fmt.Sprintf("%+v", v))
	require.Equal(t, `signer.Verifier{secret: [redacted], window: 1m0s, mode: strict}`, mustVerifier("x", Strict(), WithWindow(time.Minute)).String())
}

// One Verifier and one set of options serve many goroutines (run with -race).
func TestConcurrentUse(t *testing.T) {
	opts := []Option{WithFields("appid", "code", "ts"), WithWindow(time.Minute), WithClock(fixedClock(testNow))}
	shared := mustVerifier(testSecret, opts...)
	good := withSign(vals("appid=a", "code=c", "ts="+ts(testNow)), testSecret, "appid", "code", "ts")
	bad := withSign(vals("appid=a", "code=c", "ts="+ts(testNow)), "other", "appid", "code", "ts")
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := shared
			if i%2 == 0 {
				v = mustVerifier(testSecret, opts...) // options applied concurrently
			}
			for range 200 {
				if err := v.Verify(good); err != nil {
					errs <- err
					return
				}
				if err := v.Verify(bad); !errors.Is(err, ErrBadSignature) {
					errs <- fmt.Errorf("bad request: got %v", err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestVerifyRequest(t *testing.T) {
	v := mustVerifier(testSecret, WithClock(fixedClock(testNow)))
	good := SignQuery(url.Values{"appid": {"ww1"}, "pageUrl": {"https://h/p?a=1&b=2#frag"}}, testSecret, time.Unix(testNow, 0))
	tests := []struct {
		name string
		raw  string
		want error
	}{
		{"signed", good.Encode(), nil},
		{"signed, pageUrl encoded by hand", "appid=ww1&pageUrl=https%3A%2F%2Fh%2Fp%3Fa%3D1%26b%3D2%23frag&ts=" + ts(testNow) + "&sign=" + good.Get("sign"), nil},
		{"plus means space", "appid=ww1+x&ts=" + ts(testNow) + "&sign=" + Sign(vals("appid=ww1 x", "ts="+ts(testNow)), testSecret), nil},
		{"empty query", "", ErrMissingSignature},
		{"bad escape", good.Encode() + "&x=%zz", ErrMalformedQuery},
		{"bad escape in a name", good.Encode() + "&%zz=1", ErrMalformedQuery},
		{"semicolon separator", good.Encode() + ";x=1", ErrMalformedQuery},
		{"malformed query beats missing sign", "a=%zz", ErrMalformedQuery},
		{"ts twice", good.Encode() + "&ts=" + ts(testNow), ErrDuplicateParam},
		{"sign twice", good.Encode() + "&sign=" + good.Get("sign"), ErrDuplicateParam},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/js-sdk", nil)
			require.NoError(t, err)
			r.URL.RawQuery = tt.raw
			err = v.VerifyRequest(r)
			requireOnly(t, tt.want, err)
			if err != nil {
				require.NotContains(t, err.Error(), testSecret)
				require.NotContains(t, err.Error(), good.Get("sign"))
			}
		})
	}
	require.ErrorIs(t, v.VerifyRequest(&http.Request{}), ErrMissingSignature, "a request without URL")
}

func TestMatchReportsTheForm(t *testing.T) {
	clock := WithClock(fixedClock(testNow))
	all := withSign(vals("appid=ww1", "code=c", "ts="+ts(testNow)), testSecret)
	pair := withSign(vals("appid=ww1", "ts="+ts(testNow)), testSecret)
	pair.Set("code", "unsigned")
	fields := withSign(vals("appid=ww1", "code=c", "ts="+ts(testNow)), testSecret)
	tests := []struct {
		name string
		v    *Verifier
		q    url.Values
		want Form
		err  error
	}{
		{"default, all", mustVerifier(testSecret, clock), all, FormAll, nil},
		{"default, appid+ts", mustVerifier(testSecret, clock), pair, FormAppIDTS, nil},
		{"strict, all", mustVerifier(testSecret, clock, Strict()), all, FormAll, nil},
		{"strict refuses appid+ts", mustVerifier(testSecret, clock, Strict()), pair, FormNone, ErrBadSignature},
		{"fields", mustVerifier(testSecret, clock, WithFields("appid", "code", "ts")), fields, FormFields, nil},
		{"missing sign", mustVerifier(testSecret, clock), vals("appid=ww1", "ts="+ts(testNow)), FormNone, ErrMissingSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form, err := tt.v.Match(tt.q)
			require.Equal(t, tt.want, form)
			if tt.err == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.err)
			}
		})
	}
	require.Equal(t, "all", FormAll.String())
	require.Equal(t, "appid+ts", FormAppIDTS.String())
	require.Equal(t, "fields", FormFields.String())
	require.Equal(t, "", FormNone.String())
}
