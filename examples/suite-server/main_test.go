package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/examples/internal/settings"
	"github.com/wecomkit/wecomkit/internal/testutil"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

var validEnv = map[string]string{
	"SUITE_ID": testSuiteID, "SUITE_SECRET": testSuiteSecret, "SUITE_TOKEN": testToken, "SUITE_AES_KEY": testAESKey,
	"PUBLIC_URL": "https://suite.example.com",
}

func TestConfigFromEnvironmentAndFlags(t *testing.T) {
	e := map[string]string{"WECOM_BASE_URL": "http://127.0.0.1:1/", "PUBLIC_URL": "https://suite.example.com/", "SUITE_DATA": "/tmp/x.db"}
	for k, v := range validEnv {
		e[k] = v
	}
	cfg, err := loadConfig([]string{"-suite-id", "wwfromflag", "-listen", "127.0.0.1:9999"}, env(e), io.Discard)
	require.NoError(t, err)
	require.Equal(t, "wwfromflag", cfg.SuiteID, "a flag wins over the environment")
	require.Equal(t, testSuiteSecret, cfg.SuiteSecret.Reveal())
	require.Equal(t, "http://127.0.0.1:1", cfg.BaseURL)
	require.Equal(t, "https://open.work.weixin.qq.com", cfg.OpenBaseURL)
	require.Equal(t, "https://suite.example.com", cfg.PublicURL)
	require.Equal(t, "127.0.0.1:9999", cfg.ListenAddr)
	require.Equal(t, "/tmp/x.db", cfg.DataFile)
	require.Empty(t, cfg.ProviderCorpID)

	cfg, err = loadConfig(nil, env(validEnv), io.Discard)
	require.NoError(t, err)
	require.Equal(t, settings.DefaultListen, cfg.ListenAddr)
	require.Equal(t, defaultDataFile, cfg.DataFile)
	require.Equal(t, "https://qyapi.weixin.qq.com", cfg.BaseURL)

	require.Equal(t, defaultLogFlush, cfg.LogFlush)

	cfg, err = loadConfig([]string{"-demo"}, env(nil), io.Discard)
	require.NoError(t, err, "the demo needs no suite settings")
	require.Equal(t, "127.0.0.1:8080", cfg.ListenAddr, "the demo listens on loopback")

	// Log lines unbuffered (a kill -9 loses none), or a bad duration.
	cfg, err = loadConfig([]string{"-demo", "-log-flush", "0"}, env(nil), io.Discard)
	require.NoError(t, err)
	require.Zero(t, cfg.LogFlush)
	_, err = loadConfig([]string{"-demo"}, env(map[string]string{"LOG_FLUSH_INTERVAL": "soon"}), io.Discard)
	require.ErrorContains(t, err, "LOG_FLUSH_INTERVAL (-log-flush)")
}

// Every invalid setting is named, together, with exit status 2 and no
// secret echoed; nothing is created.
func TestInvalidSettingsExit2Together(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	dir := t.TempDir()
	var stderr strings.Builder
	code := start(context.Background(), serve.Process{
		Args: []string{"-suite-secret", "s3cr3t-value"},
		Getenv: env(map[string]string{
			"SUITE_AES_KEY": "tooshort", "PROVIDER_SECRET": "provider-s3cr3t", "WECOM_BASE_URL": "ftp://x",
			"WECOM_OPEN_BASE_URL": "https://open.example.com/?q=1", "PUBLIC_URL": "not a url",
			"REDIS_URL": "", "SUITE_DATA": filepath.Join(dir, "missing", "suite.db"), "LISTEN_ADDR": busy.Addr().String(),
		}),
		Stdout: io.Discard, Stderr: &stderr,
	})
	require.Equal(t, 2, code)
	out := stderr.String()
	for _, want := range []string{
		"missing required settings: SUITE_ID (-suite-id), SUITE_TOKEN (-suite-token)",
		"SUITE_AES_KEY (-suite-aes-key): not an EncodingAESKey",
		"PROVIDER_CORP_ID (-provider-corp-id) and PROVIDER_SECRET (-provider-secret) go together",
		"WECOM_BASE_URL (-wecom-base-url)",
		"WECOM_OPEN_BASE_URL (-wecom-open-base-url)",
		"PUBLIC_URL (-public-url)",
		"SUITE_DATA (-data): directory of",
		"LISTEN_ADDR (-listen): cannot listen on",
		"Run with -h",
	} {
		require.Contains(t, out, want)
	}
	require.NotContains(t, out, "s3cr3t")
	require.NoDirExists(t, filepath.Join(dir, "missing"))

	stderr.Reset()
	code = start(context.Background(), serve.Process{
		Getenv: env(map[string]string{"REDIS_URL": "redis://:pa55word@127.0.0.1:6379/notadb"}), Stdout: io.Discard, Stderr: &stderr,
		Args: []string{"-demo", "-listen", "127.0.0.1:0"},
	})
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "REDIS_URL (-redis-url)")
	require.NotContains(t, stderr.String(), "pa55word")
}

// A bbolt file another process holds is a setting to fix: exit 2.
func TestDataFileInUseIsASettingsError(t *testing.T) {
	e := map[string]string{"SUITE_DATA": filepath.Join(t.TempDir(), "suite.db"), "LISTEN_ADDR": "127.0.0.1:0"}
	for k, v := range validEnv {
		e[k] = v
	}
	st, _, err := openStore(config{DataFile: e["SUITE_DATA"]})
	require.NoError(t, err)
	defer st.(io.Closer).Close()
	var stderr strings.Builder
	require.Equal(t, 2, start(context.Background(), serve.Process{Getenv: env(e), Stdout: io.Discard, Stderr: &stderr}))
	require.Contains(t, stderr.String(), "SUITE_DATA (-data): boltstore: open")
}

func TestHelp(t *testing.T) {
	var stderr strings.Builder
	require.Equal(t, 0, start(context.Background(), serve.Process{Args: []string{"-h"}, Getenv: env(nil), Stdout: io.Discard, Stderr: &stderr}))
	var demo bool
	for _, v := range declare(io.Discard, &demo).Vars() {
		require.Contains(t, stderr.String(), "-"+v.Flag)
		require.Contains(t, stderr.String(), "[$"+v.Env+"]")
	}
	require.Contains(t, stderr.String(), "0 after a graceful stop, 2 for invalid settings (all named together), 1 for a failure at run time")
}

// README's settings table for the server and its flags are one list.
func TestREADMESettingsMatchFlags(t *testing.T) {
	readme, err := os.ReadFile("../../docs/operations.md")
	require.NoError(t, err)
	text := string(readme)
	start := strings.Index(text, "## examples/suite-server\n")
	require.GreaterOrEqual(t, start, 0)
	section := text[start+1:]
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	rows := regexp.MustCompile("(?m)^\\| `-([a-z-]+)` \\| *(?:`([A-Z_]+)`)? *\\| ([^|]+) \\|").FindAllStringSubmatch(section, -1)
	var demo bool
	var table []settings.Var
	for _, r := range rows {
		table = append(table, settings.Var{Flag: r[1], Env: r[2]})
	}
	require.Empty(t, declare(io.Discard, &demo).Differences(table), "README's settings table")
	flat := strings.Join(strings.Fields(section), " ")
	require.Contains(t, flat, "**Exit status**: `0` after a graceful stop")
	require.Contains(t, flat, "`2` for invalid settings, all named together")
	require.Contains(t, section, "sequenceDiagram")
}

// -demo drives an install and prints working commands: the /sign line
// answers 200, the /install link works in a browser-like client, and the
// OAuth and login lines answer who it is.
func TestDemo(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testutil.SyncBuffer
	ready := make(chan string, 1)
	exit := make(chan int, 1)
	go func() {
		exit <- start(ctx, serve.Process{Args: []string{"-demo"}, Getenv: env(map[string]string{"LISTEN_ADDR": "127.0.0.1:0"}),
			Stdout: &stdout, Stderr: &stderr, Ready: ready})
	}()
	var base string
	select {
	case base = <-ready:
	case code := <-exit:
		t.Fatalf("exited with %d: %s", code, stderr.String())
	case <-time.After(deadline):
		t.Fatal("the demo did not start")
	}
	out := stdout.String()
	for _, want := range []string{"suite_ticket", "create_auth", "is authorized", base + "/install\n"} {
		require.Contains(t, out, want)
	}
	curls := regexp.MustCompile(`(?m)^curl '([^']+)'$`).FindAllStringSubmatch(out, -1)
	require.GreaterOrEqual(t, len(curls), 5)
	status, body := get(t, curls[0][1])
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, `"appId":"`+demoQRCorp+`"`)

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	resp, err := (&http.Client{Jar: jar}).Get(base + "/install")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(b))
	require.Contains(t, string(b), demoWebCorp)
	// The printed Token and EncodingAESKey are the ones the server uses:
	// a push crafted with them is accepted.
	token := regexp.MustCompile(`(?m)^#   Token: +(\S+)$`).FindStringSubmatch(out)
	key := regexp.MustCompile(`(?m)^#   EncodingAESKey: +(\S{43})$`).FindStringSubmatch(out)
	require.NotNil(t, token, out)
	require.NotNil(t, key, out)
	require.Contains(t, out, "wecomkit callback encrypt --token "+token[1]+" --aes-key "+key[1]+" --receive-id "+demoQRCorp)
	plain := []byte("<xml><ToUserName><![CDATA[" + demoQRCorp + "]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><AgentID>1</AgentID></xml>")
	status, body = postEncryptedWith(t, base+"/callback/data", token[1], key[1], demoQRCorp, plain)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "success", body)
	for _, c := range curls[1:] {
		status, body := get(t, c[1])
		require.Equal(t, http.StatusOK, status, c[1]+": "+body)
	}
	cancel()
	select {
	case code := <-exit:
		require.Equal(t, 0, code)
	case <-time.After(deadline):
		t.Fatal("the demo did not stop")
	}
	require.Contains(t, stderr.String(), `"msg":"stopped"`)
}

// Without PUBLIC_URL the install redirect would be built from the Host
// header (Host: evil.example → redirect_uri=http://evil.example/…) and the
// install cookie would lack Secure behind TLS: outside -demo it is a
// required setting, reported with the others (exit 2).
func TestPublicURLRequiredOutsideDemo(t *testing.T) {
	e := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "SUITE_DATA": filepath.Join(t.TempDir(), "suite.db")}
	for k, v := range validEnv {
		if k != "PUBLIC_URL" {
			e[k] = v
		}
	}
	var stderr strings.Builder
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // a server that starts stops at once
	require.Equal(t, 2, start(ctx, serve.Process{Getenv: env(e), Stdout: io.Discard, Stderr: &stderr}))
	require.Contains(t, stderr.String(), "suite-server: invalid configuration")
	require.Contains(t, stderr.String(), "missing required settings: PUBLIC_URL (-public-url)")
	require.NoFileExists(t, e["SUITE_DATA"], "nothing is created")

	_, err := loadConfig([]string{"-demo"}, env(nil), io.Discard)
	require.NoError(t, err, "the demo builds it from the request")
}

// A bad base URL is reported as the operator typed it (it holds no
// secret), not as "[redacted]"; only user info, which could hold a
// password, is left out.
func TestBadBaseURLShownAsTyped(t *testing.T) {
	for _, tc := range []struct{ value, want, never string }{
		{"qyapi.weixin.qq.com:443:x", `WECOM_BASE_URL (-wecom-base-url): "qyapi.weixin.qq.com:443:x" is not an http(s) URL`, ""},
		{"http://[::1", `WECOM_BASE_URL (-wecom-base-url): "http://[::1" is not an http(s) URL`, ""},
		{"ftp://x", `WECOM_BASE_URL (-wecom-base-url): "ftp://x" is not an http(s) URL`, ""},
		{"https://qyapi.weixin.qq.com/?debug=1", `WECOM_BASE_URL (-wecom-base-url): "https://qyapi.weixin.qq.com/?debug=1" must not carry a query, fragment or user info`, ""},
		{"https://ops:pa55word@proxy.example.com", `WECOM_BASE_URL (-wecom-base-url): "https://proxy.example.com" must not carry a query, fragment or user info`, "pa55word"},
		{"http://ops:pa55word@[::1", `WECOM_BASE_URL (-wecom-base-url): "http://…@[::1" is not an http(s) URL`, "pa55word"},
	} {
		e := map[string]string{"WECOM_BASE_URL": tc.value}
		for k, v := range validEnv {
			e[k] = v
		}
		_, err := loadConfig(nil, env(e), io.Discard)
		require.Error(t, err, tc.value)
		require.Contains(t, err.Error(), tc.want, tc.value)
		require.NotContains(t, err.Error(), "[redacted]", tc.value)
		if tc.never != "" {
			require.NotContains(t, err.Error(), tc.never)
		}
	}
}
