package checkin

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Rule types (grouptype).
const (
	RuleFixed    = 1 // 固定时间上下班
	RuleShifts   = 2 // 按班次上下班
	RuleFreeform = 3 // 自由上下班
)

// Rule is a check-in rule (打卡规则, group of docs 90263 and 93384). Times
// of day are seconds after 00:00. The overtime settings (ot_info) are not
// decoded.
type Rule struct {
	Type        int           `json:"grouptype"` // RuleFixed, RuleShifts or RuleFreeform
	ID          int64         `json:"groupid"`
	Name        string        `json:"groupname"`
	CheckinDate []CheckinDate `json:"checkindate"`
	SpeWorkdays []SpecialDay  `json:"spe_workdays"`
	SpeOffdays  []SpecialDay  `json:"spe_offdays"`
	// SyncHolidays follows public holidays (not for shifts).
	SyncHolidays           bool          `json:"sync_holidays"`
	NeedPhoto              bool          `json:"need_photo"`
	NoteCanUseLocalPic     bool          `json:"note_can_use_local_pic"`
	AllowCheckinOffworkday bool          `json:"allow_checkin_offworkday"`
	AllowApplyOffworkday   bool          `json:"allow_apply_offworkday"`
	WifiMacInfos           []WifiMac     `json:"wifimac_infos"`
	LocInfos               []Place       `json:"loc_infos"`
	Range                  *Range        `json:"range,omitempty"` // corp rules only
	CreateTime             int64         `json:"create_time,omitempty"`
	WhiteUsers             []string      `json:"white_users,omitempty"`
	CheckinType            int           `json:"type"` // 0 phone, 2 attendance machine, 3 both
	AllowApplyBkCnt        int           `json:"allow_apply_bk_cnt"`
	OptionOutRange         int           `json:"option_out_range"`
	CreateUserID           string        `json:"create_userid,omitempty"`
	UpdateUserID           string        `json:"update_userid,omitempty"`
	UseFaceDetect          bool          `json:"use_face_detect"`
	AllowApplyBkDayLimit   int           `json:"allow_apply_bk_day_limit"`
	Schedules              []Schedule    `json:"schedulelist,omitempty"` // RuleShifts only
	OffworkIntervalTime    int64         `json:"offwork_interval_time,omitempty"`
	BukaRestriction        uint64        `json:"buka_restriction,omitempty"`
	ReporterInfo           *ReporterInfo `json:"reporterinfo,omitempty"`
}

// CheckinDate is the working days of a fixed or freeform rule and their
// check-in times.
type CheckinDate struct {
	// Workdays are weekdays: 0 Sunday, 1 Monday … 6 Saturday.
	Workdays        []int         `json:"workdays"`
	CheckinTime     []CheckinTime `json:"checkintime"`
	NoNeedOffwork   bool          `json:"noneed_offwork"`
	LimitAheadTime  int64         `json:"limit_aheadtime"` // milliseconds
	FlexTime        int64         `json:"flex_time,omitempty"`
	FlexOnDutyTime  int64         `json:"flex_on_duty_time"`  // seconds late allowed
	FlexOffDutyTime int64         `json:"flex_off_duty_time"` // seconds early allowed
}

// CheckinTime is a pair of check-in times: to work and off work.
type CheckinTime struct {
	WorkSec          int64 `json:"work_sec"`
	OffWorkSec       int64 `json:"off_work_sec"`
	RemindWorkSec    int64 `json:"remind_work_sec,omitempty"`
	RemindOffWorkSec int64 `json:"remind_off_work_sec,omitempty"`
}

// SpecialDay is a date that must (spe_workdays) or need not
// (spe_offdays) be checked in.
type SpecialDay struct {
	Timestamp   int64         `json:"timestamp"`
	Notes       string        `json:"notes"`
	CheckinTime []CheckinTime `json:"checkintime"`
}

// WifiMac is a Wi-Fi network to check in on.
type WifiMac struct {
	Name string `json:"wifiname"`
	Mac  string `json:"wifimac"`
}

// Place is a place to check in at: Lat and Lng are degrees × 1,000,000
// (GCJ-02), Distance the radius in meters.
type Place struct {
	Lat      int64  `json:"lat"`
	Lng      int64  `json:"lng"`
	Title    string `json:"loc_title"`
	Detail   string `json:"loc_detail"`
	Distance int64  `json:"distance"`
}

// Range is who a rule applies to.
type Range struct {
	PartyIDs []string `json:"party_id"`
	UserIDs  []string `json:"userid"`
	TagIDs   []int64  `json:"tagid"`
}

// ReporterInfo is who check-in reports go to.
type ReporterInfo struct {
	Reporters []struct {
		UserID string `json:"userid"`
	} `json:"reporters"`
	UpdateTime int64 `json:"updatetime"`
}

// Schedule is a shift (班次) of a RuleShifts rule.
type Schedule struct {
	ID                  int64         `json:"schedule_id"`
	Name                string        `json:"schedule_name"`
	TimeSections        []TimeSection `json:"time_section"`
	LimitAheadTime      int64         `json:"limit_aheadtime,omitempty"`
	NoNeedOffwork       bool          `json:"noneed_offwork,omitempty"`
	LimitOffTime        int64         `json:"limit_offtime,omitempty"`
	FlexOnDutyTime      int64         `json:"flex_on_duty_time,omitempty"`
	FlexOffDutyTime     int64         `json:"flex_off_duty_time,omitempty"`
	AllowFlex           bool          `json:"allow_flex,omitempty"`
	MaxAllowArriveEarly int64         `json:"max_allow_arrive_early,omitempty"`
	MaxAllowArriveLate  int64         `json:"max_allow_arrive_late,omitempty"`
}

// TimeSection is a pair of check-in times of a shift. Rules call its id
// time_id, schedule lists id; both land in ID.
type TimeSection struct {
	ID               int64 `json:"time_id"`
	WorkSec          int64 `json:"work_sec"`
	OffWorkSec       int64 `json:"off_work_sec"`
	RemindWorkSec    int64 `json:"remind_work_sec,omitempty"`
	RemindOffWorkSec int64 `json:"remind_off_work_sec,omitempty"`
	RestBeginTime    int64 `json:"rest_begin_time,omitempty"`
	RestEndTime      int64 `json:"rest_end_time,omitempty"`
	AllowRest        bool  `json:"allow_rest,omitempty"`
}

// UnmarshalJSON reads the section's id from time_id or id.
func (t *TimeSection) UnmarshalJSON(b []byte) error {
	type plain TimeSection
	var w struct {
		plain
		ListID int64 `json:"id"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*t = TimeSection(w.plain)
	if t.ID == 0 {
		t.ID = w.ListID
	}
	return nil
}

// UserRule is the rule a member follows on a day.
type UserRule struct {
	UserID string `json:"userid"`
	Rule   Rule   `json:"group"`
}

// Rules returns the rules members userIDs follow on the day of date
// (checkin/getcheckinoption, doc 90263), 100 members a call. Members
// without a rule are left out.
func (c *Client) Rules(ctx context.Context, date time.Time, userIDs []string) ([]UserRule, error) {
	if err := checkUsers(userIDs); err != nil {
		return nil, err
	}
	var out []UserRule
	for _, ids := range chunks(userIDs) {
		a, err := getCheckinOption.Call(ctx, c.corp, &optionRequest{DateTime: Day(date).Unix(), UserIDList: ids})
		if err != nil {
			return nil, fmt.Errorf("checkin: rules of %d members: %w", len(ids), err)
		}
		out = append(out, a.Info...)
	}
	return out, nil
}

// CorpRules returns all the corporation's rules
// (checkin/getcorpcheckinoption, doc 93384; 60 calls a minute; not for
// third-party apps).
func (c *Client) CorpRules(ctx context.Context) ([]Rule, error) {
	a, err := getCorpCheckinOption.Call(ctx, c.corp, struct{}{})
	if err != nil {
		return nil, fmt.Errorf("checkin: corp rules: %w", err)
	}
	return a.Group, nil
}
