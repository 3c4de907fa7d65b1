// Package externalcontact is customer contact (客户联系): the customers
// (external contacts) of a corporation's members, their tags, the ways
// customers come in, customer groups, the messages sent to customers,
// transfers between members, the callbacks WeCom pushes about all of it,
// and a Syncer that keeps a copy of who follows whom.
//
//	ec := externalcontact.New(client) // a *wecom.Client of an app configured for customer contact
//	ids, err := ec.Customers(ctx, "zhangsan") // the external userids of one member's customers
//	if err != nil {
//		return err
//	}
//	fmt.Println(ids)
//	// Every customer of several members with what each member noted, 100 a page:
//	for d, err := range ec.CustomersOf(ctx, []string{"zhangsan", "lisi"}) {
//		if err != nil {
//			return err // an *UnlicensedError names members WeCom did not read
//		}
//		fmt.Println(d.FollowUsers[0].UserID, d.Customer.Name, d.FollowUsers[0].Remark)
//	}
//
// Lists that WeCom pages with a cursor are iterators (iter.Seq2): they
// follow the cursor to the end, stop on ctx, and yield at most one error,
// last. Every endpoint is declared once (see [Endpoints]); a call with
// the wrong kind of token fails before any request.
//
// # What it covers
//
//   - Customers: [Client.FollowUsers], [Client.Customers],
//     [Client.Customer], [Client.CustomersOf] (batch/get_by_user, with
//     [UnlicensedError] for members without an interface license),
//     [Client.Remark].
//   - Tags: corp tags ([Client.CorpTags], [Client.AddCorpTags],
//     [Client.EditCorpTag], [Client.DeleteCorpTags]), a member's tags on a
//     customer ([Client.MarkTags]) and rule-group tags
//     ([Client.StrategyTags] and friends).
//   - Ways in: contact ways (「联系我」, [Client.AddContactWay]), customer
//     acquisition links (获客助手, [Client.CreateAcquisitionLink]), the
//     welcome message sent with an add event's welcome code
//     ([Client.SendWelcome]) and group welcome templates.
//   - Customer groups: [Client.GroupChats], [Client.GroupChat], join ways
//     ([Client.AddJoinWay]) and group statistics.
//   - Outreach: mass messages ([Client.AddMassMessage], then the members
//     confirm them) and moments ([Client.AddMoment]), with their tasks and
//     results.
//   - Transfers: customers and groups of members in service or gone
//     ([Client.TransferCustomers], [Client.TransferResignedCustomers],
//     [Client.TransferGroupChats], [Client.UnassignedCustomers]).
//   - Ids: unionid to external userid, new external userids, pending ids,
//     service-provider ids.
//   - Statistics: [Client.UserBehavior], group statistics, acquisition
//     statistics.
//
// # Events
//
// [ParseEvent] types the change_external_contact, change_external_chat,
// change_external_tag and customer_acquisition callbacks, in both the
// self-built form (Event) and the third-party form (InfoType). An
// [EventRouter] is a crypto.Handler that dispatches them by kind and
// change type — [EventRouter.OnAddCustomer] hands over the event's
// WelcomeCode, which [Client.SendWelcome] takes within 20 seconds, once.
// Callbacks it does not know are answered "success" (or go to a
// fallback); an error from a registered function fails the callback, so
// WeCom pushes it again: registered functions are idempotent and quick,
// since WeCom waits about a second.
//
// # The Syncer
//
// A [Syncer] keeps a [Snapshot] of every follow relation (member,
// customer, remark, tags…) in a store.Store and reports what changed:
// a full sync ([Syncer.Sync]) reads everything through a [Source]
// (get_follow_user_list, then batch/get_by_user) and hands the [Diff] to
// a callback; events between syncs ([Syncer.Observe]) mark relations that
// a targeted refresh ([Syncer.Refresh]) reads again. What is not read is
// never reported removed: a failed page fails the sync and keeps the old
// snapshot, and members WeCom leaves out for want of an interface
// license keep their old relations ([Snapshot.Unfetched]). The snapshot
// is stored only after the callback accepted the changes, so a change is
// reported at least once. docs/customer-contact.md has the guarantees as
// a table of the faults the tests inject.
//
// # Credentials
//
// The endpoints (https://developer.work.weixin.qq.com/document/path/92571
// and the pages listed in docs/wecom-api-notes.md) take a corporation's
// access_token of an app configured in 「客户联系 可调用接口的应用」 — since
// 2023-12-01 WeCom no longer takes the customer-contact system app's
// secret — or a third-party or 代开发 app's token with the customer
// contact permissions (suite.Suite.Corp gives such a client).
//
// wecomtest models every endpoint statefully, with the callbacks, for
// tests that run without WeCom.
package externalcontact
