package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestURL(t *testing.T) {
	const cb = "https://app.example.com/cb?x=1"
	runCases(t, []cliCase{
		{name: "url-no-sub", args: []string{"url"}, code: exitUsage},
		{name: "url-authorize", args: []string{"url", "authorize", "--appid", "ww86331f9cf933b4b8", "--redirect-uri", cb, "--state", "S1",
			"--agentid", "1000002", "--trusted-domain", "app.example.com"}},
		{name: "url-authorize-privateinfo-json", args: []string{"url", "authorize", "--json", "--appid", "ww1", "--redirect-uri", cb, "--state", "S1",
			"--scope", "privateinfo", "--agentid", "1000002"}},
		{name: "url-authorize-mistakes", args: []string{"url", "authorize", "--appid", "ww1", "--redirect-uri", "https%3A%2F%2Fother.example.com%2Fcb",
			"--state", "not-ok!", "--scope", "privateinfo", "--trusted-domain", "app.example.com"}, code: exitFailure},
		{name: "url-authorize-privateinfo-no-agentid-json", args: []string{"url", "authorize", "--json", "--appid", "ww1", "--redirect-uri", cb, "--state", "S1",
			"--scope", "privateinfo"}, code: exitFailure},
		{name: "url-authorize-state-space", args: []string{"url", "authorize", "--appid", "ww1", "--agentid", "1000002", "--redirect-uri", cb, "--state", "a-b c"}, code: exitFailure},
		{name: "url-authorize-third-party-privateinfo", args: []string{"url", "authorize", "--third-party", "--appid", "wwsuite", "--scope", "privateinfo",
			"--redirect-uri", cb, "--state", "S1"}},
		{name: "url-authorize-third-party", args: []string{"url", "authorize", "--third-party", "--appid", "wwsuite", "--agentid", "5", "--redirect-uri", cb, "--state", "S1"}, code: exitUsage},
		{name: "url-authorize-bad-scope", args: []string{"url", "authorize", "--appid", "ww1", "--redirect-uri", cb, "--scope", "snsapi_userinfo"}, code: exitUsage},
		{name: "url-authorize-missing", args: []string{"url", "authorize", "--appid", "ww1"}, code: exitUsage},
		{name: "url-authorize-arg", args: []string{"url", "authorize", "--appid", "ww1", "--redirect-uri", cb, "extra"}, code: exitUsage},
		{name: "url-weblogin", args: []string{"url", "weblogin", "--appid", "ww1", "--agentid", "1000002", "--redirect-uri", cb, "--state", "S1", "--lang", "en"}},
		{name: "url-weblogin-serviceapp-agentid", args: []string{"url", "weblogin", "--login-type", "ServiceApp", "--appid", "wwlogin", "--agentid", "3",
			"--redirect-uri", cb, "--state", "S1"}, code: exitUsage},
		{name: "url-weblogin-serviceapp", args: []string{"url", "weblogin", "--login-type", "ServiceApp", "--appid", "wwlogin", "--redirect-uri", cb, "--state", "S1"}},
		{name: "url-weblogin-corpapp-lowercase-json", args: []string{"url", "weblogin", "--json", "--login-type", "corpapp", "--appid", "ww1", "--agentid", "1000002",
			"--redirect-uri", cb, "--state", "S1"}, code: exitFailure},
		{name: "url-weblogin-no-agentid", args: []string{"url", "weblogin", "--appid", "ww1", "--redirect-uri", cb}, code: exitFailure},
		{name: "url-install", args: []string{"url", "install", "--suite-id", "wwsuite", "--redirect-uri", cb, "--state", "S1", "--trusted-domain", "app.example.com"},
			env: map[string]string{"WECOMKIT_PRE_AUTH_CODE": "preauth123"}},
		{name: "url-install-missing", args: []string{"url", "install", "--suite-id", "wwsuite", "--redirect-uri", cb}, code: exitUsage},
		{name: "url-check-ok", args: []string{"url", "check", "https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb&response_type=code&scope=snsapi_base&state=S1#wechat_redirect"}},
		{name: "url-check-mistakes", args: []string{"url", "check", "--trusted-domain", "app.example.com",
			"https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%253A%252F%252Fapp.example.com%252Fcb&response_type=code&scope=snsapi_base"}, code: exitFailure},
		{name: "url-check-json", args: []string{"url", "check", "--json", "https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=CorpApp&appid=ww1&redirect_uri=https://app.example.com/cb&state=S1#wechat_redirect"}, code: exitFailure},
		{name: "url-check-unknown", args: []string{"url", "check", "https://example.com/login?x=1"}, code: exitFailure},
		{name: "url-check-none", args: []string{"url", "check"}, code: exitUsage},
	})
}

// A link builder reaches the verdict "url check" reaches on the link it
// printed: exit 1 and "ok": false for a link WeCom refuses (they used to
// exit 0 with "ok": true), exit 0 and "ok": true for a good one.
func TestURLBuildersAgreeWithCheck(t *testing.T) {
	const cb = "https://app.example.com/cb"
	for _, args := range [][]string{
		{"authorize", "--appid", "ww1", "--redirect-uri", cb, "--state", "S1", "--scope", "privateinfo"},
		{"authorize", "--appid", "ww1", "--redirect-uri", cb, "--state", "a-b c", "--agentid", "1000002"},
		{"authorize", "--appid", "ww1", "--redirect-uri", cb, "--state", "S1", "--agentid", "1000002", "--scope", "privateinfo"},
		{"authorize", "--appid", "ww1", "--redirect-uri", cb, "--state", "S1", "--trusted-domain", "other.example.com"},
		{"authorize", "--third-party", "--appid", "wwsuite", "--redirect-uri", cb, "--state", "S1", "--scope", "privateinfo"},
		{"weblogin", "--login-type", "corpapp", "--appid", "ww1", "--agentid", "1000002", "--redirect-uri", cb, "--state", "S1"},
		{"weblogin", "--appid", "ww1", "--agentid", "1000002", "--redirect-uri", cb, "--state", "a-b c"},
		{"weblogin", "--appid", "ww1", "--redirect-uri", cb, "--state", "S1"},
		{"weblogin", "--appid", "ww1", "--agentid", "1000002", "--redirect-uri", cb, "--state", "S1"},
		{"weblogin", "--login-type", "ServiceApp", "--appid", "wwlogin", "--redirect-uri", cb, "--state", "S1"},
		{"install", "--suite-id", "wwsuite", "--pre-auth-code", "p1", "--redirect-uri", cb, "--state", "a b"},
		{"install", "--suite-id", "wwsuite", "--pre-auth-code", "p1", "--redirect-uri", cb, "--state", "S1"},
	} {
		code, stdout, stderr := runCLI(t, append(append([]string{"url"}, args...), "--json"), nil, "")
		var built struct {
			OK       bool   `json:"ok"`
			URL      string `json:"url"`
			Warnings []any  `json:"warnings"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &built), "%v: %s", args, stderr)
		checkArgs := []string{"url", "check", "--json", built.URL}
		if args[0] == "authorize" && args[1] == "--third-party" {
			checkArgs = []string{"url", "check", "--json", "--third-party", built.URL}
		}
		for i, a := range args {
			if a == "--trusted-domain" {
				checkArgs = append(checkArgs, a, args[i+1])
			}
		}
		checkCode, checkOut, _ := runCLI(t, checkArgs, nil, "")
		var checked struct {
			OK bool `json:"ok"`
		}
		require.NoError(t, json.Unmarshal([]byte(checkOut), &checked))
		require.Equal(t, checked.OK, built.OK, "%v", args)
		require.Equal(t, checkCode, code, "%v", args)
		require.Equal(t, len(built.Warnings) == 0, built.OK, "%v", args)
	}
}

// One agentid rule, from WeCom's pages: where the link takes no agentid (a
// third-party app's OAuth2 link, doc 91120; a ServiceApp web login, doc
// 98152), --agentid is a usage error — neither kept in the link nor dropped
// from it without a word.
func TestURLAgentIDWhereNoneBelongs(t *testing.T) {
	for _, args := range [][]string{
		{"url", "authorize", "--third-party", "--appid", "wwsuite", "--agentid", "5", "--redirect-uri", "https://app.example.com/cb", "--state", "S1"},
		{"url", "weblogin", "--login-type", "ServiceApp", "--appid", "wwlogin", "--agentid", "5", "--redirect-uri", "https://app.example.com/cb", "--state", "S1"},
	} {
		code, stdout, stderr := runCLI(t, args, nil, "")
		require.Equal(t, exitUsage, code, "%v", args)
		require.Empty(t, stdout, "no link is printed")
		require.Contains(t, stderr, "--agentid does not belong", "%v", args)
	}
}
