package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Two bridge instances behind a load balancer share one Redis: between
// them, under load, WeCom sees one gettoken and one get_jsapi_ticket.
func TestTwoInstancesShareTokensOnRedis(t *testing.T) {
	rs := redistest.Start(t)
	srv := wecomtest.NewServer(wecomtest.WithApp(testCorp, wecomtest.App{AgentID: testAgent, Secret: testSecret}))
	defer srv.Close()
	srv.AddMember(testCorp, wecomtest.Member{UserID: "lisi", Name: "李四", Mobile: "13800000002"})
	// Slow the credential endpoints so both instances' first requests
	// overlap with the fetch.
	srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{Latency: 100 * time.Millisecond})
	srv.Inject("/cgi-bin/get_jsapi_ticket", 1, wecomtest.Fault{Latency: 100 * time.Millisecond})

	// WeComTimeout is generous: the test is about sharing one token, and
	// 400 requests under the race detector on a loaded machine may wait on
	// the lock for seconds.
	var bridges []string
	for i := 0; i < 2; i++ {
		a, err := newApp(config{
			CorpID: testCorp, AgentID: testAgent, Secret: testSecret, SignSecret: testSignSecret,
			BaseURL: srv.URL, SignWindow: 300 * time.Second, WeComTimeout: 60 * time.Second,
			RedisURL: wecom.Secret(rs.URL()),
		}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
		require.NoError(t, err)
		defer a.Close()
		hs := httptest.NewServer(a.handler)
		defer hs.Close()
		bridges = append(bridges, hs.URL)
	}

	const perInstance = 100
	var wg sync.WaitGroup
	results := make(chan string, 4*perInstance)
	for i := 0; i < perInstance; i++ {
		for _, base := range bridges {
			wg.Add(2)
			go func(base string) {
				defer wg.Done()
				q := signer.SignQuery(url.Values{"appid": {testCorp}, "pageUrl": {"https://example.com/folder"}}, testSignSecret, time.Now())
				results <- getCode(base + "/js-sdk?" + q.Encode())
			}(base)
			go func(base string) {
				defer wg.Done()
				code := srv.NewCode(testCorp, testAgent, "lisi", wecomtest.ScopePrivateInfo)
				q := signer.SignQuery(url.Values{"appid": {testCorp}, "code": {code}}, testSignSecret, time.Now())
				results <- getCode(base + "/userinfo?" + q.Encode())
			}(base)
		}
	}
	wg.Wait()
	close(results)
	for r := range results {
		require.Equal(t, codeOK, r)
	}
	require.Equal(t, 1, srv.Calls("/cgi-bin/gettoken"))
	require.Equal(t, 1, srv.Calls("/cgi-bin/get_jsapi_ticket"))
}

func getCode(u string) string {
	resp, err := http.Get(u)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var e envelopeOut
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		return err.Error()
	}
	return e.Code
}

func TestBadRedisURLIsAStartupError(t *testing.T) {
	_, err := newApp(config{
		CorpID: testCorp, AgentID: testAgent, Secret: testSecret, SignSecret: testSignSecret,
		BaseURL: "http://127.0.0.1:1", SignWindow: time.Minute, WeComTimeout: time.Second,
		RedisURL: "mysql://user:hunter2@db/0",
	}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	require.ErrorContains(t, err, "REDIS_URL")
	require.NotContains(t, err.Error(), "hunter2")
}
