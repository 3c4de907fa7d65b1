package wecomtest_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	pageCorp  = "ww-pages"
	pageAgent = int64(1000002)
	pageCB    = "https://app.example.com/oauth/callback?from=wecom"
)

// pageFixture is a server with one app and two members, a client of it,
// and an HTTP client that does not follow redirects.
type pageFixture struct {
	srv   *wecomtest.Server
	ident *oauth.Client
	hc    *http.Client
	bases []oauth.URLOption
}

func newPageFixture(t *testing.T) *pageFixture {
	t.Helper()
	srv := wecomtest.NewServer(wecomtest.WithApp(pageCorp, wecomtest.App{AgentID: pageAgent, Secret: "s"}))
	t.Cleanup(srv.Close)
	srv.AddMember(pageCorp, wecomtest.Member{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zs@example.com", Department: []int64{1}})
	srv.AddMember(pageCorp, wecomtest.Member{UserID: "lisi", Name: "李四", Department: []int64{2}})
	c, err := wecom.New(pageCorp, "s", wecom.WithAgentID(pageAgent), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &pageFixture{srv: srv, ident: oauth.New(c), hc: hc,
		bases: []oauth.URLOption{oauth.WithAuthorizeBase(srv.URL), oauth.WithWebLoginBase(srv.URL)}}
}

func (f *pageFixture) get(t *testing.T, link string) (*http.Response, string) {
	t.Helper()
	resp, err := f.hc.Get(link)
	require.NoError(t, err)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	return resp, string(b)
}

// pick posts the picker's form for link (fragment and all, as its script
// would) and returns the redirect.
func (f *pageFixture) pick(t *testing.T, link string, form url.Values) *http.Response {
	t.Helper()
	u, err := url.Parse(link)
	require.NoError(t, err)
	if form.Get("fragment") == "" {
		form.Set("fragment", u.Fragment)
	}
	u.Fragment = ""
	resp, err := f.hc.PostForm(u.String(), form)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	return resp
}

// redirectQuery checks that resp redirects to pageCB and returns its query.
func redirectQuery(t *testing.T, resp *http.Response) url.Values {
	t.Helper()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "https://app.example.com/oauth/callback", loc.Scheme+"://"+loc.Host+loc.Path)
	q := loc.Query()
	require.Equal(t, "wecom", q.Get("from"), "the redirect URI's own query is kept")
	return q
}

func TestAuthorizePage(t *testing.T) {
	f := newPageFixture(t)
	ctx := context.Background()
	link := oauth.AuthorizeURL(pageCorp, pageCB, "st4te", append(f.bases, oauth.WithPrivateInfo(pageAgent))...)
	require.True(t, strings.HasPrefix(link, f.srv.URL+wecomtest.AuthorizePath+"?"))

	resp, body := f.get(t, link)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "张三")
	require.Contains(t, body, `value="lisi"`)
	require.Contains(t, body, "location.hash", "the page checks the fragment")

	q := redirectQuery(t, f.pick(t, link, url.Values{"userid": {"zhangsan"}}))
	require.Equal(t, "st4te", q.Get("state"))
	id, err := f.ident.Identify(ctx, q.Get("code"))
	require.NoError(t, err)
	require.Equal(t, "zhangsan", id.UserID)
	require.Equal(t, "13800000001", id.Mobile, "snsapi_privateinfo yields the user_ticket")

	_, err = f.ident.Identify(ctx, q.Get("code"))
	require.ErrorIs(t, err, oauth.ErrInvalidCode, "codes work once")

	// Without JavaScript: the member in the link.
	noJS := strings.Replace(link, "#wechat_redirect", "&"+wecomtest.PickMemberParam+"=LiSi#wechat_redirect", 1)
	resp, _ = f.get(t, noJS)
	q = redirectQuery(t, resp)
	id, err = f.ident.Identify(ctx, q.Get("code"))
	require.NoError(t, err)
	require.Equal(t, "lisi", id.UserID)

	// A visitor who is not a member.
	q = redirectQuery(t, f.pick(t, link, url.Values{"visitor": {"1"}}))
	_, err = f.ident.Identify(ctx, q.Get("code"))
	require.ErrorIs(t, err, oauth.ErrNotMember)

	// The base scope without agentid: any app of the corporation may use the code.
	q = redirectQuery(t, f.pick(t, oauth.AuthorizeURL(pageCorp, pageCB, "", f.bases...), url.Values{"userid": {"lisi"}}))
	require.False(t, q.Has("state"), "no state in, none out")
	id, err = f.ident.Identify(ctx, q.Get("code"))
	require.NoError(t, err)
	require.Equal(t, "lisi", id.UserID)
}

func TestWebLoginPage(t *testing.T) {
	f := newPageFixture(t)
	link := oauth.WebLoginURL(oauth.CorpApp, pageCorp, pageAgent, pageCB, "abc", append(f.bases, oauth.WithLang("en"))...)
	require.True(t, strings.HasPrefix(link, f.srv.URL+wecomtest.WebLoginPath+"?"))
	resp, body := f.get(t, link)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, "李四")
	require.NotContains(t, body, "location.hash", "the web login needs no fragment")

	q := redirectQuery(t, f.pick(t, link, url.Values{"userid": {"zhangsan"}}))
	require.Equal(t, "abc", q.Get("state"))
	require.Equal(t, pageCorp, q.Get("appid"))
	id, err := f.ident.Identify(context.Background(), q.Get("code"))
	require.NoError(t, err)
	require.Equal(t, "张三", id.Name)

	q = redirectQuery(t, f.pick(t, link, url.Values{"deny": {"1"}}))
	require.False(t, q.Has("code"), "a declined login brings the state alone")
	require.Equal(t, "abc", q.Get("state"))
}

func TestLoginPagesRefuse(t *testing.T) {
	f := newPageFixture(t)
	authz := func(q string) string { return f.srv.URL + wecomtest.AuthorizePath + "?" + q }
	web := func(q string) string { return f.srv.URL + wecomtest.WebLoginPath + "?" + q }
	cb := url.QueryEscape(pageCB)
	for _, tc := range []struct{ name, link, want string }{
		{"no appid", authz("redirect_uri=" + cb + "&response_type=code&scope=snsapi_base"), "appid missing"},
		{"unknown appid", authz("appid=ww-nobody&redirect_uri=" + cb + "&response_type=code&scope=snsapi_base"), "not a corporation"},
		{"unknown agentid", authz("appid=" + pageCorp + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_base&agentid=42"), "not an app"},
		{"privateinfo without agentid", authz("appid=" + pageCorp + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_privateinfo"), "snsapi_privateinfo needs"},
		{"bad scope", authz("appid=" + pageCorp + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_userinfo"), "is not snsapi_base"},
		{"no response_type", authz("appid=" + pageCorp + "&redirect_uri=" + cb + "&scope=snsapi_base"), "response_type must be code"},
		{"unencoded redirect_uri", authz("appid=" + pageCorp + "&redirect_uri=https://app.example.com/cb&response_type=code&scope=snsapi_base"), "URL-encoded"},
		{"relative redirect_uri", authz("appid=" + pageCorp + "&redirect_uri=cb&response_type=code&scope=snsapi_base"), "absolute http"},
		{"no redirect_uri", authz("appid=" + pageCorp + "&response_type=code&scope=snsapi_base"), "redirect_uri missing"},
		{"bad state", authz("appid=" + pageCorp + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_base&state=a-b"), "state must be"},
		{"long state", authz("appid=" + pageCorp + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_base&state=" + strings.Repeat("a", 129)), "state must be"},
		{"repeated appid", authz("appid=" + pageCorp + "&appid=x&redirect_uri=" + cb + "&response_type=code&scope=snsapi_base"), "more than once"},
		{"unknown member", authz("appid=" + pageCorp + "&redirect_uri=" + cb + "&response_type=code&scope=snsapi_base&" + wecomtest.PickMemberParam + "=nobody"), "not a member"},
		{"web: no agentid", web("login_type=CorpApp&appid=" + pageCorp + "&redirect_uri=" + cb), "CorpApp needs"},
		{"web: no login_type", web("appid=" + pageCorp + "&agentid=1000002&redirect_uri=" + cb), "login_type missing"},
		{"web: ServiceApp", web("login_type=ServiceApp&appid=wwsuite&redirect_uri=" + cb), "not modelled"},
		{"web: bad lang", web("login_type=CorpApp&appid=" + pageCorp + "&agentid=1000002&redirect_uri=" + cb + "&lang=fr"), "lang"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.get(t, tc.link)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, body)
			require.Contains(t, body, tc.want)
			require.Contains(t, resp.Header.Get("Content-Type"), "text/html")
		})
	}

	link := oauth.AuthorizeURL(pageCorp, pageCB, "s", f.bases...)
	t.Run("lost fragment", func(t *testing.T) {
		resp := f.pick(t, link, url.Values{"userid": {"zhangsan"}, "fragment": {"other"}})
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	t.Run("unknown userid", func(t *testing.T) {
		resp := f.pick(t, link, url.Values{"userid": {"nobody"}})
		require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	})
	t.Run("method", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPut, link, nil)
		require.NoError(t, err)
		resp, err := f.hc.Do(req)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	})
}
