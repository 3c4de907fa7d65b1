// Package message sends a WeCom (企业微信) app's messages (应用消息) with
// message/send (https://developer.work.weixin.qq.com/document/path/90236),
// recalls them (message/recall), updates template cards already sent
// (message/update_template_card) and keeps the app's group chats
// (appchat/create, update, get and send).
//
//	sender := message.New(client, 1000002, message.WithLimiter(message.NewLimiter()))
//	res, err := sender.Send(ctx, &message.Message{
//		To:      message.ToUsers("zhangsan", "lisi"),
//		Content: &message.TextCard{Title: "合同待签署", Description: "请于今天签署", URL: "https://example.com/c/42"},
//	})
//	// err is nil even if lisi is unknown: res.InvalidUsers is [lisi], res.Partial() is true
//
// [Client.Send] takes a [Message]: typed recipients ([Recipients]: users,
// departments, tags, or everyone) and one [Content] — [Text], [Image],
// [Voice], [Video], [File] (the media by the id package media's Upload
// returns), [TextCard], [News], [MPNews], [Markdown], a
// [MiniProgramNotice] or a [TemplateCard] (text_notice, news_notice).
// Each content type checks itself against WeCom's limits and encodes
// itself. [Client.SendToChat] sends the same types, but mini program
// notices and template cards, to a chat made with [Client.CreateChat].
//
// Two of WeCom's behaviours lose messages without an error, and the
// package handles both:
//
//   - Over-long fields are cut by WeCom at a byte count, which can split a
//     character. Send cuts them itself at a character boundary and names
//     them in [Result.Truncated]; a client made with [Strict] refuses them
//     instead ([*LimitError], matching [ErrTooLong]) — stricter than WeCom.
//     What WeCom rejects anyway — no recipients, more than 1000 users, 0 or
//     more than 8 news articles — is always an error ([ErrInvalidMessage]).
//   - WeCom drops, silently, the 31st message a minute and the 1001st an
//     hour from one app to one member. A [Limiter] ([WithLimiter]) makes
//     such messages wait for the member's budget instead, splits a message
//     to many members so that each member's budget holds, bounds what
//     waits ([ErrQueueFull] beyond it) and can share its counters between
//     processes through a store.Store ([WithSharedStore]).
//
// Recipients WeCom could not reach — invaliduser, invalidparty, invalidtag,
// unlicenseduser — are listed in the [Result]; that is a partial success,
// not an error. Only when no recipient is valid does WeCom answer 81013.
//
// A [Message] also carries Safe, EnableIDTrans and DuplicateCheck.
// [Client.Recall] recalls a message; [Client.UpdateTemplateCard] updates a
// card already sent; [ParseCardEvent] types a card click (with the
// ResponseCode the update needs); [Client.SendLinked] messages linked
// corporations (互联企业). Media for Image, Voice, Video and File come from
// package media's Upload, streamed. The group robot (群机器人) is package
// message/webhook. Send of a text message allocates no more than the bare
// wecom.Client.Post of the same body (64 against 65 allocations).
package message
