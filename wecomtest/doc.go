// Package wecomtest runs a fake WeCom server for tests: yours and
// wecomkit's own.
//
// A [Server] is an httptest server on loopback that speaks WeCom's API for
// the endpoints wecomkit uses. It keeps corporations with apps, issues
// tokens that expire on an injectable clock, counts calls per path and
// connections, and injects faults — errcode -1, 45009, revoked tokens,
// HTTP 5xx, latency, malformed JSON, reset connections — so that the
// unhappy paths of an integration can be tested as easily as the happy one.
//
//	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "s3cret"}))
//	defer srv.Close()
//	client, _ := wecom.New("ww-corp", "s3cret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
//
// Nothing here talks to the real WeCom.
package wecomtest
