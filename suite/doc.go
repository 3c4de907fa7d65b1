// Package suite runs a WeCom third-party app's (第三方应用) lifecycle for a
// service provider: one app installed into many corporations.
//
// # The state machine
//
//	suite_ticket pushed every 10 min (valid 30 min) ──► stored durably (newest wins)
//	        │
//	        ▼
//	suite_access_token (get_suite_token, cached) ──► pre_auth_code ──► install URL
//	                                                                      │
//	        auth_code: on the install redirect, or in a create_auth push ◄┘
//	        │  (website installs are not pushed; App Market and QR installs are)
//	        ▼
//	permanent code (get_permanent_code v2 + get_auth_info v2) ──► stored durably
//	        │
//	        ▼
//	Suite.Corp(ctx, corpID): a *wecom.Client whose token is get_corp_token
//	        │                 (代开发 apps: gettoken with the permanent code)
//	        ▼
//	oauth, jssdk, contact, message … work as for a self-built app
//
//	change_auth          → the stored authorization is refreshed (OnAuthChanged)
//	cancel_auth          → the corp's permanent code, tokens, tickets and authorization are deleted (OnAuthCancelled)
//	reset_permanent_code → the new auth code is exchanged; the corp's code is replaced
//	change_contact       → OnContactChange; any other InfoType → OnEvent
//
// # Pushes
//
// [Suite.CommandHandler] serves the command callback URL. WeCom wants every
// push answered with "success" within a second, while an exchange calls
// WeCom twice; so a push is recorded in the store before the answer and
// handled after it by a small pool of workers, retried with backoff. A
// process that stops between the answer and the work finishes it on its next
// start; WeCom's duplicate pushes are one job. An auth code is exchanged
// once even when both the install redirect and a push deliver it: the suite
// remembers (by hash) the codes it exchanged, and WeCom's 40078 for such a
// code counts as done. An older suite_ticket never replaces a newer one.
//
// Receive ids: command pushes are encrypted with the suite id; URL
// verification may use the suite id or the provider's corp id; data pushes
// ([Suite.DataHandler]) use the authorized corporation's corp id.
//
// # Licenses, ids, QR codes, ticket health
//
// Interface licenses are package suite/license (provider token); their
// pushes reach [OnLicensePaid], [OnLicenseRefunded], [OnAutoActivated] and
// [OnUnlicensed] on the job queue. [Provider.OpenCorpID], [Suite.OpenUserIDs]
// and [UserIDs] convert ids; [Suite.AppQRCode] and [Suite.AppQRCodePNG] give
// the install QR code; [Authorization.Source] records how a corporation
// installed. [Suite.TicketHealth] reports a silent suite_ticket.
//
// # Storage
//
// Tickets and permanent codes must survive restarts — losing a permanent
// code loses a customer's installation until they reinstall — so [New]
// requires a durable store (store/boltstore, or store/redisstore for several
// instances, which then share one ticket, one suite token and one token per
// corporation). Nothing secret is ever logged or part of an error.
//
// # Example
//
//	st, _ := boltstore.Open("suite.db")
//	s, err := suite.New(suite.Config{SuiteID: id, SuiteSecret: secret, Token: token, EncodingAESKey: key},
//		suite.WithStore(st),
//		suite.OnAuthorized(func(ctx context.Context, a *suite.Authorization) { log.Println("installed by", a.CorpName) }))
//	http.Handle("/callback/command", s.CommandHandler())
//	…
//	corp, err := s.Corp(ctx, corpID) // a *wecom.Client for that corporation
//	signer := jssdk.New(corp)
package suite
