package wecomtest

import (
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// Paths of the fake login pages: the paths of WeCom's own pages, so that
// oauth.WithAuthorizeBase(srv.URL) and oauth.WithWebLoginBase(srv.URL)
// send the links built by package oauth here.
const (
	// AuthorizePath is the in-client OAuth2 page of open.weixin.qq.com
	// (https://developer.work.weixin.qq.com/document/path/91022).
	AuthorizePath = "/connect/oauth2/authorize"
	// WebLoginPath is the web login page of login.work.weixin.qq.com
	// (https://developer.work.weixin.qq.com/document/path/98152).
	WebLoginPath = "/wwlogin/sso/login"
)

// PickMemberParam is the query parameter that makes a fake login page skip
// its member picker: AuthorizePath?…&wecomtest_member=zhangsan redirects at
// once, as if 张三 had picked themselves. It is for clients that run no
// JavaScript; the #wechat_redirect fragment cannot be checked then (see
// [Server] and the package documentation).
const PickMemberParam = "wecomtest_member"

// Limits of the login pages' input, as WeCom documents them for state
// (doc 91022); the others are the fake's own bounds.
const (
	maxStateLen       = 128
	maxRedirectURILen = 4096
	maxPickFormBytes  = 16 << 10
)

// loginPage is one of the two fake pages.
type loginPage struct {
	webLogin bool // the web login page; otherwise the in-client OAuth2 page
}

// loginRequest is a link's parameters, validated.
type loginRequest struct {
	corpID   string
	agentID  int64 // 0 when the link carries none
	scope    Scope
	redirect *url.URL
	state    string
	hasState bool
}

// addOAuthPageRoutes registers the fake authorize and web login pages.
//
// What the pages check, as WeCom does: appid is a known corporation;
// agentid, when given, an app of it (required for snsapi_privateinfo and
// for the web login's CorpApp); response_type=code and scope on the OAuth2
// page; login_type and lang on the web login page; state is at most 128
// bytes of [A-Za-z0-9]; redirect_uri is present, URL-encoded (its raw value
// holds no ':', '/', '?' or '#') and an absolute http or https URL. A link
// that fails any of them gets an HTML error page with status 400, naming
// the problem.
//
// The #wechat_redirect fragment never reaches a server. The OAuth2 page's
// script reads location.hash and refuses to offer the members without it,
// and the picker's form posts the fragment back, so a browser that lost it
// is refused by the server too. A client without JavaScript posts
// fragment=wechat_redirect itself or uses [PickMemberParam]; neither can
// prove the fragment was there.
func (s *Server) addOAuthPageRoutes() {
	s.routes[AuthorizePath] = s.handleLoginPage(loginPage{})
	s.routes[WebLoginPath] = s.handleLoginPage(loginPage{webLogin: true})
}

func (s *Server) handleLoginPage(p loginPage) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			w.Header().Set("Allow", "GET, POST")
			s.loginError(w, http.StatusMethodNotAllowed, "method not allowed: use GET, or POST from the member picker")
			return
		}
		req, problem := s.parseLoginLink(p, r)
		if problem != "" {
			s.loginError(w, http.StatusBadRequest, problem)
			return
		}
		if r.Method == http.MethodGet {
			if pick := r.URL.Query().Get(PickMemberParam); pick != "" {
				s.redirectWithCode(w, r, p, req, pick, false)
				return
			}
			s.renderPicker(w, r, p, req)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxPickFormBytes)
		if err := r.ParseForm(); err != nil {
			s.loginError(w, http.StatusBadRequest, "unreadable form: "+err.Error())
			return
		}
		if !p.webLogin && r.PostForm.Get("fragment") != "wechat_redirect" {
			s.loginError(w, http.StatusBadRequest, "the link lost its #wechat_redirect fragment: WeCom's client needs it to add the member's identity")
			return
		}
		if p.webLogin && r.PostForm.Get("deny") != "" {
			// The member declined: WeCom redirects with the state alone.
			s.redirectTo(w, r, p, req, "")
			return
		}
		if r.PostForm.Get("visitor") != "" {
			code := s.NewNonMemberCode(req.corpID, "o-visitor-"+randomHex(8))
			s.redirectTo(w, r, p, req, code)
			return
		}
		s.redirectWithCode(w, r, p, req, r.PostForm.Get("userid"), true)
	}
}

// parseLoginLink validates the link's query and returns the first problem
// found, or "".
func (s *Server) parseLoginLink(p loginPage, r *http.Request) (loginRequest, string) {
	var req loginRequest
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return req, "malformed query: " + err.Error()
	}
	for k, v := range q {
		if len(v) > 1 && k != PickMemberParam {
			return req, "parameter " + k + " given more than once"
		}
	}
	req.corpID = q.Get("appid")
	if req.corpID == "" {
		return req, "appid missing"
	}
	if p.webLogin {
		switch lt := q.Get("login_type"); lt {
		case "CorpApp":
		case "ServiceApp":
			return req, "login_type ServiceApp (third-party login) is not modelled by wecomtest; use CorpApp"
		case "":
			return req, "login_type missing (CorpApp or ServiceApp)"
		default:
			return req, "login_type " + strconv.Quote(lt) + " is not CorpApp or ServiceApp"
		}
		if lang := q.Get("lang"); lang != "" && lang != "zh" && lang != "en" {
			return req, "lang " + strconv.Quote(lang) + " is not zh or en"
		}
		req.scope = ScopeBase
	} else {
		if rt := q.Get("response_type"); rt != "code" {
			return req, "response_type must be code, got " + strconv.Quote(rt)
		}
		switch sc := Scope(q.Get("scope")); sc {
		case ScopeBase, ScopePrivateInfo:
			req.scope = sc
		case "":
			return req, "scope missing (snsapi_base or snsapi_privateinfo)"
		default:
			return req, "scope " + strconv.Quote(string(sc)) + " is not snsapi_base or snsapi_privateinfo"
		}
	}

	s.mu.Lock()
	c := s.corps[req.corpID]
	var known bool
	if v := q.Get("agentid"); v != "" && c != nil {
		id, err := strconv.ParseInt(v, 10, 64)
		if err == nil && id > 0 {
			req.agentID = id
			known = c.apps[id] != nil || s.suiteAgentLocked(req.corpID, id)
		}
	}
	s.mu.Unlock()
	switch v := q.Get("agentid"); {
	case c == nil:
		return req, "appid " + strconv.Quote(req.corpID) + " is not a corporation known to this server"
	case v != "" && !known:
		return req, "agentid " + strconv.Quote(v) + " is not an app of " + req.corpID
	case v == "" && p.webLogin:
		return req, "agentid missing: login_type CorpApp needs the app's agentid"
	case v == "" && req.scope == ScopePrivateInfo:
		return req, "agentid missing: scope snsapi_privateinfo needs the app's agentid"
	}

	if req.state, req.hasState = q.Get("state"), q.Has("state"); !validState(req.state) {
		return req, "state must be at most 128 characters of a-z, A-Z and 0-9"
	}

	raw, ok := rawParam(r.URL.RawQuery, "redirect_uri")
	switch {
	case !ok || raw == "":
		return req, "redirect_uri missing"
	case len(raw) > maxRedirectURILen:
		return req, "redirect_uri too long"
	case strings.ContainsAny(raw, ":/?#"):
		return req, "redirect_uri must be URL-encoded (its raw value holds ':', '/', '?' or '#')"
	}
	u, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return req, "redirect_uri must be an absolute http or https URL"
	}
	req.redirect = u
	return req, ""
}

// suiteAgentLocked reports whether agentID is a suite's app in corpID.
func (s *Server) suiteAgentLocked(corpID string, agentID int64) bool {
	for k, a := range s.tp.auths {
		if k.corpID == corpID && a.agentID == agentID {
			return true
		}
	}
	return false
}

// validState reports whether state is what WeCom allows: at most 128
// bytes of [A-Za-z0-9] (empty included).
func validState(state string) bool {
	if len(state) > maxStateLen {
		return false
	}
	for i := 0; i < len(state); i++ {
		c := state[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// rawParam returns the raw (still encoded) value of the first k in query.
func rawParam(query, k string) (string, bool) {
	for _, part := range strings.Split(query, "&") {
		name, value, _ := strings.Cut(part, "=")
		if name == k {
			return value, true
		}
	}
	return "", false
}

// redirectWithCode sends the browser to redirect_uri with a new code for
// member userID, or answers 400 if there is no such member.
func (s *Server) redirectWithCode(w http.ResponseWriter, r *http.Request, p loginPage, req loginRequest, userID string, picked bool) {
	s.mu.Lock()
	m := s.memberLocked(req.corpID, userID)
	s.mu.Unlock()
	if m == nil {
		how := PickMemberParam
		if picked {
			how = "userid"
		}
		s.loginError(w, http.StatusBadRequest, how+" "+strconv.Quote(userID)+" is not a member of "+req.corpID)
		return
	}
	s.redirectTo(w, r, p, req, s.NewCode(req.corpID, req.agentID, m.UserID, req.scope))
}

// redirectTo answers 302 to redirect_uri with code (when not empty) and
// state added to its query; its own parameters and fragment are kept. The
// web login also adds appid, as WeCom has been seen to.
func (s *Server) redirectTo(w http.ResponseWriter, r *http.Request, p loginPage, req loginRequest, code string) {
	u := *req.redirect
	q := u.Query()
	if code != "" {
		q.Set("code", code)
	}
	if req.hasState {
		q.Set("state", req.state)
	}
	if p.webLogin && code != "" {
		q.Set("appid", req.corpID)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// pickerMember is one member as the picker lists them.
type pickerMember struct{ UserID, Name string }

func (s *Server) renderPicker(w http.ResponseWriter, r *http.Request, p loginPage, req loginRequest) {
	s.mu.Lock()
	var members []pickerMember
	for _, m := range s.dir.members[req.corpID] {
		members = append(members, pickerMember{UserID: m.UserID, Name: m.Name})
	}
	name := req.corpID
	if c := s.corps[req.corpID]; c != nil && c.name != "" {
		name = c.name
	}
	s.mu.Unlock()
	sort.Slice(members, func(i, j int) bool { return members[i].UserID < members[j].UserID })
	title := "企业微信 OAuth2 (wecomtest)"
	if p.webLogin {
		title = "企业微信登录 (wecomtest)"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_ = pickerTemplate.Execute(w, map[string]any{
		"Title":     title,
		"Corp":      name,
		"Action":    r.URL.RequestURI(),
		"Members":   members,
		"WebLogin":  p.webLogin,
		"Scope":     string(req.scope),
		"AgentID":   req.agentID,
		"Redirect":  req.redirect.String(),
		"NeedsHash": !p.webLogin,
	})
}

// loginError answers an HTML error page, as WeCom's pages do.
func (s *Server) loginError(w http.ResponseWriter, status int, problem string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = errorTemplate.Execute(w, problem)
}

var pickerTemplate = template.Must(template.New("picker").Parse(`<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
button{display:block;width:100%;margin:.4rem 0;padding:.7rem;font-size:1rem;text-align:left;cursor:pointer}
.meta{color:#666;font-size:.85rem}#hash-error{color:#b00}</style></head>
<body>
<h1>{{.Title}}</h1>
<p>A fake WeCom page: pick who you are in <strong>{{.Corp}}</strong>. Nothing reaches the real WeCom.</p>
<p class="meta">scope {{.Scope}}{{if .AgentID}} · agentid {{.AgentID}}{{end}} · back to {{.Redirect}}</p>
<p id="hash-error" hidden>This link lacks <code>#wechat_redirect</code>: WeCom's client would not add the member's identity.</p>
<form id="picker" method="post" action="{{.Action}}">
<input type="hidden" name="fragment" id="fragment" value="{{if not .NeedsHash}}none{{end}}">
{{range .Members}}<button type="submit" name="userid" value="{{.UserID}}" data-userid="{{.UserID}}">{{.Name}} <span class="meta">{{.UserID}}</span></button>
{{else}}<p>The corporation has no members yet (Server.AddMember).</p>
{{end}}<button type="submit" name="visitor" value="1" data-userid="">访客 <span class="meta">someone who is not a member</span></button>
{{if .WebLogin}}<button type="submit" name="deny" value="1" data-userid="">取消 <span class="meta">decline the login</span></button>{{end}}
</form>
{{if .NeedsHash}}<script>
(function () {
  var h = location.hash.replace(/^#/, "");
  document.getElementById("fragment").value = h;
  if (h !== "wechat_redirect") {
    document.getElementById("hash-error").hidden = false;
    document.getElementById("picker").hidden = true;
  }
})();
</script>{{end}}
</body></html>
`))

var errorTemplate = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>参数错误 (wecomtest)</title></head>
<body><h1>参数错误</h1><p id="problem">{{.}}</p><p>A fake WeCom login page refused the link.</p></body></html>
`))
