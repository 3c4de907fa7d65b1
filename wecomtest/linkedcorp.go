package wecomtest

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The rest of the directory: invitations (batch/invite, doc 90975), the
// join QR code (corp/get_join_qrcode, 91714), the active-member count
// (user/get_active_stat, 92714), and linked corporations (互联企业: docs
// 93168–93172) with their message/send (linkedcorp/message/send, 90250).
//
// Who may call: WeCom serves the join QR code and the active count to the
// contact-sync helper (通讯录同步) only, and the fake answers other tokens
// 48002. The linked-corporation calls are for self-built apps (企业内部开发);
// the fake answers the contact-sync helper and third-party apps 48002 —
// its choice, WeCom's code for them is not documented.

// linkedState is the fake's model behind addLinkedCorpRoutes's routes;
// guarded by Server.mu.
type linkedState struct {
	invites map[string][]Invite                    // corpID → accepted invitations, in order
	active  map[string]map[string]int              // corpID → "2006-01-02" → active members
	corps   map[string]map[string]*linkedCorpState // corpID → linked corpid → linked corporation
	sent    map[string][]LinkedSentMessage         // corpID → linkedcorp/message/send calls
}

// Invite is a batch/invite call the server accepted: the ids it invited
// (the valid ones; the others were answered as invalid).
type Invite struct {
	AgentID int64
	Users   []string // userids as stored
	Parties []int64
	Tags    []int64
	At      time.Time
}

// LinkedCorp is a corporation linked (互联企业) to one of the server's
// corporations, as [Server.AddLinkedCorp] takes it. Its members are named
// "CORPID/USERID" and its departments "LINKEDID/DEPARTMENTID" by the
// linked-corporation calls.
type LinkedCorp struct {
	CorpID string
	// LinkedID prefixes its department ids; "" means CorpID.
	LinkedID    string
	Departments []Department // ID, ParentID, Order, Name are used
	Members     []LinkedMember
	// ScopeDepartments and ScopeUsers are what the apps of the
	// corporation may see (with the departments' subtrees): what
	// linkedcorp/agent/get_perm_list lists. When both are empty, the
	// root departments (ParentID 0) are the scope.
	ScopeDepartments []int64
	ScopeUsers       []string
}

// LinkedMember is a member of a [LinkedCorp].
type LinkedMember struct {
	UserID     string
	Name       string
	Mobile     string
	Telephone  string
	Email      string
	Position   string
	Department []int64
}

// LinkedSentMessage is a linkedcorp/message/send call the server accepted.
type LinkedSentMessage struct {
	AgentID int64
	MsgType string
	// Fields holds the content's text fields as WeCom keeps them, as in
	// [SentMessage.Fields].
	Fields map[string]string
	// Delivered lists the members reached: "CORPID/USERID" for members of
	// linked corporations, the userid for the corporation's own.
	Delivered []string
	Sent      time.Time
	Body      []byte
}

type linkedCorpState struct {
	LinkedCorp
	depts    map[int64]*Department
	members  map[string]*LinkedMember // lower-case userid
	children map[int64][]int64
	visible  map[int64]bool  // scope departments with their subtrees
	vusers   map[string]bool // lower-case userids in ScopeUsers
	scope    []int64         // the scope's departments, ascending
	ordered  []*LinkedMember // by userid
}

// addLinkedCorpRoutes registers the routes of this file's endpoints.
func (s *Server) addLinkedCorpRoutes() {
	s.linked = linkedState{
		invites: make(map[string][]Invite),
		active:  make(map[string]map[string]int),
		corps:   make(map[string]map[string]*linkedCorpState),
		sent:    make(map[string][]LinkedSentMessage),
	}
	s.routes["/cgi-bin/batch/invite"] = s.authed(s.handleInvite)
	s.routes["/cgi-bin/corp/get_join_qrcode"] = s.authed(s.handleJoinQRCode)
	s.routes["/cgi-bin/user/get_active_stat"] = s.authed(s.handleActiveStat)
	s.routes["/cgi-bin/linkedcorp/agent/get_perm_list"] = s.authed(s.handleLinkedPermList)
	s.routes["/cgi-bin/linkedcorp/user/get"] = s.authed(s.handleLinkedUserGet)
	s.routes["/cgi-bin/linkedcorp/user/simplelist"] = s.authed(func(w http.ResponseWriter, r *http.Request, c Caller) {
		s.handleLinkedUsers(w, r, c, false)
	})
	s.routes["/cgi-bin/linkedcorp/user/list"] = s.authed(func(w http.ResponseWriter, r *http.Request, c Caller) {
		s.handleLinkedUsers(w, r, c, true)
	})
	s.routes["/cgi-bin/linkedcorp/department/list"] = s.authed(s.handleLinkedDepartmentList)
	s.routes["/cgi-bin/linkedcorp/message/send"] = s.authed(s.handleLinkedMessageSend)
}

// Invites returns the invitations batch/invite accepted for corpID, in
// order.
func (s *Server) Invites(corpID string) []Invite {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Invite, len(s.linked.invites[corpID]))
	copy(out, s.linked.invites[corpID])
	return out
}

// SetActiveCount sets what user/get_active_stat answers for corpID on day
// date ("2006-01-02"). A day without a count answers the number of
// members in the directory.
func (s *Server) SetActiveCount(corpID, date string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.linked.active[corpID]
	if m == nil {
		m = make(map[string]int)
		s.linked.active[corpID] = m
	}
	m[date] = n
}

// AddLinkedCorp links lc to corpID: every app of corpID sees lc's scope
// through the linked-corporation calls. A corporation linked again
// replaces the first.
func (s *Server) AddLinkedCorp(corpID string, lc LinkedCorp) {
	st := &linkedCorpState{
		LinkedCorp: lc,
		depts:      make(map[int64]*Department),
		members:    make(map[string]*LinkedMember),
		children:   make(map[int64][]int64),
		visible:    make(map[int64]bool),
		vusers:     make(map[string]bool),
	}
	if st.LinkedID == "" {
		st.LinkedID = st.CorpID
	}
	for i := range lc.Departments {
		d := lc.Departments[i]
		st.depts[d.ID] = &d
	}
	for id, d := range st.depts {
		if d.ParentID != 0 && d.ParentID != id {
			st.children[d.ParentID] = append(st.children[d.ParentID], id)
		}
	}
	for _, c := range st.children {
		sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	}
	for i := range lc.Members {
		m := lc.Members[i]
		m.Department = append([]int64(nil), m.Department...)
		st.members[strings.ToLower(m.UserID)] = &m
		st.ordered = append(st.ordered, &m)
	}
	sort.Slice(st.ordered, func(i, j int) bool { return st.ordered[i].UserID < st.ordered[j].UserID })
	st.scope = append([]int64(nil), lc.ScopeDepartments...)
	if len(st.scope) == 0 && len(lc.ScopeUsers) == 0 {
		for id, d := range st.depts {
			if d.ParentID == 0 {
				st.scope = append(st.scope, id)
			}
		}
	}
	sort.Slice(st.scope, func(i, j int) bool { return st.scope[i] < st.scope[j] })
	for _, id := range st.scope {
		for _, d := range st.subtree(id) {
			st.visible[d] = true
		}
	}
	for _, u := range lc.ScopeUsers {
		st.vusers[strings.ToLower(u)] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.linked.corps[corpID]
	if m == nil {
		m = make(map[string]*linkedCorpState)
		s.linked.corps[corpID] = m
	}
	m[lc.CorpID] = st
}

// LinkedMessages returns the linkedcorp/message/send calls corpID's apps
// made, in order.
func (s *Server) LinkedMessages(corpID string) []LinkedSentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]LinkedSentMessage, len(s.linked.sent[corpID]))
	copy(out, s.linked.sent[corpID])
	return out
}

// subtree returns id and the departments below it, id first.
func (st *linkedCorpState) subtree(id int64) []int64 {
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		out = append(out, st.children[out[i]]...)
	}
	return out
}

func (st *linkedCorpState) memberVisible(m *LinkedMember) bool {
	if st.vusers[strings.ToLower(m.UserID)] {
		return true
	}
	for _, d := range m.Department {
		if st.visible[d] {
			return true
		}
	}
	return false
}

func (st *linkedCorpState) deptID(id int64) string {
	return st.LinkedID + "/" + strconv.FormatInt(id, 10)
}

func (st *linkedCorpState) memberJSON(m *LinkedMember, full bool) map[string]any {
	depts := make([]string, 0, len(m.Department))
	for _, d := range m.Department {
		if st.visible[d] {
			depts = append(depts, st.deptID(d))
		}
	}
	out := map[string]any{"userid": m.UserID, "name": m.Name, "department": depts, "corpid": st.CorpID}
	if full {
		out["mobile"], out["telephone"], out["email"], out["position"] = m.Mobile, m.Telephone, m.Email, m.Position
	}
	return out
}

// linkedCaller refuses the tokens the fake keeps away from the
// linked-corporation calls.
func (s *Server) linkedCaller(w http.ResponseWriter, c Caller) bool {
	s.mu.Lock()
	tp := s.thirdPartyAgentLocked(c)
	s.mu.Unlock()
	if c.AgentID == ContactSyncAgentID || tp {
		writeError(w, 48002, "api forbidden: linked corporations are for the corporation's own apps")
		return false
	}
	return true
}

// onlyContactSync answers 48002 to every token but the contact-sync
// helper's.
func onlyContactSync(w http.ResponseWriter, c Caller) bool {
	if c.AgentID != ContactSyncAgentID {
		writeError(w, 48002, "api forbidden: only the contact-sync secret may call this API")
		return false
	}
	return true
}

// handleInvite serves POST /cgi-bin/batch/invite (doc 90975): ids the
// caller does not see, or that do not exist, come back as invalid; the
// others are invited and recorded ([Server.Invites]).
func (s *Server) handleInvite(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		User  []string `json:"user"`
		Party []int64  `json:"party"`
		Tag   []int64  `json:"tag"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	switch {
	case len(b.User)+len(b.Party)+len(b.Tag) == 0:
		writeError(w, 40058, "user, party and tag are all empty")
		return
	case len(b.User) > 1000 || len(b.Party) > 100 || len(b.Tag) > 100:
		writeError(w, 40058, "at most 1000 users, 100 parties and 100 tags")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.indexLocked(c.CorpID)
	inv := Invite{AgentID: c.AgentID, At: s.now()}
	invalidUsers, invalidParties, invalidTags := []string{}, []int64{}, []int64{}
	for _, u := range b.User {
		if m := s.memberLocked(c.CorpID, u); m != nil && idx.userVisible(c, m) {
			inv.Users = append(inv.Users, m.UserID)
		} else {
			invalidUsers = append(invalidUsers, u)
		}
	}
	for _, p := range b.Party {
		if s.con.depts[c.CorpID][p] != nil && idx.deptVisible(c, p) {
			inv.Parties = append(inv.Parties, p)
		} else {
			invalidParties = append(invalidParties, p)
		}
	}
	for _, t := range b.Tag {
		if s.dw.tags[c.CorpID][t] != nil {
			inv.Tags = append(inv.Tags, t)
		} else {
			invalidTags = append(invalidTags, t)
		}
	}
	if len(inv.Users)+len(inv.Parties)+len(inv.Tags) > 0 {
		s.linked.invites[c.CorpID] = append(s.linked.invites[c.CorpID], inv)
	}
	out := map[string]any{"errcode": 0, "errmsg": "ok"}
	if len(invalidUsers) > 0 {
		out["invaliduser"] = invalidUsers
	}
	if len(invalidParties) > 0 {
		out["invalidparty"] = invalidParties
	}
	if len(invalidTags) > 0 {
		out["invalidtag"] = invalidTags
	}
	writeJSON(w, out)
}

// handleJoinQRCode serves GET /cgi-bin/corp/get_join_qrcode (doc 91714):
// a made-up address of WeCom's form; size_type 1–4 (3 when absent, the
// fake's choice).
func (s *Server) handleJoinQRCode(w http.ResponseWriter, r *http.Request, c Caller) {
	if !onlyContactSync(w, c) {
		return
	}
	size := 3
	if v := r.URL.Query().Get("size_type"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 4 {
			writeError(w, 40058, "invalid size_type: must be 1-4")
			return
		}
		size = n
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok",
		"join_qrcode": "https://work.weixin.qq.com/wework_admin/genqrcode?action=join&vcode=" + randomHex(16) +
			"&r=hb_share_api_mjoin&qr_size=" + strconv.Itoa(size)})
}

// handleActiveStat serves POST /cgi-bin/user/get_active_stat (doc 92714):
// a day within the last 30 days of the server's clock (China Standard
// Time), else 40058 (the fake's code).
func (s *Server) handleActiveStat(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		Date string `json:"date"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if !onlyContactSync(w, c) {
		return
	}
	cst := time.FixedZone("CST", 8*3600)
	day, err := time.ParseInLocation(time.DateOnly, b.Date, cst)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().In(cst)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, cst)
	if err != nil || day.After(today) || day.Before(today.AddDate(0, 0, -30)) {
		writeError(w, 40058, "invalid date: a day of the last 30 days, as 2006-01-02")
		return
	}
	n, ok := s.linked.active[c.CorpID][b.Date]
	if !ok {
		n = len(s.dir.members[c.CorpID])
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "active_cnt": n})
}

// handleLinkedPermList serves POST /cgi-bin/linkedcorp/agent/get_perm_list
// (doc 93172).
func (s *Server) handleLinkedPermList(w http.ResponseWriter, r *http.Request, c Caller) {
	if !s.linkedCaller(w, c) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	users, depts := []string{}, []string{}
	for _, st := range s.sortedLinkedLocked(c.CorpID) {
		for _, u := range st.ScopeUsers {
			users = append(users, st.CorpID+"/"+u)
		}
		for _, d := range st.scope {
			depts = append(depts, st.deptID(d))
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userids": users, "department_ids": depts})
}

func (s *Server) sortedLinkedLocked(corpID string) []*linkedCorpState {
	out := make([]*linkedCorpState, 0, len(s.linked.corps[corpID]))
	for _, st := range s.linked.corps[corpID] {
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CorpID < out[j].CorpID })
	return out
}

// linkedMemberLocked resolves "CORPID/USERID" among corpID's linked
// corporations.
func (s *Server) linkedMemberLocked(corpID, id string) (*linkedCorpState, *LinkedMember) {
	cid, uid, ok := strings.Cut(id, "/")
	if !ok {
		return nil, nil
	}
	st := s.linked.corps[corpID][cid]
	if st == nil {
		return nil, nil
	}
	return st, st.members[strings.ToLower(uid)]
}

// linkedDeptLocked resolves "LINKEDID/DEPARTMENTID".
func (s *Server) linkedDeptLocked(corpID, id string) (*linkedCorpState, int64, bool) {
	lid, did, ok := strings.Cut(id, "/")
	n, err := strconv.ParseInt(did, 10, 64)
	if !ok || err != nil {
		return nil, 0, false
	}
	for _, st := range s.linked.corps[corpID] {
		if st.LinkedID == lid && st.depts[n] != nil {
			return st, n, true
		}
	}
	return nil, 0, false
}

// handleLinkedUserGet serves POST /cgi-bin/linkedcorp/user/get (doc
// 93171): 60111 for an id the fake does not know, 60011 outside the
// scope (the fake's codes).
func (s *Server) handleLinkedUserGet(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		UserID string `json:"userid"`
	}
	if !decodeBody(w, r, &b) || !s.linkedCaller(w, c) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, m := s.linkedMemberLocked(c.CorpID, b.UserID)
	switch {
	case m == nil:
		writeError(w, 60111, "")
	case !st.memberVisible(m):
		writeError(w, 60011, "no privilege to access/modify contact/party/agent")
	default:
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "user_info": st.memberJSON(m, true)})
	}
}

type linkedDeptBody struct {
	DepartmentID string `json:"department_id"`
	FetchChild   bool   `json:"fetch_child"`
}

// linkedDeptArgLocked resolves a request's department_id: 60123 for an unknown
// department, 60011 outside the scope (the fake's codes).
func (s *Server) linkedDeptArgLocked(w http.ResponseWriter, c Caller, b *linkedDeptBody) (*linkedCorpState, int64, bool) {
	st, id, ok := s.linkedDeptLocked(c.CorpID, b.DepartmentID)
	switch {
	case !ok:
		writeError(w, 60123, "invalid department id")
		return nil, 0, false
	case !st.visible[id]:
		writeError(w, 60011, "no privilege to access/modify contact/party/agent")
		return nil, 0, false
	}
	return st, id, true
}

// handleLinkedUsers serves POST /cgi-bin/linkedcorp/user/simplelist (doc
// 93168) and, full, /cgi-bin/linkedcorp/user/list (doc 93169): the
// members directly in the department, or in its subtree with fetch_child.
func (s *Server) handleLinkedUsers(w http.ResponseWriter, r *http.Request, c Caller, full bool) {
	var b linkedDeptBody
	if !decodeBody(w, r, &b) || !s.linkedCaller(w, c) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, id, ok := s.linkedDeptArgLocked(w, c, &b)
	if !ok {
		return
	}
	in := map[int64]bool{id: true}
	if b.FetchChild {
		for _, d := range st.subtree(id) {
			in[d] = true
		}
	}
	out := make([]map[string]any, 0, 8)
	for _, m := range st.ordered {
		for _, d := range m.Department {
			if in[d] {
				out = append(out, st.memberJSON(m, full))
				break
			}
		}
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userlist": out})
}

// handleLinkedDepartmentList serves POST
// /cgi-bin/linkedcorp/department/list (doc 93170): the department and its
// subtree. parentid is sent in the department ids' "LINKEDID/ID" form —
// the fake's reading; the form WeCom uses is not confirmed.
func (s *Server) handleLinkedDepartmentList(w http.ResponseWriter, r *http.Request, c Caller) {
	var b linkedDeptBody
	if !decodeBody(w, r, &b) || !s.linkedCaller(w, c) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, id, ok := s.linkedDeptArgLocked(w, c, &b)
	if !ok {
		return
	}
	out := make([]map[string]any, 0, 8)
	for _, d := range st.subtree(id) {
		dp := st.depts[d]
		out = append(out, map[string]any{"department_id": st.deptID(d), "department_name": dp.Name,
			"parentid": st.deptID(dp.ParentID), "order": dp.Order})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "department_list": out})
}

// linkedMsgTypes are the msgtypes linkedcorp/message/send takes (doc
// 90250): message/send's, without template_card.
var linkedMsgTypes = map[string]bool{"text": true, "image": true, "voice": true, "video": true, "file": true,
	"textcard": true, "news": true, "mpnews": true, "markdown": true, "miniprogram_notice": true}

// handleLinkedMessageSend serves POST /cgi-bin/linkedcorp/message/send
// (doc 90250). Members "CORPID/USERID" of a linked corporation (in the
// scope) and plain userids of the corporation's own members are reached,
// departments "LINKEDID/ID" reach the members of their subtree; tags are
// not modelled and come back invalid, as do unknown ids. As for
// message/send, the fake answers 81013 when no recipient is valid.
func (s *Server) handleLinkedMessageSend(w http.ResponseWriter, r *http.Request, c Caller) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	var b struct {
		ToUser  []string `json:"touser"`
		ToParty []string `json:"toparty"`
		ToTag   []string `json:"totag"`
		ToAll   int      `json:"toall"`
		AgentID int64    `json:"agentid"`
		contentBody
	}
	if r.Method != http.MethodPost || err != nil || json.Unmarshal(raw, &b) != nil {
		writeError(w, 47001, "")
		return
	}
	if !s.linkedCaller(w, c) {
		return
	}
	if b.AgentID != c.AgentID {
		writeError(w, 40056, "invalid agentid")
		return
	}
	fields, cerr := s.checkContent(c.CorpID, &b.contentBody, linkedMsgTypes)
	if cerr != nil {
		writeError(w, cerr.code, cerr.msg)
		return
	}
	switch {
	case b.ToAll != 1 && len(b.ToUser) == 0 && len(b.ToParty) == 0 && len(b.ToTag) == 0:
		writeError(w, 40058, "touser, toparty and totag are all empty")
		return
	case len(b.ToUser) > 1000 || len(b.ToParty) > 100 || len(b.ToTag) > 100:
		writeError(w, 40058, "too many recipients: at most 1000 users, 100 parties and 100 tags")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	seen := map[string]bool{}
	var delivered []string
	reach := func(id string) {
		if !seen[id] {
			seen[id] = true
			delivered = append(delivered, id)
		}
	}
	invalidUsers, invalidParties, invalidTags := []string{}, []string{}, []string{}
	if b.ToAll == 1 {
		for _, st := range s.sortedLinkedLocked(c.CorpID) {
			for _, m := range st.ordered {
				if st.memberVisible(m) {
					reach(st.CorpID + "/" + m.UserID)
				}
			}
		}
	} else {
		idx := s.indexLocked(c.CorpID)
		for _, u := range b.ToUser {
			if st, m := s.linkedMemberLocked(c.CorpID, u); m != nil && st.memberVisible(m) {
				reach(st.CorpID + "/" + m.UserID)
			} else if m := s.memberLocked(c.CorpID, u); m != nil && idx.userVisible(c, m) {
				reach(m.UserID)
			} else {
				invalidUsers = append(invalidUsers, u)
			}
		}
		for _, p := range b.ToParty {
			st, id, ok := s.linkedDeptLocked(c.CorpID, p)
			if !ok || !st.visible[id] {
				invalidParties = append(invalidParties, p)
				continue
			}
			in := map[int64]bool{}
			for _, d := range st.subtree(id) {
				in[d] = true
			}
			for _, m := range st.ordered {
				for _, d := range m.Department {
					if in[d] {
						reach(st.CorpID + "/" + m.UserID)
						break
					}
				}
			}
		}
		invalidTags = append(invalidTags, b.ToTag...)
	}
	if len(delivered) == 0 {
		writeError(w, 81013, "user & party & tag all invalid")
		return
	}
	s.linked.sent[c.CorpID] = append(s.linked.sent[c.CorpID], LinkedSentMessage{
		AgentID: c.AgentID, MsgType: b.MsgType, Fields: fields, Delivered: delivered, Sent: s.now(), Body: raw,
	})
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok",
		"invaliduser": invalidUsers, "invalidparty": invalidParties, "invalidtag": invalidTags})
}
