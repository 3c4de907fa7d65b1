package main

// End-to-end tests: the server is built and run as a real process against
// a wecomtest in the test process, which pushes to it over HTTP.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	testSuiteID        = "wwsuitetest000001"
	testSuiteSecret    = "suite-secret-never-logged-1"
	testToken          = "callbacktokennotlogged"
	testAESKey         = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	testProviderCorpID = "wwprovidertest001"
	testProviderSecret = "provider-secret-never-logged-1"
	corpA              = "wwcorpa0000000001"
	corpB              = "wwcorpb0000000002"
	corpC              = "wwcorpc0000000003"
	testPage           = "https://app.example.com/page?from=wecom"

	pSuiteToken = "/cgi-bin/service/get_suite_token"
	pPermanent  = "/cgi-bin/service/v2/get_permanent_code"
	pCorpToken  = "/cgi-bin/service/get_corp_token"
	pJSAPI      = "/cgi-bin/get_jsapi_ticket"
	pAgentTkt   = "/cgi-bin/ticket/get"

	pollEvery = 5 * time.Millisecond
	deadline  = 15 * time.Second
)

// The binary is built once per test run, with the race detector when the
// tests have it, into a directory TestMain removes.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func serverBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "suite-server-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "suite-server")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	require.NoError(t, binErr)
	return binPath
}

// e2e is one test's fake WeCom, data file, and the output of every process
// it started.
type e2e struct {
	t       *testing.T
	srv     *wecomtest.Server
	data    string
	logs    *testutil.SyncBuffer
	mu      sync.Mutex
	secrets map[string]bool // credentials seen that may have been revoked since
	corps   []string        // corps besides A, B and C whose credentials the log check covers
}

func newE2E(t *testing.T, opts ...wecomtest.Option) *e2e {
	t.Helper()
	f := &e2e{t: t, logs: &testutil.SyncBuffer{}, data: filepath.Join(t.TempDir(), "suite.db"), secrets: map[string]bool{}}
	f.srv = wecomtest.NewServer(append([]wecomtest.Option{
		wecomtest.WithSuite(wecomtest.Suite{ID: testSuiteID, Secret: testSuiteSecret, Token: testToken, EncodingAESKey: testAESKey}),
		wecomtest.WithProvider(testProviderCorpID, testProviderSecret)}, opts...)...)
	t.Cleanup(f.srv.Close)
	// Registered after srv.Close, so it runs before it: the fake still
	// answers the questions about what it issued.
	t.Cleanup(f.checkLogs)
	return f
}

// remember notes every credential the fake WeCom issued so far, so that
// the log check covers those revoked later (a cancelled corp's permanent
// code and tokens).
func (f *e2e) remember() {
	f.mu.Lock()
	defer f.mu.Unlock()
	add := func(vs ...string) {
		for _, v := range vs {
			if v != "" {
				f.secrets[v] = true
			}
		}
	}
	add(testSuiteSecret, testToken, testAESKey, testProviderSecret)
	add(f.srv.SuiteTickets(testSuiteID)...)
	add(f.srv.SuiteTokens(testSuiteID)...)
	add(f.srv.ProviderTokens(testProviderCorpID)...)
	for _, c := range append([]string{corpA, corpB, corpC}, f.corps...) {
		add(f.srv.PermanentCode(testSuiteID, c))
		add(f.srv.CorpTokens(testSuiteID, c)...)
		add(f.srv.JSAPITickets(c)...)
		add(f.srv.AgentTickets(c, f.srv.SuiteAgentID(testSuiteID, c))...)
	}
}

func (f *e2e) note(secret string) {
	f.mu.Lock()
	f.secrets[secret] = true
	f.mu.Unlock()
}

// checkLogs proves that no secret, ticket, permanent code or token reached
// any process's output, and that the race detector found nothing.
func (f *e2e) checkLogs() {
	f.remember()
	logs := f.logs.String()
	require.NotEmpty(f.t, logs)
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.secrets {
		require.NotContains(f.t, logs, s, "a secret reached the log")
	}
	require.NotContains(f.t, logs, "DATA RACE")
	require.NotContains(f.t, logs, "panic")
}

// proc is one running server process.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	base string
	out  *testutil.SyncBuffer
	done chan struct{}
	err  error // of Wait, once done is closed
}

// start runs the binary with the test's settings (env adds or overrides)
// and points the fake WeCom's command URL at it unless noCommandURL.
func (f *e2e) start(env map[string]string, noCommandURL ...bool) *proc {
	f.t.Helper()
	vars := map[string]string{
		"SUITE_ID": testSuiteID, "SUITE_SECRET": testSuiteSecret, "SUITE_TOKEN": testToken, "SUITE_AES_KEY": testAESKey,
		"PROVIDER_CORP_ID": testProviderCorpID, "PROVIDER_SECRET": testProviderSecret,
		"WECOM_BASE_URL": f.srv.URL, "WECOM_OPEN_BASE_URL": f.srv.URL,
		"LISTEN_ADDR": "127.0.0.1:0", "SUITE_DATA": f.data, "PUBLIC_URL": testPublicURL,
	}
	for k, v := range env {
		vars[k] = v
	}
	cmd := exec.Command(serverBinary(f.t))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &proc{t: f.t, cmd: cmd, out: &testutil.SyncBuffer{}, done: make(chan struct{})}
	w := io.MultiWriter(p.out, f.logs)
	cmd.Stdout, cmd.Stderr = w, w
	require.NoError(f.t, cmd.Start())
	go func() { p.err = cmd.Wait(); close(p.done) }()
	f.t.Cleanup(func() {
		p.kill()
		if f.t.Failed() {
			f.t.Logf("output of process %d: its warnings, errors and anything not JSON, then its last lines (no access log):\n%s",
				cmd.Process.Pid, notable(p.out.String()))
		}
	})

	addr := regexp.MustCompile(`"msg":"listening","addr":"([^"]+)"`)
	waitFor(f.t, "the process to listen", func() bool {
		select {
		case <-p.done:
			f.t.Fatalf("the process exited: %v\n%s", p.err, p.out.String())
		default:
		}
		m := addr.FindStringSubmatch(p.out.String())
		if m != nil {
			p.base = "http://" + m[1]
		}
		return m != nil
	})
	if len(noCommandURL) == 0 || !noCommandURL[0] {
		f.srv.SetCommandURL(testSuiteID, p.base+"/callback/command")
	}
	return p
}

// stop sends SIGTERM and waits for a graceful exit with status 0.
func (p *proc) stop() {
	p.t.Helper()
	require.NoError(p.t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.done:
	case <-time.After(deadline):
		p.t.Fatal("the process did not stop after SIGTERM")
	}
	require.NoError(p.t, p.err)
	require.True(p.t, strings.Contains(p.out.String(), `"msg":"stopped"`), "logged its stop")
}

// waitLog waits until the process logged a line containing s (the log is
// buffered for up to logFlushInterval).
func (p *proc) waitLog(s string) {
	p.t.Helper()
	waitFor(p.t, "the log line "+s, func() bool { return strings.Contains(p.out.String(), s) })
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// notable picks what explains a failure from a process's output: every
// line above INFO or not JSON (a panic, the race detector), then the last
// 30 lines other than the access log's.
func notable(out string) string {
	var loud, rest []string
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		switch {
		case !strings.HasPrefix(line, "{") || strings.Contains(line, `"level":"WARN"`) || strings.Contains(line, `"level":"ERROR"`):
			loud = append(loud, line)
		case !strings.Contains(line, `"msg":"request"`):
			rest = append(rest, line)
		}
	}
	if len(loud) > 200 {
		loud = append(loud[:100], append([]string{"…"}, loud[len(loud)-100:]...)...)
	}
	rest = rest[max(0, len(rest)-30):]
	return strings.Join(loud, "\n") + "\n---\n" + strings.Join(rest, "\n")
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(deadline)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(pollEvery)
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func signURL(base, corpID, page string) string {
	return base + "/sign?" + url.Values{"corpid": {corpID}, "url": {page}}.Encode()
}

// signAnswer is /sign's answer.
type signAnswer struct {
	Config struct {
		AppID     string `json:"appId"`
		Timestamp int64  `json:"timestamp"`
		NonceStr  string `json:"nonceStr"`
		Signature string `json:"signature"`
	} `json:"config"`
	AgentConfig struct {
		CorpID    string `json:"corpid"`
		AgentID   int64  `json:"agentid"`
		Timestamp int64  `json:"timestamp"`
		NonceStr  string `json:"nonceStr"`
		Signature string `json:"signature"`
	} `json:"agentConfig"`
}

// checkSign asks base for corpID's signatures of testPage and checks both
// against jssdk.Sign with the tickets the fake WeCom issued.
func checkSign(t *testing.T, srv *wecomtest.Server, base, corpID string) {
	t.Helper()
	status, body := get(t, signURL(base, corpID, testPage))
	require.Equal(t, http.StatusOK, status, body)
	var a signAnswer
	require.NoError(t, json.Unmarshal([]byte(body), &a))
	tickets := srv.JSAPITickets(corpID)
	require.NotEmpty(t, tickets)
	c := a.Config
	require.Equal(t, corpID, c.AppID)
	require.Equal(t, jssdk.Sign(tickets[len(tickets)-1], c.NonceStr, c.Timestamp, testPage), c.Signature)
	agentID := srv.SuiteAgentID(testSuiteID, corpID)
	agentTickets := srv.AgentTickets(corpID, agentID)
	require.NotEmpty(t, agentTickets)
	ac := a.AgentConfig
	require.Equal(t, corpID, ac.CorpID)
	require.Equal(t, agentID, ac.AgentID)
	require.Equal(t, jssdk.Sign(agentTickets[len(agentTickets)-1], ac.NonceStr, ac.Timestamp, testPage), ac.Signature)
	require.InDelta(t, time.Now().Unix(), c.Timestamp, 5)
}

func waitSignStatus(t *testing.T, base, corpID string, want int) {
	t.Helper()
	waitFor(t, fmt.Sprintf("/sign for %s to answer %d", corpID, want), func() bool {
		status, _ := get(t, signURL(base, corpID, testPage))
		return status == want
	})
}

// readyz is /readyz's answer.
type readyz struct {
	Status      string `json:"status"`
	Store       string `json:"store"`
	SuiteTicket struct {
		Stored     bool   `json:"stored"`
		IssuedAt   string `json:"issued_at"`
		AgeSeconds int64  `json:"age_seconds"`
		Fresh      bool   `json:"fresh"`
		Reason     string `json:"reason"`
	} `json:"suite_ticket"`
	Pending int `json:"pending_pushes"`
}

func getReadyz(t *testing.T, base string) readyz {
	t.Helper()
	status, body := get(t, base+"/readyz")
	require.Equal(t, http.StatusOK, status, body)
	var r readyz
	require.NoError(t, json.Unmarshal([]byte(body), &r), body)
	return r
}

// testPublicURL is the processes' PUBLIC_URL: browsers reach them there
// (websiteInstall resolves its host to the process's address).
const testPublicURL = "http://suite-server.test"

// websiteInstall starts an install at PUBLIC_URL/install in a browser-like
// client (cookies, redirects followed, PUBLIC_URL's host resolved to base)
// that ends on /install/callback.
func websiteInstall(t *testing.T, base string) (int, string) {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	var visited []string
	addr := strings.TrimPrefix(base, "http://")
	var d net.Dialer
	tr := &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		if a == "suite-server.test:80" {
			a = addr
		}
		return d.DialContext(ctx, network, a)
	}}
	defer tr.CloseIdleConnections()
	c := &http.Client{Jar: jar, Transport: tr, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		visited = append(visited, r.URL.Path)
		return nil
	}}
	resp, err := c.Get(testPublicURL + "/install")
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, []string{"/3rdapp/install", "/install/callback"}, visited, "through WeCom's install page and back")
	return resp.StatusCode, string(b)
}

// The main story over HTTP with real processes: a suite_ticket
// push is stored; a QR install's create_auth is answered and exchanged;
// /sign signs with the corp's tickets; a website install works too; after
// a restart on the same bbolt file /sign works with no new push and no
// extra get_suite_token; after cancel_auth the corp is gone.
func TestLifecycleAcrossRestart(t *testing.T) {
	f := newE2E(t)
	p := f.start(nil)

	require.False(t, getReadyz(t, p.base).SuiteTicket.Stored)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)
	r := getReadyz(t, p.base)
	require.True(t, r.SuiteTicket.Stored)
	require.True(t, r.SuiteTicket.Fresh)
	require.Equal(t, "bolt", r.Store)

	code, err := f.srv.InstallQR(ctx, testSuiteID, corpA, "qr")
	require.NoError(t, err, "create_auth answered \"success\"")
	f.note(code)
	waitSignStatus(t, p.base, corpA, http.StatusOK)
	require.NotEmpty(t, f.srv.PermanentCode(testSuiteID, corpA), "permanent code exchanged")
	checkSign(t, f.srv, p.base, corpA)
	p.waitLog(`"msg":"app installed","corpid":"` + corpA + `"`)

	f.srv.SetInstallCorp(testSuiteID, corpB)
	status, page := websiteInstall(t, p.base)
	require.Equal(t, http.StatusOK, status, page)
	require.Contains(t, page, "Corp "+corpB)
	checkSign(t, f.srv, p.base, corpB)
	// The website install's OnAuthorized runs on the job queue.
	waitFor(t, "the website install's job", func() bool { return getReadyz(t, p.base).Pending == 0 })
	p.waitLog(`"msg":"app installed","corpid":"` + corpB + `"`)

	p.stop()
	calls := f.srv.CallCounts()
	tickets := len(f.srv.SuiteTickets(testSuiteID))

	p2 := f.start(nil)
	checkSign(t, f.srv, p2.base, corpA)
	checkSign(t, f.srv, p2.base, corpB)
	require.Len(t, f.srv.SuiteTickets(testSuiteID), tickets, "no new push")
	for _, path := range []string{pSuiteToken, pCorpToken, pJSAPI, pAgentTkt, pPermanent} {
		require.Equal(t, calls[path], f.srv.Calls(path), "%s after the restart", path)
	}

	f.remember()
	require.NoError(t, f.srv.PushCancelAuth(ctx, testSuiteID, corpA))
	status, body := get(t, signURL(p2.base, corpA, testPage))
	require.Equal(t, http.StatusNotFound, status, "revoked before the answer")
	require.JSONEq(t, `{"error":"corporation has not installed the app"}`, body)
	waitFor(t, "the cancel_auth job", func() bool { return getReadyz(t, p2.base).Pending == 0 })
	p2.waitLog(`"msg":"app uninstalled","corpid":"` + corpA + `"`)
	checkSign(t, f.srv, p2.base, corpB)
	p2.stop()
}

// Pushes arrive twice (WeCom retries), again after they were handled, and
// out of order; forged ones arrive too. Each push is handled once, an older
// suite_ticket never replaces a newer one, and a forged push is refused
// and changes nothing.
func TestDuplicateReplayedOutOfOrderAndForgedPushes(t *testing.T) {
	f := newE2E(t)
	p := f.start(nil)
	ctx := context.Background()

	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)
	issued := getReadyz(t, p.base).SuiteTicket.IssuedAt

	// Out of order: an older ticket (the retry of an earlier push) after
	// the newer one is answered but not stored.
	stale := "tkt_stale_never_logged_0001"
	f.note(stale)
	old := time.Now().Add(-20 * time.Minute).Unix()
	require.NoError(t, f.srv.PushRaw(ctx, testSuiteID, ticketXML(stale, old)))
	require.Equal(t, issued, getReadyz(t, p.base).SuiteTicket.IssuedAt)

	// Duplicate and replayed: one create_auth plaintext pushed three times
	// at once, then again after it was handled.
	code := f.srv.NewAuthCode(testSuiteID, corpC, "dup")
	f.note(code)
	plain := createAuthXML(code, time.Now().Unix())
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, f.srv.PushRaw(ctx, testSuiteID, plain))
		}()
	}
	wg.Wait()
	// The exchange used the stored (newest) ticket: the stale one would
	// have got 40085 from get_suite_token.
	waitSignStatus(t, p.base, corpC, http.StatusOK)
	waitFor(t, "no pending push", func() bool { return getReadyz(t, p.base).Pending == 0 })
	require.NoError(t, f.srv.PushRaw(ctx, testSuiteID, plain))
	require.Equal(t, 0, getReadyz(t, p.base).Pending, "a replay of a handled push is not recorded")
	require.Equal(t, 1, f.srv.Calls(pPermanent), "one exchange for four deliveries")
	p.waitLog(`"msg":"app installed"`)
	time.Sleep(2 * defaultLogFlush) // any second line would be out by now
	require.Equal(t, 1, strings.Count(p.out.String(), `"msg":"app installed"`), "OnAuthorized once")

	// Forged: pushes signed without the Token (a newer ticket, a
	// create_auth with a real auth code, a cancel_auth) are refused (401)
	// and change nothing.
	newer := "tkt_forged_never_logged_001"
	f.note(newer)
	codeD := f.srv.NewAuthCode(testSuiteID, corpA, "forged")
	f.note(codeD)
	before := f.srv.CallCounts()
	for _, plain := range [][]byte{
		ticketXML(newer, time.Now().Add(time.Minute).Unix()),
		createAuthXML(codeD, time.Now().Unix()),
		[]byte("<xml><SuiteId><![CDATA[" + testSuiteID + "]]></SuiteId><InfoType><![CDATA[cancel_auth]]></InfoType><TimeStamp>" +
			strconv.FormatInt(time.Now().Unix(), 10) + "</TimeStamp><AuthCorpId><![CDATA[" + corpC + "]]></AuthCorpId></xml>"),
	} {
		require.Equal(t, http.StatusUnauthorized, postForged(t, p.base+"/callback/command", plain))
	}
	require.Equal(t, issued, getReadyz(t, p.base).SuiteTicket.IssuedAt)
	require.Equal(t, 0, getReadyz(t, p.base).Pending)
	checkSign(t, f.srv, p.base, corpC)
	status, _ := get(t, signURL(p.base, corpA, testPage))
	require.Equal(t, http.StatusNotFound, status)
	require.Equal(t, before[pPermanent], f.srv.Calls(pPermanent))
	p.stop()
}

func ticketXML(ticket string, ts int64) []byte {
	return []byte("<xml><SuiteId><![CDATA[" + testSuiteID + "]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType><TimeStamp>" +
		strconv.FormatInt(ts, 10) + "</TimeStamp><SuiteTicket><![CDATA[" + ticket + "]]></SuiteTicket></xml>")
}

func createAuthXML(code string, ts int64) []byte {
	return []byte("<xml><SuiteId><![CDATA[" + testSuiteID + "]]></SuiteId><AuthCode><![CDATA[" + code +
		"]]></AuthCode><InfoType><![CDATA[create_auth]]></InfoType><TimeStamp>" + strconv.FormatInt(ts, 10) +
		"</TimeStamp><State><![CDATA[s]]></State></xml>")
}

// postForged posts plain encrypted with the right key (as a leaked
// ciphertext would be) but signed with a wrong Token, as WeCom's envelope
// would carry it, and returns the status.
func postForged(t *testing.T, target string, plain []byte) int {
	t.Helper()
	const wrongToken = "notthetoken"
	mc, err := crypto.New(wrongToken, testAESKey, testSuiteID)
	require.NoError(t, err)
	ts, nonce := strconv.FormatInt(time.Now().Unix(), 10), "123456"
	env, err := mc.EncryptMsg(plain, ts, nonce)
	require.NoError(t, err)
	sig := regexp.MustCompile(`<MsgSignature><!\[CDATA\[([0-9a-f]+)\]\]>`).FindSubmatch(env)
	require.NotNil(t, sig)
	q := url.Values{"msg_signature": {string(sig[1])}, "timestamp": {ts}, "nonce": {nonce}}
	resp, err := http.Post(target+"?"+q.Encode(), "text/xml", strings.NewReader(string(env)))
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

// A create_auth arrives while WeCom is down: the push is answered at once,
// the exchange fails (502) and is retried until WeCom recovers.
func TestCreateAuthWhileWeComDown(t *testing.T) {
	f := newE2E(t)
	p := f.start(nil)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)

	f.srv.Inject(pPermanent, 2, wecomtest.Fault{Status: http.StatusBadGateway})
	code, err := f.srv.InstallQR(ctx, testSuiteID, corpA, "down")
	require.NoError(t, err, "answered \"success\" although WeCom is down")
	f.note(code)
	waitFor(t, "the first failed exchange", func() bool { return f.srv.Calls(pPermanent) >= 1 })
	status, _ := get(t, signURL(p.base, corpA, testPage))
	require.Equal(t, http.StatusNotFound, status, "not authorized while WeCom is down")
	waitSignStatus(t, p.base, corpA, http.StatusOK)
	require.Equal(t, 3, f.srv.Calls(pPermanent), "two failures, then the exchange")
	checkSign(t, f.srv, p.base, corpA)
	p.waitLog("jobqueue: job failed; will retry")
	p.stop()
}

// The process is killed (SIGKILL) after it answered a create_auth but
// before the exchange succeeded; the next process on the same file
// finishes the exchange.
func TestKilledBetweenAnswerAndExchange(t *testing.T) {
	f := newE2E(t)
	p := f.start(nil)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)

	f.srv.Inject(pPermanent, -1, wecomtest.Fault{Status: http.StatusBadGateway})
	code, err := f.srv.InstallQR(ctx, testSuiteID, corpA, "kill")
	require.NoError(t, err, "the push was answered")
	f.note(code)
	// Killed once the failed attempt's outcome is recorded (the retry is
	// due a second later). A process killed in the middle of an attempt
	// leaves the job leased to it: the next one runs it when the lease
	// ends (TestKilledDuringInstalls).
	p.waitLog("jobqueue: job failed; will retry")
	require.Equal(t, 1, getReadyz(t, p.base).Pending)
	p.kill()
	require.Empty(t, f.srv.PermanentCode(testSuiteID, corpA))

	f.srv.ClearFaults()
	p2 := f.start(nil)
	waitSignStatus(t, p2.base, corpA, http.StatusOK)
	checkSign(t, f.srv, p2.base, corpA)
	p2.waitLog(`"msg":"app installed","corpid":"` + corpA + `"`)
	// Signing works as soon as the permanent code is stored; the job that
	// stored it is marked done just after, so wait for the queue to drain.
	waitFor(t, "the queue to drain", func() bool { return getReadyz(t, p2.base).Pending == 0 })
	p2.stop()
}

// Two instances share one Redis: a ticket pushed to one is the other's
// too, an install answered by one is signed for by the other, and WeCom
// sees one get_suite_token between them.
func TestTwoInstancesShareRedis(t *testing.T) {
	rs := redistest.Start(t)
	f := newE2E(t)
	env := map[string]string{"REDIS_URL": rs.URL(), "SUITE_DATA": filepath.Join(t.TempDir(), "unused.db")}
	p1 := f.start(env)
	p2 := f.start(env, true) // WeCom pushes to p1 only
	ctx := context.Background()

	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)
	r1, r2 := getReadyz(t, p1.base), getReadyz(t, p2.base)
	require.Equal(t, "redis", r2.Store)
	require.True(t, r2.SuiteTicket.Stored, "p2 sees the ticket pushed to p1")
	require.Equal(t, r1.SuiteTicket.IssuedAt, r2.SuiteTicket.IssuedAt)

	code, err := f.srv.InstallQR(ctx, testSuiteID, corpA, "redis")
	require.NoError(t, err)
	f.note(code)
	waitSignStatus(t, p2.base, corpA, http.StatusOK)
	checkSign(t, f.srv, p2.base, corpA)
	checkSign(t, f.srv, p1.base, corpA)
	require.Equal(t, 1, f.srv.Calls(pSuiteToken), "one suite token between the instances")
	require.Equal(t, 1, f.srv.Calls(pPermanent))
	require.Equal(t, 1, f.srv.Calls(pJSAPI), "one jsapi ticket between the instances")
	require.NoFileExists(t, env["SUITE_DATA"], "with REDIS_URL no bbolt file is made")
	p1.stop()
	p2.stop()
}

// Invalid settings are reported together, before anything starts, with
// exit status 2; the process's output names each one.
func TestProcessInvalidSettingsExit2(t *testing.T) {
	cmd := exec.Command(serverBinary(t), "-listen", "127.0.0.1:99999")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "SUITE_AES_KEY=short", "PROVIDER_CORP_ID=wwp", "WECOM_BASE_URL=ftp://x"}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee)
	require.Equal(t, 2, ee.ExitCode())
	for _, want := range []string{"SUITE_ID (-suite-id)", "SUITE_SECRET", "SUITE_TOKEN", "SUITE_AES_KEY (-suite-aes-key): not an EncodingAESKey",
		"PROVIDER_SECRET", "WECOM_BASE_URL (-wecom-base-url)", "LISTEN_ADDR (-listen)"} {
		require.Contains(t, string(out), want)
	}
}

// A bbolt file damaged on disk is not a setting to fix: the process exits
// with status 1 and says which file to restore from a backup, and it
// writes nothing to the file.
func TestProcessCorruptDataFileExit1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "suite.db")
	bs, err := boltstore.Open(path)
	require.NoError(t, err)
	for i := range 200 {
		require.NoError(t, bs.Set(context.Background(), fmt.Sprintf("key%03d", i), strings.Repeat("v", 100), 0))
	}
	require.NoError(t, bs.Close())
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	// Garbage over everything after the two meta pages: the middle of the
	// file, where the root and the data pages are.
	page := os.Getpagesize()
	require.Greater(t, len(b), 3*page)
	for i := 2 * page; i < len(b); i++ {
		b[i] = byte(i*7 + 3)
	}
	require.NoError(t, os.WriteFile(path, b, 0o600))

	cmd := exec.Command(serverBinary(t))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "SUITE_ID=" + testSuiteID, "SUITE_SECRET=" + testSuiteSecret,
		"SUITE_TOKEN=" + testToken, "SUITE_AES_KEY=" + testAESKey, "SUITE_DATA=" + path, "LISTEN_ADDR=127.0.0.1:0", "PUBLIC_URL=" + testPublicURL}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, string(out))
	require.Equal(t, 1, ee.ExitCode(), string(out))
	t.Logf("%s", out)
	require.Contains(t, string(out), `"file":`+strconv.Quote(path))
	require.Contains(t, string(out), "restore it from a backup")
	require.Contains(t, string(out), `"level":"ERROR"`)
	require.NotContains(t, string(out), "invalid configuration", "not reported as a setting")
	require.NotContains(t, string(out), `"msg":"listening"`)
	for _, s := range []string{testSuiteSecret, testToken, testAESKey, strings.Repeat("v", 100)} {
		require.NotContains(t, string(out), s)
	}
	after, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, b, after, "the damaged file is left as it was")
}

// Redis down, as an operator meets it: a route that needs the store
// answers 503 saying the store fails, logged with cause "store" — not 502
// "WeCom could not be reached", cause "refused".
func TestRedisDownIsNotBlamedOnWeCom(t *testing.T) {
	rs := redistest.Start(t)
	f := newE2E(t)
	p := f.start(map[string]string{"REDIS_URL": rs.URL(), "SUITE_DATA": filepath.Join(t.TempDir(), "unused.db")})
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, testSuiteID)
	require.NoError(t, err)
	code, err := f.srv.InstallQR(ctx, testSuiteID, corpA, "redis")
	require.NoError(t, err)
	f.note(code)
	p.waitLog(`"msg":"app installed","corpid":"` + corpA + `"`)

	rs.Stop()
	status, body := get(t, signURL(p.base, corpA, testPage)) // cold: the corp's token comes from the store
	require.Equal(t, http.StatusServiceUnavailable, status, body)
	require.JSONEq(t, `{"error":"this server's store is failing (WeCom was not asked); try again shortly"}`, body)
	p.waitLog(`"msg":"sign failed","errcode":0,"cause":"store"`)
	require.NotContains(t, p.out.String(), "WeCom could not be reached")
	require.NotContains(t, p.out.String(), `"cause":"refused"`)
}
