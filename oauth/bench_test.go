package oauth_test

import (
	"testing"
	"time"

	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func BenchmarkAuthorizeURL(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = oauth.AuthorizeURL("ww1234567890abcdef", "https://app.example.com/callback?from=menu&x=a b", "s7K2q",
			oauth.WithPrivateInfo(1000002))
	}
}

func BenchmarkStateIssue(b *testing.B) {
	c := newCodec(b, wecomtest.NewClock(t0), 10*time.Minute)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = c.Issue("session-cookie-value")
	}
}

func BenchmarkStateCheck(b *testing.B) {
	c := newCodec(b, wecomtest.NewClock(t0), 10*time.Minute)
	s := c.Issue("session-cookie-value")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if err := c.Check(s, "session-cookie-value"); err != nil {
			b.Fatal(err)
		}
	}
}
