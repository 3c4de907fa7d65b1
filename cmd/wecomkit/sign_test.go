package main

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/signer"
)

// The tax cloud's worked example: appid=xxx&ts=241321#pwd.
const exampleSign = "b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920"

func TestSign(t *testing.T) {
	pwd := []string{"#pwd", "=pwd"}
	runCases(t, []cliCase{
		{name: "sign-example", args: []string{"sign", "--secret", "pwd", "appid=xxx", "ts=241321"}, secrets: pwd},
		{name: "sign-example-env-json", args: []string{"sign", "--json", "appid=xxx", "ts=241321"},
			env: map[string]string{"WECOMKIT_SECRET": "pwd"}, secrets: pwd},
		{name: "sign-ts-flag", args: []string{"sign", "appid=xxx", "--ts", "241321", "--secret", "pwd"}, secrets: pwd},
		{name: "sign-now", args: []string{"sign", "--secret", "tax-secret-1", "appid=ww1", "code=c 1/+é", "empty="},
			secrets: []string{"tax-secret-1"}},
		{name: "sign-no-secret", args: []string{"sign", "appid=xxx"}, code: exitUsage},
		{name: "sign-no-params", args: []string{"sign", "--secret", "tax-secret-1"}, code: exitUsage, secrets: []string{"tax-secret-1"}},
		{name: "sign-bad-pair", args: []string{"sign", "--secret", "tax-secret-1", "appid"}, code: exitUsage, secrets: []string{"tax-secret-1"}},
		{name: "sign-twice", args: []string{"sign", "--secret", "tax-secret-1", "a=1", "a=2"}, code: exitUsage, secrets: []string{"tax-secret-1"}},
		{name: "sign-sign", args: []string{"sign", "--secret", "tax-secret-1", "sign=1"}, code: exitUsage, secrets: []string{"tax-secret-1"}},
		{name: "sign-ts-both", args: []string{"sign", "--secret", "tax-secret-1", "--ts", "1", "ts=2"}, code: exitUsage, secrets: []string{"tax-secret-1"}},
		{name: "sign-ts-not-a-number", args: []string{"sign", "--secret", "tax-secret-1", "appid=ww1", "ts=abc"}, secrets: []string{"tax-secret-1"}},
		{name: "sign-ts-not-a-number-strict", args: []string{"sign", "--secret", "tax-secret-1", "--strict", "appid=ww1", "ts=abc"},
			code: exitFailure, secrets: []string{"tax-secret-1"}},
		{name: "sign-ts-not-a-number-strict-json", args: []string{"sign", "--secret", "tax-secret-1", "--strict", "--json", "appid=ww1", "ts=1.5"},
			code: exitFailure, secrets: []string{"tax-secret-1"}},
		{name: "sign-ts-empty", args: []string{"sign", "--secret", "tax-secret-1", "appid=ww1", "ts="}, secrets: []string{"tax-secret-1"}},
		{name: "sign-ts-huge", args: []string{"sign", "--secret", "tax-secret-1", "--json", "appid=ww1", "ts=99999999999999999999"}, secrets: []string{"tax-secret-1"}},
		{name: "sign-ts-ok-strict", args: []string{"sign", "--secret", "pwd", "--strict", "appid=xxx", "ts=241321"}, secrets: pwd},
		{name: "sign-bad-ts", args: []string{"sign", "--secret", "tax-secret-1", "--ts", "soon", "a=1"}, code: exitUsage, secrets: []string{"tax-secret-1"}},
	})
}

func TestVerify(t *testing.T) {
	sec := []string{"#pwd", "=pwd"}
	exampleURL := "https://bridge.example.com/userinfo?appid=xxx&ts=241321&sign=" + exampleSign
	// appid=ww1&code=C0DE&ts=1699999990, signed over appid and ts only / over everything.
	runCases(t, []cliCase{
		{name: "verify-example", args: []string{"verify", "--secret", "pwd", "--now", "241331", exampleURL}, secrets: sec},
		{name: "verify-example-expired", args: []string{"verify", "--secret", "pwd", exampleURL}, code: exitFailure, secrets: sec},
		{name: "verify-example-json", args: []string{"verify", "--json", exampleURL, "--now", "241020"}, env: map[string]string{"WECOMKIT_SECRET": "pwd"},
			code: exitFailure, secrets: sec},
		{name: "verify-wrong-secret", args: []string{"verify", "--secret", "not-the-secret", "--now", "241321", exampleURL}, code: exitFailure,
			secrets: []string{"not-the-secret"}},
		{name: "verify-pair-with-code", args: []string{"verify", "--secret", "pwd", "--now", "241321",
			"appid=xxx&code=C0DE&ts=241321&sign=" + exampleSign}, secrets: sec},
		{name: "verify-pair-strict", args: []string{"verify", "--secret", "pwd", "--now", "241321", "--strict",
			"?appid=xxx&code=C0DE&ts=241321&sign=" + exampleSign}, code: exitFailure, secrets: sec},
		{name: "verify-fields", args: []string{"verify", "--secret", "pwd", "--now", "241321", "--fields", "appid,ts",
			"GET /userinfo?appid=xxx&code=C0DE&ts=241321&sign=" + exampleSign + " HTTP/1.1"}, secrets: sec},
		{name: "verify-missing-sign", args: []string{"verify", "--secret", "pwd", "https://bridge.example.com/userinfo?appid=xxx"}, code: exitFailure, secrets: sec},
		{name: "verify-double-encoded", args: []string{"verify", "--secret", "pwd", "--now", "241321",
			"https://bridge.example.com/js-sdk?appid=xxx&ts=241321&pageUrl=https%253A%252F%252Fa.example%252F&sign=00"}, code: exitFailure, secrets: sec},
		{name: "verify-malformed", args: []string{"verify", "--secret", "pwd", "a=%zz&sign=1"}, code: exitFailure, secrets: sec},
		{name: "verify-no-query", args: []string{"verify", "--secret", "pwd", "https://bridge.example.com/userinfo"}, code: exitFailure, secrets: sec},
		{name: "verify-no-arg", args: []string{"verify", "--secret", "pwd"}, code: exitUsage, secrets: sec},
		{name: "verify-unquoted", args: []string{"verify", "--secret", "pwd", "a=1", "b=2"}, code: exitUsage, secrets: sec},
		{name: "verify-no-secret", args: []string{"verify", exampleURL}, code: exitUsage},
		{name: "verify-strict-fields", args: []string{"verify", "--secret", "pwd", "--strict", "--fields", "a", exampleURL}, code: exitUsage, secrets: sec},
	})
}

// sign warns about exactly the ts values signer.Verifier rejects whatever
// the signature: the verifier, with a window no integer ts of this test
// falls outside, rejects the signed request iff sign warned.
func TestSignWarnsAsTheVerifierRejects(t *testing.T) {
	// A window of a century: only ts values no clock accepts are rejected.
	v, err := signer.NewVerifier("pwd", signer.WithClock(func() time.Time { return time.Unix(241321, 0) }), signer.WithWindow(100*365*24*time.Hour))
	require.NoError(t, err)
	for _, ts := range []string{"abc", "", "1.5", "0x10", " 5", "+241321", "-1", "241321", "99999999999999999999", "１２"} {
		code, stdout, stderr := runCLI(t, []string{"sign", "--secret", "pwd", "--json", "appid=xxx", "ts=" + ts}, nil, "")
		require.Equal(t, exitOK, code, "ts=%q: %s", ts, stderr)
		var out struct {
			Query    string
			Warnings []string
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &out))
		q, err := url.ParseQuery(out.Query)
		require.NoError(t, err)
		verr := v.Verify(q)
		require.Equal(t, verr != nil, len(out.Warnings) > 0, "ts=%q: verifier %v, warnings %q", ts, verr, out.Warnings)
	}
}
