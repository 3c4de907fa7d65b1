package main

// End-to-end tests: the fake and the example servers are built and run as
// separate processes, configured only with the environment lines the fake
// prints, as a user would paste them.

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// waitFor bounds how long a process may take to print a line or stop: a
// guard against a hang, not a timing assertion.
const waitFor = 60 * time.Second

// The binaries are built once per test run into a directory TestMain
// removes.
var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binaries builds wecomfake and the example servers and returns their
// directory.
func binaries(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "wecomfake-bin-"); buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", buildDir+string(os.PathSeparator),
			".", "../../examples/suite-server", "../../examples/contacts-sync", "../../examples/oauth-login")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = &buildError{err: err, out: string(out)}
		}
	})
	require.NoError(t, buildErr)
	return buildDir
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return "go build: " + e.err.Error() + "\n" + e.out }

// proc is a started process with its output.
type proc struct {
	t     *testing.T
	cmd   *exec.Cmd
	lines chan string // the watched stream's lines
	logs  *lockedBuffer
	done  chan struct{}
}

// start runs bin with env (and PATH, HOME) and args; the lines of stdout
// (watchStdout) or stderr are handed to lines, everything to logs.
func start(t *testing.T, bin string, env []string, watchStdout bool, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	p := &proc{t: t, cmd: cmd, lines: make(chan string, 1024), logs: &lockedBuffer{}, done: make(chan struct{})}
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	stderr, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	watched, other := stdout, stderr
	if !watchStdout {
		watched, other = stderr, stdout
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(watched)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			_, _ = p.logs.Write([]byte(sc.Text() + "\n"))
			select {
			case p.lines <- sc.Text():
			default: // nobody is waiting for so many lines
			}
		}
	}()
	go func() {
		defer wg.Done()
		_, _ = io.Copy(p.logs, other)
	}()
	go func() {
		wg.Wait()
		_ = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(syscall.SIGKILL)
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), p.logs.String())
		}
	})
	return p
}

// waitLine returns the first line from now on that contains s.
func (p *proc) waitLine(s string) string {
	p.t.Helper()
	timer := time.NewTimer(waitFor)
	defer timer.Stop()
	for {
		select {
		case l := <-p.lines:
			if strings.Contains(l, s) {
				return l
			}
		case <-p.done:
			// Lines printed just before the exit.
			for {
				select {
				case l := <-p.lines:
					if strings.Contains(l, s) {
						return l
					}
				default:
					p.t.Fatalf("%s exited without printing %q", filepath.Base(p.cmd.Path), s)
				}
			}
		case <-timer.C:
			p.t.Fatalf("%s did not print %q", filepath.Base(p.cmd.Path), s)
		}
	}
}

// stop signals the process and waits for it to exit; it returns the exit
// status.
func (p *proc) stop(sig syscall.Signal) int {
	p.t.Helper()
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Signal(sig)
		select {
		case <-p.done:
		case <-time.After(waitFor):
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	}
	return p.cmd.ProcessState.ExitCode()
}

// listenAddr is the address an example server logged it listens on.
func (p *proc) listenAddr() string {
	p.t.Helper()
	var rec struct {
		Addr string `json:"addr"`
	}
	require.NoError(p.t, json.Unmarshal([]byte(p.waitLine(`"msg":"listening"`)), &rec))
	require.NotEmpty(p.t, rec.Addr)
	return rec.Addr
}

// fakeProc is the fake run as a process, with the environment it printed.
type fakeProc struct {
	*proc
	env map[string]string
}

func startFake(t *testing.T, args ...string) *fakeProc {
	t.Helper()
	p := start(t, filepath.Join(binaries(t), "wecomfake"), nil, true, args...)
	env := map[string]string{}
	for {
		line := p.waitLine("")
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		require.True(t, ok, "not an environment line: %q", line)
		env[name] = value
		if name == controlURLEnv {
			return &fakeProc{proc: p, env: env}
		}
	}
}

// environ is the fake's lines as an environment, plus extra.
func (f *fakeProc) environ(extra ...string) []string {
	out := make([]string, 0, len(f.env)+len(extra))
	for k, v := range f.env {
		out = append(out, k+"="+v)
	}
	return append(out, extra...)
}

// wecomfake runs a subcommand of the built binary against f.
func (f *fakeProc) wecomfake(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(binaries(t), "wecomfake"), args...)
	cmd.Env = []string{controlURLEnv + "=" + f.env[controlURLEnv]}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "wecomfake %v: %s", args, out)
	return string(out)
}

// calls reads the fake's call counters through the control surface.
func (f *fakeProc) calls(t *testing.T) map[string]int {
	t.Helper()
	var out callsAnswer
	cl, err := newClient(f.env[controlURLEnv])
	require.NoError(t, err)
	require.NoError(t, cl.call(context.Background(), pathCalls, nil, &out))
	return out.Calls
}

func get(t *testing.T, hc *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := hc.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// A suite installed through the fake survives restarts of both the
// suite-server (on its bbolt file) and the fake (on its -state file): a
// JS-SDK signature, which needs the corporation's token, works after them.
func TestSuiteServerInstallSurvivesRestarts(t *testing.T) {
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "fake.json")
	const customer = "wwcustomer000001"
	fake := startFake(t, "-listen", "127.0.0.1:0", "-state", stateFile)
	suiteEnv := []string{"LISTEN_ADDR=127.0.0.1:0", "SUITE_DATA=" + filepath.Join(dir, "suite.db"),
		"PUBLIC_URL=http://suite.example.com", "LOG_FLUSH_INTERVAL=0"}
	suiteBin := filepath.Join(binaries(t), "suite-server")
	server := start(t, suiteBin, fake.environ(suiteEnv...), false)
	addr := server.listenAddr()
	base := "http://" + addr

	fake.wecomfake(t, "callback", "suite", base+"/callback/command")
	fake.wecomfake(t, "callback", "data", base+"/callback/data")
	require.Contains(t, fake.wecomfake(t, "push", "ticket"), "pushed suite_ticket to "+base+"/callback/command")
	code, body := get(t, http.DefaultClient, base+"/readyz")
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `"suite_ticket":{"stored":true`)

	require.Contains(t, fake.wecomfake(t, "install", customer), "installed in "+customer)
	server.waitLine(`"msg":"app installed"`)

	// Both processes stop — the server killed, the fake told to stop — and
	// start again on their files and addresses.
	server.stop(syscall.SIGKILL)
	fakeAddr := strings.TrimPrefix(fake.env[controlURLEnv], "http://")
	require.Equal(t, 0, fake.stop(syscall.SIGTERM))
	fake = startFake(t, "-listen", fakeAddr, "-state", stateFile)
	require.Equal(t, "http://"+fakeAddr, fake.env["WECOM_BASE_URL"])
	suiteEnv[0] = "LISTEN_ADDR=" + addr
	server = start(t, suiteBin, fake.environ(suiteEnv...), false)
	require.Equal(t, addr, server.listenAddr())

	page := url.QueryEscape("https://app.example.com/page")
	code, body = get(t, http.DefaultClient, base+"/sign?corpid="+customer+"&url="+page)
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, body, `"signature"`)
	// The restarted fake issued the corporation's token and ticket: it
	// kept the install and its permanent code (tokens are not kept).
	calls := fake.calls(t)
	require.Positive(t, calls["/cgi-bin/service/get_corp_token"], calls)
	require.Positive(t, calls["/cgi-bin/get_jsapi_ticket"], calls)
	// A corporation that never installed the suite gets no signature.
	code, _ = get(t, http.DefaultClient, base+"/sign?corpid=wwnotinstalled01&url="+page)
	require.NotEqual(t, http.StatusOK, code)

	// An uninstall reaches the restarted server too.
	fake.wecomfake(t, "cancel", customer)
	server.waitLine(`"msg":"app uninstalled"`)
}

// contacts-sync -once reads the directory a wecomfake user command
// changed, and the next run sees the next change.
func TestContactsSyncOnce(t *testing.T) {
	fake := startFake(t, "-listen", "127.0.0.1:0")
	data := filepath.Join(t.TempDir(), "contacts.db")
	fake.wecomfake(t, "user", "add", "lisi", "-name", "李四", "-dept", "1", "-position", "Sales")
	once := func() string {
		cmd := exec.Command(filepath.Join(binaries(t), "contacts-sync"), "-once")
		cmd.Env = fake.environ("CONTACTS_DATA=" + data)
		out, err := cmd.Output()
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		require.NoError(t, err, stderr)
		return string(out)
	}
	first := once()
	require.Contains(t, first, `{"op":"added","kind":"user","id":"lisi","name":"李四"}`)
	require.Contains(t, first, `{"op":"added","kind":"user","id":"`+firstMemberID+`"`)

	fake.wecomfake(t, "user", "update", "lisi", "-position", "Director")
	fake.wecomfake(t, "user", "remove", firstMemberID)
	second := once()
	lines := strings.Split(strings.TrimSpace(second), "\n")
	require.Len(t, lines, 2, second)
	require.Contains(t, second, `{"op":"changed","kind":"user","id":"lisi","fields":["position"]`)
	require.Contains(t, second, `"new":{"position":"Director"}`)
	require.Contains(t, second, `{"op":"removed","kind":"user","id":"`+firstMemberID+`"`)
}

// oauth-login is ready against the fake, and a member signs in through
// the fake's OAuth2 page with a plain HTTP client.
func TestOAuthLoginSignsInThroughTheFake(t *testing.T) {
	fake := startFake(t, "-listen", "127.0.0.1:0")
	const public = "login.example.com"
	server := start(t, filepath.Join(binaries(t), "oauth-login"), fake.environ(
		"LISTEN_ADDR=127.0.0.1:0", "PUBLIC_URL=http://"+public,
		"SESSION_KEY=0123456789abcdef0123456789abcdef0123456789abcdef"), false)
	addr := server.listenAddr()

	code, body := get(t, http.DefaultClient, "http://"+addr+"/healthz")
	require.Equal(t, http.StatusOK, code, body)
	// /readyz fetches the app's token from the fake.
	code, body = get(t, http.DefaultClient, "http://"+addr+"/readyz")
	require.Equal(t, http.StatusOK, code, body)
	require.Equal(t, 1, fake.calls(t)["/cgi-bin/gettoken"])

	// A browser: the server's public host leads to its process, and its
	// sign-in link to the fake (WECOM_OAUTH_BASE_URL from the fake's
	// environment lines); no JavaScript, so the member is picked in the
	// link.
	fakeURL, err := url.Parse(fake.env["WECOM_OAUTH_BASE_URL"])
	require.NoError(t, err)
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	var visited []string
	hc := &http.Client{
		Jar:       jar,
		Transport: rewriteHosts{next: http.DefaultTransport, to: map[string]string{public: addr}},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			visited = append(visited, req.URL.Host+req.URL.Path)
			if req.URL.Host == fakeURL.Host {
				q := req.URL.Query()
				q.Set(wecomtest.PickMemberParam, firstMemberID)
				req.URL.RawQuery = q.Encode()
			}
			return nil
		},
	}
	code, body = get(t, hc, "http://"+public+"/")
	require.Equal(t, http.StatusOK, code, body)
	require.Contains(t, visited, fakeURL.Host+wecomtest.AuthorizePath)
	require.Contains(t, visited, public+"/oauth/callback")
	require.Contains(t, body, firstMemberID)
	// The code was exchanged with the fake.
	require.Equal(t, 1, fake.calls(t)["/cgi-bin/auth/getuserinfo"])
}

// rewriteHosts sends requests for some hosts to other addresses over
// plain HTTP, as a hosts file and a TLS-terminating proxy would; other
// requests go out unchanged.
type rewriteHosts struct {
	next http.RoundTripper
	to   map[string]string
}

func (r rewriteHosts) RoundTrip(req *http.Request) (*http.Response, error) {
	addr, ok := r.to[req.URL.Hostname()]
	if !ok {
		return r.next.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL.Scheme, out.URL.Host = "http", addr
	return r.next.RoundTrip(out)
}
