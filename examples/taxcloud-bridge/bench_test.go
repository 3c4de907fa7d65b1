package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// benchApp is the bridge's full handler (access log included, formatted as
// in production and written to io.Discard) against wecomtest.
func benchApp(b *testing.B) (http.Handler, *wecomtest.Server) {
	b.Helper()
	srv := wecomtest.NewServer(wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: testSecret}))
	b.Cleanup(srv.Close)
	srv.AddMember(testCorp, wecomtest.Member{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com"})
	a, err := newApp(config{
		CorpID: testCorp, AgentID: testAgent, Secret: testSecret, SignSecret: testSignSecret,
		BaseURL: srv.URL, SignWindow: 300 * time.Second, WeComTimeout: 5 * time.Second,
	}, accesslog.NewLogger(io.Discard, slog.LevelInfo))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = a.Close() })
	return a.handler, srv
}

// BenchmarkJSSDKHandler is one /js-sdk request with a warm ticket, in
// process: verify the signature, sign wx.config, answer, log.
func BenchmarkJSSDKHandler(b *testing.B) {
	h, _ := benchApp(b)
	q := signer.SignQuery(url.Values{"appid": {testCorp}, "pageUrl": {"https://yesfp.yonyoucloud.com/folder/index.html?from=wecom"}}, testSignSecret, time.Now())
	target := "/js-sdk?" + q.Encode()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil)) // warm the ticket
	if rec.Code != http.StatusOK {
		b.Fatal(rec.Body.String())
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Error(w.Code)
				return
			}
		}
	})
}

// BenchmarkUserinfoHandler is one /userinfo request including its three
// calls to wecomtest over loopback (getuserinfo, getuserdetail, user/get).
func BenchmarkUserinfoHandler(b *testing.B) {
	h, srv := benchApp(b)
	targets := make([]string, b.N)
	for i := range targets {
		code := srv.NewCode(testCorp, testAgent, "zhangsan", wecomtest.ScopePrivateInfo)
		targets[i] = "/userinfo?" + signer.SignQuery(url.Values{"appid": {testCorp}, "code": {code}}, testSignSecret, time.Now()).Encode()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, targets[i], nil))
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
	b.StopTimer()
	if n := srv.Calls("/cgi-bin/gettoken"); n != 1 {
		b.Fatalf("gettoken called %d times", n)
	}
}
