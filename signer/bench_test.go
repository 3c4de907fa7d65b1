package signer

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// A typical /userinfo call: appid, a 32-character OAuth code, ts, sign.
func benchQuery() url.Values {
	return SignQuery(url.Values{
		"appid": {"ww86331f9cf933b4b8"},
		"code":  {"CT8rQa3Zkq0gYz9Lf1hB2mN4pW6xV7sE"},
	}, testSecret, time.Unix(testNow, 0))
}

func BenchmarkSign(b *testing.B) {
	q := benchQuery()
	b.ReportAllocs()
	for range b.N {
		_ = Sign(q, testSecret)
	}
}

func BenchmarkVerify(b *testing.B) {
	q := benchQuery()
	v := mustVerifier(testSecret, WithClock(fixedClock(testNow)))
	b.ReportAllocs()
	for range b.N {
		if err := v.Verify(q); err != nil {
			b.Fatal(err)
		}
	}
}

// The default mode's slow path: the full set fails, the appid + ts set matches.
func BenchmarkVerifyAppIDTS(b *testing.B) {
	q := benchQuery()
	q.Set("sign", Sign(url.Values{"appid": q["appid"], "ts": q["ts"]}, testSecret))
	v := mustVerifier(testSecret, WithClock(fixedClock(testNow)))
	b.ReportAllocs()
	for range b.N {
		if err := v.Verify(q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyBadSignature(b *testing.B) {
	q := benchQuery()
	q.Set("code", "tampered")
	v := mustVerifier(testSecret, Strict(), WithClock(fixedClock(testNow)))
	b.ReportAllocs()
	for range b.N {
		if err := v.Verify(q); err != ErrBadSignature {
			b.Fatal(err)
		}
	}
}

// VerifyRequest includes parsing the raw query string.
func BenchmarkVerifyRequest(b *testing.B) {
	r, err := http.NewRequest(http.MethodGet, "http://127.0.0.1/userinfo?"+benchQuery().Encode(), nil)
	if err != nil {
		b.Fatal(err)
	}
	v := mustVerifier(testSecret, WithClock(fixedClock(testNow)))
	b.ReportAllocs()
	for range b.N {
		if err := v.VerifyRequest(r); err != nil {
			b.Fatal(err)
		}
	}
}
