package wecomtest_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func (f *suiteFixture) providerToken(t *testing.T) string {
	t.Helper()
	r := f.post(t, "/cgi-bin/service/get_provider_token", nil, map[string]string{"corpid": "wwprovider", "provider_secret": "psecret"})
	require.NotContains(t, r, "errcode", "get_provider_token answers no errcode on success")
	return r["provider_access_token"].(string)
}

func TestGetProviderToken(t *testing.T) {
	f := newSuiteFixture(t)
	for name, tc := range map[string]struct {
		corp, secret string
		want         int
	}{
		"unknown corp": {"wwnope", "psecret", 40013},
		"wrong secret": {"wwprovider", "nope", 40001},
		"no secret":    {"wwprovider", "", 41004}, // 缺少secret参数, checked against the declaration
	} {
		t.Run(name, func(t *testing.T) {
			r := f.post(t, "/cgi-bin/service/get_provider_token", nil, map[string]string{"corpid": tc.corp, "provider_secret": tc.secret})
			require.Equal(t, tc.want, errcode(r))
		})
	}
	ptok := f.providerToken(t)
	tr, err := wecom.NewTransport(wecom.WithBaseURL(f.srv.URL))
	require.NoError(t, err)
	tok, ttl, err := tr.GetProviderToken("wwprovider", wecom.Secret("psecret"))(context.Background())
	require.NoError(t, err)
	require.Equal(t, 7200*time.Second, ttl)
	// Issued in the same instant of the server's clock: no order between them.
	require.ElementsMatch(t, []string{ptok, tok}, f.srv.ProviderTokens("wwprovider"))

	// A provider token is not a suite token, nor an access token.
	stok := f.suiteToken(t, suiteID, "ssecret")
	require.Equal(t, 40082, errcode(f.post(t, "/cgi-bin/service/get_pre_auth_code", sq(ptok), nil)))
	require.Equal(t, 40014, errcode(f.post(t, "/cgi-bin/get_jsapi_ticket", url.Values{"access_token": {ptok}}, nil)))
	require.Equal(t, 40082, errcode(f.post(t, "/cgi-bin/service/get_customized_auth_url", url.Values{"provider_access_token": {stok}},
		map[string]any{"templateid_list": []string{dkSuiteID}})))
	f.clock.Advance(2 * time.Hour)
	r := f.post(t, "/cgi-bin/service/get_customized_auth_url", url.Values{"provider_access_token": {ptok}}, map[string]any{"templateid_list": []string{dkSuiteID}})
	require.Equal(t, 42009, errcode(r))
	require.Contains(t, r["errmsg"], "provider_access_token expired")
}

func TestGetLoginInfo(t *testing.T) {
	f := newSuiteFixture(t)
	ptok := f.providerToken(t)
	stok := f.suiteToken(t, suiteID, "ssecret")
	f.srv.AddMember(authCorp, wecomtest.Member{UserID: "zhangsan", Name: "张三", Avatar: "https://a/zs"})
	ac := f.srv.NewAuthCode(suiteID, authCorp, "")
	require.Equal(t, 0, errcode(f.post(t, "/cgi-bin/service/get_permanent_code", sq(stok), map[string]string{"auth_code": ac})))
	agentID := f.srv.SuiteAgentID(suiteID, authCorp)
	f.srv.SetAdmins(authCorp, agentID, []wecomtest.Admin{{UserID: "zhangsan", AuthType: 0}})

	login := func(tok, code string) map[string]any {
		return f.post(t, "/cgi-bin/service/get_login_info", url.Values{"access_token": {tok}}, map[string]string{"auth_code": code})
	}
	lc := f.srv.NewLoginCode(authCorp, "zhangsan")
	require.Equal(t, 40082, errcode(login(stok, lc)), "the provider token is wanted")
	r := login(ptok, lc)
	require.NotContains(t, r, "errcode")
	require.EqualValues(t, 1, r["usertype"])
	user := r["user_info"].(map[string]any)
	require.Equal(t, "zhangsan", user["userid"])
	require.Equal(t, "张三", user["name"])
	require.Equal(t, "https://a/zs", user["avatar"])
	require.True(t, strings.HasPrefix(user["open_userid"].(string), "ozhangsan"))
	require.Equal(t, map[string]any{"corpid": authCorp}, r["corp_info"])
	require.Equal(t, []any{map[string]any{"agentid": float64(agentID), "auth_type": float64(0)}}, r["agent"])
	require.Equal(t, map[string]any{"department": []any{map[string]any{"id": float64(1), "writable": true}}}, r["auth_info"])

	require.Equal(t, 40029, errcode(login(ptok, lc)), "single use")
	lc = f.srv.NewLoginCode(authCorp, "zhangsan")
	f.clock.Advance(10 * time.Minute)
	require.Equal(t, 40029, errcode(login(f.providerToken(t), lc)), "expired")
}

func TestGetUserInfo3rd(t *testing.T) {
	f := newSuiteFixture(t)
	stok := f.suiteToken(t, suiteID, "ssecret")
	dktok := f.suiteToken(t, dkSuiteID, "dksecret")
	f.srv.AddMember(authCorp, wecomtest.Member{UserID: "zhangsan", Name: "张三", Gender: "1", Avatar: "https://a/zs"})
	info := func(tok, code string) map[string]any {
		return f.post(t, "/cgi-bin/service/auth/getuserinfo3rd", url.Values{"suite_access_token": {tok}, "code": {code}}, nil)
	}
	detail := func(tok, ticket string) map[string]any {
		return f.post(t, "/cgi-bin/service/auth/getuserdetail3rd", sq(tok), map[string]string{"user_ticket": ticket})
	}

	c := f.srv.NewCode3rd(suiteID, authCorp, "zhangsan")
	require.Equal(t, 40029, errcode(info(dktok, c)), "another suite's code")
	r := info(stok, c)
	require.Equal(t, 0, errcode(r))
	require.Equal(t, authCorp, r["corpid"])
	require.Equal(t, "zhangsan", r["userid"])
	require.EqualValues(t, 7200, r["expires_in"], "doc 91121's example value")
	require.True(t, strings.HasPrefix(r["open_userid"].(string), "ozhangsan"))
	ticket := r["user_ticket"].(string)
	require.Equal(t, 40029, errcode(info(stok, c)), "single use")
	require.Equal(t, 41008, errcode(info(stok, "")))

	d := detail(stok, ticket)
	require.Equal(t, 0, errcode(d))
	require.Equal(t, "张三", d["name"])
	require.Equal(t, "1", d["gender"])
	require.Equal(t, "https://a/zs", d["avatar"])
	require.Equal(t, authCorp, d["corpid"])
	require.NotEmpty(t, d["qr_code"])
	require.Equal(t, 84015, errcode(detail(stok, "ut3_nope")))
	require.Equal(t, 84015, errcode(detail(dktok, ticket)), "another suite's ticket")

	nm := info(stok, f.srv.NewNonMemberCode3rd(suiteID, authCorp, "oWX123"))
	require.Equal(t, map[string]any{"errcode": float64(0), "errmsg": "ok", "openid": "oWX123"}, nm)

	c = f.srv.NewCode3rd(suiteID, authCorp, "zhangsan")
	f.clock.Advance(5 * time.Minute)
	stok = f.suiteToken(t, suiteID, "ssecret")
	require.Equal(t, 40029, errcode(info(stok, c)), "expired")
	f.clock.Advance(1800*time.Second - 5*time.Minute)
	require.Equal(t, 0, errcode(detail(stok, ticket)), "valid for expires_in, not 1800 s")
	f.clock.Advance(7200*time.Second - 1800*time.Second)
	stok = f.suiteToken(t, suiteID, "ssecret")
	require.Equal(t, 84014, errcode(detail(stok, ticket)))
}

func TestGetAdminList(t *testing.T) {
	f := newSuiteFixture(t)
	stok := f.suiteToken(t, suiteID, "ssecret")
	r := f.post(t, "/cgi-bin/service/get_permanent_code", sq(stok), map[string]string{"auth_code": f.srv.NewAuthCode(suiteID, authCorp, "")})
	at := url.Values{"access_token": {r["access_token"].(string)}}
	agentID := f.srv.SuiteAgentID(suiteID, authCorp)

	list := f.post(t, "/cgi-bin/agent/get_admin_list", at, map[string]any{"agentid": agentID})
	require.Equal(t, 0, errcode(list))
	require.Equal(t, []any{map[string]any{"userid": "admin", "auth_type": float64(1)}}, list["admin"], "the installer by default")

	f.srv.SetAdmins(authCorp, agentID, []wecomtest.Admin{{UserID: "zhangsan", AuthType: 1}, {UserID: "lisi", AuthType: 0}})
	list = f.post(t, "/cgi-bin/agent/get_admin_list", at, map[string]any{"agentid": agentID})
	require.Equal(t, []any{
		map[string]any{"userid": "zhangsan", "auth_type": float64(1)},
		map[string]any{"userid": "lisi", "auth_type": float64(0)},
	}, list["admin"])
	require.Equal(t, 41011, errcode(f.post(t, "/cgi-bin/agent/get_admin_list", at, map[string]any{})), "缺少agentid参数, checked against the declaration")
	require.Equal(t, 40014, errcode(f.post(t, "/cgi-bin/agent/get_admin_list", url.Values{"access_token": {stok}}, map[string]any{"agentid": agentID})))
}

func TestGetCustomizedAuthURL(t *testing.T) {
	f := newSuiteFixture(t)
	pq := url.Values{"provider_access_token": {f.providerToken(t)}}
	for name, tc := range map[string]struct {
		state string
		ids   []string
		want  int
	}{
		"ok":                {"abc123", []string{dkSuiteID}, 0},
		"no state":          {"", []string{dkSuiteID}, 0},
		"32-byte state":     {strings.Repeat("a", 32), []string{dkSuiteID}, 0},
		"33-byte state":     {strings.Repeat("a", 33), []string{dkSuiteID}, 40058},
		"state with dash":   {"a-b", []string{dkSuiteID}, 40058},
		"no template":       {"s", nil, 40058},
		"ten templates":     {"s", []string{dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID}, 40058},
		"unknown template":  {"s", []string{"dknope"}, 40058},
		"not customized":    {"s", []string{suiteID}, 40058},
		"nine templates ok": {"s", []string{dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID, dkSuiteID}, 0},
	} {
		t.Run(name, func(t *testing.T) {
			r := f.post(t, "/cgi-bin/service/get_customized_auth_url", pq, map[string]any{"state": tc.state, "templateid_list": tc.ids})
			require.Equal(t, tc.want, errcode(r))
			if tc.want == 0 {
				require.True(t, strings.HasPrefix(r["qrcode_url"].(string), "https://open.work.weixin.qq.com/"))
				require.EqualValues(t, 864000, r["expires_in"])
			}
		})
	}
}

// A fault answers before the handler: the code it would have spent still
// works afterwards.
func TestFaultOnServicePath(t *testing.T) {
	f := newSuiteFixture(t)
	stok := f.suiteToken(t, suiteID, "ssecret")
	const path = "/cgi-bin/service/auth/getuserinfo3rd"
	c := f.srv.NewCode3rd(suiteID, authCorp, "zhangsan")
	f.srv.FailNext(path, 1, 45009)
	q := url.Values{"suite_access_token": {stok}, "code": {c}}
	require.Equal(t, 45009, errcode(f.post(t, path, q, nil)))
	require.Equal(t, 0, errcode(f.post(t, path, q, nil)))
	require.Equal(t, 2, f.srv.Calls(path))

	f.srv.Inject("/3rdapp/install", 1, wecomtest.Fault{Status: http.StatusBadGateway})
	resp, err := noRedirect(f.srv).Get(f.srv.URL + "/3rdapp/install")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusBadGateway, resp.StatusCode)
	require.Equal(t, 1, f.srv.Calls("/3rdapp/install"))
}
