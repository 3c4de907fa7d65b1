package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Vector set A of the official WXBizMsgCrypt samples (doc 91144).
const (
	vecToken     = "QDG6eK"
	vecKey       = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	vecReceiveID = "wx5823bf96d3bd56c7"

	vecVerifyURL = "https://app.example.com/cb?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp%2B4RPcs8TgAE7OaBO%2BFZXvnaqQ%3D%3D"
	// The same echostr with its '+' decoded to spaces, as a server that
	// decodes twice sees it.
	vecVerifyURLSpaces = "https://app.example.com/cb?msg_signature=5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3&timestamp=1409659589&nonce=263014780&echostr=P9nAzCzyDtyTWESHep1vC5X9xho%2FqYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ%3D%3D"

	vecMsgQuery = "/cb?msg_signature=477715d11cdb4164915debcba66cb864d751f3e6&timestamp=1409659813&nonce=1372623149"
	vecEncrypt  = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
	vecBody     = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[" + vecEncrypt + "]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
	vecPlain    = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>"
)

// wrongKey is a valid EncodingAESKey that is not the vector's.
var wrongKey = "A" + vecKey[1:]

func TestCallback(t *testing.T) {
	dir := t.TempDir()
	capture := filepath.Join(dir, "capture.http")
	require.NoError(t, os.WriteFile(capture, []byte("POST "+vecMsgQuery+" HTTP/1.1\r\nHost: app.example.com\r\nContent-Type: text/xml\r\n\r\n"+vecBody), 0o600))
	cryptoEnv := map[string]string{"WECOMKIT_TOKEN": vecToken, "WECOMKIT_AES_KEY": vecKey}
	sec := []string{vecToken, vecKey}
	flagsA := []string{"--token", vecToken, "--aes-key", vecKey}
	with := func(args ...string) []string { return append(append([]string{"callback"}, args...), flagsA...) }
	runCases(t, []cliCase{
		{name: "callback-no-sub", args: []string{"callback"}, code: exitUsage},
		{name: "callback-verify-url", args: with("verify-url", "--receive-id", vecReceiveID, vecVerifyURL), secrets: sec},
		{name: "callback-verify-url-env-json", args: []string{"callback", "verify-url", "--json", "--receive-id", vecReceiveID, "--url", vecVerifyURL},
			env: cryptoEnv, secrets: sec},
		{name: "callback-verify-url-plus-space", args: with("verify-url", "--receive-id", vecReceiveID, vecVerifyURLSpaces), code: exitFailure, secrets: sec},
		{name: "callback-verify-url-receive-id", args: with("verify-url", "--receive-id", "wwwrong", vecVerifyURL), code: exitFailure, secrets: sec},
		{name: "callback-verify-url-wrong-token", args: []string{"callback", "verify-url", "--token", "not-the-token", "--aes-key", vecKey, vecVerifyURL},
			code: exitFailure, secrets: []string{"not-the-token", vecKey}},
		{name: "callback-verify-url-wrong-key-json", args: []string{"callback", "verify-url", "--json", "--token", vecToken, "--aes-key", wrongKey, "--receive-id", vecReceiveID, vecVerifyURL},
			code: exitFailure, secrets: []string{vecToken, wrongKey}},
		{name: "callback-verify-url-short-key", args: []string{"callback", "verify-url", "--token", vecToken, "--aes-key", vecKey[:42], vecVerifyURL},
			code: exitFailure, secrets: []string{vecToken, vecKey[:42]}},
		{name: "callback-verify-url-no-echostr", args: with("verify-url", "--receive-id", vecReceiveID, vecMsgQuery), code: exitUsage, secrets: sec},
		{name: "callback-verify-url-no-token", args: []string{"callback", "verify-url", vecVerifyURL}, code: exitUsage},
		{name: "callback-decrypt-stdin", args: with("decrypt", "--receive-id", vecReceiveID, "--url", vecMsgQuery), stdin: vecBody, secrets: sec},
		{name: "callback-decrypt-json-envelope", args: with("decrypt", "--json", "--receive-id", vecReceiveID, "--url", vecMsgQuery, "-"),
			stdin: `{"tousername":"wx5823bf96d3bd56c7","encrypt":"` + vecEncrypt + `","agentid":218}`, secrets: sec},
		{name: "callback-decrypt-flags", args: with("decrypt", "--receive-id", vecReceiveID, "--msg-signature", "477715d11cdb4164915debcba66cb864d751f3e6",
			"--timestamp", "1409659813", "--nonce", "1372623149"), stdin: vecBody, secrets: sec},
		{name: "callback-decrypt-bad-signature", args: with("decrypt", "--receive-id", vecReceiveID, "--url", vecMsgQuery, "--nonce", "1"), stdin: vecBody, code: exitFailure, secrets: sec},
		{name: "callback-decrypt-empty", args: with("decrypt", "--url", vecMsgQuery), code: exitFailure, secrets: sec},
		{name: "callback-decrypt-form", args: with("decrypt", "--url", vecMsgQuery), stdin: "Encrypt=abc", code: exitFailure, secrets: sec},
		{name: "callback-decrypt-missing-params", args: with("decrypt"), stdin: vecBody, code: exitUsage, secrets: sec},
		{name: "callback-decrypt-missing-file", args: with("decrypt", "--url", vecMsgQuery, filepath.Join("testdata", "no-such-file.xml")), code: exitFailure, secrets: sec},
		{name: "callback-encrypt", args: with("encrypt", "--receive-id", vecReceiveID, "--timestamp", "1409659813", "--nonce", "1372623149", "--random", "0960688932c47ef1"),
			stdin: vecPlain, secrets: sec},
		{name: "callback-encrypt-json", args: with("encrypt", "--json", "--format", "json", "--receive-id", vecReceiveID), stdin: "hello", secrets: sec},
		{name: "callback-encrypt-bad-nonce", args: with("encrypt", "--nonce", "a b"), stdin: "hello", code: exitFailure, secrets: sec},
		{name: "callback-encrypt-bad-format", args: with("encrypt", "--format", "yaml"), stdin: "hello", code: exitUsage, secrets: sec},
		{name: "callback-encrypt-bad-random", args: with("encrypt", "--random", "short"), stdin: "hello", code: exitUsage, secrets: sec},
	})

	// A whole captured request: its request line gives the parameters.
	code, stdout, stderr := runCLI(t, with("decrypt", "--receive-id", vecReceiveID, capture), nil, "")
	require.Equal(t, exitOK, code, stderr)
	require.Contains(t, stdout, vecPlain)
	require.NotContains(t, stdout+stderr, vecKey)
}

// encrypt's envelope and query decrypt again: the tool agrees with itself
// and with the official vector (the golden file holds the official
// envelope for vector A's random bytes).
func TestCallbackRoundTrip(t *testing.T) {
	for _, format := range []string{"xml", "json"} {
		code, envelope, stderr := runCLI(t, []string{"callback", "encrypt", "--format", format, "--token", vecToken, "--aes-key", vecKey, "--receive-id", "wwcorp"}, nil, "<xml>hi</xml>")
		require.Equal(t, exitOK, code, stderr)
		query := strings.TrimSpace(strings.TrimPrefix(stderr, "query: "))
		code, stdout, stderr := runCLI(t, []string{"callback", "decrypt", "--token", vecToken, "--aes-key", vecKey, "--receive-id", "wwcorp", "--url", "?" + query}, nil, envelope)
		require.Equal(t, exitOK, code, stderr)
		require.Contains(t, stdout, "plaintext:\n<xml>hi</xml>\n")
	}
}
