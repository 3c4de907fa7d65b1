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
// # Directory, OAuth2 and JS-SDK
//
// Besides gettoken, the server models the endpoints behind logging a
// member in and signing JS-SDK pages: auth/getuserinfo, auth/getuserdetail,
// user/get, get_jsapi_ticket and ticket/get?type=agent_config. Members are
// added with [Server.AddMember]; [Server.NewCode] hands out the single-use,
// five-minute code WeCom would append to an OAuth2 redirect (with a
// user_ticket for [ScopePrivateInfo]), [Server.NewNonMemberCode] one for a
// visitor who is not a member. An [App] created after 2022-06-20 (the zero
// value) gets no mobile, email, biz_mail, avatar or gender from user/get,
// exactly as WeCom behaves since then; set [App.Legacy] for an older app.
// Tickets expire with the tokens and are limited per hour as WeCom limits
// them (400 corp tickets per corporation, 100 per app), so a client that
// fetched one per request would fail in tests.
//
//	srv.AddMember("ww-corp", wecomtest.Member{UserID: "zhangsan", Name: "张三", Mobile: "13800000000"})
//	code := srv.NewCode("ww-corp", 1000002, "zhangsan", wecomtest.ScopePrivateInfo)
//
// Nothing here talks to the real WeCom.
package wecomtest
