// Package license manages a service provider's interface licenses (接口许可,
// "接口调用许可"): since 2022 a member of an authorized corporation must hold
// an activated account before a third-party or 代开发 app's API calls reach
// them (WeCom answers such calls with the member in "unlicenseduser").
//
//	p, err := suite.NewProvider(providerCorpID, providerSecret)
//	lic, err := license.New(p)
//	orderID, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: customer, BuyerUserID: "sales",
//		Accounts: license.AccountCount{Base: 50}, Duration: license.Duration{Months: 12}})
//	// … paid in the admin console; WeCom pushes license_pay_success …
//	var codes []wecom.Secret
//	for acct, err := range lic.OrderAccounts(ctx, orderID, 0) {
//		if err != nil {
//			return err
//		}
//		codes = append(codes, acct.Code) // prints as [redacted]
//	}
//	err = lic.Activate(ctx, customer, codes[0], userID)
//	report, err := lic.Reconcile(ctx, customer, wanted, 30*24*time.Hour) // active, expiring, missing
//
// A [Client] is built from the provider's credential, [suite.Provider]: every
// call here takes the provider_access_token, so a suite or corp token cannot
// be sent by mistake (WeCom would answer 40082, 40014 or 41001). The calls
// (https://developer.work.weixin.qq.com/document/path/97182 and following):
//
//   - orders: [Client.CreateNewOrder]; renewals in two steps,
//     [Client.CreateRenewOrderJob] then [Client.SubmitOrderJob];
//     [Client.Orders], [Client.Order], [Client.OrderAccounts] (the activation
//     codes of a paid order), [Client.CancelOrder];
//   - activation: [Client.Activate], [Client.BatchActivate],
//     [Client.ActivateByType] (WeCom picks the code), [Client.CodeInfo],
//     [Client.BatchCodeInfo], [Client.ActivatedAccounts],
//     [Client.UserActivation];
//   - [Client.Transfer] (账号继承), [Client.AutoActive] and
//     [Client.SetAutoActive], and [Client.AppLicenseInfo];
//   - [Client.Reconcile]: given the members a corporation wants licensed,
//     which are active, which expire soon, which are missing.
//
// Lists are Go 1.23 iterators (iter.Seq2[T, error]) that follow WeCom's
// cursors page by page; stop ranging to stop asking.
//
// # Lifecycle
//
//	CreateNewOrder ──► (the provider pays in the admin console) ──► license_pay_success push
//	      │                                                                   │
//	      └─ CancelOrder while unpaid                     OrderAccounts: activation codes
//	                                                                          │
//	          Activate / BatchActivate (code → member) ◄───────────────────────┘
//	                        │
//	       active until expire_time ──► CreateRenewOrderJob + SubmitOrderJob (renewal)
//	                        │
//	       member leaves ──► Transfer to a successor, or auto-activation (SetAutoActive)
//
// The pushes — license_pay_success, license_refund, auto_activate and the
// data callback's unlicensed_notify — arrive through package suite's
// handlers and reach the hooks suite.OnLicensePaid, suite.OnLicenseRefunded,
// suite.OnAutoActivated and suite.OnUnlicensed, on the suite's durable job
// queue.
//
// # Why a package of its own
//
// Licenses are billing, not installation: a provider's sales tooling uses
// them with only the provider's credential, often in another process than
// the one serving the suite's callbacks. Keeping the twenty-odd calls here
// leaves package suite's surface to the install lifecycle, and building the
// client from a *suite.Provider (the only holder of the provider token)
// makes the token kind part of the type. The push events stay in package
// suite because its handlers receive and queue them.
//
// # Credentials
//
// Activation codes are credentials: whoever holds a code of a corporation
// can bind it to a member. They are [wecom.Secret] values here, which print
// as "[redacted]", and they are removed from errors; reveal them only to
// send them on.
//
// # Which user id
//
// WeCom answers the user ids of a third-party app's corporations in the
// provider's encrypted form (open_userid), which is also the form the app
// sees in OAuth, contacts and messages; pass user ids to these calls in the
// form the app received them. See the repository's docs/wecom-api-notes.md.
package license
