// Package contact reads a WeCom (企业微信) corporation's directory
// (通讯录) and keeps a copy of it in step, reporting what changed.
//
//	dir := contact.New(client) // any *wecom.Client: an app's, the contact-sync secret's, suite.Corp's
//	u, err := dir.User(ctx, "zhangsan")
//	err = dir.CreateUser(ctx, &contact.UserInput{UserID: "lisi", Name: "李四", Department: []int64{1}})
//
//	src := contact.NewSource(contactSyncClient, appClient)
//	syncer, err := contact.NewSyncer(src, st, func(ctx context.Context, ch contact.Changes) error {
//		for _, c := range ch {
//			fmt.Println(c.Op, c.Kind, c.ID, c.Fields) // added user zhangsan [] · changed user lisi [department position]
//		}
//		return nil // an error keeps the old snapshot: the same changes come again
//	})
//	go syncer.Run(ctx) // every 10 minutes (±10%); syncer.Trigger() after a change_contact callback
//
// [Client] wraps the read APIs on any *wecom.Client: department/simplelist
// ([Client.DepartmentIDs]), department/list ([Client.Departments]),
// department/get, user/get, user/list ([Client.UsersOfDepartment], with
// [Recursive] since WeCom no longer recurses) and user/list_id
// ([Client.UserIDs], an iterator that fetches one page at a time, so
// 100,000 members never sit in memory as rows).
//
// Since 2022 WeCom splits the directory between two credentials
// (https://developer.work.weixin.qq.com/document/path/96067): only the
// contact-sync secret (通讯录同步) may list every member's id
// (user/list_id), and that secret, from an IP added after 2022-08-15, may
// no longer read names; an app's secret reads names and positions, but
// only of the members in its visible scope. A third-party app may call
// user/list_id only where the corporation granted 通讯录编辑授权, and its
// rows carry open_userid instead of userid
// (https://developer.work.weixin.qq.com/document/path/96021): [DeptUser]
// decodes both, and such a snapshot keys members by open_userid. [NewSource] takes one client
// of each and merges them into a [Snapshot]. A field WeCom did not return
// is unknown ([User.Known]), never "changed to empty".
//
// [Diff] compares two snapshots and returns [Changes] — added, removed and
// changed members and departments, naming the changed fields by their
// WeCom JSON names — in a deterministic order: departments first, then
// members; within each added, changed, removed; then by id (departments
// numerically). [Syncer] runs it every ten minutes, keeps the last
// snapshot in a store.Store so that a restart reports only real changes,
// never runs two syncs at once, and never mistakes a failed page for
// removed members; [Syncer.Trigger] starts one soon after a
// change_contact callback.
//
// The directory can be written too: [Client.CreateUser] and
// [Client.UpdateUser] take a [*UserInput] (an update sends only the fields
// set), with [Client.DeleteUser], [Client.DeleteUsers],
// [Client.UserIDByMobile], [Client.UserIDByEmail], departments and tags
// ([Client.AddTagMembers] returns WeCom's invalidlist/invalidparty as a
// value). A create that timed out is retried once, and WeCom's 60102
// ("userid existed") then counts as success only when the stored member
// matches. [ParseEvent] types a change_contact callback. A directory
// mastered elsewhere is pushed with the batch jobs ([Client.SyncUsers],
// [Client.ReplaceUsers], [Client.ReplaceDepartments]: a CSV streamed up, a
// [*Job] to Wait on); the exports are decrypted as they stream. More, with
// the sync drawn and its measurements, is in the repository's
// docs/contacts.md.
package contact
