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
	pendingLen    = 16 // hex digits
	maxPending    = 5  // sign-ins started and not finished, per browser
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
	key     []byte // session signing key
	csrfKey []byte // CSRF token key
	secure  bool   // PUBLIC_URL is https
	path    string // PUBLIC_URL's path, or "/"
	now     func() time.Time
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

// csrfToken returns the CSRF token of the request's session cookie (""
// without one): an HMAC of the cookie's value, so that only a page served
// to this session carries it and it changes with every sign-in.
func (c *cookies) csrfToken(r *http.Request) string {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || ck.Value == "" {
		return ""
	}
	m := hmac.New(sha256.New, c.csrfKey)
	m.Write([]byte(ck.Value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF reports whether token is the request's session's CSRF token.
func (c *cookies) checkCSRF(r *http.Request, token string) bool {
	want := c.csrfToken(r)
	return want != "" && hmac.Equal([]byte(token), []byte(want))
}

// setSession starts a session for s.
func (c *cookies) setSession(w http.ResponseWriter, s session) {
	now := c.now()
	s.Issued, s.Expires = now.Unix(), now.Add(sessionTTL).Unix()
	http.SetCookie(w, c.cookie(sessionCookie, c.encode(s), sessionTTL))
}

// browserBinding is what the binding cookie carries: a random value the
// browser's states are bound to (only this browser can bring a state
// back) and the states it started and has not brought back yet, oldest
// first, at most maxPending (a reload, a second tab, H5 then PC: each
// sign-in started works once). The value is "binding" followed by
// ".pending" for each state, a pending state being the first 16 hex digits
// of its SHA-256.
type browserBinding struct {
	id      string
	pending []string
}

// bindingOf returns the request's binding cookie, when well-formed.
func bindingOf(r *http.Request) (browserBinding, bool) {
	ck, err := r.Cookie(bindingCookie)
	if err != nil || len(ck.Value) > bindingLen+maxPending*(pendingLen+1) {
		return browserBinding{}, false
	}
	parts := strings.Split(ck.Value, ".")
	if len(parts[0]) != bindingLen || !isHex(parts[0]) {
		return browserBinding{}, false
	}
	b := browserBinding{id: parts[0]}
	for _, p := range parts[1:] {
		if len(p) == pendingLen && isHex(p) {
			b.pending = append(b.pending, p)
		}
	}
	return b, true
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// pendingID is how the binding cookie names a state.
func pendingID(state string) string {
	sum := sha256.Sum256([]byte(state))
	return hex.EncodeToString(sum[:pendingLen/2])
}

// add records state as started in this browser, forgetting the oldest
// beyond maxPending.
func (b *browserBinding) add(state string) {
	b.pending = append(b.pending, pendingID(state))
	if n := len(b.pending); n > maxPending {
		b.pending = append([]string(nil), b.pending[n-maxPending:]...)
	}
}

// take removes state from the pending ones and reports whether it was
// there.
func (b *browserBinding) take(state string) bool {
	id := pendingID(state)
	for i, p := range b.pending {
		if p == id {
			b.pending = append(b.pending[:i:i], b.pending[i+1:]...)
			return true
		}
	}
	return false
}

// browserBinding returns the request's binding, or a new one when the
// request has none.
func (c *cookies) browserBinding(r *http.Request) browserBinding {
	if b, ok := bindingOf(r); ok {
		return b
	}
	return browserBinding{id: randomHex(bindingLen / 2)}
}

// setBinding writes b back; a binding with nothing pending is removed (the
// next sign-in gets a new one). The cookie lives as long as the newest
// state.
func (c *cookies) setBinding(w http.ResponseWriter, b browserBinding) {
	// One binding cookie per answer: the last word replaces an earlier one.
	h := w.Header()
	kept := h["Set-Cookie"][:0]
	for _, v := range h["Set-Cookie"] {
		if !strings.HasPrefix(v, bindingCookie+"=") {
			kept = append(kept, v)
		}
	}
	if len(kept) == 0 {
		h.Del("Set-Cookie")
	} else {
		h["Set-Cookie"] = kept
	}
	if len(b.pending) == 0 {
		c.clear(w, bindingCookie)
		return
	}
	http.SetCookie(w, c.cookie(bindingCookie, b.id+"."+strings.Join(b.pending, "."), stateTTL))
}

// clear expires the named cookies.
func (c *cookies) clear(w http.ResponseWriter, names ...string) {
	for _, n := range names {
		http.SetCookie(w, c.cookie(n, "", 0))
	}
}

// usedStates remembers the states already brought back, until they
// expire, so that a state works once in this process even when an old
// copy of the binding cookie comes with it again. Entries are kept in the
// order they were used, which is the order they expire in (each lives
// ttl from its use), so expiring and evicting take the oldest: O(1) per
// use, never a scan. Each binding cookie may hold at most perBinding
// entries, so that one browser cannot fill the table.
type usedStates struct {
	mu         sync.Mutex
	seen       map[string]struct{}
	queue      []usedState // oldest first, from head
	head       int
	perBinding map[string]int
	max        int
	maxPer     int
	ttl        time.Duration
}

type usedState struct {
	state, binding string
	until          time.Time
}

// Results of usedStates.use.
type useResult int

const (
	useNew     useResult = iota // first use: go on
	useAgain                    // already used
	useTooMany                  // the binding used too many states lately
)

// maxUsedPerBinding caps the states one binding cookie brings back within
// stateTTL: a member needs one or two per sign-in.
const maxUsedPerBinding = 20

func newUsedStates(max, perBinding int, ttl time.Duration) *usedStates {
	return &usedStates{seen: make(map[string]struct{}), perBinding: make(map[string]int), max: max, maxPer: perBinding, ttl: ttl}
}

// use records state, brought back with binding, and reports whether it
// was new.
func (u *usedStates) use(state, binding string, now time.Time) useResult {
	u.mu.Lock()
	defer u.mu.Unlock()
	for u.len() > 0 && now.After(u.queue[u.head].until) {
		u.pop()
	}
	if _, ok := u.seen[state]; ok {
		return useAgain
	}
	if u.perBinding[binding] >= u.maxPer {
		return useTooMany
	}
	if u.len() >= u.max { // full: forget the oldest
		u.pop()
	}
	u.seen[state] = struct{}{}
	u.perBinding[binding]++
	u.queue = append(u.queue, usedState{state: state, binding: binding, until: now.Add(u.ttl)})
	return useNew
}

func (u *usedStates) len() int { return len(u.queue) - u.head }

// pop forgets the oldest entry; the queue's spent front is dropped once it
// is half the slice (amortised O(1)).
func (u *usedStates) pop() {
	e := u.queue[u.head]
	u.queue[u.head] = usedState{}
	u.head++
	delete(u.seen, e.state)
	if n := u.perBinding[e.binding] - 1; n > 0 {
		u.perBinding[e.binding] = n
	} else {
		delete(u.perBinding, e.binding)
	}
	if u.head >= 1024 && u.head*2 >= len(u.queue) {
		n := copy(u.queue, u.queue[u.head:])
		clear(u.queue[n:])
		u.queue = u.queue[:n]
		u.head = 0
	}
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("oauth-login: crypto/rand: " + err.Error())
	}
	return hex.EncodeToString(b)
}
