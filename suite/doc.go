// Package suite runs a WeCom third-party app's (第三方应用) lifecycle for a
// service provider: one app installed into many corporations.
//
//	st, _ := boltstore.Open("suite.db") // durable: or redisstore for several instances
//	s, err := suite.New(suite.Config{SuiteID: id, SuiteSecret: secret, Token: token, EncodingAESKey: key},
//		suite.WithStore(st),
//		suite.OnAuthorized(func(ctx context.Context, a *suite.Authorization) { log.Println("installed by", a.CorpName) }))
//	http.Handle("/callback/command", s.CommandHandler()) // 指令回调
//	http.Handle("/callback/data", s.DataHandler(h))      // 数据回调: the corporations' members' events
//	link, err := s.InstallURL(ctx, "https://provider.example.com/install/callback", state)
//	a, err := s.Authorize(ctx, authCode) // on the install redirect
//	corp, err := s.Corp(ctx, corpID) // a *wecom.Client for that corporation
//	signer := jssdk.New(corp)
//
// [New] refuses to run without a durable store unless given
// [WithEphemeralStore] (for tests). The lifecycle drawn, the guarantees
// with their measurements, and interface licenses are in the repository's
// docs/suite.md.
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
//	permanent code (get_permanent_code v2) ──► stored durably at once ──► get_auth_info v2 (retried on its own)
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
// # Pushes and durability
//
// [Suite.CommandHandler] serves the command callback URL. WeCom wants every
// push answered with "success" within a second, while an exchange calls
// WeCom twice; so a push is recorded in the store before the answer — one
// record per push, whatever the backlog — and handled after it by workers
// that retry with backoff. Installs (create_auth, reset_permanent_code)
// have workers of their own, so a backlog never delays an auth code that
// lives 10 minutes. A process that stops between the answer and the work
// finishes it on its next start (or another process sharing the store
// does); WeCom's duplicate pushes are one job.
//
// The rules, each learned from a lost install:
//
//   - the permanent code is stored the moment WeCom returns it (with the
//     whole answer, under the auth code's hash), before get_auth_info or any
//     hook; if the store refuses it, it is kept in memory and written on the
//     next attempt;
//   - an exchange is never repeated after a timeout without first checking
//     whether it took effect: the stored record, then WeCom's 40078 — which,
//     for a code this suite started exchanging and whose answer never came,
//     is reported as a lost install ([Stats].LostInstalls, an ERROR line),
//     never dropped quietly;
//   - a push's outcome is recorded before its lock is released, and the
//     done marker is checked under the lock: across processes sharing a
//     Redis, each push's hook runs once; a process killed between a hook
//     and its recorded outcome runs that hook again after a restart, so
//     hooks must be idempotent (at-least-once under crashes);
//   - a create_auth older than a cancel_auth stored for the corporation is
//     refused; a suite_ticket stamped more than 5 minutes in the future is
//     refused, and one WeCom answers 40085 for is dropped;
//   - a signed push that can never be handled (no InfoType, not XML, a
//     cancel_auth without a corp, a change_auth for a corp that never
//     installed) is answered "success", logged once and counted.
//
// An auth code is exchanged once even when both the install redirect and a
// push deliver it: both are one job, named by the code's hash. The tested
// fault matrix is in docs/suite-durability.md of the repository.
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
// installed. [Suite.TicketHealth] reports a silent suite_ticket: its age,
// and Degraded after 20 minutes without one.
//
// # More
//
// [Suite.Stats] counts unhandleable pushes, refused tickets, lost installs
// (alert on any) and the job queue's retries, drops and late starts;
// [Suite.CheckStore] is a write probe for readiness; [CorpValue] keeps a
// per-corporation value (a jssdk signer, say) exactly as long as the
// corporation's client. Also here: [Suite.PreAuthCode],
// [Suite.SetSessionInfo], [Suite.AuthInfo], [Suite.RefreshAuthInfo],
// [Suite.Corps], [Suite.UserInfo3rd] and [Suite.UserDetail3rd] (the legacy
// capitalised keys accepted), [Suite.AdminList],
// [Suite.CustomizedAuthURL], and [NewProvider] for the provider token and
// [Provider.LoginInfo] (login from the provider's website). Hooks:
// [OnAuthorized], [OnAuthChanged], [OnAuthCancelled], [OnContactChange],
// [OnEvent]. [Suite.Corp] is lock-free when warm (about 4 ns, no
// allocation); [Suite.SuiteToken] fails with [ErrNoSuiteTicket], which says
// how to force a push, until a ticket arrives.
//
// # Storage
//
// Tickets and permanent codes must survive restarts — losing a permanent
// code loses a customer's installation until they reinstall — so [New]
// requires a durable store (store/boltstore, or store/redisstore for several
// instances, which then share one ticket, one suite token and one token per
// corporation). Nothing secret is ever logged or part of an error.
package suite
