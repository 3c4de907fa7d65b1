package wecomtest

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/wecomkit/wecomkit/externalcontact"
)

// Customer acquisition (获客助手). Links belong to the app that created
// them: list_link lists the caller's own, and get, update_link and
// delete_link refuse another app's link (40058, the fake's choice) — doc
// 97297 says links are "当前应用创建". Each customer a link brings uses one
// unit of the corporation's quota (doc 97375), taken from the grant that
// expires first; with no quota left the link brings no one
// ([Server.AddAcquisitionCustomer] fails). The quota's total is the units
// used so far (doc 97375: 历史累计使用量). list_link answers at most 100
// ids, customer at most 1000 rows; statistic counts whole China days, both
// ends included, within the last 180 days, at most 30 of them (the span is
// our reading).
const (
	linkListMax     = 100
	linkCustomerMax = 1000
	linkStatSpan    = 30 * 24 * time.Hour
)

// ErrNoAcquisitionQuota is returned by [Server.AddAcquisitionCustomer]
// when the corporation has no acquisition quota left.
var ErrNoAcquisitionQuota = errors.New("wecomtest: no acquisition quota left")

type wayLink struct {
	link      externalcontact.AcquisitionLink
	agentID   int64
	customers []acqCustomer
	clicks    []time.Time
}

type acqCustomer struct {
	externalcontact.AcquisitionCustomer
	added time.Time
}

type quotaGrant struct {
	balance int
	expires time.Time
}

// AddAcquisitionQuota grants corpID n units of acquisition quota that
// expire at expires.
func (s *Server) AddAcquisitionQuota(corpID string, n int, expires time.Time) {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	c.quota = append(c.quota, quotaGrant{balance: n, expires: expires})
	slices.SortStableFunc(c.quota, func(a, b quotaGrant) int { return a.expires.Compare(b.expires) })
}

// AcquisitionLink returns the link linkID of corpID as the fake holds it.
func (s *Server) AcquisitionLink(corpID, linkID string) (externalcontact.AcquisitionLink, bool) {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	l := c.links[linkID]
	if l == nil {
		return externalcontact.AcquisitionLink{}, false
	}
	out := l.link
	out.Range.UserList, out.Range.DepartmentList = slices.Clone(l.link.Range.UserList), slices.Clone(l.link.Range.DepartmentList)
	return out, true
}

// ClickAcquisitionLink records that a customer opened the link linkID
// (counted by customer_acquisition/statistic).
func (s *Server) ClickAcquisitionLink(corpID, linkID string) error {
	now := s.now()
	c, unlock := s.lockWay(corpID)
	defer unlock()
	l := c.links[linkID]
	if l == nil {
		return fmt.Errorf("wecomtest: no acquisition link %s in %s", linkID, corpID)
	}
	l.clicks = append(l.clicks, now)
	return nil
}

// AddAcquisitionCustomer records that customer cu opened the link linkID
// and added member cu.UserID through it, using one unit of quota. The
// member must be in the link's user list (when it has one). It does not
// add the customer to the first slice's model: call [Server.AddCustomer]
// with State for that.
func (s *Server) AddAcquisitionCustomer(corpID, linkID string, cu externalcontact.AcquisitionCustomer) error {
	now := s.now()
	c, unlock := s.lockWay(corpID)
	defer unlock()
	l := c.links[linkID]
	switch {
	case l == nil:
		return fmt.Errorf("wecomtest: no acquisition link %s in %s", linkID, corpID)
	case len(l.link.Range.UserList) > 0 && !slices.Contains(l.link.Range.UserList, cu.UserID):
		return fmt.Errorf("wecomtest: %s is not in the range of link %s", cu.UserID, linkID)
	}
	for i := range c.quota {
		if g := &c.quota[i]; g.balance > 0 && now.Before(g.expires) {
			g.balance--
			c.quotaUsed++
			l.clicks = append(l.clicks, now)
			l.customers = append(l.customers, acqCustomer{AcquisitionCustomer: cu, added: now})
			return nil
		}
	}
	return ErrNoAcquisitionQuota
}

// linkLocked finds the caller's link, answering the errcode itself.
func (c *wayCorp) linkLocked(w http.ResponseWriter, caller Caller, linkID string) *wayLink {
	l := c.links[linkID]
	if l == nil || l.agentID != caller.AgentID {
		writeError(w, 40058, "invalid link_id")
		return nil
	}
	return l
}

func linkJSON(l *wayLink) map[string]any {
	return map[string]any{"link_id": l.link.LinkID, "link_name": l.link.LinkName, "url": l.link.URL,
		"create_time": l.link.CreateTime, "skip_verify": l.link.SkipVerify}
}

func emptyRange(r *externalcontact.AcquisitionRange) bool {
	return r == nil || len(r.UserList)+len(r.DepartmentList) == 0
}

// handleListLinks serves POST customer_acquisition/list_link.
func (s *Server) handleListLinks(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		Limit  int    `json:"limit"`
		Cursor string `json:"cursor"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	limit, off, ok := listWindow(w, b.Limit, linkListMax, linkListMax, b.Cursor)
	if !ok {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	ids := []string{}
	for _, id := range c.linkOrder {
		if c.links[id].agentID == caller.AgentID {
			ids = append(ids, id)
		}
	}
	end := min(off+limit, len(ids))
	writeOK(w, map[string]any{"link_id_list": ids[min(off, end):end], "next_cursor": wayCursor(end, len(ids))})
}

// handleGetLink serves POST customer_acquisition/get.
func (s *Server) handleGetLink(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		LinkID string `json:"link_id"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	l := c.linkLocked(w, caller, b.LinkID)
	if l == nil {
		return
	}
	writeOK(w, map[string]any{"link": linkJSON(l), "range": l.link.Range})
}

// acquisitionMaxMembers is the most members a link's range names (doc
// 97297: 最多500人; the fake counts user_list, not departments' members).
const acquisitionMaxMembers = 500

// handleCreateLink serves POST customer_acquisition/create_link.
func (s *Server) handleCreateLink(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		LinkName   string                            `json:"link_name"`
		Range      *externalcontact.AcquisitionRange `json:"range"`
		SkipVerify *bool                             `json:"skip_verify"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if emptyRange(b.Range) {
		writeError(w, 40058, "range: members or departments required")
		return
	}
	if len(b.Range.UserList) > acquisitionMaxMembers {
		writeError(w, 40058, "range: at most 500 members")
		return
	}
	now := s.now()
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	id := c.nextID("cawcde")
	l := &wayLink{agentID: caller.AgentID, link: externalcontact.AcquisitionLink{LinkID: id, LinkName: b.LinkName,
		URL: s.URL + "/wecomtest/ca/" + id, CreateTime: now.Unix(), SkipVerify: b.SkipVerify == nil || *b.SkipVerify,
		Range: externalcontact.AcquisitionRange{UserList: slices.Clone(b.Range.UserList), DepartmentList: slices.Clone(b.Range.DepartmentList)}}}
	c.links[id] = l
	c.linkOrder = append(c.linkOrder, id)
	writeOK(w, map[string]any{"link": linkJSON(l)})
}

// handleUpdateLink serves POST customer_acquisition/update_link.
func (s *Server) handleUpdateLink(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		LinkID     string                            `json:"link_id"`
		LinkName   string                            `json:"link_name"`
		Range      *externalcontact.AcquisitionRange `json:"range"`
		SkipVerify *bool                             `json:"skip_verify"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if b.Range != nil && emptyRange(b.Range) {
		writeError(w, 40058, "range: members or departments required")
		return
	}
	if b.Range != nil && len(b.Range.UserList) > acquisitionMaxMembers {
		writeError(w, 40058, "range: at most 500 members")
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	l := c.linkLocked(w, caller, b.LinkID)
	if l == nil {
		return
	}
	if b.LinkName != "" {
		l.link.LinkName = b.LinkName
	}
	if b.Range != nil {
		l.link.Range = externalcontact.AcquisitionRange{UserList: slices.Clone(b.Range.UserList), DepartmentList: slices.Clone(b.Range.DepartmentList)}
	}
	if b.SkipVerify != nil {
		l.link.SkipVerify = *b.SkipVerify
	}
	writeOK(w, nil)
}

// handleDeleteLink serves POST customer_acquisition/delete_link.
func (s *Server) handleDeleteLink(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		LinkID string `json:"link_id"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	if c.linkLocked(w, caller, b.LinkID) == nil {
		return
	}
	delete(c.links, b.LinkID)
	c.linkOrder = slices.DeleteFunc(c.linkOrder, func(id string) bool { return id == b.LinkID })
	writeOK(w, nil)
}

// handleLinkCustomers serves POST customer_acquisition/customer: the
// link's customers in the order they came. Another app's link may be
// read (the page does not restrict it).
func (s *Server) handleLinkCustomers(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		LinkID string `json:"link_id"`
		Limit  int    `json:"limit"`
		Cursor string `json:"cursor"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	limit, off, ok := listWindow(w, b.Limit, linkCustomerMax, linkCustomerMax, b.Cursor)
	if !ok {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	l := c.links[b.LinkID]
	if l == nil {
		writeError(w, 40058, "invalid link_id")
		return
	}
	end := min(off+limit, len(l.customers))
	rows := []externalcontact.AcquisitionCustomer{}
	for _, cu := range l.customers[min(off, end):end] {
		rows = append(rows, cu.AcquisitionCustomer)
	}
	writeOK(w, map[string]any{"customer_list": rows, "next_cursor": wayCursor(end, len(l.customers))})
}

// handleAcquisitionQuota serves GET externalcontact/customer_acquisition_quota:
// total is the units used so far, balance the units left in grants not
// yet expired, quota_list those grants with the midnight (China time) of
// their expiry day.
func (s *Server) handleAcquisitionQuota(w http.ResponseWriter, _ *http.Request, caller Caller) {
	now := s.now()
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	balance := 0
	list := []map[string]int64{}
	for _, g := range c.quota {
		if now.Before(g.expires) && g.balance > 0 {
			balance += g.balance
			list = append(list, map[string]int64{"expire_date": chinaDay(g.expires).Unix(), "balance": int64(g.balance)})
		}
	}
	writeOK(w, map[string]any{"total": c.quotaUsed, "balance": balance, "quota_list": list})
}

// handleLinkStatistic serves POST customer_acquisition/statistic: clicks
// and new customers within [start_time, end_time].
func (s *Server) handleLinkStatistic(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		LinkID    string `json:"link_id"`
		StartTime int64  `json:"start_time"`
		EndTime   int64  `json:"end_time"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	start, end := chinaDay(time.Unix(b.StartTime, 0)), chinaDay(time.Unix(b.EndTime, 0)).AddDate(0, 0, 1)
	if end.Before(start) || end.Sub(start) > linkStatSpan || start.Before(chinaDay(s.now()).AddDate(0, 0, -statKeepDays)) {
		writeError(w, 40058, "at most 30 days of the last 180, in order")
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	l := c.links[b.LinkID]
	if l == nil {
		writeError(w, 40058, "invalid link_id")
		return
	}
	in := func(t time.Time) bool { return !t.Before(start) && t.Before(end) }
	clicks, added := 0, 0
	for _, t := range l.clicks {
		if in(t) {
			clicks++
		}
	}
	for _, cu := range l.customers {
		if in(cu.added) {
			added++
		}
	}
	writeOK(w, map[string]any{"click_link_customer_cnt": clicks, "new_customer_cnt": added})
}
