package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// variant is one way of building the bridge for the comparison
// benchmarks: the lean packages (jsonlog, httpquery, jsonenc) each against
// the standard library's counterpart on the bridge's real path.
type variant struct {
	name       string
	stdLog     bool // slog.JSONHandler instead of jsonlog
	stdQuery   bool // url.ParseQuery instead of httpquery.Parse
	stdAnswers bool // encoding/json instead of jsonenc and hand-written answers
}

func variants() []variant {
	return []variant{
		{name: "lean"},
		{name: "slog.JSONHandler", stdLog: true},
		{name: "url.ParseQuery", stdQuery: true},
		{name: "encoding-json", stdAnswers: true},
		{name: "stdlib", stdLog: true, stdQuery: true, stdAnswers: true},
	}
}

// variantApp is the bridge's full handler built as v says, logging (as in
// production, at info level) to io.Discard, against wecomtest.
func variantApp(tb testing.TB, v variant, out io.Writer) (http.Handler, *wecomtest.Server) {
	tb.Helper()
	srv := wecomtest.NewServer(wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: testSecret}))
	tb.Cleanup(srv.Close)
	srv.AddMember(testCorp, wecomtest.Member{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com"})
	logger := accesslog.NewLogger(out, slog.LevelInfo)
	if v.stdLog {
		logger = accesslog.NewStdLogger(out, slog.LevelInfo)
	}
	a, err := newApp(config{
		CorpID: testCorp, AgentID: testAgent, Secret: testSecret, SignSecret: testSignSecret,
		BaseURL: srv.URL, SignWindow: 300 * time.Second, WeComTimeout: 5 * time.Second,
	}, logger)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = a.Close() })
	if v.stdQuery {
		a.bridge.parseQuery = url.ParseQuery
	}
	a.bridge.stdJSON = v.stdAnswers
	return a.handler, srv
}

const benchPage = "https://yesfp.yonyoucloud.com/folder/index.html?from=wecom"

// BenchmarkJSSDKVariants is one /js-sdk request with a warm ticket, in
// process and on one goroutine (less noise than RunParallel on a shared
// VM): verify the signature, sign wx.config, answer, log — per variant.
func BenchmarkJSSDKVariants(b *testing.B) {
	for _, v := range variants() {
		b.Run(v.name, func(b *testing.B) {
			h, _ := variantApp(b, v, io.Discard)
			q := signer.SignQuery(url.Values{"appid": {testCorp}, "pageUrl": {benchPage}}, testSignSecret, time.Now())
			req := httptest.NewRequest(http.MethodGet, "/js-sdk?"+q.Encode(), nil)
			w := &benchWriter{h: http.Header{}}
			h.ServeHTTP(w, req) // warm the ticket
			if w.status != http.StatusOK {
				b.Fatal(w.status)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				clear(w.h)
				h.ServeHTTP(w, req)
			}
			reportCPU(b, cpu)
		})
	}
}

// BenchmarkUserinfoVariants is one /userinfo request including its three
// calls to wecomtest over loopback (getuserinfo, getuserdetail,
// user/get), per variant.
func BenchmarkUserinfoVariants(b *testing.B) {
	for _, v := range variants() {
		b.Run(v.name, func(b *testing.B) {
			h, srv := variantApp(b, v, io.Discard)
			reqs := make([]*http.Request, b.N)
			for i := range reqs {
				code := srv.NewCode(testCorp, testAgent, "zhangsan", wecomtest.ScopePrivateInfo)
				q := signer.SignQuery(url.Values{"appid": {testCorp}, "code": {code}}, testSignSecret, time.Now())
				reqs[i] = httptest.NewRequest(http.MethodGet, "/userinfo?"+q.Encode(), nil)
			}
			w := &benchWriter{h: http.Header{}}
			b.ReportAllocs()
			b.ResetTimer()
			cpu := cpuTime()
			for i := 0; i < b.N; i++ {
				clear(w.h)
				h.ServeHTTP(w, reqs[i])
				if w.status != http.StatusOK {
					b.Fatal(w.status)
				}
			}
			reportCPU(b, cpu)
		})
	}
}

// reportCPU reports the process's CPU time per op since start (cpuTime):
// on the shared VM, wall time per op moves by ±50% with the other
// tenants' load, CPU time much less. With -cpu 1 it is the request's own
// cost plus the garbage collector's share; with /userinfo it includes
// wecomtest's side of the loopback calls, which is the same in every
// variant.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

// Every variant answers and logs the same: the benchmarks compare equals.
func TestVariantsAnswerAndLogTheSame(t *testing.T) {
	type result struct {
		body string
		line map[string]any
	}
	run := func(v variant) map[string]result {
		logs := &testutil.SyncBuffer{}
		h, srv := variantApp(t, v, logs)
		out := map[string]result{}
		code := srv.NewCode(testCorp, testAgent, "zhangsan", wecomtest.ScopePrivateInfo)
		ts := time.Unix(time.Now().Unix(), 0)
		for name, q := range map[string]url.Values{
			"userinfo": signer.SignQuery(url.Values{"appid": {testCorp}, "code": {code}}, testSignSecret, ts),
			"js-sdk":   signer.SignQuery(url.Values{"appid": {testCorp}, "pageUrl": {benchPage}}, testSignSecret, ts),
			"bad":      {"appid": {testCorp}, "pageUrl": {"<x>&\u2028"}, "ts": {"1"}},
		} {
			path := "/" + name
			if name == "bad" {
				path = "/js-sdk"
			}
			req := httptest.NewRequest(http.MethodGet, path+"?"+q.Encode(), nil)
			req.Header.Set("X-Request-Id", "id-"+name)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			out[name] = result{body: rec.Body.String(), line: accessLine(t, logs.String(), "id-"+name)}
		}
		return out
	}
	want := run(variants()[0])
	for _, v := range variants()[1:] {
		got := run(v)
		for name, w := range want {
			g := got[name]
			if name == "js-sdk" { // a fresh nonce and signature each time
				require.Equal(t, len(w.body), len(g.body), "%s %s: %s vs %s", v.name, name, w.body, g.body)
			} else {
				require.Equal(t, w.body, g.body, "%s %s", v.name, name)
			}
			delete(w.line, "time")
			delete(g.line, "time")
			delete(w.line, "latency_ms")
			delete(g.line, "latency_ms")
			require.Equal(t, w.line, g.line, "%s %s", v.name, name)
		}
	}
}

// benchWriter is a ResponseWriter that keeps the header map and the status.
type benchWriter struct {
	h      http.Header
	status int
}

func (w *benchWriter) Header() http.Header         { return w.h }
func (w *benchWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *benchWriter) WriteHeader(s int)           { w.status = s }
