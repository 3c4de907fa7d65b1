package wecomtest

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/checkin"
)

// Check-in (打卡): rules (checkin/getcheckinoption doc 90263,
// getcorpcheckinoption 93384) set with [Server.SetCheckinRules], records
// (getcheckindata 90262) added by add_checkin_record (99647) or
// [Server.AddCheckinRecord], day and month reports (getcheckin_daydata
// 93374, getcheckin_monthdata 93387) derived from the records and rules,
// schedules (getcheckinschedulist 93380, setcheckinschedulist 93385) and
// faces (addcheckinuserface 93378).
//
// The model: a member follows the first rule whose range lists their
// userid (departments and tags in ranges are not modelled); days are
// counted in UTC+8; a rule's first checkindate gives its working days and
// times. Every app token of the corporation may call.
//
// Errcodes: 301023 (useridlist非法或超过限额, "userlist is over
// threshold", as WeCom answers) for no userids or more than 100; 301024
// (获取打卡记录时间间隔超限: the global table, doc 90313, asks for both
// times above 0, the end after the start and less than a month between)
// for a getcheckindata period over 30 days, ending before it starts, or
// with a time not above 0; 301075
// (输入参数错误, listed on doc 93380) for other bad parameters; 301021
// (userid错误) for setting the schedule of a member outside the rule;
// 301072 (人脸图像数据错误) for a face that is not base64 image data.

// Limits the fake enforces.
const (
	chkMaxUsers      = 100
	chkMaxRange      = 30 * 86400 // getcheckindata (doc 90262)
	chkMaxSchedRange = 31 * 86400 // getcheckinschedulist: a month
	chkMaxNewRecords = 200        // add_checkin_record (doc 99647: 一批最多200个)
	chkMaxFace       = 8 << 20    // the body of addcheckinuserface
)

// checkinState is the fake's model of check-in (打卡).
type checkinState struct {
	mu    sync.Mutex
	corps map[string]*chkCorp
}

type chkCorp struct {
	rules     []checkin.Rule
	records   map[string][]checkin.Record // userid → check-ins, by time once sorted
	unsorted  map[string]bool
	schedules map[string]map[int]map[int]int64 // userid → yearmonth → day → schedule id
	faces     map[string][]byte
}

// addCheckinRoutes adds the routes of check-in (打卡).
func (s *Server) addCheckinRoutes() {
	s.chk.corps = make(map[string]*chkCorp)
	s.routes["/cgi-bin/checkin/getcheckinoption"] = s.authed(s.handleChkOption)
	s.routes["/cgi-bin/checkin/getcorpcheckinoption"] = s.authed(s.handleChkCorpOption)
	s.routes["/cgi-bin/checkin/getcheckindata"] = s.authed(s.handleChkData)
	s.routes["/cgi-bin/checkin/getcheckin_daydata"] = s.authed(s.handleChkDayData)
	s.routes["/cgi-bin/checkin/getcheckin_monthdata"] = s.authed(s.handleChkMonthData)
	s.routes["/cgi-bin/checkin/getcheckinschedulist"] = s.authed(s.handleChkSchedules)
	s.routes["/cgi-bin/checkin/setcheckinschedulist"] = s.authed(s.handleChkSetSchedules)
	s.routes["/cgi-bin/checkin/addcheckinuserface"] = s.authed(s.handleChkFace)
	s.routes["/cgi-bin/checkin/add_checkin_record"] = s.authed(s.handleChkAddRecords)
}

func (k *checkinState) corpLocked(corpID string) *chkCorp {
	c := k.corps[corpID]
	if c == nil {
		c = &chkCorp{records: make(map[string][]checkin.Record), unsorted: make(map[string]bool), schedules: make(map[string]map[int]map[int]int64), faces: make(map[string][]byte)}
		k.corps[corpID] = c
	}
	return c
}

// SetCheckinRules sets corpID's check-in rules; a rule's Range.UserIDs
// are the members who follow it.
func (s *Server) SetCheckinRules(corpID string, rules []checkin.Rule) {
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	k.corpLocked(corpID).rules = cloneJSON(rules)
}

// AddCheckinRecord adds check-in r to corpID as a member's phone would.
// Left empty, its rule fields, type (上班打卡 before the middle of the
// rule's day, else 下班打卡), scheduled time and time anomaly are filled
// from the member's rule.
func (s *Server) AddCheckinRecord(corpID string, r checkin.Record) {
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(corpID)
	c.addRecordLocked(r)
}

// CheckinRecords returns corpID's check-ins, by time.
func (s *Server) CheckinRecords(corpID string) []checkin.Record {
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(corpID)
	var out []checkin.Record
	for u := range c.records {
		out = append(out, c.userRecordsLocked(u)...)
	}
	slices.SortStableFunc(out, func(x, y checkin.Record) int {
		return cmp.Or(cmp.Compare(x.CheckinTime, y.CheckinTime), cmp.Compare(x.UserID, y.UserID))
	})
	return out
}

// userRecordsLocked returns member userID's check-ins by time.
func (c *chkCorp) userRecordsLocked(userID string) []checkin.Record {
	rs := c.records[userID]
	if c.unsorted[userID] {
		slices.SortStableFunc(rs, func(x, y checkin.Record) int { return cmp.Compare(x.CheckinTime, y.CheckinTime) })
		delete(c.unsorted, userID)
	}
	return rs
}

// userRecordsBetween returns member userID's check-ins from start to end,
// both included.
func (c *chkCorp) userRecordsBetween(userID string, start, end int64) []checkin.Record {
	rs := c.userRecordsLocked(userID)
	i, _ := slices.BinarySearchFunc(rs, start, func(r checkin.Record, t int64) int { return cmp.Compare(r.CheckinTime, t) })
	j, _ := slices.BinarySearchFunc(rs, end+1, func(r checkin.Record, t int64) int { return cmp.Compare(r.CheckinTime, t) })
	return rs[i:max(i, j)]
}

// CheckinFace returns the face image addcheckinuserface recorded for
// member userID.
func (s *Server) CheckinFace(corpID, userID string) ([]byte, bool) {
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	f, ok := k.corpLocked(corpID).faces[userID]
	return slices.Clone(f), ok
}

func (c *chkCorp) ruleFor(userID string) *checkin.Rule {
	for i := range c.rules {
		if r := c.rules[i].Range; r != nil && slices.Contains(r.UserIDs, userID) {
			return &c.rules[i]
		}
	}
	return nil
}

// dayTimes returns the check-in times and weekdays of a rule's day.
func dayTimes(r *checkin.Rule) (times []checkin.CheckinTime, date *checkin.CheckinDate) {
	if r == nil || len(r.CheckinDate) == 0 {
		return nil, nil
	}
	return r.CheckinDate[0].CheckinTime, &r.CheckinDate[0]
}

func startOfDay(unix int64) int64 {
	t := time.Unix(unix, 0).In(checkin.Zone)
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, checkin.Zone).Unix()
}

func (c *chkCorp) addRecordLocked(r checkin.Record) {
	rule := c.ruleFor(r.UserID)
	if rule != nil && r.GroupName == "" {
		r.GroupName, r.GroupID = rule.Name, rule.ID
	}
	times, date := dayTimes(rule)
	if r.CheckinType == "" {
		r.CheckinType = "上班打卡"
		if len(times) > 0 {
			day := startOfDay(r.CheckinTime)
			sec := r.CheckinTime - day
			work, off := times[0].WorkSec, times[len(times)-1].OffWorkSec
			if sec >= (work+off)/2 {
				r.CheckinType = "下班打卡"
				r.SchCheckinTime = day + off
				if sec < off-date.FlexOffDutyTime {
					r.ExceptionType = "时间异常"
				}
			} else {
				r.SchCheckinTime = day + work
				if sec > work+date.FlexOnDutyTime {
					r.ExceptionType = "时间异常"
				}
			}
		}
	}
	if r.MediaIDs == nil {
		r.MediaIDs = []string{}
	}
	rs := c.records[r.UserID]
	if n := len(rs); n > 0 && rs[n-1].CheckinTime > r.CheckinTime {
		c.unsorted[r.UserID] = true
	}
	c.records[r.UserID] = append(rs, r)
}
