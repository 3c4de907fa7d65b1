package wecomtest

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/wecomkit/wecomkit/checkin"
)

// chkUsers answers 301023 for a userid list WeCom refuses.
func chkUsers(w http.ResponseWriter, ids []string) bool {
	if len(ids) == 0 || len(ids) > chkMaxUsers {
		writeError(w, 301023, "userlist is over threshold")
		return false
	}
	return true
}

// handleChkOption serves POST checkin/getcheckinoption: the members with
// a rule, each with it.
func (s *Server) handleChkOption(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		DateTime   int64    `json:"datetime"`
		UserIDList []string `json:"useridlist"`
	}
	if !decodeBody(w, r, &b) || !chkUsers(w, b.UserIDList) {
		return
	}
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	info := []checkin.UserRule{}
	for _, u := range b.UserIDList {
		if rule := c.ruleFor(u); rule != nil {
			g := *rule
			g.Range = nil
			info = append(info, checkin.UserRule{UserID: u, Rule: g})
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "info": info})
}

// handleChkCorpOption serves POST checkin/getcorpcheckinoption.
func (s *Server) handleChkCorpOption(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct{}
	if !decodeBody(w, r, &b) {
		return
	}
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	rules := k.corpLocked(caller.CorpID).rules
	if rules == nil {
		rules = []checkin.Rule{}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "group": rules})
}

// handleChkData serves POST checkin/getcheckindata: the members'
// check-ins of the kind asked from starttime to endtime, both included.
func (s *Server) handleChkData(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		Type       int      `json:"opencheckindatatype"`
		StartTime  int64    `json:"starttime"`
		EndTime    int64    `json:"endtime"`
		UserIDList []string `json:"useridlist"`
	}
	if !decodeBody(w, r, &b) || !chkUsers(w, b.UserIDList) {
		return
	}
	if b.StartTime <= 0 || b.EndTime <= 0 || b.EndTime < b.StartTime || b.EndTime-b.StartTime > chkMaxRange {
		writeError(w, 301024, "checkin data time range over limit")
		return
	}
	if b.Type < checkin.RecordsOnOffWork || b.Type > checkin.RecordsAll {
		writeError(w, 301075, "invalid opencheckindatatype")
		return
	}
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	out := []checkin.Record{}
	for _, u := range b.UserIDList {
		for _, rec := range c.userRecordsBetween(u, b.StartTime, b.EndTime) {
			outing := rec.CheckinType == "外出打卡"
			if b.Type == checkin.RecordsAll || (b.Type == checkin.RecordsOuting) == outing {
				out = append(out, rec)
			}
		}
	}
	slices.SortStableFunc(out, func(x, y checkin.Record) int { return cmp.Compare(x.CheckinTime, y.CheckinTime) })
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "checkindata": out})
}

type chkReportBody struct {
	StartTime  int64    `json:"starttime"`
	EndTime    int64    `json:"endtime"`
	UserIDList []string `json:"useridlist"`
}

func (s *Server) decodeChkReport(w http.ResponseWriter, r *http.Request) (chkReportBody, bool) {
	var b chkReportBody
	if !decodeBody(w, r, &b) || !chkUsers(w, b.UserIDList) {
		return b, false
	}
	if b.EndTime < b.StartTime {
		writeError(w, 301075, "endtime before starttime")
		return b, false
	}
	return b, true
}

// memberNames returns the directory's names of ids (the userid where the
// directory has none).
func (s *Server) memberNames(corpID string, ids []string) map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		out[id] = id
		if m := s.memberLocked(corpID, id); m != nil && m.Name != "" {
			out[id] = m.Name
		}
	}
	return out
}

// dayReportLocked derives member userID's report of the day starting at
// day0 from their rule and check-ins: a working day (a weekday of the
// rule's first checkindate) counts late arrival past work_sec plus the
// allowed lateness, early leave before off_work_sec minus the allowed
// earliness, a missing check-in for a single one and absence for none.
func (c *chkCorp) dayReportLocked(userID, name string, day0 int64) checkin.DayReport {
	var d checkin.DayReport
	rule := c.ruleFor(userID)
	d.BaseInfo = checkin.ReportBase{Date: day0, RecordType: checkin.ReportNoRule, Name: name, AcctID: userID, DayType: 1}
	recs := c.userRecordsBetween(userID, day0, day0+86399)
	d.Summary.CheckinCount = len(recs)
	if len(recs) > 0 {
		d.Summary.EarliestTime = recs[0].CheckinTime - day0
		d.Summary.LatestTime = recs[len(recs)-1].CheckinTime - day0
		d.Summary.RegularWorkSec = d.Summary.LatestTime - d.Summary.EarliestTime
	}
	d.ExceptionInfos = []checkin.ExceptionInfo{}
	d.SpItems = []checkin.SpItem{}
	if rule == nil {
		return d
	}
	d.BaseInfo.RecordType = map[int]int{checkin.RuleFixed: checkin.ReportFixed, checkin.RuleShifts: checkin.ReportShifts,
		checkin.RuleFreeform: checkin.ReportFreeform}[rule.Type]
	d.BaseInfo.RuleInfo = checkin.RuleInfo{GroupID: rule.ID, GroupName: rule.Name}
	times, date := dayTimes(rule)
	for _, t := range times {
		d.BaseInfo.RuleInfo.CheckinTime = append(d.BaseInfo.RuleInfo.CheckinTime, checkin.CheckinTime{WorkSec: t.WorkSec, OffWorkSec: t.OffWorkSec})
	}
	weekday := int(time.Unix(day0, 0).In(checkin.Zone).Weekday())
	if date == nil || !slices.Contains(date.Workdays, weekday) || len(times) == 0 {
		return d
	}
	d.BaseInfo.DayType = 0
	work, off := times[0].WorkSec, times[len(times)-1].OffWorkSec
	for _, t := range times {
		d.Summary.StandardWorkSec += t.OffWorkSec - t.WorkSec
	}
	switch {
	case len(recs) == 0:
		d.ExceptionInfos = append(d.ExceptionInfos, checkin.ExceptionInfo{Exception: checkin.ExceptionAbsent, Count: 1, Duration: d.Summary.StandardWorkSec})
	case len(recs) == 1:
		d.ExceptionInfos = append(d.ExceptionInfos, checkin.ExceptionInfo{Exception: checkin.ExceptionMissing, Count: 1})
	}
	if len(recs) > 0 && d.Summary.EarliestTime > work+date.FlexOnDutyTime {
		d.ExceptionInfos = append(d.ExceptionInfos, checkin.ExceptionInfo{Exception: checkin.ExceptionLate, Count: 1, Duration: d.Summary.EarliestTime - work})
	}
	if len(recs) > 1 && d.Summary.LatestTime < off-date.FlexOffDutyTime {
		d.ExceptionInfos = append(d.ExceptionInfos, checkin.ExceptionInfo{Exception: checkin.ExceptionEarly, Count: 1, Duration: off - d.Summary.LatestTime})
	}
	return d
}

// days lists the 00:00 of each day from start's to end's.
func days(start, end int64) []int64 {
	var out []int64
	for d := startOfDay(start); d <= end; d = time.Unix(d, 0).In(checkin.Zone).AddDate(0, 0, 1).Unix() {
		out = append(out, d)
	}
	return out
}

// handleChkDayData serves POST checkin/getcheckin_daydata: a report per
// member and day, derived from the check-ins (see dayReportLocked).
func (s *Server) handleChkDayData(w http.ResponseWriter, r *http.Request, caller Caller) {
	chkReports(s, w, r, caller, func(out []checkin.DayReport, c *chkCorp, u, name string, b chkReportBody) []checkin.DayReport {
		for _, d := range days(b.StartTime, b.EndTime) {
			out = append(out, c.dayReportLocked(u, name, d))
		}
		return out
	})
}

// handleChkMonthData serves POST checkin/getcheckin_monthdata: each
// member's day reports over the period, added up.
func (s *Server) handleChkMonthData(w http.ResponseWriter, r *http.Request, caller Caller) {
	chkReports(s, w, r, caller, func(out []checkin.MonthReport, c *chkCorp, u, name string, b chkReportBody) []checkin.MonthReport {
		var m checkin.MonthReport
		m.ExceptionInfos, m.SpItems = []checkin.ExceptionInfo{}, []checkin.SpItem{}
		for _, d := range days(b.StartTime, b.EndTime) {
			day := c.dayReportLocked(u, name, d)
			m.BaseInfo = day.BaseInfo
			m.BaseInfo.Date, m.BaseInfo.DayType = 0, 0
			m.BaseInfo.RuleInfo = checkin.RuleInfo{GroupID: day.BaseInfo.RuleInfo.GroupID, GroupName: day.BaseInfo.RuleInfo.GroupName}
			if day.BaseInfo.DayType == 0 && day.BaseInfo.RecordType != checkin.ReportNoRule {
				m.Summary.WorkDays++
				if len(day.ExceptionInfos) > 0 {
					m.Summary.ExceptDays++
				} else {
					m.Summary.RegularDays++
				}
			}
			m.Summary.RegularWorkSec += day.Summary.RegularWorkSec
			m.Summary.StandardWorkSec += day.Summary.StandardWorkSec
			for _, e := range day.ExceptionInfos {
				i := slices.IndexFunc(m.ExceptionInfos, func(x checkin.ExceptionInfo) bool { return x.Exception == e.Exception })
				if i < 0 {
					m.ExceptionInfos = append(m.ExceptionInfos, checkin.ExceptionInfo{Exception: e.Exception})
					i = len(m.ExceptionInfos) - 1
				}
				m.ExceptionInfos[i].Count += e.Count
				m.ExceptionInfos[i].Duration += e.Duration
			}
		}
		return append(out, m)
	})
}

// chkReports answers getcheckin_daydata and getcheckin_monthdata: it
// decodes the period and members, and, under the check-in lock, lets add
// append each member's reports to the answer's datas.
func chkReports[T any](s *Server, w http.ResponseWriter, r *http.Request, caller Caller,
	add func(out []T, c *chkCorp, userID, name string, b chkReportBody) []T) {
	b, ok := s.decodeChkReport(w, r)
	if !ok {
		return
	}
	names := s.memberNames(caller.CorpID, b.UserIDList)
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	out := []T{}
	for _, u := range b.UserIDList {
		out = add(out, c, u, names[u], b)
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "datas": out})
}

// handleChkSchedules serves POST checkin/getcheckinschedulist: for each
// member on a shifts rule, a month's entry per month touched, with the
// days of the period that have a shift set.
func (s *Server) handleChkSchedules(w http.ResponseWriter, r *http.Request, caller Caller) {
	b, ok := s.decodeChkReport(w, r)
	if !ok {
		return
	}
	if b.EndTime-b.StartTime > chkMaxSchedRange {
		writeError(w, 301075, "the period spans more than a month")
		return
	}
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	out := []checkin.UserSchedule{}
	for _, u := range b.UserIDList {
		rule := c.ruleFor(u)
		if rule == nil || rule.Type != checkin.RuleShifts {
			continue
		}
		var cur *checkin.UserSchedule
		for _, d := range days(b.StartTime, b.EndTime) {
			t := time.Unix(d, 0).In(checkin.Zone)
			ym := t.Year()*100 + int(t.Month())
			if cur == nil || cur.YearMonth != ym {
				out = append(out, checkin.UserSchedule{UserID: u, YearMonth: ym, GroupID: rule.ID, GroupName: rule.Name})
				cur = &out[len(out)-1]
				cur.Schedule.Days = []checkin.ScheduledDay{}
			}
			id, set := c.schedules[u][ym][t.Day()]
			if !set {
				continue
			}
			var sd checkin.ScheduledDay
			sd.Day = t.Day()
			sd.Info.ScheduleID, sd.Info.ScheduleName, sd.Info.TimeSections = 0, "休息", []checkin.TimeSection{}
			for _, sc := range rule.Schedules {
				if sc.ID == id && id != 0 {
					sd.Info.ScheduleID, sd.Info.ScheduleName, sd.Info.TimeSections = sc.ID, sc.Name, sc.TimeSections
				}
			}
			cur.Schedule.Days = append(cur.Schedule.Days, sd)
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "schedule_list": out})
}

// handleChkSetSchedules serves POST checkin/setcheckinschedulist: the rule
// must be a shifts rule, each day a day of the month, each shift the
// rule's or 0 (rest), each member the rule's (else 301021).
func (s *Server) handleChkSetSchedules(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		GroupID   int64                  `json:"groupid"`
		Items     []checkin.ScheduleItem `json:"items"`
		YearMonth int                    `json:"yearmonth"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	i := slices.IndexFunc(c.rules, func(x checkin.Rule) bool { return x.ID == b.GroupID })
	month := time.Month(b.YearMonth % 100)
	if i < 0 || c.rules[i].Type != checkin.RuleShifts || month < 1 || month > 12 {
		writeError(w, 301075, "invalid groupid or yearmonth")
		return
	}
	rule := &c.rules[i]
	last := time.Date(b.YearMonth/100, month+1, 0, 0, 0, 0, 0, checkin.Zone).Day()
	for _, it := range b.Items {
		known := it.ScheduleID == 0 || slices.ContainsFunc(rule.Schedules, func(sc checkin.Schedule) bool { return sc.ID == it.ScheduleID })
		if it.Day < 1 || it.Day > last || !known {
			writeError(w, 301075, "invalid day or schedule_id")
			return
		}
		if rule.Range == nil || !slices.Contains(rule.Range.UserIDs, it.UserID) {
			writeError(w, 301021, "userid not in the rule")
			return
		}
	}
	for _, it := range b.Items {
		if c.schedules[it.UserID] == nil {
			c.schedules[it.UserID] = map[int]map[int]int64{}
		}
		if c.schedules[it.UserID][b.YearMonth] == nil {
			c.schedules[it.UserID][b.YearMonth] = map[int]int64{}
		}
		c.schedules[it.UserID][b.YearMonth][it.Day] = it.ScheduleID
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleChkFace serves POST checkin/addcheckinuserface: the image is
// base64 (301072 when it is not, or empty); a new face replaces the old.
func (s *Server) handleChkFace(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		UserID   string `json:"userid"`
		UserFace string `json:"userface"`
	}
	if r.Method != http.MethodPost || json.NewDecoder(http.MaxBytesReader(w, r.Body, chkMaxFace)).Decode(&b) != nil {
		writeError(w, 47001, "")
		return
	}
	img, err := base64.StdEncoding.DecodeString(b.UserFace)
	if err != nil || len(img) == 0 {
		writeError(w, 301072, "invalid face image")
		return
	}
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	k.corpLocked(caller.CorpID).faces[b.UserID] = img
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleChkAddRecords serves POST checkin/add_checkin_record: 1 to 200
// records, each as doc 99647 allows (else 301075, the fake's choice: the
// page lists no codes): a userid and a time, at most one media id, texts
// of at most 1024 characters (device_detail 40), a wifimac of the form
// a2:8b:7f:c0:27:4b with a wifiname, coordinates in range, device_type 1
// to 3 when given. They are filled from the members' rules as
// [Server.AddCheckinRecord] fills them.
func (s *Server) handleChkAddRecords(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		Records []checkin.NewRecord `json:"records"`
	}
	if r.Method != http.MethodPost || json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&b) != nil {
		writeError(w, 47001, "")
		return
	}
	if len(b.Records) == 0 || len(b.Records) > chkMaxNewRecords {
		writeError(w, 301075, "records: 1 to 200")
		return
	}
	for _, nr := range b.Records {
		if msg := chkNewRecordFault(&nr); msg != "" {
			writeError(w, 301075, msg)
			return
		}
	}
	k := &s.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	for _, nr := range b.Records {
		c.addRecordLocked(checkin.Record{UserID: nr.UserID, CheckinTime: nr.CheckinTime, LocationTitle: nr.LocationTitle,
			LocationDetail: nr.LocationDetail, MediaIDs: nr.MediaIDs, Notes: nr.Notes, Lat: nr.Lat, Lng: nr.Lng,
			WifiName: nr.WifiName, WifiMac: nr.WifiMac, DeviceID: nr.DeviceDetail})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// chkWifiMac is the wifimac form doc 99647 gives.
var chkWifiMac = regexp.MustCompile(`^[A-Fa-f0-9]{2}:[A-Fa-f0-9]{2}:[A-Fa-f0-9]{2}:[A-Fa-f0-9]{2}:[A-Fa-f0-9]{2}:[A-Fa-f0-9]{2}$`)

// chkNewRecordFault says what doc 99647 forbids in nr, or "".
func chkNewRecordFault(nr *checkin.NewRecord) string {
	long := func(s string, n int) bool { return utf8.RuneCountInString(s) > n }
	switch {
	case nr.UserID == "" || nr.CheckinTime <= 0:
		return "a record needs userid and checkin_time"
	case len(nr.MediaIDs) > 1:
		return "mediaids: at most 1"
	case long(nr.LocationTitle, 1024) || long(nr.LocationDetail, 1024) || long(nr.Notes, 1024) || long(nr.WifiName, 1024) || long(nr.DeviceDetail, 40):
		return "text too long"
	case nr.WifiName != "" && !chkWifiMac.MatchString(nr.WifiMac), nr.WifiMac != "" && !chkWifiMac.MatchString(nr.WifiMac):
		return "invalid wifimac"
	case nr.Lat < -90000000 || nr.Lat > 90000000 || nr.Lng < -180000000 || nr.Lng > 180000000:
		return "lat or lng out of range"
	case nr.DeviceType < 0 || nr.DeviceType > 3:
		return "invalid device_type"
	}
	return ""
}
