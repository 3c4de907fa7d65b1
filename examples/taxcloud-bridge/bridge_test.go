package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	testCorp       = "ww-tax-corp"
	testAgent      = 1000007
	testSecret     = "bridge-app-secret-never-logged"
	testSignSecret = "pwd-never-logged"
)

// harness runs the real bridge handler on a loopback listener against a
// wecomtest server.
type harness struct {
	wecom  *wecomtest.Server
	clock  *wecomtest.Clock // WeCom's clock (codes, tokens); the bridge uses the real one
	bridge *httptest.Server
	logs   *testutil.SyncBuffer
	codes  []string // every code handed out, to prove none is logged
}

type harnessOption func(*config, *wecomtest.App)

func newHarness(t *testing.T, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{clock: wecomtest.NewClock(time.Now()), logs: &testutil.SyncBuffer{}}
	cfg := config{
		CorpID:       testCorp,
		AgentID:      testAgent,
		Secret:       testSecret,
		SignSecret:   testSignSecret,
		SignWindow:   300 * time.Second,
		WeComTimeout: 5 * time.Second,
	}
	app := wecomtest.App{AgentID: testAgent, Secret: testSecret}
	for _, o := range opts {
		o(&cfg, &app)
	}
	h.wecom = wecomtest.NewServer(wecomtest.WithClock(h.clock.Now), wecomtest.WithApp(testCorp, app))
	t.Cleanup(h.wecom.Close)
	for _, m := range []wecomtest.Member{
		{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com"},
		{UserID: "lisi", Name: "李四", Mobile: "13800000002"},
		{UserID: "wangwu", Name: "王五"},
		{UserID: "zhaoliu", Name: "赵六", BizMail: "zhaoliu@corp.wecom.work"},
		{UserID: "noname", Mobile: "13800000005"},
	} {
		h.wecom.AddMember(testCorp, m)
	}
	cfg.BaseURL = h.wecom.URL
	logger := accesslog.NewLogger(h.logs, slog.LevelDebug)
	a, err := newApp(cfg, logger, wecom.WithBackoff(time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	h.bridge = httptest.NewServer(a.handler)
	t.Cleanup(h.bridge.Close)
	t.Cleanup(func() { h.assertLogsClean(t) })
	return h
}

// assertLogsClean: whatever the test did, no secret, token, ticket or code
// reached the log.
func (h *harness) assertLogsClean(t *testing.T) {
	logs := h.logs.String()
	secrets := append([]string{testSecret, testSignSecret}, h.codes...)
	secrets = append(secrets, h.wecom.Tokens(testCorp, testAgent)...)
	secrets = append(secrets, h.wecom.JSAPITickets(testCorp)...)
	for _, s := range secrets {
		require.NotContains(t, logs, s)
	}
	require.NotContains(t, logs, "sign=")
	require.NotContains(t, logs, "code=")
}

func (h *harness) code(userID string, scope wecomtest.Scope) string {
	c := h.wecom.NewCode(testCorp, testAgent, userID, scope)
	h.codes = append(h.codes, c)
	return c
}

// call signs q (adding ts and sign) and GETs path on the bridge.
func (h *harness) call(t *testing.T, path string, q url.Values) envelopeOut {
	t.Helper()
	return h.raw(t, path, signer.SignQuery(q, testSignSecret, time.Now()).Encode())
}

type envelopeOut struct {
	Code  string          `json:"code"`
	Msg   string          `json:"msg"`
	Datas json.RawMessage `json:"datas"`
}

func (h *harness) raw(t *testing.T, path, rawQuery string) envelopeOut {
	t.Helper()
	resp, err := http.Get(h.bridge.URL + path + "?" + rawQuery)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "every handled request answers 200")
	require.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	require.NotEmpty(t, resp.Header.Get("X-Request-Id"))
	var env envelopeOut
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&env))
	return env
}

func (e envelopeOut) user(t *testing.T) map[string]string {
	t.Helper()
	require.Equal(t, codeOK, e.Code, e.Msg)
	require.Equal(t, msgOK, e.Msg)
	var m map[string]string
	require.NoError(t, json.Unmarshal(e.Datas, &m))
	return m
}

func userQuery(code string) url.Values { return url.Values{"appid": {testCorp}, "code": {code}} }

func TestUserinfoMembers(t *testing.T) {
	h := newHarness(t)
	for name, tc := range map[string]struct {
		user, scope string
		want        map[string]string
	}{
		"email and mobile (private info)": {"zhangsan", "p", map[string]string{"email": "zhangsan@example.com", "mobile": "13800000001", "name": "张三"}},
		"mobile only":                     {"lisi", "p", map[string]string{"email": "", "mobile": "13800000002", "name": "李四"}},
		"biz_mail stands in for email":    {"zhaoliu", "p", map[string]string{"email": "zhaoliu@corp.wecom.work", "mobile": "", "name": "赵六"}},
		"no name: still 0000":             {"noname", "p", map[string]string{"email": "", "mobile": "13800000005"}},
	} {
		t.Run(name, func(t *testing.T) {
			env := h.call(t, "/userinfo", userQuery(h.code(tc.user, wecomtest.ScopePrivateInfo)))
			require.Equal(t, tc.want, env.user(t))
			if tc.want["name"] == "" {
				require.NotContains(t, string(env.Datas), `"name"`, "an absent name is omitted")
			}
		})
	}
}

func TestUserinfoNameUnavailable(t *testing.T) {
	// user/get refused (60011: outside the app's visibility): getuserdetail
	// already gave the contact data, so the answer is 0000 without name.
	h := newHarness(t)
	h.wecom.FailNext("/cgi-bin/user/get", 1, 60011)
	env := h.call(t, "/userinfo", userQuery(h.code("zhangsan", wecomtest.ScopePrivateInfo)))
	require.Equal(t, map[string]string{"email": "zhangsan@example.com", "mobile": "13800000001"}, env.user(t))
}

func TestUserinfoLegacyApp(t *testing.T) {
	// An app created before 2022-06-20 still gets mobile and email from
	// user/get with a plain snsapi_base code.
	h := newHarness(t, func(_ *config, app *wecomtest.App) { app.Legacy = true })
	env := h.call(t, "/userinfo", userQuery(h.code("zhangsan", wecomtest.ScopeBase)))
	require.Equal(t, map[string]string{"email": "zhangsan@example.com", "mobile": "13800000001", "name": "张三"}, env.user(t))
	require.Zero(t, h.wecom.Calls("/cgi-bin/auth/getuserdetail"))
}

func TestUserinfoNewAppBaseScopeHasNoContact(t *testing.T) {
	// A new app with a snsapi_base code sees neither mobile nor email: 4103.
	h := newHarness(t)
	env := h.call(t, "/userinfo", userQuery(h.code("zhangsan", wecomtest.ScopeBase)))
	require.Equal(t, codeNoContact, env.Code)
}

func TestUserinfoErrors(t *testing.T) {
	h := newHarness(t)
	now := time.Now()
	good := func() url.Values { return userQuery(h.code("zhangsan", wecomtest.ScopePrivateInfo)) }
	signedAt := func(q url.Values, at time.Time) string { return signer.SignQuery(q, testSignSecret, at).Encode() }

	t.Run("bad sign", func(t *testing.T) {
		q := signer.SignQuery(good(), testSignSecret, now)
		q.Set("sign", strings.Repeat("0", 64))
		require.Equal(t, codeBadSignature, h.raw(t, "/userinfo", q.Encode()).Code)
		q = signer.SignQuery(good(), "another-secret", now)
		require.Equal(t, codeBadSignature, h.raw(t, "/userinfo", q.Encode()).Code)
	})
	t.Run("missing sign", func(t *testing.T) {
		q := good()
		q.Set("ts", strconv.FormatInt(now.Unix(), 10))
		require.Equal(t, codeBadSignature, h.raw(t, "/userinfo", q.Encode()).Code)
	})
	t.Run("stale ts", func(t *testing.T) {
		require.Equal(t, codeExpired, h.raw(t, "/userinfo", signedAt(good(), now.Add(-301*time.Second))).Code)
	})
	t.Run("far-future ts", func(t *testing.T) {
		require.Equal(t, codeExpired, h.raw(t, "/userinfo", signedAt(good(), now.Add(10*time.Minute))).Code)
	})
	t.Run("ts in milliseconds", func(t *testing.T) {
		q := good()
		q.Set("ts", strconv.FormatInt(now.UnixMilli(), 10))
		q.Set("sign", signer.Sign(q, testSignSecret))
		require.Equal(t, codeExpired, h.raw(t, "/userinfo", q.Encode()).Code)
	})
	t.Run("ts not a number", func(t *testing.T) {
		q := good()
		q.Set("ts", "yesterday")
		q.Set("sign", signer.Sign(q, testSignSecret))
		require.Equal(t, codeBadParam, h.raw(t, "/userinfo", q.Encode()).Code)
	})
	for _, p := range []string{"appid", "code", "ts"} {
		t.Run("missing "+p, func(t *testing.T) {
			q := signer.SignQuery(good(), testSignSecret, now)
			q.Del(p)
			q.Set("sign", signer.Sign(q, testSignSecret)) // otherwise valid
			env := h.raw(t, "/userinfo", q.Encode())
			require.Equal(t, codeBadParam, env.Code)
			require.Contains(t, env.Msg, p)
			require.Empty(t, env.Datas)
		})
	}
	t.Run("duplicate code", func(t *testing.T) {
		q := signer.SignQuery(good(), testSignSecret, now)
		require.Equal(t, codeBadParam, h.raw(t, "/userinfo", q.Encode()+"&code=other").Code)
	})
	t.Run("oversized code", func(t *testing.T) {
		require.Equal(t, codeBadParam, h.call(t, "/userinfo", userQuery(strings.Repeat("c", 600))).Code)
	})
	t.Run("malformed query", func(t *testing.T) {
		require.Equal(t, codeBadParam, h.raw(t, "/userinfo", "appid=%zz&code=x").Code)
	})
	t.Run("wrong appid", func(t *testing.T) {
		q := good()
		q.Set("appid", "ww-someone-else")
		require.Equal(t, codeWrongAppID, h.call(t, "/userinfo", q).Code)
	})
	t.Run("reused code", func(t *testing.T) {
		q := good()
		require.Equal(t, codeOK, h.call(t, "/userinfo", q).Code)
		require.Equal(t, codeInvalidCode, h.call(t, "/userinfo", q).Code)
	})
	t.Run("expired code", func(t *testing.T) {
		q := good()
		h.clock.Advance(6 * time.Minute)
		require.Equal(t, codeInvalidCode, h.call(t, "/userinfo", q).Code)
	})
	t.Run("unknown code", func(t *testing.T) {
		require.Equal(t, codeInvalidCode, h.call(t, "/userinfo", userQuery("not-a-code")).Code)
	})
	t.Run("non-member", func(t *testing.T) {
		c := h.wecom.NewNonMemberCode(testCorp, "o-visitor")
		h.codes = append(h.codes, c)
		require.Equal(t, codeNotMember, h.call(t, "/userinfo", userQuery(c)).Code)
	})
	t.Run("neither email nor mobile", func(t *testing.T) {
		require.Equal(t, codeNoContact, h.call(t, "/userinfo", userQuery(h.code("wangwu", wecomtest.ScopePrivateInfo))).Code)
	})
}

func TestUserinfoWeComFaults(t *testing.T) {
	t.Run("busy twice then fine", func(t *testing.T) {
		h := newHarness(t)
		h.wecom.FailNext("/cgi-bin/auth/getuserinfo", 2, -1)
		env := h.call(t, "/userinfo", userQuery(h.code("lisi", wecomtest.ScopePrivateInfo)))
		require.Equal(t, codeOK, env.Code)
		require.Equal(t, 3, h.wecom.Calls("/cgi-bin/auth/getuserinfo"))
	})
	t.Run("failing for good", func(t *testing.T) {
		h := newHarness(t)
		h.wecom.Inject("/cgi-bin/auth/getuserinfo", -1, wecomtest.Fault{ErrCode: -1})
		env := h.call(t, "/userinfo", userQuery(h.code("lisi", wecomtest.ScopePrivateInfo)))
		require.Equal(t, codeWeComError, env.Code)
		require.Contains(t, env.Msg, "-1")
	})
	t.Run("rate limited", func(t *testing.T) {
		h := newHarness(t)
		h.wecom.FailNext("/cgi-bin/auth/getuserinfo", 1, 45009)
		env := h.call(t, "/userinfo", userQuery(h.code("lisi", wecomtest.ScopePrivateInfo)))
		require.Equal(t, codeWeComError, env.Code)
		require.Contains(t, env.Msg, "45009")
	})
	t.Run("unreachable", func(t *testing.T) {
		h := newHarness(t)
		h.wecom.Inject(wecomtest.AnyPath, -1, wecomtest.Fault{Status: http.StatusBadGateway})
		env := h.call(t, "/userinfo", userQuery(h.code("lisi", wecomtest.ScopePrivateInfo)))
		require.Equal(t, codeWeComError, env.Code)
	})
	t.Run("token revoked mid-way", func(t *testing.T) {
		h := newHarness(t)
		require.Equal(t, codeOK, h.call(t, "/userinfo", userQuery(h.code("lisi", wecomtest.ScopePrivateInfo))).Code)
		require.Equal(t, 1, h.wecom.Calls("/cgi-bin/gettoken"))
		h.wecom.RevokeTokens(testCorp, testAgent)
		require.Equal(t, codeOK, h.call(t, "/userinfo", userQuery(h.code("zhangsan", wecomtest.ScopePrivateInfo))).Code)
		require.Equal(t, 2, h.wecom.Calls("/cgi-bin/gettoken"), "exactly one extra gettoken")
	})
}

func TestJSSDK(t *testing.T) {
	h := newHarness(t)
	const page = "https://yesfp.yonyoucloud.com/folder/index.html?from=wecom&x=1"
	for name, tc := range map[string]struct {
		sent, signed string
	}{
		"encoded once":         {page, page},
		"encoded twice":        {url.QueryEscape(page), page},
		"encoded twice, lc":    {strings.ToLower(url.QueryEscape(page)[:8]) + url.QueryEscape(page)[8:], page},
		"with a fragment":      {page + "#/invoices/1", page},
		"unicode":              {"https://example.com/发票/夹?名字=张三", "https://example.com/发票/夹?名字=张三"},
		"unicode, twice":       {url.QueryEscape("https://example.com/发票?名=值#x"), "https://example.com/发票?名=值"},
		"percent escapes":      {"https://example.com/a%20b?q=%E4%BD%A0&r=a+b", "https://example.com/a%20b?q=%E4%BD%A0&r=a+b"},
		"plain http":           {"http://10.0.0.1:8080/p", "http://10.0.0.1:8080/p"},
		"uppercase scheme":     {"HTTPS://EXAMPLE.COM/P", "HTTPS://EXAMPLE.COM/P"},
		"twice, escaped space": {url.QueryEscape("https://example.com/a%20b"), "https://example.com/a%20b"},
	} {
		t.Run(name, func(t *testing.T) {
			env := h.call(t, "/js-sdk", url.Values{"appid": {testCorp}, "pageUrl": {tc.sent}})
			require.Equal(t, codeOK, env.Code, env.Msg)
			var d map[string]string
			require.NoError(t, json.Unmarshal(env.Datas, &d))
			require.Equal(t, testCorp, d["appid"])
			ts, err := strconv.ParseInt(d["timestamp"], 10, 64)
			require.NoError(t, err)
			require.InDelta(t, time.Now().Unix(), ts, 5)
			require.GreaterOrEqual(t, len(d["nonceStr"]), 16)
			tickets := h.wecom.JSAPITickets(testCorp)
			require.Len(t, tickets, 1)
			require.Equal(t, jssdk.Sign(tickets[0], d["nonceStr"], ts, tc.signed), d["signature"])
		})
	}
	require.Equal(t, 1, h.wecom.Calls("/cgi-bin/get_jsapi_ticket"), "one ticket for all requests")
	require.Equal(t, 1, h.wecom.Calls("/cgi-bin/gettoken"))

	for _, bad := range []string{"ftp://example.com/x", "javascript:alert(1)", "/relative/path", "example.com/x", "https://"} {
		env := h.call(t, "/js-sdk", url.Values{"appid": {testCorp}, "pageUrl": {bad}})
		require.Equal(t, codeBadParam, env.Code, bad)
	}
	for _, p := range []string{"appid", "pageUrl", "ts"} {
		q := signer.SignQuery(url.Values{"appid": {testCorp}, "pageUrl": {page}}, testSignSecret, time.Now())
		q.Del(p)
		q.Set("sign", signer.Sign(q, testSignSecret))
		require.Equal(t, codeBadParam, h.raw(t, "/js-sdk", q.Encode()).Code, p)
	}
	q := url.Values{"appid": {"ww-other"}, "pageUrl": {page}}
	require.Equal(t, codeWrongAppID, h.call(t, "/js-sdk", q).Code)
}

func TestJSSDKWeComDown(t *testing.T) {
	h := newHarness(t)
	h.wecom.Inject("/cgi-bin/get_jsapi_ticket", -1, wecomtest.Fault{ErrCode: 48002})
	env := h.call(t, "/js-sdk", url.Values{"appid": {testCorp}, "pageUrl": {"https://example.com/"}})
	require.Equal(t, codeWeComError, env.Code)
	require.Contains(t, env.Msg, "48002")
}

func TestSignatureDisabled(t *testing.T) {
	h := newHarness(t, func(c *config, _ *wecomtest.App) { c.SignDisabled = true; c.SignSecret = "" })
	q := userQuery(h.code("lisi", wecomtest.ScopePrivateInfo)).Encode()
	env := h.raw(t, "/userinfo", q)
	require.Equal(t, codeOK, env.Code)
	require.Contains(t, h.logs.String(), "signature check disabled")
	require.Equal(t, codeWrongAppID, h.raw(t, "/userinfo", "appid=x&code=y").Code, "appid is still checked")
}

func TestOtherRoutes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "WW_verify_YpAqDE4xoAPsmGSK.txt")
	require.NoError(t, os.WriteFile(file, []byte("YpAqDE4xoAPsmGSK"), 0o600))
	h := newHarness(t, func(c *config, _ *wecomtest.App) { c.VerifyFile = file })

	resp, err := http.Get(h.bridge.URL + "/WW_verify_YpAqDE4xoAPsmGSK.txt")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "YpAqDE4xoAPsmGSK", string(body))
	require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain"))

	resp, err = http.Get(h.bridge.URL + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	resp, err = http.Get(h.bridge.URL + "/WW_verify_other.txt")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusNotFound, resp.StatusCode)

	resp, err = http.Post(h.bridge.URL+"/userinfo", "application/json", strings.NewReader("{}"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

func TestAccessLog(t *testing.T) {
	h := newHarness(t)
	req, _ := http.NewRequest(http.MethodGet, h.bridge.URL+"/userinfo?"+
		signer.SignQuery(userQuery(h.code("lisi", wecomtest.ScopePrivateInfo)), testSignSecret, time.Now()).Encode(), nil)
	req.Header.Set("X-Request-Id", "req-from-gateway-1")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "req-from-gateway-1", resp.Header.Get("X-Request-Id"))

	var line map[string]any
	for _, l := range strings.Split(strings.TrimSpace(h.logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		if m["msg"] == "request" && m["request_id"] == "req-from-gateway-1" {
			line = m
		}
	}
	require.NotNil(t, line, "no access log line")
	require.Equal(t, "/userinfo", line["path"])
	require.Equal(t, codeOK, line["result"])
	require.EqualValues(t, 200, line["status"])
	require.Contains(t, line, "latency_ms")

	// A hostile request id is replaced.
	req.Header.Set("X-Request-Id", `bad id "}{json`)
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Regexp(t, `^[0-9a-f]{16}$`, resp.Header.Get("X-Request-Id"))
}

func TestPanicBecomes5000(t *testing.T) {
	logs := &testutil.SyncBuffer{}
	h := accessLog(slog.New(slog.NewJSONHandler(logs, nil)), nil, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/userinfo", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	require.JSONEq(t, `{"code":"5000","msg":"内部错误 (internal error)"}`, rec.Body.String())
	require.Contains(t, logs.String(), "panic serving request")
}

func TestDecodePageURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://a.com/x?y=1":             "https://a.com/x?y=1",
		"https%3A%2F%2Fa.com%2Fx%3Fy%3D1": "https://a.com/x?y=1",
		"HTTP%3a%2f%2fa.com":              "HTTP://a.com",
		"https%3A%2F%2Fa.com%2F%E5%8F%91": "https://a.com/发",
		"ftp%3A%2F%2Fa":                   "ftp%3A%2F%2Fa", // not http(s): left alone, rejected later
	} {
		got, err := decodePageURL(in)
		require.NoError(t, err)
		require.Equal(t, want, got, in)
	}
	_, err := decodePageURL("https%3A%zz")
	require.Error(t, err)
}

func TestVerifyFileMustBeAWWVerifyFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "secrets.env")
	require.NoError(t, os.WriteFile(file, []byte("WECOM_SECRET=x"), 0o600))
	_, err := newApp(config{CorpID: testCorp, AgentID: testAgent, Secret: testSecret, SignSecret: testSignSecret,
		BaseURL: "http://127.0.0.1:1", SignWindow: time.Minute, WeComTimeout: time.Second, VerifyFile: file},
		slog.New(slog.NewJSONHandler(io.Discard, nil)))
	require.ErrorContains(t, err, "WECOM_VERIFY_FILE")
}

func TestJSSDKColdTicketBoundedByWeComTimeout(t *testing.T) {
	h := newHarness(t, func(c *config, _ *wecomtest.App) { c.WeComTimeout = 300 * time.Millisecond })
	h.wecom.Inject("/cgi-bin/get_jsapi_ticket", -1, wecomtest.Fault{Latency: 3 * time.Second})
	start := time.Now()
	env := h.call(t, "/js-sdk", url.Values{"appid": {testCorp}, "pageUrl": {"https://example.com/"}})
	require.Equal(t, codeWeComError, env.Code)
	require.Less(t, time.Since(start), 2*time.Second)
}
