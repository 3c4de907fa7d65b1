package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/internal/testutil"
)

// Readiness: not before the first good sync; a failure is tolerated while
// the last good snapshot is at most two intervals old.
func TestSyncStateReady(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := newSyncState(time.Minute, func() time.Time { return now })
	ok, why := s.ready()
	require.False(t, ok)
	require.Equal(t, "no successful sync yet", why)
	s.failed()
	ok, _ = s.ready()
	require.False(t, ok, "a failure first is still not ready")

	s.succeeded()
	ok, _ = s.ready()
	require.True(t, ok)
	now = now.Add(5 * time.Minute)
	ok, _ = s.ready()
	require.True(t, ok, "no failure: an old snapshot alone does not make it unready")
	now = now.Add(-4 * time.Minute) // 1 minute after the good sync
	s.failed()
	ok, _ = s.ready()
	require.True(t, ok, "a failure within two intervals of the good snapshot")
	now = now.Add(61 * time.Second)
	ok, why = s.ready()
	require.False(t, ok)
	require.Contains(t, why, "older than two intervals")
	s.succeeded()
	ok, _ = s.ready()
	require.True(t, ok)

	s.printed(contact.Changes{{Op: contact.Added, Kind: contact.KindUser, ID: "a"}, {Op: contact.Removed, Kind: contact.KindDepartment, ID: "2"}})
	w := httptest.NewRecorder()
	s.handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{
		`contacts_sync_syncs_total{outcome="ok"} 2`,
		`contacts_sync_syncs_total{outcome="failed"} 2`,
		`contacts_sync_changes_total{kind="user",op="added"} 1`,
		`contacts_sync_changes_total{kind="department",op="removed"} 1`,
		`contacts_sync_changes_total{kind="user",op="changed"} 0`,
		`contacts_sync_last_success_timestamp_seconds 1.767225721e+09`, // 2026-01-01T00:02:01Z
	} {
		require.Contains(t, w.Body.String(), want)
	}
}

// getJSON fetches url and decodes its JSON answer.
func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	var m map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&m))
	require.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
	return resp.StatusCode, m
}

// readyz returns /readyz's status and reason, or 0 when it does not
// answer; it never fails the test, so that require.Eventually may call it.
func readyz(base string) (int, string) {
	resp, err := http.Get(base + "/readyz")
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	var m struct{ Reason string }
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m.Reason
}

// listenAddr waits for the "listening" line and returns its address.
func listenAddr(t *testing.T, stderr *testutil.SyncBuffer) string {
	t.Helper()
	var addr string
	require.Eventually(t, func() bool {
		for _, line := range strings.Split(stderr.String(), "\n") {
			var m map[string]any
			if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "listening" {
				addr, _ = m["addr"].(string)
				return true
			}
		}
		return false
	}, 10*time.Second, 5*time.Millisecond)
	return addr
}

// -listen (here from LISTEN_ADDR) serves /healthz, /readyz and /metrics
// next to the syncs; standard output still carries the changes only.
func TestListen(t *testing.T) {
	srv := fakeWeCom(t)
	env := map[string]string{"LISTEN_ADDR": "127.0.0.1:0"}
	for _, kv := range testEnv(srv) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testutil.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"-interval", "1s", "-data", filepath.Join(t.TempDir(), "c.db")}, func(k string) string { return env[k] }, &stdout, &stderr)
	}()
	base := "http://" + listenAddr(t, &stderr)

	code, m := getJSON(t, base+"/healthz")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ok", m["status"])
	require.Eventually(t, func() bool {
		code, _ := readyz(base)
		return code == http.StatusOK
	}, 10*time.Second, 10*time.Millisecond, "ready after the first sync")
	code, m = getJSON(t, base+"/readyz")
	require.Equal(t, http.StatusOK, code)
	require.Equal(t, "ready", m["status"])

	resp, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	metrics := string(body)
	require.Contains(t, metrics, `contacts_sync_changes_total{kind="user",op="added"} 4`)
	require.Contains(t, metrics, `contacts_sync_changes_total{kind="department",op="added"} 3`)
	require.Regexp(t, `contacts_sync_syncs_total\{outcome="ok"\} [1-9]`, metrics)
	require.Regexp(t, `contacts_sync_last_success_timestamp_seconds [1-9]`, metrics)
	require.Contains(t, metrics, `contacts_sync_wecom_calls_total{api="/cgi-bin/gettoken",errcode="0"}`)

	// WeCom goes away: the syncs fail, and once the last good snapshot is
	// two intervals old the process is not ready.
	srv.Close()
	require.Eventually(t, func() bool {
		code, reason := readyz(base)
		return code == http.StatusServiceUnavailable && strings.Contains(reason, "two intervals")
	}, 15*time.Second, 50*time.Millisecond)
	code, _ = getJSON(t, base+"/healthz")
	require.Equal(t, http.StatusOK, code, "alive all the same")

	cancel()
	require.Equal(t, serve.ExitOK, <-done)
	require.Contains(t, stderr.String(), `"msg":"stopped"`)
	for _, line := range strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n") {
		var c map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &c), "stdout carries changes only: %q", line)
		require.Contains(t, c, "op")
	}
	require.Equal(t, 7, strings.Count(stdout.String(), "\n"))
	_, err = http.Get(base + "/healthz")
	require.Error(t, err, "the listener is closed")
}

// A port in use is an invalid setting (exit 2); with -once nothing
// listens.
func TestListenSettings(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	srv := fakeWeCom(t)
	env := map[string]string{}
	for _, kv := range testEnv(srv) {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"-listen", ln.Addr().String()}, func(k string) string { return env[k] }, &bytes.Buffer{}, &stderr)
	require.Equal(t, serve.ExitSettings, code)
	require.Contains(t, stderr.String(), "contacts-sync: invalid configuration:\n  - LISTEN_ADDR (-listen): cannot listen on")
	require.Contains(t, stderr.String(), "Run with -h")

	stderr.Reset()
	env["LISTEN_ADDR"] = ln.Addr().String() // in use, but -once does not listen
	code = run(context.Background(), []string{"-once", "-data", filepath.Join(t.TempDir(), "c.db")}, func(k string) string { return env[k] }, &bytes.Buffer{}, &stderr)
	require.Equal(t, serve.ExitOK, code, stderr.String())
	require.NotContains(t, stderr.String(), `"msg":"listening"`)
}
