// Package jssdk signs pages for the WeCom (企业微信) JS-SDK: the parameters
// of wx.config and wx.agentConfig, from jsapi tickets cached the way WeCom
// requires, and the WW_verify file that proves the page's domain is yours.
//
//	client, _ := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithStore(shared))
//	signer := jssdk.New(client) // one per app; share it
//	cfg, err := signer.Config(ctx, pageURL) // JSON → wx.config({beta: true, ...cfg, jsApiList: [...]})
//	if errors.Is(err, jssdk.ErrInvalidURL) {
//		// not an http(s) URL: answer 400
//	}
//
// # Signing
//
// [Sign] is the algorithm of doc 90506: the SHA-1 of
// jsapi_ticket=…&noncestr=…&timestamp=…&url=… with raw values (the
// official vector is a test). A [Signer] adds everything around it:
// [Signer.Config] for wx.config and [Signer.AgentConfig] for
// wx.agentConfig, with 16-character nonces from crypto/rand. A warm
// Config costs about 1 µs and 3 allocations.
//
// The page URL is the page's location.href: the fragment is cut, the
// rest signed exactly as given (percent-escapes and non-ASCII included);
// only http and https URLs are accepted.
//
// # Tickets
//
// The corp ticket (GET /cgi-bin/get_jsapi_ticket, for wx.config) and the
// app ticket (GET /cgi-bin/ticket/get?type=agent_config, for
// wx.agentConfig) are each a wecom cached token source, keyed
// "jsapi_ticket:<corpid>" and "agent_ticket:<corpid>:<agentid>" in the
// client's store: one fetch for any number of concurrent requests, a
// background refresh before expiry, and — with a shared store — one ticket
// for every process. WeCom allows 400 corp tickets per corporation (100
// per app) and 100 app tickets per app each hour; a Signer stays far
// below. If a page reports 40093 or 42012 (a bad signature from a revoked
// ticket), call [Signer.InvalidateTicket] or [Signer.InvalidateAgentTicket]:
// both are rate-limited, since such reports can be forged. Tickets never
// appear in errors or logs. [CheckPageURL] explains what is wrong with a
// page URL (as `wecomkit jssdk` does). The page's side of the JS-SDK is
// shown in the repository's docs/oauth.md.
//
// # Domain verification
//
// [VerifyFileHandler] and [LoadVerifyFile] serve the WW_verify_<code>.txt
// file the admin console asks for when the trusted domain is set.
package jssdk
