package wecomtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The codes of the agent model. From WeCom's global table (doc 90313):
// 41011 缺少agentid参数, 47001 for a body that is not JSON, 40007 不合法的
// media_id, and the menu codes 40016–40027. The server's choices, not in
// our copy of the table: 40056 for an agentid the token cannot reach (an
// unknown app, or another app than the token's own — 企业仅可获取当前凭证对应的
// 应用, doc 90227), 46003 for menu/get of an app without a menu. agent/set
// answers a reporting flag other than 0 or 1 with 40059, and its text
// fields' limits with 45022, 45004 and 40094 (see agentFieldCode), all
// from the table.
const (
	codeMissingAgentID = 41011
	codeInvalidAgentID = 40056
	codeMenuNotExist   = 46003
)

// agentState is the fake's model behind addAgentRoutes's routes: each
// app's settings, which agent/set changes and agent/get returns, and its
// menu.
type agentState struct {
	mu       sync.Mutex
	settings map[agentKey]*agentSettings
	menus    map[agentKey]json.RawMessage // the button array as created
	wb       workbenchState
}

type agentKey struct {
	corpID  string
	agentID int64
}

type agentSettings struct {
	Name               string `json:"name"`
	SquareLogoURL      string `json:"square_logo_url"`
	Description        string `json:"description"`
	RedirectDomain     string `json:"redirect_domain"`
	HomeURL            string `json:"home_url"`
	ReportLocationFlag int    `json:"report_location_flag"`
	IsReportEnter      int    `json:"isreportenter"`
}

// addAgentRoutes registers the routes of this file's endpoints.
func (s *Server) addAgentRoutes() {
	s.agents = agentState{settings: make(map[agentKey]*agentSettings), menus: make(map[agentKey]json.RawMessage)}
	s.routes["/cgi-bin/agent/get"] = s.authed(s.handleAgentGet)
	s.routes["/cgi-bin/agent/list"] = s.authed(s.handleAgentList)
	s.routes["/cgi-bin/agent/set"] = s.authed(s.handleAgentSet)
	s.routes["/cgi-bin/menu/create"] = s.authed(s.handleMenuCreate)
	s.routes["/cgi-bin/menu/get"] = s.authed(s.handleMenuGet)
	s.routes["/cgi-bin/menu/delete"] = s.authed(s.handleMenuDelete)
	s.agents.wb = workbenchState{
		templates: make(map[agentKey]json.RawMessage),
		types:     make(map[agentKey]string),
		data:      make(map[agentKey]map[string]json.RawMessage),
	}
	s.routes["/cgi-bin/agent/set_workbench_template"] = s.authed(s.handleSetWorkbenchTemplate)
	s.routes["/cgi-bin/agent/get_workbench_template"] = s.authed(s.handleGetWorkbenchTemplate)
	s.routes["/cgi-bin/agent/set_workbench_data"] = s.authed(s.handleSetWorkbenchData)
}

// settingsLocked returns the app's settings, made with defaults on first
// use; st.mu must be held.
func (st *agentState) settingsLocked(k agentKey) *agentSettings {
	a := st.settings[k]
	if a == nil {
		a = &agentSettings{Name: fmt.Sprintf("app %d", k.agentID)}
		st.settings[k] = a
	}
	return a
}

// agentFor reads the request's agentid (from raw, a query or body value)
// and checks the token reaches it, answering the error itself.
func agentFor(w http.ResponseWriter, raw string, caller Caller) (agentKey, bool) {
	raw = strings.Trim(strings.TrimSpace(raw), `"`)
	if raw == "" {
		writeError(w, codeMissingAgentID, "missing agentid")
		return agentKey{}, false
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id != caller.AgentID {
		writeError(w, codeInvalidAgentID, "invalid agentid")
		return agentKey{}, false
	}
	return agentKey{caller.CorpID, id}, true
}

// handleAgentGet serves GET /cgi-bin/agent/get (doc 90227).
func (s *Server) handleAgentGet(w http.ResponseWriter, r *http.Request, caller Caller) {
	k, ok := agentFor(w, r.URL.Query().Get("agentid"), caller)
	if !ok {
		return
	}
	st := &s.agents
	st.mu.Lock()
	a := *st.settingsLocked(k)
	st.mu.Unlock()
	writeJSON(w, map[string]any{
		"errcode": 0, "errmsg": "ok", "agentid": k.agentID,
		"name": a.Name, "square_logo_url": a.SquareLogoURL, "description": a.Description,
		"allow_userinfos": map[string]any{"user": []any{}},
		"allow_partys":    map[string]any{"partyid": []int64{}},
		"allow_tags":      map[string]any{"tagid": []int64{}},
		"close":           0, "redirect_domain": a.RedirectDomain,
		"report_location_flag": a.ReportLocationFlag, "isreportenter": a.IsReportEnter,
		"home_url": a.HomeURL, "customized_publish_status": 0,
	})
}

// handleAgentList serves GET /cgi-bin/agent/list (doc 90227): a
// self-built app's token reaches the app itself.
func (s *Server) handleAgentList(w http.ResponseWriter, _ *http.Request, caller Caller) {
	st := &s.agents
	st.mu.Lock()
	a := *st.settingsLocked(agentKey{caller.CorpID, caller.AgentID})
	st.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "agentlist": []any{
		map[string]any{"agentid": caller.AgentID, "name": a.Name, "square_logo_url": a.SquareLogoURL},
	}})
}

// readJSONBody reads r's body as a JSON object, answering 47001 itself.
func readJSONBody(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var body map[string]json.RawMessage
	if err != nil || json.Unmarshal(raw, &body) != nil {
		writeError(w, codeBadJSON, "")
		return nil, false
	}
	return body, true
}

// handleAgentSet serves POST /cgi-bin/agent/set (doc 90228): the fields
// present change, the others stay.
func (s *Server) handleAgentSet(w http.ResponseWriter, r *http.Request, caller Caller) {
	body, ok := readJSONBody(w, r)
	if !ok {
		return
	}
	k, ok := agentFor(w, string(body["agentid"]), caller)
	if !ok {
		return
	}
	str := func(name string) (string, bool, bool) {
		v, present := body[name]
		if !present {
			return "", false, true
		}
		var s string
		return s, true, json.Unmarshal(v, &s) == nil
	}
	flag := func(name string) (int, bool, bool) {
		v, present := body[name]
		if !present {
			return 0, false, true
		}
		n, err := strconv.Atoi(strings.Trim(string(v), `"`))
		return n, true, err == nil && (n == 0 || n == 1)
	}
	var next agentSettings
	st := &s.agents
	st.mu.Lock()
	next = *st.settingsLocked(k)
	st.mu.Unlock()
	for _, f := range []struct {
		name string
		dst  *string
	}{{"name", &next.Name}, {"description", &next.Description}, {"redirect_domain", &next.RedirectDomain}, {"home_url", &next.HomeURL}} {
		v, present, valid := str(f.name)
		if code := agentFieldCode(f.name, v, present, valid); code != 0 {
			writeError(w, code, "invalid "+f.name)
			return
		}
		if present {
			*f.dst = v
		}
	}
	for _, f := range []struct {
		name string
		dst  *int
	}{{"report_location_flag", &next.ReportLocationFlag}, {"isreportenter", &next.IsReportEnter}} {
		v, present, valid := flag(f.name)
		if !valid {
			writeError(w, 40059, "invalid "+f.name+": 0 or 1")
			return
		}
		if present {
			*f.dst = v
		}
	}
	if logo, present, valid := str("logo_mediaid"); present {
		s.med.mu.Lock()
		m := s.med.items[logo]
		s.med.mu.Unlock()
		if !valid || m == nil || m.corpID != caller.CorpID || m.typ != "image" || !s.now().Before(m.created.Add(mediaTTL)) {
			writeError(w, 40007, "invalid media_id")
			return
		}
		next.SquareLogoURL = s.URL + "/_fake/agent/logo?media_id=" + logo
	}
	st.mu.Lock()
	*st.settingsLocked(k) = next
	st.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// fakeButton is a menu button as the fake checks it.
type fakeButton struct {
	Type      string       `json:"type"`
	Name      string       `json:"name"`
	Key       string       `json:"key"`
	URL       string       `json:"url"`
	AppID     string       `json:"appid"`
	PagePath  string       `json:"pagepath"`
	SubButton []fakeButton `json:"sub_button"`
}

// menuCode returns WeCom's code for the first way buttons break the
// menu's limits (doc 90231, codes 40016–40027), or 0.
func menuCode(buttons []fakeButton) int {
	if len(buttons) == 0 || len(buttons) > 3 {
		return 40016
	}
	leaf := func(b fakeButton, sub bool) int {
		typeCode, nameCode, keyCode, urlCode, maxName := 40017, 40018, 40019, 40020, 16
		if sub {
			typeCode, nameCode, keyCode, urlCode, maxName = 40024, 40025, 40026, 40027, 40
		}
		switch {
		case b.Name == "" || len(b.Name) > maxName:
			return nameCode
		case b.Type == "view":
			if b.URL == "" || len(b.URL) > 1024 {
				return urlCode
			}
		case b.Type == "view_miniprogram":
			if b.AppID == "" || b.PagePath == "" {
				return typeCode
			}
		case b.Type == "click" || b.Type == "scancode_push" || b.Type == "scancode_waitmsg" || b.Type == "pic_sysphoto" ||
			b.Type == "pic_photo_or_album" || b.Type == "pic_weixin" || b.Type == "location_select":
			if b.Key == "" || len(b.Key) > 128 {
				return keyCode
			}
		default:
			return typeCode
		}
		return 0
	}
	for _, b := range buttons {
		if len(b.SubButton) == 0 {
			if c := leaf(b, false); c != 0 {
				return c
			}
			continue
		}
		switch {
		case b.Name == "" || len(b.Name) > 16:
			return 40018
		case len(b.SubButton) > 5:
			return 40023
		}
		for _, sb := range b.SubButton {
			if len(sb.SubButton) > 0 {
				return 40022
			}
			if c := leaf(sb, true); c != 0 {
				return c
			}
		}
	}
	return 0
}

// handleMenuCreate serves POST /cgi-bin/menu/create (doc 90231): the
// agentid in the query, the buttons in the body, which replace the app's
// menu.
func (s *Server) handleMenuCreate(w http.ResponseWriter, r *http.Request, caller Caller) {
	k, ok := agentFor(w, r.URL.Query().Get("agentid"), caller)
	if !ok {
		return
	}
	body, ok := readJSONBody(w, r)
	if !ok {
		return
	}
	var buttons []fakeButton
	if err := json.Unmarshal(body["button"], &buttons); err != nil {
		writeError(w, 40016, "invalid button size")
		return
	}
	if c := menuCode(buttons); c != 0 {
		writeError(w, c, "")
		return
	}
	st := &s.agents
	st.mu.Lock()
	st.menus[k] = bytes.Clone(body["button"])
	st.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleMenuGet serves GET /cgi-bin/menu/get (doc 90232): the menu as
// created.
func (s *Server) handleMenuGet(w http.ResponseWriter, r *http.Request, caller Caller) {
	k, ok := agentFor(w, r.URL.Query().Get("agentid"), caller)
	if !ok {
		return
	}
	st := &s.agents
	st.mu.Lock()
	m, found := st.menus[k]
	st.mu.Unlock()
	if !found {
		writeError(w, codeMenuNotExist, "menu not exist")
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "button": m})
}

// handleMenuDelete serves GET /cgi-bin/menu/delete (doc 90233).
func (s *Server) handleMenuDelete(w http.ResponseWriter, r *http.Request, caller Caller) {
	k, ok := agentFor(w, r.URL.Query().Get("agentid"), caller)
	if !ok {
		return
	}
	st := &s.agents
	st.mu.Lock()
	delete(st.menus, k)
	st.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// AgentMenu returns the menu the app agentID of corpID has (the button
// array as menu/create received it), if any.
func (s *Server) AgentMenu(corpID string, agentID int64) (json.RawMessage, bool) {
	st := &s.agents
	st.mu.Lock()
	defer st.mu.Unlock()
	m, ok := st.menus[agentKey{corpID, agentID}]
	return bytes.Clone(m), ok
}

// workbenchState holds the apps' workbench templates and the members'
// own data (doc 92535).
type workbenchState struct {
	mu        sync.Mutex
	templates map[agentKey]json.RawMessage            // the template as set, replace_user_data included
	types     map[agentKey]string                     // the template's type
	data      map[agentKey]map[string]json.RawMessage // member data by userid
}

// handleSetWorkbenchTemplate serves POST
// /cgi-bin/agent/set_workbench_template.
func (s *Server) handleSetWorkbenchTemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	body, k, ok := workbenchBody(w, r, caller)
	if !ok {
		return
	}
	typ, ok := workbenchType(w, body)
	if !ok {
		return
	}
	delete(body, "agentid")
	raw, _ := json.Marshal(body)
	st := &s.agents.wb
	st.mu.Lock()
	defer st.mu.Unlock()
	st.templates[k], st.types[k] = raw, typ
	var replace bool
	_ = json.Unmarshal(body["replace_user_data"], &replace)
	if replace || typ == "normal" {
		delete(st.data, k)
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleGetWorkbenchTemplate serves POST
// /cgi-bin/agent/get_workbench_template: type normal until one is set.
func (s *Server) handleGetWorkbenchTemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	_, k, ok := workbenchBody(w, r, caller)
	if !ok {
		return
	}
	st := &s.agents.wb
	st.mu.Lock()
	raw := st.templates[k]
	st.mu.Unlock()
	out := map[string]json.RawMessage{}
	if raw != nil {
		_ = json.Unmarshal(raw, &out)
	} else {
		out["type"] = json.RawMessage(`"normal"`)
	}
	out["errcode"], out["errmsg"] = json.RawMessage("0"), json.RawMessage(`"ok"`)
	writeJSON(w, out)
}

// handleSetWorkbenchData serves POST /cgi-bin/agent/set_workbench_data:
// the data's type must be the template's (40058 otherwise, the fake's
// choice), and the member must exist (60111).
func (s *Server) handleSetWorkbenchData(w http.ResponseWriter, r *http.Request, caller Caller) {
	body, k, ok := workbenchBody(w, r, caller)
	if !ok {
		return
	}
	typ, ok := workbenchType(w, body)
	if !ok {
		return
	}
	var userID string
	_ = json.Unmarshal(body["userid"], &userID)
	s.mu.Lock()
	known := s.memberLocked(caller.CorpID, userID) != nil
	s.mu.Unlock()
	if !known {
		writeError(w, 60111, "")
		return
	}
	st := &s.agents.wb
	st.mu.Lock()
	defer st.mu.Unlock()
	if want := st.types[k]; want == "" || want == "normal" || want != typ {
		writeError(w, 40058, "workbench data type does not match the template's")
		return
	}
	delete(body, "agentid")
	delete(body, "userid")
	raw, _ := json.Marshal(body)
	if st.data[k] == nil {
		st.data[k] = make(map[string]json.RawMessage)
	}
	st.data[k][userID] = raw
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// workbenchBody reads a workbench call's JSON body and the app its
// agentid names, answering the error itself.
func workbenchBody(w http.ResponseWriter, r *http.Request, caller Caller) (map[string]json.RawMessage, agentKey, bool) {
	var body map[string]json.RawMessage
	if json.NewDecoder(r.Body).Decode(&body) != nil {
		writeError(w, 47001, "")
		return nil, agentKey{}, false
	}
	k, ok := agentFor(w, string(body["agentid"]), caller)
	return body, k, ok
}

// workbenchType reads and checks a view's type and its content field.
func workbenchType(w http.ResponseWriter, body map[string]json.RawMessage) (string, bool) {
	var typ string
	_ = json.Unmarshal(body["type"], &typ)
	switch typ {
	case "normal":
		return typ, true
	case "keydata", "image", "list", "webview":
		if len(body[typ]) == 0 || string(body[typ]) == "null" {
			writeError(w, 40058, "workbench "+typ+" without its content")
			return "", false
		}
		return typ, true
	}
	writeError(w, 40058, "invalid workbench type")
	return "", false
}

// WorkbenchData returns what member userID of corpID sees of app agentID
// on the workbench (the view as set_workbench_data received it, without
// agentid and userid), if any.
func (s *Server) WorkbenchData(corpID string, agentID int64, userID string) (json.RawMessage, bool) {
	st := &s.agents.wb
	st.mu.Lock()
	defer st.mu.Unlock()
	raw, ok := st.data[agentKey{corpID, agentID}][userID]
	return raw, ok
}

// agentFieldCode is the errcode agent/set answers for a text field, 0 when
// it is acceptable: WeCom's global table (doc 90313) gives 45022 for a
// name empty or over 32 characters, 45004 for a description outside 4 to
// 120, and 40094 for a home_url without http:// or https://; doc 90228
// states the same limits.
func agentFieldCode(name, v string, present, valid bool) int {
	if !present {
		return 0
	}
	n := utf8.RuneCountInString(v)
	switch {
	case name == "name" && (!valid || n == 0 || n > 32):
		return 45022
	case name == "description" && (!valid || n < 4 || n > 120):
		return 45004
	case name == "home_url" && (!valid || !(strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"))):
		return 40094
	case !valid:
		return codeInvalidParameter
	}
	return 0
}
