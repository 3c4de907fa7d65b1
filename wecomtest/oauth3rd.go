package wecomtest

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Admin is an administrator of a suite's app in a corporation, as
// agent/get_admin_list lists them
// (https://developer.work.weixin.qq.com/document/path/100072).
type Admin struct {
	UserID   string
	AuthType int // 0 使用权限, 1 管理权限
}

type adminKey struct {
	corpID  string
	agentID int64
}

// code3rd is an OAuth2 code of a third-party app (getuserinfo3rd).
type code3rd struct {
	suiteID, corpID string
	userID          string // "" for a non-member
	openID          string
	expires         time.Time
	used            bool
}

// userTicket3rd is a user_ticket getuserinfo3rd issued.
type userTicket3rd struct {
	suiteID, corpID, userID string
	expires                 time.Time
}

// loginCode is the auth_code of a web login (get_login_info).
type loginCode struct {
	corpID, userID string
	userType       int // get_login_info's usertype
	expires        time.Time
	used           bool
}

func (s *Server) addOAuth3rdRoutes() {
	suiteTok := func(h func(http.ResponseWriter, *http.Request, service)) http.HandlerFunc {
		return s.serviceAuthed("suite_access_token", kindSuiteToken, h)
	}
	s.routes["/cgi-bin/service/auth/getuserinfo3rd"] = suiteTok(s.handleGetUserInfo3rd)
	s.routes["/cgi-bin/service/auth/getuserdetail3rd"] = suiteTok(s.handleGetUserDetail3rd)
	// get_login_info takes the provider token under the name access_token.
	s.routes["/cgi-bin/service/get_login_info"] = s.serviceAuthed("access_token", kindProviderToken, s.handleGetLoginInfo)
	s.routes["/cgi-bin/service/get_customized_auth_url"] = s.serviceAuthed("provider_access_token", kindProviderToken, s.handleGetCustomizedAuthURL)
	s.routes["/cgi-bin/agent/get_admin_list"] = s.authed(s.handleGetAdminList)
}

// NewCode3rd returns the code WeCom would hand a third-party app's OAuth2
// redirect after member userID of corpID opened it: getuserinfo3rd with a
// suite_access_token of suiteID answers the userid, open_userid and a
// user_ticket (valid 7200 s, its expires_in) once, within 5 minutes on the
// server's clock, and 40029 otherwise
// (https://developer.work.weixin.qq.com/document/path/91121).
func (s *Server) NewCode3rd(suiteID, corpID, userID string) string {
	return s.newCode3rd(&code3rd{suiteID: suiteID, corpID: corpID, userID: userID})
}

// NewNonMemberCode3rd is [Server.NewCode3rd] for a visitor who is not a
// member of corpID: getuserinfo3rd answers only their openid.
func (s *Server) NewNonMemberCode3rd(suiteID, corpID, openID string) string {
	return s.newCode3rd(&code3rd{suiteID: suiteID, corpID: corpID, openID: openID})
}

func (s *Server) newCode3rd(c *code3rd) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	value := "c3d_" + randomHex(16)
	c.expires = s.now().Add(codeTTL)
	s.tp.codes3rd[value] = c
	return value
}

// NewLoginCode returns the auth_code WeCom would hand a provider's login
// redirect after member userID of corpID logged in with WeCom: valid once,
// for 10 minutes on the server's clock, with any provider_access_token
// (https://developer.work.weixin.qq.com/document/path/91125). A used,
// expired or unknown code gets 40029 (invalid code), which is what this
// server assumes WeCom answers.
func (s *Server) NewLoginCode(corpID, userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	value := "lgc_" + randomHex(16)
	s.tp.loginCodes[value] = &loginCode{corpID: corpID, userID: userID, userType: 1, expires: s.now().Add(loginCodeTTL)}
	return value
}

// NewExternalAdminLoginCode is [Server.NewLoginCode] for an external
// administrator of corpID (usertype 3), who is not a member: get_login_info
// answers the corporation and its agents but a user_info without userid or
// open_userid (the server's reading of doc 91125, whose older versions
// gave such users an email only).
func (s *Server) NewExternalAdminLoginCode(corpID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	value := "lgc_" + randomHex(16)
	s.tp.loginCodes[value] = &loginCode{corpID: corpID, userType: 3, expires: s.now().Add(loginCodeTTL)}
	return value
}

// SetAdmins sets the administrators agent/get_admin_list reports for the
// app agentID of corpID (a suite's agentid: see [Server.SuiteAgentID]).
// Until it is called the list is the installing admin, "admin", with
// AuthType 1.
func (s *Server) SetAdmins(corpID string, agentID int64, admins []Admin) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tp.admins[adminKey{corpID, agentID}] = append([]Admin{}, admins...)
}

func (s *Server) adminsLocked(corpID string, agentID int64) []Admin {
	if a, ok := s.tp.admins[adminKey{corpID, agentID}]; ok {
		return a
	}
	return []Admin{{UserID: "admin", AuthType: 1}}
}

// userTicket3rdTTL is how long getuserinfo3rd's user_ticket lives here:
// its expires_in, 7200 s as in the example answer of doc 91121 (WeCom
// states no fixed value; clients must read expires_in).
const userTicket3rdTTL = 7200 * time.Second

// handleGetUserInfo3rd serves GET /cgi-bin/service/auth/getuserinfo3rd
// (https://developer.work.weixin.qq.com/document/path/91121): a member's
// user_ticket comes with its expires_in (userTicket3rdTTL).
func (s *Server) handleGetUserInfo3rd(w http.ResponseWriter, r *http.Request, who service) {
	value := r.URL.Query().Get("code")
	if value == "" {
		writeError(w, 41008, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	c := s.tp.codes3rd[value]
	if c == nil || c.used || c.suiteID != who.suiteID || !now.Before(c.expires) {
		writeError(w, 40029, "")
		return
	}
	c.used = true
	if c.userID == "" {
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "openid": c.openID})
		return
	}
	t := "ut3_" + randomHex(24)
	s.tp.tickets3rd[t] = &userTicket3rd{suiteID: c.suiteID, corpID: c.corpID, userID: c.userID, expires: now.Add(userTicket3rdTTL)}
	writeJSON(w, map[string]any{
		"errcode": 0, "errmsg": "ok",
		"corpid": c.corpID, "userid": c.userID, "open_userid": openUserID(c.corpID, c.userID),
		"user_ticket": t, "expires_in": int64(userTicket3rdTTL / time.Second),
	})
}

// handleGetUserDetail3rd serves POST /cgi-bin/service/auth/getuserdetail3rd
// (https://developer.work.weixin.qq.com/document/path/91122). The details
// come from the directory ([Server.AddMember]); a member not in it is
// described by their userid alone.
func (s *Server) handleGetUserDetail3rd(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		UserTicket string `json:"user_ticket"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tp.tickets3rd[body.UserTicket]
	switch {
	case t == nil || t.suiteID != who.suiteID:
		writeError(w, 84015, "")
		return
	case !s.now().Before(t.expires):
		writeError(w, 84014, "")
		return
	}
	m := s.memberLocked(t.corpID, t.userID)
	if m == nil {
		m = &Member{UserID: t.userID, Name: t.userID}
	}
	writeJSON(w, map[string]any{
		"errcode": 0, "errmsg": "ok",
		"corpid": t.corpID, "userid": m.UserID, "name": m.Name, "gender": gender(m), "avatar": m.Avatar,
		"qr_code": "https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=" + openUserID(t.corpID, m.UserID),
	})
}

// handleGetLoginInfo serves POST /cgi-bin/service/get_login_info
// (https://developer.work.weixin.qq.com/document/path/91125). Success
// carries no errcode. The user is reported as the corporation's creator
// (usertype 1; usertype 3 without a userid for
// [Server.NewExternalAdminLoginCode]) with every agent the corporation
// authorized, each with the AuthType [Server.SetAdmins] gave the user (1
// when not listed).
func (s *Server) handleGetLoginInfo(w http.ResponseWriter, r *http.Request, _ service) {
	var body struct {
		AuthCode string `json:"auth_code"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.tp.loginCodes[body.AuthCode]
	if c == nil || c.used || !s.now().Before(c.expires) {
		writeError(w, 40029, "")
		return
	}
	c.used = true
	user := map[string]any{}
	if c.userID != "" {
		name, avatar := c.userID, ""
		if m := s.memberLocked(c.corpID, c.userID); m != nil {
			name, avatar = m.Name, m.Avatar
		}
		user = map[string]any{"userid": c.userID, "open_userid": openUserID(c.corpID, c.userID), "name": name, "avatar": avatar}
	}
	agents := []map[string]any{}
	for _, a := range s.sortedAuthsLocked(c.corpID) {
		authType := 1
		for _, ad := range s.adminsLocked(c.corpID, a.agentID) {
			if strings.EqualFold(ad.UserID, c.userID) {
				authType = ad.AuthType
			}
		}
		agents = append(agents, map[string]any{"agentid": a.agentID, "auth_type": authType})
	}
	writeJSON(w, map[string]any{
		"usertype":  c.userType,
		"user_info": user,
		"corp_info": map[string]any{"corpid": c.corpID},
		"agent":     agents,
		"auth_info": map[string]any{"department": []map[string]any{{"id": 1, "writable": true}}},
	})
}

// sortedAuthsLocked returns the live installs of corpID by agentid.
func (s *Server) sortedAuthsLocked(corpID string) []*authorization {
	var out []*authorization
	for k, a := range s.tp.auths {
		if k.corpID == corpID && a.permanentCode != "" {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].agentID < out[j].agentID })
	return out
}

// handleGetAdminList serves POST /cgi-bin/agent/get_admin_list
// (https://developer.work.weixin.qq.com/document/path/100072), with a corp
// token; the list is what [Server.SetAdmins] set.
func (s *Server) handleGetAdminList(w http.ResponseWriter, r *http.Request, caller Caller) {
	var body struct {
		AgentID int64 `json:"agentid"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if body.AgentID == 0 {
		writeError(w, 40058, "missing agentid")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []map[string]any{}
	for _, a := range s.adminsLocked(caller.CorpID, body.AgentID) {
		list = append(list, map[string]any{"userid": a.UserID, "auth_type": a.AuthType})
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "admin": list})
}

// handleGetCustomizedAuthURL serves POST
// /cgi-bin/service/get_customized_auth_url
// (https://developer.work.weixin.qq.com/document/path/98744): state is at
// most 32 letters and digits, templateid_list 1 to 9 ids of Customized
// suites; anything else gets 40058.
func (s *Server) handleGetCustomizedAuthURL(w http.ResponseWriter, r *http.Request, _ service) {
	var body struct {
		State          string   `json:"state"`
		TemplateIDList []string `json:"templateid_list"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	if len(body.State) > 32 || strings.IndexFunc(body.State, func(c rune) bool {
		return !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9')
	}) >= 0 {
		writeError(w, 40058, "invalid state")
		return
	}
	if n := len(body.TemplateIDList); n == 0 || n > 9 {
		writeError(w, 40058, "invalid templateid_list")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range body.TemplateIDList {
		if st := s.tp.suites[id]; st == nil || !st.Customized {
			writeError(w, 40058, "invalid templateid")
			return
		}
	}
	q := url.Values{"templateid": {strings.Join(body.TemplateIDList, ",")}, "state": {body.State}, "code": {randomHex(16)}}
	writeJSON(w, map[string]any{
		"errcode": 0, "errmsg": "ok",
		"qrcode_url": "https://open.work.weixin.qq.com/3rdapp/customizedapp/auth?" + q.Encode(),
		"expires_in": 864000,
	})
}
