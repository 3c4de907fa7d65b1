package checkin

import (
	"context"
	"fmt"
	"time"
)

// Record types of a report (record_type).
const (
	ReportFixed    = 1 // 固定上下班
	ReportShifts   = 3 // 按班次上下班
	ReportFreeform = 4 // 自由签到
	ReportOvertime = 5 // 加班
	ReportNoRule   = 7 // 无规则
)

// Exceptions (exception of exception_infos).
const (
	ExceptionLate     = 1 // 迟到
	ExceptionEarly    = 2 // 早退
	ExceptionMissing  = 3 // 缺卡
	ExceptionAbsent   = 4 // 旷工
	ExceptionLocation = 5 // 地点异常
	ExceptionDevice   = 6 // 设备异常
)

// ReportBase is who a report is about and under which rule.
type ReportBase struct {
	Date        int64    `json:"date,omitempty"` // the day's 00:00, day reports only
	RecordType  int      `json:"record_type"`
	Name        string   `json:"name"`
	NameEx      string   `json:"name_ex"`
	DepartsName string   `json:"departs_name"`
	AcctID      string   `json:"acctid"` // the userid
	RuleInfo    RuleInfo `json:"rule_info"`
	DayType     int      `json:"day_type"` // 0 working day, 1 rest day (day reports)
}

// RuleInfo is the rule (and shift) a report counts by.
type RuleInfo struct {
	GroupID      int64         `json:"groupid"`
	GroupName    string        `json:"groupname"`
	ScheduleID   int64         `json:"scheduleid,omitempty"`
	ScheduleName string        `json:"schedulename,omitempty"`
	CheckinTime  []CheckinTime `json:"checkintime,omitempty"`
}

// ExceptionInfo counts one kind of exception; Duration (seconds) only for
// late, early and absent.
type ExceptionInfo struct {
	Exception int   `json:"exception"`
	Count     int   `json:"count"`
	Duration  int64 `json:"duration"`
}

// SpItem counts leave, corrections, trips and outings (Type 1 leave, 2
// punch correction, 3 business trip, 4 going out, 100 field work).
type SpItem struct {
	Type       int    `json:"type"`
	VacationID int    `json:"vacation_id"`
	Count      int    `json:"count"`
	Duration   int64  `json:"duration"`  // seconds
	TimeType   int    `json:"time_type"` // 0 by the day, 1 by the hour
	Name       string `json:"name"`
}

// DayReport is a member's day (datas of checkin/getcheckin_daydata, doc
// 93374).
type DayReport struct {
	BaseInfo ReportBase `json:"base_info"`
	Summary  struct {
		CheckinCount    int   `json:"checkin_count"`
		RegularWorkSec  int64 `json:"regular_work_sec"`
		StandardWorkSec int64 `json:"standard_work_sec"`
		EarliestTime    int64 `json:"earliest_time"` // seconds after 00:00
		LatestTime      int64 `json:"lastest_time"`  // (WeCom's spelling)
	} `json:"summary_info"`
	HolidayInfos []struct {
		SpNumber      string `json:"sp_number"`
		SpTitle       Texts  `json:"sp_title"`
		SpDescription Texts  `json:"sp_description"`
	} `json:"holiday_infos"`
	ExceptionInfos []ExceptionInfo `json:"exception_infos"`
	OtInfo         struct {
		OtStatus              int     `json:"ot_status"` // 0 none, 1 normal, 2 short
		OtDuration            int64   `json:"ot_duration"`
		ExceptionDuration     []int64 `json:"exception_duration"`
		WorkdayOverAsVacation int64   `json:"workday_over_as_vacation"`
		WorkdayOverAsMoney    int64   `json:"workday_over_as_money"`
		RestdayOverAsVacation int64   `json:"restday_over_as_vacation"`
		RestdayOverAsMoney    int64   `json:"restday_over_as_money"`
		HolidayOverAsVacation int64   `json:"holiday_over_as_vacation"`
		HolidayOverAsMoney    int64   `json:"holiday_over_as_money"`
	} `json:"ot_info"`
	SpItems []SpItem `json:"sp_items"`
}

// Texts is a text in several languages ({"data": [{"lang", "text"}]}).
type Texts struct {
	Data []struct {
		Lang string `json:"lang"`
		Text string `json:"text"`
	} `json:"data"`
}

// MonthReport is a member's totals over a period (datas of
// checkin/getcheckin_monthdata, doc 93387).
type MonthReport struct {
	BaseInfo ReportBase `json:"base_info"`
	Summary  struct {
		WorkDays        int   `json:"work_days"`
		RegularDays     int   `json:"regular_days"`
		ExceptDays      int   `json:"except_days"`
		RegularWorkSec  int64 `json:"regular_work_sec"`
		StandardWorkSec int64 `json:"standard_work_sec"`
	} `json:"summary_info"`
	ExceptionInfos []ExceptionInfo `json:"exception_infos"`
	SpItems        []SpItem        `json:"sp_items"`
	OverworkInfo   struct {
		WorkdayOverSec         int64 `json:"workday_over_sec"`
		HolidaysOverSec        int64 `json:"holidays_over_sec"`
		RestdaysOverSec        int64 `json:"restdays_over_sec"`
		WorkdaysOverAsVacation int64 `json:"workdays_over_as_vacation"`
		WorkdaysOverAsMoney    int64 `json:"workdays_over_as_money"`
		RestdaysOverAsVacation int64 `json:"restdays_over_as_vacation"`
		RestdaysOverAsMoney    int64 `json:"restdays_over_as_money"`
		HolidaysOverAsVacation int64 `json:"holidays_over_as_vacation"`
		HolidaysOverAsMoney    int64 `json:"holidays_over_as_money"`
	} `json:"overwork_info"`
}

// DayReports returns the day reports of members userIDs for the days from
// the day of start to the day of end (checkin/getcheckin_daydata, doc
// 93374; 100 calls a minute), 100 members a call.
func (c *Client) DayReports(ctx context.Context, start, end time.Time, userIDs []string) ([]DayReport, error) {
	if err := checkUsers(userIDs); err != nil {
		return nil, err
	}
	if err := checkPeriod(start, end); err != nil {
		return nil, err
	}
	var out []DayReport
	for _, ids := range chunks(userIDs) {
		a, err := getDayData.Call(ctx, c.corp, &reportRequest{StartTime: Day(start).Unix(), EndTime: Day(end).Unix(), UserIDList: ids})
		if err != nil {
			return nil, fmt.Errorf("checkin: day reports of %d members: %w", len(ids), err)
		}
		out = append(out, a.Datas...)
	}
	return out, nil
}

// MonthReports returns each member's totals over the days from the day of
// start to the day of end (checkin/getcheckin_monthdata, doc 93387; 60
// calls a minute), 100 members a call.
func (c *Client) MonthReports(ctx context.Context, start, end time.Time, userIDs []string) ([]MonthReport, error) {
	if err := checkUsers(userIDs); err != nil {
		return nil, err
	}
	if err := checkPeriod(start, end); err != nil {
		return nil, err
	}
	var out []MonthReport
	for _, ids := range chunks(userIDs) {
		a, err := getMonthData.Call(ctx, c.corp, &reportRequest{StartTime: Day(start).Unix(), EndTime: Day(end).Unix(), UserIDList: ids})
		if err != nil {
			return nil, fmt.Errorf("checkin: month reports of %d members: %w", len(ids), err)
		}
		out = append(out, a.Datas...)
	}
	return out, nil
}
