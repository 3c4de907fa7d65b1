package wecomtest

import (
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/wecomkit/wecomkit/oa"
)

// SetLeaveTypes sets corpID's leave types (the approval app's 假期管理), as
// oa/vacation/getcorpconf answers them.
func (s *Server) SetLeaveTypes(corpID string, types []oa.LeaveType) {
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	o.corpLocked(corpID).leave = cloneJSON(types)
}

// SetLeaveBalance sets member userID's balance b of the leave type b.ID;
// its name comes from the leave type.
func (s *Server) SetLeaveBalance(corpID, userID string, b oa.LeaveBalance) {
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.corpLocked(corpID)
	if c.balances[userID] == nil {
		c.balances[userID] = map[int]oa.LeaveBalance{}
	}
	c.balances[userID][b.ID] = b
}

// LeaveBalance returns member userID's balance of leave type id.
func (s *Server) LeaveBalance(corpID, userID string, id int) (oa.LeaveBalance, bool) {
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.corpLocked(corpID)
	i := slices.IndexFunc(c.leave, func(t oa.LeaveType) bool { return t.ID == id })
	if i < 0 {
		return oa.LeaveBalance{}, false
	}
	return c.balanceLocked(userID, c.leave[i]), true
}

func (c *oaCorp) balanceLocked(userID string, t oa.LeaveType) oa.LeaveBalance {
	b := c.balances[userID][t.ID]
	b.ID, b.Name = t.ID, t.Name
	return b
}

// handleOALeaveTypes serves GET oa/vacation/getcorpconf.
func (s *Server) handleOALeaveTypes(w http.ResponseWriter, _ *http.Request, caller Caller) {
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	lists := o.corpLocked(caller.CorpID).leave
	if lists == nil {
		lists = []oa.LeaveType{}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "lists": lists})
}

// handleOALeaveBalances serves POST oa/vacation/getuservacationquota: a
// balance for every leave type, zero where none was set.
func (s *Server) handleOALeaveBalances(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		UserID string `json:"userid"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.corpLocked(caller.CorpID)
	lists := []oa.LeaveBalance{}
	for _, t := range c.leave {
		lists = append(lists, c.balanceLocked(b.UserID, t))
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "lists": lists})
}

// handleOASetLeaveBalance serves POST oa/vacation/setoneuserquota: 301063
// for an unknown leave type, a time_attr other than the type's, a balance
// over 1000 days or not a multiple of 0.1 day (8640 s) or 0.1 hour (360 s),
// remarks over 200 characters. The assigned duration becomes used + left.
func (s *Server) handleOASetLeaveBalance(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		UserID       string `json:"userid"`
		VacationID   int    `json:"vacation_id"`
		LeftDuration int64  `json:"leftduration"`
		TimeAttr     int    `json:"time_attr"`
		Remarks      string `json:"remarks"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	o := &s.oa
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.corpLocked(caller.CorpID)
	i := slices.IndexFunc(c.leave, func(t oa.LeaveType) bool { return t.ID == b.VacationID })
	step := int64(8640)
	if b.TimeAttr == 1 {
		step = 360
	}
	if i < 0 || c.leave[i].TimeAttr != b.TimeAttr || b.LeftDuration < 0 || b.LeftDuration > 1000*86400 ||
		b.LeftDuration%step != 0 || utf8.RuneCountInString(b.Remarks) > oa.MaxLeaveRemarks {
		writeError(w, 301063, "invalid parameter")
		return
	}
	bal := c.balanceLocked(b.UserID, c.leave[i])
	bal.Left = b.LeftDuration
	bal.Assigned = bal.Used + bal.Left
	if c.balances[b.UserID] == nil {
		c.balances[b.UserID] = map[int]oa.LeaveBalance{}
	}
	c.balances[b.UserID][b.VacationID] = bal
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}
