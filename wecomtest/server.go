package wecomtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// App is a self-built app (自建应用) in a fake corporation.
type App struct {
	// AgentID is the app's agentid.
	AgentID int64
	// Secret is the app's secret, which gettoken checks.
	Secret string
	// Legacy marks an app created before 2022-06-20 20:00, for which
	// user/get still returns the sensitive fields (mobile, email, biz_mail,
	// avatar, gender). The zero value is an app created after that date:
	// user/get hides them and only OAuth2 (snsapi_privateinfo, then
	// getuserdetail) reveals them (doc 90196).
	Legacy bool
}

// Server is a fake WeCom server. Create it with [NewServer]; all methods
// are safe for concurrent use, including while requests are served.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:port); pass it to
	// wecom.WithBaseURL.
	URL string

	srv      *httptest.Server
	now      func() time.Time
	tokenTTL time.Duration
	routes   map[string]http.HandlerFunc
	builtin  map[string]bool               // the paths of the built-in routes
	decl     map[string]wecom.EndpointInfo // the declarations calls are checked against (catalog.go)
	conns    atomic.Int64

	mu     sync.Mutex
	corps  map[string]*corp
	creds  map[string]*credential // by value
	issued uint64                 // credentials issued so far (their seq)
	calls  map[string]int
	faults map[string][]*pendingFault
	dir    directory     // members, OAuth codes, user tickets (directory.go)
	issues issueLog      // ticket issue times for WeCom's hourly limits (jsapi.go)
	tp     thirdParty    // suites, providers, installs (suite.go, install.go)
	lic    licenses      // interface licenses, id conversion, app QR codes (license.go, idconvert.go, qrcode.go)
	con    contactState  // departments, scopes, messages (contact.go, message.go)
	med    *mediaStore   // uploaded media (media.go)
	dw     dirWriteState // directory writes, tags, batch jobs (dirwrite.go)
	chats  appChatState  // app group chats (appchat.go)
	agents agentState    // app settings, menus, workbench (agent.go)
	robots webhookState  // group robots by key (webhook.go)
	batch  batchState    // batch import and export jobs (batch.go)
	linked linkedState   // invites, join QR codes, linked corporations (linkedcorp.go)
	ext    *extState     // customers, corp customer tags (externalcontact.go)
	extWay extWayState   // contact ways, customer groups, welcome messages (extway.go)
	extOps extOpsState   // mass messages, moments, transfers, acquisition links (extops.go)
	kf     kfState       // WeChat customer service (kf.go)
	oa     oaState       // approvals and leave (oa.go)
	chk    checkinState  // check-in rules and records (checkin.go)

	appCallbacks map[appKey]AppCallback // self-built apps' callbacks (apppush.go)

	pushClient *http.Client // sends pushes to command URLs (suite.go)
	front      front        // WithListener, WithMiddleware (listen.go)
}

type corp struct {
	id   string
	name string // "" until a suite install names it
	apps map[int64]*App
}

// credential is a token or ticket the server issued.
type credential struct {
	kind    string // "access_token", …
	corpID  string
	agentID int64
	suiteID string // the suite a corp token was issued to; the suite of a suite_access_token
	expires time.Time
	revoked bool
	seq     uint64 // issue order
}

// Option configures a [Server].
type Option interface{ apply(*Server) }

type optionFunc func(*Server)

func (f optionFunc) apply(s *Server) { f(s) }

// WithClock sets the server's clock, which decides when the tokens it
// issued expire. Share one [Clock] between the server and the code under
// test. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(s *Server) {
		if now != nil {
			s.now = now
		}
	})
}

// WithTokenTTL sets the lifetime of issued tokens and tickets (expires_in).
// The default is WeCom's 7200 s.
func WithTokenTTL(d time.Duration) Option {
	return optionFunc(func(s *Server) {
		if d >= time.Second {
			s.tokenTTL = d
		}
	})
}

// WithApp adds a corporation (if new) with an app, as [Server.AddApp].
func WithApp(corpID string, app App) Option {
	return optionFunc(func(s *Server) { s.AddApp(corpID, app) })
}

// NewServer starts a fake WeCom server on a loopback port. Close it when
// done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		now:      time.Now,
		tokenTTL: 7200 * time.Second,
		corps:    make(map[string]*corp),
		creds:    make(map[string]*credential),
		calls:    make(map[string]int),
		faults:   make(map[string][]*pendingFault),
		decl:     declared(),
	}
	s.routes = map[string]http.HandlerFunc{
		"/cgi-bin/gettoken": s.handleGettoken,
	}
	s.addOAuthPageRoutes()
	s.addDirectoryRoutes()
	s.addJSAPIRoutes()
	s.addSuiteRoutes()
	s.addLicenseRoutes()
	s.addContactRoutes()
	s.addMediaRoutes()
	s.addDirectoryWriteRoutes()
	s.addAppChatRoutes()
	s.addAgentRoutes()
	s.addWebhookRoutes()
	s.addBatchRoutes()
	s.addLinkedCorpRoutes()
	s.addExternalContactRoutes()
	s.addExtWayRoutes()
	s.addExtOpsRoutes()
	s.addKFRoutes()
	s.addOARoutes()
	s.addCheckinRoutes()
	s.builtin = make(map[string]bool, len(s.routes))
	for path := range s.routes {
		s.builtin[path] = true
	}
	for _, o := range opts {
		o.apply(s)
	}
	if s.pushClient == nil {
		s.pushClient = &http.Client{Timeout: 30 * time.Second}
	}
	s.srv = httptest.NewUnstartedServer(s.front.handler(http.HandlerFunc(s.serve)))
	s.front.listen(s.srv)
	s.srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.srv.Start()
	s.URL = s.front.baseURL(s.srv)
	return s
}

// Close shuts the server down, closing any connections still open.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Client returns an *http.Client configured for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// AddApp adds app to the corporation corpID, creating the corporation if it
// does not exist yet. Adding an app with an agentid already present
// replaces it.
func (s *Server) AddApp(corpID string, app App) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.corps[corpID]
	if c == nil {
		c = &corp{id: corpID, apps: make(map[int64]*App)}
		s.corps[corpID] = c
	}
	a := app
	c.apps[app.AgentID] = &a
}

// Calls returns how many requests the server received for path (for
// example "/cgi-bin/gettoken"), failed and faulted ones included.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// CallCounts returns a copy of all per-path call counters.
func (s *Server) CallCounts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// ResetCalls sets all call counters to zero.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = make(map[string]int)
}

// Connections returns how many TCP connections the server has accepted.
// A client that reuses connections keeps it low.
func (s *Server) Connections() int64 { return s.conns.Load() }

// Tokens returns the access tokens issued to an app that are still
// accepted (not expired, not revoked), oldest first.
func (s *Server) Tokens(corpID string, agentID int64) []string {
	return s.liveCredentials(kindAccessToken, corpID, agentID)
}

func (s *Server) liveCredentials(kind, corpID string, agentID int64) []string {
	return s.liveCredentialsWhere(func(c *credential) bool {
		return c.kind == kind && c.corpID == corpID && c.agentID == agentID
	})
}

// liveCredentialsWhere returns the credentials match selects that are still
// accepted, in the order they were issued.
func (s *Server) liveCredentialsWhere(match func(*credential) bool) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var live []*credential
	values := make(map[*credential]string)
	for v, c := range s.creds {
		if match(c) && !c.revoked && now.Before(c.expires) {
			live = append(live, c)
			values[c] = v
		}
	}
	sort.Slice(live, func(i, j int) bool { return live[i].seq < live[j].seq })
	out := make([]string, len(live))
	for i, c := range live {
		out[i] = values[c]
	}
	return out
}

// RevokeTokens revokes every access token issued to the app before its
// expiry, as WeCom may do "for operational reasons" (doc 91039). Calls
// with such a token get errcode 40014.
func (s *Server) RevokeTokens(corpID string, agentID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.creds {
		if c.kind == kindAccessToken && c.corpID == corpID && c.agentID == agentID {
			c.revoked = true
		}
	}
}

// RevokeToken revokes one token or ticket, whatever its kind.
func (s *Server) RevokeToken(value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.creds[value]; ok {
		c.revoked = true
	}
}

// ExpireTokens makes every token of the app expired now, so that calls get
// errcode 42001, without moving the clock.
func (s *Server) ExpireTokens(corpID string, agentID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, c := range s.creds {
		if c.kind == kindAccessToken && c.corpID == corpID && c.agentID == agentID && c.expires.After(now) {
			c.expires = now
		}
	}
}

const kindAccessToken = "access_token"

// issueLocked creates a credential; s.mu must be held.
func (s *Server) issueLocked(kind, corpID string, agentID int64) (string, int64) {
	value := kind[:3] + "_" + randomHex(24)
	s.issued++
	s.creds[value] = &credential{kind: kind, corpID: corpID, agentID: agentID, expires: s.now().Add(s.tokenTTL), seq: s.issued}
	return value, int64(s.tokenTTL / time.Second)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("wecomtest: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}

// checkCredentialLocked validates the credential a request carries in
// param and answers the WeCom error itself when it is not accepted. kind is
// the kind the endpoint wants: an access_token (missing 41001, unknown,
// revoked or of another kind 40014, expired 42001), or a suite or provider
// token, which WeCom checks together (unknown, revoked or of another kind
// 40082, expired 42009; doc 90313). A missing suite_access_token is 41022,
// a missing provider_access_token 41001 (see missingTokenCode).
func (s *Server) checkCredentialLocked(w http.ResponseWriter, r *http.Request, param, kind string) (*credential, bool) {
	v := r.URL.Query().Get(param)
	if v == "" {
		writeError(w, missingTokenCode(param), param+" missing")
		return nil, false
	}
	invalid, expired := 40014, 42001
	if kind == kindSuiteToken || kind == kindProviderToken {
		invalid, expired = 40082, 42009
	}
	c, ok := s.creds[v]
	switch {
	case !ok || c.kind != kind || c.revoked:
		writeError(w, invalid, "")
		return nil, false
	case !s.now().Before(c.expires):
		msg := ""
		if expired == 42009 && kind == kindProviderToken {
			msg = "provider_access_token expired"
		}
		writeError(w, expired, msg)
		return nil, false
	}
	return c, true
}

// handleGettoken serves GET /cgi-bin/gettoken (doc 91039).
func (s *Server) handleGettoken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	corpID, secret := q.Get("corpid"), q.Get("corpsecret")
	switch {
	case corpID == "":
		writeError(w, 41002, "")
		return
	case secret == "":
		writeError(w, 41004, "")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.corps[corpID]
	if c == nil {
		writeError(w, 40013, "")
		return
	}
	for _, app := range c.apps {
		if app.Secret == secret {
			tok, ttl := s.issueLocked(kindAccessToken, corpID, app.AgentID)
			writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": ttl})
			return
		}
	}
	// A 代开发 app's permanent code is its secret (doc 97164).
	if a := s.customizedByCodeLocked(corpID, secret); a != nil {
		tok, ttl := s.issueCorpTokenLocked(a)
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": ttl})
		return
	}
	writeError(w, 40001, "")
}

// serve counts the call, applies any pending fault, checks the call
// against its endpoint's declaration (validate.go) and routes.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	s.mu.Lock()
	s.calls[path]++
	f := s.nextFaultLocked(path)
	h := s.routes[path]
	s.mu.Unlock()
	h = s.checked(path, h)

	if f != nil && f.AfterEffect {
		rec := httptest.NewRecorder()
		h(rec, r)
		if f.apply(w, r) {
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
		return
	}
	if f != nil && f.apply(w, r) {
		return
	}
	h(w, r)
}

// checked returns h preceded by the checks of path's declaration, if it
// has one, or the not-modelled answer when h is nil.
func (s *Server) checked(path string, h http.HandlerFunc) http.HandlerFunc {
	info, declared := s.decl[path]
	switch {
	case declared && h != nil:
		return func(w http.ResponseWriter, r *http.Request) {
			if s.check(w, r, &info) {
				h(w, r)
			}
		}
	case declared:
		return func(w http.ResponseWriter, r *http.Request) {
			if s.check(w, r, &info) {
				writeNotModelled(w, r, &info)
			}
		}
	case h != nil:
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) { writeNotModelled(w, r, nil) }
}

// errmsgs are the texts WeCom sends with the codes the server produces.
var errmsgs = map[int]string{
	-1:    "system busy",
	40001: "invalid credential",
	40013: "invalid corpid",
	40014: "invalid access_token",
	40029: "invalid code",
	40058: "invalid parameter",
	40063: "empty parameter",
	40078: "invalid auth_code",
	40082: "invalid suite_acccess_token or provider_access_token", // sic: WeCom's spelling
	40083: "invalid suite_id",
	40084: "invalid permanent_code",
	40085: "invalid suite_ticket",
	41001: "access_token missing",
	41002: "corpid missing",
	41004: "corpsecret missing",
	41008: "missing code",
	41009: "missing userid",
	41022: "suite_access_token missing",
	44001: "empty media data",
	42001: "access_token expired",
	42007: "pre_auth_code expired",
	42009: "suite_access_token expired",
	45009: "api freq out of limit",
	45033: "api concurrent out of limit",
	47001: "data format error",
	60111: "userid not found",
	84014: "user ticket expired",
	84015: "invalid user ticket",
}

func writeError(w http.ResponseWriter, code int, msg string) {
	if msg == "" {
		msg = errmsgs[code]
		if msg == "" {
			msg = "error"
		}
	}
	// Real errmsgs carry a hint and a pointer to the error-code tool.
	msg += ", hint: [" + strconv.FormatInt(time.Now().Unix(), 10) + "_wecomtest], more info at https://open.work.weixin.qq.com/devtool/query?e=" + strconv.Itoa(code)
	writeJSON(w, map[string]any{"errcode": code, "errmsg": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, fmt.Sprintf("wecomtest: %v", err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b))) // as WeCom does: a client can size its buffer
	_, _ = w.Write(b)
}
