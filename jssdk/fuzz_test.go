package jssdk_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/wecomkit/wecomkit/jssdk"
)

// FuzzConfigURL feeds arbitrary page URLs, as a page (or the tax cloud's
// pageUrl) sends them, to Config. It must never panic and must answer only
// ErrInvalidURL for what it refuses. Every absolute http(s) URL url.Parse
// accepts must be accepted; what Config accepts beyond that may differ from
// url.Parse only by stray "%" in the path (a browser's location.href can
// hold them, and WeCom signs raw); and what it accepts must be signed over
// the URL up to the first '#', unchanged.
func FuzzConfigURL(f *testing.F) {
	knownReasons := map[string]bool{"empty": true, "control character": true, "scheme must be http or https": true,
		"no host": true, "host does not parse": true}
	fx := newFixture(f)
	s := jssdk.New(fx.client(f, agentA), jssdk.WithNonce(func() string { return "fuzzNonce0123456" }))
	ctx := context.Background()
	if _, err := s.Config(ctx, "https://warm.example.com/"); err != nil { // warm the ticket: no network below
		f.Fatal(err)
	}
	ticket := fx.srv.JSAPITickets(corpID)[0]

	for _, in := range []string{
		"https://app.example.com/p?a=1#frag", "http://mp.weixin.qq.com?params=value", "HTTPS://例子.测试/发票?q=%E4%B8%AD",
		"", "#", "ftp://x/", "javascript:alert(1)", "//h/p", "http://", "http://h h/", "https://h/%zz?x=%",
		"http://[::1]:80/p", "https://h:99999/", "https://u:p@h/p#a#b", "\x00http://h/", "https://h/\r\n",
	} {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, page string) {
		cfg, err := s.Config(ctx, page)
		cut, _, _ := strings.Cut(page, "#")
		u, perr := url.Parse(cut)
		parses := perr == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
		switch {
		case err != nil && !errors.Is(err, jssdk.ErrInvalidURL):
			t.Fatalf("%q: unexpected error %v", page, err)
		case err != nil && parses:
			t.Fatalf("%q: refused a valid URL: %v", page, err)
		case err != nil && !knownReasons[strings.TrimPrefix(err.Error(), "jssdk: invalid page URL: ")]:
			t.Fatalf("%q: an error other than the fixed texts (it must never quote the URL): %v", page, err)
		case err != nil:
			return
		case !parses && (perr == nil || !strings.Contains(perr.Error(), "invalid URL escape")):
			t.Fatalf("%q: accepted an invalid URL (url.Parse: %v)", page, perr)
		case cfg.Signature != jssdk.Sign(ticket, "fuzzNonce0123456", cfg.Timestamp, cut):
			t.Fatalf("%q: not signed over %q", page, cut)
		}
	})
}
