package kf_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/kf"
	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID  = "ww-kf-corp"
	agentID = 1000009
	secret  = "kf-app-secret"
)

type fixture struct {
	srv   *wecomtest.Server
	clock *wecomtest.Clock
	c     *kf.Client
	wc    *wecom.Client
	med   *media.Client
}

func newFixture(t testing.TB, opts ...wecom.Option) *fixture {
	t.Helper()
	clock := wecomtest.NewClock(time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC))
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}), wecomtest.WithClock(clock.Now))
	t.Cleanup(srv.Close)
	opts = append([]wecom.Option{wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL)}, opts...)
	c, err := wecom.New(corpID, secret, opts...)
	require.NoError(t, err)
	return &fixture{srv: srv, clock: clock, c: kf.New(c), wc: c, med: media.New(c)}
}

func (f *fixture) upload(t *testing.T, typ media.Type, name string) string {
	t.Helper()
	data := bytes.Repeat([]byte{1}, 64)
	u, err := f.med.Upload(context.Background(), typ, name, bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	return u.MediaID
}

func TestAccounts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	avatar := f.upload(t, media.Image, "a.png")

	_, err := f.c.AddAccount(ctx, strings.Repeat("名", 17), avatar)
	require.ErrorIs(t, err, kf.ErrInvalidArgument)
	_, err = f.c.AddAccount(ctx, "售后", "bogus-media")
	require.Equal(t, 40007, wecom.ErrorCode(err))

	var ids []string
	for i := 0; i < 105; i++ {
		id, err := f.c.AddAccount(ctx, "客服"+string(rune('A'+i%26)), avatar)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	var listed []string
	for a, err := range f.c.Accounts(ctx) {
		require.NoError(t, err)
		require.True(t, a.ManagePrivilege)
		listed = append(listed, a.OpenKfID)
	}
	require.Equal(t, ids, listed, "two pages of 100 and 5, in creation order")

	require.NoError(t, f.c.UpdateAccount(ctx, ids[0], kf.AccountUpdate{Name: "售前"}))
	require.ErrorIs(t, f.c.UpdateAccount(ctx, ids[0], kf.AccountUpdate{}), kf.ErrInvalidArgument)
	require.NoError(t, f.c.DeleteAccount(ctx, ids[1]))
	require.Equal(t, 95004, wecom.ErrorCode(f.c.DeleteAccount(ctx, ids[1])), "deleted: open_kfid不存在")
	require.Equal(t, 95000, wecom.ErrorCode(f.c.DeleteAccount(ctx, "wk-never")), "never issued: 不合法的open_kfid")

	u, err := f.c.ContactWay(ctx, ids[0], "spring_sale")
	require.NoError(t, err)
	require.Contains(t, u, "enc_scene=")
	_, err = f.c.ContactWay(ctx, ids[0], "bad scene!")
	require.ErrorIs(t, err, kf.ErrInvalidArgument)
}

func TestServicersAndSessionStates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "zhangsan", Name: "张三"})
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "lisi", Name: "李四"})
	kfID := f.srv.AddKFAccount(corpID, "售后")

	res, err := f.c.AddServicers(ctx, kfID, []string{"zhangsan", "lisi", "ghost"})
	require.NoError(t, err)
	require.Equal(t, []int{0, 0, 60111}, []int{res[0].ErrCode, res[1].ErrCode, res[2].ErrCode})
	sv, err := f.c.Servicers(ctx, kfID)
	require.NoError(t, err)
	require.Len(t, sv, 2)
	_, err = f.c.DeleteServicers(ctx, kfID, []string{"lisi"})
	require.NoError(t, err)
	sv, _ = f.c.Servicers(ctx, kfID)
	require.Equal(t, []kf.Servicer{{UserID: "zhangsan", Status: kf.ServicerReceiving}}, sv)

	st, err := f.c.ServiceState(ctx, kfID, "wmC")
	require.NoError(t, err)
	require.Equal(t, kf.StateEnded, st.State, "no session yet: 未开始")
	_, err = f.c.TransServiceState(ctx, kfID, "wmC", kf.StateAssistant, "")
	require.Equal(t, 95016, wecom.ErrorCode(err), "an ended session cannot move")

	f.srv.CustomerWrites(corpID, kfID, "wmC", "你好")
	st, _ = f.c.ServiceState(ctx, kfID, "wmC")
	require.Equal(t, kf.StateNew, st.State)

	code, err := f.c.TransServiceState(ctx, kfID, "wmC", kf.StateAssistant, "")
	require.NoError(t, err)
	require.Empty(t, code)
	code, err = f.c.TransServiceState(ctx, kfID, "wmC", kf.StatePool, "")
	require.NoError(t, err)
	require.NotEmpty(t, code, "entering the pool issues a msg_code")
	_, err = f.c.TransServiceState(ctx, kfID, "wmC", kf.StateAssistant, "")
	require.Equal(t, 95016, wecom.ErrorCode(err), "the pool cannot go back to the assistant")

	f.srv.SetKFServicerStatus(corpID, kfID, "zhangsan", kf.ServicerStopped)
	_, err = f.c.TransServiceState(ctx, kfID, "wmC", kf.StateServicer, "zhangsan")
	require.Equal(t, 95019, wecom.ErrorCode(err), "a stopped receptionist: 接待人员已停止接待或暂时挂起")
	_, err = f.c.TransServiceState(ctx, kfID, "wmC", kf.StateServicer, "lisi")
	require.Equal(t, 95014, wecom.ErrorCode(err), "not a receptionist of the account: 用户不是接待人员")
	f.srv.SetKFServicerStatus(corpID, kfID, "zhangsan", kf.ServicerReceiving)
	_, err = f.c.TransServiceState(ctx, kfID, "wmC", kf.StateServicer, "zhangsan")
	require.NoError(t, err)
	st, _ = f.c.ServiceState(ctx, kfID, "wmC")
	require.Equal(t, kf.SessionState{State: kf.StateServicer, ServicerUserID: "zhangsan"}, st)

	_, err = f.c.Send(ctx, kfID, "wmC", &kf.Text{Content: "hi"})
	require.Equal(t, 95018, wecom.ErrorCode(err), "a receptionist serves it: the API may not send")

	end, err := f.c.TransServiceState(ctx, kfID, "wmC", kf.StateEnded, "")
	require.NoError(t, err)
	_, err = f.c.SendOnEvent(ctx, end, &kf.Text{Content: "感谢咨询"})
	require.NoError(t, err)
	_, err = f.c.SendOnEvent(ctx, end, &kf.Text{Content: "again"})
	require.Equal(t, 40058, wecom.ErrorCode(err), "a code works once")
	sent := f.srv.KFSent(corpID, kfID)
	require.Len(t, sent, 1)
	require.Equal(t, "感谢咨询", sent[0].Text)
	require.Equal(t, "wmC", sent[0].ToUser)

	f.srv.CustomerWrites(corpID, kfID, "wmC", "又来了")
	st, _ = f.c.ServiceState(ctx, kfID, "wmC")
	require.Equal(t, kf.StateNew, st.State, "an ended session re-opens when the customer writes")
}

func TestSendEveryTypeAndLimits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kfID := f.srv.AddKFAccount(corpID, "售后")
	img, voice, video, file := f.upload(t, media.Image, "p.jpg"), f.upload(t, media.Voice, "v.amr"),
		f.upload(t, media.Video, "m.mp4"), f.upload(t, media.File, "f.pdf")

	_, err := f.c.Send(ctx, kfID, "wmD", &kf.Text{Content: "hi"})
	require.Equal(t, 95018, wecom.ErrorCode(err), "the customer never wrote")

	contents := []kf.Content{
		&kf.Text{Content: "您好"}, &kf.Image{MediaID: img}, &kf.Voice{MediaID: voice}, &kf.Video{MediaID: video},
		&kf.File{MediaID: file},
		&kf.Link{Title: "物流", Desc: "点击查看", URL: "https://example.com/t", ThumbMediaID: img},
		&kf.MiniProgram{AppID: "wx123", Title: "商城", ThumbMediaID: img, PagePath: "pages/index"},
		&kf.Menu{HeadContent: "您对本次服务是否满意?", List: []kf.MenuItem{
			{Type: "click", Click: &kf.MenuClick{ID: "101", Content: "满意"}},
			{Type: "view", View: &kf.MenuView{URL: "https://example.com", Content: "帮助"}},
			{Type: "miniprogram", MiniProgram: &kf.MenuMiniProgram{AppID: "wx123", PagePath: "p", Content: "小程序"}},
			{Type: "text", Text: &kf.MenuText{Content: "谢谢", NoNewline: 1}},
		}, TailContent: "欢迎再来"},
		&kf.Location{Name: "腾讯", Address: "深圳", Latitude: 22.5, Longitude: 113.9},
		&kf.CALink{LinkURL: "https://work.weixin.qq.com/ca/cawcde"},
	}
	wantTypes := []string{"text", "image", "voice", "video", "file", "link", "miniprogram", "msgmenu", "location", "ca_link"}
	for i := 0; i < len(contents); i += kf.SendQuota {
		f.srv.CustomerWrites(corpID, kfID, "wmD", "问题") // a new message opens a new quota of 5
		for _, c := range contents[i:min(i+kf.SendQuota, len(contents))] {
			_, err := f.c.Send(ctx, kfID, "wmD", c)
			require.NoError(t, err)
		}
	}
	var got []string
	for _, m := range f.srv.KFSent(corpID, kfID) {
		got = append(got, m.MsgType)
	}
	require.Equal(t, wantTypes, got)

	_, err = f.c.Send(ctx, kfID, "wmD", &kf.Text{Content: "第六条"})
	require.Equal(t, 95001, wecom.ErrorCode(err), "a sixth message after the customer's last")

	f.srv.CustomerWrites(corpID, kfID, "wmD", "在吗")
	id, err := f.c.Send(ctx, kfID, "wmD", &kf.Text{Content: "在"}, kf.WithMsgID("reply-1"))
	require.NoError(t, err)
	require.Equal(t, "reply-1", id)
	_, err = f.c.Send(ctx, kfID, "wmD", &kf.Text{Content: "在"}, kf.WithMsgID("reply-1"))
	require.Equal(t, 40058, wecom.ErrorCode(err), "a msgid is unique within the account")
	_, err = f.c.Send(ctx, kfID, "wmD", &kf.Image{MediaID: voice})
	require.Equal(t, 40007, wecom.ErrorCode(err), "a voice is not an image")
	menu := func(items ...map[string]any) error {
		return f.wc.Post(ctx, "/cgi-bin/kf/send_msg", nil, map[string]any{"touser": "wmD", "open_kfid": kfID,
			"msgtype": "msgmenu", "msgmenu": map[string]any{"head_content": "请选择", "list": items}}, nil)
	}
	eleven := make([]map[string]any, 11)
	for i := range eleven {
		eleven[i] = map[string]any{"type": "text", "text": map[string]any{"content": "x"}}
	}
	require.Equal(t, 95008, wecom.ErrorCode(menu(eleven...)), "菜单消息的菜单项个数超过上限")
	require.Equal(t, 95009, wecom.ErrorCode(menu(map[string]any{"type": "phone"})), "不合法的菜单消息的菜单项类型")

	f.clock.Advance(48*time.Hour + time.Second)
	_, err = f.c.Send(ctx, kfID, "wmD", &kf.Text{Content: "迟到的回复"})
	require.Equal(t, 95002, wecom.ErrorCode(err), "48 hours after the customer's last message")

	for _, bad := range []kf.Content{&kf.Text{}, &kf.Text{Content: strings.Repeat("x", 2049)}, &kf.Image{},
		&kf.Menu{List: make([]kf.MenuItem, 11)}, &kf.Menu{List: []kf.MenuItem{{Type: "click"}}},
		&kf.Location{Latitude: 91}, nil} {
		_, err := f.c.Send(ctx, kfID, "wmD", bad)
		require.ErrorIs(t, err, kf.ErrInvalidArgument, "%#v", bad)
	}
	_, err = f.c.Send(ctx, kfID, "wmD", &kf.Text{Content: "x"}, kf.WithMsgID("含中文"))
	require.ErrorIs(t, err, kf.ErrInvalidArgument)
}

func TestWelcomeOnEnterSession(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kfID := f.srv.AddKFAccount(corpID, "售前")
	code := f.srv.CustomerEnters(corpID, kfID, "wmE", "ad", "campaign=7")
	require.NotEmpty(t, code)

	page, err := f.c.SyncMsg(ctx, kf.SyncRequest{OpenKfID: kfID})
	require.NoError(t, err)
	require.Len(t, page.MsgList, 1)
	ev := page.MsgList[0]
	require.True(t, ev.Known())
	require.Equal(t, "event", ev.MsgType)
	require.Equal(t, kf.EventEnterSession, ev.Event.EventType)
	require.Equal(t, code, ev.Event.WelcomeCode)
	require.Equal(t, "campaign=7", ev.Event.SceneParam)

	_, err = f.c.SendOnEvent(ctx, ev.Event.WelcomeCode, &kf.Image{MediaID: "x"})
	require.ErrorIs(t, err, kf.ErrInvalidArgument, "event messages are text or menus")
	_, err = f.c.SendOnEvent(ctx, ev.Event.WelcomeCode, &kf.Menu{HeadContent: "欢迎", List: []kf.MenuItem{
		{Type: "click", Click: &kf.MenuClick{ID: "1", Content: "查订单"}}}})
	require.NoError(t, err)
	require.Equal(t, "msgmenu", f.srv.KFSent(corpID, kfID)[0].MsgType)

	require.Empty(t, f.srv.CustomerEnters(corpID, kfID, "wmE", "ad", ""), "one welcome in 48 hours")
	code2 := f.srv.CustomerEnters(corpID, kfID, "wmF", "", "")
	f.clock.Advance(21 * time.Second)
	_, err = f.c.SendOnEvent(ctx, code2, &kf.Text{Content: "欢迎"})
	require.Equal(t, 40058, wecom.ErrorCode(err), "a welcome code lives 20 seconds")

	cs, invalid, err := f.c.Customers(ctx, []string{"wmE", "wmZ"}, true)
	require.NoError(t, err)
	require.Equal(t, []string{"wmZ"}, invalid)
	require.Equal(t, "ad", cs[0].EnterSessionContext.Scene)
}

func TestSyncMsgTokenCursorAndLimit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kfID := f.srv.AddKFAccount(corpID, "售后")
	for i := 0; i < 5; i++ {
		f.srv.CustomerWrites(corpID, kfID, "wmA", "m")
	}
	tok := f.srv.KFCallbackToken(corpID, kfID)
	p1, err := f.c.SyncMsg(ctx, kf.SyncRequest{OpenKfID: kfID, Token: tok, Limit: 3})
	require.NoError(t, err)
	require.Len(t, p1.MsgList, 3)
	require.True(t, p1.More())
	p2, err := f.c.SyncMsg(ctx, kf.SyncRequest{OpenKfID: kfID, Token: tok, Limit: 3, Cursor: p1.NextCursor})
	require.NoError(t, err)
	require.Len(t, p2.MsgList, 2)
	require.False(t, p2.More())
	require.Equal(t, kf.OriginCustomer, p2.MsgList[0].Origin)
	require.Equal(t, "m", p2.MsgList[0].Text.Content)

	_, err = f.c.SyncMsg(ctx, kf.SyncRequest{OpenKfID: kfID, Limit: 1001})
	require.ErrorIs(t, err, kf.ErrInvalidArgument)
	calls := f.srv.Calls("/cgi-bin/kf/sync_msg")
	_, err = f.c.SyncMsg(ctx, kf.SyncRequest{Token: tok})
	require.ErrorIs(t, err, kf.ErrInvalidArgument, "open_kfid is required (doc 94670)")
	require.Equal(t, calls, f.srv.Calls("/cgi-bin/kf/sync_msg"), "refused before any call")
	err = f.wc.Post(ctx, "/cgi-bin/kf/sync_msg", nil, map[string]any{"cursor": ""}, nil)
	require.Equal(t, 60251, wecom.ErrorCode(err), "the fake refuses a read without open_kfid (缺少openkfid)")
	f.clock.Advance(10 * time.Minute)
	_, err = f.c.SyncMsg(ctx, kf.SyncRequest{OpenKfID: kfID, Token: tok})
	require.Equal(t, 95007, wecom.ErrorCode(err), "a callback token lives 10 minutes")
	require.NotContains(t, err.Error(), tok, "the token stays out of errors")

	f.clock.Advance(72 * time.Hour)
	p3, err := f.c.SyncMsg(ctx, kf.SyncRequest{OpenKfID: kfID})
	require.NoError(t, err)
	require.Empty(t, p3.MsgList, "sync_msg keeps 3 days")
}

func TestUpgradeAndStatistics(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	kfID := f.srv.AddKFAccount(corpID, "售后", "zhangsan")
	f.srv.SetKFUpgradeConfig(corpID, wecomtest.KFUpgradeConfig{UserIDs: []string{"zhangsan"}, ChatIDs: []string{"wrOg"}})
	cfg, err := f.c.UpgradeServiceConfig(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"zhangsan"}, cfg.MemberRange.UserIDList)
	require.Equal(t, []string{"wrOg"}, cfg.GroupChatRange.ChatIDList)

	f.srv.CustomerWrites(corpID, kfID, "wmA", "要专人")
	f.srv.CustomerWrites(corpID, kfID, "wmA", "谢谢")
	f.srv.CustomerWrites(corpID, kfID, "wmB", "hi")
	require.NoError(t, f.c.UpgradeToMember(ctx, kfID, "wmA", "zhangsan", "专属顾问"))
	u, ok := f.srv.KFUpgradeOf(corpID, kfID, "wmA")
	require.True(t, ok)
	require.Equal(t, wecomtest.KFUpgrade{Type: kf.UpgradeMember, Target: "zhangsan", Wording: "专属顾问"}, u)
	require.Equal(t, 95021, wecom.ErrorCode(f.c.UpgradeToGroupChat(ctx, kfID, "wmA", "wrOther", "")), "a group chat outside the upgrade range")
	require.Equal(t, 95021, wecom.ErrorCode(f.c.UpgradeToMember(ctx, kfID, "wmA", "lisi", "")), "a member outside the upgrade range")
	require.NoError(t, f.c.CancelUpgradeService(ctx, kfID, "wmA"))
	_, ok = f.srv.KFUpgradeOf(corpID, kfID, "wmA")
	require.False(t, ok)

	_, err = f.c.TransServiceState(ctx, kfID, "wmA", kf.StateServicer, "zhangsan")
	require.NoError(t, err)
	now := f.clock.Now()
	stats, err := f.c.CorpStatistic(ctx, kfID, now.Add(-time.Hour), now)
	require.NoError(t, err)
	require.Len(t, stats, 1)
	require.EqualValues(t, 3, stats[0].Statistic.CustomerMsgCnt)
	require.EqualValues(t, 2, stats[0].Statistic.CustomerCnt)
	ss, err := f.c.ServicerStatistic(ctx, kfID, "zhangsan", now.Add(-time.Hour), now)
	require.NoError(t, err)
	require.EqualValues(t, 1, ss[0].Statistic.SessionCnt)
	_, err = f.c.CorpStatistic(ctx, kfID, now, now.Add(-time.Hour))
	require.ErrorIs(t, err, kf.ErrInvalidArgument)
}

func TestMessageTypesAndUnknownKeptRaw(t *testing.T) {
	page := `{"next_cursor":"c","has_more":0,"msg_list":[
	{"msgid":"1","open_kfid":"wk","external_userid":"wm","send_time":1,"origin":3,"msgtype":"image","image":{"media_id":"M"}},
	{"msgid":"2","origin":3,"msgtype":"location","location":{"latitude":23.1,"longitude":113.3,"name":"广州塔","address":"广州"}},
	{"msgid":"3","origin":3,"msgtype":"business_card","business_card":{"userid":"zhangsan"}},
	{"msgid":"4","origin":3,"msgtype":"miniprogram","miniprogram":{"appid":"wx1","title":"t","thumb_media_id":"T","pagepath":"p"}},
	{"msgid":"5","origin":3,"msgtype":"text","text":{"content":"满意","menu_id":"101"}},
	{"msgid":"6","origin":3,"msgtype":"channels","channels":{"sub_type":1,"nickname":"视频号","title":"新品"}},
	{"msgid":"7","origin":4,"msgtype":"event","event":{"event_type":"msg_send_fail","open_kfid":"wk","external_userid":"wm","fail_msgid":"X","fail_type":4}},
	{"msgid":"8","origin":4,"msgtype":"event","event":{"event_type":"servicer_status_change","servicer_userid":"zs","status":2,"stop_type":1}},
	{"msgid":"9","origin":4,"msgtype":"event","event":{"event_type":"session_status_change","change_type":3,"old_servicer_userid":"zs","msg_code":"MC"}},
	{"msgid":"10","origin":4,"msgtype":"event","event":{"event_type":"user_recall_msg","recall_msgid":"5"}},
	{"msgid":"11","origin":4,"msgtype":"event","event":{"event_type":"servicer_recall_msg","recall_msgid":"6","servicer_userid":"zs"}},
	{"msgid":"12","origin":3,"msgtype":"note","note":{"anything":[1,2]}},
	{"msgid":"13","origin":4,"msgtype":"event","event":{"event_type":"future_event","x":1}},
	{"msgid":"14","origin":3,"msgtype":"text","text":{"content":{"unexpected":"object"}}}]}`
	var p kf.SyncPage
	require.NoError(t, json.Unmarshal([]byte(page), &p))
	m := p.MsgList
	require.Len(t, m, 14)
	require.Equal(t, "M", m[0].Image.MediaID)
	require.Equal(t, "广州塔", m[1].Location.Name)
	require.Equal(t, "zhangsan", m[2].BusinessCard.UserID)
	require.Equal(t, "p", m[3].MiniProgram.PagePath)
	require.Equal(t, "101", m[4].Text.MenuID)
	require.Equal(t, "新品", m[5].Channels.Title)
	require.Equal(t, 4, m[6].Event.FailType)
	require.Equal(t, 1, m[7].Event.StopType)
	require.Equal(t, "MC", m[8].Event.MsgCode)
	require.Equal(t, "5", m[9].Event.RecallMsgID)
	require.Equal(t, "zs", m[10].Event.ServicerUserID)
	for i := 0; i < 11; i++ {
		require.True(t, m[i].Known(), i)
	}
	for _, u := range m[11:] {
		require.False(t, u.Known(), u.MsgID)
		require.True(t, json.Valid(u.Raw))
	}
	require.Equal(t, "14", m[13].MsgID, "the envelope survives a malformed field")
	require.Contains(t, string(m[12].Raw), "future_event")
	require.Error(t, json.Unmarshal([]byte(`{"msg_list":[1]}`), &p), "a page that is not a list of objects is malformed")
}

func TestWrongTokenKind(t *testing.T) {
	srv := wecomtest.NewServer()
	t.Cleanup(srv.Close)
	c, err := wecom.NewServiceClient(wecom.SuiteAccessToken, wecom.StaticToken("x"), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = kf.New(c).SyncMsg(context.Background(), kf.SyncRequest{OpenKfID: "wk"})
	var kind *wecom.TokenKindError
	require.True(t, errors.As(err, &kind))
	require.Zero(t, srv.Calls("/cgi-bin/kf/sync_msg"))
}
