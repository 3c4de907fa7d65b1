package wecomtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	suiteID    = "wwsuite0000001"
	dkSuiteID  = "dkcustom000001"
	suiteToken = "cbtoken"
	suiteKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	authCorp   = "wwcorp00000001"
)

// callback is a suite's command URL: a crypto.NewHandler that records the
// instructions it decrypted.
type callback struct {
	srv  *httptest.Server
	mu   sync.Mutex
	evs  []*crypto.Event
	raw  [][]byte
	fail bool // answer 500
}

func newCallback(t *testing.T, id string) *callback {
	t.Helper()
	mc, err := crypto.New(suiteToken, suiteKey, id)
	require.NoError(t, err)
	cb := &callback{}
	h := crypto.NewHandler(mc, crypto.HandlerFunc(func(_ context.Context, ev *crypto.Event) ([]byte, error) {
		cb.mu.Lock()
		defer cb.mu.Unlock()
		if cb.fail {
			return nil, errors.New("refused")
		}
		cb.evs = append(cb.evs, ev)
		return nil, nil
	}))
	cb.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		cb.mu.Lock()
		cb.raw = append(cb.raw, body)
		cb.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(cb.srv.Close)
	return cb
}

func (cb *callback) events() []*crypto.Event {
	cb.mu.Lock()
	defer cb.mu.Unlock()
	return append([]*crypto.Event(nil), cb.evs...)
}

func (cb *callback) last(t *testing.T) *crypto.Event {
	t.Helper()
	evs := cb.events()
	require.NotEmpty(t, evs)
	return evs[len(evs)-1]
}

type suiteFixture struct {
	srv   *wecomtest.Server
	clock *wecomtest.Clock
	cb    *callback // for suiteID
	dkcb  *callback // for dkSuiteID
}

func newSuiteFixture(t *testing.T) *suiteFixture {
	t.Helper()
	clock := wecomtest.NewClock(t0)
	f := &suiteFixture{clock: clock, cb: newCallback(t, suiteID), dkcb: newCallback(t, dkSuiteID)}
	f.srv = wecomtest.NewServer(wecomtest.WithClock(clock.Now),
		wecomtest.WithSuite(wecomtest.Suite{ID: suiteID, Secret: "ssecret", Token: suiteToken, EncodingAESKey: suiteKey, CommandURL: f.cb.srv.URL}),
		wecomtest.WithSuite(wecomtest.Suite{ID: dkSuiteID, Secret: "dksecret", Token: suiteToken, EncodingAESKey: suiteKey, Customized: true}),
		wecomtest.WithProvider("wwprovider", "psecret"))
	f.srv.SetCommandURL(dkSuiteID, f.dkcb.srv.URL)
	t.Cleanup(f.srv.Close)
	return f
}

// post sends a JSON body (GET when body is nil) and decodes the answer.
func (f *suiteFixture) post(t *testing.T, path string, q url.Values, body any) map[string]any {
	t.Helper()
	method, rd := http.MethodGet, io.Reader(nil)
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		method, rd = http.MethodPost, bytes.NewReader(b)
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

// suiteToken pushes a ticket and exchanges it for a suite_access_token.
func (f *suiteFixture) suiteToken(t *testing.T, id, secret string) string {
	t.Helper()
	ticket, err := f.srv.PushSuiteTicket(context.Background(), id)
	require.NoError(t, err)
	r := f.post(t, "/cgi-bin/service/get_suite_token", nil, map[string]string{"suite_id": id, "suite_secret": secret, "suite_ticket": ticket})
	require.NotContains(t, r, "errcode", "get_suite_token answers no errcode on success")
	return r["suite_access_token"].(string)
}

func sq(tok string) url.Values { return url.Values{"suite_access_token": {tok}} }

func TestPushSuiteTicket(t *testing.T) {
	f := newSuiteFixture(t)
	ctx := context.Background()
	ticket, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	ev := f.cb.last(t)
	require.Equal(t, suiteID, ev.SuiteID)
	require.Equal(t, suiteID, ev.ReceiveID)
	require.Equal(t, "suite_ticket", ev.InfoType)
	require.Equal(t, ticket, ev.SuiteTicket)
	require.Equal(t, t0.Unix(), ev.TimeStamp)
	require.Regexp(t, `^<xml><ToUserName><!\[CDATA\[`+suiteID+`\]\]></ToUserName><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]></Encrypt><AgentID><!\[CDATA\[\]\]></AgentID></xml>$`, string(f.cb.raw[0]))
	require.Regexp(t, `^<xml><SuiteId><!\[CDATA\[`+suiteID+`\]\]></SuiteId><InfoType><!\[CDATA\[suite_ticket\]\]></InfoType><TimeStamp>\d+</TimeStamp><SuiteTicket><!\[CDATA\[.+\]\]></SuiteTicket></xml>$`, string(ev.Raw))

	again, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	require.NotEqual(t, ticket, again)
	require.Equal(t, []string{ticket, again}, f.srv.SuiteTickets(suiteID))

	// Every ten minutes on the clock, for every suite with a command URL.
	require.NoError(t, f.srv.PushDueSuiteTickets(ctx))
	require.Len(t, f.srv.SuiteTickets(suiteID), 2, "pushed just now")
	require.Len(t, f.srv.SuiteTickets(dkSuiteID), 1, "never pushed before")
	f.clock.Advance(9 * time.Minute)
	require.NoError(t, f.srv.PushDueSuiteTickets(ctx))
	require.Len(t, f.srv.SuiteTickets(suiteID), 2)
	f.clock.Advance(time.Minute)
	require.NoError(t, f.srv.PushDueSuiteTickets(ctx))
	require.Len(t, f.srv.SuiteTickets(suiteID), 3)
	require.Len(t, f.srv.SuiteTickets(dkSuiteID), 2)
	require.Equal(t, t0.Add(10*time.Minute).Unix(), f.cb.last(t).TimeStamp)

	for name, tc := range map[string]struct {
		setup func()
		suite string
	}{
		"unknown suite":    {func() {}, "wwnope"},
		"callback refuses": {func() { f.cb.mu.Lock(); f.cb.fail = true; f.cb.mu.Unlock() }, suiteID},
		"no command URL":   {func() { f.srv.SetCommandURL(suiteID, "") }, suiteID},
	} {
		t.Run(name, func(t *testing.T) {
			tc.setup()
			_, err := f.srv.PushSuiteTicket(ctx, tc.suite)
			require.Error(t, err)
		})
	}
}

func TestPushRawAndEvents(t *testing.T) {
	f := newSuiteFixture(t)
	ctx := context.Background()
	require.NoError(t, f.srv.PushRaw(ctx, suiteID, []byte("<xml><InfoType><![CDATA[custom]]></InfoType></xml>")))
	require.Equal(t, "custom", f.cb.last(t).InfoType)

	require.NoError(t, f.srv.PushChangeContact(ctx, suiteID, authCorp, "update_user", "zhangsan"))
	ev := f.cb.last(t)
	require.Equal(t, "change_contact", ev.InfoType)
	require.Equal(t, authCorp, ev.AuthCorpID)
	require.Equal(t, "update_user", ev.ChangeType)
	v, _ := ev.Field("UserID")
	require.Equal(t, "zhangsan", v)

	_, err := f.srv.InstallQR(ctx, suiteID, authCorp, "st1")
	require.NoError(t, err)
	require.NoError(t, f.srv.PushChangeAuth(ctx, suiteID, authCorp))
	ev = f.cb.last(t)
	require.Equal(t, "change_auth", ev.InfoType)
	require.Equal(t, authCorp, ev.AuthCorpID)
	require.Equal(t, t0.Unix(), ev.TimeStamp)
}

func TestGetSuiteToken(t *testing.T) {
	f := newSuiteFixture(t)
	ctx := context.Background()
	old, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	f.clock.Advance(31 * time.Minute)
	fresh, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	dkTicket, err := f.srv.PushSuiteTicket(ctx, dkSuiteID)
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		id, secret, ticket string
		want               int
	}{
		"unknown suite":        {"wwnope", "ssecret", fresh, 40083},
		"wrong secret":         {suiteID, "nope", fresh, 40001},
		"no ticket":            {suiteID, "ssecret", "", 41023}, // 缺少suite_ticket参数
		"unknown ticket":       {suiteID, "ssecret", "tkt_nope", 40085},
		"31-minute-old ticket": {suiteID, "ssecret", old, 40085},
		"other suite's ticket": {suiteID, "ssecret", dkTicket, 40085},
	} {
		t.Run(name, func(t *testing.T) {
			r := f.post(t, "/cgi-bin/service/get_suite_token", nil, map[string]string{"suite_id": tc.id, "suite_secret": tc.secret, "suite_ticket": tc.ticket})
			require.Equal(t, tc.want, errcode(r))
			require.Contains(t, r["errmsg"], "more info at")
		})
	}
	r := f.post(t, "/cgi-bin/service/get_suite_token", nil, map[string]string{"suite_id": suiteID, "suite_secret": "ssecret", "suite_ticket": fresh})
	require.NotContains(t, r, "errcode")
	require.EqualValues(t, 7200, r["expires_in"])
	require.Equal(t, []string{r["suite_access_token"].(string)}, f.srv.SuiteTokens(suiteID))
	require.Empty(t, f.srv.SuiteTokens(dkSuiteID))

	// The client treats the missing errcode as success.
	tr, err := wecom.NewTransport(wecom.WithBaseURL(f.srv.URL))
	require.NoError(t, err)
	tok, ttl, err := tr.GetSuiteToken(suiteID, wecom.Secret("ssecret"), func(context.Context) (string, error) { return fresh, nil })(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, tok)
	require.Equal(t, 7200*time.Second, ttl)
	require.Len(t, f.srv.SuiteTokens(suiteID), 2)
	require.Equal(t, 8, f.srv.Calls("/cgi-bin/service/get_suite_token"))
}

func TestServiceTokenKinds(t *testing.T) {
	f := newSuiteFixture(t)
	stok := f.suiteToken(t, suiteID, "ssecret")
	code := f.srv.NewAuthCode(suiteID, authCorp, "")
	perm := f.post(t, "/cgi-bin/service/get_permanent_code", sq(stok), map[string]string{"auth_code": code})
	ctok := perm["access_token"].(string)
	f.srv.AddMember(authCorp, wecomtest.Member{UserID: "zhangsan", Name: "张三"})

	for name, tc := range map[string]struct {
		path string
		q    url.Values
		want int
	}{
		"corp token as suite token":   {"/cgi-bin/service/get_pre_auth_code", sq(ctok), 40082},
		"unknown suite token":         {"/cgi-bin/service/get_pre_auth_code", sq("sui_nope"), 40082},
		"no suite token":              {"/cgi-bin/service/get_pre_auth_code", url.Values{}, 41022}, // 缺少suite_access_token参数
		"suite token as corp token":   {"/cgi-bin/user/get", url.Values{"access_token": {stok}, "userid": {"zhangsan"}}, 40014},
		"suite token as access_token": {"/cgi-bin/get_jsapi_ticket", url.Values{"access_token": {stok}}, 40014},
	} {
		t.Run(name, func(t *testing.T) {
			r := f.post(t, tc.path, tc.q, nil)
			require.Equal(t, tc.want, errcode(r))
		})
	}
	r := f.post(t, "/cgi-bin/service/get_pre_auth_code", sq("sui_nope"), nil)
	require.Contains(t, r["errmsg"], "invalid suite_acccess_token or provider_access_token")

	f.clock.Advance(2 * time.Hour)
	require.Equal(t, 42009, errcode(f.post(t, "/cgi-bin/service/get_pre_auth_code", sq(stok), nil)))
	require.Empty(t, f.srv.SuiteTokens(suiteID))
}

// noRedirect is a client that shows the install page's redirect.
func noRedirect(srv *wecomtest.Server) *http.Client {
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

func TestInstallPage(t *testing.T) {
	f := newSuiteFixture(t)
	stok := f.suiteToken(t, suiteID, "ssecret")
	pushes := len(f.cb.events())
	pre := f.post(t, "/cgi-bin/service/get_pre_auth_code", sq(stok), nil)
	require.Equal(t, 0, errcode(pre))
	require.EqualValues(t, 1200, pre["expires_in"])
	preCode := pre["pre_auth_code"].(string)

	session := func(code string, authType int) int {
		return errcode(f.post(t, "/cgi-bin/service/set_session_info", sq(stok),
			map[string]any{"pre_auth_code": code, "session_info": map[string]any{"appid": []int{}, "auth_type": authType}}))
	}
	require.Equal(t, 0, session(preCode, 1))
	require.Equal(t, 40058, session("pac_nope", 0))
	require.Equal(t, 40058, session(preCode, 2))

	hc := noRedirect(f.srv)
	install := func(q url.Values) *http.Response {
		resp, err := hc.Get(f.srv.URL + "/3rdapp/install?" + q.Encode())
		require.NoError(t, err)
		resp.Body.Close()
		return resp
	}
	f.srv.SetInstallCorp(suiteID, authCorp)
	ok := url.Values{"suite_id": {suiteID}, "pre_auth_code": {preCode}, "redirect_uri": {"https://app.example.com/installed?x=1"}, "state": {"abc"}}
	for name, q := range map[string]url.Values{
		"unknown suite":    {"suite_id": {"wwnope"}, "pre_auth_code": {preCode}, "redirect_uri": ok["redirect_uri"]},
		"unknown pre code": {"suite_id": {suiteID}, "pre_auth_code": {"pac_nope"}, "redirect_uri": ok["redirect_uri"]},
		"other suite":      {"suite_id": {dkSuiteID}, "pre_auth_code": {preCode}, "redirect_uri": ok["redirect_uri"]},
		"no redirect":      {"suite_id": {suiteID}, "pre_auth_code": {preCode}},
		"relative":         {"suite_id": {suiteID}, "pre_auth_code": {preCode}, "redirect_uri": {"/installed"}},
	} {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, http.StatusBadRequest, install(q).StatusCode)
		})
	}

	resp := install(ok)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "app.example.com", loc.Host)
	require.Equal(t, "1", loc.Query().Get("x"))
	require.Equal(t, "abc", loc.Query().Get("state"))
	require.Equal(t, "600", loc.Query().Get("expires_in"))
	authCode := loc.Query().Get("auth_code")
	require.NotEmpty(t, authCode)
	require.Len(t, f.cb.events(), pushes, "a website install pushes no create_auth")

	require.Equal(t, http.StatusBadRequest, install(ok).StatusCode, "a pre_auth_code works once")
	require.Equal(t, 40058, session(preCode, 0), "used")

	r := f.post(t, "/cgi-bin/service/get_permanent_code", sq(stok), map[string]string{"auth_code": authCode})
	require.Equal(t, 0, errcode(r))
	require.Equal(t, authCorp, r["auth_corp_info"].(map[string]any)["corpid"])
	require.Equal(t, "abc", r["state"])

	// Expired pre-auth code; the default install corporation.
	f.srv.SetInstallCorp(suiteID, "")
	pre2 := f.post(t, "/cgi-bin/service/get_pre_auth_code", sq(stok), nil)["pre_auth_code"].(string)
	ok.Set("pre_auth_code", pre2)
	f.clock.Advance(1200 * time.Second)
	require.Equal(t, 42007, session(pre2, 0))
	require.Equal(t, http.StatusBadRequest, install(ok).StatusCode)
	stok = f.suiteToken(t, suiteID, "ssecret")
	pre3 := f.post(t, "/cgi-bin/service/get_pre_auth_code", sq(stok), nil)["pre_auth_code"].(string)
	ok.Set("pre_auth_code", pre3)
	resp, err = hc.Get(f.srv.InstallURL(suiteID, pre3, ok.Get("redirect_uri"), "s2"))
	require.NoError(t, err)
	resp.Body.Close()
	loc, _ = url.Parse(resp.Header.Get("Location"))
	r = f.post(t, "/cgi-bin/service/v2/get_permanent_code", sq(stok), map[string]string{"auth_code": loc.Query().Get("auth_code")})
	require.Equal(t, "wwinstalled000001", r["auth_corp_info"].(map[string]any)["corpid"])
	require.Equal(t, "s2", r["state"])
}

func TestPermanentCode(t *testing.T) {
	f := newSuiteFixture(t)
	ctx := context.Background()
	stok := f.suiteToken(t, suiteID, "ssecret")
	code, err := f.srv.InstallQR(ctx, suiteID, authCorp, "st")
	require.NoError(t, err)
	ev := f.cb.last(t)
	require.Equal(t, "create_auth", ev.InfoType)
	require.Equal(t, code, ev.AuthCode)
	require.Equal(t, "st", ev.State)
	require.Equal(t, suiteID, ev.SuiteID)
	require.Equal(t, int64(1000001), f.srv.SuiteAgentID(suiteID, authCorp))
	require.Empty(t, f.srv.PermanentCode(suiteID, authCorp), "not exchanged yet")

	exchange := func(path, code string) map[string]any {
		return f.post(t, path, sq(stok), map[string]string{"auth_code": code})
	}
	r := exchange("/cgi-bin/service/get_permanent_code", code)
	require.Equal(t, 0, errcode(r))
	perm1 := r["permanent_code"].(string)
	require.Equal(t, perm1, f.srv.PermanentCode(suiteID, authCorp))
	require.Equal(t, []string{r["access_token"].(string)}, f.srv.CorpTokens(suiteID, authCorp))
	require.EqualValues(t, 7200, r["expires_in"])
	require.Equal(t, "st", r["state"])
	require.Equal(t, map[string]any{"corpid": authCorp, "corp_name": "Corp " + authCorp, "corp_type": "verified",
		"corp_full_name": "Corp " + authCorp, "corp_user_max": float64(50)}, r["auth_corp_info"])
	agent := r["auth_info"].(map[string]any)["agent"].([]any)[0].(map[string]any)
	require.EqualValues(t, 1000001, agent["agentid"])
	require.Equal(t, false, agent["is_customized_app"])
	require.Equal(t, map[string]any{"level": float64(1), "allow_party": []any{float64(1)}, "allow_user": []any{}, "allow_tag": []any{}}, agent["privilege"])
	user := r["auth_user_info"].(map[string]any)
	require.Equal(t, "admin", user["userid"])
	require.Equal(t, "管理员", user["name"])
	require.True(t, strings.HasPrefix(user["open_userid"].(string), "oadmin"))

	require.Equal(t, 40078, errcode(exchange("/cgi-bin/service/get_permanent_code", code)), "single use")
	require.Equal(t, 40078, errcode(exchange("/cgi-bin/service/get_permanent_code", "auc_nope")))

	// v2: no auth_info, no access_token; a new code revokes the old one.
	code2 := f.srv.NewAuthCode(suiteID, authCorp, "st2")
	r = exchange("/cgi-bin/service/v2/get_permanent_code", code2)
	require.Equal(t, 0, errcode(r))
	require.NotContains(t, r, "auth_info")
	require.NotContains(t, r, "access_token")
	require.Equal(t, map[string]any{"corpid": authCorp, "corp_name": "Corp " + authCorp}, r["auth_corp_info"])
	require.Equal(t, "st2", r["state"])
	perm2 := r["permanent_code"].(string)
	require.NotEqual(t, perm1, perm2)
	require.Equal(t, int64(1000001), f.srv.SuiteAgentID(suiteID, authCorp), "the same install")

	authInfo := func(path, perm string) map[string]any {
		return f.post(t, path, sq(stok), map[string]string{"auth_corpid": authCorp, "permanent_code": perm})
	}
	for _, path := range []string{"/cgi-bin/service/get_auth_info", "/cgi-bin/service/v2/get_auth_info"} {
		require.Equal(t, 40084, errcode(authInfo(path, perm1)), path)
		r = authInfo(path, perm2)
		require.Equal(t, 0, errcode(r), path)
		require.Equal(t, authCorp, r["auth_corp_info"].(map[string]any)["corpid"])
		require.EqualValues(t, 1000001, r["auth_info"].(map[string]any)["agent"].([]any)[0].(map[string]any)["agentid"])
	}

	// Expiry after 10 minutes; another suite's code.
	code3 := f.srv.NewAuthCode(suiteID, authCorp, "")
	f.clock.Advance(10 * time.Minute)
	require.Equal(t, 40078, errcode(exchange("/cgi-bin/service/get_permanent_code", code3)))
	dkCode := f.srv.NewAuthCode(dkSuiteID, authCorp, "")
	require.Equal(t, 40078, errcode(exchange("/cgi-bin/service/get_permanent_code", dkCode)))
	require.Equal(t, int64(1000002), f.srv.SuiteAgentID(dkSuiteID, authCorp), "the next agentid of the corporation")
}

func TestCorpToken(t *testing.T) {
	f := newSuiteFixture(t)
	f.srv.AddApp(authCorp, wecomtest.App{AgentID: 1000001, Secret: "own"})
	f.srv.AddMember(authCorp, wecomtest.Member{UserID: "zhangsan", Name: "张三"})
	stok := f.suiteToken(t, suiteID, "ssecret")
	ac := f.srv.NewAuthCode(suiteID, authCorp, "")
	require.Equal(t, int64(1000002), f.srv.SuiteAgentID(suiteID, authCorp), "skips the corporation's own app")
	perm := f.post(t, "/cgi-bin/service/v2/get_permanent_code", sq(stok), map[string]string{"auth_code": ac})["permanent_code"].(string)

	corpToken := func(perm string) map[string]any {
		return f.post(t, "/cgi-bin/service/get_corp_token", sq(stok), map[string]string{"auth_corpid": authCorp, "permanent_code": perm})
	}
	require.Equal(t, 40084, errcode(corpToken("pmc_nope")))
	r := corpToken(perm)
	require.NotContains(t, r, "errcode")
	require.EqualValues(t, 7200, r["expires_in"])
	ctok := r["access_token"].(string)
	require.Equal(t, []string{ctok}, f.srv.CorpTokens(suiteID, authCorp))
	require.Equal(t, []string{ctok}, f.srv.Tokens(authCorp, 1000002))

	// An ordinary access token of the corporation.
	at := url.Values{"access_token": {ctok}}
	require.Equal(t, 0, errcode(f.post(t, "/cgi-bin/get_jsapi_ticket", at, nil)))
	u := f.post(t, "/cgi-bin/user/get", url.Values{"access_token": {ctok}, "userid": {"zhangsan"}}, nil)
	// A third-party app gets the userid in place of the name (doc 90196:
	// 使用userid代替name, for every third-party app since 2020-06-30).
	require.Equal(t, "zhangsan", u["name"])

	// Through the client.
	tr, err := wecom.NewTransport(wecom.WithBaseURL(f.srv.URL))
	require.NoError(t, err)
	tok, _, err := tr.GetCorpToken(wecom.StaticToken(stok), authCorp, wecom.Secret(perm))(context.Background())
	require.NoError(t, err)
	require.Len(t, f.srv.CorpTokens(suiteID, authCorp), 2)

	// cancel_auth revokes the permanent code and the corp tokens.
	require.NoError(t, f.srv.PushCancelAuth(context.Background(), suiteID, authCorp))
	ev := f.cb.last(t)
	require.Equal(t, "cancel_auth", ev.InfoType)
	require.Equal(t, authCorp, ev.AuthCorpID)
	require.Empty(t, f.srv.PermanentCode(suiteID, authCorp))
	require.Empty(t, f.srv.CorpTokens(suiteID, authCorp))
	require.Equal(t, 40084, errcode(corpToken(perm)))
	require.Equal(t, 40014, errcode(f.post(t, "/cgi-bin/get_jsapi_ticket", url.Values{"access_token": {tok}}, nil)))
	_, r2, _ := get(t, f.srv, "/cgi-bin/gettoken", url.Values{"corpid": {authCorp}, "corpsecret": {"own"}})
	require.Equal(t, 0, code(r2), "the corporation's own apps are untouched")
}

func TestCustomizedApp(t *testing.T) {
	f := newSuiteFixture(t)
	ctx := context.Background()
	stok := f.suiteToken(t, dkSuiteID, "dksecret")
	ac, err := f.srv.InstallQR(ctx, dkSuiteID, authCorp, "")
	require.NoError(t, err)
	r := f.post(t, "/cgi-bin/service/get_permanent_code", sq(stok), map[string]string{"auth_code": ac})
	require.Equal(t, 0, errcode(r))
	require.NotContains(t, r, "access_token", "no corp token for a 代开发 app")
	require.NotContains(t, r, "expires_in")
	require.Equal(t, true, r["auth_info"].(map[string]any)["agent"].([]any)[0].(map[string]any)["is_customized_app"])
	perm1 := r["permanent_code"].(string)

	// The permanent code is the app's secret.
	_, g, _ := get(t, f.srv, "/cgi-bin/gettoken", url.Values{"corpid": {authCorp}, "corpsecret": {perm1}})
	require.Equal(t, 0, code(g))
	require.Equal(t, []string{g.AccessToken}, f.srv.CorpTokens(dkSuiteID, authCorp))
	_, g, _ = get(t, f.srv, "/cgi-bin/gettoken", url.Values{"corpid": {"ww-other"}, "corpsecret": {perm1}})
	require.Equal(t, 40013, code(g))

	// reset_permanent_code: a new auth code, no corporation in the push.
	reset, err := f.srv.PushResetPermanentCode(ctx, dkSuiteID, authCorp)
	require.NoError(t, err)
	ev := f.dkcb.last(t)
	require.Equal(t, "reset_permanent_code", ev.InfoType)
	require.Equal(t, reset, ev.AuthCode)
	require.Empty(t, ev.AuthCorpID)
	require.NotContains(t, string(ev.Raw), "AuthCorpId")
	r = f.post(t, "/cgi-bin/service/get_permanent_code", sq(stok), map[string]string{"auth_code": reset})
	require.Equal(t, authCorp, r["auth_corp_info"].(map[string]any)["corpid"])
	perm2 := r["permanent_code"].(string)
	require.NotEqual(t, perm1, perm2)
	require.Equal(t, perm2, f.srv.PermanentCode(dkSuiteID, authCorp))
	_, g, _ = get(t, f.srv, "/cgi-bin/gettoken", url.Values{"corpid": {authCorp}, "corpsecret": {perm1}})
	require.Equal(t, 40001, code(g), "the old permanent code is revoked")
	_, g, _ = get(t, f.srv, "/cgi-bin/gettoken", url.Values{"corpid": {authCorp}, "corpsecret": {perm2}})
	require.Equal(t, 0, code(g))
}

func TestSuiteFaults(t *testing.T) {
	f := newSuiteFixture(t)
	ticket, err := f.srv.PushSuiteTicket(context.Background(), suiteID)
	require.NoError(t, err)
	f.srv.FailNext("/cgi-bin/service/get_suite_token", 1, -1)
	body := map[string]string{"suite_id": suiteID, "suite_secret": "ssecret", "suite_ticket": ticket}
	require.Equal(t, -1, errcode(f.post(t, "/cgi-bin/service/get_suite_token", nil, body)))
	require.NotContains(t, f.post(t, "/cgi-bin/service/get_suite_token", nil, body), "errcode")
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/service/get_suite_token"))

	// The client retries a busy answer.
	f.srv.FailNext("/cgi-bin/service/get_suite_token", 1, -1)
	tr, err := wecom.NewTransport(wecom.WithBaseURL(f.srv.URL), wecom.WithBackoff(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	_, _, err = tr.GetSuiteToken(suiteID, wecom.Secret("ssecret"), func(context.Context) (string, error) { return ticket, nil })(context.Background())
	require.NoError(t, err)
	require.Equal(t, 4, f.srv.Calls("/cgi-bin/service/get_suite_token"))
}
