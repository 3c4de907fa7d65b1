package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// BenchmarkSignHandler is one /sign request for an authorized corp with
// warm tickets, in process, through the full handler (access log
// included, formatted as in production and written to io.Discard): the
// corp's client and signer from their caches, wx.config and
// wx.agentConfig signed, the answer written. Compare with the bridge's
// BenchmarkJSSDKHandler (one wx.config plus a request signature check).
func BenchmarkSignHandler(b *testing.B) {
	srv := wecomtest.NewServer(wecomtest.WithSuite(wecomtest.Suite{ID: testSuiteID, Secret: testSuiteSecret, Token: testToken, EncodingAESKey: testAESKey}))
	b.Cleanup(srv.Close)
	a, err := newApp(testConfig(srv), store.NewMemory(), "memory", accesslog.NewLogger(io.Discard, slog.LevelInfo), suite.WithEphemeralStore())
	require.NoError(b, err)
	b.Cleanup(func() { _ = a.Close() })
	hs := httptest.NewServer(a.handler)
	b.Cleanup(hs.Close)
	srv.SetCommandURL(testSuiteID, hs.URL+"/callback/command")
	f := &inproc{srv: srv, a: a, hs: hs}
	f.install(b, corpA)

	target := "/sign?" + url.Values{"corpid": {corpA}, "url": {"https://app.example.com/folder/index.html?from=wecom"}}.Encode()
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil)) // warm the tickets
	require.Equal(b, http.StatusOK, rec.Code, rec.Body.String())
	req := httptest.NewRequest(http.MethodGet, target, nil)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			a.handler.ServeHTTP(w, req)
			if w.Code != http.StatusOK {
				b.Error(w.Code)
				return
			}
		}
	})
	b.StopTimer()
	if n := srv.Calls(pJSAPI); n != 1 {
		b.Fatalf("get_jsapi_ticket called %d times", n)
	}
}
