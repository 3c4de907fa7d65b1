package suite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	suiteID        = "wwsuite0000000001"
	suiteSecret    = "suite-secret-never-logged"
	cbToken        = "callbacktoken"
	aesKey         = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	providerCorpID = "wwprovider0000001"
	providerSecret = "provider-secret-never-logged"
	corpA          = "wwcorpa0000000001"
	corpB          = "wwcorpb0000000002"

	pSuiteToken = "/cgi-bin/service/get_suite_token"
	pPermanent  = "/cgi-bin/service/v2/get_permanent_code"
	pAuthInfo   = "/cgi-bin/service/v2/get_auth_info"
	pCorpToken  = "/cgi-bin/service/get_corp_token"
)

var t0 = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

var cfg = suite.Config{SuiteID: suiteID, SuiteSecret: suiteSecret, Token: cbToken, EncodingAESKey: aesKey, ProviderCorpID: providerCorpID}

type fixture struct {
	t      testing.TB
	srv    *wecomtest.Server
	clock  *wecomtest.Clock
	st     store.Store
	logs   *testutil.SyncBuffer
	log    *slog.Logger
	cb     *httptest.Server // serves the suite's command handler
	handle atomic.Pointer[http.Handler]

	mu         sync.Mutex
	authorized []string
	changed    []string
	cancelled  []string
	contacts   []string
}

// newFixture starts a fake WeCom with the suite and the provider, and a
// callback server in front of whichever Suite the test starts. Its cleanup
// proves that no secret, ticket, code or token reached the log.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: wecomtest.NewClock(t0), logs: &testutil.SyncBuffer{}}
	f.log = slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.cb = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := f.handle.Load()
		if h == nil {
			http.Error(w, "no suite running", http.StatusServiceUnavailable)
			return
		}
		(*h).ServeHTTP(w, r)
	}))
	t.Cleanup(f.cb.Close)
	f.srv = wecomtest.NewServer(wecomtest.WithClock(f.clock.Now),
		wecomtest.WithSuite(wecomtest.Suite{ID: suiteID, Secret: suiteSecret, Token: cbToken, EncodingAESKey: aesKey, CommandURL: f.cb.URL}),
		wecomtest.WithProvider(providerCorpID, providerSecret))
	t.Cleanup(f.srv.Close)
	f.st = store.NewMemory(store.WithClock(f.clock.Now))
	t.Cleanup(func() {
		logs := f.logs.String()
		for _, s := range f.secrets() {
			require.NotContains(t, logs, s, "a secret reached the log")
		}
	})
	return f
}

// secrets lists every credential the fake WeCom handed out.
func (f *fixture) secrets() []string {
	out := []string{suiteSecret, providerSecret, aesKey}
	out = append(out, f.srv.SuiteTickets(suiteID)...)
	out = append(out, f.srv.SuiteTokens(suiteID)...)
	out = append(out, f.srv.ActivationCodes()...)
	out = append(out, f.srv.ProviderTokens(providerCorpID)...)
	for _, c := range []string{corpA, corpB} {
		if pc := f.srv.PermanentCode(suiteID, c); pc != "" {
			out = append(out, pc)
		}
		out = append(out, f.srv.CorpTokens(suiteID, c)...)
	}
	return out
}

func (f *fixture) transport() *wecom.Transport {
	tr, err := wecom.NewTransport(wecom.WithBaseURL(f.srv.URL), wecom.WithBackoff(time.Millisecond, 5*time.Millisecond), wecom.WithLogger(f.log))
	require.NoError(f.t, err)
	return tr
}

// start runs a Suite on st (the fixture's store unless another is given)
// and routes the callback server to it.
func (f *fixture) start(st store.Store, opts ...suite.Option) *suite.Suite {
	f.t.Helper()
	if st == nil {
		st = f.st
	}
	all := append([]suite.Option{
		suite.WithStore(st), suite.WithEphemeralStore(),
		suite.WithTransport(f.transport()),
		suite.WithOpenBaseURL(f.srv.URL),
		suite.WithClock(f.clock.Now),
		suite.WithLogger(f.log),
		suite.WithRetryBackoff(5*time.Millisecond, 20*time.Millisecond),
		suite.OnAuthorized(func(_ context.Context, a *suite.Authorization) { f.note(&f.authorized, a.CorpID) }),
		suite.OnAuthChanged(func(_ context.Context, a *suite.Authorization) { f.note(&f.changed, a.CorpID) }),
		suite.OnAuthCancelled(func(_ context.Context, corpID string) { f.note(&f.cancelled, corpID) }),
		suite.OnContactChange(func(_ context.Context, ev *crypto.Event) { f.note(&f.contacts, ev.AuthCorpID+"/"+ev.ChangeType) }),
	}, opts...)
	s, err := suite.New(cfg, all...)
	require.NoError(f.t, err)
	f.t.Cleanup(func() { _ = s.Close() })
	h := s.CommandHandler()
	f.handle.Store(&h)
	return s
}

func (f *fixture) note(list *[]string, v string) {
	f.mu.Lock()
	*list = append(*list, v)
	f.mu.Unlock()
}

func (f *fixture) hooks(list *[]string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), *list...)
}

// settle waits until every recorded push has been handled.
func settle(t testing.TB, s *suite.Suite) {
	t.Helper()
	require.Eventually(t, func() bool {
		n, err := s.Pending(context.Background())
		return err == nil && n == 0
	}, 10*time.Second, 2*time.Millisecond, "pushes still pending")
}

func TestNewValidates(t *testing.T) {
	bolt, err := boltstore.Open(filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = bolt.Close() })
	tests := []struct {
		name string
		cfg  suite.Config
		opts []suite.Option
		want string
	}{
		{"no store", cfg, nil, "durable"},
		{"memory store", cfg, []suite.Option{suite.WithStore(store.NewMemory())}, "store.Memory"},
		{"no suite id", suite.Config{SuiteSecret: "s", Token: "t", EncodingAESKey: aesKey}, []suite.Option{suite.WithStore(bolt)}, "SuiteID"},
		{"bad key", suite.Config{SuiteID: "s", SuiteSecret: "s", Token: "t", EncodingAESKey: "short"}, []suite.Option{suite.WithStore(bolt)}, "EncodingAESKey"},
		{"no token", suite.Config{SuiteID: "s", SuiteSecret: "s", EncodingAESKey: aesKey}, []suite.Option{suite.WithStore(bolt)}, "Token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := suite.New(tt.cfg, tt.opts...)
			require.ErrorIs(t, err, suite.ErrInvalidConfig)
			require.ErrorContains(t, err, tt.want)
			require.NotContains(t, err.Error(), suiteSecret)
		})
	}
	for _, opts := range [][]suite.Option{
		{suite.WithStore(bolt)},
		{suite.WithStore(store.NewMemory()), suite.WithEphemeralStore()},
		{suite.WithEphemeralStore()},
	} {
		s, err := suite.New(cfg, opts...)
		require.NoError(t, err)
		require.NoError(t, s.Close())
	}
}

func TestSuiteTicketNewestWins(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()

	_, err := s.SuiteToken(ctx)
	require.ErrorIs(t, err, suite.ErrNoSuiteTicket)
	require.Contains(t, err.Error(), "刷新ticket", "the error says how to force a push")
	require.Zero(t, f.srv.Calls(pSuiteToken), "no call without a ticket")

	first, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	f.clock.Advance(10 * time.Minute)
	newest, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	// An older push delivered late (a WeCom retry) must not win.
	late := fmt.Sprintf("<xml><SuiteId><![CDATA[%s]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType><TimeStamp>%d</TimeStamp><SuiteTicket><![CDATA[%s]]></SuiteTicket></xml>",
		suiteID, t0.Unix(), first)
	require.NoError(t, f.srv.PushRaw(ctx, suiteID, []byte(late)))
	last, ok, err := s.LastTicket(ctx)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, t0.Add(10*time.Minute).Unix(), last.TimeStamp.Unix())

	// The first ticket is older than the newest; the suite uses the newest,
	// so a get_suite_token 25 minutes later still works even though the
	// first is then 35 minutes old.
	f.clock.Advance(25 * time.Minute)
	tok, err := s.SuiteToken(ctx)
	require.NoError(t, err)
	require.Contains(t, f.srv.SuiteTokens(suiteID), tok)
	require.NotEqual(t, first, newest)
	require.Equal(t, 1, f.srv.Calls(pSuiteToken))
	_, err = s.SuiteToken(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, f.srv.Calls(pSuiteToken), "the suite token is cached")
}

func TestSuiteTokenWithAStaleTicket(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	f.clock.Advance(31 * time.Minute) // no push since: WeCom answers 40085
	_, err = s.SuiteToken(ctx)
	require.ErrorIs(t, err, suite.ErrNoSuiteTicket)
	require.Equal(t, 40085, wecom.ErrorCode(err))
}

func TestForgedPushChangesNothing(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	body := `<xml><ToUserName><![CDATA[` + suiteID + `]]></ToUserName><Encrypt><![CDATA[bm90IHJlYWxseSBlbmNyeXB0ZWQ=]]></Encrypt></xml>`
	resp, err := http.Post(f.cb.URL+"?msg_signature=0000&timestamp=1&nonce=n", "text/xml", strings.NewReader(body))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	// Encrypted with another token: refused too.
	other, err := crypto.New("othertoken", aesKey, suiteID)
	require.NoError(t, err)
	enc, err := other.EncryptMsg([]byte("<xml><InfoType>suite_ticket</InfoType><SuiteTicket>forged</SuiteTicket><TimeStamp>9999999999</TimeStamp></xml>"), "1", "n")
	require.NoError(t, err)
	sig := extract(string(enc), "MsgSignature")
	resp, err = http.Post(f.cb.URL+"?msg_signature="+sig+"&timestamp=1&nonce=n", "text/xml", strings.NewReader(string(enc)))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	_, ok, err := s.LastTicket(ctx)
	require.NoError(t, err)
	require.False(t, ok)
	n, err := s.Pending(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

func extract(xml, elem string) string {
	_, rest, _ := strings.Cut(xml, "<"+elem+"><![CDATA[")
	v, _, _ := strings.Cut(rest, "]]>")
	return v
}

func TestCommandURLVerification(t *testing.T) {
	f := newFixture(t)
	f.start(nil)
	for _, rid := range []string{suiteID, providerCorpID} {
		mc, err := crypto.New(cbToken, aesKey, rid)
		require.NoError(t, err)
		enc, err := mc.EncryptMsg([]byte("echo-"+rid), "1700000000", "nonce")
		require.NoError(t, err)
		echostr := extract(string(enc), "Encrypt")
		q := url.Values{"msg_signature": {crypto.Signature(cbToken, "1700000000", "nonce", echostr)}, "timestamp": {"1700000000"}, "nonce": {"nonce"}, "echostr": {echostr}}
		resp, err := http.Get(f.cb.URL + "?" + q.Encode())
		require.NoError(t, err)
		var b strings.Builder
		_, _ = fmt.Fprint(&b, readAll(t, resp))
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "echo-"+rid, b.String())
	}
}

func readAll(t *testing.T, resp *http.Response) string {
	t.Helper()
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// install pushes a ticket and installs the app into corpID from the
// provider's website: the install URL, WeCom's page, the redirect with the
// auth code, Authorize.
func (f *fixture) install(s *suite.Suite, corpID string) *suite.Authorization {
	f.t.Helper()
	ctx := context.Background()
	if _, ok, _ := s.LastTicket(ctx); !ok {
		_, err := f.srv.PushSuiteTicket(ctx, suiteID)
		require.NoError(f.t, err)
	}
	f.srv.SetInstallCorp(suiteID, corpID)
	link, err := s.InstallURL(ctx, "https://provider.example.com/install/callback", "st1")
	require.NoError(f.t, err)
	require.True(f.t, strings.HasPrefix(link, f.srv.URL+"/3rdapp/install?"), link)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(link)
	require.NoError(f.t, err)
	resp.Body.Close()
	require.Equal(f.t, http.StatusFound, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(f.t, err)
	require.Equal(f.t, "provider.example.com", loc.Host)
	require.Equal(f.t, "st1", loc.Query().Get("state"))
	a, err := s.Authorize(ctx, loc.Query().Get("auth_code"))
	require.NoError(f.t, err)
	settle(f.t, s) // OnAuthorized runs on the job queue
	return a
}

func TestInstallFromWebsite(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	a := f.install(s, corpA)
	require.Equal(t, corpA, a.CorpID)
	require.NotEmpty(t, a.CorpName)
	require.Len(t, a.Agents, 1)
	require.Equal(t, f.srv.SuiteAgentID(suiteID, corpA), a.AgentID())
	require.Equal(t, f.srv.PermanentCode(suiteID, corpA), a.PermanentCode.Reveal())
	require.NotContains(t, fmt.Sprintf("%v %+v", a, *a), a.PermanentCode.Reveal(), "the permanent code never prints")
	require.Equal(t, []string{corpA}, f.hooks(&f.authorized))

	corps, err := s.Corps(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{corpA}, corps)

	// The corp client works for jssdk exactly as a self-built app's.
	c, err := s.Corp(ctx, corpA)
	require.NoError(t, err)
	require.Equal(t, corpA, c.CorpID())
	require.Equal(t, a.AgentID(), c.AgentID())
	cfg, err := jssdk.New(c).Config(ctx, "https://app.example.com/page")
	require.NoError(t, err)
	tickets := f.srv.JSAPITickets(corpA)
	require.Len(t, tickets, 1)
	require.Equal(t, jssdk.Sign(tickets[0], cfg.NonceStr, cfg.Timestamp, "https://app.example.com/page"), cfg.Signature)
	require.Equal(t, 1, f.srv.Calls(pCorpToken))

	again, err := s.Corp(ctx, corpA)
	require.NoError(t, err)
	require.Same(t, c, again)

	_, err = s.Corp(ctx, corpB)
	require.ErrorIs(t, err, suite.ErrNotAuthorized)
}

func TestAuthCodeDeliveredTwiceIsExchangedOnce(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)

	code, err := f.srv.InstallQR(ctx, suiteID, corpA, "qr") // a create_auth push
	require.NoError(t, err)
	a, err := s.Authorize(ctx, code) // and the same code on a redirect
	require.NoError(t, err)
	require.Equal(t, corpA, a.CorpID)
	require.NoError(t, f.srv.PushCreateAuth(ctx, suiteID, code, "qr")) // a WeCom retry
	settle(t, s)

	require.Equal(t, 1, f.srv.Calls(pPermanent), "one exchange")
	require.Equal(t, []string{corpA}, f.hooks(&f.authorized), "OnAuthorized once")
	got, err := s.AuthInfo(ctx, corpA)
	require.NoError(t, err)
	require.Equal(t, a.PermanentCode, got.PermanentCode)
}

func TestQRInstallByPush(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	_, err = f.srv.InstallQR(ctx, suiteID, corpB, "fromqr")
	require.NoError(t, err)
	settle(t, s)
	a, err := s.AuthInfo(ctx, corpB)
	require.NoError(t, err)
	require.Equal(t, "fromqr", a.State)
	require.Equal(t, f.srv.PermanentCode(suiteID, corpB), a.PermanentCode.Reveal())
	require.Equal(t, []string{corpB}, f.hooks(&f.authorized))
}

func TestCreateAuthWhileWeComIsDown(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	// WeCom busy for the first two handlings (each retried by the client).
	f.srv.FailNext(pPermanent, 8, -1)
	_, err = f.srv.InstallQR(ctx, suiteID, corpA, "x")
	require.NoError(t, err, "the push is answered at once")
	settle(t, s)
	_, err = s.AuthInfo(ctx, corpA)
	require.NoError(t, err)
	require.Equal(t, []string{corpA}, f.hooks(&f.authorized))
}

func TestRestartFinishesAnAnsweredPush(t *testing.T) {
	f := newFixture(t)
	path := filepath.Join(t.TempDir(), "suite.db")
	bolt, err := boltstore.Open(path, boltstore.WithClock(f.clock.Now))
	require.NoError(t, err)
	s := f.start(bolt)
	ctx := context.Background()
	_, err = f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)

	// WeCom is down: the push is answered and recorded, not handled.
	f.srv.Inject(pPermanent, 1000, wecomtest.Fault{Status: http.StatusBadGateway})
	_, err = f.srv.InstallQR(ctx, suiteID, corpA, "x")
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, bolt.Close())
	f.handle.Store(nil)

	// A new process on the same file, with WeCom back.
	f.srv.ClearFaults()
	bolt, err = boltstore.Open(path, boltstore.WithClock(f.clock.Now))
	require.NoError(t, err)
	t.Cleanup(func() { _ = bolt.Close() })
	s2 := f.start(bolt)
	settle(t, s2)
	_, err = s2.AuthInfo(ctx, corpA)
	require.NoError(t, err)
	tok, err := s2.SuiteToken(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, tok)
	c, err := s2.Corp(ctx, corpA)
	require.NoError(t, err)
	_, err = c.AccessToken(ctx)
	require.NoError(t, err)
}

func TestCancelAuth(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.install(s, corpA)
	c, err := s.Corp(ctx, corpA)
	require.NoError(t, err)
	_, err = jssdk.New(c).Config(ctx, "https://app.example.com/")
	require.NoError(t, err)

	require.NoError(t, f.srv.PushCancelAuth(ctx, suiteID, corpA))
	// Effective before the answer.
	_, err = s.Corp(ctx, corpA)
	require.ErrorIs(t, err, suite.ErrNotAuthorized)
	settle(t, s)
	require.Equal(t, []string{corpA}, f.hooks(&f.cancelled))
	corps, err := s.Corps(ctx)
	require.NoError(t, err)
	require.Empty(t, corps)
	for _, k := range []string{
		"suite:" + suiteID + ":corp:" + corpA + ":permanent_code",
		"suite:" + suiteID + ":corp:" + corpA + ":auth",
		"suite:" + suiteID + ":corp:" + corpA + ":access_token",
		"suite:" + suiteID + ":jsapi_ticket:" + corpA,
	} {
		_, ok, err := f.st.Get(ctx, k)
		require.NoError(t, err)
		require.False(t, ok, "%s still stored", k)
	}
	// A duplicate cancel is harmless.
	require.NoError(t, f.srv.PushCancelAuth(ctx, suiteID, corpA))
	settle(t, s)
	require.Equal(t, []string{corpA}, f.hooks(&f.cancelled))
}

func TestChangeAuthAndContact(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.install(s, corpA)
	require.NoError(t, f.srv.PushChangeAuth(ctx, suiteID, corpA))
	require.NoError(t, f.srv.PushChangeContact(ctx, suiteID, corpA, "update_user", "zhangsan"))
	settle(t, s)
	require.Equal(t, []string{corpA}, f.hooks(&f.changed))
	require.Equal(t, []string{corpA + "/update_user"}, f.hooks(&f.contacts))
}

func TestCorpWarmDoesNotAllocate(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	f.install(s, corpA)
	ctx := context.Background()
	_, err := s.Corp(ctx, corpA)
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(1000, func() { _, _ = s.Corp(ctx, corpA) })
	require.Zero(t, allocs)
}

func TestUserInfo3rdAndAdmins(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.install(s, corpA)

	info, err := s.UserInfo3rd(ctx, f.srv.NewCode3rd(suiteID, corpA, "zhangsan"))
	require.NoError(t, err)
	require.True(t, info.IsMember())
	require.Equal(t, corpA, info.CorpID)
	require.Equal(t, "zhangsan", info.UserID)

	require.NotEmpty(t, info.UserTicket)
	require.NotContains(t, fmt.Sprintf("%v %+v", info, *info), info.UserTicket.Reveal())
	detail, err := s.UserDetail3rd(ctx, info.UserTicket)
	require.NoError(t, err)
	require.Equal(t, "zhangsan", detail.UserID)
	require.Equal(t, corpA, detail.CorpID)

	visitor, err := s.UserInfo3rd(ctx, f.srv.NewNonMemberCode3rd(suiteID, corpA, "o-visitor"))
	require.NoError(t, err)
	require.False(t, visitor.IsMember())
	require.Equal(t, "o-visitor", visitor.OpenID)

	_, err = s.UserInfo3rd(ctx, "used-or-wrong")
	require.Equal(t, 40029, wecom.ErrorCode(err))

	agent := f.srv.SuiteAgentID(suiteID, corpA)
	f.srv.SetAdmins(corpA, agent, []wecomtest.Admin{{UserID: "zhangsan", AuthType: 1}})
	admins, err := s.AdminList(ctx, corpA, agent)
	require.NoError(t, err)
	require.Equal(t, []suite.Admin{{UserID: "zhangsan", AuthType: 1}}, admins)
	_, err = s.AdminList(ctx, corpB, agent)
	require.ErrorIs(t, err, suite.ErrNotAuthorized)
}

func TestUserInfo3rdLegacyKeys(t *testing.T) {
	var u suite.UserInfo3rd
	require.NoError(t, json.Unmarshal([]byte(`{"errcode":0,"CorpId":"wwc","UserId":"u1","DeviceId":"d","user_ticket":"tk"}`), &u))
	require.Equal(t, suite.UserInfo3rd{CorpID: "wwc", UserID: "u1", DeviceID: "d", UserTicket: "tk"}, u)
	require.NoError(t, json.Unmarshal([]byte(`{"errcode":0,"OpenId":"o1"}`), &u))
	require.Equal(t, suite.UserInfo3rd{OpenID: "o1"}, u)
	require.Error(t, json.Unmarshal([]byte(`[1]`), &u))
}

func TestProvider(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := suite.NewProvider(providerCorpID, providerSecret, suite.WithTransport(f.transport()), suite.WithClock(f.clock.Now), suite.WithLogger(f.log))
	require.NoError(t, err)
	tok, err := p.Token(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, tok)

	info, err := p.LoginInfo(ctx, f.srv.NewLoginCode(corpA, "lisi"))
	require.NoError(t, err)
	require.Equal(t, "lisi", info.User.UserID)
	require.Equal(t, corpA, info.Corp.CorpID)
	_, err = p.LoginInfo(ctx, "")
	require.ErrorIs(t, err, suite.ErrInvalidArgument)

	_, err = suite.NewProvider("", "x")
	require.ErrorIs(t, err, suite.ErrInvalidConfig)

	s := f.start(nil, suite.WithProvider(p))
	_, _, err = s.CustomizedAuthURL(ctx, "bad state!", []string{"dk1"})
	require.ErrorIs(t, err, suite.ErrInvalidArgument)
	_, _, err = f.start(nil).CustomizedAuthURL(ctx, "ok", []string{"dk1"})
	require.ErrorIs(t, err, suite.ErrInvalidConfig)
}

func TestInstallURLValidates(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	_, err := s.InstallURL(ctx, "https://p.example.com/cb", "not-alnum")
	require.ErrorIs(t, err, suite.ErrInvalidArgument)
	_, err = s.InstallURL(ctx, "/relative", "ok")
	require.ErrorIs(t, err, suite.ErrInvalidArgument)
	_, err = s.InstallURL(ctx, "https://p.example.com/cb", "ok")
	require.ErrorIs(t, err, suite.ErrNoSuiteTicket, "a pre-auth code needs the suite token")
	_, err = s.Authorize(ctx, "")
	require.ErrorIs(t, err, suite.ErrInvalidArgument)
	_, err = f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	_, err = s.Authorize(ctx, "never-issued")
	require.ErrorIs(t, err, suite.ErrAuthCodeUsed)
	link, err := s.InstallURL(ctx, "https://p.example.com/cb?x=1", "ok", suite.TestInstall())
	require.NoError(t, err)
	u, err := url.Parse(link)
	require.NoError(t, err)
	require.Equal(t, "https://p.example.com/cb?x=1", u.Query().Get("redirect_uri"), "encoded exactly once")
	require.Equal(t, suiteID, u.Query().Get("suite_id"))
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/service/set_session_info"))
}

func TestDuplicatePushIsOneJob(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.install(s, corpA)
	push := fmt.Sprintf("<xml><SuiteId><![CDATA[%s]]></SuiteId><InfoType><![CDATA[change_contact]]></InfoType><TimeStamp>%d</TimeStamp><AuthCorpId><![CDATA[%s]]></AuthCorpId><ChangeType><![CDATA[create_user]]></ChangeType><UserID><![CDATA[u1]]></UserID></xml>",
		suiteID, t0.Unix(), corpA)
	// Stop the workers from keeping up: both copies arrive before either is handled.
	for range 3 {
		require.NoError(t, f.srv.PushRaw(ctx, suiteID, []byte(push)))
	}
	settle(t, s)
	require.Equal(t, []string{corpA + "/create_user"}, f.hooks(&f.contacts))
}

func TestStaleCancelDoesNotUndoAReinstall(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.install(s, corpA)
	f.clock.Advance(time.Minute)
	old := fmt.Sprintf("<xml><SuiteId><![CDATA[%s]]></SuiteId><InfoType><![CDATA[cancel_auth]]></InfoType><TimeStamp>%d</TimeStamp><AuthCorpId><![CDATA[%s]]></AuthCorpId></xml>",
		suiteID, t0.Add(-time.Hour).Unix(), corpA)
	require.NoError(t, f.srv.PushRaw(ctx, suiteID, []byte(old)))
	settle(t, s)
	_, err := s.Corp(ctx, corpA)
	require.NoError(t, err, "a cancel sent before the install is stale")
	require.Empty(t, f.hooks(&f.cancelled))
}

func TestCustomizedAppResetPermanentCode(t *testing.T) {
	f := newFixture(t)
	const dk = "dktemplate0000001"
	f.srv.AddSuite(wecomtest.Suite{ID: dk, Secret: "dk-secret", Token: cbToken, EncodingAESKey: aesKey, CommandURL: f.cb.URL, Customized: true})
	c := cfg
	c.SuiteID, c.SuiteSecret = dk, "dk-secret"
	s, err := suite.New(c, suite.WithStore(f.st), suite.WithEphemeralStore(), suite.WithTransport(f.transport()),
		suite.WithClock(f.clock.Now), suite.WithLogger(f.log), suite.WithRetryBackoff(5*time.Millisecond, 20*time.Millisecond),
		suite.OnAuthChanged(func(_ context.Context, a *suite.Authorization) { f.note(&f.changed, a.CorpID) }))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	h := s.CommandHandler()
	f.handle.Store(&h)
	ctx := context.Background()
	_, err = f.srv.PushSuiteTicket(ctx, dk)
	require.NoError(t, err)
	a, err := s.Authorize(ctx, f.srv.NewAuthCode(dk, corpA, "s"))
	require.NoError(t, err)
	require.True(t, a.Customized)
	corp, err := s.Corp(ctx, corpA)
	require.NoError(t, err)
	_, err = corp.AccessToken(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/gettoken"), "代开发: gettoken with the permanent code")
	require.Zero(t, f.srv.Calls(pCorpToken))

	before := f.srv.PermanentCode(dk, corpA)
	_, err = f.srv.PushResetPermanentCode(ctx, dk, corpA)
	require.NoError(t, err)
	settle(t, s)
	after := f.srv.PermanentCode(dk, corpA)
	require.NotEqual(t, before, after)
	got, err := s.AuthInfo(ctx, corpA)
	require.NoError(t, err)
	require.Equal(t, after, got.PermanentCode.Reveal())
	require.Equal(t, suite.InstallWebsite, got.Source, "a reset keeps the install source")
	require.Equal(t, []string{corpA}, f.hooks(&f.changed))
	corp, err = s.Corp(ctx, corpA)
	require.NoError(t, err)
	_, err = corp.AccessToken(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/gettoken"), "a token from the new code")
}

func TestTwoInstancesShareOneTicket(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := f.start(nil) // receives the push
	_, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	b, err := suite.New(cfg, suite.WithStore(f.st), suite.WithEphemeralStore(), suite.WithTransport(f.transport()), suite.WithClock(f.clock.Now))
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	ta, err := a.SuiteToken(ctx)
	require.NoError(t, err)
	tb, err := b.SuiteToken(ctx)
	require.NoError(t, err)
	require.Equal(t, ta, tb)
	require.Equal(t, 1, f.srv.Calls(pSuiteToken))
}
