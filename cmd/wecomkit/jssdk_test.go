package main

import "testing"

// The official vector of doc 90506.
const (
	docTicket = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
	docNonce  = "Wm3WZYTPz0wzccnW"
	docTS     = "1414587457"
	docURL    = "http://mp.weixin.qq.com?params=value"
)

func TestJSSDK(t *testing.T) {
	ticket := []string{docTicket}
	runCases(t, []cliCase{
		{name: "jssdk-official", args: []string{"jssdk", "--ticket", docTicket, "--nonce", docNonce, "--timestamp", docTS, "--url", docURL}, secrets: ticket},
		{name: "jssdk-official-env-json", args: []string{"jssdk", "--json", "--nonce", docNonce, "--timestamp", docTS, "--url", docURL},
			env: map[string]string{"WECOMKIT_TICKET": docTicket}, secrets: ticket},
		{name: "jssdk-show-ticket", args: []string{"jssdk", "--ticket", docTicket, "--nonce", docNonce, "--timestamp", docTS, "--url", docURL, "--show-ticket"}},
		{name: "jssdk-fragment-double", args: []string{"jssdk", "--ticket", docTicket, "--url", "https://app.example.com/p?u=https%253A%252F%252Fb#/route"}, secrets: ticket},
		{name: "jssdk-encoded-url", args: []string{"jssdk", "--ticket", docTicket, "--url", "https%3A%2F%2Fapp.example.com%2Fp"}, code: exitFailure, secrets: ticket},
		{name: "jssdk-encoded-url-json", args: []string{"jssdk", "--json", "--ticket", docTicket, "--url", "https%3A%2F%2Fapp.example.com%2Fp"}, code: exitFailure, secrets: ticket},
		{name: "jssdk-no-ticket", args: []string{"jssdk", "--url", docURL}, code: exitUsage},
		{name: "jssdk-no-url", args: []string{"jssdk", "--ticket", docTicket}, code: exitUsage, secrets: ticket},
		{name: "jssdk-bad-timestamp", args: []string{"jssdk", "--ticket", docTicket, "--url", docURL, "--timestamp", "-5"}, code: exitUsage, secrets: ticket},
		{name: "jssdk-arg", args: []string{"jssdk", "--ticket", docTicket, docURL}, code: exitUsage, secrets: ticket},
	})
}
