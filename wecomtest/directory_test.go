package wecomtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	dirCorp   = "ww-dir"
	newApp    = int64(1000002)
	legacyApp = int64(1000003)
)

// dirFixture is a server with one new and one legacy app and two members.
type dirFixture struct {
	srv   *wecomtest.Server
	clock *wecomtest.Clock
	tok   map[int64]string
}

var zhangsan = wecomtest.Member{
	UserID: "ZhangSan", Name: "张三", Mobile: "13800000001", Email: "zs@example.com",
	BizMail: "zs@corp.wecom.work", Avatar: "https://a/zs", Gender: "1", Position: "工程师", Department: []int64{2, 1},
}

func newDirFixture(t *testing.T) *dirFixture {
	t.Helper()
	clock := wecomtest.NewClock(t0)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now),
		wecomtest.WithApp(dirCorp, wecomtest.App{AgentID: newApp, Secret: "new"}),
		wecomtest.WithApp(dirCorp, wecomtest.App{AgentID: legacyApp, Secret: "old", Legacy: true}),
		wecomtest.WithApp("ww-other", wecomtest.App{AgentID: newApp, Secret: "other"}))
	t.Cleanup(srv.Close)
	srv.AddMember(dirCorp, zhangsan)
	srv.AddMember(dirCorp, wecomtest.Member{UserID: "lisi", Name: "李四"})
	f := &dirFixture{srv: srv, clock: clock, tok: map[int64]string{}}
	for agent, secret := range map[int64]string{newApp: "new", legacyApp: "old"} {
		_, r, _ := get(t, srv, "/cgi-bin/gettoken", url.Values{"corpid": {dirCorp}, "corpsecret": {secret}})
		require.NotEmpty(t, r.AccessToken)
		f.tok[agent] = r.AccessToken
	}
	_, r, _ := get(t, srv, "/cgi-bin/gettoken", url.Values{"corpid": {"ww-other"}, "corpsecret": {"other"}})
	f.tok[-1] = r.AccessToken
	return f
}

// call sends a GET (or a POST with body) and decodes the JSON answer.
func (f *dirFixture) call(t *testing.T, method, path, tok string, q url.Values, body any) map[string]any {
	t.Helper()
	if q == nil {
		q = url.Values{}
	}
	q.Set("access_token", tok)
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, f.srv.URL+path+"?"+q.Encode(), rd)
	require.NoError(t, err)
	resp, err := f.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

func errcode(m map[string]any) int {
	if v, ok := m["errcode"].(float64); ok {
		return int(v)
	}
	return -999
}

func (f *dirFixture) userinfo(t *testing.T, agent int64, code string) map[string]any {
	return f.call(t, http.MethodGet, "/cgi-bin/auth/getuserinfo", f.tok[agent], url.Values{"code": {code}}, nil)
}

func TestGetUserInfoCodes(t *testing.T) {
	f := newDirFixture(t)

	base := f.srv.NewCode(dirCorp, newApp, "ZhangSan", wecomtest.ScopeBase)
	r := f.userinfo(t, newApp, base)
	require.Equal(t, 0, errcode(r))
	require.Equal(t, "ZhangSan", r["userid"])
	require.NotContains(t, r, "user_ticket", "snsapi_base yields no user_ticket")
	require.NotContains(t, r, "openid")
	require.Equal(t, 40029, errcode(f.userinfo(t, newApp, base)), "a code works once")

	priv := f.srv.NewCode(dirCorp, newApp, "ZhangSan", wecomtest.ScopePrivateInfo)
	r = f.userinfo(t, newApp, priv)
	require.Equal(t, 0, errcode(r))
	require.NotEmpty(t, r["user_ticket"])
	require.Equal(t, []string{r["user_ticket"].(string)}, f.srv.UserTickets(dirCorp, "zhangsan"))

	for name, tc := range map[string]struct {
		agent int64
		code  func() string
		want  int
	}{
		"empty":         {newApp, func() string { return "" }, 41008},
		"made up":       {newApp, func() string { return "code_nope" }, 40029},
		"other app":     {legacyApp, func() string { return f.srv.NewCode(dirCorp, newApp, "lisi", "") }, 40029},
		"other corp":    {-1, func() string { return f.srv.NewCode(dirCorp, 0, "lisi", "") }, 40029},
		"any app (0)":   {legacyApp, func() string { return f.srv.NewCode(dirCorp, 0, "lisi", "") }, 0},
		"default scope": {newApp, func() string { return f.srv.NewCode(dirCorp, newApp, "lisi", "") }, 0},
	} {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, tc.want, errcode(f.userinfo(t, tc.agent, tc.code())))
		})
	}

	t.Run("expires after 5 minutes on the server clock", func(t *testing.T) {
		c1 := f.srv.NewCode(dirCorp, newApp, "lisi", "")
		c2 := f.srv.NewCode(dirCorp, newApp, "lisi", "")
		f.clock.Advance(5*time.Minute - time.Second)
		require.Equal(t, 0, errcode(f.userinfo(t, newApp, c1)))
		f.clock.Advance(time.Second)
		require.Equal(t, 40029, errcode(f.userinfo(t, newApp, c2)))
	})

	t.Run("a failed attempt does not consume the code", func(t *testing.T) {
		c := f.srv.NewCode(dirCorp, newApp, "lisi", "")
		require.Equal(t, 40029, errcode(f.userinfo(t, legacyApp, c)))
		require.Equal(t, 0, errcode(f.userinfo(t, newApp, c)))
	})

	t.Run("non-members", func(t *testing.T) {
		r := f.userinfo(t, newApp, f.srv.NewNonMemberCode(dirCorp, "o-visitor"))
		require.Equal(t, 0, errcode(r))
		require.Equal(t, "o-visitor", r["openid"])
		require.NotContains(t, r, "userid")
		require.NotContains(t, r, "external_userid")
		r = f.userinfo(t, legacyApp, f.srv.NewCustomerCode(dirCorp, "o-customer", "wm-ext"))
		require.Equal(t, "o-customer", r["openid"])
		require.Equal(t, "wm-ext", r["external_userid"])
	})
}

func TestGetUserDetail(t *testing.T) {
	f := newDirFixture(t)
	ticket := func(userID string) string {
		r := f.userinfo(t, newApp, f.srv.NewCode(dirCorp, newApp, userID, wecomtest.ScopePrivateInfo))
		require.Equal(t, 0, errcode(r))
		return r["user_ticket"].(string)
	}
	detail := func(tok, ticket string) map[string]any {
		return f.call(t, http.MethodPost, "/cgi-bin/auth/getuserdetail", tok, nil, map[string]string{"user_ticket": ticket})
	}

	r := detail(f.tok[newApp], ticket("zhangsan"))
	require.Equal(t, 0, errcode(r))
	require.Equal(t, map[string]any{
		"errcode": 0.0, "errmsg": "ok", "userid": "ZhangSan", "gender": "1", "avatar": "https://a/zs",
		"mobile": "13800000001", "email": "zs@example.com", "biz_mail": "zs@corp.wecom.work",
	}, r)

	r = detail(f.tok[newApp], ticket("lisi"))
	require.Equal(t, map[string]any{"errcode": 0.0, "errmsg": "ok", "userid": "lisi", "gender": "0"}, r)

	tk := ticket("zhangsan")
	require.Equal(t, 0, errcode(detail(f.tok[legacyApp], tk)), "any app of the corporation")
	require.Equal(t, 84015, errcode(detail(f.tok[-1], tk)), "bound to the corporation")
	require.Equal(t, 84015, errcode(detail(f.tok[newApp], "utk_made_up")))
	require.Equal(t, 84090, errcode(detail(f.tok[newApp], "")), "缺失user_ticket, checked against the declaration")
	require.Equal(t, 40063, errcode(f.call(t, http.MethodGet, "/cgi-bin/auth/getuserdetail", f.tok[newApp], nil, nil)), "a GET of a POST endpoint")

	f.clock.Advance(1800 * time.Second)
	require.Equal(t, 84014, errcode(detail(f.tok[newApp], tk)))
	require.Empty(t, f.srv.UserTickets(dirCorp, "zhangsan"))

	tk = ticket("lisi")
	f.srv.RemoveMember(dirCorp, "LISI")
	require.Equal(t, 60111, errcode(detail(f.tok[newApp], tk)))
}

func TestUserGetHidesSensitiveFieldsForNewApps(t *testing.T) {
	f := newDirFixture(t)
	get := func(agent int64, userID string) map[string]any {
		return f.call(t, http.MethodGet, "/cgi-bin/user/get", f.tok[agent], url.Values{"userid": {userID}}, nil)
	}
	common := map[string]any{
		"errcode": 0.0, "errmsg": "ok", "userid": "ZhangSan", "name": "张三", "position": "工程师",
		"department": []any{2.0, 1.0}, "main_department": 2.0, "status": 1.0,
	}
	require.Equal(t, common, get(newApp, "zhangsan"), "created after 2022-06-20: no mobile, email, biz_mail, avatar, gender")

	legacy := map[string]any{"gender": "1", "mobile": "13800000001", "email": "zs@example.com",
		"biz_mail": "zs@corp.wecom.work", "avatar": "https://a/zs"}
	for k, v := range common {
		legacy[k] = v
	}
	require.Equal(t, legacy, get(legacyApp, "ZHANGSAN"))

	require.Equal(t, 60111, errcode(get(newApp, "nobody")))
	require.Equal(t, 60111, errcode(get(-1, "zhangsan")), "another corporation's directory")
	require.Equal(t, 41009, errcode(get(newApp, "")))
	r := get(newApp, "lisi")
	require.Equal(t, []any{}, r["department"])

	// The new paths count calls and take faults like gettoken.
	f.srv.FailNext("/cgi-bin/user/get", 1, 45033)
	require.Equal(t, 45033, errcode(get(newApp, "lisi")))
	require.Equal(t, 7, f.srv.Calls("/cgi-bin/user/get"))
	require.Equal(t, 41001, errcode(f.call(t, http.MethodGet, "/cgi-bin/user/get", "", nil, nil)))
}
