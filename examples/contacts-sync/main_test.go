package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	testCorp          = "wwsynctest"
	testAgent         = 1000002
	testAppSecret     = "app-secret-0123456789"
	testContactSecret = "contact-secret-0123456789"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds the command once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "contacts-sync-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "contacts-sync")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

func fakeWeCom(t *testing.T) *wecomtest.Server {
	t.Helper()
	srv := wecomtest.NewServer(
		wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: testAppSecret}),
		wecomtest.WithContactSyncSecret(testCorp, testContactSecret),
	)
	t.Cleanup(srv.Close)
	srv.GenerateDirectory(testCorp, 3, 4)
	return srv
}

func testEnv(srv *wecomtest.Server) []string {
	return []string{
		"WECOM_CORP_ID=" + testCorp,
		"WECOM_CONTACT_SECRET=" + testContactSecret,
		"WECOM_SECRET=" + testAppSecret,
		"WECOM_AGENT_ID=1000002",
		"WECOM_BASE_URL=" + srv.URL,
	}
}

// once runs the built binary with -once and returns stdout, stderr and
// the exit status.
func once(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), append([]string{"-once"}, args...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	for _, secret := range []string{testAppSecret, testContactSecret} {
		require.NotContains(t, stdout.String()+stderr.String(), secret)
	}
	return stdout.String(), stderr.String(), code
}

// The process contract, end to end against a wecomtest started here.
func TestOnceEndToEnd(t *testing.T) {
	srv := fakeWeCom(t)
	env := testEnv(srv)
	data := filepath.Join(t.TempDir(), "contacts.db")

	out, errOut, code := once(t, env, "-data", data)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, `{"op":"added","kind":"department","id":"1","name":"总部"}
{"op":"added","kind":"department","id":"2","name":"部门2"}
{"op":"added","kind":"department","id":"3","name":"部门3"}
{"op":"added","kind":"user","id":"user000001","name":"成员1"}
{"op":"added","kind":"user","id":"user000002","name":"成员2"}
{"op":"added","kind":"user","id":"user000003","name":"成员3"}
{"op":"added","kind":"user","id":"user000004","name":"成员4"}
`, out)
	require.Contains(t, errOut, `"level":"INFO"`, "logs go to standard error")

	out, errOut, code = once(t, env, "-data", data)
	require.Equal(t, 0, code, errOut)
	require.Empty(t, out, "no change in WeCom, nothing printed")

	// A change names each field's value before and after.
	m := srv.Members(testCorp)[1]
	m.Position = "总监"
	m.Department = []int64{1}
	srv.AddMember(testCorp, m)
	out, errOut, code = once(t, env, "-data", data)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, `{"op":"changed","kind":"user","id":"user000002","fields":["department","main_department","position"],"name":"成员2","old":{"department":[3],"main_department":3,"position":"设计师"},"new":{"department":[1],"main_department":1,"position":"总监"}}`+"\n", out)

	// A failing WeCom: exit 1, nothing printed, the snapshot kept — so
	// the change made meanwhile is reported by the next run.
	srv.RemoveMember(testCorp, "user000004")
	srv.AddDepartment(testCorp, wecomtest.Department{ID: 12, ParentID: 2, Name: "新部门"})
	srv.FailNext("/cgi-bin/user/list_id", 1, 45009)
	out, errOut, code = once(t, env, "-data", data)
	require.Equal(t, 1, code)
	require.Empty(t, out)
	require.Contains(t, errOut, "45009")
	out, errOut, code = once(t, env, "-data", data)
	require.Equal(t, 0, code, errOut)
	require.Equal(t, `{"op":"added","kind":"department","id":"12","name":"新部门"}
{"op":"removed","kind":"user","id":"user000004","name":"成员4"}
`, out)

	// WeCom unreachable altogether.
	srv.Close()
	_, _, code = once(t, env, "-data", data)
	require.Equal(t, 1, code)
}

// Settings are flags with environment fallbacks (the flag wins), reported
// together as the other servers do, exit 2; a data file that cannot be
// opened is a failure at run time, exit 1.
func TestSettings(t *testing.T) {
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"-once", "-interval", "1ms"}, func(k string) string {
		return map[string]string{"WECOM_AGENT_ID": "x", "WECOM_BASE_URL": "ftp://nope"}[k]
	}, &bytes.Buffer{}, &stderr)
	require.Equal(t, serve.ExitSettings, code)
	require.True(t, strings.HasPrefix(stderr.String(), "contacts-sync: invalid configuration:\n  - missing required settings: WECOM_CORP_ID (-corp-id), WECOM_CONTACT_SECRET (-contact-secret)\n"), stderr.String())
	for _, want := range []string{"\n  - WECOM_AGENT_ID (-agent-id): ", "\n  - WECOM_BASE_URL (-wecom-base-url): ", "\n  - CONTACTS_INTERVAL (-interval): \"1ms\" is not a duration", "Run with -h to list the settings.\n"} {
		require.Contains(t, stderr.String(), want)
	}
	stderr.Reset()
	code = run(context.Background(), nil, func(k string) string {
		return map[string]string{"WECOM_CORP_ID": "ww", "WECOM_CONTACT_SECRET": "s", "CONTACTS_NOTIFY": "true"}[k]
	}, &bytes.Buffer{}, &stderr)
	require.Equal(t, serve.ExitSettings, code)
	require.Contains(t, stderr.String(), "missing required settings: WECOM_SECRET (-secret), WECOM_AGENT_ID (-agent-id)", "CONTACTS_NOTIFY is -notify")
	stderr.Reset()
	code = run(context.Background(), []string{"-notify-initial", "-notify=false"}, func(k string) string {
		return map[string]string{"WECOM_CORP_ID": "ww", "WECOM_CONTACT_SECRET": "s", "CONTACTS_NOTIFY": "true"}[k]
	}, &bytes.Buffer{}, &stderr)
	require.Equal(t, serve.ExitSettings, code)
	require.Equal(t, "contacts-sync: invalid configuration:\n  - CONTACTS_NOTIFY_INITIAL (-notify-initial): only with -notify\nRun with -h to list the settings.\n", stderr.String(), "the flag wins over the variable")

	require.Equal(t, serve.ExitOK, run(context.Background(), []string{"-h"}, func(string) string { return "" }, &bytes.Buffer{}, &bytes.Buffer{}))
	require.Equal(t, serve.ExitSettings, run(context.Background(), []string{"extra"}, func(string) string { return "" }, &bytes.Buffer{}, &bytes.Buffer{}))

	// Everything from flags, the data file from CONTACTS_DATA.
	srv := fakeWeCom(t)
	data := filepath.Join(t.TempDir(), "env.db")
	var stdout bytes.Buffer
	stderr.Reset()
	code = run(context.Background(), []string{"-once", "-corp-id", testCorp, "-contact-secret", testContactSecret, "-secret", testAppSecret, "-agent-id", "1000002", "-wecom-base-url", srv.URL},
		func(k string) string { return map[string]string{"CONTACTS_DATA": data, "WECOM_CORP_ID": "wwother"}[k] }, &stdout, &stderr)
	require.Equal(t, serve.ExitOK, code, stderr.String())
	require.Equal(t, 7, strings.Count(stdout.String(), "\n"))
	_, err := os.Stat(data)
	require.NoError(t, err, "the snapshot is in CONTACTS_DATA")

	// A data file that cannot be opened: exit 1, said once.
	stderr.Reset()
	code = run(context.Background(), []string{"-once", "-data", filepath.Join(t.TempDir(), "missing-dir", "c.db")}, func(k string) string {
		return map[string]string{"WECOM_CORP_ID": testCorp, "WECOM_CONTACT_SECRET": testContactSecret, "WECOM_BASE_URL": srv.URL}[k]
	}, &bytes.Buffer{}, &stderr)
	require.Equal(t, serve.ExitFailed, code, stderr.String())
	require.Len(t, logLines(t, stderr.String(), "cannot open the data file"), 1, stderr.String())
}

// The first sync (an empty data file) is the baseline: -notify messages
// nobody then, unless -notify-initial says so; later syncs notify the
// members they add or change.
func TestNotify(t *testing.T) {
	srv := fakeWeCom(t)
	env := map[string]string{}
	for _, kv := range testEnv(srv) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	getenv := func(k string) string { return env[k] }
	data := filepath.Join(t.TempDir(), "contacts.db")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-once", "-notify", "-data", data}, getenv, &stdout, &stderr)
	require.Equal(t, serve.ExitOK, code, stderr.String())
	require.Equal(t, 7, strings.Count(stdout.String(), "\n"), "the baseline is printed all the same")
	require.Empty(t, srv.Messages(testCorp), "the first sync notifies nobody")
	require.Contains(t, stderr.String(), "-notify-initial")

	m := srv.Members(testCorp)[1]
	m.Position = "总监"
	srv.AddMember(testCorp, m)
	stdout.Reset()
	stderr.Reset()
	code = run(context.Background(), []string{"-once", "-notify", "-data", data}, getenv, &stdout, &stderr)
	require.Equal(t, serve.ExitOK, code, stderr.String())
	sent := srv.Messages(testCorp)
	require.Len(t, sent, 1)
	require.Equal(t, "textcard", sent[0].MsgType)
	require.Equal(t, []string{"user000002"}, sent[0].Delivered)
	require.Equal(t, "你的通讯录信息有更新：职务", sent[0].Fields["textcard.description"], "fields by their labels in the admin console")

	// -notify-initial welcomes everyone on a first sync.
	stderr.Reset()
	code = run(context.Background(), []string{"-once", "-notify", "-notify-initial", "-data", filepath.Join(t.TempDir(), "c2.db")}, getenv, &bytes.Buffer{}, &stderr)
	require.Equal(t, serve.ExitOK, code, stderr.String())
	sent = srv.Messages(testCorp)
	require.Len(t, sent, 2)
	require.Len(t, sent[1].Delivered, 4)
}

// A field the old snapshot did not know is null on the "old" side; a
// member whose name is unknown has no "name".
func TestLineUnknown(t *testing.T) {
	c := contact.Change{Op: contact.Changed, Kind: contact.KindUser, ID: "u1", Fields: []string{"position"},
		OldUser: &contact.User{UserID: "u1", Known: contact.FieldDepartment},
		NewUser: &contact.User{UserID: "u1", Position: "经理", Known: contact.FieldDepartment | contact.FieldPosition}}
	b, err := appendLine(nil, c)
	require.NoError(t, err)
	require.Equal(t, `{"op":"changed","kind":"user","id":"u1","fields":["position"],"old":{"position":null},"new":{"position":"经理"}}`, string(b))
	require.Equal(t, "你的通讯录信息有更新：职务、部门、futurefield", changedText([]string{"position", "department", "futurefield"}))
}

// logLines returns the JSON log lines of stderr whose msg is msg.
func logLines(t *testing.T, stderr, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), "a log line: %q", line)
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// Members outside the app's visible range are synced by id only; every
// sync's one log line counts them, in both modes.
func TestOutsideAppRange(t *testing.T) {
	srv := fakeWeCom(t)
	srv.SetVisibleScope(testCorp, testAgent, []int64{2}, nil)
	outside, hidden := 0, ""
	for _, m := range srv.Members(testCorp) {
		if !slices.Contains(m.Department, 2) {
			outside, hidden = outside+1, m.UserID
		}
	}
	require.Positive(t, outside)
	env := map[string]string{}
	for _, kv := range testEnv(srv) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	getenv := func(k string) string { return env[k] }
	data := filepath.Join(t.TempDir(), "c.db")
	var stdout, stderr bytes.Buffer
	require.Equal(t, serve.ExitOK, run(context.Background(), []string{"-once", "-data", data}, getenv, &stdout, &stderr), stderr.String())
	synced := logLines(t, stderr.String(), "synced")
	require.Len(t, synced, 1, stderr.String())
	require.Equal(t, 4.0, synced[0]["members"])
	require.Equal(t, float64(outside), synced[0]["outside_app_range"])
	require.Contains(t, stdout.String(), `"id":"`+hidden+`"}`, "tracked by id only")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, logs testutil.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-interval", "1s", "-data", data}, getenv, &out, &logs)
	}()
	require.Eventually(t, func() bool { return strings.Contains(logs.String(), `"msg":"synced"`) }, 10*time.Second, 5*time.Millisecond)
	cancel()
	require.Equal(t, serve.ExitOK, <-done)
	synced = logLines(t, logs.String(), "synced")
	require.NotEmpty(t, synced)
	for _, m := range synced {
		require.Equal(t, float64(outside), m["outside_app_range"], logs.String())
	}
	require.NotContains(t, logs.String(), "contact: synced", "one log line per sync")
}

// WeCom's 40001 names the secret it refused: the contact-sync secret has
// its own page in the admin console, not the app's.
func TestBadSecretHint(t *testing.T) {
	srv := fakeWeCom(t)
	for _, tc := range []struct{ variable, want, notWant string }{
		{"WECOM_CONTACT_SECRET", "管理工具 → 通讯录同步", "应用管理"},
		{"WECOM_SECRET", "应用管理", "通讯录同步"},
	} {
		env := map[string]string{}
		for _, kv := range testEnv(srv) {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		env[tc.variable] = "wrong-secret-0123456789"
		var stderr bytes.Buffer
		code := run(context.Background(), []string{"-once", "-data", filepath.Join(t.TempDir(), "c.db")}, func(k string) string { return env[k] }, &bytes.Buffer{}, &stderr)
		require.Equal(t, serve.ExitFailed, code, stderr.String())
		failed := logLines(t, stderr.String(), "sync failed; the previous snapshot is kept")
		require.Len(t, failed, 1, stderr.String())
		require.Equal(t, 40001.0, failed[0]["errcode"], tc.variable)
		require.Contains(t, failed[0]["hint"], tc.want, tc.variable)
		require.NotContains(t, failed[0]["hint"], tc.notWant, tc.variable)
	}
}

func TestDemoOnce(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-demo", "-once", "-data", filepath.Join(t.TempDir(), "d.db")}, func(string) string { return "" }, &stdout, &stderr)
	require.Equal(t, serve.ExitOK, code, stderr.String())
	require.Equal(t, 25, strings.Count(stdout.String(), `"op":"added"`))
}

// Run (not -once) stops cleanly with its context.
func TestRunStops(t *testing.T) {
	srv := fakeWeCom(t)
	env := map[string]string{}
	for _, kv := range testEnv(srv) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr testutil.SyncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"-data", filepath.Join(t.TempDir(), "c.db")}, func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	require.Eventually(t, func() bool { return strings.Count(stdout.String(), "\n") == 7 }, 10*time.Second, 5*time.Millisecond)
	cancel()
	require.Equal(t, serve.ExitOK, <-done)
	require.Contains(t, stderr.String(), `"msg":"stopped"`)
}
