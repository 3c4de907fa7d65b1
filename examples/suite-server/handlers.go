package main

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/examples/internal/httpquery"
	"github.com/wecomkit/wecomkit/internal/jsonenc"
	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/suite/license"
	"github.com/wecomkit/wecomkit/wecom"
)

// Limits on query parameters.
const (
	maxCorpIDLen = 64
	maxPageURL   = 4096
	maxCodeLen   = 512
)

// installCookie binds an install's state to the browser that started it.
const installCookie = "suite_install"

// --- JSON answers ---

var bufs = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// writeJSONBytes writes b (a complete JSON object without the newline) with
// status.
func writeJSONBytes(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = jsonContentType
	h["Cache-Control"] = noStore
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

var (
	jsonContentType = []string{"application/json; charset=utf-8"}
	noStore         = []string{"no-store"}
)

// writeJSONError answers {"error": msg} with status.
func writeJSONError(w http.ResponseWriter, status int, msg string) {
	b := []byte(`{"error":`)
	b = jsonenc.AppendString(b, msg)
	b = append(b, '}', '\n')
	writeJSONBytes(w, status, b)
}

// --- /sign ---

// sign serves GET /sign?corpid=&url=: wx.config and wx.agentConfig
// parameters for a page of an authorized corporation, signed with that
// corporation's tickets (https://developer.work.weixin.qq.com/document/path/90506,
// https://developer.work.weixin.qq.com/document/path/94313).
func (a *app) sign(w http.ResponseWriter, r *http.Request) {
	q := r.URL.RawQuery
	if err := httpquery.Valid(q); err != nil {
		writeJSONError(w, http.StatusBadRequest, "malformed query string")
		return
	}
	corpID, n := httpquery.Lookup(q, "corpid")
	switch {
	case n == 0 || corpID == "":
		writeJSONError(w, http.StatusBadRequest, "missing parameter: corpid")
		return
	case n > 1:
		writeJSONError(w, http.StatusBadRequest, "parameter given more than once: corpid")
		return
	case len(corpID) > maxCorpIDLen || !isID(corpID):
		writeJSONError(w, http.StatusBadRequest, "corpid must be up to 64 letters, digits, '-' or '_'")
		return
	}
	page, n := httpquery.Lookup(q, "url")
	switch {
	case n == 0 || page == "":
		writeJSONError(w, http.StatusBadRequest, "missing parameter: url")
		return
	case n > 1:
		writeJSONError(w, http.StatusBadRequest, "parameter given more than once: url")
		return
	case len(page) > maxPageURL:
		writeJSONError(w, http.StatusBadRequest, "url longer than 4096 bytes")
		return
	}
	// No per-request timer: warm, nothing waits; cold, the corp token and
	// ticket fetches are each bounded by wecomFetchTimeout.
	ctx := r.Context()
	js, err := a.signer(ctx, corpID)
	if err != nil {
		a.signFailure(w, r, err)
		return
	}
	cfg, err := js.Config(ctx, page)
	if err != nil {
		a.signFailure(w, r, err)
		return
	}
	acfg, err := js.AgentConfig(ctx, page)
	if err != nil {
		a.signFailure(w, r, err)
		return
	}
	bp := bufs.Get().(*[]byte)
	b := append((*bp)[:0], `{"config":{"appId":`...)
	b = jsonenc.AppendString(b, cfg.AppID)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, cfg.Timestamp, 10)
	b = append(b, `,"nonceStr":`...)
	b = jsonenc.AppendString(b, cfg.NonceStr)
	b = append(b, `,"signature":`...)
	b = jsonenc.AppendString(b, cfg.Signature)
	b = append(b, `},"agentConfig":{"corpid":`...)
	b = jsonenc.AppendString(b, acfg.CorpID)
	b = append(b, `,"agentid":`...)
	b = strconv.AppendInt(b, acfg.AgentID, 10)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, acfg.Timestamp, 10)
	b = append(b, `,"nonceStr":`...)
	b = jsonenc.AppendString(b, acfg.NonceStr)
	b = append(b, `,"signature":`...)
	b = jsonenc.AppendString(b, acfg.Signature)
	b = append(b, "}}\n"...)
	writeJSONBytes(w, http.StatusOK, b)
	*bp = b
	bufs.Put(bp)
}

// signFailure answers /sign's errors: 404 for a corporation that has not
// installed the app (or uninstalled it), 400 for a page URL that cannot be
// signed, 503 before the first suite_ticket or while the store fails, 502
// when WeCom failed.
func (a *app) signFailure(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, suite.ErrNotAuthorized):
		writeJSONError(w, http.StatusNotFound, "corporation has not installed the app")
	case errors.Is(err, jssdk.ErrInvalidURL):
		writeJSONError(w, http.StatusBadRequest, "url must be the page's absolute http(s) URL")
	case errors.Is(err, jssdk.ErrNoAgentID):
		writeJSONError(w, http.StatusBadGateway, "the authorization names no agent for the app")
	default:
		a.warn(r, "sign failed", err)
		status, msg := failure(err)
		writeJSONError(w, status, msg)
	}
}

// Answers to failures that are not WeCom's.
const (
	noTicketText  = "no suite_ticket yet: WeCom pushes one to /callback/command every 10 minutes"
	storeDownText = "this server's store is failing (WeCom was not asked); try again shortly"
	causeNoTicket = "no_suite_ticket"
)

// failure is the status and the text for a failed call that is none of
// the route's own answers: 503 before the first suite_ticket or while the
// store fails (neither is WeCom's doing), 502 when WeCom failed.
func failure(err error) (int, string) {
	switch {
	case errors.Is(err, suite.ErrNoSuiteTicket):
		return http.StatusServiceUnavailable, noTicketText
	case errors.Is(err, wecom.ErrStore):
		return http.StatusServiceUnavailable, storeDownText
	}
	return http.StatusBadGateway, wecomFailureText(err)
}

// cause names what failed for the log: "no_suite_ticket", or
// wecom.Diagnose's cause ("store", "wecom", "refused" …).
func cause(err error) string {
	if errors.Is(err, suite.ErrNoSuiteTicket) && !errors.Is(err, wecom.ErrStore) {
		return causeNoTicket
	}
	return string(wecom.Diagnose(err).Cause)
}

// wecomFailureText says what went wrong with WeCom without quoting it.
func wecomFailureText(err error) string {
	if code := wecom.ErrorCode(err); code != 0 {
		return "WeCom returned errcode " + strconv.Itoa(code)
	}
	return "WeCom could not be reached"
}

func (a *app) warn(r *http.Request, msg string, err error) {
	a.logger.LogAttrs(r.Context(), slog.LevelWarn, msg, slog.Int("errcode", wecom.ErrorCode(err)),
		slog.String("cause", cause(err)), slog.String("error", err.Error()))
}

// isID accepts what corp ids are made of.
func isID(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// --- install from the provider's website ---

// install serves GET /install: a new install link
// (https://developer.work.weixin.qq.com/document/path/90597) whose state
// is signed and bound to a cookie set here, so that /install/callback
// accepts only the redirect of an install this browser started.
// ?test=1 makes it a test install (set_session_info auth_type 1), which
// is how an app not yet released is installed.
func (a *app) install(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), handlerTimeout)
	defer cancel()
	binding := randomHex(16)
	state := a.states.Issue(binding)
	var opts []suite.InstallOption
	if r.URL.Query().Get("test") == "1" {
		opts = append(opts, suite.TestInstall())
	}
	link, err := a.suite.InstallURL(ctx, a.publicBase(r)+"/install/callback", state, opts...)
	if err != nil {
		status, msg := failure(err)
		switch {
		case errors.Is(err, suite.ErrNoSuiteTicket):
			msg = "No suite_ticket yet: WeCom pushes one to /callback/command every 10 minutes. Try again shortly."
		case errors.Is(err, wecom.ErrStore):
			msg = "This server's store is failing (WeCom was not asked). Try again shortly."
		case errors.Is(err, suite.ErrInvalidArgument):
			status, msg = http.StatusBadRequest, "This server's address cannot be an install redirect; set PUBLIC_URL."
		}
		a.warn(r, "install link failed", err)
		page(w, status, "Install unavailable", msg, nil)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: installCookie, Value: binding, Path: "/install", MaxAge: int(installStateTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure(r),
	})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, link, http.StatusFound)
}

// installCallback serves GET /install/callback?auth_code=&state=: WeCom's
// redirect after the admin confirmed. The state must be one /install
// issued to this browser, unexpired; then the auth code is exchanged for
// the corporation's permanent code (stored durably by the suite).
func (a *app) installCallback(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := r.Cookie(installCookie)
	if err != nil {
		page(w, http.StatusBadRequest, "Install not recognised", "This browser did not start an install here (or its cookie expired). Start again at /install.", nil)
		return
	}
	if err := a.states.Check(q.Get("state"), c.Value); err != nil {
		msg := "The install's state does not match this browser. Start again at /install."
		if errors.Is(err, oauth.ErrStateExpired) {
			msg = "The install link expired. Start again at /install."
		}
		page(w, http.StatusBadRequest, "Install not recognised", msg, nil)
		return
	}
	code := q.Get("auth_code")
	if code == "" || len(code) > maxCodeLen {
		page(w, http.StatusBadRequest, "Install incomplete", "WeCom's redirect carries no auth_code.", nil)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), handlerTimeout)
	defer cancel()
	au, err := a.suite.Authorize(ctx, code)
	if err != nil {
		status, msg := failure(err)
		msg += "; reload this page to try again."
		if errors.Is(err, suite.ErrAuthCodeUsed) {
			status, msg = http.StatusBadRequest, "The auth code expired or was used elsewhere. Start again at /install."
		}
		a.warn(r, "install failed", err)
		page(w, status, "Install failed", msg, nil)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: installCookie, Value: "", Path: "/install", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.secure(r)})
	page(w, http.StatusOK, "Installed", "", au)
}

// publicBase is the server's URL as the browser reaches it: PUBLIC_URL,
// which only -demo may leave unset (then the request's Host says).
func (a *app) publicBase(r *http.Request) string {
	if a.public != "" {
		return a.public
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (a *app) secure(r *http.Request) bool {
	return r.TLS != nil || len(a.public) > 6 && a.public[:6] == "https:"
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body>
<h1>{{.Title}}</h1>
{{with .Auth}}<p>The app is installed in <strong>{{.CorpName}}</strong> (corpid <code>{{.CorpID}}</code>{{with .AgentID}}, agentid <code>{{.}}</code>{{end}}).</p>
{{else}}<p>{{.Message}}</p>
{{end}}</body></html>
`))

// page writes a small HTML page; every value is escaped by html/template.
func page(w http.ResponseWriter, status int, title, msg string, au *suite.Authorization) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = pageTmpl.Execute(w, struct {
		Title, Message string
		Auth           *suite.Authorization
	}{title, msg, au})
}

// --- OAuth and provider login ---

// oauthCallback serves GET /oauth/callback?code=: who opened the app's
// OAuth link (https://developer.work.weixin.qq.com/document/path/91121).
func (a *app) oauthCallback(w http.ResponseWriter, r *http.Request) {
	code := r.URL.Query().Get("code")
	if code == "" || len(code) > maxCodeLen {
		writeJSONError(w, http.StatusBadRequest, "missing parameter: code")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), handlerTimeout)
	defer cancel()
	u, err := a.suite.UserInfo3rd(ctx, code)
	switch {
	case errors.Is(err, oauth.ErrInvalidCode):
		writeJSONError(w, http.StatusBadRequest, "code invalid, expired or already used")
		return
	case err != nil:
		a.warn(r, "getuserinfo3rd failed", err)
		status, msg := failure(err)
		writeJSONError(w, status, msg)
		return
	}
	var b []byte
	if u.IsMember() {
		b = append(b, `{"corpid":`...)
		b = jsonenc.AppendString(b, u.CorpID)
		b = append(b, `,"userid":`...)
		b = jsonenc.AppendString(b, u.UserID)
		b = append(b, `,"open_userid":`...)
		b = jsonenc.AppendString(b, u.OpenUserID)
	} else {
		b = append(b, `{"openid":`...)
		b = jsonenc.AppendString(b, u.OpenID)
	}
	writeJSONBytes(w, http.StatusOK, append(b, '}', '\n'))
}

// providerLogin serves GET /provider/login?auth_code=: who logged in to the
// provider's website with WeCom
// (https://developer.work.weixin.qq.com/document/path/91125). 404 without
// PROVIDER_CORP_ID and PROVIDER_SECRET.
func (a *app) providerLogin(w http.ResponseWriter, r *http.Request) {
	if a.prov == nil {
		writeJSONError(w, http.StatusNotFound, "provider login is not configured (PROVIDER_CORP_ID, PROVIDER_SECRET)")
		return
	}
	code := r.URL.Query().Get("auth_code")
	if code == "" || len(code) > maxCodeLen {
		writeJSONError(w, http.StatusBadRequest, "missing parameter: auth_code")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), handlerTimeout)
	defer cancel()
	li, err := a.prov.LoginInfo(ctx, code)
	if err != nil {
		if code := wecom.ErrorCode(err); code == 40029 || code == 40078 {
			writeJSONError(w, http.StatusBadRequest, "auth_code invalid, expired or already used")
			return
		}
		a.warn(r, "get_login_info failed", err)
		status, msg := failure(err)
		writeJSONError(w, status, msg)
		return
	}
	b := append([]byte(`{"usertype":`), strconv.Itoa(int(li.UserType))...)
	b = append(b, `,"corpid":`...)
	b = jsonenc.AppendString(b, li.Corp.CorpID)
	b = append(b, `,"userid":`...)
	b = jsonenc.AppendString(b, li.User.UserID)
	b = append(b, `,"open_userid":`...)
	b = jsonenc.AppendString(b, li.User.OpenUserID)
	b = append(b, `,"name":`...)
	b = jsonenc.AppendString(b, li.User.Name)
	writeJSONBytes(w, http.StatusOK, append(b, '}', '\n'))
}

// --- data callback ---

// dataEvent handles one push to the data callback URL: messages and events
// of the authorized corporations' members. It logs what arrived and
// answers "success".
func (a *app) dataEvent(ctx context.Context, ev *crypto.Event) ([]byte, error) {
	a.metrics.event(eventData)
	attrs := []slog.Attr{slog.String("corpid", accesslog.Field(ev.ReceiveID)), slog.String("msg_type", accesslog.Field(ev.MsgType))}
	if ev.Event != "" {
		attrs = append(attrs, slog.String("event", accesslog.Field(ev.Event)))
	}
	if ev.InfoType != "" {
		attrs = append(attrs, slog.String("info_type", accesslog.Field(ev.InfoType)))
	}
	if ev.AgentID != 0 {
		attrs = append(attrs, slog.Int64("agentid", ev.AgentID))
	}
	a.logger.LogAttrs(ctx, slog.LevelInfo, "data callback", attrs...)
	return nil, nil
}

// --- health ---

// readyz answers readiness probes: ready when the store answers and takes
// writes — a store that reads but refuses writes (disk full, a read-only
// replica) would lose every push answered from then on. The body says
// whether a suite_ticket is stored, when WeCom issued it and how old it
// is, and how many pushes wait to be handled. When no ticket arrived for
// 20 minutes (WeCom pushes one every 10) the status is "degraded" — still
// HTTP 200, since the suite token keeps working until the newest ticket
// is 30 minutes old, but worth an alert: the reason says how to force a
// push. Every question is O(1) in the store: no list is read.
func (a *app) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	h, err := a.suite.TicketHealth(ctx)
	var pending int
	if err == nil {
		pending, err = a.suite.Pending(ctx)
	}
	if err != nil {
		a.notReady(w, r, "the store does not answer", err)
		return
	}
	if err := a.suite.CheckStore(ctx); err != nil {
		cause := "the store does not answer"
		if errors.Is(err, wecom.ErrStore) {
			cause = "the store refuses writes"
		}
		a.notReady(w, r, cause, err)
		return
	}
	status := "ready"
	if h.Degraded {
		status = "degraded"
	}
	b := append([]byte(`{"status":`), jsonenc.AppendString(nil, status)...)
	b = append(b, `,"store":`...)
	b = jsonenc.AppendString(b, a.backend)
	b = append(b, `,"suite_ticket":{"stored":`...)
	b = strconv.AppendBool(b, h.Received)
	if h.Received {
		b = append(b, `,"issued_at":"`...)
		b = h.IssuedAt.UTC().AppendFormat(b, time.RFC3339)
		b = append(b, `","age_seconds":`...)
		b = strconv.AppendInt(b, int64(h.Age/time.Second), 10)
		b = append(b, `,"fresh":`...)
		b = strconv.AppendBool(b, h.Age < suite.TicketValidity)
	}
	if h.Degraded {
		b = append(b, `,"reason":`...)
		b = jsonenc.AppendString(b, h.Reason)
	}
	b = append(b, `},"pending_pushes":`...)
	b = strconv.AppendInt(b, int64(pending), 10)
	b = append(b, "}\n"...)
	writeJSONBytes(w, http.StatusOK, b)
}

// notReady answers 503 with the cause, and logs it with the error.
func (a *app) notReady(w http.ResponseWriter, r *http.Request, cause string, err error) {
	a.logger.LogAttrs(r.Context(), slog.LevelWarn, "not ready: "+cause, slog.String("error", err.Error()))
	b := append([]byte(`{"status":"not ready","store":`), jsonenc.AppendString(nil, a.backend)...)
	b = append(b, `,"cause":`...)
	b = jsonenc.AppendString(b, cause)
	b = append(b, "}\n"...)
	writeJSONBytes(w, http.StatusServiceUnavailable, b)
}

// --- provider: licenses and the install QR code ---

// adminOnly wraps an admin route: it answers only a request bearing
// ADMIN_TOKEN (Authorization: Bearer …), 401 otherwise; without
// ADMIN_TOKEN the route is refused (403), except with -demo, where it is
// open.
func (a *app) adminOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		want := a.admin.Reveal()
		if want == "" {
			if !a.demo {
				writeJSONError(w, http.StatusForbidden, "admin route disabled: set ADMIN_TOKEN and send it as Authorization: Bearer <token>")
				return
			}
			h(w, r)
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		g, e := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
		if !ok || subtle.ConstantTimeCompare(g[:], e[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="suite-server admin"`)
			writeJSONError(w, http.StatusUnauthorized, "admin route: send Authorization: Bearer <ADMIN_TOKEN>")
			return
		}
		h(w, r)
	}
}

// licenseReport serves GET /license/report?corpid=&userid=…&days=: which of
// the corporation's members hold an active interface license (接口许可),
// which expire within days (default 30) and which have none — the report
// providers otherwise build in spreadsheets. The members to check are the
// userid parameters (repeated, or one comma-separated list); without any, the
// members named in the app's visible range (allow_user, extra_user). It
// needs PROVIDER_CORP_ID and PROVIDER_SECRET, and it is an admin route
// (adminOnly): it names the corporation's members.
func (a *app) licenseReport(w http.ResponseWriter, r *http.Request) {
	if a.lic == nil {
		writeJSONError(w, http.StatusNotFound, "licenses need PROVIDER_CORP_ID and PROVIDER_SECRET")
		return
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil || len(q["corpid"]) != 1 || len(q["days"]) > 1 {
		writeJSONError(w, http.StatusBadRequest, "want one corpid, at most one days, any number of userid")
		return
	}
	corpID := q.Get("corpid")
	if corpID == "" || len(corpID) > maxCorpIDLen || !isID(corpID) {
		writeJSONError(w, http.StatusBadRequest, "corpid must be up to 64 letters, digits, '-' or '_'")
		return
	}
	days := 30
	if d := q.Get("days"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 || n > 3650 {
			writeJSONError(w, http.StatusBadRequest, "days must be a whole number from 0 to 3650")
			return
		}
		days = n
	}
	ctx, cancel := context.WithTimeout(r.Context(), handlerTimeout)
	defer cancel()
	var wanted []string
	for _, v := range q["userid"] {
		for _, u := range strings.Split(v, ",") {
			if u = strings.TrimSpace(u); u != "" {
				wanted = append(wanted, u)
			}
		}
	}
	if len(wanted) > 10000 {
		writeJSONError(w, http.StatusBadRequest, "at most 10000 userids")
		return
	}
	if len(wanted) == 0 {
		au, err := a.suite.AuthInfo(ctx, corpID)
		if err != nil {
			a.providerFailure(w, r, err)
			return
		}
		for _, ag := range au.Agents {
			wanted = append(wanted, ag.Privilege.AllowUser...)
			wanted = append(wanted, ag.Privilege.ExtraUser...)
		}
	} else if _, err := a.suite.AuthInfo(ctx, corpID); err != nil {
		a.providerFailure(w, r, err)
		return
	}
	rep, err := a.lic.Reconcile(ctx, corpID, wanted, time.Duration(days)*24*time.Hour)
	if err != nil {
		a.providerFailure(w, r, err)
		return
	}
	b, err := json.Marshal(rep)
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, "cannot encode the report")
		return
	}
	writeJSONBytes(w, http.StatusOK, append(b, '\n'))
}

// qrcode serves GET /qrcode?state=: the app's install QR code as a PNG
// (https://developer.work.weixin.qq.com/document/path/95430), for QR
// installs; an install through it is pushed as create_auth with the state.
func (a *app) qrcode(w http.ResponseWriter, r *http.Request) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil || len(q["state"]) > 1 {
		writeJSONError(w, http.StatusBadRequest, "at most one state")
		return
	}
	var opts []suite.QROption
	if st := q.Get("state"); st != "" {
		opts = append(opts, suite.WithQRState(st))
	}
	ctx, cancel := context.WithTimeout(r.Context(), handlerTimeout)
	defer cancel()
	png, err := a.suite.AppQRCodePNG(ctx, opts...)
	if err != nil {
		a.providerFailure(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(png)))
	_, _ = w.Write(png)
}

// providerFailure answers the license and QR routes' errors without quoting
// WeCom: 400 for a refused argument, 404 for a corporation that has not
// installed the app, 503 before the first suite_ticket or while the store
// fails, 502 when WeCom failed.
func (a *app) providerFailure(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, license.ErrInvalidArgument), errors.Is(err, suite.ErrInvalidArgument):
		writeJSONError(w, http.StatusBadRequest, "invalid argument")
	case errors.Is(err, suite.ErrNotAuthorized):
		writeJSONError(w, http.StatusNotFound, "corporation has not installed the app")
	default:
		a.warn(r, "provider call failed", err)
		status, msg := failure(err)
		writeJSONError(w, status, msg)
	}
}
