package wecomtest

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Customer contact operations: mass messages (extops_massmsg.go), moments
// (extops_moment.go), transfers (extops_transfer.go), statistics, id
// conversions and rule-group tags (extops_misc.go). Their state lives
// beside the customers of externalcontact.go and under the same lock, so a
// transfer moves a customer from one member to another in one step.
//
// Errcodes: where WeCom's pages name no code for a limit, the server
// answers 40058 (不合法的参数), its choice; docs/wecom-api-notes.md lists
// the codes and which are the server's reading.

// extOpsState is the fake's model of mass messages, moments, transfers, statistics, acquisition links, id conversions, strategy tags.
type extOpsState struct {
	corps map[string]*opsCorp // guarded by Server.ext.mu
}

type opsCorp struct {
	seq       int
	msgs      []*massMsg
	received  map[string][]time.Time // customer or chat id → mass messages received
	jobs      map[string]*momentJob
	moments   []*moment
	transfers []*transferRec
	resigned  map[string]time.Time // userid → when they left
	limits    map[string]int       // userid → most customers (0: no limit)
	behavior  map[string]map[int64]UserBehavior
	rules     map[int64]*[]*CustomerTagGroup // rule group → its tag groups
	pending   map[string]string              // unionid → pending id
}

// addExtOpsRoutes adds the routes of mass messages, moments, transfers, statistics, acquisition links, id conversions, strategy tags.
func (s *Server) addExtOpsRoutes() {
	s.extOps = extOpsState{corps: make(map[string]*opsCorp)}
	for path, h := range map[string]HandlerFunc{
		"add_msg_template":             s.handleAddMsgTemplate,
		"get_groupmsg_list_v2":         s.handleGroupMsgList,
		"get_groupmsg_task":            s.handleGroupMsgTask,
		"get_groupmsg_send_result":     s.handleGroupMsgSendResult,
		"remind_groupmsg_send":         s.handleRemindGroupMsg,
		"cancel_groupmsg_send":         s.handleCancelGroupMsg,
		"add_moment_task":              s.handleAddMomentTask,
		"get_moment_task_result":       s.handleMomentTaskResult,
		"cancel_moment_task":           s.handleCancelMomentTask,
		"get_moment_list":              s.handleMomentList,
		"get_moment_task":              s.handleMomentTask,
		"get_moment_customer_list":     s.handleMomentCustomers(false),
		"get_moment_send_result":       s.handleMomentCustomers(true),
		"get_moment_comments":          s.handleMomentComments,
		"transfer_customer":            s.handleTransferCustomer(false),
		"transfer_result":              s.handleTransferResult(false),
		"groupchat/onjob_transfer":     s.handleChatTransfer(false),
		"get_unassigned_list":          s.handleUnassignedList,
		"resigned/transfer_customer":   s.handleTransferCustomer(true),
		"resigned/transfer_result":     s.handleTransferResult(true),
		"groupchat/transfer":           s.handleChatTransfer(true),
		"get_user_behavior_data":       s.handleUserBehavior,
		"get_strategy_tag_list":        s.handleStrategyTagList,
		"add_strategy_tag":             s.handleAddStrategyTag,
		"edit_strategy_tag":            s.handleEditStrategyTag,
		"del_strategy_tag":             s.handleDelStrategyTag,
		"get_new_external_userid":      s.handleNewExternalUserID,
		"to_service_external_userid":   s.handleToServiceExternalUserID,
		"from_service_external_userid": s.handleFromServiceExternalUserID,
	} {
		s.routes["/cgi-bin/externalcontact/"+path] = s.authed(h)
	}
	s.routes["/cgi-bin/idconvert/unionid_to_external_userid"] = s.corpCredAuthed(s.handleUnionIDToExternalUserID)
	s.routes["/cgi-bin/idconvert/batch/external_userid_to_pending_id"] = s.corpCredAuthed(s.handlePendingIDs)
}

// opsLocked returns corpID's state; s.ext.mu must be held.
func (s *Server) opsLocked(corpID string) *opsCorp {
	o := s.extOps.corps[corpID]
	if o == nil {
		o = &opsCorp{received: map[string][]time.Time{}, jobs: map[string]*momentJob{}, resigned: map[string]time.Time{},
			limits: map[string]int{}, behavior: map[string]map[int64]UserBehavior{},
			rules: map[int64]*[]*CustomerTagGroup{}, pending: map[string]string{}}
		s.extOps.corps[corpID] = o
	}
	return o
}

func (o *opsCorp) nextID(prefix string) string {
	o.seq++
	return prefix + "wecomtest" + strconv.Itoa(o.seq)
}

// page cuts rows at the cursor the fake issued, answering 40058 for one
// it did not; limit is the answer's size.
func page[T any](w http.ResponseWriter, rows []T, cursor string, limit int) ([]T, string, bool) {
	off, ok := parseExtCursor(w, cursor)
	if !ok {
		return nil, "", false
	}
	end := min(off+limit, len(rows))
	next := ""
	if end < len(rows) {
		next = "wecomtest-" + strconv.Itoa(end)
	}
	out := slices.Clone(rows[min(off, end):end])
	if out == nil {
		out = []T{}
	}
	return out, next, true
}

// writePage answers the page of rows at cursor under key, with its
// next_cursor (see page).
func writePage[T any](w http.ResponseWriter, key string, rows []T, cursor string, limit int) {
	if out, next, ok := page(w, rows, cursor, limit); ok {
		writeOK(w, map[string]any{key: out, "next_cursor": next})
	}
}

// limitOf applies WeCom's rule for a limit: 0 or more than most is def.
func limitOf(n, def, most int) int {
	if n <= 0 || n > most {
		return def
	}
	return n
}

// writeOK answers success (errcode 0) with the given fields beside it.
func writeOK(w http.ResponseWriter, fields map[string]any) {
	m := map[string]any{"errcode": 0, "errmsg": "ok"}
	for k, v := range fields {
		m[k] = v
	}
	writeJSON(w, m)
}

// members returns the userids of corpID's directory members in any of
// departments (a stand-in for "the members of these departments").
func (s *Server) membersIn(corpID string, departments []int64) map[int64][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64][]string{}
	for _, m := range s.dir.members[corpID] {
		for _, d := range m.Department {
			if slices.Contains(departments, d) {
				out[d] = append(out[d], m.UserID)
			}
		}
	}
	for _, ids := range out {
		slices.Sort(ids)
	}
	return out
}

// followsLocked reports whether member userID has customer ext.
func (ec *extCorp) followsLocked(userID, ext string) bool {
	cu := ec.customers[ext]
	return cu != nil && cu.follow(userID) != nil
}

// tagsMatch reports whether tags satisfies filter: for every group, one of
// its tags.
func tagsMatch(tags []string, groups [][]string) bool {
	for _, g := range groups {
		if !slices.ContainsFunc(g, func(t string) bool { return slices.Contains(tags, t) }) {
			return false
		}
	}
	return true
}
