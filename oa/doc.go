// Package oa is approvals (审批) and leave (假期) of WeCom's approval app:
// templates, applying on a member's behalf, listing and reading
// applications with their forms decoded into typed controls, the
// sys_approval_change callback, and leave types and balances.
//
//	o := oa.New(client)
//	spNo, err := o.Apply(ctx, oa.Application{
//		CreatorUserID: "zhangsan", TemplateID: templateID,
//		Process: oa.Process{Nodes: []oa.Node{
//			{Type: oa.NodeApprover, Rel: oa.RelAny, UserIDs: []string{"lisi"}},
//			{Type: oa.NodeCC, UserIDs: []string{"hr"}},
//		}},
//		Controls:  []oa.Control{{Kind: oa.KindText, ID: "Text-01", Text: "客户拜访"}},
//		Summary:   []string{"事由: 客户拜访"},
//	})
//	for no, err := range o.ApprovalNumbers(ctx, oa.ApprovalQuery{Start: monthAgo, End: now}) {
//		a, err := o.Approval(ctx, no)
//		fmt.Println(a.Status, oa.Find(a.Data.Contents, "Text-01").Text)
//	}
//
// A form is a list of [Control]s: each kind's value lands in its own typed
// field (Text, Money, Date, Selector, Members, Rows of a table, Vacation
// …); a kind WeCom added after this package keeps its value raw in
// [Control.Raw] and never fails the decoding. [Client.ApprovalNumbers]
// follows WeCom's new_next_cursor and splits periods longer than WeCom's
// 31 days into windows. [ParseApprovalEvent] types the callback a
// [crypto.Handler] receives when an application changes.
//
// The calls take a corporation's access_token of a self-built app put in
// 「审批 - 可调用接口的应用」 or of an app with the 审批 permission (docs
// https://developer.work.weixin.qq.com/document/path/91982, 91853, 91816,
// 91983, 97437, 97438, 93375, 93376, 93377; the callback 91815).
package oa
