package main

import (
	"testing"

	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestToken(t *testing.T) {
	const secret = "app-secret-0123456789"
	sec := []string{secret}
	base := func(extra ...string) []string {
		return append([]string{"token", "--corp-id", "wwcorp", "--base-url", "BASE_URL"}, extra...)
	}
	inject := func(code int, msg string) func(*wecomtest.Server) {
		return func(srv *wecomtest.Server) {
			srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{ErrCode: code, ErrMsg: msg})
		}
	}
	runCases(t, []cliCase{
		{name: "token-ok", args: base("--secret", secret), secrets: sec},
		{name: "token-ok-env-json", args: base("--json"), env: map[string]string{"WECOMKIT_SECRET": secret}, secrets: sec},
		{name: "token-60020", args: base("--secret", secret), secrets: sec,
			setup: inject(60020, "not allow to access from your ip, from ip: 203.0.113.7"), code: exitFailure},
		{name: "token-60020-json", args: base("--secret", secret, "--json"), secrets: sec,
			setup: inject(60020, "not allow to access from your ip, from ip: 203.0.113.7"), code: exitFailure},
		{name: "token-wrong-secret", args: base("--secret", "wrong-secret-987"), secrets: []string{"wrong-secret-987"}, code: exitFailure},
		{name: "token-wrong-corp", args: []string{"token", "--corp-id", "wwnobody", "--secret", secret, "--base-url", "BASE_URL"}, secrets: sec, code: exitFailure},
		{name: "token-41004", args: base("--secret", secret), secrets: sec, setup: inject(41004, ""), code: exitFailure},
		{name: "token-42001", args: base("--secret", secret), secrets: sec, setup: inject(42001, ""), code: exitFailure},
		{name: "token-45009", args: base("--secret", secret), secrets: sec, setup: inject(45009, ""), code: exitFailure},
		{name: "token-unknown-code", args: base("--secret", secret), secrets: sec, setup: inject(99999, "strange"), code: exitFailure},
		{name: "token-http-502", args: base("--secret", secret), secrets: sec,
			setup: func(srv *wecomtest.Server) { srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{Status: 502}) }, code: exitFailure},
		{name: "token-no-secret", args: base(), code: exitUsage},
		{name: "token-no-corp", args: []string{"token", "--secret", secret}, secrets: sec, code: exitUsage},
		{name: "token-bad-base-url", args: []string{"token", "--corp-id", "wwcorp", "--secret", secret, "--base-url", "ftp://x"}, secrets: sec, code: exitUsage},
	})
}

// --show-token prints the token; without it, it never appears.
func TestTokenShowToken(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1, Secret: "s3cret-show"}))
	defer srv.Close()
	args := []string{"token", "--corp-id", "wwcorp", "--secret", "s3cret-show", "--base-url", srv.URL}
	code, stdout, _ := runCLI(t, args, nil, "")
	requireExit(t, exitOK, code)
	tokens := srv.Tokens("wwcorp", 1)
	requireLen(t, tokens, 1)
	requireNotContains(t, stdout, tokens[0])

	code, stdout, _ = runCLI(t, append(args, "--show-token"), nil, "")
	requireExit(t, exitOK, code)
	tokens = srv.Tokens("wwcorp", 1)
	requireLen(t, tokens, 2)
	requireContains(t, stdout, "access_token: "+tokens[1])
	requireNotContains(t, stdout, "s3cret-show")
}
