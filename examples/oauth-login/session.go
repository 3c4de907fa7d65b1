package main

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Cookie names and lifetimes.
const (
	sessionCookie = "oauth_login_session"
	bindingCookie = "oauth_login_binding"
	sessionTTL    = 8 * time.Hour
	stateTTL      = 10 * time.Minute // a code lives 5 minutes; the member may take a while to pick
	maxCookieLen  = 3000
	bindingLen    = 32 // hex digits
)

// deriveKey returns HMAC-SHA256(key, purpose): one SESSION_KEY gives the
// states and the session cookies keys of their own, so a value signed for
// one can never pass for the other.
func deriveKey(key, purpose string) []byte {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte("wecomkit/oauth-login/" + purpose))
	return m.Sum(nil)
}

// session is what the session cookie carries: the member as WeCom
// described them at sign-in, and when the session ends. It is signed, not
// encrypted: the member's browser holds their own details.
type session struct {
	UserID     string  `json:"uid"`
	Name       string  `json:"name,omitempty"`
	Department []int64 `json:"dept,omitempty"`
	Position   string  `json:"pos,omitempty"`
	Mobile     string  `json:"mobile,omitempty"`
	Email      string  `json:"email,omitempty"`
	Flow       string  `json:"flow"` // "h5" or "pc"
	Issued     int64   `json:"iat"`
	Expires    int64   `json:"exp"`
}

// cookies makes and reads the server's cookies.
type cookies struct {
	key    []byte // session signing key
	secure bool   // PUBLIC_URL is https
	path   string // PUBLIC_URL's path, or "/"
	now    func() time.Time
}

var errBadSession = errors.New("invalid session cookie")

// encode signs s as base64url(JSON) "." base64url(HMAC).
func (c *cookies) encode(s session) string {
	payload, _ := json.Marshal(s)
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(c.mac(p))
}

func (c *cookies) mac(payload string) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// decode checks the signature and the expiry.
func (c *cookies) decode(v string) (session, error) {
	var s session
	p, sig, ok := strings.Cut(v, ".")
	if !ok || len(v) > maxCookieLen {
		return s, errBadSession
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, c.mac(p)) {
		return s, errBadSession
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil || json.Unmarshal(payload, &s) != nil || s.UserID == "" {
		return s, errBadSession
	}
	if c.now().Unix() >= s.Expires {
		return s, errBadSession
	}
	return s, nil
}

// current returns the request's valid session, if any.
func (c *cookies) current(r *http.Request) (session, bool) {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	s, err := c.decode(ck.Value)
	return s, err == nil
}

// cookie returns a cookie with the server's attributes: HttpOnly,
// SameSite=Lax (sent on the top-level GET that comes back from WeCom, not
// on cross-site subrequests), Secure when PUBLIC_URL is https.
func (c *cookies) cookie(name, value string, maxAge time.Duration) *http.Cookie {
	ck := &http.Cookie{
		Name: name, Value: value, Path: c.path,
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteLaxMode,
	}
	if maxAge > 0 {
		ck.MaxAge = int(maxAge / time.Second)
		ck.Expires = c.now().Add(maxAge).UTC()
	} else {
		ck.MaxAge = -1
		ck.Expires = time.Unix(0, 0).UTC()
	}
	return ck
}

// setSession starts a session for s.
func (c *cookies) setSession(w http.ResponseWriter, s session) {
	now := c.now()
	s.Issued, s.Expires = now.Unix(), now.Add(sessionTTL).Unix()
	http.SetCookie(w, c.cookie(sessionCookie, c.encode(s), sessionTTL))
}

// binding returns the browser's binding value, setting a new one when the
// request has none (a random value the state is bound to: only this
// browser can bring a state back).
func (c *cookies) binding(w http.ResponseWriter, r *http.Request) string {
	if b, ok := bindingOf(r); ok {
		return b
	}
	b := randomHex(bindingLen / 2)
	http.SetCookie(w, c.cookie(bindingCookie, b, stateTTL))
	return b
}

// bindingOf returns the request's binding cookie, when well-formed.
func bindingOf(r *http.Request) (string, bool) {
	ck, err := r.Cookie(bindingCookie)
	if err != nil || len(ck.Value) != bindingLen {
		return "", false
	}
	if _, err := hex.DecodeString(ck.Value); err != nil {
		return "", false
	}
	return ck.Value, true
}

// clear expires the named cookies.
func (c *cookies) clear(w http.ResponseWriter, names ...string) {
	for _, n := range names {
		http.SetCookie(w, c.cookie(n, "", 0))
	}
}

// usedStates remembers the states already brought back, until they
// expire, so that a state works once in this process even when the same
// binding cookie comes with it again. (The binding cookie is replaced on
// every sign-in, which covers several instances too.)
type usedStates struct {
	mu   sync.Mutex
	seen map[string]time.Time // state → when it can be forgotten
	max  int
}

func newUsedStates(max int) *usedStates {
	return &usedStates{seen: make(map[string]time.Time), max: max}
}

// use records state and reports whether it was new.
func (u *usedStates) use(state string, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.seen[state]; ok {
		return false
	}
	if len(u.seen) >= u.max {
		for k, until := range u.seen {
			if now.After(until) {
				delete(u.seen, k)
			}
		}
		if len(u.seen) >= u.max { // still full: forget the oldest
			var oldest string
			var t time.Time
			for k, until := range u.seen {
				if oldest == "" || until.Before(t) {
					oldest, t = k, until
				}
			}
			delete(u.seen, oldest)
		}
	}
	u.seen[state] = now.Add(stateTTL + time.Minute)
	return true
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("oauth-login: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}
