// Package wecomtest runs a fake WeCom server for tests: yours and
// wecomkit's own.
//
//	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "s3cret"}))
//	defer srv.Close()
//	client, _ := wecom.New("ww-corp", "s3cret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
//	// … exercise your code, then look and break things:
//	n := srv.Calls("/cgi-bin/gettoken")              // how often a path was called
//	srv.FailNext("/cgi-bin/auth/getuserinfo", 2, -1) // WeCom busy twice
//	srv.Inject(wecomtest.AnyPath, 1, wecomtest.Fault{Status: 502, Latency: time.Second})
//	srv.RevokeTokens("ww-corp", 1000002) // tokens revoked early: 40014
//
// A [Server] is an httptest server on loopback that speaks WeCom's API for
// the endpoints wecomkit uses. It keeps corporations with apps, issues
// tokens that expire on an injectable clock, counts calls per path and
// connections, and injects faults — errcode -1, 45009, revoked tokens,
// HTTP 5xx, latency, malformed JSON, reset connections — so that the
// unhappy paths of an integration can be tested as easily as the happy one.
//
// Give the server a [Clock] ([NewClock], [WithClock]) and advance it to
// expire tokens (42001), codes and tickets without waiting.
// [Server.HandleFunc] adds an endpoint the server does not model, with the
// same token checks and faults.
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
// # Login pages
//
// The server also plays the two pages a member signs in on:
// open.weixin.qq.com's OAuth2 page ([AuthorizePath]) and
// login.work.weixin.qq.com's web login page ([WebLoginPath]). Point the
// links at it with oauth.WithAuthorizeBase(srv.URL) and
// oauth.WithWebLoginBase(srv.URL). Each page checks the link the way WeCom
// does (a known corporation and app, scope, login_type, state, an encoded
// redirect_uri, and on the OAuth2 page the #wechat_redirect fragment,
// which its script reads) and shows a member picker; picking a member
// redirects to redirect_uri with ?code=…&state=…, a code from
// [Server.NewCode] that auth/getuserinfo then accepts once. Clients
// without JavaScript post the picker's form or add [PickMemberParam] to
// the link.
//
//	link := oauth.AuthorizeURL("ww-corp", "http://127.0.0.1:8080/oauth/callback", state, oauth.WithAuthorizeBase(srv.URL))
//
// # Third-party apps
//
// The service-provider side is modelled too. A [Suite] (a third-party app,
// or a 代开发 template with [Suite.Customized]) gets its instructions
// pushed to its command URL encrypted and signed exactly as WeCom does, so
// a crypto.NewHandler can take them: [Server.PushSuiteTicket] (or
// [Server.PushDueSuiteTickets] after advancing the clock),
// [Server.InstallQR] (create_auth), [Server.PushCancelAuth], and so on.
// get_suite_token accepts a ticket for 30 minutes; installs come from
// [Server.NewAuthCode], from a QR code or from the install page
// (/3rdapp/install, with a pre_auth_code); get_permanent_code,
// get_auth_info and get_corp_token follow, and a corp token is an ordinary
// access token of the corporation for the suite's agentid
// ([Server.SetInstallExtras] adds a reseller, a promotion register code,
// a paid edition, a sharing corporation or another privilege level to
// their answers; [Suite.ContactEdit] lets the corp token list the
// directory's open_userids with user/list_id). Suite and
// provider tokens are checked as WeCom checks them (40082 for the wrong
// kind, 42009 when expired). OAuth2 for third-party apps
// (getuserinfo3rd, getuserdetail3rd), web login (get_login_info, also for
// an external administrator: [Server.NewExternalAdminLoginCode]),
// agent/get_admin_list and get_customized_auth_url are there as well, and
// interface licenses (orders, activation — by code or by type —, refunds
// granted or refused, their pushes).
//
//	srv := wecomtest.NewServer(wecomtest.WithSuite(wecomtest.Suite{ID: "wwsuite", Secret: "s", Token: "t", EncodingAESKey: key, CommandURL: cb.URL}))
//	ticket, err := srv.PushSuiteTicket(ctx, "wwsuite")
//	authCode, err := srv.InstallQR(ctx, "wwsuite", "ww-customer", "state")
//
// # Declarations
//
// Every endpoint wecomkit declares ([Endpoints]) is checked on each call
// before any handler runs, the way WeCom's gateway would: the token in its
// declared parameter (missing 41001, or 41022 for a suite_access_token;
// another kind 40014 or 40082), the HTTP method (40063), a JSON body
// (47001), each required field (WeCom's 缺少…参数 code, else 40058) and,
// for an upload, the multipart file part (44001). A path the server does
// not model — no built-in route, no [Server.HandleFunc] — is answered
// [NotModelledCode] with HTTP 200, never a silent success; [Server.Model]
// tells which endpoints are modelled, and docs/api-coverage.md lists them.
//
// Nothing here talks to the real WeCom.
package wecomtest
