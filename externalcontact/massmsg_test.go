package externalcontact_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestAddMassMessageToTaggedCustomers(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	g, err := f.ec.AddCorpTags(ctx, externalcontact.NewTags{GroupName: "等级", Tags: []externalcontact.NewTag{{Name: "金牌"}, {Name: "银牌"}}})
	require.NoError(t, err)
	gold := g.Tags[0].ID
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲"})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "乙"})
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmC", Name: "丙"})
	require.NoError(t, f.ec.MarkTags(ctx, "zhangsan", "wmA", []string{gold}, nil))
	require.NoError(t, f.ec.MarkTags(ctx, "lisi", "wmC", []string{gold}, nil))

	res, err := f.ec.AddMassMessage(ctx, externalcontact.MassMessage{
		TagFilter: &externalcontact.TagFilter{GroupList: []externalcontact.TagFilterGroup{{TagList: []string{gold}}}},
		Text:      "春季新品上市",
		Attachments: []externalcontact.Attachment{
			{MsgType: externalcontact.MsgTypeImage, Image: &externalcontact.AttachmentImage{MediaID: "MEDIA"}},
			{MsgType: externalcontact.MsgTypeLink, Link: &externalcontact.AttachmentLink{Title: "新品", URL: "https://example.com/new"}},
		},
	})
	require.NoError(t, err)
	require.NotEmpty(t, res.MsgID)
	require.Empty(t, res.FailList)

	seen := f.rec.last(t, "/cgi-bin/externalcontact/add_msg_template")
	require.Equal(t, "POST", seen.Method)
	require.Equal(t, map[string]any{"content": "春季新品上市"}, seen.Body["text"])
	require.Equal(t, map[string]any{"group_list": []any{map[string]any{"tag_list": []any{gold}}}}, seen.Body["tag_filter"])
	require.Len(t, seen.Body["attachments"], 2)
	require.Equal(t, map[string]any{"msgtype": "link", "link": map[string]any{"title": "新品", "url": "https://example.com/new"}},
		seen.Body["attachments"].([]any)[1])
	require.NotContains(t, seen.Body, "chat_type", "single is WeCom's default")

	tasks := collect(t, f.ec.MassMessageTasks(ctx, res.MsgID))
	require.Equal(t, []externalcontact.MassMessageTask{{UserID: "zhangsan"}, {UserID: "lisi"}}, tasks)
	require.Equal(t, res.MsgID, f.rec.last(t, "/cgi-bin/externalcontact/get_groupmsg_task").Body["msgid"])

	require.NoError(t, f.srv.SendMassMessage(corpID, res.MsgID, "zhangsan"))
	require.ErrorIs(t, f.srv.SendMassMessage(corpID, res.MsgID, "zhangsan"), wecomtest.ErrMassMessage, "sent once")
	tasks = collect(t, f.ec.MassMessageTasks(ctx, res.MsgID))
	require.Equal(t, externalcontact.TaskSent, tasks[0].Status)
	require.Equal(t, start.Unix(), tasks[0].SendTime)

	sends := collect(t, f.ec.MassMessageResults(ctx, res.MsgID, "zhangsan"))
	require.Equal(t, []externalcontact.MassMessageSend{{ExternalUserID: "wmA", UserID: "zhangsan", Status: externalcontact.SendDone, SendTime: start.Unix()}}, sends)
	seen = f.rec.last(t, "/cgi-bin/externalcontact/get_groupmsg_send_result")
	require.Equal(t, map[string]any{"msgid": res.MsgID, "userid": "zhangsan", "limit": float64(1000)}, seen.Body)
	sends = collect(t, f.ec.MassMessageResults(ctx, res.MsgID, "lisi"))
	require.Equal(t, externalcontact.SendPending, sends[0].Status)

	list := collect(t, f.ec.MassMessages(ctx, externalcontact.MassMessageFilter{Start: start.Add(-time.Hour), End: start.Add(time.Hour)}))
	require.Len(t, list, 1)
	require.Equal(t, res.MsgID, list[0].MsgID)
	require.Equal(t, start.Unix(), list[0].CreateTime)
	require.Equal(t, externalcontact.CreatedByCorp, list[0].CreateType)
	require.Equal(t, "春季新品上市", list[0].Text.Content)
	require.Equal(t, "MEDIA", list[0].Attachments[0].Image.MediaID)
	seen = f.rec.last(t, "/cgi-bin/externalcontact/get_groupmsg_list_v2")
	require.Equal(t, float64(2), seen.Body["filter_type"], "all creators by default")
	require.Empty(t, collect(t, f.ec.MassMessages(ctx, externalcontact.MassMessageFilter{Start: start.Add(-time.Hour), End: start.Add(time.Hour),
		Created: externalcontact.MemberCreated})))
	err = seqErr(f.ec.MassMessages(ctx, externalcontact.MassMessageFilter{Start: start.Add(-40 * 24 * time.Hour), End: start}))
	require.Equal(t, 40058, wecom.ErrorCode(err), "more than a month")
}

func TestMassMessageOutcomes(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲"})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "乙"})

	res, err := f.ec.AddMassMessage(ctx, externalcontact.MassMessage{Sender: "zhangsan", ExternalUserIDs: []string{"wmA", "wmB", "wmNobody"}, Text: "hi"})
	require.NoError(t, err)
	require.Equal(t, []string{"wmNobody"}, res.FailList)

	// wmB leaves zhangsan before the member sends: not a friend (2).
	f.srv.ResignMember(corpID, "zhangsan")
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "lisi"})
	_, err = f.ec.TransferResignedCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "lisi", ExternalUserIDs: []string{"wmB"}})
	require.NoError(t, err)
	f.clock.Advance(25 * time.Hour)
	f.srv.SettleTransfers(corpID)

	// wmA already got as many mass messages this month as it has days (3).
	for i := range 31 {
		r, err := f.ec.AddMassMessage(ctx, externalcontact.MassMessage{Sender: "lisi", ExternalUserIDs: []string{"wmB"}, Text: fmt.Sprint(i)})
		require.NoError(t, err)
		require.NoError(t, f.srv.SendMassMessage(corpID, r.MsgID, "lisi"))
	}
	require.NoError(t, f.srv.SendMassMessage(corpID, res.MsgID, "zhangsan"))
	got := map[string]int{}
	for s, err := range f.ec.MassMessageResults(ctx, res.MsgID, "zhangsan") {
		require.NoError(t, err)
		got[s.ExternalUserID] = s.Status
	}
	require.Equal(t, map[string]int{"wmA": externalcontact.SendDone, "wmB": externalcontact.SendNotFriend}, got)

	last, err := f.ec.AddMassMessage(ctx, externalcontact.MassMessage{Sender: "lisi", ExternalUserIDs: []string{"wmB"}, Text: "one more"})
	require.NoError(t, err)
	require.NoError(t, f.srv.SendMassMessage(corpID, last.MsgID, "lisi"))
	sends := collect(t, f.ec.MassMessageResults(ctx, last.MsgID, "lisi"))
	require.Equal(t, externalcontact.SendOverLimited, sends[0].Status, "March has 31 days")
}

func TestMassMessageToGroups(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.SetGroupChatOwner(corpID, "wrA", "zhangsan")
	f.srv.SetGroupChatOwner(corpID, "wrB", "zhangsan")
	f.srv.SetGroupChatOwner(corpID, "wrC", "lisi")
	res, err := f.ec.AddMassMessage(ctx, externalcontact.MassMessage{ChatType: externalcontact.ChatGroup, Sender: "zhangsan", ChatIDs: []string{"wrA", "wrC"},
		Attachments: []externalcontact.Attachment{{MsgType: externalcontact.MsgTypeMiniProgram,
			MiniProgram: &externalcontact.AttachmentMiniProgram{Title: "小程序", PicMediaID: "PIC", AppID: "wx1", Page: "/index"}}}})
	require.NoError(t, err)
	require.Equal(t, []string{"wrC"}, res.FailList, "not the sender's group")
	seen := f.rec.last(t, "/cgi-bin/externalcontact/add_msg_template")
	require.Equal(t, "group", seen.Body["chat_type"])
	require.Equal(t, []any{"wrA", "wrC"}, seen.Body["chat_id_list"])
	require.NoError(t, f.srv.SendMassMessage(corpID, res.MsgID, "zhangsan"))
	sends := collect(t, f.ec.MassMessageResults(ctx, res.MsgID, "zhangsan"))
	require.Equal(t, []externalcontact.MassMessageSend{{ChatID: "wrA", UserID: "zhangsan", Status: 1, SendTime: start.Unix()}}, sends)
	list := collect(t, f.ec.MassMessages(ctx, externalcontact.MassMessageFilter{ChatType: externalcontact.ChatGroup, Start: start, End: start}))
	require.Len(t, list, 1)
	require.Empty(t, collect(t, f.ec.MassMessages(ctx, externalcontact.MassMessageFilter{Start: start, End: start})), "single by default")
}

func TestRemindAndCancelMassMessage(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲"})
	res, err := f.ec.AddMassMessage(ctx, externalcontact.MassMessage{Text: "hi"})
	require.NoError(t, err)
	for range 3 {
		require.NoError(t, f.ec.RemindMassMessage(ctx, res.MsgID))
	}
	require.Equal(t, map[string]any{"msgid": res.MsgID}, f.rec.last(t, "/cgi-bin/externalcontact/remind_groupmsg_send").Body)
	err = f.ec.RemindMassMessage(ctx, res.MsgID)
	require.Equal(t, 45009, wecom.ErrorCode(err), "three reminders in 24 hours")
	require.ErrorContains(t, err, "externalcontact: remind mass message "+res.MsgID)
	f.clock.Advance(24 * time.Hour)
	require.NoError(t, f.ec.RemindMassMessage(ctx, res.MsgID))
	require.Equal(t, 1, f.srv.MassMessageReminders(corpID, res.MsgID), "the older three are out of the window")

	require.NoError(t, f.ec.CancelMassMessage(ctx, res.MsgID))
	require.Equal(t, map[string]any{"msgid": res.MsgID}, f.rec.last(t, "/cgi-bin/externalcontact/cancel_groupmsg_send").Body)
	require.ErrorIs(t, f.srv.SendMassMessage(corpID, res.MsgID, "zhangsan"), wecomtest.ErrMassMessage)
	require.Equal(t, 40058, wecom.ErrorCode(f.ec.RemindMassMessage(ctx, res.MsgID)))
	require.Equal(t, 40058, wecom.ErrorCode(f.ec.CancelMassMessage(ctx, "msgNone")))
	require.Equal(t, 40058, wecom.ErrorCode(seqErr(f.ec.MassMessageTasks(ctx, "msgNone"))))
	require.ErrorIs(t, f.ec.RemindMassMessage(ctx, ""), externalcontact.ErrInvalidArgument)
}

func TestMassMessageChecks(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	img := externalcontact.Attachment{MsgType: externalcontact.MsgTypeImage, Image: &externalcontact.AttachmentImage{PicURL: "https://p/1"}}
	for name, m := range map[string]externalcontact.MassMessage{
		"empty":             {},
		"long text":         {Text: strings.Repeat("字", 1400)},
		"ten attachments":   {Attachments: []externalcontact.Attachment{img, img, img, img, img, img, img, img, img, img}},
		"group, no sender":  {ChatType: externalcontact.ChatGroup, Text: "x"},
		"chats for single":  {ChatIDs: []string{"wr"}, Text: "x"},
		"mismatched":        {Attachments: []externalcontact.Attachment{{MsgType: externalcontact.MsgTypeVideo, Image: img.Image}}},
		"two fields":        {Attachments: []externalcontact.Attachment{{MsgType: externalcontact.MsgTypeFile, File: &externalcontact.AttachmentMedia{MediaID: "m"}, Video: &externalcontact.AttachmentMedia{MediaID: "v"}}}},
		"unknown chat type": {ChatType: "all", Text: "x"},
	} {
		_, err := f.ec.AddMassMessage(ctx, m)
		require.ErrorIs(t, err, externalcontact.ErrInvalidArgument, name)
	}
	require.Zero(t, f.srv.Calls("/cgi-bin/externalcontact/add_msg_template"), "refused before any request")
}

// The answer's create_time is a string in WeCom's example; a number is
// read too.
func TestMassMessageRecordCreateTime(t *testing.T) {
	for _, raw := range []string{`{"msgid":"m","create_time":"1605171726"}`, `{"msgid":"m","create_time":1605171726}`} {
		var r externalcontact.MassMessageRecord
		require.NoError(t, json.Unmarshal([]byte(raw), &r))
		require.Equal(t, externalcontact.MassMessageRecord{MsgID: "m", CreateTime: 1605171726}, r)
	}
	for _, raw := range []string{`{"msgid":"m","create_time":""}`, `{"msgid":"m","create_time":null}`, `{"msgid":"m"}`} {
		var r externalcontact.MassMessageRecord
		require.NoError(t, json.Unmarshal([]byte(raw), &r), raw)
		require.Equal(t, externalcontact.MassMessageRecord{MsgID: "m"}, r, raw)
	}
	for _, raw := range []string{`{"create_time":"soon"}`, `{"create_time":true}`, `{"create_time":1.5}`, `{"create_time":"99999999999999999999"}`} {
		var r externalcontact.MassMessageRecord
		require.Error(t, json.Unmarshal([]byte(raw), &r), raw)
	}
}

// An attachment encodes under WeCom's names and decodes back.
func TestAttachmentRoundTrip(t *testing.T) {
	a := []externalcontact.Attachment{
		{MsgType: "image", Image: &externalcontact.AttachmentImage{MediaID: "M", PicURL: "P"}},
		{MsgType: "link", Link: &externalcontact.AttachmentLink{Title: "T", PicURL: "P", Desc: "D", URL: "U"}},
		{MsgType: "miniprogram", MiniProgram: &externalcontact.AttachmentMiniProgram{Title: "T", PicMediaID: "M", AppID: "A", Page: "P"}},
		{MsgType: "video", Video: &externalcontact.AttachmentMedia{MediaID: "V"}},
		{MsgType: "file", File: &externalcontact.AttachmentMedia{MediaID: "F"}},
	}
	b, err := json.Marshal(a)
	require.NoError(t, err)
	require.JSONEq(t, `[{"msgtype":"image","image":{"media_id":"M","pic_url":"P"}},
		{"msgtype":"link","link":{"title":"T","picurl":"P","desc":"D","url":"U"}},
		{"msgtype":"miniprogram","miniprogram":{"title":"T","pic_media_id":"M","appid":"A","page":"P"}},
		{"msgtype":"video","video":{"media_id":"V"}},{"msgtype":"file","file":{"media_id":"F"}}]`, string(b))
	var back []externalcontact.Attachment
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, a, back)
}

// The cursor is followed across pages, and stopping early stops the
// calls.
func TestMassMessageTasksPages(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	for i := range 1500 {
		f.srv.AddCustomer(corpID, fmt.Sprintf("u%04d", i), wecomtest.Customer{ExternalUserID: fmt.Sprintf("wm%04d", i), Name: "客户"})
	}
	res, err := f.ec.AddMassMessage(ctx, externalcontact.MassMessage{Text: "hi"})
	require.NoError(t, err)
	tasks := collect(t, f.ec.MassMessageTasks(ctx, res.MsgID))
	require.Len(t, tasks, 1500)
	require.Equal(t, "u1499", tasks[1499].UserID)
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/externalcontact/get_groupmsg_task"))
	require.Equal(t, "wecomtest-1000", f.rec.last(t, "/cgi-bin/externalcontact/get_groupmsg_task").Body["cursor"])
	for range f.ec.MassMessageTasks(ctx, res.MsgID) {
		break
	}
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/externalcontact/get_groupmsg_task"))
}

func BenchmarkMassMessageTasks(b *testing.B) {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	defer srv.Close()
	for i := range 1000 {
		srv.AddCustomer(corpID, fmt.Sprintf("u%04d", i), wecomtest.Customer{ExternalUserID: fmt.Sprintf("wm%04d", i), Name: "客户"})
	}
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(b, err)
	ec := externalcontact.New(c)
	ctx := context.Background()
	res, err := ec.AddMassMessage(ctx, externalcontact.MassMessage{Text: "hi"})
	require.NoError(b, err)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		n := 0
		for _, err := range ec.MassMessageTasks(ctx, res.MsgID) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1000 {
			b.Fatal(n)
		}
	}
}
