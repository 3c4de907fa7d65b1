package checkin_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/checkin"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID  = "ww-chk-corp"
	agentID = 1000003
	secret  = "chk-app-secret"
)

type fixture struct {
	srv    *wecomtest.Server
	client *wecom.Client
	chk    *checkin.Client
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return &fixture{srv: srv, client: c, chk: checkin.New(c)}
}

// officeRule: Monday to Friday, 9:00 to 18:00, 5 minutes late allowed.
func officeRule(users ...string) checkin.Rule {
	return checkin.Rule{Type: checkin.RuleFixed, ID: 1, Name: "办公室", CheckinDate: []checkin.CheckinDate{{
		Workdays: []int{1, 2, 3, 4, 5}, CheckinTime: []checkin.CheckinTime{{WorkSec: 9 * 3600, OffWorkSec: 18 * 3600}},
		FlexOnDutyTime: 300,
	}}, LocInfos: []checkin.Place{{Lat: 30547030, Lng: 104062890, Title: "腾讯成都大厦", Distance: 300}},
		Range: &checkin.Range{UserIDs: users}}
}

func shiftRule(users ...string) checkin.Rule {
	return checkin.Rule{Type: checkin.RuleShifts, ID: 2, Name: "排班", Range: &checkin.Range{UserIDs: users},
		Schedules: []checkin.Schedule{
			{ID: 10, Name: "早班", TimeSections: []checkin.TimeSection{{ID: 1, WorkSec: 8 * 3600, OffWorkSec: 16 * 3600}}},
			{ID: 11, Name: "晚班", TimeSections: []checkin.TimeSection{{ID: 2, WorkSec: 16 * 3600, OffWorkSec: 24 * 3600}}},
		}}
}

// at is a time of day on a date, in WeCom's zone.
func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, checkin.Zone)
}

func TestRules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.srv.SetCheckinRules(corpID, []checkin.Rule{officeRule("zhangsan", "lisi"), shiftRule("wangwu")})

	rules, err := f.chk.CorpRules(ctx)
	require.NoError(t, err)
	require.Len(t, rules, 2)
	require.Equal(t, officeRule("zhangsan", "lisi"), rules[0])
	require.Equal(t, "晚班", rules[1].Schedules[1].Name)

	users := []string{"zhangsan", "wangwu", "nobody"}
	for i := range 150 {
		users = append(users, fmt.Sprintf("u%03d", i))
	}
	got, err := f.chk.Rules(ctx, at(2025, 3, 3, 12, 0), users)
	require.NoError(t, err)
	require.Len(t, got, 2, "members without a rule are left out")
	require.Equal(t, "zhangsan", got[0].UserID)
	require.Equal(t, int64(9*3600), got[0].Rule.CheckinDate[0].CheckinTime[0].WorkSec)
	require.Equal(t, checkin.RuleShifts, got[1].Rule.Type)
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/checkin/getcheckinoption"), "153 members: 2 calls")

	_, err = f.chk.Rules(ctx, time.Now(), nil)
	require.ErrorIs(t, err, checkin.ErrInvalidArgument)
	_, err = f.chk.Rules(ctx, time.Now(), []string{""})
	require.ErrorIs(t, err, checkin.ErrInvalidArgument)
}

// TestRecordsSplitAndMerge reads 250 members' check-ins over 75 days: 3
// windows of 30 days times 3 runs of members, merged in time order, each
// call within WeCom's limits (the fake refuses any other).
func TestRecordsSplitAndMerge(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var users []string
	for i := range 250 {
		users = append(users, fmt.Sprintf("user%03d", i))
	}
	f.srv.SetCheckinRules(corpID, []checkin.Rule{officeRule(users...)})
	start := at(2025, 1, 1, 0, 0)
	end := start.AddDate(0, 0, 75).Add(-time.Second)
	want := 0
	for d := range 75 {
		for i, u := range users {
			// Members check in a minute apart, in reverse order of their ids.
			t0 := start.AddDate(0, 0, d).Add(9*time.Hour + time.Duration(250-i)*time.Second)
			f.srv.AddCheckinRecord(corpID, checkin.Record{UserID: u, CheckinTime: t0.Unix()})
			want++
		}
	}
	// One outing, and one check-in outside the period.
	f.srv.AddCheckinRecord(corpID, checkin.Record{UserID: "user007", CheckinTime: start.Add(12 * time.Hour).Unix(), CheckinType: "外出打卡"})
	f.srv.AddCheckinRecord(corpID, checkin.Record{UserID: "user007", CheckinTime: end.Add(time.Second).Unix()})

	recs, err := f.chk.Records(ctx, checkin.RecordQuery{Start: start, End: end, UserIDs: users})
	require.NoError(t, err)
	require.Len(t, recs, want+1)
	require.True(t, slices.IsSortedFunc(recs, func(x, y checkin.Record) int {
		if x.CheckinTime != y.CheckinTime {
			return int(x.CheckinTime - y.CheckinTime)
		}
		return 0
	}), "merged by time")
	require.Equal(t, "user249", recs[0].UserID, "the earliest first")
	require.Equal(t, "上班打卡", recs[0].CheckinType)
	require.Equal(t, "办公室", recs[0].GroupName)
	require.Equal(t, start.Add(9*time.Hour).Unix(), recs[0].SchCheckinTime)
	seen := map[string]int{}
	for _, r := range recs {
		seen[r.UserID]++
	}
	require.Len(t, seen, 250)
	require.Equal(t, 76, seen["user007"])
	require.Equal(t, 9, f.srv.Calls("/cgi-bin/checkin/getcheckindata"), "3 windows × 3 runs")

	outings, err := f.chk.Records(ctx, checkin.RecordQuery{Type: checkin.RecordsOuting, Start: start, End: end, UserIDs: users})
	require.NoError(t, err)
	require.Len(t, outings, 1)
	require.Equal(t, "外出打卡", outings[0].CheckinType)
	onOff, err := f.chk.Records(ctx, checkin.RecordQuery{Type: checkin.RecordsOnOffWork, Start: start, End: start.Add(24 * time.Hour), UserIDs: users[:3]})
	require.NoError(t, err)
	require.Len(t, onOff, 3)

	for _, q := range []checkin.RecordQuery{
		{Start: start, End: end},
		{Start: end, End: start, UserIDs: users},
		{Start: start, End: end, UserIDs: users, Type: 4},
	} {
		_, err := f.chk.Records(ctx, q)
		require.ErrorIs(t, err, checkin.ErrInvalidArgument)
	}
}

// The fake answers WeCom's codes to calls no Client would make.
func TestRecordLimits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	post := func(path string, body map[string]any) int {
		return wecom.ErrorCode(f.client.Post(ctx, path, nil, body, nil))
	}
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprint("u", i)
	}
	const day = 86400
	require.Equal(t, 301023, post("/cgi-bin/checkin/getcheckindata", map[string]any{"opencheckindatatype": 3, "starttime": 0, "endtime": day, "useridlist": many}))
	require.Equal(t, 301024, post("/cgi-bin/checkin/getcheckindata", map[string]any{"opencheckindatatype": 3, "starttime": day, "endtime": 31*day + 1, "useridlist": []string{"a"}}))
	require.Equal(t, 0, post("/cgi-bin/checkin/getcheckindata", map[string]any{"opencheckindatatype": 3, "starttime": day, "endtime": 31 * day, "useridlist": []string{"a"}}))
	require.Equal(t, 301024, post("/cgi-bin/checkin/getcheckindata", map[string]any{"opencheckindatatype": 3, "starttime": 2 * day, "endtime": day, "useridlist": []string{"a"}}))
	require.Equal(t, 301024, post("/cgi-bin/checkin/getcheckindata", map[string]any{"opencheckindatatype": 3, "starttime": 0, "endtime": day, "useridlist": []string{"a"}}), "the table asks for times above 0")
	require.Equal(t, 301075, post("/cgi-bin/checkin/getcheckindata", map[string]any{"opencheckindatatype": 9, "starttime": day, "endtime": 2 * day, "useridlist": []string{"a"}}))
	require.Equal(t, 301023, post("/cgi-bin/checkin/getcheckin_daydata", map[string]any{"starttime": 0, "endtime": day, "useridlist": many}))
	require.Equal(t, 301023, post("/cgi-bin/checkin/getcheckinoption", map[string]any{"datetime": 0, "useridlist": many}))
	require.Equal(t, 301075, post("/cgi-bin/checkin/getcheckinschedulist", map[string]any{"starttime": 0, "endtime": 32 * day, "useridlist": []string{"a"}}))
	records := make([]map[string]any, 201)
	for i := range records {
		records[i] = map[string]any{"userid": "a", "checkin_time": 1}
	}
	require.Equal(t, 301075, post("/cgi-bin/checkin/add_checkin_record", map[string]any{"records": records}))
	require.Equal(t, 301075, post("/cgi-bin/checkin/add_checkin_record", map[string]any{"records": []map[string]any{{"userid": "a"}}}))
	for name, rec := range map[string]map[string]any{ // doc 99647's limits
		"two media ids":         {"mediaids": []string{"m1", "m2"}},
		"wifiname, no wifimac":  {"wifiname": "Tencent-WiFi"},
		"malformed wifimac":     {"wifiname": "Tencent-WiFi", "wifimac": "a2-8b-7f-c0-27-4b"},
		"1025-character notes":  {"notes": strings.Repeat("注", 1025)},
		"41-character device":   {"device_detail": strings.Repeat("d", 41)},
		"latitude out of range": {"lat": 90000001},
		"device type 4":         {"device_type": 4},
	} {
		rec["userid"], rec["checkin_time"] = "a", 1
		require.Equal(t, 301075, post("/cgi-bin/checkin/add_checkin_record", map[string]any{"records": []map[string]any{rec}}), name)
	}
	require.Equal(t, 0, post("/cgi-bin/checkin/add_checkin_record", map[string]any{"records": []map[string]any{
		{"userid": "a", "checkin_time": 1, "notes": strings.Repeat("注", 1024), "wifiname": "w", "wifimac": "A2:8b:7f:c0:27:4b", "mediaids": []string{"m"}, "device_type": 3}}}))
}

func TestAddRecords(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.srv.SetCheckinRules(corpID, []checkin.Rule{officeRule("zhangsan")})
	day := at(2025, 3, 3, 0, 0) // a Monday
	var add []checkin.NewRecord
	for i := range 450 {
		add = append(add, checkin.NewRecord{UserID: "lisi", CheckinTime: day.Add(time.Duration(i) * time.Minute).Unix()})
	}
	add = append(add,
		checkin.NewRecord{UserID: "zhangsan", CheckinTime: day.Add(9*time.Hour + 20*time.Minute).Unix(), LocationTitle: "腾讯成都大厦",
			Notes: "地铁延误", Lat: 30547645, Lng: 104063236, WifiName: "Tencent-WiFi", WifiMac: "a2:8b:7f:c0:27:4b", MediaIDs: []string{"m1"}},
		checkin.NewRecord{UserID: "zhangsan", CheckinTime: day.Add(18*time.Hour + 5*time.Minute).Unix()},
	)
	require.NoError(t, f.chk.AddRecords(ctx, add))
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/checkin/add_checkin_record"), "452 records: 200 a call")
	all := f.srv.CheckinRecords(corpID)
	require.Len(t, all, 452)

	recs, err := f.chk.Records(ctx, checkin.RecordQuery{Start: day, End: day.Add(24*time.Hour - time.Second), UserIDs: []string{"zhangsan"}})
	require.NoError(t, err)
	require.Len(t, recs, 2)
	in, out := recs[0], recs[1]
	require.Equal(t, "上班打卡", in.CheckinType)
	require.Equal(t, "时间异常", in.ExceptionType, "20 minutes late, 5 allowed")
	require.Equal(t, "腾讯成都大厦", in.LocationTitle)
	require.Equal(t, "地铁延误", in.Notes)
	require.Equal(t, int64(30547645), in.Lat)
	require.Equal(t, []string{"m1"}, in.MediaIDs)
	require.Equal(t, int64(1), in.GroupID)
	require.Equal(t, "下班打卡", out.CheckinType)
	require.Empty(t, out.ExceptionType)

	require.ErrorIs(t, f.chk.AddRecords(ctx, nil), checkin.ErrInvalidArgument)
	require.ErrorIs(t, f.chk.AddRecords(ctx, []checkin.NewRecord{{UserID: "a"}}), checkin.ErrInvalidArgument)
	calls := f.srv.Calls("/cgi-bin/checkin/add_checkin_record")
	for _, bad := range []checkin.NewRecord{
		{MediaIDs: []string{"m1", "m2"}},
		{WifiName: "Tencent-WiFi"},
		{WifiName: "Tencent-WiFi", WifiMac: "a28b7fc0274b"},
		{LocationTitle: strings.Repeat("地", checkin.MaxRecordText+1)},
		{DeviceDetail: strings.Repeat("d", checkin.MaxRecordDeviceDetail+1)},
		{Lng: 180000001},
		{DeviceType: 4},
	} {
		bad.UserID, bad.CheckinTime = "lisi", day.Unix()
		require.ErrorIs(t, f.chk.AddRecords(ctx, []checkin.NewRecord{bad}), checkin.ErrInvalidArgument, "%+v", bad)
	}
	require.Equal(t, calls, f.srv.Calls("/cgi-bin/checkin/add_checkin_record"), "refused before any call")
}

func TestReports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.srv.SetCheckinRules(corpID, []checkin.Rule{officeRule("zhangsan")})
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "zhangsan", Name: "张三", Department: []int64{1}})
	mon := at(2025, 3, 3, 0, 0)
	add := func(d, h, m int) {
		f.srv.AddCheckinRecord(corpID, checkin.Record{UserID: "zhangsan", CheckinTime: mon.AddDate(0, 0, d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute).Unix()})
	}
	add(0, 8, 55) // Monday: on time
	add(0, 18, 1) //
	add(1, 9, 30) // Tuesday: 30 minutes late
	add(1, 18, 0) //
	add(2, 9, 0)  // Wednesday: one check-in only
	add(3, 8, 50) // Thursday: left an hour early
	add(3, 17, 0) //
	add(5, 10, 0) // Saturday: rest day
	// Friday: nothing, absent.

	days, err := f.chk.DayReports(ctx, mon, mon.AddDate(0, 0, 6), []string{"zhangsan"})
	require.NoError(t, err)
	require.Len(t, days, 7)
	d0 := days[0]
	require.Equal(t, mon.Unix(), d0.BaseInfo.Date)
	require.Equal(t, "张三", d0.BaseInfo.Name)
	require.Equal(t, "zhangsan", d0.BaseInfo.AcctID)
	require.Equal(t, checkin.ReportFixed, d0.BaseInfo.RecordType)
	require.Equal(t, "办公室", d0.BaseInfo.RuleInfo.GroupName)
	require.Equal(t, 0, d0.BaseInfo.DayType)
	require.Equal(t, 2, d0.Summary.CheckinCount)
	require.Equal(t, int64(8*3600+55*60), d0.Summary.EarliestTime)
	require.Equal(t, int64(9*3600+6*60), d0.Summary.RegularWorkSec)
	require.Equal(t, int64(9*3600), d0.Summary.StandardWorkSec)
	require.Empty(t, d0.ExceptionInfos)
	require.Equal(t, []checkin.ExceptionInfo{{Exception: checkin.ExceptionLate, Count: 1, Duration: 1800}}, days[1].ExceptionInfos)
	require.Equal(t, []checkin.ExceptionInfo{{Exception: checkin.ExceptionMissing, Count: 1}}, days[2].ExceptionInfos)
	require.Equal(t, []checkin.ExceptionInfo{{Exception: checkin.ExceptionEarly, Count: 1, Duration: 3600}}, days[3].ExceptionInfos)
	require.Equal(t, []checkin.ExceptionInfo{{Exception: checkin.ExceptionAbsent, Count: 1, Duration: 9 * 3600}}, days[4].ExceptionInfos)
	require.Equal(t, 1, days[5].BaseInfo.DayType, "Saturday")
	require.Empty(t, days[5].ExceptionInfos)
	require.Equal(t, 1, days[5].Summary.CheckinCount)

	months, err := f.chk.MonthReports(ctx, mon, mon.AddDate(0, 0, 6), []string{"zhangsan", "nobody"})
	require.NoError(t, err)
	require.Len(t, months, 2)
	m := months[0]
	require.Equal(t, 5, m.Summary.WorkDays)
	require.Equal(t, 1, m.Summary.RegularDays)
	require.Equal(t, 4, m.Summary.ExceptDays)
	require.Equal(t, int64(45*3600), m.Summary.StandardWorkSec)
	require.Len(t, m.ExceptionInfos, 4)
	require.Equal(t, checkin.ReportNoRule, months[1].BaseInfo.RecordType)
	require.Zero(t, months[1].Summary.WorkDays)

	_, err = f.chk.DayReports(ctx, mon, mon.AddDate(0, 0, -1), []string{"zhangsan"})
	require.ErrorIs(t, err, checkin.ErrInvalidArgument)
	_, err = f.chk.MonthReports(ctx, mon, mon, nil)
	require.ErrorIs(t, err, checkin.ErrInvalidArgument)
}

func TestSchedules(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.srv.SetCheckinRules(corpID, []checkin.Rule{shiftRule("wangwu"), officeRule("zhangsan")})
	require.NoError(t, f.chk.SetSchedules(ctx, 2, 202503, []checkin.ScheduleItem{
		{UserID: "wangwu", Day: 30, ScheduleID: 10}, {UserID: "wangwu", Day: 31, ScheduleID: 0}}))
	require.NoError(t, f.chk.SetSchedules(ctx, 2, 202504, []checkin.ScheduleItem{{UserID: "wangwu", Day: 1, ScheduleID: 11}}))

	got, err := f.chk.Schedules(ctx, at(2025, 3, 29, 0, 0), at(2025, 4, 2, 0, 0), []string{"wangwu", "zhangsan"})
	require.NoError(t, err)
	require.Len(t, got, 2, "two months of the shift worker; none of the office worker")
	require.Equal(t, 202503, got[0].YearMonth)
	require.Equal(t, "排班", got[0].GroupName)
	require.Len(t, got[0].Schedule.Days, 2)
	require.Equal(t, "早班", got[0].Schedule.Days[0].Info.ScheduleName)
	require.Equal(t, int64(8*3600), got[0].Schedule.Days[0].Info.TimeSections[0].WorkSec)
	require.Equal(t, "休息", got[0].Schedule.Days[1].Info.ScheduleName)
	require.Equal(t, 1, got[1].Schedule.Days[0].Day)
	require.Equal(t, int64(11), got[1].Schedule.Days[0].Info.ScheduleID)

	require.Equal(t, 301021, wecom.ErrorCode(f.chk.SetSchedules(ctx, 2, 202503, []checkin.ScheduleItem{{UserID: "zhangsan", Day: 1, ScheduleID: 10}})))
	require.Equal(t, 301075, wecom.ErrorCode(f.chk.SetSchedules(ctx, 2, 202504, []checkin.ScheduleItem{{UserID: "wangwu", Day: 31, ScheduleID: 10}})), "April has 30 days")
	require.Equal(t, 301075, wecom.ErrorCode(f.chk.SetSchedules(ctx, 2, 202503, []checkin.ScheduleItem{{UserID: "wangwu", Day: 1, ScheduleID: 99}})))
	require.Equal(t, 301075, wecom.ErrorCode(f.chk.SetSchedules(ctx, 1, 202503, []checkin.ScheduleItem{{UserID: "zhangsan", Day: 1}})), "not a shifts rule")
	require.ErrorIs(t, f.chk.SetSchedules(ctx, 2, 202513, []checkin.ScheduleItem{{UserID: "wangwu", Day: 1}}), checkin.ErrInvalidArgument)
	require.ErrorIs(t, f.chk.SetSchedules(ctx, 2, 202503, []checkin.ScheduleItem{{UserID: "wangwu", Day: 0}}), checkin.ErrInvalidArgument)
	_, err = f.chk.Schedules(ctx, at(2025, 3, 1, 0, 0), at(2025, 4, 2, 0, 0), []string{"wangwu"})
	require.ErrorIs(t, err, checkin.ErrInvalidArgument)
}

func TestAddFace(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	img := []byte("\x89PNG\r\n\x1a\nfake face")
	require.NoError(t, f.chk.AddFace(ctx, "zhangsan", img))
	got, ok := f.srv.CheckinFace(corpID, "zhangsan")
	require.True(t, ok)
	require.Equal(t, img, got)
	require.Equal(t, 301072, wecom.ErrorCode(f.client.Post(ctx, "/cgi-bin/checkin/addcheckinuserface", nil,
		map[string]string{"userid": "a", "userface": "not base64!"}, nil)))
	require.ErrorIs(t, f.chk.AddFace(ctx, "zhangsan", nil), checkin.ErrInvalidArgument)
}

func TestEndpoints(t *testing.T) {
	for _, e := range checkin.Endpoints() {
		require.NoError(t, e.Check(), e.Path)
		require.Equal(t, wecom.AccessToken, e.Kind)
	}
	require.Len(t, checkin.Endpoints(), 9)
}

func BenchmarkRecordsMonth(b *testing.B) {
	f := newFixture(b)
	var users []string
	for i := range 100 {
		users = append(users, fmt.Sprintf("user%03d", i))
	}
	f.srv.SetCheckinRules(corpID, []checkin.Rule{officeRule(users...)})
	start := at(2025, 3, 1, 0, 0)
	for d := range 30 {
		for _, u := range users {
			f.srv.AddCheckinRecord(corpID, checkin.Record{UserID: u, CheckinTime: start.AddDate(0, 0, d).Add(9 * time.Hour).Unix()})
		}
	}
	q := checkin.RecordQuery{Start: start, End: start.AddDate(0, 0, 30).Add(-time.Second), UserIDs: users}
	ctx := context.Background()
	b.ReportAllocs()
	for range b.N {
		recs, err := f.chk.Records(ctx, q)
		if err != nil || len(recs) != 3000 {
			b.Fatal(err, len(recs))
		}
	}
}
