package oauth_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/oauth"
)

func TestInstallURL(t *testing.T) {
	link := oauth.InstallURL("wwsuite", "pre_code", "https://app.example.com/installed?x=1", "S1")
	require.Equal(t,
		"https://open.work.weixin.qq.com/3rdapp/install?suite_id=wwsuite&pre_auth_code=pre_code&redirect_uri=https%3A%2F%2Fapp.example.com%2Finstalled%3Fx%3D1&state=S1",
		link, "the documented order, redirect_uri encoded once")
	for _, redirect := range awkwardRedirects {
		base, q, frag := decode(t, oauth.InstallURL("wwsuite", "p", redirect, ""))
		require.Equal(t, oauth.InstallEndpoint, base)
		require.Equal(t, redirect, q.Get("redirect_uri"))
		require.False(t, q.Has("state"))
		require.Empty(t, frag)
	}
}

func TestCheckState(t *testing.T) {
	for _, ok := range []string{"", "abc", "ABCxyz0189", strings.Repeat("a", 128)} {
		require.NoError(t, oauth.CheckState(ok), ok)
	}
	for _, bad := range []string{strings.Repeat("a", 129), "a-b", "a b", "状态", "x_y", "a=b"} {
		require.ErrorIs(t, oauth.CheckState(bad), oauth.ErrStateRejected, bad)
	}
	require.ErrorContains(t, oauth.CheckState("ab-c"), "byte 3 is '-'")
}

func TestCheckLink(t *testing.T) {
	const cb = "https://app.example.com/cb"
	tests := []struct {
		name string
		link string
		opts oauth.CheckOptions
		kind oauth.LinkKind
		want []oauth.WarningCode
	}{
		{name: "good authorize", link: oauth.AuthorizeURL("ww1", cb, "S1", oauth.WithAgentID(1000002)),
			opts: oauth.CheckOptions{TrustedDomain: "app.example.com"}, kind: oauth.LinkAuthorize},
		{name: "privateinfo without agentid", link: oauth.AuthorizeURL("ww1", cb, "S1", oauth.WithPrivateInfo(0)),
			kind: oauth.LinkAuthorize, want: []oauth.WarningCode{oauth.WarnMissingAgentID}},
		{name: "third party with agentid", link: oauth.AuthorizeURL("wwsuite", cb, "S1", oauth.WithAgentID(5)),
			opts: oauth.CheckOptions{ThirdParty: true}, kind: oauth.LinkAuthorize, want: []oauth.WarningCode{oauth.WarnUnexpectedAgentID}},
		{name: "third party privateinfo needs no agentid", link: oauth.AuthorizeURL("wwsuite", cb, "S1", oauth.WithPrivateInfo(0)),
			opts: oauth.CheckOptions{ThirdParty: true}, kind: oauth.LinkAuthorize},
		{name: "double encoded", link: oauth.AuthorizeURL("ww1", "https%3A%2F%2Fapp.example.com%2Fcb", "S1"),
			opts: oauth.CheckOptions{TrustedDomain: "https://app.example.com/"}, kind: oauth.LinkAuthorize,
			want: []oauth.WarningCode{oauth.WarnRedirectDoubleEncoded}},
		{name: "other domain", link: oauth.AuthorizeURL("ww1", "https://app.example.com:8443/cb", "S1"),
			opts: oauth.CheckOptions{TrustedDomain: "app.example.com"}, kind: oauth.LinkAuthorize,
			want: []oauth.WarningCode{oauth.WarnRedirectDomain}},
		{name: "missing wechat_redirect, bad state",
			link: strings.TrimSuffix(oauth.AuthorizeURL("ww1", cb, "a-b"), "#wechat_redirect"),
			kind: oauth.LinkAuthorize, want: []oauth.WarningCode{oauth.WarnMissingWechatRedirect, oauth.WarnState}},
		{name: "hand-made: not encoded, old scope, no state",
			link: "https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https://app.example.com/cb?x=1&response_type=token&scope=snsapi_userinfo#wechat_redirect",
			kind: oauth.LinkAuthorize,
			want: []oauth.WarningCode{oauth.WarnScope, oauth.WarnScope, oauth.WarnRedirectNotEncoded, oauth.WarnNoState}},
		{name: "missing redirect and appid", link: "https://open.weixin.qq.com/connect/oauth2/authorize?response_type=code&scope=snsapi_base&state=x#wechat_redirect",
			kind: oauth.LinkAuthorize, want: []oauth.WarningCode{oauth.WarnMissingParam, oauth.WarnMissingParam}},
		{name: "relative redirect", link: oauth.AuthorizeURL("ww1", "/cb", "S1"),
			kind: oauth.LinkAuthorize, want: []oauth.WarningCode{oauth.WarnRedirectInvalid}},
		{name: "good weblogin", link: oauth.WebLoginURL(oauth.CorpApp, "ww1", 1000002, cb, "S1", oauth.WithLang("en")),
			kind: oauth.LinkWebLogin},
		{name: "weblogin without agentid, with wechat_redirect",
			link: oauth.WebLoginURL(oauth.CorpApp, "ww1", 0, cb, "S1") + "#wechat_redirect",
			kind: oauth.LinkWebLogin, want: []oauth.WarningCode{oauth.WarnMissingAgentID, oauth.WarnUnexpectedFragment}},
		{name: "serviceapp with agentid, bad lang",
			link: "https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=ServiceApp&appid=wws&agentid=3&redirect_uri=https%3A%2F%2Fa.example&state=S&lang=fr",
			kind: oauth.LinkWebLogin, want: []oauth.WarningCode{oauth.WarnUnexpectedAgentID, oauth.WarnLoginType}},
		{name: "bad login type", link: oauth.WebLoginURL("Corp", "ww1", 1, cb, "S1"),
			kind: oauth.LinkWebLogin, want: []oauth.WarningCode{oauth.WarnLoginType}},
		{name: "qrconnect", link: oauth.QRConnectURL("ww1", 1000002, cb, "S1"), kind: oauth.LinkQRConnect},
		{name: "good install", link: oauth.InstallURL("wws", "pre", cb, "S1"),
			opts: oauth.CheckOptions{TrustedDomain: "APP.example.com"}, kind: oauth.LinkInstall},
		{name: "install with agentid and fragment", link: oauth.InstallURL("wws", "", cb, "S1") + "&agentid=1#x",
			kind: oauth.LinkInstall, want: []oauth.WarningCode{oauth.WarnMissingParam, oauth.WarnUnexpectedAgentID, oauth.WarnUnexpectedFragment}},
		{name: "bad query", link: "https://open.work.weixin.qq.com/3rdapp/install?suite_id=wws&pre_auth_code=p&redirect_uri=https%3A%2F%2Fa.example&state=S&x=%zz",
			kind: oauth.LinkInstall, want: []oauth.WarningCode{oauth.WarnRedirectNotEncoded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, warnings, err := oauth.CheckLink(tt.link, tt.opts)
			require.NoError(t, err)
			require.Equal(t, tt.kind, kind)
			var codes []oauth.WarningCode
			for _, w := range warnings {
				codes = append(codes, w.Code)
				require.NotEmpty(t, w.Message)
			}
			require.Equal(t, tt.want, codes, "%v", warnings)
		})
	}
	for _, bad := range []string{"", "https://example.com/login", "://x", "https://open.weixin.qq.com/connect/oauth2/other"} {
		_, _, err := oauth.CheckLink(bad, oauth.CheckOptions{})
		require.ErrorIs(t, err, oauth.ErrUnknownLink, bad)
	}
}
