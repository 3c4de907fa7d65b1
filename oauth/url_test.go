package oauth_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/oauth"
)

// Redirect URIs that must survive the trip through the link unchanged.
var awkwardRedirects = []string{
	"https://app.example.com/callback",
	"https://app.example.com/call back/with spaces?x=a b",
	"https://app.example.com/回调/页面?名字=张三",
	"https://app.example.com/cb?next=/home&lang=zh&a=1+1",
	"https://app.example.com/cb?x=%2F%20already-escaped%25",
	"https://app.example.com/cb#/spa/route?tab=2",
	"https://app.example.com:8443/cb?q=a&b=#frag&x=y",
	"http://127.0.0.1/cb?emoji=😀&amp=&&",
	"",
}

// decode splits a built link into its base, query and fragment.
func decode(t *testing.T, link string) (string, url.Values, string) {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	q, err := url.ParseQuery(u.RawQuery)
	require.NoError(t, err, "the query must be well-formed")
	base := u.Scheme + "://" + u.Host + u.Path
	return base, q, u.Fragment
}

func TestAuthorizeURL(t *testing.T) {
	require.Equal(t,
		"https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww123&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb%3Fa%3D1&response_type=code&scope=snsapi_base&state=abc#wechat_redirect",
		oauth.AuthorizeURL("ww123", "https://app.example.com/cb?a=1", "abc"),
		"the documented parameter order and #wechat_redirect")

	for name, tc := range map[string]struct {
		opts      []oauth.URLOption
		wantScope string
		wantAgent string
	}{
		"base":                   {nil, "snsapi_base", ""},
		"base with agentid":      {[]oauth.URLOption{oauth.WithAgentID(1000002)}, "snsapi_base", "1000002"},
		"private info":           {[]oauth.URLOption{oauth.WithPrivateInfo(1000002)}, "snsapi_privateinfo", "1000002"},
		"private info, agent 0":  {[]oauth.URLOption{oauth.WithPrivateInfo(0)}, "snsapi_privateinfo", ""},
		"lang does not apply":    {[]oauth.URLOption{oauth.WithLang("en")}, "snsapi_base", ""},
		"nil option is harmless": {[]oauth.URLOption{nil}, "snsapi_base", ""},
	} {
		t.Run(name, func(t *testing.T) {
			for _, redirect := range awkwardRedirects {
				link := oauth.AuthorizeURL("ww-corp", redirect, "State123", tc.opts...)
				base, q, frag := decode(t, link)
				require.Equal(t, oauth.AuthorizeEndpoint, base)
				require.Equal(t, "wechat_redirect", frag)
				require.True(t, strings.HasSuffix(link, "#wechat_redirect"))
				require.Equal(t, 1, strings.Count(link, "#"), "the redirect's own # is escaped")
				require.Equal(t, redirect, q.Get("redirect_uri"), "decoded exactly once gives the original")
				require.NotContains(t, link, "+", "spaces are %%20")
				want := url.Values{"appid": {"ww-corp"}, "redirect_uri": {redirect}, "response_type": {"code"},
					"scope": {tc.wantScope}, "state": {"State123"}}
				if tc.wantAgent != "" {
					want.Set("agentid", tc.wantAgent)
				}
				require.Equal(t, want, q)
			}
		})
	}

	t.Run("third-party suite id, no state", func(t *testing.T) {
		_, q, _ := decode(t, oauth.AuthorizeURL("wwsuite0123", "https://isv.example.com/cb", ""))
		require.Equal(t, url.Values{"appid": {"wwsuite0123"}, "redirect_uri": {"https://isv.example.com/cb"},
			"response_type": {"code"}, "scope": {"snsapi_base"}}, q)
	})
}

func TestWebLoginURL(t *testing.T) {
	require.Equal(t,
		"https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=CorpApp&appid=ww123&agentid=1000002&redirect_uri=https%3A%2F%2Fa.example.com%2Fcb&state=s1",
		oauth.WebLoginURL(oauth.CorpApp, "ww123", 1000002, "https://a.example.com/cb", "s1"))

	for _, redirect := range awkwardRedirects {
		base, q, frag := decode(t, oauth.WebLoginURL(oauth.CorpApp, "ww-corp", 7, redirect, "st", oauth.WithLang("en")))
		require.Equal(t, oauth.WebLoginEndpoint, base)
		require.Empty(t, frag)
		require.Equal(t, url.Values{"login_type": {"CorpApp"}, "appid": {"ww-corp"}, "agentid": {"7"},
			"redirect_uri": {redirect}, "state": {"st"}, "lang": {"en"}}, q)

		_, q, _ = decode(t, oauth.WebLoginURL(oauth.ServiceApp, "wwsuite", 7, redirect, ""))
		require.Equal(t, url.Values{"login_type": {"ServiceApp"}, "appid": {"wwsuite"}, "redirect_uri": {redirect}}, q,
			"no agentid for ServiceApp")
	}
}

func TestQRConnectURL(t *testing.T) {
	require.Equal(t,
		"https://open.work.weixin.qq.com/wwopen/sso/qrConnect?appid=ww123&agentid=1000002&redirect_uri=https%3A%2F%2Fa.example.com%2Fcb%3Fx%3D1%23f&state=s1&lang=zh",
		oauth.QRConnectURL("ww123", 1000002, "https://a.example.com/cb?x=1#f", "s1", oauth.WithLang("zh")))
	for _, redirect := range awkwardRedirects {
		base, q, _ := decode(t, oauth.QRConnectURL("ww-corp", 9, redirect, "s"))
		require.Equal(t, oauth.QRConnectEndpoint, base)
		require.Equal(t, url.Values{"appid": {"ww-corp"}, "agentid": {"9"}, "redirect_uri": {redirect}, "state": {"s"}}, q)
	}
}

func TestURLBases(t *testing.T) {
	fake := "http://127.0.0.1:8089/"
	opts := []oauth.URLOption{oauth.WithAuthorizeBase(fake), oauth.WithWebLoginBase("http://127.0.0.1:8089/prefix"), oauth.WithQRConnectBase(fake)}

	link := oauth.AuthorizeURL("ww1", "https://app.example.com/cb", "s1", append(opts, oauth.WithPrivateInfo(1000002))...)
	base, q, frag := decode(t, link)
	require.Equal(t, "http://127.0.0.1:8089/connect/oauth2/authorize", base)
	require.Equal(t, "snsapi_privateinfo", q.Get("scope"))
	require.Equal(t, "1000002", q.Get("agentid"))
	require.Equal(t, "wechat_redirect", frag)
	// Everything but the base is what WeCom's link would carry.
	require.Equal(t,
		strings.TrimPrefix(oauth.AuthorizeURL("ww1", "https://app.example.com/cb", "s1", oauth.WithPrivateInfo(1000002)), oauth.AuthorizeEndpoint),
		strings.TrimPrefix(link, "http://127.0.0.1:8089/connect/oauth2/authorize"))

	base, q, _ = decode(t, oauth.WebLoginURL(oauth.CorpApp, "ww1", 1000002, "https://app.example.com/cb", "s2", opts...))
	require.Equal(t, "http://127.0.0.1:8089/prefix/wwlogin/sso/login", base)
	require.Equal(t, "CorpApp", q.Get("login_type"))
	require.Equal(t, "https://app.example.com/cb", q.Get("redirect_uri"))

	base, _, _ = decode(t, oauth.QRConnectURL("ww1", 1000002, "https://app.example.com/cb", "s3", opts...))
	require.Equal(t, "http://127.0.0.1:8089/wwopen/sso/qrConnect", base)

	// An empty base, or none, keeps WeCom's pages.
	for _, o := range [][]oauth.URLOption{nil, {oauth.WithAuthorizeBase(""), oauth.WithWebLoginBase(""), oauth.WithQRConnectBase("")}} {
		require.True(t, strings.HasPrefix(oauth.AuthorizeURL("ww1", "https://a/cb", "", o...), oauth.AuthorizeEndpoint+"?"))
		require.True(t, strings.HasPrefix(oauth.WebLoginURL(oauth.CorpApp, "ww1", 1, "https://a/cb", "", o...), oauth.WebLoginEndpoint+"?"))
		require.True(t, strings.HasPrefix(oauth.QRConnectURL("ww1", 1, "https://a/cb", "", o...), oauth.QRConnectEndpoint+"?"))
	}
}
