package checkin

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"
)

// UserSchedule is a member's shifts in a month (schedule_list of
// checkin/getcheckinschedulist, doc 93380).
type UserSchedule struct {
	UserID    string `json:"userid"`
	YearMonth int    `json:"yearmonth"` // 202011
	GroupID   int64  `json:"groupid"`
	GroupName string `json:"groupname"`
	Schedule  struct {
		Days []ScheduledDay `json:"scheduleList"`
	} `json:"schedule"`
}

// ScheduledDay is the shift of a day of the month; ScheduleID 0 is rest.
type ScheduledDay struct {
	Day  int `json:"day"`
	Info struct {
		ScheduleID   int64         `json:"schedule_id"`
		ScheduleName string        `json:"schedule_name"`
		TimeSections []TimeSection `json:"time_section"`
	} `json:"schedule_info"`
}

// MaxScheduleRange is the longest period checkin/getcheckinschedulist
// answers: a month (doc 93380), read as 31 days.
const MaxScheduleRange = 31 * 24 * time.Hour

// Schedules returns the shifts of members userIDs, who follow RuleShifts
// rules, from start to end (at most [MaxScheduleRange] apart)
// (checkin/getcheckinschedulist, doc 93380; 60 calls a minute), 100
// members a call.
func (c *Client) Schedules(ctx context.Context, start, end time.Time, userIDs []string) ([]UserSchedule, error) {
	if err := checkUsers(userIDs); err != nil {
		return nil, err
	}
	if err := checkPeriod(start, end); err != nil {
		return nil, err
	}
	if end.Sub(start) > MaxScheduleRange {
		return nil, fmt.Errorf("%w: schedules span a month at most", ErrInvalidArgument)
	}
	var out []UserSchedule
	for _, ids := range chunks(userIDs) {
		a, err := getScheduleList.Call(ctx, c.corp, &reportRequest{StartTime: start.Unix(), EndTime: end.Unix(), UserIDList: ids})
		if err != nil {
			return nil, fmt.Errorf("checkin: schedules of %d members: %w", len(ids), err)
		}
		out = append(out, a.ScheduleList...)
	}
	return out, nil
}

// ScheduleItem puts a member on a shift on a day of the month
// ([Client.SetSchedules]); ScheduleID 0 is rest.
type ScheduleItem struct {
	UserID     string `json:"userid"`
	Day        int    `json:"day"` // 1 to 31
	ScheduleID int64  `json:"schedule_id"`
}

// SetSchedules puts members of RuleShifts rule groupID on shifts in month
// yearMonth (202012) (checkin/setcheckinschedulist, doc 93385; 60 calls a
// minute).
func (c *Client) SetSchedules(ctx context.Context, groupID int64, yearMonth int, items []ScheduleItem) error {
	if len(items) == 0 {
		return fmt.Errorf("%w: no schedule items", ErrInvalidArgument)
	}
	if yearMonth < 100001 || yearMonth%100 < 1 || yearMonth%100 > 12 {
		return fmt.Errorf("%w: year-month %d is not YYYYMM", ErrInvalidArgument, yearMonth)
	}
	for _, it := range items {
		if it.UserID == "" || it.Day < 1 || it.Day > 31 {
			return fmt.Errorf("%w: schedule item for %q on day %d", ErrInvalidArgument, it.UserID, it.Day)
		}
	}
	if _, err := setScheduleList.Call(ctx, c.corp, &setScheduleRequest{GroupID: groupID, Items: items, YearMonth: yearMonth}); err != nil {
		return fmt.Errorf("checkin: set schedules of rule %d for %d: %w", groupID, yearMonth, err)
	}
	return nil
}

// AddFace records member userID's face for face check-in, replacing any
// earlier one (checkin/addcheckinuserface, doc 93378; self-built apps, 10
// calls a minute). image is the picture's bytes; WeCom answers 301072
// for an unusable one, and 301071 (a success) when another member has a
// similar face.
func (c *Client) AddFace(ctx context.Context, userID string, image []byte) error {
	if userID == "" || len(image) == 0 {
		return fmt.Errorf("%w: a face needs a userid and an image", ErrInvalidArgument)
	}
	req := &faceRequest{UserID: userID, UserFace: base64.StdEncoding.EncodeToString(image)}
	if _, err := addUserFace.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("checkin: add face of %s: %w", userID, err)
	}
	return nil
}
