// Package oauth logs WeCom (企业微信) members in: it builds the OAuth2 link
// that opens an app inside the WeCom client and the web (QR code) login
// links, protects the redirect with a signed state, and turns the code
// WeCom sends back into the member's identity.
//
//	client, _ := wecom.New(corpID, secret, wecom.WithAgentID(agentID))
//	link := oauth.AuthorizeURL(corpID, "https://app.example.com/callback", state, oauth.WithPrivateInfo(agentID))
//	// … WeCom redirects to /callback?code=CODE&state=STATE …
//	id, err := oauth.New(client).Identify(ctx, code)
//	var visitor *oauth.NotMemberError
//	switch {
//	case errors.Is(err, oauth.ErrInvalidCode): // expired or reused: send the user through the link again
//	case errors.As(err, &visitor):             // visitor.OpenID identifies a non-member
//	case err != nil:                           // WeCom failed or could not be reached
//	}
//
// # Links
//
// [AuthorizeURL] is the in-client OAuth2 link (doc 91022); [WebLoginURL]
// the current web login page (doc 98152) and [QRConnectURL] the legacy one
// (doc 91019). All three encode the redirect URI exactly once, whatever
// it contains. [StateCodec] makes state values WeCom accepts ([A-Za-z0-9],
// at most 128 bytes) that expire and are bound to the user's browser. The
// links take a corpid or, for a third-party app, a suite id;
// [WebLoginURL] takes [CorpApp] or [ServiceApp] and [WithLang]. [CheckLink]
// says what is wrong with a link built elsewhere (as `wecomkit url check`
// does). The whole flow, drawn, is in the repository's docs/oauth.md.
//
// # Identity under the 2022 rules
//
// Since 2022-06-20, apps created after that date no longer receive mobile,
// email, avatar or gender from user/get; only a member's consent through
// snsapi_privateinfo reveals them, via a user_ticket and getuserdetail
// (doc 90196). [Client.Identify] does the whole dance — getuserinfo,
// getuserdetail when there is a ticket, user/get — and merges the answers:
// non-empty getuserdetail values win, and Email falls back to the
// corporate mailbox (BizMail). A member with neither email nor mobile is
// not an error: you get the [Identity] and decide. If user/get fails after
// getuserdetail gave a mobile or an email, the member is still returned,
// without a name. [Client.UserInfo], [Client.UserDetail] and [Client.User]
// are the three calls on their own.
//
// Codes, user tickets and tokens never appear in errors or logs.
package oauth
