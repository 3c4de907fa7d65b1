package message_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/wecom"
)

// upload stores a temporary medium of type t in the fake and returns its id.
func upload(t *testing.T, c *wecom.Client, typ media.Type, name string) string {
	t.Helper()
	data := bytes.Repeat([]byte{0x42}, 64)
	up, err := media.New(c).Upload(context.Background(), typ, name, bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	return up.MediaID
}

func TestSendEveryType(t *testing.T) {
	srv, c := newServer(t, nil, 2)
	m := message.New(c, agentID)
	ctx := context.Background()
	image := upload(t, c, media.Image, "a.png")
	voice := upload(t, c, media.Voice, "a.amr")
	video := upload(t, c, media.Video, "a.mp4")
	file := upload(t, c, media.File, "a.pdf")
	card := &message.TemplateCard{CardType: message.CardTextNotice, MainTitle: message.CardTitle{Title: "审批"},
		CardAction: message.CardAction{Type: 1, URL: "https://example.com"}}
	for _, tc := range []struct {
		content message.Content
		key     string // the body's key for the content
		want    string // the content encoded
	}{
		{&message.Text{Content: "hi"}, "text", `{"content":"hi"}`},
		{&message.Image{MediaID: image}, "image", `{"media_id":"` + image + `"}`},
		{&message.Voice{MediaID: voice}, "voice", `{"media_id":"` + voice + `"}`},
		{&message.Video{MediaID: video, Title: "t", Description: "d"}, "video", `{"media_id":"` + video + `","title":"t","description":"d"}`},
		{&message.File{MediaID: file}, "file", `{"media_id":"` + file + `"}`},
		{&message.TextCard{Title: "t", Description: "d", URL: "https://e.com"}, "textcard", `{"title":"t","description":"d","url":"https://e.com"}`},
		{&message.News{Articles: []message.Article{{Title: "a", URL: "https://e.com"}}}, "news", `{"articles":[{"title":"a","url":"https://e.com"}]}`},
		{&message.MPNews{Articles: []message.MPArticle{{Title: "a", ThumbMediaID: image, Content: "<p>x</p>", Digest: "d"}}}, "mpnews",
			`{"articles":[{"title":"a","thumb_media_id":"` + image + `","content":"<p>x</p>","digest":"d"}]}`},
		{&message.Markdown{Content: "**b**"}, "markdown", `{"content":"**b**"}`},
		{&message.MiniProgramNotice{AppID: "wx123", Page: "pages/index", Title: "会议室预订成功", EmphasisFirstItem: true,
			ContentItems: []message.KeyValueItem{{Key: "会议室", Value: "402"}}}, "miniprogram_notice",
			`{"appid":"wx123","page":"pages/index","title":"会议室预订成功","emphasis_first_item":true,"content_item":[{"key":"会议室","value":"402"}]}`},
		{card, "template_card", ""},
	} {
		res, err := m.Send(ctx, &message.Message{To: message.ToUsers("user000001"), Content: tc.content})
		require.NoError(t, err, tc.key)
		require.NotEmpty(t, res.MsgID)
		sent := srv.Messages(corpID)
		last := sent[len(sent)-1]
		require.Equal(t, tc.key, last.MsgType)
		var body map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(last.Body, &body))
		require.JSONEq(t, `"`+tc.key+`"`, string(body["msgtype"]))
		if tc.want != "" {
			require.JSONEq(t, tc.want, string(body[tc.key]), tc.key)
		}
		for k := range body { // only the one content is sent
			switch k {
			case "touser", "msgtype", "agentid", tc.key:
			default:
				t.Errorf("%s: unexpected key %q", tc.key, k)
			}
		}
		require.Equal(t, []string{"user000001"}, last.Delivered)
	}
	require.Equal(t, image, srv.Messages(corpID)[1].Fields["image.media_id"])
}

func TestMediaIDsAreChecked(t *testing.T) {
	clock := newFakeClock()
	srv, c := newServer(t, clock.Now, 1)
	m := message.New(c, agentID)
	ctx := context.Background()
	voice := upload(t, c, media.Voice, "a.amr")
	send := func(content message.Content) error {
		_, err := m.Send(ctx, &message.Message{To: message.ToUsers("user000001"), Content: content})
		return err
	}
	require.Equal(t, 40007, wecom.ErrorCode(send(&message.Image{MediaID: "nope"})), "unknown")
	require.Equal(t, 40007, wecom.ErrorCode(send(&message.Image{MediaID: voice})), "a voice is not an image")
	require.NoError(t, send(&message.Voice{MediaID: voice}))
	require.NoError(t, send(&message.File{MediaID: voice}), "a file message takes any medium")
	clock.Sleep(ctx, 72*time.Hour)
	require.Equal(t, 40007, wecom.ErrorCode(send(&message.Voice{MediaID: voice})), "expired after three days")
	require.Len(t, srv.Messages(corpID), 2)

	// WeCom's 40008 for a msgtype it does not know.
	raw := map[string]any{"touser": "user000001", "msgtype": "sticker", "agentid": agentID}
	require.Equal(t, 40008, wecom.ErrorCode(c.Post(ctx, "/cgi-bin/message/send", nil, raw, nil)))
}

func TestEveryLimitIsRefusedBeforeSending(t *testing.T) {
	srv, c := newServer(t, nil, 1)
	ctx := context.Background()
	long := func(n int) string { return strings.Repeat("x", n) }
	runes := func(n int) string { return strings.Repeat("汉", n) }
	items := make([]message.KeyValueItem, 11)
	nine := make([]message.MPArticle, 9)
	for i := range nine {
		nine[i] = message.MPArticle{Title: "t", ThumbMediaID: "m", Content: "c"}
	}
	// Fields over WeCom's limits: cut by default, refused by a strict client.
	for field, content := range map[string]message.Content{
		"text.content":                          &message.Text{Content: long(2049)},
		"markdown.content":                      &message.Markdown{Content: long(2049)},
		"video.title":                           &message.Video{MediaID: "m", Title: long(129)},
		"video.description":                     &message.Video{MediaID: "m", Description: long(513)},
		"textcard.title":                        &message.TextCard{Title: long(129), Description: "d", URL: "u"},
		"textcard.description":                  &message.TextCard{Title: "t", Description: long(513), URL: "u"},
		"textcard.btntxt":                       &message.TextCard{Title: "t", Description: "d", URL: "u", ButtonText: runes(5)},
		"news.articles.0.title":                 &message.News{Articles: []message.Article{{Title: long(129)}}},
		"news.articles.0.description":           &message.News{Articles: []message.Article{{Title: "t", Description: long(513)}}},
		"mpnews.articles.0.title":               &message.MPNews{Articles: []message.MPArticle{{Title: long(129), ThumbMediaID: "m", Content: "c"}}},
		"mpnews.articles.0.author":              &message.MPNews{Articles: []message.MPArticle{{Title: "t", ThumbMediaID: "m", Content: "c", Author: long(65)}}},
		"mpnews.articles.0.digest":              &message.MPNews{Articles: []message.MPArticle{{Title: "t", ThumbMediaID: "m", Content: "c", Digest: long(513)}}},
		"miniprogram_notice.title":              &message.MiniProgramNotice{AppID: "wx", Title: runes(13)},
		"miniprogram_notice.description":        &message.MiniProgramNotice{AppID: "wx", Title: "标题标题", Description: runes(13)},
		"miniprogram_notice.content_item.0.key": &message.MiniProgramNotice{AppID: "wx", Title: "标题标题", ContentItems: []message.KeyValueItem{{Key: runes(11)}}},
		"miniprogram_notice.content_item.0.value": &message.MiniProgramNotice{AppID: "wx", Title: "标题标题",
			ContentItems: []message.KeyValueItem{{Key: "k", Value: runes(31)}}},
		"template_card.main_title.title": &message.TemplateCard{CardType: message.CardTextNotice, MainTitle: message.CardTitle{Title: runes(37)},
			CardAction: message.CardAction{Type: 1, URL: "u"}},
		"template_card.main_title.desc": &message.TemplateCard{CardType: message.CardTextNotice, MainTitle: message.CardTitle{Title: "t", Desc: runes(45)},
			CardAction: message.CardAction{Type: 1, URL: "u"}},
	} {
		_, err := message.New(c, agentID, message.Strict()).Send(ctx, &message.Message{To: message.ToUsers("user000001"), Content: content})
		var le *message.LimitError
		require.ErrorAs(t, err, &le, field)
		require.Equal(t, field, le.Field)
	}
	// Structural limits: always errors.
	for name, content := range map[string]message.Content{
		"image without media_id":  &message.Image{},
		"voice without media_id":  &message.Voice{},
		"video without media_id":  &message.Video{Title: "t"},
		"file without media_id":   &message.File{},
		"long media_id":           &message.File{MediaID: long(257)},
		"nine mpnews articles":    &message.MPNews{Articles: nine},
		"no mpnews articles":      &message.MPNews{},
		"mpnews without thumb":    &message.MPNews{Articles: []message.MPArticle{{Title: "t", Content: "c"}}},
		"mpnews without content":  &message.MPNews{Articles: []message.MPArticle{{Title: "t", ThumbMediaID: "m"}}},
		"mpnews content too long": &message.MPNews{Articles: []message.MPArticle{{Title: "t", ThumbMediaID: "m", Content: long(666<<10 + 1)}}},
		"mpnews long source url":  &message.MPNews{Articles: []message.MPArticle{{Title: "t", ThumbMediaID: "m", Content: "c", ContentSourceURL: long(2049)}}},
		"news long url":           &message.News{Articles: []message.Article{{Title: "t", URL: long(2049)}}},
		"notice without appid":    &message.MiniProgramNotice{Title: "标题标题"},
		"notice without title":    &message.MiniProgramNotice{AppID: "wx"},
		"notice long page":        &message.MiniProgramNotice{AppID: "wx", Title: "标题标题", Page: long(1025)},
		"eleven notice items":     &message.MiniProgramNotice{AppID: "wx", Title: "标题标题", ContentItems: items},
		"nil image":               (*message.Image)(nil),
		"menu without task_id": &message.TemplateCard{CardType: message.CardTextNotice, MainTitle: message.CardTitle{Title: "t"},
			CardAction: message.CardAction{Type: 1, URL: "u"}, ActionMenu: &message.CardActionMenu{Actions: []message.CardMenuAction{{Text: "a", Key: "k"}}}},
		"four menu actions": &message.TemplateCard{CardType: message.CardTextNotice, MainTitle: message.CardTitle{Title: "t"}, TaskID: "t1",
			CardAction: message.CardAction{Type: 1, URL: "u"}, ActionMenu: &message.CardActionMenu{Actions: make([]message.CardMenuAction, 4)}},
	} {
		for _, strict := range []bool{false, true} {
			var opts []message.Option
			if strict {
				opts = append(opts, message.Strict())
			}
			_, err := message.New(c, agentID, opts...).Send(ctx, &message.Message{To: message.ToUsers("user000001"), Content: content})
			require.ErrorIs(t, err, message.ErrInvalidMessage, name)
		}
	}
	require.Empty(t, srv.Messages(corpID), "nothing sent")

	// Without Strict the fields are cut at a character boundary and named.
	res, err := message.New(c, agentID).Send(ctx, &message.Message{To: message.ToUsers("user000001"),
		Content: &message.MiniProgramNotice{AppID: "wx", Title: runes(13), ContentItems: []message.KeyValueItem{{Key: "k", Value: runes(31)}}}})
	require.NoError(t, err)
	require.Equal(t, []string{"miniprogram_notice.title", "miniprogram_notice.content_item.0.value"}, res.Truncated)
	require.Equal(t, runes(12), srv.Messages(corpID)[0].Fields["miniprogram_notice.title"])
}

// The limiter applies to every content type: it counts deliveries, not
// texts.
func TestLimiterCoversEveryType(t *testing.T) {
	clock := newFakeClock()
	srv, c := newServer(t, clock.Now, 1)
	image := upload(t, c, media.Image, "a.jpg")
	lim := message.NewLimiter(message.WithLimiterClock(clock))
	m := message.New(c, agentID, message.WithLimiter(lim))
	start := clock.Now()
	for i := range 31 {
		var content message.Content = &message.Image{MediaID: image}
		if i%2 == 1 {
			content = &message.Markdown{Content: "**x**"}
		}
		_, err := m.Send(context.Background(), &message.Message{To: message.ToUsers("user000001"), Content: content})
		require.NoError(t, err)
	}
	require.Zero(t, srv.DroppedMessages())
	require.Equal(t, time.Minute, clock.Now().Sub(start), "the 31st waited for the member's minute")
}

func TestAppChatLifecycle(t *testing.T) {
	srv, c := newServer(t, nil, 5)
	m := message.New(c, agentID)
	ctx := context.Background()

	id, err := m.CreateChat(ctx, &message.Chat{ChatID: "ops1", Name: "值班" + strings.Repeat("群", 60), Owner: "user000002",
		Users: []string{"user000001", "user000002", "user000003"}})
	require.NoError(t, err)
	require.Equal(t, "ops1", id)
	chat, err := m.Chat(ctx, id)
	require.NoError(t, err)
	require.Equal(t, "user000002", chat.Owner)
	require.Equal(t, []string{"user000001", "user000002", "user000003"}, chat.Users)
	require.Equal(t, "值班"+strings.Repeat("群", 48), chat.Name, "cut to 50 characters")

	// A chatid WeCom makes up; the same chatid twice is WeCom's 86215.
	gen, err := m.CreateChat(ctx, &message.Chat{Users: []string{"user000001", "user000004"}})
	require.NoError(t, err)
	require.NotEmpty(t, gen)
	_, err = m.CreateChat(ctx, &message.Chat{ChatID: "ops1", Users: []string{"user000001", "user000004"}})
	require.Equal(t, 86215, wecom.ErrorCode(err))

	// Rename, add, remove, hand over.
	require.NoError(t, m.UpdateChat(ctx, &message.ChatUpdate{ChatID: id, Name: "值班", Owner: "user000004",
		Add: []string{"user000004", "user000005"}, Remove: []string{"user000002"}}))
	chat, err = m.Chat(ctx, id)
	require.NoError(t, err)
	require.Equal(t, &message.Chat{ChatID: "ops1", Name: "值班", Owner: "user000004",
		Users: []string{"user000001", "user000003", "user000004", "user000005"}}, chat)
	// Removing the owner without a new one is WeCom's 86207.
	require.Equal(t, 86207, wecom.ErrorCode(m.UpdateChat(ctx, &message.ChatUpdate{ChatID: id, Remove: []string{"user000004"}})))
	require.Equal(t, 86001, wecom.ErrorCode(m.UpdateChat(ctx, &message.ChatUpdate{ChatID: "nochat", Name: "x"})))

	// Every type a chat takes, encoded as for message/send.
	image := upload(t, c, media.Image, "a.png")
	for _, content := range []message.Content{
		&message.Text{Content: "交班"},
		&message.Image{MediaID: image},
		&message.Markdown{Content: "**值班**"},
		&message.TextCard{Title: "t", Description: "d", URL: "https://e.com"},
		&message.News{Articles: []message.Article{{Title: "a"}}},
		&message.MPNews{Articles: []message.MPArticle{{Title: "a", ThumbMediaID: image, Content: "c"}}},
	} {
		_, news := content.(*message.News) // a news message cannot be confidential (40074)
		_, err := m.SendToChat(ctx, &message.ChatMessage{ChatID: id, Content: content, Safe: !news})
		require.NoError(t, err, "%T", content)
	}
	sent := srv.ChatMessages(corpID, id)
	require.Len(t, sent, 6)
	require.JSONEq(t, `{"chatid":"ops1","msgtype":"text","text":{"content":"交班"},"safe":1}`, string(sent[0].Body))
	require.JSONEq(t, `{"chatid":"ops1","msgtype":"image","image":{"media_id":"`+image+`"},"safe":1}`, string(sent[1].Body))
	require.Equal(t, "image", sent[1].MsgType)

	// Cut and named like Send.
	res, err := m.SendToChat(ctx, &message.ChatMessage{ChatID: id, Content: &message.Text{Content: strings.Repeat("汉", 700)}})
	require.NoError(t, err)
	require.Equal(t, []string{"text.content"}, res.Truncated)

	// Refused before sending: types a chat does not take, bad media, bad chats.
	_, err = m.SendToChat(ctx, &message.ChatMessage{ChatID: id, Content: &message.MiniProgramNotice{AppID: "wx", Title: "标题标题"}})
	require.ErrorIs(t, err, message.ErrInvalidMessage)
	news := &message.News{Articles: []message.Article{{Title: "a", URL: "https://e.com"}}}
	_, err = m.SendToChat(ctx, &message.ChatMessage{ChatID: id, Content: news, Safe: true})
	require.ErrorIs(t, err, message.ErrInvalidMessage, "a news message cannot be confidential (WeCom's 40074)")
	_, err = m.Send(ctx, &message.Message{To: message.ToUsers("user000001"), Content: news, Safe: true})
	require.ErrorIs(t, err, message.ErrInvalidMessage, "nor sent to members")
	_, err = m.SendToChat(ctx, &message.ChatMessage{ChatID: id, Content: &message.Image{MediaID: "nope"}})
	require.Equal(t, 40007, wecom.ErrorCode(err))
	_, err = m.SendToChat(ctx, &message.ChatMessage{ChatID: "nochat", Content: &message.Text{Content: "x"}})
	require.Equal(t, 86001, wecom.ErrorCode(err))
	for name, chat := range map[string]*message.Chat{
		"one member":       {Users: []string{"user000001"}},
		"owner not member": {Owner: "user000005", Users: []string{"user000001", "user000002"}},
		"bad chatid":       {ChatID: "ops-1", Users: []string{"user000001", "user000002"}},
		"long chatid":      {ChatID: strings.Repeat("a", 33), Users: []string{"user000001", "user000002"}},
		"2001 members":     {Users: make([]string, 2001)},
	} {
		_, err := m.CreateChat(ctx, chat)
		require.ErrorIs(t, err, message.ErrInvalidMessage, name)
	}
	_, err = message.New(c, agentID, message.Strict()).CreateChat(ctx, &message.Chat{Name: strings.Repeat("群", 51), Users: []string{"user000001", "user000002"}})
	require.ErrorIs(t, err, message.ErrTooLong)
	require.Len(t, srv.AppChats(corpID), 2)
}

func TestUpdateTemplateCard(t *testing.T) {
	srv, c := newServer(t, nil, 3)
	m := message.New(c, agentID)
	ctx := context.Background()
	card := &message.TemplateCard{CardType: message.CardTextNotice, MainTitle: message.CardTitle{Title: "报销待审批"}, TaskID: "task1",
		CardAction: message.CardAction{Type: 1, URL: "https://example.com"},
		ActionMenu: &message.CardActionMenu{Desc: "操作", Actions: []message.CardMenuAction{{Text: "不再提醒", Key: "mute"}}}}
	res, err := m.Send(ctx, &message.Message{To: message.ToUsers("user000001", "user000002"), Content: card})
	require.NoError(t, err)
	require.NotEmpty(t, res.ResponseCode, "a card with an action_menu can be updated")

	done := *card
	done.MainTitle.Title = "报销已审批"
	done.ActionMenu = nil
	up, err := m.UpdateTemplateCard(ctx, &message.CardUpdate{To: message.ToUsers("user000001", "ghost"), ResponseCode: res.ResponseCode, Card: &done})
	require.NoError(t, err)
	require.Equal(t, []string{"ghost"}, up.InvalidUsers)
	u := srv.Messages(corpID)[0].Updates
	require.Len(t, u, 1)
	require.Equal(t, message.CardTextNotice, u[0].CardType)
	require.Equal(t, []string{"user000001", "ghost"}, u[0].Users)
	require.Contains(t, string(u[0].Body), `"main_title":{"title":"报销已审批"}`)

	// A code is good once; the callback brings a new one.
	_, err = m.UpdateTemplateCard(ctx, &message.CardUpdate{To: message.Recipients{All: true}, ResponseCode: res.ResponseCode, Card: &done})
	require.Equal(t, 60140, wecom.ErrorCode(err), "无效的response_code")
	require.NotContains(t, err.Error(), res.ResponseCode, "the code is kept out of errors")
	code, ok := srv.CardResponseCode(corpID, res.MsgID)
	require.True(t, ok)
	_, err = m.UpdateTemplateCard(ctx, &message.CardUpdate{To: message.Recipients{All: true}, ResponseCode: code, Card: &done})
	require.NoError(t, err)
	require.True(t, srv.Messages(corpID)[0].Updates[1].All)

	// Only an interactive card's buttons can be replaced.
	code, _ = srv.CardResponseCode(corpID, res.MsgID)
	_, err = m.UpdateTemplateCard(ctx, &message.CardUpdate{To: message.Recipients{All: true}, ResponseCode: code, ButtonText: "已处理"})
	require.Equal(t, 40058, wecom.ErrorCode(err))

	// Checked before sending.
	for name, u := range map[string]*message.CardUpdate{
		"no code":       {To: message.Recipients{All: true}, Card: &done},
		"both":          {To: message.Recipients{All: true}, ResponseCode: "c", Card: &done, ButtonText: "x"},
		"neither":       {To: message.Recipients{All: true}, ResponseCode: "c"},
		"no receivers":  {ResponseCode: "c", ButtonText: "x"},
		"bad card type": {To: message.Recipients{All: true}, ResponseCode: "c", Card: &message.TemplateCard{CardType: "x"}},
	} {
		_, err := m.UpdateTemplateCard(ctx, u)
		require.ErrorIs(t, err, message.ErrInvalidMessage, name)
	}
}
