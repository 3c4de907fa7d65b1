package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const testSessionKey = "test-session-key-0123456789abcdef-0123456789"

// demoServer is the server run as `oauth-login -demo` on a loopback port.
type demoServer struct {
	base   string
	stdout *testutil.SyncBuffer
	logs   *testutil.SyncBuffer
	clock  *wecomtest.Clock
}

// startDemoServer runs the server with -demo until the test ends. env adds
// to or overrides the environment.
func startDemoServer(t *testing.T, env map[string]string) *demoServer {
	t.Helper()
	d := &demoServer{stdout: &testutil.SyncBuffer{}, logs: &testutil.SyncBuffer{}, clock: wecomtest.NewClock(time.Now())}
	vars := map[string]string{"LISTEN_ADDR": "127.0.0.1:0", "SESSION_KEY": testSessionKey}
	for k, v := range env {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan int, 1)
	go func() {
		done <- start(ctx, serve.Process{Args: []string{"-demo"}, Getenv: func(k string) string { return vars[k] },
			Stdout: d.stdout, Stderr: d.logs, Ready: ready, Now: d.clock.Now})
	}()
	select {
	case d.base = <-ready:
	case code := <-done:
		cancel()
		t.Fatalf("the server exited with %d: %s", code, d.logs.String())
	case <-time.After(10 * time.Second):
		cancel()
		t.Fatal("the server did not start")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			require.Equal(t, 0, code, "graceful stop")
		case <-time.After(20 * time.Second):
			t.Error("the server did not stop")
		}
	})
	return d
}

// browser is a cookie-jar client that follows redirects by hand, keeping
// each Location whole (fragment included), and picks members on the fake
// login pages the way their script and form do.
type browser struct {
	lang string // Accept-Language: English unless a test says otherwise
	t    *testing.T
	hc   *http.Client
	jar  *cookiejar.Jar
	hops []string // every Location followed
}

func newBrowser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &browser{t: t, lang: "en-US,en;q=0.9", jar: jar, hc: &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is one answer.
type page struct {
	status int
	url    *url.URL // the URL requested, fragment included
	header http.Header
	body   string
}

func (b *browser) do(method, link string, form url.Values) page {
	b.t.Helper()
	u, err := url.Parse(link)
	require.NoError(b.t, err)
	wire := *u
	wire.Fragment = "" // a fragment never goes on the wire
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, wire.String(), body)
	require.NoError(b.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	resp, err := b.hc.Do(req)
	require.NoError(b.t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(b.t, err)
	return page{status: resp.StatusCode, url: u, header: resp.Header, body: string(raw)}
}

// get requests link and follows redirects (at most 10) until a page that
// is not a redirect.
func (b *browser) get(link string) page {
	b.t.Helper()
	p := b.do(http.MethodGet, link, nil)
	for i := 0; p.status >= 300 && p.status < 400; i++ {
		require.Less(b.t, i, 10, "redirect loop: %v", b.hops)
		loc, err := p.url.Parse(p.header.Get("Location"))
		require.NoError(b.t, err)
		b.hops = append(b.hops, loc.String())
		p = b.do(http.MethodGet, loc.String(), nil)
	}
	return p
}

// pick chooses userID on a fake login page (or "visitor"), as the page's
// form does, and follows the redirects.
func (b *browser) pick(picker page, userID string) page {
	b.t.Helper()
	require.Equal(b.t, http.StatusOK, picker.status, picker.body)
	require.Contains(b.t, picker.body, `id="picker"`, "a fake login page")
	form := url.Values{"fragment": {picker.url.Fragment}}
	if userID == "visitor" {
		form.Set("visitor", "1")
	} else {
		form.Set("userid", userID)
	}
	p := b.do(http.MethodPost, picker.url.String(), form)
	require.Equal(b.t, http.StatusFound, p.status, p.body)
	loc, err := p.url.Parse(p.header.Get("Location"))
	require.NoError(b.t, err)
	b.hops = append(b.hops, loc.String())
	return b.get(loc.String())
}

// lastHop returns the last Location followed whose path is path.
func (b *browser) lastHop(path string) *url.URL {
	b.t.Helper()
	for i := len(b.hops) - 1; i >= 0; i-- {
		u, err := url.Parse(b.hops[i])
		require.NoError(b.t, err)
		if u.Path == path {
			return u
		}
	}
	b.t.Fatalf("no hop to %s in %v", path, b.hops)
	return nil
}

func (b *browser) cookie(base, name string) *http.Cookie {
	u, err := url.Parse(base)
	require.NoError(b.t, err)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// csrfOf returns the sign-out form's token on a member page.
func csrfOf(t *testing.T, me page) string {
	t.Helper()
	m := regexp.MustCompile(`<form method="post" action="logout"><input type="hidden" name="csrf" value="([^"]+)">`).FindStringSubmatch(me.body)
	require.NotNil(t, m, "the sign-out form: %s", me.body)
	return m[1]
}

// logout signs out with /me's form.
func (b *browser) logout(base string) page {
	b.t.Helper()
	me := b.get(base + "/me")
	require.Equal(b.t, "/me", me.url.Path)
	return b.do(http.MethodPost, base+"/logout", url.Values{"csrf": {csrfOf(b.t, me)}})
}

// dropCookie removes the named cookie from b's jar.
func (b *browser) dropCookie(base, name string) {
	u, err := url.Parse(base)
	require.NoError(b.t, err)
	b.jar.SetCookies(u, []*http.Cookie{{Name: name, Value: "", MaxAge: -1}})
	require.Nil(b.t, b.cookie(base, name))
}

// setCookie finds name among resp's Set-Cookie headers.
func setCookie(h http.Header, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func signInH5(t *testing.T, d *demoServer, b *browser, userID string) page {
	t.Helper()
	picker := b.get(d.base + "/")
	require.Equal(t, wecomtest.AuthorizePath, picker.url.Path)
	require.Equal(t, "wechat_redirect", picker.url.Fragment, "the link keeps #wechat_redirect")
	return b.pick(picker, userID)
}

func TestH5Flow(t *testing.T) {
	d := startDemoServer(t, nil)
	b := newBrowser(t)
	me := signInH5(t, d, b, "zhangsan")
	require.Equal(t, http.StatusOK, me.status, me.body)
	require.Equal(t, "/me", me.url.Path)
	for _, want := range []string{"张三", `id="userid">zhangsan<`, `id="department">Demo Co., R&amp;D<`, "13800000001", "zhangsan@example.com", "WeCom client (H5)"} {
		require.Contains(t, me.body, want)
	}
	q := b.lastHop(wecomtest.AuthorizePath).Query()
	require.Equal(t, "snsapi_privateinfo", q.Get("scope"))
	require.Equal(t, "1000002", q.Get("agentid"))
	require.Equal(t, d.base+"/oauth/callback", q.Get("redirect_uri"))

	// Signed in: / goes straight to /me.
	again := b.get(d.base + "/")
	require.Equal(t, "/me", again.url.Path)
}

func TestPCFlow(t *testing.T) {
	d := startDemoServer(t, nil)
	b := newBrowser(t)
	login := b.get(d.base + "/login")
	require.Equal(t, http.StatusOK, login.status)
	m := regexp.MustCompile(`id="weblogin" class="button" href="([^"]+)"`).FindStringSubmatch(login.body)
	require.NotNil(t, m, login.body)
	link := strings.ReplaceAll(m[1], "&amp;", "&")
	require.NotContains(t, login.body, "wwcdn.weixin.qq.com", "the demo does not load WeCom's CDN")
	u, err := url.Parse(link)
	require.NoError(t, err)
	require.Equal(t, wecomtest.WebLoginPath, u.Path)
	require.Equal(t, "CorpApp", u.Query().Get("login_type"))
	require.Equal(t, d.base+"/login/callback", u.Query().Get("redirect_uri"))

	me := b.pick(b.get(link), "lisi")
	require.Equal(t, http.StatusOK, me.status, me.body)
	// A web login code brings no user_ticket, and an app created after
	// 2022-06-20 gets no mobile or email from user/get.
	for _, want := range []string{"李四", `id="userid">lisi<`, `id="department">R&amp;D<`, `id="mobile">not visible to this app<`, `id="email">not visible to this app<`, "web login (QR code)"} {
		require.Contains(t, me.body, want)
	}
	require.Equal(t, "/login/callback", b.lastHop("/login/callback").Path)
	// Signed in: /login goes to /me.
	require.Equal(t, "/me", b.get(d.base+"/login").url.Path)
}

func TestNotMember(t *testing.T) {
	d := startDemoServer(t, nil)
	b := newBrowser(t)
	p := signInH5(t, d, b, "visitor")
	require.Equal(t, http.StatusForbidden, p.status)
	require.Contains(t, p.body, "not a member")
	require.Nil(t, b.cookie(d.base, sessionCookie))
}

func TestSessionCookie(t *testing.T) {
	d := startDemoServer(t, nil)
	b := newBrowser(t)
	entry := b.do(http.MethodGet, d.base+"/", nil)
	bc := setCookie(entry.header, bindingCookie)
	require.NotNil(t, bc)
	require.True(t, bc.HttpOnly)
	require.False(t, bc.Secure, "PUBLIC_URL is http")
	require.Equal(t, http.SameSiteLaxMode, bc.SameSite)
	require.Equal(t, int(stateTTL/time.Second), bc.MaxAge)

	b.get(entry.header.Get("Location")) // the picker
	picker := b.get(entry.header.Get("Location"))
	post := b.do(http.MethodPost, picker.url.String(), url.Values{"fragment": {"wechat_redirect"}, "userid": {"zhangsan"}})
	cb := b.do(http.MethodGet, post.header.Get("Location"), nil)
	require.Equal(t, http.StatusFound, cb.status, cb.body)
	sc := setCookie(cb.header, sessionCookie)
	require.NotNil(t, sc)
	require.True(t, sc.HttpOnly)
	require.False(t, sc.Secure)
	require.Equal(t, http.SameSiteLaxMode, sc.SameSite)
	require.Equal(t, int(sessionTTL/time.Second), sc.MaxAge)
	require.Equal(t, "/", sc.Path)
	cleared := setCookie(cb.header, bindingCookie)
	require.NotNil(t, cleared)
	require.Less(t, cleared.MaxAge, 0, "the binding is spent")

	// Signed: an altered cookie is no session.
	val := sc.Value
	flip := "A"
	if val[0] == 'A' {
		flip = "B"
	}
	forged := &http.Cookie{Name: sessionCookie, Value: flip + val[1:]}
	u, _ := url.Parse(d.base)
	b.jar.SetCookies(u, []*http.Cookie{forged})
	require.Equal(t, "/login", b.get(d.base+"/me").url.Path)

	// Expiring: the genuine cookie stops working after sessionTTL.
	b.jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: val}})
	require.Equal(t, "/me", b.get(d.base+"/me").url.Path)
	d.clock.Advance(sessionTTL + time.Second)
	require.Equal(t, "/login", b.get(d.base+"/me").url.Path)
}

func TestSecureCookiesWithHTTPSPublicURL(t *testing.T) {
	d := startDemoServer(t, map[string]string{"PUBLIC_URL": "https://login.example.com"})
	hc := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(d.base + "/")
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	bc := setCookie(resp.Header, bindingCookie)
	require.NotNil(t, bc)
	require.True(t, bc.Secure)
	link := resp.Header.Get("Location")
	require.Contains(t, link, url.QueryEscape("https://login.example.com/oauth/callback"))

	// Without a browser: the member in the link; WeCom sends us to the
	// public URL, which here is this server.
	link = strings.Replace(link, "#wechat_redirect", "&"+wecomtest.PickMemberParam+"=zhangsan#wechat_redirect", 1)
	resp, err = hc.Get(link)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	cb, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "login.example.com", cb.Host)
	req, err := http.NewRequest(http.MethodGet, d.base+cb.Path+"?"+cb.RawQuery, nil)
	require.NoError(t, err)
	req.AddCookie(&http.Cookie{Name: bindingCookie, Value: bc.Value})
	resp, err = hc.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusFound, resp.StatusCode)
	sc := setCookie(resp.Header, sessionCookie)
	require.NotNil(t, sc)
	require.True(t, sc.Secure)
	require.True(t, sc.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, sc.SameSite)
}

// callbackURL returns the callback URL the fake WeCom sent b to last.
func callbackURL(b *browser, path string) string { return b.lastHop(path).String() }

func TestStateRefused(t *testing.T) {
	d := startDemoServer(t, nil)

	// A state stolen from a sign-in that completed.
	victim := newBrowser(t)
	signInH5(t, d, victim, "zhangsan")
	spent := callbackURL(victim, "/oauth/callback")

	refused := func(t *testing.T, p page, want string) {
		t.Helper()
		require.Equal(t, http.StatusBadRequest, p.status, p.body)
		require.Contains(t, p.header.Get("Content-Type"), "text/html")
		require.Contains(t, p.body, want)
		require.Contains(t, p.body, `id="retry"`)
	}

	t.Run("replayed in the same browser", func(t *testing.T) {
		// Signed in: to /me, nothing spent.
		require.Equal(t, "/me", victim.get(spent).url.Path)
		victim.dropCookie(d.base, sessionCookie)
		refused(t, victim.get(spent), "already completed")
	})
	t.Run("replayed with the old binding cookie", func(t *testing.T) {
		b := newBrowser(t)
		picker := b.get(d.base + "/")
		bc := b.cookie(d.base, bindingCookie)
		require.NotNil(t, bc)
		me := b.pick(picker, "lisi")
		require.Equal(t, "/me", me.url.Path)
		b.dropCookie(d.base, sessionCookie)
		u, _ := url.Parse(d.base)
		b.jar.SetCookies(u, []*http.Cookie{{Name: bindingCookie, Value: bc.Value}})
		refused(t, b.get(callbackURL(b, "/oauth/callback")), "already used")
	})
	t.Run("another browser's state", func(t *testing.T) {
		attacker := newBrowser(t)
		attacker.get(d.base + "/") // has a binding of its own
		refused(t, attacker.get(spent), "not issued to this browser")
	})
	t.Run("forged", func(t *testing.T) {
		b := newBrowser(t)
		b.get(d.base + "/")
		refused(t, b.get(d.base+"/oauth/callback?code=x&state="+strings.Repeat("ab", 32)), "not issued to this browser")
		refused(t, b.get(d.base+"/oauth/callback?code=x"), "not issued to this browser")
		refused(t, b.get(d.base+"/oauth/callback?code=x&state=a&state=b"), "more than once")
		refused(t, b.get(d.base+"/oauth/callback?state="+strings.Repeat("a", 200)), "malformed")
	})
	t.Run("other flow", func(t *testing.T) {
		b := newBrowser(t)
		picker := b.get(d.base + "/")
		state := picker.url.Query().Get("state")
		refused(t, b.get(d.base+"/login/callback?code=x&state="+state), "not issued to this browser")
	})
	t.Run("expired", func(t *testing.T) {
		b := newBrowser(t)
		picker := b.get(d.base + "/")
		d.clock.Advance(stateTTL + time.Second)
		// The binding cookie outlives its Max-Age here: the jar's clock is real.
		p := b.pick(picker, "zhangsan")
		refused(t, p, "expired")
	})
	require.NotContains(t, d.logs.String(), `"status":500`)
}

// Two sign-ins started in one browser — a reload, two tabs, H5 then PC —
// each work once; once one has finished, the others lead to /me.
func TestTwoSignInsInOneBrowser(t *testing.T) {
	d := startDemoServer(t, nil)
	pcLink := func(b *browser) string {
		login := b.get(d.base + "/login")
		m := regexp.MustCompile(`id="weblogin" class="button" href="([^"]+)"`).FindStringSubmatch(login.body)
		require.NotNil(t, m, login.body)
		return strings.ReplaceAll(m[1], "&amp;", "&")
	}

	t.Run("the later one finds a session", func(t *testing.T) {
		b := newBrowser(t)
		h5 := b.get(d.base + "/")        // a tab
		reload := b.get(d.base + "/")    // a reload
		pc := b.get(pcLink(b))           // the PC page in another tab
		me := b.pick(reload, "zhangsan") // the reload finishes first
		require.Equal(t, "/me", me.url.Path, me.body)
		for _, picker := range []page{h5, pc} {
			p := b.pick(picker, "lisi")
			require.Equal(t, http.StatusOK, p.status, p.body)
			require.Equal(t, "/me", p.url.Path, "a browser with a session goes to /me")
			require.Contains(t, p.body, `id="userid">zhangsan<`, "the session is the first one's")
		}
	})

	t.Run("each pending one works once", func(t *testing.T) {
		b := newBrowser(t)
		h5 := b.get(d.base + "/")
		pc := b.get(pcLink(b))
		require.Equal(t, "/me", b.pick(h5, "zhangsan").url.Path)
		spent := callbackURL(b, "/oauth/callback")
		// The session gone (another cookie context, a sign-out elsewhere),
		// the PC sign-in started before still works, once.
		b.dropCookie(d.base, sessionCookie)
		me := b.pick(pc, "lisi")
		require.Equal(t, "/me", me.url.Path, me.body)
		require.Contains(t, me.body, `id="userid">lisi<`)
		b.dropCookie(d.base, sessionCookie)
		p := b.get(spent)
		require.Equal(t, http.StatusBadRequest, p.status)
		p = b.get(callbackURL(b, "/login/callback"))
		require.Equal(t, http.StatusBadRequest, p.status)
	})

	t.Run("a few at most", func(t *testing.T) {
		b := newBrowser(t)
		var pickers []page
		for i := 0; i < maxPending+1; i++ {
			pickers = append(pickers, b.get(d.base+"/"))
		}
		bc := b.cookie(d.base, bindingCookie)
		require.NotNil(t, bc)
		require.LessOrEqual(t, len(bc.Value), bindingLen+maxPending*(pendingLen+1))
		p := b.pick(pickers[0], "zhangsan") // the oldest is forgotten
		require.Equal(t, http.StatusBadRequest, p.status)
		require.Equal(t, "/me", b.pick(pickers[1], "zhangsan").url.Path)
	})
	require.NotContains(t, d.logs.String(), `"status":500`)
}

func TestReusedCode(t *testing.T) {
	d := startDemoServer(t, nil)
	b := newBrowser(t)
	signInH5(t, d, b, "zhangsan")
	used := b.lastHop("/oauth/callback").Query().Get("code")
	require.NotEmpty(t, used)
	require.Equal(t, http.StatusOK, b.logout(d.base).status)

	// A new sign-in brings back an old code: through the link once more.
	entry := b.do(http.MethodGet, d.base+"/", nil)
	first, err := url.Parse(entry.header.Get("Location"))
	require.NoError(t, err)
	cb := b.do(http.MethodGet, d.base+"/oauth/callback?code="+url.QueryEscape(used)+"&state="+first.Query().Get("state"), nil)
	require.Equal(t, http.StatusFound, cb.status, cb.body)
	retry, err := url.Parse(cb.header.Get("Location"))
	require.NoError(t, err)
	require.Equal(t, wecomtest.AuthorizePath, retry.Path, "sent through WeCom's link again")
	require.NotEqual(t, first.Query().Get("state"), retry.Query().Get("state"))
	me := b.pick(b.get(retry.String()), "lisi")
	require.Equal(t, "/me", me.url.Path)
	require.Contains(t, me.body, "李四")

	// The retry's code refused too: a page, not another round.
	require.Equal(t, http.StatusOK, b.logout(d.base).status)
	entry = b.do(http.MethodGet, d.base+"/", nil)
	first, _ = url.Parse(entry.header.Get("Location"))
	cb = b.do(http.MethodGet, d.base+"/oauth/callback?code="+url.QueryEscape(used)+"&state="+first.Query().Get("state"), nil)
	retry, _ = url.Parse(cb.header.Get("Location"))
	p := b.do(http.MethodGet, d.base+"/oauth/callback?code="+url.QueryEscape(used)+"&state="+retry.Query().Get("state"), nil)
	require.Equal(t, http.StatusBadRequest, p.status)
	require.Contains(t, p.body, "refused the sign-in code again")
}

func TestLogout(t *testing.T) {
	d := startDemoServer(t, nil)
	b := newBrowser(t)
	signInH5(t, d, b, "wangwu")
	require.NotNil(t, b.cookie(d.base, sessionCookie))

	// Not a GET: a link or an image on any site would sign the member out.
	get := b.do(http.MethodGet, d.base+"/logout", nil)
	require.Equal(t, http.StatusMethodNotAllowed, get.status)
	require.NotNil(t, b.cookie(d.base, sessionCookie))
	require.Nil(t, setCookie(get.header, sessionCookie))
	// A POST without the page's token, or with another session's, is refused.
	other := newBrowser(t)
	signInH5(t, d, other, "zhangsan")
	me := other.get(d.base + "/me")
	for _, form := range []url.Values{{}, {"csrf": {""}}, {"csrf": {"x"}}, {"csrf": {csrfOf(t, me)}}} {
		p := b.do(http.MethodPost, d.base+"/logout", form)
		require.Equal(t, http.StatusForbidden, p.status, "%v", form)
		require.Nil(t, setCookie(p.header, sessionCookie))
		require.NotNil(t, b.cookie(d.base, sessionCookie))
	}
	require.Equal(t, "/me", b.get(d.base+"/me").url.Path, "still signed in")

	out := b.logout(d.base)
	require.Equal(t, http.StatusOK, out.status)
	require.Contains(t, out.body, "Signed out")
	sc := setCookie(out.header, sessionCookie)
	require.NotNil(t, sc)
	require.Less(t, sc.MaxAge, 0)
	require.Nil(t, b.cookie(d.base, sessionCookie))
	require.Equal(t, "/login", b.get(d.base+"/me").url.Path, "signed out")

	// In the WeCom client, /me without a session starts the H5 entry.
	req, _ := http.NewRequest(http.MethodGet, d.base+"/me", nil)
	req.Header.Set("User-Agent", "Mozilla/5.0 wxwork/4.1.0 MicroMessenger/7.0.1")
	resp, err := b.hc.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, d.base+"/", resp.Header.Get("Location"))
}

// Nothing secret reaches the log: no app secret, session key, code, state,
// token, ticket or session cookie.
func TestNoSecretsInLogs(t *testing.T) {
	d := startDemoServer(t, nil)
	b := newBrowser(t)
	signInH5(t, d, b, "zhangsan")
	b.logout(d.base)
	login := b.get(d.base + "/login")
	link := strings.ReplaceAll(regexp.MustCompile(`id="weblogin" class="button" href="([^"]+)"`).FindStringSubmatch(login.body)[1], "&amp;", "&")
	b.pick(b.get(link), "lisi")
	session := b.cookie(d.base, sessionCookie)
	require.NotNil(t, session)

	time.Sleep(2 * logFlushInterval)
	logs := d.logs.String()
	require.Contains(t, logs, `"msg":"signed in"`)
	require.Contains(t, logs, `"request_id":`)
	h5 := b.lastHop("/oauth/callback").Query()
	pc := b.lastHop("/login/callback").Query()
	for _, secret := range []string{testSessionKey, "demo-secret-", h5.Get("code"), h5.Get("state"), pc.Get("code"), pc.Get("state"), session.Value, "acc_", "utk_", "code_"} {
		require.NotEmpty(t, secret)
		require.NotContains(t, logs, secret)
		require.NotContains(t, d.stdout.String(), secret)
	}
}

func TestProbesAndMetrics(t *testing.T) {
	d := startDemoServer(t, nil)
	b := newBrowser(t)
	signInH5(t, d, b, "zhangsan")
	for path, want := range map[string]string{"/healthz": `"status":"ok"`, "/readyz": `"status":"ready"`} {
		p := b.get(d.base + path)
		require.Equal(t, http.StatusOK, p.status, path)
		require.Contains(t, p.body, want)
	}
	m := b.get(d.base + "/metrics")
	require.Equal(t, http.StatusOK, m.status)
	for _, want := range []string{
		`oauth_login_signins_total{flow="h5",result="ok"} 1`,
		`oauth_login_requests_total{route="/oauth/callback",status="302"} 1`,
		`oauth_login_wecom_calls_total{api="/cgi-bin/auth/getuserinfo",errcode="0"} 1`,
		"go_goroutines",
	} {
		require.Contains(t, m.body, want)
	}
	require.Contains(t, d.stdout.String(), d.base+"/login", "the demo prints what to open")
}

func TestSettings(t *testing.T) {
	run := func(args []string, env map[string]string) (int, string) {
		var stderr bytes.Buffer
		code := start(context.Background(), serve.Process{Args: args, Getenv: func(k string) string { return env[k] }, Stdout: io.Discard, Stderr: &stderr})
		return code, stderr.String()
	}
	code, out := run(nil, map[string]string{"LISTEN_ADDR": "127.0.0.1:0"})
	require.Equal(t, 2, code)
	for _, name := range []string{"WECOM_CORP_ID", "WECOM_AGENT_ID", "WECOM_SECRET", "PUBLIC_URL", "SESSION_KEY"} {
		require.Contains(t, out, name)
	}
	code, out = run([]string{"-public-url", "ftp://x", "-session-key", "short", "-agent-id", "x"}, map[string]string{
		"LISTEN_ADDR": "127.0.0.1:0", "WECOM_CORP_ID": "ww1", "WECOM_SECRET": "s3cret-value", "WECOM_BASE_URL": "not a url", "REDIS_URL": "mysql://x"})
	require.Equal(t, 2, code)
	for _, want := range []string{"PUBLIC_URL (-public-url)", "SESSION_KEY (-session-key): must be at least 32 bytes", "WECOM_AGENT_ID (-agent-id)", "WECOM_BASE_URL (-wecom-base-url)", "REDIS_URL (-redis-url)"} {
		require.Contains(t, out, want)
	}
	require.NotContains(t, out, "s3cret-value")
	require.NotContains(t, out, "short\"", "the session key is not echoed")
	code, _ = run([]string{"-public-url", "https://app.example.com/?x=1"}, map[string]string{"LISTEN_ADDR": "127.0.0.1:0"})
	require.Equal(t, 2, code)
	code, _ = run([]string{"-h"}, nil)
	require.Equal(t, 0, code)

	got, err := parsePublicURL("https://app.example.com/sso/")
	require.NoError(t, err)
	require.Equal(t, "https://app.example.com/sso", got)
}
