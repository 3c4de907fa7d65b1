package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/suite/license"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// inproc is the server's handler in the test process, against wecomtest,
// on a memory store.
type inproc struct {
	srv  *wecomtest.Server
	a    *app
	hs   *httptest.Server
	logs *testutil.SyncBuffer
}

func testConfig(srv *wecomtest.Server) config {
	return config{
		SuiteID: testSuiteID, SuiteSecret: testSuiteSecret, Token: testToken, EncodingAESKey: testAESKey,
		ProviderCorpID: testProviderCorpID, ProviderSecret: testProviderSecret,
		BaseURL: srv.URL, OpenBaseURL: srv.URL,
	}
}

func newInproc(tb testing.TB, edit func(*config), st store.Store) *inproc {
	tb.Helper()
	f := &inproc{logs: &testutil.SyncBuffer{}}
	f.srv = wecomtest.NewServer(
		wecomtest.WithSuite(wecomtest.Suite{ID: testSuiteID, Secret: testSuiteSecret, Token: testToken, EncodingAESKey: testAESKey}),
		wecomtest.WithProvider(testProviderCorpID, testProviderSecret))
	tb.Cleanup(f.srv.Close)
	cfg := testConfig(f.srv)
	if edit != nil {
		edit(&cfg)
	}
	if st == nil {
		st = store.NewMemory()
	}
	a, err := newApp(cfg, st, "memory", accesslog.NewLogger(f.logs, slog.LevelInfo),
		suite.WithEphemeralStore(), suite.WithRetryBackoff(5*time.Millisecond, 20*time.Millisecond))
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = a.Close() })
	f.a = a
	f.hs = httptest.NewServer(a.handler)
	tb.Cleanup(f.hs.Close)
	f.srv.SetCommandURL(testSuiteID, f.hs.URL+"/callback/command")
	return f
}

// install pushes a ticket and installs corpID by QR code, waiting for the
// exchange.
func (f *inproc) install(tb testing.TB, corpID string) {
	tb.Helper()
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(tb, err)
	_, err = f.srv.InstallQR(ctx, testSuiteID, corpID, "t")
	require.NoError(tb, err)
	require.Eventually(tb, func() bool {
		_, err := f.a.suite.AuthInfo(ctx, corpID)
		return err == nil
	}, deadline, pollEvery)
	// The code is stored at once; the details and OnAuthorized follow on
	// the job queue.
	require.Eventually(tb, func() bool {
		n, err := f.a.suite.Pending(ctx)
		return err == nil && n == 0
	}, deadline, pollEvery)
}

func TestSignAnswers(t *testing.T) {
	f := newInproc(t, nil, nil)
	f.install(t, corpA)
	checkSign(t, f.srv, f.hs.URL, corpA)

	for _, tc := range []struct {
		query  string
		status int
		err    string
	}{
		{"", 400, "missing parameter: corpid"},
		{"corpid=" + corpA, 400, "missing parameter: url"},
		{"corpid=" + corpA + "&corpid=x&url=https://a.com/", 400, "parameter given more than once: corpid"},
		{"corpid=" + corpA + "&url=https://a.com/&url=https://b.com/", 400, "parameter given more than once: url"},
		{"corpid=%3Cscript%3E&url=https://a.com/", 400, "corpid must be up to 64 letters, digits, '-' or '_'"},
		{"corpid=" + strings.Repeat("w", 65) + "&url=https://a.com/", 400, "corpid must be up to 64 letters, digits, '-' or '_'"},
		{"corpid=" + corpA + "&url=" + url.QueryEscape("ftp://a.com/"), 400, "url must be the page's absolute http(s) URL"},
		{"corpid=" + corpA + "&url=" + url.QueryEscape("/relative"), 400, "url must be the page's absolute http(s) URL"},
		{"corpid=" + corpA + "&url=https://a.com/" + strings.Repeat("a", maxPageURL), 400, "url longer than 4096 bytes"},
		{"corpid=" + corpA + "&url=%zz", 400, "malformed query string"},
		{"corpid=wwunknown&url=https://a.com/", 404, "corporation has not installed the app"},
	} {
		status, body := get(t, f.hs.URL+"/sign?"+tc.query)
		require.Equal(t, tc.status, status, tc.query)
		require.JSONEq(t, `{"error":`+strconv.Quote(tc.err)+`}`, body, tc.query)
	}
}

// WeCom failing while a cold corp's ticket is fetched is a 502 with a JSON
// error that quotes nothing from WeCom; the next request succeeds.
func TestSignWeComFailure(t *testing.T) {
	f := newInproc(t, nil, nil)
	f.install(t, corpA)
	f.srv.Inject(pJSAPI, -1, wecomtest.Fault{Status: http.StatusBadGateway}) // retries included
	status, body := get(t, signURL(f.hs.URL, corpA, testPage))
	require.Equal(t, http.StatusBadGateway, status)
	require.JSONEq(t, `{"error":"WeCom could not be reached"}`, body)
	f.srv.ClearFaults()
	f.srv.FailNext(pAgentTkt, -1, 40001)
	status, body = get(t, signURL(f.hs.URL, corpA, testPage))
	require.Equal(t, http.StatusBadGateway, status)
	require.JSONEq(t, `{"error":"WeCom returned errcode 40001"}`, body)
	f.srv.ClearFaults()
	checkSign(t, f.srv, f.hs.URL, corpA)
}

// One signer per corp client: warm /sign reuses it; a reinstall after a
// cancel (a new client) gets a new one.
func TestSignerCachedPerCorpClient(t *testing.T) {
	f := newInproc(t, nil, nil)
	f.install(t, corpA)
	ctx := context.Background()
	s1, err := f.a.signer(ctx, corpA)
	require.NoError(t, err)
	s2, err := f.a.signer(ctx, corpA)
	require.NoError(t, err)
	require.Same(t, s1, s2)

	require.NoError(t, f.srv.PushCancelAuth(ctx, testSuiteID, corpA))
	_, err = f.a.signer(ctx, corpA)
	require.ErrorIs(t, err, suite.ErrNotAuthorized)

	_, err = f.srv.InstallQR(ctx, testSuiteID, corpA, "again")
	require.NoError(t, err)
	require.Eventually(t, func() bool { _, err := f.a.signer(ctx, corpA); return err == nil }, deadline, pollEvery)
	s3, err := f.a.signer(ctx, corpA)
	require.NoError(t, err)
	require.NotSame(t, s1, s3)
	checkSign(t, f.srv, f.hs.URL, corpA)
}

// The install callback refuses a redirect this browser did not start, a
// forged or expired state, and a missing code, without calling WeCom.
func TestInstallCallbackChecksState(t *testing.T) {
	f := newInproc(t, nil, nil)
	_, err := f.srv.PushSuiteTicket(context.Background(), testSuiteID)
	require.NoError(t, err)
	code := f.srv.NewAuthCode(testSuiteID, corpA, "x")
	goodBinding := "b1"
	state := f.a.states.Issue(goodBinding)
	call := func(cookie, q string) (int, string) {
		req := httptest.NewRequest(http.MethodGet, "/install/callback?"+q, nil)
		if cookie != "" {
			req.AddCookie(&http.Cookie{Name: installCookie, Value: cookie})
		}
		rec := httptest.NewRecorder()
		f.a.handler.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String()
	}
	q := url.Values{"auth_code": {code}, "state": {state}}
	for _, tc := range []struct{ cookie, query, want string }{
		{"", q.Encode(), "did not start an install here"},
		{"other-browser", q.Encode(), "does not match this browser"},
		{goodBinding, url.Values{"auth_code": {code}, "state": {"abc123"}}.Encode(), "does not match this browser"},
		{goodBinding, url.Values{"state": {state}}.Encode(), "no auth_code"},
	} {
		status, body := call(tc.cookie, tc.query)
		require.Equal(t, http.StatusBadRequest, status)
		require.Contains(t, body, tc.want)
	}
	require.Zero(t, f.srv.Calls(pPermanent), "nothing reached WeCom")

	status, body := call(goodBinding, q.Encode())
	require.Equal(t, http.StatusOK, status, body)
	require.Contains(t, body, "Corp "+corpA)
	// The code is spent: a reload is the same page (Authorize is
	// idempotent), a stranger's code is refused.
	status, _ = call(goodBinding, q.Encode())
	require.Equal(t, http.StatusOK, status)
	status, body = call(goodBinding, url.Values{"auth_code": {"auc_unknown"}, "state": {state}}.Encode())
	require.Equal(t, http.StatusBadRequest, status)
	require.Contains(t, body, "expired or was used elsewhere")
}

// /install sets the binding cookie (HttpOnly, Lax, for /install only) and
// redirects to the install page with a state WeCom accepts; PUBLIC_URL
// decides the redirect URI and makes the cookie Secure.
func TestInstallRedirect(t *testing.T) {
	f := newInproc(t, func(c *config) { c.PublicURL = "https://suite.example.com" }, nil)
	req := httptest.NewRequest(http.MethodGet, "/install", nil)
	rec := httptest.NewRecorder()
	f.a.handler.ServeHTTP(rec, req)
	require.Equal(t, http.StatusServiceUnavailable, rec.Code, "no ticket yet")
	require.Contains(t, rec.Body.String(), "No suite_ticket yet")

	_, err := f.srv.PushSuiteTicket(context.Background(), testSuiteID)
	require.NoError(t, err)
	rec = httptest.NewRecorder()
	f.a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/install?test=1", nil))
	require.Equal(t, http.StatusFound, rec.Code)
	loc, err := url.Parse(rec.Header().Get("Location"))
	require.NoError(t, err)
	require.Equal(t, "/3rdapp/install", loc.Path)
	require.Equal(t, "https://suite.example.com/install/callback", loc.Query().Get("redirect_uri"))
	state := loc.Query().Get("state")
	require.Regexp(t, `^[0-9a-f]{1,128}$`, state)
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/service/set_session_info"), "a test install")
	cookies := rec.Result().Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	require.Equal(t, installCookie, c.Name)
	require.True(t, c.HttpOnly)
	require.True(t, c.Secure)
	require.Equal(t, http.SameSiteLaxMode, c.SameSite)
	require.Equal(t, "/install", c.Path)
	require.NoError(t, f.a.states.Check(state, c.Value))
}

// The pages escape what WeCom says about the corporation.
func TestPageEscapes(t *testing.T) {
	rec := httptest.NewRecorder()
	page(rec, http.StatusOK, "Installed", "", &suite.Authorization{CorpID: "ww1", CorpName: `<script>alert("x")</script>`,
		Agents: []suite.Agent{{AgentID: 1000001}}})
	require.NotContains(t, rec.Body.String(), "<script>")
	require.Contains(t, rec.Body.String(), "&lt;script&gt;")
	require.Contains(t, rec.Body.String(), "1000001")
}

func TestOAuthCallback(t *testing.T) {
	f := newInproc(t, nil, nil)
	f.install(t, corpA)
	status, body := get(t, f.hs.URL+"/oauth/callback?code="+f.srv.NewCode3rd(testSuiteID, corpA, "zhangsan"))
	require.Equal(t, http.StatusOK, status, body)
	var m map[string]string
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	require.Equal(t, corpA, m["corpid"])
	require.Equal(t, "zhangsan", m["userid"])
	require.NotEmpty(t, m["open_userid"])

	status, body = get(t, f.hs.URL+"/oauth/callback?code="+f.srv.NewNonMemberCode3rd(testSuiteID, corpA, "o-visitor"))
	require.Equal(t, http.StatusOK, status, body)
	require.JSONEq(t, `{"openid":"o-visitor"}`, body)

	code := f.srv.NewCode3rd(testSuiteID, corpA, "lisi")
	status, _ = get(t, f.hs.URL+"/oauth/callback?code="+code)
	require.Equal(t, http.StatusOK, status)
	status, body = get(t, f.hs.URL+"/oauth/callback?code="+code)
	require.Equal(t, http.StatusBadRequest, status, "single use")
	require.JSONEq(t, `{"error":"code invalid, expired or already used"}`, body)
	status, _ = get(t, f.hs.URL+"/oauth/callback")
	require.Equal(t, http.StatusBadRequest, status)
}

func TestProviderLogin(t *testing.T) {
	f := newInproc(t, nil, nil)
	status, body := get(t, f.hs.URL+"/provider/login?auth_code="+f.srv.NewLoginCode(corpA, "zhangsan"))
	require.Equal(t, http.StatusOK, status, body)
	var m map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &m))
	require.Equal(t, corpA, m["corpid"])
	require.Equal(t, "zhangsan", m["userid"])
	status, body = get(t, f.hs.URL+"/provider/login?auth_code=lgc_unknown")
	require.Equal(t, http.StatusBadRequest, status, body)

	without := newInproc(t, func(c *config) { c.ProviderCorpID, c.ProviderSecret = "", "" }, nil)
	status, body = get(t, without.hs.URL+"/provider/login?auth_code=x")
	require.Equal(t, http.StatusNotFound, status)
	require.JSONEq(t, `{"error":"provider login is not configured (PROVIDER_CORP_ID, PROVIDER_SECRET)"}`, body)
}

// The data callback takes pushes encrypted for an authorized corp, logs
// the event type and corp, and answers "success"; other corps are refused.
func TestDataCallback(t *testing.T) {
	f := newInproc(t, nil, nil)
	f.install(t, corpA)
	plain := []byte("<xml><ToUserName><![CDATA[" + corpA + "]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><AgentID>1000001</AgentID></xml>")
	status, body := postEncrypted(t, f.hs.URL+"/callback/data", corpA, plain)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "success", body)
	require.Eventually(t, func() bool {
		return strings.Contains(f.logs.String(), `"msg":"data callback","corpid":"`+corpA+`","msg_type":"event","event":"enter_agent","agentid":1000001`)
	}, deadline, pollEvery)

	status, _ = postEncrypted(t, f.hs.URL+"/callback/data", corpB, plain)
	require.Equal(t, http.StatusBadRequest, status, "a corp that has not installed the app")
}

// postEncrypted posts plain as WeCom would, encrypted and signed with the
// suite's callback settings for receiveID.
func postEncrypted(t *testing.T, target, receiveID string, plain []byte) (int, string) {
	t.Helper()
	return postEncryptedWith(t, target, testToken, testAESKey, receiveID, plain)
}

// postEncryptedWith is postEncrypted with the given callback Token and
// EncodingAESKey.
func postEncryptedWith(t *testing.T, target, token, aesKey, receiveID string, plain []byte) (int, string) {
	t.Helper()
	mc, err := crypto.New(token, aesKey, receiveID)
	require.NoError(t, err)
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "98765"
	env, err := mc.EncryptMsg(plain, ts, nonce)
	require.NoError(t, err)
	sig := regexp.MustCompile(`<MsgSignature><!\[CDATA\[([0-9a-f]+)\]\]>`).FindSubmatch(env)
	require.NotNil(t, sig)
	q := url.Values{"msg_signature": {string(sig[1])}, "timestamp": {ts}, "nonce": {nonce}}
	resp, err := http.Post(target+"?"+q.Encode(), "text/xml", strings.NewReader(string(env)))
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// failingStore is a memory store that can fail: broken, it answers
// nothing (every read and write fails); read-only, it reads but refuses
// every write, as a full disk or a Redis replica would.
type failingStore struct {
	*store.Memory
	broken, readOnly atomic.Bool
}

func (s *failingStore) Get(ctx context.Context, key string) (string, bool, error) {
	if s.broken.Load() {
		return "", false, errors.New("store down")
	}
	return s.Memory.Get(ctx, key)
}

func (s *failingStore) IndexLen(ctx context.Context, index string) (int64, error) {
	if s.broken.Load() {
		return 0, errors.New("store down")
	}
	return s.Memory.IndexLen(ctx, index)
}

func (s *failingStore) IndexRange(ctx context.Context, index string, max int64, limit int) ([]store.Scored, error) {
	if s.broken.Load() {
		return nil, errors.New("store down")
	}
	return s.Memory.IndexRange(ctx, index, max, limit)
}

// write fails when the store takes no writes.
func (s *failingStore) write() error {
	switch {
	case s.broken.Load():
		return errors.New("store down")
	case s.readOnly.Load():
		return errors.New("READONLY You can't write against a read only replica.")
	}
	return nil
}

func (s *failingStore) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if err := s.write(); err != nil {
		return err
	}
	return s.Memory.Set(ctx, key, value, ttl)
}

func (s *failingStore) Add(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	if err := s.write(); err != nil {
		return false, err
	}
	return s.Memory.Add(ctx, key, value, ttl)
}

func (s *failingStore) Delete(ctx context.Context, key string) error {
	if err := s.write(); err != nil {
		return err
	}
	return s.Memory.Delete(ctx, key)
}

func (s *failingStore) CompareAndDelete(ctx context.Context, key, old string) (bool, error) {
	if err := s.write(); err != nil {
		return false, err
	}
	return s.Memory.CompareAndDelete(ctx, key, old)
}

func (s *failingStore) IndexAdd(ctx context.Context, index, member string, score int64) (bool, error) {
	if err := s.write(); err != nil {
		return false, err
	}
	return s.Memory.IndexAdd(ctx, index, member, score)
}

func (s *failingStore) IndexSet(ctx context.Context, index, member string, score int64) error {
	if err := s.write(); err != nil {
		return err
	}
	return s.Memory.IndexSet(ctx, index, member, score)
}

func (s *failingStore) IndexRemove(ctx context.Context, index, member string) error {
	if err := s.write(); err != nil {
		return err
	}
	return s.Memory.IndexRemove(ctx, index, member)
}

func TestReadyz(t *testing.T) {
	fs := &failingStore{Memory: store.NewMemory()}
	f := newInproc(t, nil, fs)
	r := getReadyz(t, f.hs.URL)
	require.Equal(t, "degraded", r.Status, "no suite_ticket yet")
	require.Contains(t, r.SuiteTicket.Reason, "no suite_ticket")
	require.False(t, r.SuiteTicket.Stored)
	_, err := f.srv.PushSuiteTicket(context.Background(), testSuiteID)
	require.NoError(t, err)
	r = getReadyz(t, f.hs.URL)
	require.Equal(t, "ready", r.Status)
	require.Empty(t, r.SuiteTicket.Reason)
	require.True(t, r.SuiteTicket.Stored)
	require.True(t, r.SuiteTicket.Fresh)
	require.LessOrEqual(t, r.SuiteTicket.AgeSeconds, int64(5))
	_, err = time.Parse(time.RFC3339, r.SuiteTicket.IssuedAt)
	require.NoError(t, err)

	// Reads work, writes fail: every push answered now would be lost.
	fs.readOnly.Store(true)
	status, body := get(t, f.hs.URL+"/readyz")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.JSONEq(t, `{"status":"not ready","store":"memory","cause":"the store refuses writes"}`, body)
	require.Error(t, f.srv.PushChangeContact(context.Background(), testSuiteID, corpA, "create_user", "u1"),
		"a push the store cannot record is not answered success: WeCom sends it again")
	fs.readOnly.Store(false)
	require.Equal(t, "ready", getReadyz(t, f.hs.URL).Status, "ready again once the store takes writes")

	fs.broken.Store(true)
	status, body = get(t, f.hs.URL+"/readyz")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.JSONEq(t, `{"status":"not ready","store":"memory","cause":"the store does not answer"}`, body)
	status, _ = get(t, f.hs.URL+"/healthz")
	require.Equal(t, http.StatusOK, status, "liveness does not depend on the store")
	fs.broken.Store(false)

	logs := f.logs.String()
	require.Contains(t, logs, `"msg":"not ready: the store refuses writes"`)
	require.Contains(t, logs, `"msg":"not ready: the store does not answer"`)
}

func TestMetrics(t *testing.T) {
	f := newInproc(t, nil, nil)
	f.install(t, corpA)
	checkSign(t, f.srv, f.hs.URL, corpA)
	get(t, f.hs.URL+"/no/such/route")
	// A signed push with no InfoType can never be handled; a suite_ticket
	// stamped an hour ahead is refused. Both are answered "success".
	ctx := context.Background()
	require.NoError(t, f.srv.PushRaw(ctx, testSuiteID, []byte("<xml><SuiteId><![CDATA["+testSuiteID+"]]></SuiteId></xml>")))
	require.NoError(t, f.srv.PushRaw(ctx, testSuiteID, ticketXML("tkt_future_never_logged_01", time.Now().Add(time.Hour).Unix())))
	status, body := get(t, f.hs.URL+"/metrics")
	require.Equal(t, http.StatusOK, status)
	for _, want := range []string{
		`suite_server_requests_total{route="/sign",status="200"} 1`,
		`suite_server_requests_total{route="/callback/command",status="200"} 4`,
		`suite_server_requests_total{route="other",status="404"} 1`,
		`suite_server_wecom_calls_total{api="/cgi-bin/service/v2/get_permanent_code",errcode="0"} 1`,
		`suite_server_events_total{event="authorized"} 1`,
		`suite_server_authorized_corps 1`,
		`suite_server_pending_pushes 0`,
		`suite_server_suite_ticket_age_seconds `,
		`go_goroutines `,
		// The suite's counters (suite.Stats).
		`suite_server_unhandleable_pushes_total 1`,
		`suite_server_refused_tickets_total 1`,
		`suite_server_lost_installs_total 0`,
		`suite_server_dropped_tickets_total 0`,
		`suite_server_cancelled_installs_total 0`,
		`suite_server_jobs_added_total 1`,
		`suite_server_jobs_done_total 1`,
		`suite_server_jobs_duplicates_total 0`,
		`suite_server_jobs_retried_total 0`,
		`suite_server_jobs_dropped_total 0`,
		`suite_server_jobs_slow_starts_total 0`,
		`suite_server_store_write_errors_total 0`,
		`suite_server_store_last_write_error_timestamp_seconds 0`,
		"# TYPE suite_server_lost_installs_total counter",
	} {
		require.Contains(t, body, want)
	}
}

// Every log line is JSON with fields of bounded size; the query (codes,
// states) never appears; a caller's sane X-Request-Id is kept.
func TestAccessLog(t *testing.T) {
	f := newInproc(t, nil, nil)
	long := "/" + strings.Repeat("x", 10000)
	req, err := http.NewRequest(http.MethodGet, f.hs.URL+long+"?auth_code=secretcode123", nil)
	require.NoError(t, err)
	req.Header.Set("X-Request-Id", "caller-id-1")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, "caller-id-1", resp.Header.Get("X-Request-Id"))
	get(t, f.hs.URL+"/oauth/callback?code=c3d_notacode")
	require.Eventually(t, func() bool { return strings.Count(f.logs.String(), `"msg":"request"`) >= 2 }, deadline, pollEvery)
	logs := f.logs.String()
	require.NotContains(t, logs, "secretcode123")
	require.NotContains(t, logs, "c3d_notacode")
	var found bool
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), sc.Text())
		require.Less(t, len(sc.Bytes()), 2*accesslog.MaxField+512, "bounded line")
		if m["request_id"] == "caller-id-1" {
			found = true
			require.Equal(t, "other", m["route"])
			require.Contains(t, m["path"], "more bytes]")
		}
	}
	require.True(t, found)
}

// Pushes for a suite id the server does not have are refused by the
// crypto layer (another receive id), and a GET URL verification works
// with the suite id.
func TestCommandURLVerification(t *testing.T) {
	f := newInproc(t, nil, nil)
	mc, err := crypto.New(testToken, testAESKey, testSuiteID)
	require.NoError(t, err)
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "1"
	env, err := mc.EncryptMsg([]byte("echo-12345"), ts, nonce)
	require.NoError(t, err)
	enc := regexp.MustCompile(`<Encrypt><!\[CDATA\[([^\]]+)\]\]>`).FindSubmatch(env)
	require.NotNil(t, enc)
	q := url.Values{"msg_signature": {crypto.Signature(testToken, ts, nonce, string(enc[1]))}, "timestamp": {ts}, "nonce": {nonce}, "echostr": {string(enc[1])}}
	status, body := get(t, f.hs.URL+"/callback/command?"+q.Encode())
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "echo-12345", body)
}

const testAdminToken = "admin-token-0123456789abcdef"

// getAdmin is get with ADMIN_TOKEN as the bearer token.
func getAdmin(t *testing.T, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+testAdminToken)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestLicenseReportAndQRCode(t *testing.T) {
	f := newInproc(t, func(c *config) { c.AdminToken = testAdminToken }, nil)
	f.install(t, corpA)
	ctx := context.Background()

	// Buy two accounts and activate one, as the provider's sales would.
	lic := f.a.lic
	require.NotNil(t, lic)
	orderID, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "sales",
		Accounts: license.AccountCount{Base: 2}, Duration: license.Duration{Months: 1}})
	require.NoError(t, err)
	require.NoError(t, f.srv.PayOrder(ctx, orderID))
	var codes []wecom.Secret
	for a, err := range lic.OrderAccounts(ctx, orderID, 0) {
		require.NoError(t, err)
		codes = append(codes, a.Code)
	}
	require.Len(t, codes, 2)
	require.NoError(t, lic.Activate(ctx, corpA, codes[0], "zhangsan"))

	status, body := getAdmin(t, f.hs.URL+"/license/report?corpid="+corpA+"&userid=zhangsan,lisi&days=40")
	require.Equal(t, http.StatusOK, status, body)
	var rep struct {
		CorpID string `json:"corpid"`
		Within int    `json:"within_days"`
		Active []struct {
			UserID string `json:"userid"`
		}
		Expiring []struct {
			UserID string `json:"userid"`
		}
		Missing []string
	}
	require.NoError(t, json.Unmarshal([]byte(body), &rep))
	require.Equal(t, corpA, rep.CorpID)
	require.Equal(t, 40, rep.Within)
	require.Empty(t, rep.Active, "a one-month account expires within 40 days")
	require.Len(t, rep.Expiring, 1)
	require.Equal(t, "zhangsan", rep.Expiring[0].UserID)
	require.Equal(t, []string{"lisi"}, rep.Missing)
	for _, c := range codes {
		require.NotContains(t, body+f.logs.String(), c.Reveal(), "activation codes are credentials")
	}

	for _, tc := range []struct {
		query  string
		status int
	}{
		{"", http.StatusBadRequest},
		{"?corpid=a&corpid=b", http.StatusBadRequest},
		{"?corpid=" + corpA + "&days=-1", http.StatusBadRequest},
		{"?corpid=bad%20id", http.StatusBadRequest},
		{"?corpid=" + corpB, http.StatusNotFound},
	} {
		status, _ := getAdmin(t, f.hs.URL+"/license/report"+tc.query)
		require.Equal(t, tc.status, status, tc.query)
	}

	resp, err := http.Get(f.hs.URL + "/qrcode?state=shop1")
	require.NoError(t, err)
	png, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, string(png))
	require.Equal(t, "image/png", resp.Header.Get("Content-Type"))
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")))
	status, _ = get(t, f.hs.URL+"/qrcode?state=not+letters!")
	require.Equal(t, http.StatusBadRequest, status)

	noProvider := newInproc(t, func(c *config) { c.ProviderCorpID, c.ProviderSecret, c.AdminToken = "", "", testAdminToken }, nil)
	status, _ = getAdmin(t, noProvider.hs.URL+"/license/report?corpid="+corpA)
	require.Equal(t, http.StatusNotFound, status)
}

// A store that fails and a missing suite_ticket are not WeCom's fault:
// 503 with the true reason, logged with cause "store" or
// "no_suite_ticket", never 502 "WeCom could not be reached".
func TestStoreAndTicketFailuresNotBlamedOnWeCom(t *testing.T) {
	ctx := context.Background()
	fs := &failingStore{Memory: store.NewMemory()}
	f := newInproc(t, nil, fs)
	status, body := get(t, f.hs.URL+"/install")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Contains(t, body, "No suite_ticket yet")
	status, body = get(t, f.hs.URL+"/qrcode")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.JSONEq(t, `{"error":"no suite_ticket yet: WeCom pushes one to /callback/command every 10 minutes"}`, body)
	logs := f.logs.String()
	require.Contains(t, logs, `"msg":"install link failed","errcode":0,"cause":"no_suite_ticket"`)
	require.Contains(t, logs, `"msg":"provider call failed","errcode":0,"cause":"no_suite_ticket"`)

	// A ticket is stored, then the store fails before the suite token
	// was fetched: every route needing the store says so.
	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)
	fs.broken.Store(true)
	status, body = get(t, f.hs.URL+"/install")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.Contains(t, body, "This server&#39;s store is failing (WeCom was not asked)")
	status, body = get(t, f.hs.URL+"/qrcode")
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.JSONEq(t, `{"error":"this server's store is failing (WeCom was not asked); try again shortly"}`, body)
	status, body = get(t, signURL(f.hs.URL, corpA, testPage))
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.JSONEq(t, `{"error":"this server's store is failing (WeCom was not asked); try again shortly"}`, body)
	status, body = get(t, f.hs.URL+"/oauth/callback?code="+f.srv.NewCode3rd(testSuiteID, corpA, "zhangsan"))
	require.Equal(t, http.StatusServiceUnavailable, status)
	require.JSONEq(t, `{"error":"this server's store is failing (WeCom was not asked); try again shortly"}`, body)
	fs.broken.Store(false)
	logs = f.logs.String()
	for _, msg := range []string{"install link failed", "sign failed", "provider call failed", "getuserinfo3rd failed"} {
		require.Contains(t, logs, `"msg":"`+msg+`","errcode":0,"cause":"store"`, msg)
	}
	require.NotContains(t, logs, "WeCom could not be reached")
	require.NotContains(t, logs, `"cause":"network"`)
}

// unlicensed_notify (a member without a license opened the app) reaches
// its own hook: one line naming the corp and the member, counted under
// its own event — not an empty "instruction" line.
func TestUnlicensedNotify(t *testing.T) {
	f := newInproc(t, nil, nil)
	f.install(t, corpA)
	f.srv.SetDataURL(testSuiteID, f.hs.URL+"/callback/data")
	require.NoError(t, f.srv.PushUnlicensed(context.Background(), testSuiteID, corpA, "wangwu"))
	require.Eventually(t, func() bool {
		return strings.Contains(f.logs.String(), `"msg":"member without a license opened the app","corpid":"`+corpA+`","userid":"wangwu","agentid":`)
	}, deadline, pollEvery)
	require.Eventually(t, func() bool {
		n, err := f.a.suite.Pending(context.Background())
		return err == nil && n == 0
	}, deadline, pollEvery)
	require.NotContains(t, f.logs.String(), `"msg":"instruction"`)
	_, body := get(t, f.hs.URL+"/metrics")
	require.Contains(t, body, `suite_server_events_total{event="unlicensed"} 1`)
	require.Contains(t, body, `suite_server_events_total{event="other"} 0`)
}

// /license/report names a corp's members: it needs ADMIN_TOKEN as a bearer
// token, and is refused without ADMIN_TOKEN unless -demo.
func TestLicenseReportIsAdminOnly(t *testing.T) {
	f := newInproc(t, func(c *config) { c.AdminToken = testAdminToken }, nil)
	f.install(t, corpA)
	report := f.hs.URL + "/license/report?corpid=" + corpA + "&userid=zhangsan"
	status, body := getAdmin(t, report)
	require.Equal(t, http.StatusOK, status, body)
	for _, auth := range []string{"", "Bearer", "Bearer wrong-token-0123456789", "Basic " + testAdminToken, "bearer " + testAdminToken} {
		req, err := http.NewRequest(http.MethodGet, report, nil)
		require.NoError(t, err)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, auth)
		require.Equal(t, `Bearer realm="suite-server admin"`, resp.Header.Get("WWW-Authenticate"))
		require.JSONEq(t, `{"error":"admin route: send Authorization: Bearer <ADMIN_TOKEN>"}`, string(b))
		require.NotContains(t, string(b), "zhangsan")
	}

	unset := newInproc(t, nil, nil)
	unset.install(t, corpA)
	status, body = get(t, unset.hs.URL+"/license/report?corpid="+corpA+"&userid=zhangsan")
	require.Equal(t, http.StatusForbidden, status)
	require.JSONEq(t, `{"error":"admin route disabled: set ADMIN_TOKEN and send it as Authorization: Bearer <token>"}`, body)
	status, _ = getAdmin(t, unset.hs.URL+"/license/report?corpid="+corpA+"&userid=zhangsan")
	require.Equal(t, http.StatusForbidden, status, "no token accepted when none is set")

	demo := newInproc(t, func(c *config) { c.Demo = true }, nil)
	demo.install(t, corpA)
	status, body = get(t, demo.hs.URL+"/license/report?corpid="+corpA+"&userid=zhangsan")
	require.Equal(t, http.StatusOK, status, body)

	_, err := loadConfig([]string{"-admin-token", "short"}, env(validEnv), io.Discard)
	require.ErrorContains(t, err, "ADMIN_TOKEN (-admin-token): too short")
}

// /install and /qrcode each spend WeCom quota: per client address, a
// burst of 10 and then one every 6 seconds; beyond it 429 with
// Retry-After, and WeCom is not asked. Other addresses are not affected.
func TestInstallAndQRCodeRateLimited(t *testing.T) {
	f := newInproc(t, func(c *config) { c.PublicURL = "https://suite.example.com" }, nil)
	_, err := f.srv.PushSuiteTicket(context.Background(), testSuiteID)
	require.NoError(t, err)
	now := time.Unix(1_800_000_000, 0)
	f.a.quota.now = func() time.Time { return now } // only this goroutine calls the handler
	call := func(path, addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		f.a.handler.ServeHTTP(rec, req)
		return rec
	}
	for i := 0; i < quotaBurst; i++ {
		path := "/install"
		if i%2 == 1 {
			path = "/qrcode"
		}
		rec := call(path, "198.51.100.7:4000")
		require.NotEqual(t, http.StatusTooManyRequests, rec.Code, i)
	}
	preAuth, qr := f.srv.Calls("/cgi-bin/service/get_pre_auth_code"), f.srv.Calls("/cgi-bin/service/get_app_qrcode")
	require.Equal(t, quotaBurst, preAuth+qr)
	for _, path := range []string{"/install", "/qrcode"} {
		rec := call(path, "198.51.100.7:4001")
		require.Equal(t, http.StatusTooManyRequests, rec.Code, path)
		require.Equal(t, "6", rec.Header().Get("Retry-After"))
		require.JSONEq(t, `{"error":"too many requests from this address: each one spends the provider's WeCom quota; try again later"}`, rec.Body.String())
	}
	require.Equal(t, quotaBurst, f.srv.Calls("/cgi-bin/service/get_pre_auth_code")+f.srv.Calls("/cgi-bin/service/get_app_qrcode"), "WeCom not asked")
	require.Equal(t, http.StatusFound, call("/install", "203.0.113.9:4000").Code, "another address")
	// IPv6 clients share their /64.
	for i := 0; i < quotaBurst; i++ {
		require.Equal(t, http.StatusFound, call("/install", "[2001:db8:1:2::1]:4000").Code)
	}
	require.Equal(t, http.StatusTooManyRequests, call("/install", "[2001:db8:1:2::ffff]:4000").Code)
	require.Equal(t, http.StatusFound, call("/install", "[2001:db8:1:3::1]:4000").Code)

	now = now.Add(quotaEvery)
	require.Equal(t, http.StatusFound, call("/install", "198.51.100.7:4000").Code, "one more after the interval")
	require.Equal(t, http.StatusTooManyRequests, call("/install", "198.51.100.7:4000").Code)

	_, body := get(t, f.hs.URL+"/metrics")
	require.Contains(t, body, `suite_server_requests_total{route="/install",status="429"} `)
}

// WeCom sends enter_agent and the like right after an install, while its
// create_auth is still being exchanged: the data push must not be lost.
func TestDataCallbackDuringPendingInstall(t *testing.T) {
	f := newInproc(t, nil, nil)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)
	f.srv.Inject(pPermanent, -1, wecomtest.Fault{Status: http.StatusBadGateway}) // the exchange keeps failing
	_, err = f.srv.InstallQR(ctx, testSuiteID, corpB, "qr")
	require.NoError(t, err, "create_auth answered success")
	plain := []byte("<xml><ToUserName><![CDATA[" + corpB + "]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName>" +
		"<CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><AgentID>1000001</AgentID></xml>")
	status, body := postEncrypted(t, f.hs.URL+"/callback/data", corpB, plain)
	require.Equal(t, http.StatusOK, status, body)
	require.Equal(t, "success", body)
	f.srv.ClearFaults()
	require.Eventually(t, func() bool {
		return strings.Contains(f.logs.String(), `"msg":"data callback","corpid":"`+corpB+`"`)
	}, deadline, pollEvery)
}
