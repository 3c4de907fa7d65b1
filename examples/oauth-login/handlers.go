package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecom"
)

// Bounds of what a callback accepts (WeCom: a code is at most 512 bytes,
// a state at most 128).
const (
	maxCodeLen  = 512
	maxStateLen = 128
)

// Login results, for the log and the metrics.
const (
	resultOK           = "ok"
	resultRetry        = "retry"          // a refused code; through the link once more
	resultInvalidCode  = "invalid_code"   // refused twice
	resultBadState     = "bad_state"      // forged, altered, from another browser or flow
	resultExpiredState = "expired_state"  // older than stateTTL
	resultReplayed     = "replayed_state" // already used
	resultNoCode       = "no_code"        // the member declined
	resultNotMember    = "not_member"
	resultWeComError   = "wecom_error"
	resultBadRequest   = "bad_request"
	resultSignedIn     = "signed_in" // a session already: to /me, the code unspent
	resultTooMany      = "too_many"  // the binding cookie brought back too many states lately
)

// h5Entry serves GET /: the app's home page link in the WeCom client. A
// member with a session goes to /me (or to next, see safeReturnPath);
// anyone else through WeCom's OAuth2 link, then there.
func (a *app) h5Entry(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.cookies.current(r); ok {
		http.Redirect(w, r, a.afterSignIn(w, r, true), http.StatusFound)
		return
	}
	a.rememberReturn(w, r)
	b := a.cookies.browserBinding(r)
	state := a.start(&b, flowH5, false)
	a.cookies.setBinding(w, b)
	http.Redirect(w, r, a.link(flowH5, state), http.StatusFound)
}

// loginPage serves GET /login: the web login link and WeCom's QR panel.
func (a *app) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := a.cookies.current(r); ok {
		http.Redirect(w, r, a.afterSignIn(w, r, true), http.StatusFound)
		return
	}
	a.rememberReturn(w, r)
	b := a.cookies.browserBinding(r)
	state := a.start(&b, flowPC, false)
	a.cookies.setBinding(w, b)
	nonce := randomHex(16)
	data := loginData{
		Link:        a.link(flowPC, state),
		Panel:       !a.cfg.Demo,
		Nonce:       nonce,
		AppID:       a.cfg.CorpID,
		AgentID:     a.cfg.AgentID,
		RedirectURI: a.redirectURI(flowPC),
		State:       state,
	}
	if data.Panel {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'nonce-"+nonce+"' "+panelScriptOrigin+
			"; frame-src https://login.work.weixin.qq.com; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'")
	} else {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; base-uri 'none'")
	}
	a.pages.render(w, r, http.StatusOK, pageLogin, data)
}

// callback serves GET /oauth/callback (flowH5) and GET /login/callback
// (flowPC): it checks the state, exchanges the code for the member and
// starts the session.
func (a *app) callback(flow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		for _, k := range []string{"code", "state"} {
			if len(q[k]) > 1 {
				a.refuse(w, r, flow, resultBadRequest, http.StatusBadRequest, msgRepeated)
				return
			}
		}
		code, state := q.Get("code"), q.Get("state")
		if len(code) > maxCodeLen || len(state) > maxStateLen {
			a.refuse(w, r, flow, resultBadRequest, http.StatusBadRequest, msgMalformed)
			return
		}
		if _, ok := a.cookies.current(r); ok {
			// Signed in already (the other tab, the reload or the other
			// flow finished first): the code is not spent.
			a.metrics.login(flow, resultSignedIn)
			a.logger.LogAttrs(r.Context(), slog.LevelInfo, "already signed in; to /me", slog.String("flow", flow))
			http.Redirect(w, r, a.afterSignIn(w, r, false), http.StatusFound)
			return
		}
		b, ok := bindingOf(r)
		if !ok {
			a.refuse(w, r, flow, resultReplayed, http.StatusBadRequest,
				msgNoSignIn)
			return
		}
		retry, err := a.checkState(state, b.id, flow)
		switch {
		case errors.Is(err, oauth.ErrStateExpired):
			a.refuse(w, r, flow, resultExpiredState, http.StatusBadRequest, msgExpired)
			return
		case err != nil:
			a.refuse(w, r, flow, resultBadState, http.StatusBadRequest,
				msgNotIssued)
			return
		case !b.take(state):
			a.refuse(w, r, flow, resultReplayed, http.StatusBadRequest, msgUsed)
			return
		}
		switch a.used.use(state, b.id, a.now()) {
		case useAgain:
			a.refuse(w, r, flow, resultReplayed, http.StatusBadRequest, msgUsed)
			return
		case useTooMany:
			a.cookies.clear(w, bindingCookie)
			a.refuse(w, r, flow, resultTooMany, http.StatusTooManyRequests,
				msgTooMany)
			return
		}
		// The state is spent, whatever comes next.
		a.cookies.setBinding(w, b)
		if code == "" {
			a.refuse(w, r, flow, resultNoCode, http.StatusBadRequest, msgDeclined)
			return
		}

		ctx, cancel := context.WithTimeout(r.Context(), identifyTimeout)
		defer cancel()
		id, err := a.identity.Identify(ctx, code)
		var nm *oauth.NotMemberError
		switch {
		case errors.Is(err, oauth.ErrInvalidCode) && !retry:
			// Expired, already used (a reload, a back button) or never
			// valid: one more pass through WeCom gets a fresh code.
			a.metrics.login(flow, resultRetry)
			a.logger.LogAttrs(r.Context(), slog.LevelInfo, "WeCom refused the code; sending the member through the link once more", slog.String("flow", flow))
			state := a.start(&b, flow, true)
			a.cookies.setBinding(w, b)
			http.Redirect(w, r, a.link(flow, state), http.StatusFound)
			return
		case errors.Is(err, oauth.ErrInvalidCode):
			a.refuse(w, r, flow, resultInvalidCode, http.StatusBadRequest,
				msgRefusedAgain)
			return
		case errors.As(err, &nm):
			a.refuse(w, r, flow, resultNotMember, http.StatusForbidden,
				msgNotMember)
			return
		case err != nil:
			d := wecom.Diagnose(err)
			a.logger.LogAttrs(r.Context(), slog.LevelError, "sign-in failed: cannot identify the member",
				slog.String("flow", flow), slog.String("cause", string(d.Cause)), slog.Int("errcode", d.Code),
				slog.String("hint", d.Hint), slog.String("error", err.Error()))
			a.metrics.login(flow, resultWeComError)
			a.pages.render(w, r, http.StatusBadGateway, pageError, errorData{
				Title: titleWeComDown, Message: msgWeComDown,
				Retry: startPath(flow),
			})
			return
		}

		s := session{UserID: id.UserID, Name: id.Name, Mobile: id.Mobile, Email: id.Email, Flow: flow}
		// Identify does not report departments; user/get does.
		if u, err := a.identity.User(ctx, id.UserID); err == nil {
			s.Department, s.Position = u.Department, u.Position
		} else {
			a.logger.LogAttrs(r.Context(), slog.LevelWarn, "user/get failed; the session has no department",
				slog.Int("errcode", wecom.ErrorCode(err)), slog.String("error", err.Error()))
		}
		a.cookies.setSession(w, s)
		a.metrics.login(flow, resultOK)
		a.logger.LogAttrs(r.Context(), slog.LevelInfo, "signed in", slog.String("flow", flow), slog.String("userid", id.UserID))
		http.Redirect(w, r, a.afterSignIn(w, r, false), http.StatusFound)
	}
}

// checkState checks state against binding for flow, first pass or retry,
// and reports which.
func (a *app) checkState(state, binding, flow string) (retry bool, err error) {
	if state == "" {
		return false, oauth.ErrInvalidState
	}
	err = a.states.Check(state, stateBinding(binding, flow, false))
	if errors.Is(err, oauth.ErrInvalidState) {
		if err2 := a.states.Check(state, stateBinding(binding, flow, true)); !errors.Is(err2, oauth.ErrInvalidState) {
			return true, err2
		}
	}
	return false, err
}

// refuse answers a clear page with status and counts the result.
func (a *app) refuse(w http.ResponseWriter, r *http.Request, flow, result string, status int, msg string) {
	a.metrics.login(flow, result)
	a.logger.LogAttrs(r.Context(), slog.LevelWarn, "sign-in refused", slog.String("flow", flow), slog.String("result", result))
	a.pages.render(w, r, status, pageError, errorData{Title: titleCannotSignIn, Message: msg, Retry: startPath(flow)})
}

// me serves GET /me: who the member is. Without a session, members in the
// WeCom client go through the H5 entry, others to the PC login.
func (a *app) me(w http.ResponseWriter, r *http.Request) {
	s, ok := a.cookies.current(r)
	if !ok {
		next := "/login"
		if strings.Contains(strings.ToLower(r.UserAgent()), "wxwork") {
			next = "/"
		}
		http.Redirect(w, r, a.cfg.PublicURL+next, http.StatusFound)
		return
	}
	a.pages.render(w, r, http.StatusOK, pageMe, meData{Session: s, Via: map[string]string{flowH5: viaH5, flowPC: viaPC}[s.Flow],
		Departments: a.depts.lookup(r.Context(), s.Department, pageLang(r)),
		CSRF:        a.cookies.csrfToken(r)})
}

// Bounds of the sign-out form.
const maxFormLen = 4 << 10

// logout serves POST /logout, the form on /me: the session cookie is
// removed. The form carries the session's CSRF token, so that another site
// cannot sign the member out; without a session there is nothing to
// protect. (A session is a signed cookie: a copy taken before stays valid
// until it expires.)
func (a *app) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormLen)
	token := r.PostFormValue("csrf")
	s, had := a.cookies.current(r)
	if had && !a.cookies.checkCSRF(r, token) {
		a.logger.LogAttrs(r.Context(), slog.LevelWarn, "sign-out refused: no valid CSRF token", slog.String("userid", s.UserID))
		a.pages.render(w, r, http.StatusForbidden, pageError, errorData{Title: titleCannotSignOut, Message: msgBadSignOut, Retry: "me"})
		return
	}
	a.cookies.clear(w, sessionCookie, bindingCookie)
	if had {
		a.logger.LogAttrs(r.Context(), slog.LevelInfo, "signed out", slog.String("userid", s.UserID))
	}
	a.pages.render(w, r, http.StatusOK, pageLoggedOut, nil)
}
