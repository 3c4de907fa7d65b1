package oa

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"
)

// LeaveType is a leave type (假期) of the corporation's leave settings
// (oa/vacation/getcorpconf, doc 93375). Durations are in seconds.
type LeaveType struct {
	ID             int       `json:"id"`
	Name           string    `json:"name"`
	TimeAttr       int       `json:"time_attr"`     // 0 taken by the day, 1 by the hour
	DurationType   int       `json:"duration_type"` // 0 calendar days, 1 working days
	QuotaAttr      QuotaAttr `json:"quota_attr"`
	PerDayDuration int64     `json:"perday_duration"` // seconds in a day of leave
	// IsNewOvertime is 1 when the type is time off in lieu of overtime
	// (调休假).
	IsNewOvertime int `json:"is_newovertime"`
	// EnterCompTimeLimit is how many months a member must have worked to
	// take the leave.
	EnterCompTimeLimit int         `json:"enter_comp_time_limit"`
	ExpireRule         *ExpireRule `json:"expire_rule,omitempty"`
}

// QuotaAttr is how a leave type's balance is granted.
type QuotaAttr struct {
	// Type is 0 unlimited, 1 granted yearly, 2 granted by hand, 3 granted
	// monthly.
	Type int `json:"type"`
	// AutoResetTime is the yearly grant's day (only its month and day mean
	// anything).
	AutoResetTime     int64 `json:"autoreset_time"`
	AutoResetDuration int64 `json:"autoreset_duration"` // seconds granted
	// QuotaRuleType is 0 a fixed quota, 1 by years of work, 2 by years in
	// the corporation (yearly grants).
	QuotaRuleType     int         `json:"quota_rule_type"`
	QuotaRules        *QuotaRules `json:"quota_rules,omitempty"`
	AtEntryDate       bool        `json:"at_entry_date"`
	AutoResetMonthDay int         `json:"auto_reset_month_day"`
}

// QuotaRules grant quotas by years of service.
type QuotaRules struct {
	List []struct {
		Quota int64 `json:"quota"` // seconds
		Begin int   `json:"begin"` // years
		End   int   `json:"end"`   // years; 0 for no end
	} `json:"list"`
	BasedOnActualWorkTime bool `json:"based_on_actual_work_time"`
}

// ExpireRule is when granted leave expires.
type ExpireRule struct {
	// Type is 1 on a fixed date, 2 years after the grant, 3 months after
	// the grant, 4 never.
	Type                 int      `json:"type"`
	Duration             int64    `json:"duration"`
	Date                 MonthDay `json:"date"`
	ExternDurationEnable bool     `json:"extern_duration_enable"`
	ExternDuration       MonthDay `json:"extern_duration"`
}

// MonthDay is a month and day (or a number of months and days).
type MonthDay struct {
	Month int `json:"month"`
	Day   int `json:"day"`
}

// LeaveBalance is a member's balance of one leave type
// (oa/vacation/getuservacationquota, doc 93376). Durations are in
// seconds: divide by 86400 for a type taken by the day, by 3600 for one
// taken by the hour.
type LeaveBalance struct {
	ID           int    `json:"id"`
	Name         string `json:"vacationname"`
	Assigned     int64  `json:"assignduration"`
	Used         int64  `json:"usedduration"`
	Left         int64  `json:"leftduration"`
	RealAssigned int64  `json:"real_assignduration"`
}

// LeaveBalanceUpdate sets a member's balance of a leave type
// ([Client.SetLeaveBalance]).
type LeaveBalanceUpdate struct {
	UserID     string
	VacationID int
	// Left is the new balance: at most 1000 days (24,000 hours), a
	// multiple of 0.1 day (8640 s) for a type taken by the day or of 0.1
	// hour (360 s) for one taken by the hour.
	Left time.Duration
	// ByHour must match the type's TimeAttr (1): WeCom checks it.
	ByHour bool
	// Remarks (at most 200 characters) show in the balance's history.
	Remarks string
}

// Limits of [LeaveBalanceUpdate] (doc 93377).
const (
	MaxLeaveBalance = 1000 * 24 * time.Hour
	MaxLeaveRemarks = 200
)

// LeaveTypes returns the corporation's leave types
// (oa/vacation/getcorpconf, doc 93375).
func (c *Client) LeaveTypes(ctx context.Context) ([]LeaveType, error) {
	a, err := getCorpConf.Call(ctx, c.corp, struct{}{})
	if err != nil {
		return nil, fmt.Errorf("oa: leave types: %w", err)
	}
	return a.Lists, nil
}

// LeaveBalances returns member userID's leave balances
// (oa/vacation/getuservacationquota, doc 93376).
func (c *Client) LeaveBalances(ctx context.Context, userID string) ([]LeaveBalance, error) {
	if err := required("userid", userID); err != nil {
		return nil, err
	}
	a, err := getUserVacationQuota.Call(ctx, c.corp, &userRequest{UserID: userID})
	if err != nil {
		return nil, fmt.Errorf("oa: leave balances of %s: %w", userID, err)
	}
	return a.Lists, nil
}

// SetLeaveBalance sets a member's balance of a leave type
// (oa/vacation/setoneuserquota, doc 93377). WeCom answers 301098 for a
// member outside the type's scope.
func (c *Client) SetLeaveBalance(ctx context.Context, u LeaveBalanceUpdate) error {
	if err := required("userid", u.UserID); err != nil {
		return err
	}
	step := 8640 * time.Second
	if u.ByHour {
		step = 360 * time.Second
	}
	if u.Left < 0 || u.Left > MaxLeaveBalance || u.Left%step != 0 {
		return fmt.Errorf("%w: balance %v: 0 to 1000 days in steps of %v", ErrInvalidArgument, u.Left, step)
	}
	if utf8.RuneCountInString(u.Remarks) > MaxLeaveRemarks {
		return fmt.Errorf("%w: remarks over %d characters", ErrInvalidArgument, MaxLeaveRemarks)
	}
	req := &setQuotaRequest{UserID: u.UserID, VacationID: u.VacationID, LeftDuration: int64(u.Left / time.Second), Remarks: u.Remarks}
	if u.ByHour {
		req.TimeAttr = 1
	}
	if _, err := setOneUserQuota.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("oa: set leave balance %d of %s: %w", u.VacationID, u.UserID, err)
	}
	return nil
}
