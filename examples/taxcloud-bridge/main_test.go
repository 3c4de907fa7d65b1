package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestConfigMissingSettings(t *testing.T) {
	var stderr strings.Builder
	code := run(context.Background(), nil, env(nil), io.Discard, &stderr, nil)
	require.Equal(t, 2, code)
	msg := stderr.String()
	for _, name := range []string{"WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "TAXCLOUD_SIGN_SECRET"} {
		require.Contains(t, msg, name)
	}
	require.NotContains(t, msg, "LISTEN_ADDR", "optional settings are not reported missing")
}

func TestConfig(t *testing.T) {
	base := map[string]string{
		"WECOM_CORP_ID": "ww1", "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "s3cret-value", "TAXCLOUD_SIGN_SECRET": "pwd-value",
	}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cfg, err := loadConfig(nil, env(base), io.Discard)
	require.NoError(t, err)
	require.Equal(t, ":8080", cfg.ListenAddr)
	require.Equal(t, wecom.DefaultBaseURL, cfg.BaseURL)
	require.Equal(t, 300*time.Second, cfg.SignWindow)
	require.EqualValues(t, 1000002, cfg.AgentID)
	require.Equal(t, "s3cret-value", cfg.Secret.Reveal())
	require.NotContains(t, fmtAll(cfg), "s3cret-value")
	require.NotContains(t, fmtAll(cfg), "pwd-value")

	cfg, err = loadConfig([]string{"-listen", "127.0.0.1:9999", "-sign-window", "60"}, env(with("LISTEN_ADDR", ":7000", "TAXCLOUD_SIGN_WINDOW", "10m")), io.Discard)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9999", cfg.ListenAddr, "a flag wins over the environment")
	require.Equal(t, time.Minute, cfg.SignWindow)

	cfg, err = loadConfig(nil, env(with("TAXCLOUD_SIGN_SECRET", "", "TAXCLOUD_SIGN_DISABLED", "true")), io.Discard)
	require.NoError(t, err, "no signing secret needed when checks are disabled")
	require.True(t, cfg.SignDisabled)

	for name, m := range map[string]map[string]string{
		"agent id not a number": with("WECOM_AGENT_ID", "abc"),
		"agent id negative":     with("WECOM_AGENT_ID", "-3"),
		"bad window":            with("TAXCLOUD_SIGN_WINDOW", "forever"),
		"bad disabled flag":     with("TAXCLOUD_SIGN_DISABLED", "maybe"),
		"base url not http":     with("WECOM_BASE_URL", "ftp://x"),
		"bad timeout":           with("WECOM_TIMEOUT", "1ns"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := loadConfig(nil, env(m), io.Discard)
			require.ErrorIs(t, err, errUsage)
			require.NotContains(t, err.Error(), "s3cret-value")
		})
	}
	_, err = loadConfig([]string{"stray"}, env(base), io.Discard)
	require.ErrorIs(t, err, errUsage)
	require.Equal(t, 0, run(context.Background(), []string{"-h"}, env(nil), io.Discard, io.Discard, nil))
}

// fmtAll renders v every way a config could end up in a log.
func fmtAll(v any) string {
	b, _ := json.Marshal(v)
	return string(b) + fmt.Sprintf(" %v %+v %#v", v, v, v)
}

var curlLine = regexp.MustCompile(`^curl '([^']+)'$`)

func TestDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &testutil.SyncBuffer{}, &testutil.SyncBuffer{}
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-demo"}, env(map[string]string{"LISTEN_ADDR": "127.0.0.1:0"}), stdout, stderr, ready)
	}()
	var base string
	select {
	case base = <-ready:
	case code := <-done:
		t.Fatalf("demo exited with %d", code)
	case <-time.After(10 * time.Second):
		t.Fatal("demo did not start")
	}
	require.True(t, strings.HasPrefix(base, "http://127.0.0.1:"))

	results := runCurls(t, stdout.String())
	require.Equal(t, []string{codeOK, codeOK, codeNoContact, codeNotMember, codeOK}, results)
	// The printed codes were single use.
	require.Equal(t, []string{codeInvalidCode, codeInvalidCode, codeInvalidCode, codeInvalidCode, codeOK}, runCurls(t, stdout.String()))

	// GET /demo prints fresh, working commands.
	resp, err := http.Get(base + "/demo")
	require.NoError(t, err)
	fresh, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, []string{codeOK, codeOK, codeNoContact, codeNotMember, codeOK}, runCurls(t, string(fresh)))
	require.Contains(t, stdout.String(), "loopback only")

	// POST /demo is refused; the demo route is access-logged.
	resp, err = http.Post(base+"/demo", "text/plain", strings.NewReader("x"))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
	require.Eventually(t, func() bool {
		return strings.Contains(stderr.String(), `"path":"/demo","status":405`) && strings.Contains(stderr.String(), `"path":"/demo","status":200`)
	}, 5*time.Second, 5*time.Millisecond, "the demo route is not in the access log")

	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code)
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not shut down")
	}
}

// runCurls runs every curl line of the demo's output and returns the
// result codes.
func runCurls(t *testing.T, out string) []string {
	t.Helper()
	var codes []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := curlLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil || strings.HasSuffix(m[1], "/demo") {
			continue
		}
		u, err := url.Parse(m[1])
		require.NoError(t, err)
		require.Equal(t, "127.0.0.1", u.Hostname())
		resp, err := http.Get(m[1])
		require.NoError(t, err)
		var e envelopeOut
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
		resp.Body.Close()
		codes = append(codes, e.Code)
	}
	return codes
}

// running is the bridge started through run, as main starts it.
type running struct {
	base   string
	stop   context.CancelFunc
	done   chan int
	stderr *testutil.SyncBuffer
}

// startRun runs the bridge against srv with the test app's settings plus
// extra, and waits until it listens.
func startRun(t *testing.T, srv *wecomtest.Server, extra map[string]string) *running {
	t.Helper()
	settings := map[string]string{
		"WECOM_CORP_ID": testCorp, "WECOM_AGENT_ID": strconv.Itoa(testAgent), "WECOM_SECRET": testSecret,
		"TAXCLOUD_SIGN_SECRET": testSignSecret, "WECOM_BASE_URL": srv.URL, "LISTEN_ADDR": "127.0.0.1:0",
	}
	for k, v := range extra {
		settings[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{stop: cancel, done: make(chan int, 1), stderr: &testutil.SyncBuffer{}}
	ready := make(chan string, 1)
	go func() { r.done <- run(ctx, nil, env(settings), io.Discard, r.stderr, ready) }()
	select {
	case r.base = <-ready:
	case code := <-r.done:
		t.Fatalf("bridge exited with %d: %s", code, r.stderr)
	}
	return r
}

func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: testSecret}))
	defer srv.Close()
	srv.AddMember(testCorp, wecomtest.Member{UserID: "lisi", Name: "李四", Mobile: "13800000002"})
	b := startRun(t, srv, nil)
	// The member lookup takes a while; shut down while it is in flight.
	srv.Inject("/cgi-bin/auth/getuserinfo", 1, wecomtest.Fault{Latency: 300 * time.Millisecond})
	q := signer.SignQuery(url.Values{"appid": {testCorp}, "code": {srv.NewCode(testCorp, testAgent, "lisi", wecomtest.ScopePrivateInfo)}}, testSignSecret, time.Now())
	got := make(chan envelopeOut, 1)
	go func() {
		resp, err := http.Get(b.base + "/userinfo?" + q.Encode())
		if err != nil {
			got <- envelopeOut{Msg: err.Error()}
			return
		}
		defer resp.Body.Close()
		var e envelopeOut
		_ = json.NewDecoder(resp.Body).Decode(&e)
		got <- e
	}()
	require.Eventually(t, func() bool { return srv.Calls("/cgi-bin/auth/getuserinfo") == 1 }, 5*time.Second, time.Millisecond)
	b.stop()
	e := <-got
	require.Equal(t, codeOK, e.Code, e.Msg)
	require.Equal(t, 0, <-b.done)
	require.Contains(t, b.stderr.String(), "shutting down")
	require.NotContains(t, b.stderr.String(), testSecret)
}

func TestStartupWarnsWhenSignatureDisabled(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: testSecret}))
	defer srv.Close()
	b := startRun(t, srv, map[string]string{"TAXCLOUD_SIGN_SECRET": "", "TAXCLOUD_SIGN_DISABLED": "1"})
	b.stop()
	require.Equal(t, 0, <-b.done)
	require.Contains(t, b.stderr.String(), "TAXCLOUD_SIGN_DISABLED is set")
}

func TestStartupReportsWrongSecret(t *testing.T) {
	// A wrong secret does not stop the bridge, but the log says so at once.
	srv := wecomtest.NewServer(wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: "the-real-one"}))
	defer srv.Close()
	b := startRun(t, srv, nil)
	// The log is flushed every 100 ms.
	require.Eventually(t, func() bool {
		return strings.Contains(b.stderr.String(), "cannot get an access token at start-up")
	}, 5*time.Second, 5*time.Millisecond)
	b.stop()
	require.Equal(t, 0, <-b.done)
	require.Contains(t, b.stderr.String(), `"errcode":40001`)
	require.NotContains(t, b.stderr.String(), testSecret)
}

func TestListenFailureIsASettingsError(t *testing.T) {
	var stderr strings.Builder
	code := run(context.Background(), []string{"-demo", "-listen", "256.0.0.1:1"}, env(nil), io.Discard, &stderr, nil)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "LISTEN_ADDR (-listen)")
}
