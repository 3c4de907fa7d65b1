package main

import (
	"net/http"
	"net/url"
	"strings"
)

// Return-to: GET / and GET /login take an optional next, where the member
// goes after signing in instead of /me. Only a path of this server is
// accepted (it is appended to PUBLIC_URL): a scheme, a host, a
// protocol-relative or backslashed start, in any encoding, is ignored.
const (
	returnCookie = "oauth_login_next"
	maxReturnLen = 512
)

// safeReturnPath returns next when it is a same-origin relative path
// ("/reports?id=7"), without its fragment.
func safeReturnPath(next string) (string, bool) {
	if next == "" || len(next) > maxReturnLen {
		return "", false
	}
	next, _, _ = strings.Cut(next, "#")
	// Each decoding of the text must look like a path too: a browser or a
	// proxy may decode it once more.
	s := next
	for i := 0; i < 4; i++ {
		if !looksLikePath(s) {
			return "", false
		}
		d, err := url.PathUnescape(s)
		if err != nil {
			return "", false
		}
		if d == s {
			break
		}
		s = d
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "", false
	}
	return next, true
}

// looksLikePath reports whether s starts with exactly one slash, with no
// backslash and no control or space character anywhere.
func looksLikePath(s string) bool {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return false
	}
	for _, r := range s {
		if r == '\\' || r <= ' ' || r == 0x7f {
			return false
		}
	}
	return true
}

// rememberReturn keeps the request's next, when safe, for after the
// sign-in (a sign-in started without one keeps an earlier one).
func (a *app) rememberReturn(w http.ResponseWriter, r *http.Request) {
	if next, ok := safeReturnPath(r.URL.Query().Get("next")); ok {
		http.SetCookie(w, a.cookies.cookie(returnCookie, url.QueryEscape(next), stateTTL))
	}
}

// afterSignIn returns where a signed-in member goes: the next given to
// this request (an entry page's, when fromQuery), else the one remembered,
// else /me; the remembered one is spent.
func (a *app) afterSignIn(w http.ResponseWriter, r *http.Request, fromQuery bool) string {
	to := "/me"
	if ck, err := r.Cookie(returnCookie); err == nil {
		a.cookies.clear(w, returnCookie)
		if v, err := url.QueryUnescape(ck.Value); err == nil {
			if next, ok := safeReturnPath(v); ok {
				to = next
			}
		}
	}
	if next, ok := safeReturnPath(r.URL.Query().Get("next")); ok && fromQuery {
		to = next
	}
	return a.cfg.PublicURL + to
}
