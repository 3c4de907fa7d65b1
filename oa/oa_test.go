package oa_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/oa"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID  = "ww-oa-corp"
	agentID = 1000002
	secret  = "oa-app-secret"
)

type fixture struct {
	srv    *wecomtest.Server
	clock  *wecomtest.Clock
	client *wecom.Client
	oa     *oa.Client
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := wecomtest.NewClock(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL), wecom.WithClock(clock.Now))
	require.NoError(t, err)
	return &fixture{srv: srv, clock: clock, client: c, oa: oa.New(c)}
}

// leaveTemplate is a template with a required text and a table of money.
func leaveTemplate(name string) oa.Template {
	return oa.Template{Names: oa.Chinese(name), Controls: []oa.TemplateControl{
		{Property: oa.ControlProperty{Kind: oa.KindText, ID: "Text-01", Title: oa.Chinese("事由"), Require: 1}},
		{Property: oa.ControlProperty{Kind: oa.KindTable, ID: "Table-01", Title: oa.Chinese("明细")},
			Config: &oa.ControlConfig{Table: &oa.TableConfig{Children: []oa.TemplateControl{
				{Property: oa.ControlProperty{Kind: oa.KindMoney, ID: "Money-01", Title: oa.Chinese("金额")}}}}}},
		{Property: oa.ControlProperty{Kind: oa.KindDate, ID: "Date-01", Title: oa.Chinese("日期")},
			Config: &oa.ControlConfig{Date: &oa.DateConfig{Type: "day"}}},
	}}
}

func TestTemplates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	id, err := f.oa.CreateTemplate(ctx, leaveTemplate("报销"))
	require.NoError(t, err)
	seen, ok := f.srv.ApprovalTemplate(corpID, id)
	require.True(t, ok)
	require.Equal(t, leaveTemplate("报销"), seen, "the fake saw the template as sent")

	got, err := f.oa.Template(ctx, id)
	require.NoError(t, err)
	require.Equal(t, "报销", oa.TextOf(got.Names, "zh_CN"))
	require.Len(t, got.Controls, 3)
	require.Equal(t, oa.KindMoney, got.Controls[1].Config.Table.Children[0].Property.Kind)
	require.Equal(t, "day", got.Controls[2].Config.Date.Type)

	upd := leaveTemplate("差旅报销")
	upd.Controls = upd.Controls[:1]
	require.NoError(t, f.oa.UpdateTemplate(ctx, id, upd))
	got, err = f.oa.Template(ctx, id)
	require.NoError(t, err)
	require.Equal(t, "差旅报销", oa.TextOf(got.Names, ""))
	require.Len(t, got.Controls, 1)

	// WeCom's answers.
	_, err = f.oa.CreateTemplate(ctx, leaveTemplate("差旅报销"))
	require.Equal(t, 301025, wecom.ErrorCode(err), "a name in use")
	_, err = f.oa.Template(ctx, "nope")
	require.Equal(t, 301025, wecom.ErrorCode(err))
	require.ErrorContains(t, err, "oa: template nope")
	admin := f.srv.AddApprovalTemplate(corpID, leaveTemplate("请假"))
	require.Equal(t, 301088, wecom.ErrorCode(f.oa.UpdateTemplate(ctx, admin, leaveTemplate("请假2"))), "only the app's own templates")

	// Refused before any call.
	calls := f.srv.Calls("/cgi-bin/oa/approval/create_template")
	bad := leaveTemplate("x")
	bad.Controls = append(bad.Controls, bad.Controls[0])
	_, err = f.oa.CreateTemplate(ctx, bad)
	require.ErrorIs(t, err, oa.ErrInvalidArgument)
	_, err = f.oa.CreateTemplate(ctx, oa.Template{Names: oa.Chinese("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一")})
	require.ErrorIs(t, err, oa.ErrInvalidArgument)
	two := leaveTemplate("y")
	two.Controls = append(two.Controls,
		oa.TemplateControl{Property: oa.ControlProperty{Kind: oa.KindVacation, ID: "vacation-1", Title: oa.Chinese("请假")}},
		oa.TemplateControl{Property: oa.ControlProperty{Kind: oa.KindAttendance, ID: "attendance-1", Title: oa.Chinese("出差")}})
	_, err = f.oa.CreateTemplate(ctx, two)
	require.ErrorIs(t, err, oa.ErrInvalidArgument)
	require.Equal(t, calls, f.srv.Calls("/cgi-bin/oa/approval/create_template"))
}

func application(tpl string) oa.Application {
	return oa.Application{
		CreatorUserID: "zhangsan", TemplateID: tpl,
		Process: oa.Process{Nodes: []oa.Node{
			{Type: oa.NodeApprover, Rel: oa.RelAll, UserIDs: []string{"lisi", "wangwu"}},
			{Type: oa.NodeApprover, Rel: oa.RelAny, UserIDs: []string{"boss"}},
			{Type: oa.NodeCC, UserIDs: []string{"hr"}},
		}},
		ChooseDepartment: 3,
		Controls: []oa.Control{
			{Kind: oa.KindText, ID: "Text-01", Text: "客户拜访"},
			{Kind: oa.KindTable, ID: "Table-01", Rows: []oa.TableRow{
				{Controls: []oa.Control{{Kind: oa.KindMoney, ID: "Money-01", Money: "120.50"}}},
				{Controls: []oa.Control{{Kind: oa.KindMoney, ID: "Money-01", Money: "30"}}},
			}},
			{Kind: oa.KindDate, ID: "Date-01", Date: &oa.DateValue{Type: "day", Timestamp: "1740787200"}},
		},
		Summary: []string{"事由: 客户拜访", "金额: 150.50"},
	}
}

func TestApplyAndDetail(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tpl := f.srv.AddApprovalTemplate(corpID, leaveTemplate("报销"))

	spNo, err := f.oa.Apply(ctx, application(tpl))
	require.NoError(t, err)
	require.Equal(t, "202503010001", spNo, "numbered by day in UTC+8")

	seen, ok := f.srv.Approval(corpID, spNo)
	require.True(t, ok)
	require.Equal(t, "zhangsan", seen.Applicant.UserID)
	require.Equal(t, "3", seen.Applicant.PartyID)
	require.Len(t, seen.Records, 2)
	require.Equal(t, oa.AllApprovers, seen.Records[0].ApproverAttr)
	require.Equal(t, "wangwu", seen.Records[0].Details[1].Approver.UserID)
	require.Equal(t, "120.50", seen.Data.Contents[1].Rows[0].Controls[0].Money)

	a, err := f.oa.Approval(ctx, spNo)
	require.NoError(t, err)
	require.Equal(t, oa.StatusPending, a.Status)
	require.Equal(t, "报销", a.SpName)
	require.Equal(t, tpl, a.TemplateID)
	require.Equal(t, f.clock.Now().Unix(), a.ApplyTime)
	require.Equal(t, []oa.UserRef{{UserID: "hr"}}, a.Notifiers)
	require.Equal(t, oa.NodePending, a.Records[1].Details[0].Status)
	require.Equal(t, "客户拜访", oa.Find(a.Data.Contents, "Text-01").Text)
	require.Equal(t, "事由", oa.TextOf(oa.Find(a.Data.Contents, "Text-01").Title, "zh_CN"), "titles come from the template")
	require.Equal(t, "30", a.Data.Contents[1].Rows[1].Controls[0].Money)
	require.Equal(t, time.Unix(1740787200, 0), oa.Find(a.Data.Contents, "Date-01").Date.Time())

	second, err := f.oa.Apply(ctx, application(tpl))
	require.NoError(t, err)
	require.Equal(t, "202503010002", second)

	// WeCom's answers.
	app := application(tpl)
	app.Controls = app.Controls[1:]
	_, err = f.oa.Apply(ctx, app)
	require.Equal(t, 301025, wecom.ErrorCode(err), "a required control left out")
	app = application(tpl)
	app.Controls = append(app.Controls, oa.Control{Kind: oa.KindText, ID: "Text-99", Text: "x"})
	_, err = f.oa.Apply(ctx, app)
	require.Equal(t, 301025, wecom.ErrorCode(err), "a control the template lacks")
	_, err = f.oa.Apply(ctx, application("no-such-template"))
	require.Equal(t, 301025, wecom.ErrorCode(err))
	_, err = f.oa.Approval(ctx, "209901010001")
	require.Equal(t, 301025, wecom.ErrorCode(err))

	// Refused before any call.
	calls := f.srv.Calls("/cgi-bin/oa/applyevent")
	for _, mod := range []func(*oa.Application){
		func(a *oa.Application) { a.CreatorUserID = "" },
		func(a *oa.Application) { a.Process = oa.Process{} },
		func(a *oa.Application) { a.UseTemplateApprover = true },
		func(a *oa.Application) { a.Process.Nodes[0].UserIDs = nil },
		func(a *oa.Application) { a.Process.Nodes[1].UserIDs = []string{""} },
		func(a *oa.Application) { a.Process.Nodes[0].Type = 4 },
		func(a *oa.Application) { a.Process.Nodes[0].Rel = 0 },
		func(a *oa.Application) { a.Process.Nodes[2].Rel = oa.RelAny },
		func(a *oa.Application) { a.Summary = []string{"1", "2", "3", "4"} },
		func(a *oa.Application) {
			a.Summary = []string{"一二三四五六七八九十一二三四五六七八九十一"}
		},
		func(a *oa.Application) {
			a.Controls = []oa.Control{{Kind: oa.KindFile, ID: "f", Files: make([]oa.File, 7)}}
		},
	} {
		a := application(tpl)
		mod(&a)
		_, err := f.oa.Apply(ctx, a)
		require.ErrorIs(t, err, oa.ErrInvalidArgument)
	}
	require.Equal(t, calls, f.srv.Calls("/cgi-bin/oa/applyevent"))
	_, err = f.oa.Approval(ctx, "")
	require.ErrorIs(t, err, oa.ErrInvalidArgument)
}

func TestApplyWithTemplateProcess(t *testing.T) {
	f := newFixture(t)
	tpl := f.srv.AddApprovalTemplate(corpID, leaveTemplate("报销"))
	app := application(tpl)
	app.UseTemplateApprover, app.Process = true, oa.Process{}
	spNo, err := f.oa.Apply(context.Background(), app)
	require.NoError(t, err)
	seen, _ := f.srv.Approval(corpID, spNo)
	require.Empty(t, seen.Records, "the fake models no admin-set process")
}

func TestApprovalNumbers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	travel := f.srv.AddApprovalTemplate(corpID, leaveTemplate("差旅"))
	other := f.srv.AddApprovalTemplate(corpID, leaveTemplate("采购"))
	start := f.clock.Now()
	var want, wantTravel []string
	// 3 applications a day for 70 days, on two templates.
	for day := range 70 {
		for i := range 3 {
			tpl := travel
			if i == 2 {
				tpl = other
			}
			no, err := f.oa.Apply(ctx, application(tpl))
			require.NoError(t, err)
			want = append(want, no)
			if tpl == travel {
				wantTravel = append(wantTravel, no)
			}
			f.clock.Advance(time.Hour)
		}
		_ = day
		f.clock.Advance(21 * time.Hour)
	}
	end := f.clock.Now()
	f.srv.ResetCalls()

	var got []string
	for no, err := range f.oa.ApprovalNumbers(ctx, oa.ApprovalQuery{Start: start, End: end, PageSize: 20}) {
		require.NoError(t, err)
		got = append(got, no)
	}
	require.Equal(t, want, got, "every application once, in order, across 31-day windows")
	// 70 days: 3 windows; 93, 93 and 24 numbers: 5 + 5 + 2 pages.
	require.Equal(t, 12, f.srv.Calls("/cgi-bin/oa/getapprovalinfo"))

	got = got[:0]
	for no, err := range f.oa.ApprovalNumbers(ctx, oa.ApprovalQuery{Start: start, End: end,
		Filters: []oa.Filter{{Key: oa.FilterTemplateID, Value: travel}, {Key: oa.FilterStatus, Value: "1"}}}) {
		require.NoError(t, err)
		got = append(got, no)
	}
	require.Equal(t, wantTravel, got)

	require.NoError(t, f.srv.SetApprovalStatus(ctx, corpID, want[0], oa.StatusApproved))
	got = got[:0]
	for no, err := range f.oa.ApprovalNumbers(ctx, oa.ApprovalQuery{Start: start, End: end,
		Filters: []oa.Filter{{Key: oa.FilterStatus, Value: "2"}}}) {
		require.NoError(t, err)
		got = append(got, no)
	}
	require.Equal(t, want[:1], got)

	// Stopping early stops the calls; a cancelled context ends the walk.
	f.srv.ResetCalls()
	for range f.oa.ApprovalNumbers(ctx, oa.ApprovalQuery{Start: start, End: end, PageSize: 5}) {
		break
	}
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/oa/getapprovalinfo"))
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := 0
	var last error
	for _, err := range f.oa.ApprovalNumbers(cctx, oa.ApprovalQuery{Start: start, End: end, PageSize: 5}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 7 {
			cancel()
		}
	}
	require.ErrorIs(t, last, context.Canceled)
	require.Equal(t, 7, n)

	for _, err := range f.oa.ApprovalNumbers(ctx, oa.ApprovalQuery{Start: end, End: start}) {
		require.ErrorIs(t, err, oa.ErrInvalidArgument)
	}
}

// The fake answers WeCom's codes to calls no Client would make.
func TestApprovalInfoLimits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	post := func(body map[string]any) int {
		return wecom.ErrorCode(f.client.Post(ctx, "/cgi-bin/oa/getapprovalinfo", nil, body, nil))
	}
	require.Equal(t, 301025, post(map[string]any{"starttime": "1700000000", "endtime": "1702678401"}), "31 days and a second")
	require.Equal(t, 0, post(map[string]any{"starttime": 1700000000, "endtime": 1702678400}), "31 days, as numbers")
	require.Equal(t, 301025, post(map[string]any{"starttime": "1700000000", "endtime": "1699999999"}))
	require.Equal(t, 40058, post(map[string]any{"starttime": "1700000000", "endtime": "1700000001", "new_cursor": "forged"}))
	require.Equal(t, 301025, post(map[string]any{"starttime": "1700000000", "endtime": "1700000001",
		"filters": []map[string]string{{"key": "colour", "value": "red"}}}))
}

func TestApprovalEventPushed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const token, key = "cbtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	mc, err := crypto.New(token, key, corpID)
	require.NoError(t, err)
	events := make(chan *oa.ApprovalEvent, 4)
	cb := httptest.NewServer(crypto.NewHandler(mc, crypto.HandlerFunc(func(_ context.Context, ev *crypto.Event) ([]byte, error) {
		e, err := oa.ParseApprovalEvent(ev)
		if err != nil {
			return nil, err
		}
		events <- e
		return nil, nil
	})))
	defer cb.Close()

	tpl := f.srv.AddApprovalTemplate(corpID, leaveTemplate("报销"))
	spNo, err := f.oa.Apply(ctx, application(tpl))
	require.NoError(t, err)
	require.NoError(t, f.srv.SetApprovalStatus(ctx, corpID, spNo, oa.StatusApproved), "no callback: nothing pushed, no error")

	f.srv.SetAppCallback(corpID, agentID, wecomtest.AppCallback{URL: cb.URL, Token: token, EncodingAESKey: key})
	f.clock.Advance(time.Hour)
	spNo2, err := f.oa.Apply(ctx, application(tpl))
	require.NoError(t, err)
	require.NoError(t, f.srv.SetApprovalStatus(ctx, corpID, spNo2, oa.StatusRejected))
	e := <-events
	require.Equal(t, spNo2, e.SpNo)
	require.Equal(t, corpID, e.CorpID)
	require.Equal(t, int64(agentID), e.AgentID)
	require.Equal(t, oa.StatusRejected, e.Status)
	require.Equal(t, oa.ChangeRejected, e.Change)
	require.Equal(t, "报销", e.SpName)
	require.Equal(t, tpl, e.TemplateID)
	require.Equal(t, oa.Applicant{UserID: "zhangsan", PartyID: "3"}, e.Applicant)
	require.Len(t, e.Records, 2)
	require.Equal(t, oa.NodeRejected, e.Records[0].Status)
	require.Equal(t, f.clock.Now().Unix(), e.Records[0].Details[0].SpTime)
	require.Equal(t, oa.NodePending, e.Records[1].Status, "later nodes stay")
	require.Equal(t, []oa.UserRef{{UserID: "hr"}}, e.Notifiers)
	require.Equal(t, f.clock.Now().Unix(), e.At.Unix())

	a, err := f.oa.Approval(ctx, spNo2)
	require.NoError(t, err)
	require.Equal(t, oa.StatusRejected, a.Status)
	require.Error(t, f.srv.SetApprovalStatus(ctx, corpID, "209901010001", oa.StatusApproved))
}

func TestParseApprovalEvent(t *testing.T) {
	raw := []byte(`<xml><ToUserName><![CDATA[ww1]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>
<CreateTime>1571732272</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[sys_approval_change]]></Event>
<AgentID>3010040</AgentID><ApprovalInfo><SpNo>201910220003</SpNo><SpName><![CDATA[示例模板]]></SpName><SpStatus>1</SpStatus>
<TemplateId><![CDATA[3TkaH5KF]]></TemplateId><ApplyTime>1571728713</ApplyTime>
<Applyer><UserId><![CDATA[WuJunJie]]></UserId><Party><![CDATA[1]]></Party></Applyer>
<SpRecord><SpStatus>1</SpStatus><ApproverAttr>2</ApproverAttr><Details><Approver><UserId><![CDATA[WangXiaoMing]]></UserId></Approver>
<Speech><![CDATA[]]></Speech><SpStatus>1</SpStatus><SpTime>0</SpTime></Details></SpRecord>
<Notifyer><UserId><![CDATA[LiuXiaoGang]]></UserId></Notifyer>
<Comments><CommentUserInfo><UserId><![CDATA[WuJunJie]]></UserId></CommentUserInfo><CommentTime>1571732272</CommentTime>
<CommentContent><![CDATA[备注]]></CommentContent><CommentId><![CDATA[6750538708562308139]]></CommentId></Comments>
<Comments><CommentUserInfo><UserId><![CDATA[WuJunJie]]></UserId></CommentUserInfo><CommentTime>1571732300</CommentTime>
<CommentContent><![CDATA[附件]]></CommentContent><CommentId><![CDATA[6750538708562308140]]></CommentId>
<Attach><![CDATA[mA]]></Attach><MediaId><![CDATA[mB]]></MediaId></Comments>
<StatuChangeEvent>10</StatuChangeEvent></ApprovalInfo></xml>`)
	ev, err := crypto.ParseEvent(raw)
	require.NoError(t, err)
	e, err := oa.ParseApprovalEvent(ev)
	require.NoError(t, err)
	require.Equal(t, "201910220003", e.SpNo, "SpNo, when there is no SpNoStr")
	require.Equal(t, int64(3010040), e.AgentID)
	require.Equal(t, oa.ChangeCommented, e.Change)
	require.Equal(t, oa.StatusPending, e.Status)
	require.Equal(t, "WangXiaoMing", e.Records[0].Details[0].Approver.UserID)
	require.Equal(t, oa.AllApprovers, e.Records[0].ApproverAttr)
	require.Equal(t, "备注", e.Comments[0].Content)
	require.Empty(t, e.Comments[0].MediaIDs)
	require.Equal(t, []string{"mA", "mB"}, e.Comments[1].MediaIDs, "Attach and the older table's MediaId are both read")
	require.Equal(t, "LiuXiaoGang", e.Notifiers[0].UserID)

	other, err := crypto.ParseEvent([]byte(`<xml><MsgType>event</MsgType><Event>change_contact</Event></xml>`))
	require.NoError(t, err)
	_, err = oa.ParseApprovalEvent(other)
	require.ErrorIs(t, err, oa.ErrNotApprovalEvent)
	_, err = oa.ParseApprovalEvent(nil)
	require.ErrorIs(t, err, oa.ErrNotApprovalEvent)
	bad, err := crypto.ParseEvent([]byte(`<xml><Event>sys_approval_change</Event><ApprovalInfo><SpNo>1</SpNo><SpStatus>x</SpStatus></ApprovalInfo></xml>`))
	require.NoError(t, err)
	_, err = oa.ParseApprovalEvent(bad)
	require.ErrorContains(t, err, "SpStatus is not a number")
}

func TestLeave(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.srv.SetLeaveTypes(corpID, []oa.LeaveType{
		{ID: 1, Name: "年假", TimeAttr: 0, PerDayDuration: 86400, QuotaAttr: oa.QuotaAttr{Type: 1, AutoResetDuration: 432000}},
		{ID: 2, Name: "事假", TimeAttr: 1, PerDayDuration: 28800, ExpireRule: &oa.ExpireRule{Type: 4}},
	})
	types, err := f.oa.LeaveTypes(ctx)
	require.NoError(t, err)
	require.Len(t, types, 2)
	require.Equal(t, "年假", types[0].Name)
	require.Equal(t, int64(432000), types[0].QuotaAttr.AutoResetDuration)
	require.Equal(t, 4, types[1].ExpireRule.Type)

	f.srv.SetLeaveBalance(corpID, "zhangsan", oa.LeaveBalance{ID: 1, Assigned: 432000, Used: 86400, Left: 345600})
	bals, err := f.oa.LeaveBalances(ctx, "zhangsan")
	require.NoError(t, err)
	require.Equal(t, []oa.LeaveBalance{{ID: 1, Name: "年假", Assigned: 432000, Used: 86400, Left: 345600},
		{ID: 2, Name: "事假"}}, bals)

	require.NoError(t, f.oa.SetLeaveBalance(ctx, oa.LeaveBalanceUpdate{UserID: "zhangsan", VacationID: 1, Left: 5 * 24 * time.Hour, Remarks: "补发"}))
	b, _ := f.srv.LeaveBalance(corpID, "zhangsan", 1)
	require.Equal(t, int64(432000), b.Left)
	require.Equal(t, int64(518400), b.Assigned, "used + left")
	require.NoError(t, f.oa.SetLeaveBalance(ctx, oa.LeaveBalanceUpdate{UserID: "lisi", VacationID: 2, Left: 90 * time.Minute, ByHour: true}))
	b, _ = f.srv.LeaveBalance(corpID, "lisi", 2)
	require.Equal(t, int64(5400), b.Left)

	err = f.oa.SetLeaveBalance(ctx, oa.LeaveBalanceUpdate{UserID: "zhangsan", VacationID: 1, Left: 6 * time.Minute, ByHour: true})
	require.Equal(t, 301063, wecom.ErrorCode(err), "the type is taken by the day")
	err = f.oa.SetLeaveBalance(ctx, oa.LeaveBalanceUpdate{UserID: "zhangsan", VacationID: 9, Left: 24 * time.Hour})
	require.Equal(t, 301063, wecom.ErrorCode(err), "no such type")
	calls := f.srv.Calls("/cgi-bin/oa/vacation/setoneuserquota")
	for _, u := range []oa.LeaveBalanceUpdate{
		{UserID: "zhangsan", VacationID: 1, Left: time.Hour},                 // not 0.1 day
		{UserID: "zhangsan", VacationID: 2, Left: time.Minute, ByHour: true}, // not 0.1 hour
		{UserID: "zhangsan", VacationID: 1, Left: 1001 * 24 * time.Hour},     // over 1000 days
		{UserID: "", VacationID: 1, Left: 24 * time.Hour},                    // no userid
	} {
		require.ErrorIs(t, f.oa.SetLeaveBalance(ctx, u), oa.ErrInvalidArgument)
	}
	require.Equal(t, calls, f.srv.Calls("/cgi-bin/oa/vacation/setoneuserquota"))
	_, err = f.oa.LeaveBalances(ctx, "")
	require.ErrorIs(t, err, oa.ErrInvalidArgument)
}

// Every declaration passes the endpoint layer's checks.
func TestEndpoints(t *testing.T) {
	for _, e := range oa.Endpoints() {
		require.NoError(t, e.Check(), e.Path)
		require.Equal(t, wecom.AccessToken, e.Kind)
	}
	require.Len(t, oa.Endpoints(), 9)
}
