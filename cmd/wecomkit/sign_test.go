package main

import "testing"

// The tax cloud's worked example: appid=xxx&ts=241321#pwd.
const workedSign = "b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920"

func TestSign(t *testing.T) {
	pwd := []string{"#pwd", "=pwd"}
	runCases(t, []cliCase{
		{name: "sign-worked", args: []string{"sign", "--secret", "pwd", "appid=xxx", "ts=241321"}, secrets: pwd},
		{name: "sign-worked-env-json", args: []string{"sign", "--json", "appid=xxx", "ts=241321"},
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
		{name: "sign-bad-ts", args: []string{"sign", "--secret", "tax-secret-1", "--ts", "soon", "a=1"}, code: exitUsage, secrets: []string{"tax-secret-1"}},
	})
}

func TestVerify(t *testing.T) {
	sec := []string{"#pwd", "=pwd"}
	workedURL := "https://bridge.example.com/userinfo?appid=xxx&ts=241321&sign=" + workedSign
	// appid=ww1&code=C0DE&ts=1699999990, signed over appid and ts only / over everything.
	runCases(t, []cliCase{
		{name: "verify-worked", args: []string{"verify", "--secret", "pwd", "--now", "241331", workedURL}, secrets: sec},
		{name: "verify-worked-expired", args: []string{"verify", "--secret", "pwd", workedURL}, code: exitFailure, secrets: sec},
		{name: "verify-worked-json", args: []string{"verify", "--json", workedURL, "--now", "241020"}, env: map[string]string{"WECOMKIT_SECRET": "pwd"},
			code: exitFailure, secrets: sec},
		{name: "verify-wrong-secret", args: []string{"verify", "--secret", "not-the-secret", "--now", "241321", workedURL}, code: exitFailure,
			secrets: []string{"not-the-secret"}},
		{name: "verify-pair-with-code", args: []string{"verify", "--secret", "pwd", "--now", "241321",
			"appid=xxx&code=C0DE&ts=241321&sign=" + workedSign}, secrets: sec},
		{name: "verify-pair-strict", args: []string{"verify", "--secret", "pwd", "--now", "241321", "--strict",
			"?appid=xxx&code=C0DE&ts=241321&sign=" + workedSign}, code: exitFailure, secrets: sec},
		{name: "verify-fields", args: []string{"verify", "--secret", "pwd", "--now", "241321", "--fields", "appid,ts",
			"GET /userinfo?appid=xxx&code=C0DE&ts=241321&sign=" + workedSign + " HTTP/1.1"}, secrets: sec},
		{name: "verify-missing-sign", args: []string{"verify", "--secret", "pwd", "https://bridge.example.com/userinfo?appid=xxx"}, code: exitFailure, secrets: sec},
		{name: "verify-double-encoded", args: []string{"verify", "--secret", "pwd", "--now", "241321",
			"https://bridge.example.com/js-sdk?appid=xxx&ts=241321&pageUrl=https%253A%252F%252Fa.example%252F&sign=00"}, code: exitFailure, secrets: sec},
		{name: "verify-malformed", args: []string{"verify", "--secret", "pwd", "a=%zz&sign=1"}, code: exitFailure, secrets: sec},
		{name: "verify-no-query", args: []string{"verify", "--secret", "pwd", "https://bridge.example.com/userinfo"}, code: exitFailure, secrets: sec},
		{name: "verify-no-arg", args: []string{"verify", "--secret", "pwd"}, code: exitUsage, secrets: sec},
		{name: "verify-unquoted", args: []string{"verify", "--secret", "pwd", "a=1", "b=2"}, code: exitUsage, secrets: sec},
		{name: "verify-no-secret", args: []string{"verify", workedURL}, code: exitUsage},
		{name: "verify-strict-fields", args: []string{"verify", "--secret", "pwd", "--strict", "--fields", "a", workedURL}, code: exitUsage, secrets: sec},
	})
}
