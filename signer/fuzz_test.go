package signer

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// FuzzVerify feeds raw query strings, as an attacker would send them, through
// url.ParseQuery and every verifier mode. Verify must never panic, must accept
// only what a correct signature covers, and a query signed with SignQuery must
// verify after an Encode / ParseQuery round trip.
func FuzzVerify(f *testing.F) {
	const secret = exampleSecret
	const now = int64(241321)
	f.Add("appid=xxx&ts=241321&sign=" + exampleSign) // the tax cloud's worked example
	f.Add("appid=xxx&ts=241321&sign=" + strings.ToUpper(exampleSign))
	f.Add("appid=xxx&code=c&ts=241321&sign=" + exampleSign)
	f.Add("appid=xxx&ts=241321&ts=241321&sign=" + exampleSign)
	f.Add("appid=xxx&ts=241021&sign=" + exampleSign)
	f.Add("appid=xxx&ts=-9223372036854775808&sign=")
	f.Add("appid=xxx&ts=99999999999999999999&sign=00")
	f.Add("pageUrl=https%253A%252F%252Fh%252Fp%253Fa%253D1%2523x&appid=&ts=241321&sign=x")
	f.Add("a=%zz&b=1;c=2&=&&=x&sign")

	clock := WithClock(fixedClock(now))
	verifiers := []*Verifier{
		mustVerifier(secret, clock),
		mustVerifier(secret, clock, Strict()),
		mustVerifier(secret, clock, WithFields("appid", "code", "ts")),
	}
	strict := verifiers[1]

	f.Fuzz(func(t *testing.T, raw string) {
		params, parseErr := url.ParseQuery(raw) // partial values on error: verify them anyway

		for i, v := range verifiers {
			err := v.Verify(params)
			if err == nil {
				// Accepted: sign must be a signature of an accepted set.
				got := strings.ToLower(params.Get("sign"))
				ok := false
				switch i {
				case 0:
					ok = got == Sign(params, secret) ||
						(params.Get("appid") != "" && got == Sign(url.Values{"appid": params["appid"], "ts": params["ts"]}, secret))
				case 1:
					ok = got == Sign(params, secret)
				case 2:
					ok = got == Sign(url.Values{"appid": params["appid"], "code": params["code"], "ts": params["ts"]}, secret)
				}
				if !ok {
					t.Fatalf("verifier %d accepted %q", i, raw)
				}
				continue
			}
			matched := 0
			for _, s := range sentinels {
				if errors.Is(err, s) {
					matched++
				}
			}
			if matched != 1 {
				t.Fatalf("verifier %d: %v matches %d sentinels", i, err, matched)
			}
			// Only a repeated parameter's name comes from the input.
			msg := err.Error()
			if !errors.Is(err, ErrDuplicateParam) && strings.Contains(msg, secret) {
				t.Fatalf("error leaks the secret: %v", err)
			}
			pair := url.Values{"appid": params["appid"], "ts": params["ts"]}
			for _, want := range []string{Sign(params, secret), Sign(pair, secret)} {
				if strings.Contains(strings.ToLower(msg), want) {
					t.Fatalf("error leaks the expected signature: %v", err)
				}
			}
		}

		r := &http.Request{URL: &url.URL{RawQuery: raw}}
		if err := verifiers[0].VerifyRequest(r); (parseErr != nil) != errors.Is(err, ErrMalformedQuery) {
			t.Fatalf("VerifyRequest(%q) = %v, ParseQuery error %v", raw, err, parseErr)
		}

		// Whatever the parameters, SignQuery's result verifies strictly,
		// unless a parameter is repeated.
		signed := SignQuery(params, secret, time.Unix(now, 0))
		reparsed, err := url.ParseQuery(signed.Encode())
		if err != nil {
			if len(signed) < 1000 { // ParseQuery caps the number of parameters
				t.Fatalf("re-parse %q: %v", signed.Encode(), err)
			}
			return
		}
		repeated := false
		for k, vs := range params {
			if len(vs) > 1 && k != "sign" && k != "ts" {
				repeated = true
			}
		}
		err = strict.Verify(reparsed)
		if repeated {
			if !errors.Is(err, ErrDuplicateParam) {
				t.Fatalf("repeated parameter in %q: got %v", signed.Encode(), err)
			}
			return
		}
		if err != nil {
			t.Fatalf("SignQuery(%q) does not verify: %v", raw, err)
		}
		// Any change to the signature is refused.
		s := []byte(reparsed.Get("sign"))
		s[len(s)/2] ^= 1
		reparsed.Set("sign", string(s))
		if err := strict.Verify(reparsed); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("altered sign accepted or wrong error: %v", err)
		}
	})
}
