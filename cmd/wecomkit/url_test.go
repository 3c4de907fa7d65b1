package main

import "testing"

func TestURL(t *testing.T) {
	const cb = "https://app.example.com/cb?x=1"
	runCases(t, []cliCase{
		{name: "url-no-sub", args: []string{"url"}, code: exitUsage},
		{name: "url-authorize", args: []string{"url", "authorize", "--appid", "ww86331f9cf933b4b8", "--redirect-uri", cb, "--state", "S1",
			"--agentid", "1000002", "--trusted-domain", "app.example.com"}},
		{name: "url-authorize-privateinfo-json", args: []string{"url", "authorize", "--json", "--appid", "ww1", "--redirect-uri", cb, "--state", "S1",
			"--scope", "privateinfo", "--agentid", "1000002"}},
		{name: "url-authorize-mistakes", args: []string{"url", "authorize", "--appid", "ww1", "--redirect-uri", "https%3A%2F%2Fother.example.com%2Fcb",
			"--state", "not-ok!", "--scope", "privateinfo", "--trusted-domain", "app.example.com"}},
		{name: "url-authorize-third-party", args: []string{"url", "authorize", "--third-party", "--appid", "wwsuite", "--agentid", "5", "--redirect-uri", cb, "--state", "S1"}},
		{name: "url-authorize-bad-scope", args: []string{"url", "authorize", "--appid", "ww1", "--redirect-uri", cb, "--scope", "snsapi_userinfo"}, code: exitUsage},
		{name: "url-authorize-missing", args: []string{"url", "authorize", "--appid", "ww1"}, code: exitUsage},
		{name: "url-authorize-arg", args: []string{"url", "authorize", "--appid", "ww1", "--redirect-uri", cb, "extra"}, code: exitUsage},
		{name: "url-weblogin", args: []string{"url", "weblogin", "--appid", "ww1", "--agentid", "1000002", "--redirect-uri", cb, "--state", "S1", "--lang", "en"}},
		{name: "url-weblogin-serviceapp-agentid", args: []string{"url", "weblogin", "--login-type", "ServiceApp", "--appid", "wwlogin", "--agentid", "3",
			"--redirect-uri", cb, "--state", "S1"}},
		{name: "url-weblogin-no-agentid", args: []string{"url", "weblogin", "--appid", "ww1", "--redirect-uri", cb}},
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
