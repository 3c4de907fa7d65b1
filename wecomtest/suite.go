package wecomtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
)

// Suite is a third-party app (第三方应用), or a 代开发 template, of a
// service provider. Add it with [WithSuite] or [Server.AddSuite]; the
// server then pushes its instructions (suite_ticket, create_auth, …) to
// CommandURL and serves the service APIs it needs
// (https://developer.work.weixin.qq.com/document/path/90600 and following).
type Suite struct {
	ID             string // suite_id (ww…; dk… for a customised-app template)
	Secret         string // suite_secret
	Token          string // the callback Token
	EncodingAESKey string // the callback EncodingAESKey (43 characters)
	CommandURL     string // 指令回调 URL pushes go to; may be set later with SetCommandURL
	Customized     bool   // a 代开发 template: is_customized_app true, permanent code usable as a secret with gettoken
	// Name is the app's name in auth_info answers; "" means "App <ID>".
	Name string
	// ContactEdit: the corporations that install the suite grant the
	// provider 通讯录编辑授权
	// (https://developer.work.weixin.qq.com/document/path/96078), so its
	// corp tokens may call user/list_id, whose rows then name members by
	// open_userid only (https://developer.work.weixin.qq.com/document/path/96021).
	// Without it (and always for a Customized suite) user/list_id answers
	// a corp token 48002.
	ContactEdit bool
}

// Kinds of the service credentials the server issues.
const (
	kindSuiteToken    = "suite_access_token"
	kindProviderToken = "provider_access_token"
)

// Lifetimes WeCom documents for the third-party flows.
const (
	suiteTicketTTL      = 30 * time.Minute   // doc 90628: a ticket is valid 30 minutes
	suiteTicketInterval = 10 * time.Minute   // doc 90628: pushed every 10 minutes
	preAuthCodeTTL      = 1200 * time.Second // doc 90601
	authCodeTTL         = 10 * time.Minute   // doc 90597: the temporary auth_code
	loginCodeTTL        = 10 * time.Minute   // doc 91125
	firstSuiteAgentID   = 1000001
	defaultInstallCorp  = "wwinstalled000001"
)

// thirdParty is the server's model of service providers, their suites and
// the corporations that installed them; guarded by Server.mu.
type thirdParty struct {
	suites      map[string]*suiteState
	providers   map[string]string // provider corpid → provider_secret
	installCorp map[string]string // suite id → corp the install page authorizes
	preAuth     map[string]*preAuthCode
	authCodes   map[string]*authCode
	auths       map[suiteCorp]*authorization
	codes3rd    map[string]*code3rd         // OAuth2 codes for getuserinfo3rd (oauth3rd.go)
	tickets3rd  map[string]*userTicket3rd   // user_tickets getuserinfo3rd issued
	loginCodes  map[string]*loginCode       // auth_codes for get_login_info
	admins      map[adminKey][]Admin        // SetAdmins
	extras      map[suiteCorp]InstallExtras // SetInstallExtras
}

type suiteState struct {
	Suite
	tickets  []pushedTicket // oldest first
	lastPush time.Time      // zero: never pushed
}

type pushedTicket struct {
	value string
	at    time.Time
}

type suiteCorp struct{ suiteID, corpID string }

// authorization is one corporation's install of one suite.
type authorization struct {
	suiteID, corpID string
	agentID         int64
	permanentCode   string // "" before the first exchange and after cancel_auth
	state           string // of the latest install
}

// WithSuite adds a suite, as [Server.AddSuite].
func WithSuite(st Suite) Option {
	return optionFunc(func(s *Server) { s.AddSuite(st) })
}

// WithProvider adds a service provider, as [Server.AddProvider].
func WithProvider(corpID, secret string) Option {
	return optionFunc(func(s *Server) { s.AddProvider(corpID, secret) })
}

// WithPushClient sets the HTTP client the server pushes instructions with,
// for example an httptest TLS server's Client() when the command URL is
// https. The default is a plain client with a 30 s timeout.
func WithPushClient(hc *http.Client) Option {
	return optionFunc(func(s *Server) {
		if hc != nil {
			s.pushClient = hc
		}
	})
}

func (s *Server) addSuiteRoutes() {
	s.tp = thirdParty{
		suites:      make(map[string]*suiteState),
		providers:   make(map[string]string),
		installCorp: make(map[string]string),
		preAuth:     make(map[string]*preAuthCode),
		authCodes:   make(map[string]*authCode),
		auths:       make(map[suiteCorp]*authorization),
		codes3rd:    make(map[string]*code3rd),
		tickets3rd:  make(map[string]*userTicket3rd),
		loginCodes:  make(map[string]*loginCode),
		admins:      make(map[adminKey][]Admin),
		extras:      make(map[suiteCorp]InstallExtras),
	}
	s.routes["/cgi-bin/service/get_suite_token"] = s.handleGetSuiteToken
	s.routes["/cgi-bin/service/get_provider_token"] = s.handleGetProviderToken
	s.addInstallRoutes()
	s.addOAuth3rdRoutes()
}

// AddSuite adds a suite, or replaces the one with the same ID (keeping the
// tickets already pushed and the corporations that installed it).
func (s *Server) AddSuite(st Suite) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.tp.suites[st.ID]; old != nil {
		old.Suite = st
		return
	}
	s.tp.suites[st.ID] = &suiteState{Suite: st}
}

// SetCommandURL sets the 指令回调 URL of a suite, typically to a test
// server started after the fake WeCom server. Unknown suites are ignored.
func (s *Server) SetCommandURL(suiteID, url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st := s.tp.suites[suiteID]; st != nil {
		st.CommandURL = url
	}
}

// AddProvider adds a service provider (服务商) with the provider_secret
// get_provider_token checks, or changes its secret.
func (s *Server) AddProvider(corpID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tp.providers[corpID] = secret
}

// SuiteTickets returns the suite_tickets pushed for suiteID, oldest first,
// whether or not the callback accepted them.
func (s *Server) SuiteTickets(suiteID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.tp.suites[suiteID]
	if st == nil {
		return nil
	}
	out := make([]string, len(st.tickets))
	for i, t := range st.tickets {
		out[i] = t.value
	}
	return out
}

// SuiteTokens returns the suite_access_tokens issued to suiteID that are
// still accepted, oldest first.
func (s *Server) SuiteTokens(suiteID string) []string {
	return s.liveCredentialsWhere(func(c *credential) bool {
		return c.kind == kindSuiteToken && c.suiteID == suiteID
	})
}

// CorpTokens returns the live access tokens of corpID issued to suiteID
// through get_corp_token, get_permanent_code (v1) or, for a Customized
// suite, gettoken with the permanent code; oldest first.
func (s *Server) CorpTokens(suiteID, corpID string) []string {
	return s.liveCredentialsWhere(func(c *credential) bool {
		return c.kind == kindAccessToken && c.suiteID == suiteID && c.corpID == corpID
	})
}

// ProviderTokens returns the live provider_access_tokens of the provider
// corpID, oldest first.
func (s *Server) ProviderTokens(corpID string) []string {
	return s.liveCredentialsWhere(func(c *credential) bool {
		return c.kind == kindProviderToken && c.corpID == corpID
	})
}

// PermanentCode returns the permanent code suiteID currently holds for
// corpID, or "" when the corporation has not authorized the suite, the
// auth code was never exchanged, or the install was cancelled.
func (s *Server) PermanentCode(suiteID, corpID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.tp.auths[suiteCorp{suiteID, corpID}]; a != nil {
		return a.permanentCode
	}
	return ""
}

// SuiteAgentID returns the agentid suiteID has in corpID, or 0 if it was
// never installed there.
func (s *Server) SuiteAgentID(suiteID, corpID string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.tp.auths[suiteCorp{suiteID, corpID}]; a != nil {
		return a.agentID
	}
	return 0
}

// --- pushes (doc 90628, 90642) ---

// PushSuiteTicket pushes a new random suite_ticket to the suite's command
// URL (https://developer.work.weixin.qq.com/document/path/90628) and
// returns it. The ticket counts as pushed — get_suite_token accepts it for
// 30 minutes on the server's clock, and [Server.SuiteTickets] lists it —
// even when the callback rejects it, as with WeCom; the error then says so.
func (s *Server) PushSuiteTicket(ctx context.Context, suiteID string) (ticket string, err error) {
	s.mu.Lock()
	st := s.tp.suites[suiteID]
	if st == nil {
		s.mu.Unlock()
		return "", fmt.Errorf("wecomtest: unknown suite %q", suiteID)
	}
	if st.CommandURL == "" {
		s.mu.Unlock()
		return "", fmt.Errorf("wecomtest: suite %q has no command URL", suiteID)
	}
	now := s.now()
	ticket = "tkt_" + randomHex(16)
	st.tickets = append(st.tickets, pushedTicket{ticket, now})
	st.lastPush = now
	s.mu.Unlock()
	msg := newPushXML().
		str("SuiteId", suiteID).str("InfoType", "suite_ticket").num("TimeStamp", now.Unix()).
		str("SuiteTicket", ticket).done()
	return ticket, s.PushRaw(ctx, suiteID, msg)
}

// PushDueSuiteTickets pushes a suite_ticket for every suite with a command
// URL whose last ticket was pushed 10 minutes ago or more on the server's
// clock, or never — what WeCom does every ten minutes. Advance the
// [Clock] and call it to keep tickets flowing in a long test. It tries
// every due suite and returns the errors joined.
func (s *Server) PushDueSuiteTickets(ctx context.Context) error {
	s.mu.Lock()
	now := s.now()
	var due []string
	for id, st := range s.tp.suites {
		if st.CommandURL != "" && (st.lastPush.IsZero() || !now.Before(st.lastPush.Add(suiteTicketInterval))) {
			due = append(due, id)
		}
	}
	s.mu.Unlock()
	sort.Strings(due)
	var errs []error
	for _, id := range due {
		if _, err := s.PushSuiteTicket(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// PushCreateAuth pushes create_auth, as WeCom does when an admin installs
// the suite from a QR code or the app market
// (https://developer.work.weixin.qq.com/document/path/90642). authCode is
// usually one from [Server.NewAuthCode]; [Server.InstallQR] does both.
func (s *Server) PushCreateAuth(ctx context.Context, suiteID, authCode, state string) error {
	msg := newPushXML().
		str("SuiteId", suiteID).str("AuthCode", authCode).str("InfoType", "create_auth").
		num("TimeStamp", s.now().Unix()).str("State", state).done()
	return s.PushRaw(ctx, suiteID, msg)
}

// PushChangeAuth pushes change_auth for corpID, as WeCom does when the
// corporation's admin changes the app's visible range or permissions
// (https://developer.work.weixin.qq.com/document/path/90642). State is the
// state of the corporation's latest install.
func (s *Server) PushChangeAuth(ctx context.Context, suiteID, corpID string) error {
	s.mu.Lock()
	state := ""
	if a := s.tp.auths[suiteCorp{suiteID, corpID}]; a != nil {
		state = a.state
	}
	s.mu.Unlock()
	msg := newPushXML().
		str("SuiteId", suiteID).str("InfoType", "change_auth").num("TimeStamp", s.now().Unix()).
		str("AuthCorpId", corpID).str("State", state).done()
	return s.PushRaw(ctx, suiteID, msg)
}

// PushCancelAuth uninstalls the suite from corpID and pushes cancel_auth
// (https://developer.work.weixin.qq.com/document/path/90642). Before the
// push the corporation's permanent code stops working (40084) and the corp
// tokens issued to the suite are revoked (40014), as after a real
// uninstall; the suite keeps its agentid there for a later reinstall.
func (s *Server) PushCancelAuth(ctx context.Context, suiteID, corpID string) error {
	s.mu.Lock()
	if a := s.tp.auths[suiteCorp{suiteID, corpID}]; a != nil {
		a.permanentCode = ""
	}
	for _, c := range s.creds {
		if c.kind == kindAccessToken && c.suiteID == suiteID && c.corpID == corpID {
			c.revoked = true
		}
	}
	s.mu.Unlock()
	msg := newPushXML().
		str("SuiteId", suiteID).str("InfoType", "cancel_auth").num("TimeStamp", s.now().Unix()).
		str("AuthCorpId", corpID).done()
	return s.PushRaw(ctx, suiteID, msg)
}

// PushResetPermanentCode pushes reset_permanent_code, which WeCom sends a
// 代开发 app when its permanent code is reset
// (https://developer.work.weixin.qq.com/document/path/97175), and returns
// the new auth code it carries. The push names no corporation: the suite
// learns it by exchanging the code, which issues a new permanent code for
// corpID and revokes the old one. The server does not insist on a
// Customized suite.
func (s *Server) PushResetPermanentCode(ctx context.Context, suiteID, corpID string) (authCode string, err error) {
	authCode = s.NewAuthCode(suiteID, corpID, "")
	msg := newPushXML().
		str("SuiteId", suiteID).str("AuthCode", authCode).str("InfoType", "reset_permanent_code").
		num("TimeStamp", s.now().Unix()).done()
	return authCode, s.PushRaw(ctx, suiteID, msg)
}

// PushChangeContact pushes change_contact for a member of corpID
// (changeType create_user, update_user, delete_user …), as WeCom does when
// the directory of an authorizing corporation changes. It does not
// change the server's directory; use [Server.AddMember] for that.
func (s *Server) PushChangeContact(ctx context.Context, suiteID, corpID, changeType, userID string) error {
	msg := newPushXML().
		str("SuiteId", suiteID).str("AuthCorpId", corpID).str("InfoType", "change_contact").
		num("TimeStamp", s.now().Unix()).str("ChangeType", changeType).str("UserID", userID).done()
	return s.PushRaw(ctx, suiteID, msg)
}

// PushRaw encrypts plaintext with the suite's EncodingAESKey and the suite
// id as receive id, signs it with the suite's Token and POSTs it to the
// command URL as WeCom does
// (https://developer.work.weixin.qq.com/document/path/91144):
//
//	POST <CommandURL>?msg_signature=…&timestamp=…&nonce=…
//	<xml><ToUserName><![CDATA[SUITE_ID]]></ToUserName><Encrypt><![CDATA[…]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>
//
// It returns an error unless the callback answers HTTP 200 with the body
// "success". Use it for instructions the server has no helper for. The
// server's lock is not held during the request, so the callback may call
// the server.
func (s *Server) PushRaw(ctx context.Context, suiteID string, plaintext []byte) error {
	s.mu.Lock()
	st := s.tp.suites[suiteID]
	var suite Suite
	if st != nil {
		suite = st.Suite
	}
	s.mu.Unlock()
	if st == nil {
		return fmt.Errorf("wecomtest: unknown suite %q", suiteID)
	}
	if suite.CommandURL == "" {
		return fmt.Errorf("wecomtest: suite %q has no command URL", suiteID)
	}
	return s.pushSealed(ctx, suite.CommandURL, suite.Token, suite.EncodingAESKey, suiteID, plaintext)
}

// pushSealed encrypts plaintext for receiveID, signs it with token and
// POSTs it to dest as WeCom pushes callbacks; the answer must be 200
// "success". The lock must not be held.
func (s *Server) pushSealed(ctx context.Context, dest, token, key, receiveID string, plaintext []byte) error {
	mc, err := crypto.New(token, key, receiveID)
	if err != nil {
		return fmt.Errorf("wecomtest: push to %s: %w", receiveID, err)
	}
	timestamp := strconv.FormatInt(s.now().Unix(), 10)
	nonce := randomDigits(10)
	sealed, err := mc.EncryptMsg(plaintext, timestamp, nonce)
	if err != nil {
		return fmt.Errorf("wecomtest: encrypting for %s: %w", receiveID, err)
	}
	enc, err := encryptValue(sealed)
	if err != nil {
		return err
	}
	body := newPushXML().str("ToUserName", receiveID).str("Encrypt", enc).str("AgentID", "").done()
	u, err := url.Parse(dest)
	if err != nil {
		return fmt.Errorf("wecomtest: bad push URL: %w", err)
	}
	q := u.Query()
	q.Set("msg_signature", crypto.Signature(token, timestamp, nonce, enc))
	q.Set("timestamp", timestamp)
	q.Set("nonce", nonce)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("wecomtest: push to %s: %w", receiveID, err)
	}
	req.Header.Set("Content-Type", "text/xml")
	resp, err := s.pushClient.Do(req)
	if err != nil {
		return fmt.Errorf("wecomtest: push to %s: %w", receiveID, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if resp.StatusCode != http.StatusOK || string(answer) != "success" {
		return fmt.Errorf("wecomtest: push to %s: the callback answered %d %q, not 200 \"success\"", receiveID, resp.StatusCode, truncate(answer, 64))
	}
	return nil
}

// encryptValue extracts the Encrypt value from the reply envelope
// crypto.EncryptMsg builds.
func encryptValue(envelope []byte) (string, error) {
	const open, end = "<Encrypt><![CDATA[", "]]></Encrypt>"
	i := bytes.Index(envelope, []byte(open))
	j := bytes.Index(envelope, []byte(end))
	if i < 0 || j < i {
		return "", errors.New("wecomtest: unexpected envelope from crypto.EncryptMsg")
	}
	return string(envelope[i+len(open) : j]), nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func randomDigits(n int) string {
	h := randomHex(n)
	out := make([]byte, n)
	for i := 0; i < n; i++ {
		out[i] = '0' + h[i]%10
	}
	return string(out)
}

// pushXML builds a plaintext instruction: strings in CDATA, numbers bare.
type pushXML struct{ b strings.Builder }

func newPushXML() *pushXML {
	p := &pushXML{}
	p.b.WriteString("<xml>")
	return p
}

func (p *pushXML) str(name, v string) *pushXML {
	p.b.WriteString("<" + name + "><![CDATA[")
	p.b.WriteString(strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>"))
	p.b.WriteString("]]></" + name + ">")
	return p
}

func (p *pushXML) num(name string, v int64) *pushXML {
	p.b.WriteString("<" + name + ">" + strconv.FormatInt(v, 10) + "</" + name + ">")
	return p
}

func (p *pushXML) done() []byte {
	p.b.WriteString("</xml>")
	return []byte(p.b.String())
}

// --- service credentials ---

// decodeBody reads a POST's JSON body into v, answering 47001 itself when
// the method or the body is wrong.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	if r.Method != http.MethodPost || json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(v) != nil {
		writeError(w, 47001, "")
		return false
	}
	return true
}

// handleGetSuiteToken serves POST /cgi-bin/service/get_suite_token
// (https://developer.work.weixin.qq.com/document/path/90600). Success
// carries no errcode, as WeCom's answer does not.
func (s *Server) handleGetSuiteToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		SuiteID     string `json:"suite_id"`
		SuiteSecret string `json:"suite_secret"`
		SuiteTicket string `json:"suite_ticket"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.tp.suites[body.SuiteID]
	switch {
	case st == nil:
		writeError(w, 40083, "")
		return
	case body.SuiteSecret != st.Secret:
		writeError(w, 40001, "")
		return
	case !st.ticketValidLocked(body.SuiteTicket, s.now()):
		writeError(w, 40085, "")
		return
	}
	tok, ttl := s.issueLocked(kindSuiteToken, "", 0)
	s.creds[tok].suiteID = st.ID
	writeJSON(w, map[string]any{"suite_access_token": tok, "expires_in": ttl})
}

func (st *suiteState) ticketValidLocked(ticket string, now time.Time) bool {
	if ticket == "" {
		return false
	}
	for _, t := range st.tickets {
		if t.value == ticket {
			return now.Before(t.at.Add(suiteTicketTTL))
		}
	}
	return false
}

// handleGetProviderToken serves POST /cgi-bin/service/get_provider_token
// (https://developer.work.weixin.qq.com/document/path/91200). Success
// carries no errcode.
func (s *Server) handleGetProviderToken(w http.ResponseWriter, r *http.Request) {
	var body struct {
		CorpID         string `json:"corpid"`
		ProviderSecret string `json:"provider_secret"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	secret, ok := s.tp.providers[body.CorpID]
	switch {
	case !ok:
		writeError(w, 40013, "")
		return
	case body.ProviderSecret == "" || body.ProviderSecret != secret:
		writeError(w, 40001, "")
		return
	}
	tok, ttl := s.issueLocked(kindProviderToken, body.CorpID, 0)
	writeJSON(w, map[string]any{"provider_access_token": tok, "expires_in": ttl})
}

// service is who a suite or provider token belongs to.
type service struct {
	suiteID    string // suite tokens
	providerID string // provider tokens
}

// serviceAuthed wraps h with the check of a suite or provider token in
// param.
func (s *Server) serviceAuthed(param, kind string, h func(http.ResponseWriter, *http.Request, service)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		c, ok := s.checkCredentialLocked(w, r, param, kind)
		var who service
		if ok {
			who = service{suiteID: c.suiteID}
			if kind == kindProviderToken {
				who = service{providerID: c.corpID}
			}
		}
		s.mu.Unlock()
		if ok {
			h(w, r, who)
		}
	}
}

// openUserID is the stable open_userid WeCom gives a member for third-party
// apps: "o" + userid + a short digest of the corporation and the userid.
func openUserID(corpID, userID string) string {
	sum := sha256.Sum256([]byte(corpID + "\x00" + userID))
	return "o" + userID + hex.EncodeToString(sum[:4])
}
