// Package kf is WeChat customer service (微信客服): kf accounts and their
// receptionists, session states, the messages customers write — read with
// sync_msg — and the messages the corporation sends, plus a durable
// message Pump.
//
//	client := kf.New(wecomClient) // an app configured for 微信客服, or Suite.Corp
//	pump := kf.NewPump(client, boltStore, kf.HandlerFunc(func(ctx context.Context, m *kf.Message) error {
//		if m.MsgType == "text" && m.Origin == kf.OriginCustomer {
//			_, err := client.Send(ctx, m.OpenKfID, m.ExternalUserID, &kf.Text{Content: "收到"})
//			return err
//		}
//		return nil
//	}))
//	defer pump.Close()
//	http.Handle("/wecom/callback", crypto.NewHandler(msgCrypt, pump))
//
// # The pump
//
// WeCom pushes no message to the callback, only a kf_msg_or_event event
// naming the kf account (OpenKfId) and a Token valid 10 minutes; the
// messages must be pulled with sync_msg, page by page, following a
// cursor. A [Pump] does that: as a crypto.Handler it answers the callback
// at once and wakes a background pass for the account; the pass reads
// every page from the stored cursor, calls the [Handler] for each message
// in order, and stores the next cursor in the store.Store only after the
// handler returned for every message of the page. Callbacks arriving while
// a pass runs coalesce into one more pass.
//
// Delivery is at least once. A process killed in the middle of a page
// handles that page again when it restarts — never skips one — so the
// handler must deduplicate by Message.MsgID (WeCom's ids are unique). A
// handler error stops the pass without storing the page's cursor; the pass
// is tried again after [WithRetryAfter] (30 s) or at the next callback,
// from the start of the failed page. WeCom answering -1 (system busy), a
// network failure or a stalled answer ([WithAttemptTimeout]) is retried
// with backoff ([WithBackoff]); the cursor does not move meanwhile.
//
// With a store that is a store.Locker (store/redisstore), one process at a
// time pumps a kf account: each page is read and handled under the
// account's lock ([WithLockTTL]), so pumps in several processes take turns
// instead of handling a message twice at once. store/boltstore keeps the
// cursor durably for a single process. docs/kf-pump.md draws the flow.
//
// # Sending
//
// [Client.Send] sends text, image, voice, video, file, link,
// mini program, menu, location and customer-acquisition-link messages;
// media are media_ids from package media's upload. WeCom takes them only
// while the session is new or handled by the API, within 48 hours of the
// customer's last message and at most 5 after it. [Client.SendOnEvent]
// sends the welcome message of an enter_session event (its WelcomeCode)
// and the messages of session changes (a msg_code).
//
// The endpoints (https://developer.work.weixin.qq.com/document/path/94670
// and the pages listed in docs/wecom-api-notes.md) take a corporation's
// access_token of an app configured in 「微信客服 - 可调用接口的应用」, or of a
// third-party or 代开发 app with the 微信客服 permissions.
package kf
