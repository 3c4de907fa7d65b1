package wecomtest

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Group statistics (doc 92133), computed from the groups the fake holds:
// for each owner (by owner) or day (by day), the groups created and the
// members who joined within the days, and the groups and members there
// were at the end of the last day (by owner) or of each day (by day).
// Messages are not modelled: chat_has_msg, member_has_msg and msg_total
// are 0. Days are China days (UTC+8); the first day must lie between
// yesterday and 180 days back, a span covers at most 30 days, and limit
// is 1 to 1000 (default 500); anything else is answered 40058.
const (
	statDaysMax   = 30
	statKeepDays  = 180
	statLimitMax  = 1000
	statLimitDflt = 500
	statOwnersMax = 100
	statOrderMax  = 4
)

var chinaTime = time.FixedZone("CST", 8*3600)

// chinaDay returns the midnight (China time) of t's day.
func chinaDay(t time.Time) time.Time {
	y, m, d := t.In(chinaTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, chinaTime)
}

type statBody struct {
	DayBeginTime int64           `json:"day_begin_time"`
	DayEndTime   int64           `json:"day_end_time"`
	OwnerFilter  *wayOwnerFilter `json:"owner_filter"`
	OrderBy      int             `json:"order_by"`
	OrderAsc     int             `json:"order_asc"`
	Offset       int             `json:"offset"`
	Limit        int             `json:"limit"`
}

// days checks b's days and returns the first and the last midnight, or
// answers the errcode itself.
func (s *Server) statDays(w http.ResponseWriter, b *statBody) (first, last time.Time, ok bool) {
	first = chinaDay(time.Unix(b.DayBeginTime, 0))
	last = first
	if b.DayEndTime != 0 {
		last = chinaDay(time.Unix(b.DayEndTime, 0))
	}
	today := chinaDay(s.now())
	switch {
	case !first.Before(today) || !last.Before(today):
		writeError(w, 40058, "the days end yesterday at the latest")
	case first.Before(today.AddDate(0, 0, -statKeepDays)):
		writeError(w, 40058, "the days start 180 days back at the earliest")
	case last.Before(first) || last.Sub(first) >= statDaysMax*24*time.Hour:
		writeError(w, 40058, "at most 30 days, in order")
	case b.OwnerFilter != nil && len(b.OwnerFilter.UserIDList) > statOwnersMax:
		writeError(w, 40058, "owner_filter.userid_list: at most 100")
	default:
		return first, last, true
	}
	return first, last, false
}

// statLocked counts the groups of owners (all owners when nil) over the
// days [from, to] (midnights; totals at the end of to's day).
func (c *wayCorp) statLocked(owners []string, from, to time.Time) map[string]int {
	end := to.AddDate(0, 0, 1)
	st := map[string]int{"new_chat_cnt": 0, "chat_total": 0, "chat_has_msg": 0, "new_member_cnt": 0, "member_total": 0,
		"member_has_msg": 0, "msg_total": 0, "migrate_trainee_chat_cnt": 0}
	for _, id := range c.groupOrder {
		g := c.groups[id]
		if owners != nil && !slices.Contains(owners, g.Owner) || !g.Created.Before(end) {
			continue
		}
		st["chat_total"]++
		if !g.Created.Before(from) {
			st["new_chat_cnt"]++
		}
		for _, m := range g.Members {
			if m.Joined.Before(end) {
				st["member_total"]++
				if !m.Joined.Before(from) {
					st["new_member_cnt"]++
				}
			}
		}
	}
	return st
}

// handleGroupStat serves POST externalcontact/groupchat/statistic: one
// row an owner (the owners named, or every owner of a group held).
func (s *Server) handleGroupStat(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b statBody
	if !decodeBody(w, r, &b) {
		return
	}
	first, last, ok := s.statDays(w, &b)
	if !ok {
		return
	}
	limit := b.Limit
	if limit == 0 {
		limit = statLimitDflt
	}
	if limit < 1 || limit > statLimitMax || b.Offset < 0 || b.OrderBy < 0 || b.OrderBy > statOrderMax {
		writeError(w, 40058, "limit 1 to 1000, offset ≥ 0, order_by 1 to 4")
		return
	}
	orderKey := [...]string{"new_chat_cnt", "new_chat_cnt", "chat_total", "new_member_cnt", "member_total"}[b.OrderBy]
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	var owners []string
	if b.OwnerFilter != nil && len(b.OwnerFilter.UserIDList) > 0 {
		owners = slices.Clone(b.OwnerFilter.UserIDList)
	} else {
		for _, id := range c.groupOrder {
			if o := c.groups[id].Owner; !slices.Contains(owners, o) {
				owners = append(owners, o)
			}
		}
	}
	type row struct {
		owner string
		data  map[string]int
	}
	rows := make([]row, 0, len(owners))
	for _, o := range owners {
		rows = append(rows, row{o, c.statLocked([]string{o}, first, last)})
	}
	slices.SortStableFunc(rows, func(x, y row) int {
		d := x.data[orderKey] - y.data[orderKey]
		if b.OrderAsc != 1 {
			d = -d
		}
		if d != 0 {
			return d
		}
		return strings.Compare(x.owner, y.owner)
	})
	end := min(b.Offset+limit, len(rows))
	items := []map[string]any{}
	for _, x := range rows[min(b.Offset, end):end] {
		items = append(items, map[string]any{"owner": x.owner, "data": x.data})
	}
	writeOK(w, map[string]any{"total": len(rows), "next_offset": end, "items": items})
}

// handleGroupStatByDay serves POST
// externalcontact/groupchat/statistic_group_by_day: one row a day over
// the owners named (owner_filter is required here).
func (s *Server) handleGroupStatByDay(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b statBody
	if !decodeBody(w, r, &b) {
		return
	}
	if b.OwnerFilter == nil || len(b.OwnerFilter.UserIDList) == 0 {
		writeError(w, 40058, "owner_filter is required")
		return
	}
	first, last, ok := s.statDays(w, &b)
	if !ok {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	items := []map[string]any{}
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		items = append(items, map[string]any{"stat_time": d.Unix(), "data": c.statLocked(b.OwnerFilter.UserIDList, d, d)})
	}
	writeOK(w, map[string]any{"items": items})
}
