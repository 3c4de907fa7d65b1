package wecomtest

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// preAuthCode is a pre_auth_code get_pre_auth_code issued.
type preAuthCode struct {
	suiteID  string
	expires  time.Time
	used     bool
	authType int     // set_session_info: 0 正式授权, 1 测试授权
	appIDs   []int64 // set_session_info: the apps the install may authorize
}

// authCode is a temporary auth_code: what an install hands the suite.
type authCode struct {
	suiteID, corpID string
	state           string
	reset           bool // from reset_permanent_code: keeps the install's state
	expires         time.Time
	used            bool
}

func (s *Server) addInstallRoutes() {
	suiteTok := func(h func(http.ResponseWriter, *http.Request, service)) http.HandlerFunc {
		return s.serviceAuthed("suite_access_token", kindSuiteToken, h)
	}
	s.routes["/cgi-bin/service/get_pre_auth_code"] = suiteTok(s.handleGetPreAuthCode)
	s.routes["/cgi-bin/service/set_session_info"] = suiteTok(s.handleSetSessionInfo)
	s.routes["/cgi-bin/service/get_permanent_code"] = suiteTok(s.handleGetPermanentCode(false))
	s.routes["/cgi-bin/service/v2/get_permanent_code"] = suiteTok(s.handleGetPermanentCode(true))
	s.routes["/cgi-bin/service/get_auth_info"] = suiteTok(s.handleGetAuthInfo)
	s.routes["/cgi-bin/service/v2/get_auth_info"] = suiteTok(s.handleGetAuthInfo)
	s.routes["/cgi-bin/service/get_corp_token"] = suiteTok(s.handleGetCorpToken)
	s.routes["/3rdapp/install"] = s.handleInstallPage
}

// NewAuthCode returns the temporary auth_code WeCom would hand suiteID
// after an admin of corpID completed an install with state: valid for 10
// minutes on the server's clock and for one get_permanent_code exchange,
// after which it answers 40078
// (https://developer.work.weixin.qq.com/document/path/90597). It creates
// the corporation if it is new (named "Corp <corpID>") and gives the suite
// an agentid there on its first install: 1000001, 1000002, … per
// corporation, skipping the agentids of the corporation's own apps. No
// instruction is pushed; see [Server.InstallQR].
func (s *Server) NewAuthCode(suiteID, corpID, state string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newAuthCodeLocked(suiteID, corpID, state, false)
}

func (s *Server) newAuthCodeLocked(suiteID, corpID, state string, reset bool) string {
	if s.corps[corpID] == nil {
		s.corps[corpID] = &corp{id: corpID, name: "Corp " + corpID, apps: make(map[int64]*App)}
	}
	key := suiteCorp{suiteID, corpID}
	if s.tp.auths[key] == nil {
		s.tp.auths[key] = &authorization{suiteID: suiteID, corpID: corpID, agentID: s.nextAgentIDLocked(corpID)}
	}
	code := "auc_" + randomHex(20)
	s.tp.authCodes[code] = &authCode{suiteID: suiteID, corpID: corpID, state: state, reset: reset, expires: s.now().Add(authCodeTTL)}
	return code
}

func (s *Server) nextAgentIDLocked(corpID string) int64 {
	used := make(map[int64]bool)
	if c := s.corps[corpID]; c != nil {
		for id := range c.apps {
			used[id] = true
		}
	}
	for k, a := range s.tp.auths {
		if k.corpID == corpID {
			used[a.agentID] = true
		}
	}
	id := int64(firstSuiteAgentID)
	for used[id] {
		id++
	}
	return id
}

// InstallQR is an install from a QR code or the app market: it creates an
// auth code as [Server.NewAuthCode] does and pushes create_auth with it
// (https://developer.work.weixin.qq.com/document/path/90642). The code is
// returned even when the push fails, so that a test can exchange it
// anyway.
func (s *Server) InstallQR(ctx context.Context, suiteID, corpID, state string) (authCode string, err error) {
	authCode = s.NewAuthCode(suiteID, corpID, state)
	return authCode, s.PushCreateAuth(ctx, suiteID, authCode, state)
}

// SetInstallCorp sets which corporation the install page
// (/3rdapp/install) authorizes for suiteID, that is whose admin "scans"
// it. The default is "wwinstalled000001".
func (s *Server) SetInstallCorp(suiteID, corpID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tp.installCorp[suiteID] = corpID
}

// InstallURL returns the server's install page for a pre_auth_code, the
// counterpart of https://open.work.weixin.qq.com/3rdapp/install
// (https://developer.work.weixin.qq.com/document/path/90597). Following it
// redirects at once to redirectURI with an auth_code, as if the admin had
// agreed.
func (s *Server) InstallURL(suiteID, preAuthCode, redirectURI, state string) string {
	q := url.Values{"suite_id": {suiteID}, "pre_auth_code": {preAuthCode}, "redirect_uri": {redirectURI}, "state": {state}}
	return s.URL + "/3rdapp/install?" + q.Encode()
}

// handleInstallPage serves GET /3rdapp/install, the website install
// (https://developer.work.weixin.qq.com/document/path/90597): the admin of
// the install corporation agrees at once and is sent to redirect_uri with
// auth_code, expires_in and state. Website installs push no create_auth.
func (s *Server) handleInstallPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	suiteID, pre := q.Get("suite_id"), q.Get("pre_auth_code")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tp.suites[suiteID] == nil {
		http.Error(w, "wecomtest: unknown suite_id", http.StatusBadRequest)
		return
	}
	p := s.tp.preAuth[pre]
	if p == nil || p.suiteID != suiteID || p.used || !s.now().Before(p.expires) {
		http.Error(w, "wecomtest: invalid, used or expired pre_auth_code", http.StatusBadRequest)
		return
	}
	u, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !u.IsAbs() || u.Host == "" {
		http.Error(w, "wecomtest: redirect_uri must be an absolute URL", http.StatusBadRequest)
		return
	}
	p.used = true
	corpID := s.tp.installCorp[suiteID]
	if corpID == "" {
		corpID = defaultInstallCorp
	}
	state := q.Get("state")
	code := s.newAuthCodeLocked(suiteID, corpID, state, false)
	rq := u.Query()
	rq.Set("auth_code", code)
	rq.Set("expires_in", strconv.Itoa(int(authCodeTTL/time.Second)))
	rq.Set("state", state)
	u.RawQuery = rq.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// handleGetPreAuthCode serves GET /cgi-bin/service/get_pre_auth_code
// (https://developer.work.weixin.qq.com/document/path/90601): a code valid
// for 1200 s and one install.
func (s *Server) handleGetPreAuthCode(w http.ResponseWriter, _ *http.Request, who service) {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := "pac_" + randomHex(20)
	s.tp.preAuth[code] = &preAuthCode{suiteID: who.suiteID, expires: s.now().Add(preAuthCodeTTL)}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "pre_auth_code": code, "expires_in": int64(preAuthCodeTTL / time.Second)})
}

// handleSetSessionInfo serves POST /cgi-bin/service/set_session_info
// (https://developer.work.weixin.qq.com/document/path/90602). An expired
// pre_auth_code gets 42007, any other bad one 40058.
func (s *Server) handleSetSessionInfo(w http.ResponseWriter, r *http.Request, who service) {
	var body struct {
		PreAuthCode string `json:"pre_auth_code"`
		SessionInfo struct {
			AppID    []int64 `json:"appid"`
			AuthType int     `json:"auth_type"`
		} `json:"session_info"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.tp.preAuth[body.PreAuthCode]
	switch {
	case p == nil || p.suiteID != who.suiteID || p.used:
		writeError(w, 40058, "invalid pre_auth_code")
		return
	case !s.now().Before(p.expires):
		writeError(w, 42007, "")
		return
	case body.SessionInfo.AuthType != 0 && body.SessionInfo.AuthType != 1:
		writeError(w, 40058, "invalid auth_type")
		return
	}
	p.authType = body.SessionInfo.AuthType
	p.appIDs = append([]int64(nil), body.SessionInfo.AppID...)
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleGetPermanentCode serves POST /cgi-bin/service/get_permanent_code
// (https://developer.work.weixin.qq.com/document/path/90603) and, with v2,
// /cgi-bin/service/v2/get_permanent_code
// (https://developer.work.weixin.qq.com/document/path/100776). Each
// exchange issues a new permanent code and revokes the previous one.
func (s *Server) handleGetPermanentCode(v2 bool) func(http.ResponseWriter, *http.Request, service) {
	return func(w http.ResponseWriter, r *http.Request, who service) {
		var body struct {
			AuthCode string `json:"auth_code"`
		}
		if !decodeBody(w, r, &body) {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		c := s.tp.authCodes[body.AuthCode]
		if c == nil || c.used || c.suiteID != who.suiteID || !s.now().Before(c.expires) {
			writeError(w, 40078, "")
			return
		}
		c.used = true
		a := s.tp.auths[suiteCorp{c.suiteID, c.corpID}]
		a.permanentCode = "pmc_" + randomHex(24)
		if !c.reset {
			a.state = c.state
		}
		st := s.tp.suites[c.suiteID]
		admin := map[string]any{"userid": "admin", "open_userid": openUserID(c.corpID, "admin"), "name": "管理员"}
		if v2 {
			out := map[string]any{
				"errcode": 0, "errmsg": "ok",
				"permanent_code": a.permanentCode,
				"auth_corp_info": map[string]any{"corpid": c.corpID, "corp_name": s.corpNameLocked(c.corpID)},
				"auth_user_info": admin,
				"state":          c.state,
			}
			s.addRegisterCodeLocked(out, a)
			writeJSON(w, out)
			return
		}
		out := map[string]any{
			"errcode": 0, "errmsg": "ok",
			"permanent_code": a.permanentCode,
			"auth_corp_info": s.authCorpInfoLocked(c.corpID),
			"auth_info":      s.authInfoLocked(st, a),
			"auth_user_info": admin,
			"state":          c.state,
		}
		s.addRegisterCodeLocked(out, a)
		s.addAuthExtrasLocked(out, a)
		if !st.Customized {
			tok, ttl := s.issueCorpTokenLocked(a)
			out["access_token"], out["expires_in"] = tok, ttl
		}
		writeJSON(w, out)
	}
}

// handleGetAuthInfo serves POST /cgi-bin/service/get_auth_info
// (https://developer.work.weixin.qq.com/document/path/90604) and
// /cgi-bin/service/v2/get_auth_info
// (https://developer.work.weixin.qq.com/document/path/100795), which answer
// alike here.
func (s *Server) handleGetAuthInfo(w http.ResponseWriter, r *http.Request, who service) {
	var body authCodeBody
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.authByCodeLocked(w, who, body)
	if a == nil {
		return
	}
	out := map[string]any{
		"errcode": 0, "errmsg": "ok",
		"auth_corp_info": s.authCorpInfoLocked(a.corpID),
		"auth_info":      s.authInfoLocked(s.tp.suites[a.suiteID], a),
	}
	s.addAuthExtrasLocked(out, a)
	writeJSON(w, out)
}

// handleGetCorpToken serves POST /cgi-bin/service/get_corp_token
// (https://developer.work.weixin.qq.com/document/path/90605): an ordinary
// access_token of the corporation for the suite's agentid, which every
// endpoint taking an access_token accepts. Success carries no errcode.
func (s *Server) handleGetCorpToken(w http.ResponseWriter, r *http.Request, who service) {
	var body authCodeBody
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.authByCodeLocked(w, who, body)
	if a == nil {
		return
	}
	tok, ttl := s.issueCorpTokenLocked(a)
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": ttl})
}

// authCodeBody is the body of get_auth_info and get_corp_token.
type authCodeBody struct {
	AuthCorpID    string `json:"auth_corpid"`
	PermanentCode string `json:"permanent_code"`
}

// authByCodeLocked finds the install body names, answering 40084 itself
// when there is none.
func (s *Server) authByCodeLocked(w http.ResponseWriter, who service, body authCodeBody) *authorization {
	a := s.tp.auths[suiteCorp{who.suiteID, body.AuthCorpID}]
	if a == nil || a.permanentCode == "" || a.permanentCode != body.PermanentCode {
		writeError(w, 40084, "")
		return nil
	}
	return a
}

// customizedByCodeLocked finds the 代开发 install of corpID whose permanent
// code is secret.
func (s *Server) customizedByCodeLocked(corpID, secret string) *authorization {
	if secret == "" {
		return nil
	}
	for k, a := range s.tp.auths {
		if k.corpID != corpID || a.permanentCode != secret {
			continue
		}
		if st := s.tp.suites[k.suiteID]; st != nil && st.Customized {
			return a
		}
	}
	return nil
}

// issueCorpTokenLocked issues an access_token of the install's corporation
// for the suite's agentid and remembers the suite, for CorpTokens and
// cancel_auth.
func (s *Server) issueCorpTokenLocked(a *authorization) (string, int64) {
	tok, ttl := s.issueLocked(kindAccessToken, a.corpID, a.agentID)
	s.creds[tok].suiteID = a.suiteID
	return tok, ttl
}

func (s *Server) corpNameLocked(corpID string) string {
	if c := s.corps[corpID]; c != nil && c.name != "" {
		return c.name
	}
	return "Corp " + corpID
}

func (s *Server) authCorpInfoLocked(corpID string) map[string]any {
	name := s.corpNameLocked(corpID)
	return map[string]any{
		"corpid": corpID, "corp_name": name, "corp_type": "verified",
		"corp_full_name": name, "corp_user_max": 50,
	}
}

func (s *Server) authInfoLocked(st *suiteState, a *authorization) map[string]any {
	name, customized := "App "+a.suiteID, false
	if st != nil {
		customized = st.Customized
		if st.Name != "" {
			name = st.Name
		}
	}
	x := s.tp.extras[suiteCorp{a.suiteID, a.corpID}]
	agent := map[string]any{
		"agentid": a.agentID, "name": name, "is_customized_app": customized,
		"privilege": map[string]any{
			"level": max(x.PrivilegeLevel, 1), "allow_party": []int64{1}, "allow_user": []string{}, "allow_tag": []int64{},
		},
	}
	if x.SharedFromCorpID != "" {
		agent["shared_from"] = map[string]any{"corpid": x.SharedFromCorpID, "share_type": x.ShareType}
	}
	return map[string]any{"agent": []any{agent}}
}
