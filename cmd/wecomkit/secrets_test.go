package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// No output of any command — text or --json, success, failure or usage
// error, secret given as a flag or in the environment — contains a
// secret.
func TestSecretsNeverPrinted(t *testing.T) {
	const (
		signSecret = "S3CRETsign9f8e"
		appSecret  = "APPs3cret7d6c"
		cbToken    = "T0KENcallback77"
		ticket     = "TICKETjsapi5b4a"
		// A valid EncodingAESKey that is not the vector's, and the vector's.
		otherKey = "Zz1Yy2Xx3Ww4Vv5Uu6Tt7Ss8Rr9Qq0Pp1Oo2Nn3Mm4"
	)
	srv := wecomtest.NewServer(wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1, Secret: appSecret}))
	defer srv.Close()
	srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{ErrCode: 60020, ErrMsg: "from ip: 203.0.113.7"})
	srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{Status: 500})

	type variant struct {
		args []string
		env  map[string]string
	}
	secretFlag := func(flag, value string, args ...string) []variant {
		envName := envFor(strings.TrimPrefix(flag, "--"))
		return []variant{
			{args: append(append([]string(nil), args...), flag, value)},
			{args: args, env: map[string]string{envName: value}},
		}
	}
	var runs []variant
	for _, v := range [][]string{
		{"sign", "appid=ww1", "ts=1"}, {"sign"}, {"sign", "bad"},
		{"verify", "appid=ww1&ts=1&sign=00"}, {"verify", "https://x.example/?appid=ww1&ts=1700000000&sign=" + strings.Repeat("a", 64)}, {"verify", "nothing"}, {"verify"},
	} {
		runs = append(runs, secretFlag("--secret", signSecret, v...)...)
	}
	for _, v := range [][]string{
		{"token", "--corp-id", "wwcorp", "--base-url", srv.URL}, // 60020
		{"token", "--corp-id", "wwcorp", "--base-url", srv.URL}, // HTTP 500
		{"token", "--corp-id", "wwcorp", "--base-url", srv.URL}, // ok
		{"token", "--corp-id", "wwother", "--base-url", srv.URL},
		{"token", "--corp-id", "wwcorp", "--base-url", "http://127.0.0.1:1"},
		{"token", "--base-url", "::bad"},
	} {
		runs = append(runs, secretFlag("--secret", appSecret, v...)...)
	}
	for _, v := range [][]string{
		{"jssdk", "--url", "https://a.example/#x"}, {"jssdk", "--url", "nope"}, {"jssdk"},
	} {
		runs = append(runs, secretFlag("--ticket", ticket, v...)...)
	}
	for _, key := range []string{vecKey, otherKey, otherKey[:40]} {
		for _, v := range [][]string{
			{"callback", "verify-url", "--aes-key", key, "--receive-id", vecReceiveID, vecVerifyURL},
			{"callback", "verify-url", "--aes-key", key, vecVerifyURLSpaces},
			{"callback", "decrypt", "--aes-key", key, "--url", vecMsgQuery},
			{"callback", "encrypt", "--aes-key", key, "--nonce", "bad nonce"},
			{"callback", "encrypt", "--aes-key", key},
		} {
			runs = append(runs, secretFlag("--token", cbToken, v...)...)
		}
		runs = append(runs, variant{args: []string{"callback", "decrypt", "--token", cbToken, "--url", vecMsgQuery}, env: map[string]string{"WECOMKIT_AES_KEY": key}})
	}
	secrets := []string{signSecret, appSecret, cbToken, ticket, otherKey, otherKey[:40], vecKey}
	for _, r := range runs {
		for _, asJSON := range []bool{false, true} {
			args := r.args
			if asJSON {
				args = append(append([]string(nil), args...), "--json")
			}
			code, stdout, stderr := runCLI(t, args, r.env, vecBody)
			require.Contains(t, []int{exitOK, exitFailure, exitUsage}, code)
			for _, s := range secrets {
				require.NotContains(t, stdout, s, "args %q env %v", args, r.env)
				require.NotContains(t, stderr, s, "args %q env %v", args, r.env)
			}
		}
	}
}

// A toy secret is not scrubbed out of every word of the error: the
// operator sees the placeholder and WeCom's message as they are (it used
// to print "corpsecret=%5Bred[redacted]cted%5D": di[redacted]l tcp").
func TestToySecretNotScrubbedEverywhere(t *testing.T) {
	code, _, stderr := runCLI(t, []string{"token", "--corp-id", "wwcorp", "--secret", "a", "--base-url", "http://127.0.0.1:1", "--timeout", "2s"}, nil, "")
	require.Equal(t, exitFailure, code)
	require.Contains(t, stderr, `error: wecom: GET /cgi-bin/gettoken: Get "http://127.0.0.1:1/cgi-bin/gettoken?corpid=wwcorp&corpsecret=%5Bredacted%5D": dial tcp 127.0.0.1:1`)
	require.NotContains(t, stderr, "red[redacted]cted")

	const secret = "app-secret-0123456789"
	code, _, stderr = runCLI(t, []string{"token", "--corp-id", "wwcorp", "--secret", secret, "--base-url", "http://127.0.0.1:1", "--timeout", "2s"}, nil, "")
	require.Equal(t, exitFailure, code)
	require.NotContains(t, stderr, secret)
	require.Contains(t, stderr, "corpsecret=%5Bredacted%5D")
}
