package wecomtest

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// Department is a department (部门) of a fake corporation's directory, as
// department/list describes it (https://developer.work.weixin.qq.com/document/path/90208).
type Department struct {
	ID       int64
	ParentID int64 // 0 for the root department (id 1 in a real corporation)
	Order    int64 // WeCom sorts larger values first
	Name     string
	NameEn   string
	Leaders  []string // department_leader: userids
}

// ContactSyncAgentID is the agentid under which [Server.SetContactSyncSecret]
// registers a corporation's contact-sync helper (通讯录同步). WeCom gives that
// helper no agentid; the negative value cannot collide with a real app. Use
// it with [Server.Tokens] to see the helper's tokens.
const ContactSyncAgentID int64 = -1

// contactState is the server's model of departments, visible scopes and
// sent messages; guarded by Server.mu.
type contactState struct {
	depts      map[string]map[int64]*Department // corpID → id → department
	scopes     map[appKey]*visibleScope
	unlicensed map[string]map[string]bool // corpID → lower-case userid
	gen        uint64                     // bumped on every directory change
	index      map[string]*corpIndex      // rebuilt when gen moves on
	msg        messageState               // message.go
}

type appKey struct {
	corpID  string
	agentID int64
}

// visibleScope is an app's 可见范围: departments (with their subtrees) and
// single members.
type visibleScope struct {
	depts map[int64]bool
	users map[string]bool // lower-case userids
}

// corpIndex is a corporation's directory sorted for paging and listing.
type corpIndex struct {
	gen      uint64
	rows     []deptUserRow             // user/list_id rows, by userid then department
	byDept   map[int64][]*Member       // members directly in a department, by userid
	children map[int64][]int64         // department → sub-departments, ascending
	sorted   []*Department             // by id
	members  map[string]*Member        // lower-case userid → member (same map as the directory)
	visible  map[int64]map[int64]bool  // agentID → visible departments (subtrees expanded)
	vusers   map[int64]map[string]bool // agentID → visible lower-case userids
}

type deptUserRow struct {
	userID string
	dept   int64
}

func (s *Server) addContactRoutes() {
	s.con = contactState{
		depts:      make(map[string]map[int64]*Department),
		scopes:     make(map[appKey]*visibleScope),
		unlicensed: make(map[string]map[string]bool),
		index:      make(map[string]*corpIndex),
	}
	s.con.msg.init()
	s.routes["/cgi-bin/department/list"] = s.authed(s.handleDepartmentList)
	s.routes["/cgi-bin/department/simplelist"] = s.authed(s.handleDepartmentSimpleList)
	s.routes["/cgi-bin/department/get"] = s.authed(s.handleDepartmentGet)
	s.routes["/cgi-bin/user/list"] = s.authed(s.handleUserList)
	s.routes["/cgi-bin/user/simplelist"] = s.authed(s.handleUserSimpleList)
	s.routes["/cgi-bin/user/list_id"] = s.corpCredAuthed(s.handleUserListID)
	s.routes["/cgi-bin/user/get"] = s.authed(s.handleUserGetScoped)
	s.routes["/cgi-bin/message/send"] = s.authed(s.handleMessageSend)
	s.routes["/cgi-bin/message/recall"] = s.authed(s.handleMessageRecall)
}

// WithContactSyncSecret gives corpID a contact-sync helper (通讯录同步) with
// secret, as [Server.SetContactSyncSecret].
func WithContactSyncSecret(corpID, secret string) Option {
	return optionFunc(func(s *Server) { s.SetContactSyncSecret(corpID, secret) })
}

// SetContactSyncSecret gives corpID a contact-sync helper (通讯录同步) whose
// secret gettoken accepts. Its token is the only app-side one user/list_id
// accepts, answered with userids
// (https://developer.work.weixin.qq.com/document/path/96067; a third-party
// suite with [Suite.ContactEdit] gets open_userid rows instead) and it sees the
// whole directory through department/simplelist; like a helper used from an
// IP added after 2022-08-15 it may not call user/get, user/list,
// user/simplelist or department/list (48002), which an app's token serves
// for the members the app can see.
func (s *Server) SetContactSyncSecret(corpID, secret string) {
	s.AddApp(corpID, App{AgentID: ContactSyncAgentID, Secret: secret})
}

// AddDepartment adds d to corpID's directory, replacing a department with
// the same id.
func (s *Server) AddDepartment(corpID string, d Department) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addDepartmentLocked(corpID, d)
}

func (s *Server) addDepartmentLocked(corpID string, d Department) {
	byID := s.con.depts[corpID]
	if byID == nil {
		byID = make(map[int64]*Department)
		s.con.depts[corpID] = byID
	}
	c := d
	c.Leaders = append([]string(nil), d.Leaders...)
	byID[d.ID] = &c
	s.con.gen++
}

// RemoveDepartment deletes a department from corpID's directory. Its
// members keep the id in their Department lists, as a test may want.
func (s *Server) RemoveDepartment(corpID string, id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.con.depts[corpID], id)
	s.con.gen++
}

// Departments returns corpID's departments, by id.
func (s *Server) Departments(corpID string) []Department {
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.indexLocked(corpID)
	out := make([]Department, len(idx.sorted))
	for i, d := range idx.sorted {
		out[i] = *d
		out[i].Leaders = append([]string(nil), d.Leaders...)
	}
	return out
}

// Members returns corpID's members, by lower-case userid.
func (s *Server) Members(corpID string) []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := make([]string, 0, len(s.dir.members[corpID]))
	for k := range s.dir.members[corpID] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Member, len(keys))
	for i, k := range keys {
		out[i] = *s.dir.members[corpID][k]
		out[i].Department = append([]int64(nil), out[i].Department...)
	}
	return out
}

// SetVisibleScope limits what the app agentID of corpID sees (its 可见范围)
// to departments — each with all its sub-departments — and the single
// members users. An app without a scope sees the whole directory. Outside
// its scope user/get, user/list and department/get answer 60011, and
// department/list and department/simplelist leave the departments out.
func (s *Server) SetVisibleScope(corpID string, agentID int64, departments []int64, users []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := &visibleScope{depts: make(map[int64]bool), users: make(map[string]bool)}
	for _, d := range departments {
		vs.depts[d] = true
	}
	for _, u := range users {
		vs.users[strings.ToLower(u)] = true
	}
	s.con.scopes[appKey{corpID, agentID}] = vs
	s.con.gen++
}

// SetUnlicensed marks members of corpID as having no licence for WeCom's
// basic interfaces: message/send lists them in unlicenseduser and does not
// deliver to them.
func (s *Server) SetUnlicensed(corpID string, userIDs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.con.unlicensed[corpID]
	if m == nil {
		m = make(map[string]bool)
		s.con.unlicensed[corpID] = m
	}
	for _, u := range userIDs {
		m[strings.ToLower(u)] = true
	}
}

// indexLocked returns corpID's index, rebuilding it after a change.
func (s *Server) indexLocked(corpID string) *corpIndex {
	if idx := s.con.index[corpID]; idx != nil && idx.gen == s.con.gen {
		return idx
	}
	idx := &corpIndex{
		gen:      s.con.gen,
		byDept:   make(map[int64][]*Member),
		children: make(map[int64][]int64),
		members:  s.dir.members[corpID],
		visible:  make(map[int64]map[int64]bool),
		vusers:   make(map[int64]map[string]bool),
	}
	for _, d := range s.con.depts[corpID] {
		idx.sorted = append(idx.sorted, d)
	}
	sort.Slice(idx.sorted, func(i, j int) bool { return idx.sorted[i].ID < idx.sorted[j].ID })
	for _, d := range idx.sorted {
		if d.ParentID != 0 && d.ParentID != d.ID {
			idx.children[d.ParentID] = append(idx.children[d.ParentID], d.ID)
		}
	}
	keys := make([]string, 0, len(idx.members))
	for k := range idx.members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		m := idx.members[k]
		depts := append([]int64(nil), m.Department...)
		sort.Slice(depts, func(i, j int) bool { return depts[i] < depts[j] })
		for i, d := range depts {
			if i > 0 && d == depts[i-1] {
				continue
			}
			idx.rows = append(idx.rows, deptUserRow{m.UserID, d})
			idx.byDept[d] = append(idx.byDept[d], m)
		}
	}
	for key, vs := range s.con.scopes {
		if key.corpID != corpID {
			continue
		}
		vis := make(map[int64]bool)
		var walk func(id int64)
		walk = func(id int64) {
			if vis[id] {
				return
			}
			vis[id] = true
			for _, c := range idx.children[id] {
				walk(c)
			}
		}
		for d := range vs.depts {
			walk(d)
		}
		idx.visible[key.agentID] = vis
		idx.vusers[key.agentID] = vs.users
	}
	s.con.index[corpID] = idx
	return idx
}

// deptVisible reports whether the caller sees department id.
func (idx *corpIndex) deptVisible(c Caller, id int64) bool {
	if c.AgentID == ContactSyncAgentID {
		return true
	}
	vis, scoped := idx.visible[c.AgentID]
	return !scoped || vis[id]
}

// userVisible reports whether the caller sees member m.
func (idx *corpIndex) userVisible(c Caller, m *Member) bool {
	if c.AgentID == ContactSyncAgentID {
		return true
	}
	vis, scoped := idx.visible[c.AgentID]
	if !scoped {
		return true
	}
	if idx.vusers[c.AgentID][strings.ToLower(m.UserID)] {
		return true
	}
	for _, d := range m.Department {
		if vis[d] {
			return true
		}
	}
	return false
}

// subtree returns id and its sub-departments, ascending, or every
// department when id is 0.
func (idx *corpIndex) subtree(id int64) []*Department {
	if id == 0 {
		return idx.sorted
	}
	in := map[int64]bool{}
	var walk func(int64)
	walk = func(d int64) {
		if in[d] {
			return
		}
		in[d] = true
		for _, c := range idx.children[d] {
			walk(c)
		}
	}
	walk(id)
	var out []*Department
	for _, d := range idx.sorted {
		if in[d.ID] {
			out = append(out, d)
		}
	}
	return out
}

// refuseContactSync answers 48002 to the contact-sync helper's token: since
// 2022-08-15 a helper used from a new IP may not read names and details.
func refuseContactSync(w http.ResponseWriter, c Caller) bool {
	if c.AgentID == ContactSyncAgentID {
		writeError(w, 48002, "api forbidden: the contact-sync secret may not call this API from this IP")
		return true
	}
	return false
}

// queryDept parses a department id parameter: absent is 0 when optional.
func queryDept(w http.ResponseWriter, r *http.Request, name string, required bool) (int64, bool) {
	v := r.URL.Query().Get(name)
	if v == "" {
		if required {
			writeError(w, 40058, "missing "+name)
			return 0, false
		}
		return 0, true
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		writeError(w, 60123, "invalid department id")
		return 0, false
	}
	return id, true
}

// departmentJSON is d as department/list and department/get describe it.
// A third-party app gets what WeCom gives it (doc 90208): since 2020-06-30
// no department names — the name field carries the id instead — and
// name_en and department_leader only for third-party contact apps, which
// the fake does not model.
func departmentJSON(d *Department, thirdParty bool) map[string]any {
	if thirdParty {
		return map[string]any{"id": d.ID, "name": strconv.FormatInt(d.ID, 10), "parentid": d.ParentID, "order": d.Order}
	}
	leaders := d.Leaders
	if leaders == nil {
		leaders = []string{}
	}
	return map[string]any{"id": d.ID, "name": d.Name, "name_en": d.NameEn, "department_leader": leaders, "parentid": d.ParentID, "order": d.Order}
}

// handleDepartmentList serves GET /cgi-bin/department/list (doc 90208):
// department id (or all when absent) and its subtree, as far as visible.
func (s *Server) handleDepartmentList(w http.ResponseWriter, r *http.Request, c Caller) {
	if refuseContactSync(w, c) {
		return
	}
	s.listDepartments(w, r, c, true)
}

// handleDepartmentSimpleList serves GET /cgi-bin/department/simplelist
// (doc 95350): ids, parents and orders only.
func (s *Server) handleDepartmentSimpleList(w http.ResponseWriter, r *http.Request, c Caller) {
	s.listDepartments(w, r, c, false)
}

func (s *Server) listDepartments(w http.ResponseWriter, r *http.Request, c Caller, full bool) {
	id, ok := queryDept(w, r, "id", false)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.indexLocked(c.CorpID)
	if id != 0 && s.con.depts[c.CorpID][id] == nil {
		writeError(w, 60123, "invalid department id")
		return
	}
	out := make([]map[string]any, 0, 16)
	thirdParty := full && s.thirdPartyAgentLocked(c)
	for _, d := range idx.subtree(id) {
		if !idx.deptVisible(c, d.ID) {
			continue
		}
		if full {
			out = append(out, departmentJSON(d, thirdParty))
		} else {
			out = append(out, map[string]any{"id": d.ID, "parentid": d.ParentID, "order": d.Order})
		}
	}
	key := "department_id"
	if full {
		key = "department"
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", key: out})
}

// handleDepartmentGet serves GET /cgi-bin/department/get (doc 95351).
func (s *Server) handleDepartmentGet(w http.ResponseWriter, r *http.Request, c Caller) {
	id, ok := queryDept(w, r, "id", true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.indexLocked(c.CorpID)
	d := s.con.depts[c.CorpID][id]
	switch {
	case d == nil:
		writeError(w, 60123, "invalid department id")
	case !idx.deptVisible(c, id):
		writeError(w, 60011, "no privilege to access/modify contact/party/agent")
	default:
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "department": departmentJSON(d, s.thirdPartyAgentLocked(c))})
	}
}

// handleUserGetScoped puts the contact-sync and visible-scope rules in
// front of user/get.
func (s *Server) handleUserGetScoped(w http.ResponseWriter, r *http.Request, c Caller) {
	if refuseContactSync(w, c) {
		return
	}
	s.mu.Lock()
	idx := s.indexLocked(c.CorpID)
	m := s.memberLocked(c.CorpID, r.URL.Query().Get("userid"))
	hidden := m != nil && !idx.userVisible(c, m)
	s.mu.Unlock()
	if hidden {
		writeError(w, 60011, "no privilege to access/modify contact/party/agent")
		return
	}
	s.handleUserGet(w, r, c)
}

// memberJSON is a member as user/list describes it (user/get's fields).
type memberJSON struct {
	UserID         string  `json:"userid"`
	Name           string  `json:"name"`
	Department     []int64 `json:"department"`
	Position       *string `json:"position,omitempty"`
	Status         int     `json:"status"`
	MainDepartment *int64  `json:"main_department,omitempty"`
	Gender         *string `json:"gender,omitempty"`
	Mobile         *string `json:"mobile,omitempty"`
	Email          *string `json:"email,omitempty"`
	BizMail        *string `json:"biz_mail,omitempty"`
	Avatar         *string `json:"avatar,omitempty"`
	OpenUserID     string  `json:"open_userid,omitempty"`
}

// memberJSONLocked is m as user/list describes it to caller c. A
// third-party (not 代开发) app gets what WeCom gives it (docs 90196,
// 90201): the userid in place of the name (since 2020-06-30 for every
// third-party app: 使用userid代替name), no position and none of the
// sensitive fields (third-party contact apps only, and not for members
// the third party did not create), and the open_userid, which only
// third-party apps get.
func (s *Server) memberJSONLocked(c Caller, m *Member, legacy bool) memberJSON {
	out := memberJSON{UserID: m.UserID, Name: m.Name, Department: m.Department, Position: &m.Position, Status: 1}
	if s.thirdPartyAgentLocked(c) {
		out.Name, out.Position, legacy = m.UserID, nil, false
		out.OpenUserID = openUserID(c.CorpID, m.UserID)
	}
	if out.Department == nil {
		out.Department = []int64{}
	}
	if len(m.Department) > 0 {
		out.MainDepartment = &m.Department[0]
	}
	if legacy {
		g := gender(m)
		out.Gender, out.Mobile, out.Email, out.BizMail, out.Avatar = &g, &m.Mobile, &m.Email, &m.BizMail, &m.Avatar
	}
	return out
}

// thirdPartyAgentLocked reports whether c is the agent of a third-party
// (not 代开发) suite installed in its corporation.
func (s *Server) thirdPartyAgentLocked(c Caller) bool {
	for k, a := range s.tp.auths {
		if k.corpID == c.CorpID && a.agentID == c.AgentID {
			st := s.tp.suites[k.suiteID]
			return st != nil && !st.Customized
		}
	}
	return false
}

// handleUserList serves GET /cgi-bin/user/list (doc 90201) and
// handleUserSimpleList GET /cgi-bin/user/simplelist (doc 90200): the
// members directly in department_id — WeCom no longer recurses, so
// fetch_child is ignored.
func (s *Server) handleUserList(w http.ResponseWriter, r *http.Request, c Caller) {
	s.listUsers(w, r, c, true)
}

func (s *Server) handleUserSimpleList(w http.ResponseWriter, r *http.Request, c Caller) {
	s.listUsers(w, r, c, false)
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, c Caller, full bool) {
	if refuseContactSync(w, c) {
		return
	}
	id, ok := queryDept(w, r, "department_id", true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idx := s.indexLocked(c.CorpID)
	switch {
	case s.con.depts[c.CorpID][id] == nil:
		writeError(w, 60123, "invalid department id")
		return
	case !idx.deptVisible(c, id):
		writeError(w, 60011, "no privilege to access/modify contact/party/agent")
		return
	}
	members := idx.byDept[id]
	app := s.appLocked(c)
	legacy := app != nil && app.Legacy
	if full {
		out := make([]memberJSON, 0, len(members))
		for _, m := range members {
			out = append(out, s.memberJSONLocked(c, m, legacy))
		}
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userlist": out})
		return
	}
	type simple struct {
		UserID     string  `json:"userid"`
		Name       string  `json:"name"`
		Department []int64 `json:"department"`
		OpenUserID string  `json:"open_userid,omitempty"`
	}
	thirdParty := s.thirdPartyAgentLocked(c)
	out := make([]simple, 0, len(members))
	for _, m := range members {
		dept := m.Department
		if dept == nil {
			dept = []int64{}
		}
		row := simple{UserID: m.UserID, Name: m.Name, Department: dept}
		if thirdParty {
			// The same rules as user/list (doc 90200).
			row.Name, row.OpenUserID = m.UserID, openUserID(c.CorpID, m.UserID)
		}
		out = append(out, row)
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userlist": out})
}

// handleUserListID serves POST /cgi-bin/user/list_id: one row per member
// and department, paged by an opaque cursor, limit 1–10000 (1000 when
// absent). The contact-sync helper's token gets rows with userid
// (https://developer.work.weixin.qq.com/document/path/96067); a corp token
// of a third-party suite with [Suite.ContactEdit] gets the whole
// directory's rows with open_userid instead
// (https://developer.work.weixin.qq.com/document/path/96021); any other
// token — an app's, a 代开发 app's (doc 96269), a third-party suite's
// without the grant — gets 48002.
func (s *Server) handleUserListID(w http.ResponseWriter, r *http.Request, cred credential) {
	openIDs := false
	if cred.agentID != ContactSyncAgentID {
		s.mu.Lock()
		st := s.tp.suites[cred.suiteID]
		openIDs = cred.suiteID != "" && st != nil && !st.Customized && st.ContactEdit
		s.mu.Unlock()
		if !openIDs {
			writeError(w, 48002, "api forbidden: user/list_id needs the contact-sync secret, or a third-party app with contact edit authorization")
			return
		}
	}
	var body struct {
		Cursor string `json:"cursor"`
		Limit  *int   `json:"limit"`
	}
	if r.Method != http.MethodPost || json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body) != nil {
		writeError(w, 47001, "")
		return
	}
	limit := 1000
	if body.Limit != nil {
		limit = *body.Limit
	}
	if limit < 1 || limit > 10000 {
		writeError(w, 40058, "invalid limit: must be 1-10000")
		return
	}
	offset := 0
	if body.Cursor != "" {
		n, ok := parseCursor(body.Cursor)
		if !ok {
			writeError(w, 40058, "invalid cursor")
			return
		}
		offset = n
	}
	s.mu.Lock()
	idx := s.indexLocked(cred.corpID)
	rows := idx.rows
	s.mu.Unlock()
	if offset > len(rows) {
		offset = len(rows)
	}
	end := min(offset+limit, len(rows))
	type row struct {
		UserID     string `json:"userid,omitempty"`
		OpenUserID string `json:"open_userid,omitempty"`
		Department int64  `json:"department"`
	}
	out := make([]row, 0, end-offset)
	for _, rw := range rows[offset:end] {
		if openIDs {
			out = append(out, row{OpenUserID: openUserID(cred.corpID, rw.userID), Department: rw.dept})
		} else {
			out = append(out, row{UserID: rw.userID, Department: rw.dept})
		}
	}
	next := ""
	if end < len(rows) {
		next = formatCursor(end)
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "next_cursor": next, "dept_user": out})
}

// Cursors are opaque to clients; this one is an offset behind a prefix, so
// that made-up cursors are refused.
const cursorPrefix = "wtc1."

func formatCursor(offset int) string { return cursorPrefix + strconv.FormatInt(int64(offset)*7919, 36) }

func parseCursor(c string) (int, bool) {
	rest, ok := strings.CutPrefix(c, cursorPrefix)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(rest, 36, 64)
	if err != nil || n <= 0 || n%7919 != 0 || n/7919 > 1<<31 {
		return 0, false
	}
	return int(n / 7919), true
}
