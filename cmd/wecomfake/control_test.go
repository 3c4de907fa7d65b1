package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
)

// inProcessFake is the fake run by run() in the test process.
type inProcessFake struct {
	base string
	env  map[string]string
	stop func() int // ends the fake and returns its exit status
	logs *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startInProcess runs the fake with args and reads its environment lines.
func startInProcess(t *testing.T, args ...string) *inProcessFake {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	logs := &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"-listen", "127.0.0.1:0"}, args...), func(string) string { return "" }, pw, logs)
		_ = pw.Close()
		done <- code
	}()
	env := readEnv(t, pr, logs)
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	stopped := false
	f := &inProcessFake{base: env[controlURLEnv], env: env, logs: logs}
	var status int
	f.stop = func() int {
		if !stopped {
			stopped = true
			cancel()
			status = <-done
		}
		return status
	}
	t.Cleanup(func() { f.stop() })
	return f
}

// readEnv reads "export NAME=value" lines up to WECOMFAKE_URL's.
func readEnv(t *testing.T, r io.Reader, logs interface{ String() string }) map[string]string {
	t.Helper()
	env := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		require.True(t, ok && strings.HasPrefix(line, "export "), "not an environment line: %q", line)
		env[name] = value
		if name == controlURLEnv {
			return env
		}
	}
	t.Fatalf("the fake printed no %s line; its log:\n%s", controlURLEnv, logs.String())
	return nil
}

// cli runs a subcommand against the fake at base.
func cli(base string, args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, func(k string) string {
		if k == controlURLEnv {
			return base
		}
		return ""
	}, &out, &errb)
	return out.String(), errb.String(), code
}

// recorder is a callback URL: it decrypts what the fake pushes with the
// given credentials and hands the events over.
type recorder struct {
	srv    *httptest.Server
	events chan *crypto.Event
}

func newRecorder(t *testing.T, token, key, receiveID string) *recorder {
	t.Helper()
	mc, err := crypto.New(token, key, receiveID)
	require.NoError(t, err)
	rec := &recorder{events: make(chan *crypto.Event, 16)}
	rec.srv = httptest.NewServer(crypto.NewHandler(mc, crypto.HandlerFunc(func(_ context.Context, ev *crypto.Event) ([]byte, error) {
		rec.events <- ev
		return nil, nil
	})))
	t.Cleanup(rec.srv.Close)
	return rec
}

func (r *recorder) next(t *testing.T) *crypto.Event {
	t.Helper()
	select {
	case ev := <-r.events:
		return ev
	default:
		t.Fatal("nothing was pushed")
		return nil
	}
}

// api calls the fake's WeCom API and decodes the answer.
func api(t *testing.T, u string) map[string]any {
	t.Helper()
	resp, err := http.Get(u)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

func appToken(t *testing.T, base string) string {
	t.Helper()
	out := api(t, base+"/cgi-bin/gettoken?"+url.Values{"corpid": {fakeCorpID}, "corpsecret": {fakeAppSecret}}.Encode())
	require.EqualValues(t, 0, out["errcode"], out)
	return out["access_token"].(string)
}

func TestPrintsTheExamplesEnvironment(t *testing.T) {
	f := startInProcess(t)
	require.Regexp(t, `^http://127\.0\.0\.1:\d+$`, f.base)
	want := map[string]string{
		"WECOM_BASE_URL": f.base, "WECOM_OPEN_BASE_URL": f.base, "WECOM_OAUTH_BASE_URL": f.base,
		"WECOM_CORP_ID": fakeCorpID, "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": fakeAppSecret,
		"WECOM_CONTACT_SECRET": fakeContactSecret,
		"SUITE_ID":             fakeSuiteID, "SUITE_SECRET": fakeSuiteSecret, "SUITE_TOKEN": fakeSuiteToken, "SUITE_AES_KEY": fakeAESKey,
		"PROVIDER_CORP_ID": fakeProviderCorpID, "PROVIDER_SECRET": fakeProviderSecret,
		"WECOM_CALLBACK_TOKEN": fakeAppToken, "WECOM_CALLBACK_AES_KEY": fakeAppAESKey,
		controlURLEnv: f.base,
	}
	require.Regexp(t, `^wk\w+$`, f.env["KF_OPEN_KFID"], "the default kf account")
	want["KF_OPEN_KFID"] = f.env["KF_OPEN_KFID"]
	require.Equal(t, want, f.env)
	// The credentials printed are the ones accepted: the app's and the
	// contact-sync helper's secrets.
	appToken(t, f.base)
	out := api(t, f.base+"/cgi-bin/gettoken?"+url.Values{"corpid": {f.env["WECOM_CORP_ID"]}, "corpsecret": {f.env["WECOM_CONTACT_SECRET"]}}.Encode())
	require.EqualValues(t, 0, out["errcode"], out)
	// wecomfake env prints them again.
	stdout, _, code := cli(f.base, "env")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "export WECOM_SECRET="+fakeAppSecret+"\n")
	require.Contains(t, stdout, "export KF_OPEN_KFID="+f.env["KF_OPEN_KFID"]+"\n")
	require.Equal(t, 0, f.stop())
}

func TestControlSurface(t *testing.T) {
	suiteCB := newRecorder(t, fakeSuiteToken, fakeAESKey, fakeSuiteID)
	appCB := newRecorder(t, fakeAppToken, fakeAppAESKey, fakeCorpID)
	f := startInProcess(t, "-suite-callback", suiteCB.srv.URL, "-app-callback", appCB.srv.URL, "-push-tickets=false")

	stdout, stderr, code := cli(f.base, "push", "ticket")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "pushed suite_ticket to "+suiteCB.srv.URL)
	ev := suiteCB.next(t)
	require.Equal(t, "suite_ticket", ev.InfoType)
	require.NotEmpty(t, ev.SuiteTicket)

	_, stderr, code = cli(f.base, "install", "wwcustomer000001", "-state", "s1")
	require.Equal(t, 0, code, stderr)
	ev = suiteCB.next(t)
	require.Equal(t, "create_auth", ev.InfoType)
	require.NotEmpty(t, ev.AuthCode)
	require.Equal(t, "s1", ev.State)

	_, stderr, code = cli(f.base, "cancel", "wwcustomer000001")
	require.Equal(t, 0, code, stderr)
	ev = suiteCB.next(t)
	require.Equal(t, "cancel_auth", ev.InfoType)
	require.Equal(t, "wwcustomer000001", ev.AuthCorpID)
	_, stderr, code = cli(f.base, "cancel", "wwneverinstalled")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "never installed")

	// Directory edits change what the API answers and push change_contact
	// to the app's callback.
	_, stderr, code = cli(f.base, "user", "add", "lisi", "-name", "李四", "-dept", "1", "-mobile", "13900000000")
	require.Equal(t, 0, code, stderr)
	ev = appCB.next(t)
	require.Equal(t, "change_contact", ev.Event)
	require.Equal(t, "create_user", ev.ChangeType)
	name, _ := ev.Field("Name")
	require.Equal(t, "李四", name)
	tok := appToken(t, f.base)
	out := api(t, f.base+"/cgi-bin/user/get?access_token="+tok+"&userid=lisi")
	require.Equal(t, "李四", out["name"], out)

	_, stderr, code = cli(f.base, "user", "update", "lisi", "-position", "Boss")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "update_user", appCB.next(t).ChangeType)
	out = api(t, f.base+"/cgi-bin/user/get?access_token="+tok+"&userid=lisi")
	require.Equal(t, "Boss", out["position"], out)
	require.Equal(t, "李四", out["name"], "fields not given are kept")

	_, stderr, code = cli(f.base, "user", "add", "lisi")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "member already")

	_, stderr, code = cli(f.base, "user", "remove", "lisi")
	require.Equal(t, 0, code, stderr)
	require.Equal(t, "delete_user", appCB.next(t).ChangeType)
	out = api(t, f.base+"/cgi-bin/user/get?access_token="+tok+"&userid=lisi")
	require.EqualValues(t, 60111, out["errcode"], out)

	// A member writes to the app.
	_, stderr, code = cli(f.base, "message", "zhangsan", "hello", "there")
	require.Equal(t, 0, code, stderr)
	ev = appCB.next(t)
	require.Equal(t, "text", ev.MsgType)
	require.Equal(t, "hello there", ev.Content)
	require.Equal(t, "zhangsan", ev.FromUserName)
	require.EqualValues(t, fakeAgentID, ev.AgentID)

	// Faults, and the counters that see them.
	_, stderr, code = cli(f.base, "fail", "/cgi-bin/gettoken", "45009", "1")
	require.Equal(t, 0, code, stderr)
	out = api(t, f.base+"/cgi-bin/gettoken?"+url.Values{"corpid": {fakeCorpID}, "corpsecret": {fakeAppSecret}}.Encode())
	require.EqualValues(t, 45009, out["errcode"])
	appToken(t, f.base)
	stdout, _, code = cli(f.base, "calls")
	require.Equal(t, 0, code)
	require.Contains(t, stdout, "3 /cgi-bin/gettoken\n")
	require.Contains(t, stdout, "3 /cgi-bin/user/get\n")
	require.NotContains(t, stdout, "/_fake/", "control calls are not counted")

	_, stderr, code = cli(f.base, "fail", "*", "-1", "-1")
	require.Equal(t, 0, code, stderr)
	_, stderr, code = cli(f.base, "calls")
	require.Equal(t, 0, code, "control calls meet no fault: %s", stderr)
	_, _, code = cli(f.base, "clear")
	require.Equal(t, 0, code)
	appToken(t, f.base)

	_, stderr, code = cli(f.base, "latency", "/cgi-bin/user/get", "250ms", "2")
	require.Equal(t, 0, code, stderr)
	_, _, code = cli(f.base, "clear")
	require.Equal(t, 0, code)
}

func TestControlSurfaceRefusals(t *testing.T) {
	f := startInProcess(t)
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"push", "ticket"}, 1, "no command URL"},
		{[]string{"install", "wwcorp"}, 1, "no command URL"},
		{[]string{"message", "zhangsan", "hi"}, 1, "no callback"},
		{[]string{"message", "-kf", "-open-kfid", "wknone", "wmcust", "hi"}, 1, "no kf account"},
		{[]string{"message", "-open-kfid", "wknone", "zhangsan", "hi"}, 2, "goes with -kf"},
		{[]string{"approval", "209901010001", "approved"}, 1, "no approval"},
		{[]string{"approval", "209901010001", "done"}, 2, "STATUS"},
		{[]string{"user", "update", "nobody", "-name", "x"}, 1, "no member"},
		{[]string{"user", "add", "bad id!"}, 1, "userid"},
		{[]string{"user", "add", "x", "-dept", "one"}, 2, "-dept"},
		{[]string{"fail", "/cgi-bin/gettoken", "0", "1"}, 2, "ERRCODE"},
		{[]string{"latency", "/cgi-bin/gettoken", "soon"}, 2, "DURATION"},
		{[]string{"callback", "elsewhere", "http://127.0.0.1:1/"}, 2, "suite, data or app"},
		{[]string{"callback", "app", "ftp://x"}, 1, "http"},
		{[]string{"install"}, 2, "wrong number"},
		{[]string{"frobnicate"}, 2, "unknown command"},
	} {
		_, stderr, code := cli(f.base, tc.args...)
		require.Equal(t, tc.code, code, "%v: %s", tc.args, stderr)
		require.Contains(t, stderr, tc.says, tc.args)
	}
	// Nothing listening: a clear failure naming the address.
	_, stderr, code := cli("http://127.0.0.1:1", "calls")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "cannot reach the fake at http://127.0.0.1:1")
}

func TestStateFileAcrossRestarts(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "fake.json")
	f := startInProcess(t, "-state", file)
	_, stderr, code := cli(f.base, "user", "add", "wangwu", "-name", "王五")
	require.Equal(t, 0, code, stderr)
	// Written after the control call, before the fake stops, with the
	// owner's permissions only.
	fi, err := os.Stat(file)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Contains(t, string(b), "王五")
	require.Equal(t, 0, f.stop())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")

	g := startInProcess(t, "-state", file)
	require.Equal(t, f.env["KF_OPEN_KFID"], g.env["KF_OPEN_KFID"], "the default kf account is kept")
	tok := appToken(t, g.base)
	out := api(t, g.base+"/cgi-bin/user/get?access_token="+tok+"&userid=wangwu")
	require.Equal(t, "王五", out["name"], out)
	out = api(t, g.base+"/cgi-bin/user/get?access_token="+tok+"&userid="+firstMemberID)
	require.EqualValues(t, 0, out["errcode"], out)

	// A damaged file is refused, not overwritten.
	require.Equal(t, 0, g.stop())
	require.NoError(t, os.WriteFile(file, []byte("{not json"), 0o600))
	var logs bytes.Buffer
	code = run(context.Background(), []string{"-listen", "127.0.0.1:0", "-state", file}, func(string) string { return "" }, io.Discard, &logs)
	require.Equal(t, 1, code)
	require.Contains(t, logs.String(), "cannot load the state file")
	b, err = os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, "{not json", string(b))
}

func TestHelpListsEveryCommandWithAnExample(t *testing.T) {
	var out bytes.Buffer
	require.Equal(t, 0, run(context.Background(), []string{"-h"}, func(string) string { return "" }, io.Discard, &out))
	for _, c := range commands() {
		require.Contains(t, out.String(), "\n  "+c.name)
		require.Contains(t, out.String(), "e.g. "+c.example+"\n")
	}
	for _, name := range []string{"-listen", "-state", "-suite-callback", "-app-callback"} {
		require.Contains(t, out.String(), name)
	}
}

func TestParseMixed(t *testing.T) {
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	name := fs.String("name", "", "")
	pos, err := parseMixed(fs, []string{"lisi", "-name", "李四", "more", "--", "-5", "degrees"})
	require.NoError(t, err)
	require.Equal(t, "李四", *name)
	require.Equal(t, []string{"lisi", "more", "-5", "degrees"}, pos)
}

func TestCommandHelpAndUnknownFlags(t *testing.T) {
	_, stderr, code := cli("http://127.0.0.1:1", "install", "-h")
	require.Equal(t, 0, code)
	require.Contains(t, stderr, "Usage: wecomfake install CORP")
	_, stderr, code = cli("http://127.0.0.1:1", "calls", "-nope")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "-nope")
}

func TestAddrBeforeTheCommand(t *testing.T) {
	f := startInProcess(t)
	for _, args := range [][]string{{"-addr", f.base, "calls"}, {"--addr=" + f.base, "calls"}, {"calls", "-addr", f.base}} {
		var out, errb bytes.Buffer
		code := run(context.Background(), args, func(string) string { return "" }, &out, &errb)
		require.Equal(t, 0, code, "%v: %s", args, errb.String())
	}
}
