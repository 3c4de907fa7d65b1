package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSafeReturnPath(t *testing.T) {
	for _, ok := range []string{"/", "/me", "/reports?id=7&tab=2", "/a/b/c", "/me?next=//x", "/%E6%8A%A5%E8%A1%A8", "/https:evil.example"} {
		got, accepted := safeReturnPath(ok)
		require.True(t, accepted, ok)
		require.Equal(t, ok, got)
	}
	got, _ := safeReturnPath("/me#frag")
	require.Equal(t, "/me", got, "the fragment is dropped")
	for _, bad := range []string{
		"", "me", "./me", "../me", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
		"https:evil.example", "https://evil.example", "http:/evil.example", "javascript:alert(1)", "HTTPS://evil.example/me",
		"%2F%2Fevil.example", "/%2Fevil.example", "/%2F%2Fevil.example", "%2f%2fevil.example", "/%5Cevil.example", "/%5cevil.example",
		"%5C%5Cevil.example", "/%252Fevil.example", "/%25252Fevil.example", "https%3A%2F%2Fevil.example", "https%3Aevil.example",
		"/\tevil.example", "/%09/evil.example", "/%0d%0aLocation:%20https://evil.example", "/ /evil.example", "/\x7f",
		"/%zz", "/" + string(make([]byte, maxReturnLen)),
	} {
		_, accepted := safeReturnPath(bad)
		require.False(t, accepted, "%q", bad)
	}
}

func TestReturnTo(t *testing.T) {
	d := startDemoServer(t, nil)

	t.Run("H5", func(t *testing.T) {
		b := newBrowser(t)
		picker := b.get(d.base + "/?next=" + url.QueryEscape("/me?tab=2"))
		p := b.pick(picker, "zhangsan")
		require.Equal(t, http.StatusOK, p.status, p.body)
		require.Equal(t, "/me", p.url.Path)
		require.Equal(t, "tab=2", p.url.RawQuery)
		// Spent: the next sign-in goes to /me.
		require.Nil(t, b.cookie(d.base, returnCookie))
		// Signed in, the entry goes to next at once.
		p = b.get(d.base + "/?next=" + url.QueryEscape("/me?tab=3"))
		require.Equal(t, "tab=3", p.url.RawQuery)
	})
	t.Run("PC", func(t *testing.T) {
		b := newBrowser(t)
		login := b.get(d.base + "/login?next=" + url.QueryEscape("/me?from=pc"))
		link := webLoginLink(t, login)
		p := b.pick(b.get(link), "lisi")
		require.Equal(t, "/me", p.url.Path)
		require.Equal(t, "from=pc", p.url.RawQuery)
	})
	for _, evil := range []string{"//evil.example", "/\\evil.example", "https:evil.example", "https://evil.example/", "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%5Cevil.example"} {
		t.Run("refused "+evil, func(t *testing.T) {
			b := newBrowser(t)
			p := b.pick(b.get(d.base+"/?next="+url.QueryEscape(evil)), "wangwu")
			require.Equal(t, http.StatusOK, p.status)
			require.Equal(t, d.base+"/me", p.url.String())
			for _, hop := range b.hops {
				u, err := url.Parse(hop)
				require.NoError(t, err)
				require.NotContains(t, u.Host, "evil", hop)
			}
			// Nor when it comes in the remembered cookie (set by a sibling
			// subdomain, say).
			b.dropCookie(d.base, sessionCookie)
			u, _ := url.Parse(d.base)
			b.jar.SetCookies(u, []*http.Cookie{{Name: returnCookie, Value: url.QueryEscape(evil)}})
			b.hops = nil
			p = b.pick(b.get(d.base+"/"), "wangwu")
			require.Equal(t, d.base+"/me", p.url.String())
		})
	}
	t.Run("a callback's next is ignored", func(t *testing.T) {
		b := newBrowser(t)
		picker := b.get(d.base + "/")
		form := url.Values{"fragment": {picker.url.Fragment}, "userid": {"zhangsan"}}
		post := b.do(http.MethodPost, picker.url.String(), form)
		cb := post.header.Get("Location") + "&next=" + url.QueryEscape("/healthz")
		p := b.get(cb)
		require.Equal(t, d.base+"/me", p.url.String())
	})
}

// webLoginLink returns the web login link on the PC login page.
func webLoginLink(t *testing.T, login page) string {
	t.Helper()
	require.Equal(t, http.StatusOK, login.status, login.body)
	m := regexp.MustCompile(`id="weblogin" class="button" href="([^"]+)"`).FindStringSubmatch(login.body)
	require.NotNil(t, m, login.body)
	return strings.ReplaceAll(m[1], "&amp;", "&")
}
