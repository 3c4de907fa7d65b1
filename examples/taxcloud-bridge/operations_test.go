package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
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
	"github.com/wecomkit/wecomkit/examples/internal/tokenready"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// logLines decodes every JSON line written so far.
func logLines(t *testing.T, logs string) []map[string]any {
	t.Helper()
	out, err := testutil.JSONLines(logs)
	require.NoError(t, err)
	return out
}

// accessLine returns the access-log line of the request with this id.
func accessLine(t *testing.T, logs, id string) map[string]any {
	t.Helper()
	for _, m := range logLines(t, logs) {
		if m["msg"] == "request" && m["request_id"] == id {
			return m
		}
	}
	t.Fatalf("no access-log line for %s in:\n%s", id, logs)
	return nil
}

// do sends method to the bridge with a request id and returns the answer
// and its body.
func (h *harness) do(t *testing.T, method, target, id string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, h.bridge.URL+target, nil)
	require.NoError(t, err)
	req.Header.Set("X-Request-Id", id)
	resp, err := http.DefaultTransport.RoundTrip(req) // redirects are not followed
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// Item 1: HEAD /userinfo must not spend the member's code.
func TestHeadUserinfoDoesNotSpendTheCode(t *testing.T) {
	h := newHarness(t)
	target := "/userinfo?" + signer.SignQuery(userQuery(h.code("lisi", wecomtest.ScopePrivateInfo)), testSignSecret, time.Now()).Encode()
	resp, _ := h.do(t, http.MethodHead, target, "head-1")
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Equal(t, "GET", resp.Header.Get("Allow"))
	require.Zero(t, h.wecom.Calls("/cgi-bin/auth/getuserinfo"), "HEAD called WeCom")

	resp, body := h.do(t, http.MethodGet, target, "get-1")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, body, `"code":"0000"`, "the code still works after the HEAD")

	line := accessLine(t, h.logs.String(), "head-1")
	require.Equal(t, "HEAD", line["method"])
	require.EqualValues(t, 405, line["status"])
	require.Contains(t, line, "result", "every method's line carries result")

	// HEAD /js-sdk spends nothing and is answered; its line has the result.
	js := "/js-sdk?" + signer.SignQuery(url.Values{"appid": {testCorp}, "pageUrl": {"https://example.com/"}}, testSignSecret, time.Now()).Encode()
	resp, _ = h.do(t, http.MethodHead, js, "head-2")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	line = accessLine(t, h.logs.String(), "head-2")
	require.Equal(t, codeOK, line["result"])
	require.Equal(t, "HEAD", line["method"])
}

// Item 2: the start-up hint names the real cause.
func TestStartupHintNamesTheCause(t *testing.T) {
	dead := "127.0.0.1:" + strconv.Itoa(closedPort(t))
	for name, tc := range map[string]struct {
		extra    map[string]string
		appSec   string
		cause    string
		contains []string
	}{
		"redis unreachable": {extra: map[string]string{"REDIS_URL": "redis://" + dead}, cause: "store",
			contains: []string{"REDIS_URL", "WeCom itself was not asked"}},
		"wecom unreachable": {extra: map[string]string{"WECOM_BASE_URL": "http://" + dead}, cause: "refused",
			contains: []string{"refused"}},
		"wrong secret": {appSec: "the-real-one", cause: "wecom", contains: []string{`"errcode":40001`, "secret"}},
	} {
		t.Run(name, func(t *testing.T) {
			secret := tc.appSec
			if secret == "" {
				secret = testSecret
			}
			srv := wecomtest.NewServer(wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: secret}))
			defer srv.Close()
			b := startRun(t, srv, tc.extra)
			var line map[string]any
			require.Eventually(t, func() bool {
				for _, m := range logLines(t, b.stderr.String()) {
					if strings.HasPrefix(m["msg"].(string), "cannot get an access token at start-up") {
						line = m
						return true
					}
				}
				return false
			}, 10*time.Second, 5*time.Millisecond)
			b.stop()
			require.Equal(t, 0, <-b.done)
			raw, _ := json.Marshal(line)
			require.Equal(t, tc.cause, line["cause"], "%s", raw)
			for _, s := range tc.contains {
				require.Contains(t, string(raw), s)
			}
			if tc.cause != "wecom" {
				require.NotContains(t, line, "errcode", "no errcode when WeCom did not answer")
				require.NotContains(t, string(raw), "60020")
			}
			require.NotContains(t, b.stderr.String(), "redis: redis:")
			require.NotContains(t, b.stderr.String(), testSecret)
		})
	}
}

// closedPort returns a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := ln.Addr().(*net.TCPAddr).Port
	require.NoError(t, ln.Close())
	return port
}

// Item 3: boolean flags take no argument and swallow nothing.
func TestBooleanFlags(t *testing.T) {
	cfg, err := loadConfig([]string{"-sign-disabled", "-demo"}, env(nil), io.Discard)
	require.NoError(t, err)
	require.True(t, cfg.SignDisabled)
	require.True(t, cfg.Demo, "-sign-disabled swallowed -demo")

	base := env(map[string]string{"WECOM_CORP_ID": "ww1", "WECOM_AGENT_ID": "1", "WECOM_SECRET": "s"})
	cfg, err = loadConfig([]string{"-sign-disabled"}, base, io.Discard)
	require.NoError(t, err, "-sign-disabled alone")
	require.True(t, cfg.SignDisabled)
	cfg, err = loadConfig([]string{"-sign-strict", "-sign-secret", "x"}, base, io.Discard)
	require.NoError(t, err)
	require.True(t, cfg.SignStrict)
	cfg, err = loadConfig([]string{"-sign-disabled=false", "-sign-secret", "x"}, env(map[string]string{
		"WECOM_CORP_ID": "ww1", "WECOM_AGENT_ID": "1", "WECOM_SECRET": "s", "TAXCLOUD_SIGN_DISABLED": "true"}), io.Discard)
	require.NoError(t, err)
	require.False(t, cfg.SignDisabled, "the flag wins over the environment")
}

// Item 4: every invalid setting is named together, exit 2.
func TestInvalidSettingsExit2Together(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	var stderr strings.Builder
	code := run(context.Background(), nil, env(map[string]string{
		"WECOM_CORP_ID": "ww1", "WECOM_AGENT_ID": "1", "WECOM_SECRET": "s", "TAXCLOUD_SIGN_SECRET": "p",
		"WECOM_VERIFY_FILE": "/nonexistent/WW_verify_abc123.txt",
		"REDIS_URL":         "foo://user:hunter2@bar",
		"WECOM_BASE_URL":    "https://qyapi.example.com/?x=1",
		"LISTEN_ADDR":       busy.Addr().String(),
	}), io.Discard, &stderr, nil)
	require.Equal(t, 2, code)
	msg := stderr.String()
	for _, s := range []string{"WECOM_VERIFY_FILE", "REDIS_URL", "WECOM_BASE_URL", "LISTEN_ADDR"} {
		require.Contains(t, msg, s)
	}
	require.NotContains(t, msg, "hunter2")
	require.NotContains(t, msg, `"level"`, "a plain message, not a JSON log line")

	// An unreadable verify file alone is a settings error too.
	dir := t.TempDir()
	file := filepath.Join(dir, "WW_verify_abc123.txt")
	require.NoError(t, os.WriteFile(file, []byte("abc123"), 0o000))
	if f, err := os.Open(file); err == nil { // running as root: permissions do not stop us
		f.Close()
		return
	}
	stderr.Reset()
	require.Equal(t, 2, run(context.Background(), []string{"-demo", "-listen", "127.0.0.1:0", "-verify-file", file}, env(nil), io.Discard, &stderr, nil))
	require.Contains(t, stderr.String(), "WECOM_VERIFY_FILE")
}

// Item 6: request fields in the log are capped.
func TestLogFieldsAreCapped(t *testing.T) {
	h := newHarness(t)
	long := "/" + strings.Repeat("x", 15<<10)
	resp, _ := h.do(t, http.MethodGet, long, "long-1")
	require.Equal(t, http.StatusNotFound, resp.StatusCode)
	for _, l := range strings.Split(h.logs.String(), "\n") {
		require.Less(t, len(l), 1024, "a log line of %d bytes", len(l))
	}
	line := accessLine(t, h.logs.String(), "long-1")
	require.Contains(t, line["path"], "more bytes]")

}

// Item 7: the demo listens on loopback unless told otherwise.
func TestDemoListensOnLoopback(t *testing.T) {
	cfg, err := loadConfig([]string{"-demo"}, env(nil), io.Discard)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", cfg.ListenAddr)
	cfg, err = loadConfig([]string{"-demo"}, env(map[string]string{"LISTEN_ADDR": ":9090"}), io.Discard)
	require.NoError(t, err)
	require.Equal(t, ":9090", cfg.ListenAddr, "LISTEN_ADDR wins")
	cfg, err = loadConfig(nil, env(map[string]string{"WECOM_CORP_ID": "ww1", "WECOM_AGENT_ID": "1", "WECOM_SECRET": "s", "TAXCLOUD_SIGN_SECRET": "p"}), io.Discard)
	require.NoError(t, err)
	require.Equal(t, ":8080", cfg.ListenAddr, "production still listens everywhere by default")
}

// Item 8, smaller points.
func TestSmallerPoints(t *testing.T) {
	h := newHarness(t)
	t.Run("a duplicated parameter is named", func(t *testing.T) {
		q := signer.SignQuery(url.Values{"appid": {testCorp}, "pageUrl": {"https://example.com/"}}, testSignSecret, time.Now())
		env := h.raw(t, "/js-sdk", q.Encode()+"&extra=1&extra=2")
		require.Equal(t, codeBadParam, env.Code)
		require.Contains(t, env.Msg, "extra")
	})
	t.Run("pageUrl with a raw space or a control character", func(t *testing.T) {
		for page, want := range map[string]string{
			"https://example.com/a b":       "raw space",
			"https://example.com/a\tb":      "control character",
			"https://example.com/a\x7f":     "control character",
			url.QueryEscape("https://e/ x"): "raw space",
		} {
			env := h.call(t, "/js-sdk", url.Values{"appid": {testCorp}, "pageUrl": {page}})
			require.Equal(t, codeBadParam, env.Code, page)
			require.Contains(t, env.Msg, want, page)
		}
	})
	t.Run("wecom call warnings carry the request id", func(t *testing.T) {
		h.wecom.Inject("/cgi-bin/auth/getuserinfo", 1, wecomtest.Fault{Status: http.StatusBadGateway})
		target := "/userinfo?" + signer.SignQuery(userQuery(h.code("lisi", wecomtest.ScopePrivateInfo)), testSignSecret, time.Now()).Encode()
		h.do(t, http.MethodGet, target, "warn-1")
		found := false
		for _, m := range logLines(t, h.logs.String()) {
			if m["msg"] == "wecom: call" && m["level"] == "WARN" {
				require.Equal(t, "warn-1", m["request_id"], "%v", m)
				found = true
			}
		}
		require.True(t, found, "no wecom: call warning")
	})
	t.Run("redirects are logged", func(t *testing.T) {
		resp, _ := h.do(t, http.MethodGet, "/js-sdk/../healthz", "redirect-1")
		require.True(t, resp.StatusCode >= 300 && resp.StatusCode < 400, "status %d", resp.StatusCode)
		require.EqualValues(t, resp.StatusCode, accessLine(t, h.logs.String(), "redirect-1")["status"])
	})
	t.Run("healthz ends with a newline", func(t *testing.T) {
		_, body := h.do(t, http.MethodGet, "/healthz", "hz")
		require.Equal(t, "{\"status\":\"ok\"}\n", body)
	})
}

// Item 9: which signature form matched is logged and counted; strict mode
// refuses appid+ts alone.
func TestSignatureForms(t *testing.T) {
	appidTS := func(extra url.Values) string {
		q := url.Values{"appid": {testCorp}, "ts": {strconv.FormatInt(time.Now().Unix(), 10)}}
		q.Set("sign", signer.Sign(q, testSignSecret))
		for k, v := range extra {
			q[k] = v
		}
		return q.Encode()
	}
	page := url.Values{"pageUrl": {"https://example.com/"}}
	h := newHarness(t)
	all := "/js-sdk?" + signer.SignQuery(url.Values{"appid": {testCorp}, "pageUrl": {"https://example.com/"}}, testSignSecret, time.Now()).Encode()
	h.do(t, http.MethodGet, all, "form-all")
	h.do(t, http.MethodGet, "/js-sdk?"+appidTS(page), "form-pair")
	bad := strings.Replace(all, "sign=", "sign=0", 1)
	h.do(t, http.MethodGet, bad, "form-bad")
	require.Equal(t, "all", accessLine(t, h.logs.String(), "form-all")["sign_form"])
	require.Equal(t, codeOK, accessLine(t, h.logs.String(), "form-pair")["result"])
	require.Equal(t, "appid+ts", accessLine(t, h.logs.String(), "form-pair")["sign_form"])
	require.Equal(t, "none", accessLine(t, h.logs.String(), "form-bad")["sign_form"])
	_, metricsText := h.do(t, http.MethodGet, "/metrics", "m")
	require.Contains(t, metricsText, `taxcloud_bridge_signature_forms_total{form="all"} 1`)
	require.Contains(t, metricsText, `taxcloud_bridge_signature_forms_total{form="appid+ts"} 1`)
	require.Contains(t, metricsText, `taxcloud_bridge_signature_forms_total{form="none"} 1`)

	strict := newHarness(t, func(c *config, _ *wecomtest.App) { c.SignStrict = true })
	_, body := strict.do(t, http.MethodGet, "/js-sdk?"+appidTS(page), "strict-pair")
	require.Contains(t, body, `"code":"4002"`)
	_, body = strict.do(t, http.MethodGet, all, "strict-all")
	require.Contains(t, body, `"code":"0000"`)

	// The start-up warning, and its absence in strict mode.
	srv := wecomtest.NewServer(wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: testSecret}))
	defer srv.Close()
	for _, strictMode := range []bool{false, true} {
		b := startRun(t, srv, map[string]string{"TAXCLOUD_SIGN_STRICT": strconv.FormatBool(strictMode)})
		b.stop()
		require.Equal(t, 0, <-b.done)
		if strictMode {
			require.NotContains(t, b.stderr.String(), "compatibility mode")
		} else {
			require.Equal(t, 1, strings.Count(b.stderr.String(), "signature compatibility mode"))
			require.Contains(t, b.stderr.String(), "TAXCLOUD_SIGN_STRICT=true")
		}
	}
}

func TestReadyz(t *testing.T) {
	t.Run("not ready until a token was obtained", func(t *testing.T) {
		h := newHarness(t)
		h.wecom.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{ErrCode: 60020, ErrMsg: "not allow to access from your ip, hint: [x], from ip: 203.0.113.7, more info at https://open.work.weixin.qq.com/devtool/query?e=60020"})
		resp, body := h.do(t, http.MethodGet, "/readyz", "r1")
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, body)
		var got map[string]any
		require.NoError(t, json.Unmarshal([]byte(body), &got))
		require.Equal(t, "not ready", got["status"])
		require.Equal(t, "wecom", got["cause"])
		require.EqualValues(t, 60020, got["errcode"])
		require.Contains(t, got["hint"], "203.0.113.7", "the IP WeCom saw, to allow")

		// A failure is not retried at once, however often the probe asks.
		resp, _ = h.do(t, http.MethodGet, "/readyz", "r2")
		require.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
		require.Equal(t, 1, h.wecom.Calls("/cgi-bin/gettoken"))
	})
	t.Run("ready after the first token", func(t *testing.T) {
		h := newHarness(t)
		resp, body := h.do(t, http.MethodGet, "/readyz", "r3")
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "{\"status\":\"ready\"}\n", body)
		h.do(t, http.MethodGet, "/readyz", "r4")
		require.Equal(t, 1, h.wecom.Calls("/cgi-bin/gettoken"), "a warm token costs no call")
	})
	t.Run("retried after a while", func(t *testing.T) {
		now := time.Now()
		srv := wecomtest.NewServer(wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: testSecret}))
		defer srv.Close()
		a, err := newApp(config{CorpID: testCorp, AgentID: testAgent, Secret: testSecret, SignSecret: testSignSecret,
			BaseURL: srv.URL, SignWindow: time.Minute, WeComTimeout: time.Second}, accesslog.NewLogger(io.Discard, nil))
		require.NoError(t, err)
		defer a.Close()
		a.ready = tokenready.New(a.client, accesslog.NewLogger(io.Discard, nil), func() time.Time { return now })
		srv.FailNext("/cgi-bin/gettoken", 1, 40001)
		ok, d := a.ready.Check(context.Background(), time.Second)
		require.False(t, ok)
		require.Equal(t, 40001, d.Code)
		now = now.Add(tokenready.RetryAfter - time.Second)
		ok, _ = a.ready.Check(context.Background(), time.Second)
		require.False(t, ok, "too early to ask again")
		now = now.Add(2 * time.Second)
		ok, _ = a.ready.Check(context.Background(), time.Second)
		require.True(t, ok)
		require.Equal(t, 2, srv.Calls("/cgi-bin/gettoken"))
	})
}

func TestMetrics(t *testing.T) {
	h := newHarness(t)
	js := func() string {
		return "/js-sdk?" + signer.SignQuery(url.Values{"appid": {testCorp}, "pageUrl": {"https://example.com/"}}, testSignSecret, time.Now()).Encode()
	}
	h.do(t, http.MethodGet, js(), "m1") // cold: fetches a token and a ticket
	h.do(t, http.MethodGet, js(), "m2") // warm
	target := "/userinfo?" + signer.SignQuery(userQuery(h.code("lisi", wecomtest.ScopePrivateInfo)), testSignSecret, time.Now()).Encode()
	h.do(t, http.MethodGet, target, "m3")
	h.do(t, http.MethodGet, target, "m4") // the code is spent: 4101
	h.do(t, http.MethodGet, "/nope", "m5")
	resp, text := h.do(t, http.MethodGet, "/metrics", "m6")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.True(t, strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain"))
	for _, want := range []string{
		`taxcloud_bridge_requests_total{code="0000",route="/js-sdk"} 2`,
		`taxcloud_bridge_requests_total{code="0000",route="/userinfo"} 1`,
		`taxcloud_bridge_requests_total{code="4101",route="/userinfo"} 1`,
		`taxcloud_bridge_requests_total{code="404",route="other"} 1`,
		`taxcloud_bridge_request_duration_seconds_count{route="/js-sdk"} 2`,
		`taxcloud_bridge_wecom_calls_total{api="/cgi-bin/auth/getuserinfo",errcode="0"} 1`,
		`taxcloud_bridge_wecom_calls_total{api="/cgi-bin/auth/getuserinfo",errcode="40029"} 1`,
		`taxcloud_bridge_credential_fetches_total{credential="access_token",result="ok"} 1`,
		`taxcloud_bridge_credential_fetches_total{credential="jsapi_ticket",result="ok"} 1`,
		`taxcloud_bridge_credential_cache_total{result="miss"} 1`,
		`taxcloud_bridge_credential_cache_total{result="hit"} 3`,
		`go_goroutines`,
	} {
		require.Contains(t, text, want)
	}
}

// Counting a request costs no allocation.
func TestMetricsObserveRequestDoesNotAllocate(t *testing.T) {
	m := newMetrics()
	r := httptest.NewRequest(http.MethodGet, "/js-sdk", nil)
	r.Pattern = "GET /js-sdk"
	st := &reqState{Data: reqData{result: codeOK, signed: true}}
	st.Status = 200
	allocs := testing.AllocsPerRun(1000, func() {
		m.observeRequest(r, st, time.Millisecond)
		m.cacheDone(m.cacheMark())
	})
	require.Zero(t, allocs)
}
