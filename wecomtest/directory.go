package wecomtest

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Member is a member (成员) of a fake corporation's directory, as
// user/get and auth/getuserdetail describe it.
type Member struct {
	UserID     string
	Name       string
	Mobile     string
	Email      string
	BizMail    string // the corporation's own mailbox (企业邮箱)
	Avatar     string
	Gender     string // "0" unknown, "1" male, "2" female, as WeCom sends it; "" means "0"
	Position   string
	Department []int64
}

// Scope is the scope of the OAuth2 link a code came from (doc 91022).
type Scope string

const (
	// ScopeBase (静默授权) yields the userid only.
	ScopeBase Scope = "snsapi_base"
	// ScopePrivateInfo (手动授权) also yields a user_ticket, which
	// auth/getuserdetail exchanges for the sensitive fields.
	ScopePrivateInfo Scope = "snsapi_privateinfo"
)

// Lifetimes WeCom documents for OAuth2 (docs 91022, 91023).
const (
	codeTTL       = 5 * time.Minute
	userTicketTTL = 1800 * time.Second
)

// directory is the server's model of who is who; guarded by Server.mu.
type directory struct {
	members map[string]map[string]*Member // corpID → lower-case userid → member
	codes   map[string]*oauthCode
	tickets map[string]*userTicket
}

// oauthCode is a code WeCom would append to the redirect URI.
type oauthCode struct {
	corpID   string
	agentID  int64 // 0: any app of the corporation may consume it
	userID   string
	scope    Scope
	openID   string // non-members
	external string // non-members who are customers
	expires  time.Time
	used     bool
}

// userTicket is a user_ticket issued by getuserinfo for a private-info code.
type userTicket struct {
	corpID  string
	userID  string
	expires time.Time
}

func (s *Server) addDirectoryRoutes() {
	s.dir = directory{
		members: make(map[string]map[string]*Member),
		codes:   make(map[string]*oauthCode),
		tickets: make(map[string]*userTicket),
	}
	s.routes["/cgi-bin/auth/getuserinfo"] = s.authed(s.handleGetUserInfo)
	s.routes["/cgi-bin/auth/getuserdetail"] = s.authed(s.handleGetUserDetail)
	s.routes["/cgi-bin/user/get"] = s.authed(s.handleUserGet)
}

// AddMember adds m to the directory of corpID, replacing any member with
// the same userid (compared case-insensitively, as WeCom does).
func (s *Server) AddMember(corpID string, m Member) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byID := s.dir.members[corpID]
	if byID == nil {
		byID = make(map[string]*Member)
		s.dir.members[corpID] = byID
	}
	c := m
	c.Department = append([]int64(nil), m.Department...)
	byID[strings.ToLower(m.UserID)] = &c
	s.con.gen++
}

// RemoveMember deletes a member from the directory, as if they had left
// the corporation. Codes already issued for them still resolve to their
// userid; user/get then answers 60111.
func (s *Server) RemoveMember(corpID, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.dir.members[corpID], strings.ToLower(userID))
	s.con.gen++
}

func (s *Server) memberLocked(corpID, userID string) *Member {
	return s.dir.members[corpID][strings.ToLower(userID)]
}

// NewCode returns the code WeCom would hand the redirect URI after member
// userID of corpID opened an OAuth2 link of the app agentID with scope
// ("" means [ScopeBase]). Like a real one it works once, within 5 minutes
// on the server's clock, and only with an access token of that app (an
// agentID of 0 accepts any app of the corporation); otherwise
// auth/getuserinfo answers 40029. For [ScopePrivateInfo], getuserinfo also
// returns a user_ticket valid for 1800 s.
func (s *Server) NewCode(corpID string, agentID int64, userID string, scope Scope) string {
	if scope == "" {
		scope = ScopeBase
	}
	return s.newCode(&oauthCode{corpID: corpID, agentID: agentID, userID: userID, scope: scope})
}

// NewNonMemberCode returns a code for someone who is not a member of
// corpID (a WeChat user, say): auth/getuserinfo answers with openID and no
// userid.
func (s *Server) NewNonMemberCode(corpID, openID string) string {
	return s.newCode(&oauthCode{corpID: corpID, openID: openID})
}

// NewCustomerCode is [Server.NewNonMemberCode] for a non-member who is
// also one of the corporation's customers (客户): auth/getuserinfo adds
// external_userid.
func (s *Server) NewCustomerCode(corpID, openID, externalUserID string) string {
	return s.newCode(&oauthCode{corpID: corpID, openID: openID, external: externalUserID})
}

func (s *Server) newCode(c *oauthCode) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	value := "code_" + randomHex(16)
	c.expires = s.now().Add(codeTTL)
	s.dir.codes[value] = c
	return value
}

// UserTickets returns the user_tickets issued to member userID of corpID
// that are still valid, in no particular order.
func (s *Server) UserTickets(corpID, userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out []string
	for v, t := range s.dir.tickets {
		if t.corpID == corpID && strings.EqualFold(t.userID, userID) && now.Before(t.expires) {
			out = append(out, v)
		}
	}
	return out
}

// handleGetUserInfo serves GET /cgi-bin/auth/getuserinfo (doc 91023).
func (s *Server) handleGetUserInfo(w http.ResponseWriter, r *http.Request, caller Caller) {
	value := r.URL.Query().Get("code")
	if value == "" {
		writeError(w, 41008, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	c := s.dir.codes[value]
	if c == nil || c.used || !now.Before(c.expires) || c.corpID != caller.CorpID ||
		(c.agentID != 0 && c.agentID != caller.AgentID) {
		writeError(w, 40029, "")
		return
	}
	c.used = true
	if c.userID == "" {
		out := map[string]any{"errcode": 0, "errmsg": "ok", "openid": c.openID}
		if c.external != "" {
			out["external_userid"] = c.external
		}
		writeJSON(w, out)
		return
	}
	out := map[string]any{"errcode": 0, "errmsg": "ok", "userid": c.userID}
	if c.scope == ScopePrivateInfo {
		t := "utk_" + randomHex(24)
		s.dir.tickets[t] = &userTicket{corpID: c.corpID, userID: c.userID, expires: now.Add(userTicketTTL)}
		out["user_ticket"] = t
	}
	writeJSON(w, out)
}

// handleGetUserDetail serves POST /cgi-bin/auth/getuserdetail (doc 95833).
func (s *Server) handleGetUserDetail(w http.ResponseWriter, r *http.Request, caller Caller) {
	var body struct {
		UserTicket string `json:"user_ticket"`
	}
	if r.Method != http.MethodPost || json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&body) != nil {
		writeError(w, 47001, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.dir.tickets[body.UserTicket]
	switch {
	case t == nil || t.corpID != caller.CorpID:
		writeError(w, 84015, "")
		return
	case !s.now().Before(t.expires):
		writeError(w, 84014, "")
		return
	}
	m := s.memberLocked(t.corpID, t.userID)
	if m == nil {
		writeError(w, 60111, "")
		return
	}
	out := map[string]any{"errcode": 0, "errmsg": "ok", "userid": m.UserID, "gender": gender(m)}
	putNonEmpty(out, "avatar", m.Avatar)
	putNonEmpty(out, "mobile", m.Mobile)
	putNonEmpty(out, "email", m.Email)
	putNonEmpty(out, "biz_mail", m.BizMail)
	writeJSON(w, out)
}

// handleUserGet serves GET /cgi-bin/user/get (doc 90196). Since
// 2022-06-20 20:00, apps created after that moment no longer receive the
// sensitive fields; [App.Legacy] apps still do. A third-party app's token
// gets what WeCom gives third-party apps (docs 90196, 90201; see
// memberJSONLocked): the userid in place of the name, no position, no
// sensitive fields, and the member's open_userid.
func (s *Server) handleUserGet(w http.ResponseWriter, r *http.Request, caller Caller) {
	userID := r.URL.Query().Get("userid")
	if userID == "" {
		writeError(w, 41009, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.memberLocked(caller.CorpID, userID)
	if m == nil {
		writeError(w, 60111, "")
		return
	}
	dept := m.Department
	if dept == nil {
		dept = []int64{}
	}
	out := map[string]any{
		"errcode": 0, "errmsg": "ok",
		"userid": m.UserID, "name": m.Name, "department": dept, "position": m.Position, "status": 1,
	}
	if len(dept) > 0 {
		out["main_department"] = dept[0]
	}
	if s.thirdPartyAgentLocked(caller) {
		out["name"] = m.UserID
		delete(out, "position")
		out["open_userid"] = openUserID(caller.CorpID, m.UserID)
	} else if app := s.appLocked(caller); app != nil && app.Legacy {
		out["gender"] = gender(m)
		out["mobile"] = m.Mobile
		out["email"] = m.Email
		out["biz_mail"] = m.BizMail
		out["avatar"] = m.Avatar
	}
	writeJSON(w, out)
}

func (s *Server) appLocked(caller Caller) *App {
	if c := s.corps[caller.CorpID]; c != nil {
		return c.apps[caller.AgentID]
	}
	return nil
}

func gender(m *Member) string {
	if m.Gender == "" {
		return "0"
	}
	return m.Gender
}

func putNonEmpty(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}
