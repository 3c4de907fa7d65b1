package wecomtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

type reply struct {
	ErrCode     *int   `json:"errcode"`
	ErrMsg      string `json:"errmsg"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int64  `json:"expires_in"`
}

func get(t *testing.T, srv *wecomtest.Server, path string, q url.Values) (int, reply, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path + "?" + q.Encode())
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var r reply
	_ = json.Unmarshal(body, &r)
	return resp.StatusCode, r, string(body)
}

func code(r reply) int {
	if r.ErrCode == nil {
		return -999
	}
	return *r.ErrCode
}

func TestGettoken(t *testing.T) {
	clock := wecomtest.NewClock(t0)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithTokenTTL(time.Hour),
		wecomtest.WithApp("corp", wecomtest.App{AgentID: 1, Secret: "s1"}),
		wecomtest.WithApp("corp", wecomtest.App{AgentID: 2, Secret: "s2"}))
	defer srv.Close()

	for name, tc := range map[string]struct {
		q    url.Values
		want int
	}{
		"no corpid":    {url.Values{"corpsecret": {"s1"}}, 41002},
		"no secret":    {url.Values{"corpid": {"corp"}}, 41004},
		"unknown corp": {url.Values{"corpid": {"nope"}, "corpsecret": {"s1"}}, 40013},
		"bad secret":   {url.Values{"corpid": {"corp"}, "corpsecret": {"s3"}}, 40001},
	} {
		t.Run(name, func(t *testing.T) {
			_, r, _ := get(t, srv, "/cgi-bin/gettoken", tc.q)
			require.Equal(t, tc.want, code(r))
			require.Contains(t, r.ErrMsg, "more info at")
		})
	}

	_, r, _ := get(t, srv, "/cgi-bin/gettoken", url.Values{"corpid": {"corp"}, "corpsecret": {"s2"}})
	require.Equal(t, 0, code(r))
	require.NotEmpty(t, r.AccessToken)
	require.EqualValues(t, 3600, r.ExpiresIn)
	require.Equal(t, []string{r.AccessToken}, srv.Tokens("corp", 2))
	require.Empty(t, srv.Tokens("corp", 1))
	require.Equal(t, 5, srv.Calls("/cgi-bin/gettoken"))

	clock.Advance(time.Hour)
	require.Empty(t, srv.Tokens("corp", 2), "token outlived its ttl")
}

func TestTokenChecksAndRevocation(t *testing.T) {
	clock := wecomtest.NewClock(t0)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp("corp", wecomtest.App{AgentID: 7, Secret: "s"}))
	defer srv.Close()
	var seen wecomtest.Caller
	srv.HandleFunc("/cgi-bin/x", func(w http.ResponseWriter, _ *http.Request, c wecomtest.Caller) {
		seen = c
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
	})
	tokenFor := func() string {
		_, r, _ := get(t, srv, "/cgi-bin/gettoken", url.Values{"corpid": {"corp"}, "corpsecret": {"s"}})
		return r.AccessToken
	}
	call := func(tok string) int {
		q := url.Values{}
		if tok != "" {
			q.Set("access_token", tok)
		}
		_, r, _ := get(t, srv, "/cgi-bin/x", q)
		return code(r)
	}
	tok := tokenFor()
	require.Equal(t, 0, call(tok))
	require.Equal(t, wecomtest.Caller{CorpID: "corp", AgentID: 7}, seen)
	require.Equal(t, 41001, call(""))
	require.Equal(t, 40014, call("made-up"))

	srv.RevokeTokens("corp", 7)
	require.Equal(t, 40014, call(tok))

	tok = tokenFor()
	srv.ExpireTokens("corp", 7)
	require.Equal(t, 42001, call(tok))

	tok = tokenFor()
	clock.Advance(7200 * time.Second)
	require.Equal(t, 42001, call(tok))

	tok = tokenFor()
	srv.RevokeToken(tok)
	require.Equal(t, 40014, call(tok))
}

func TestFaults(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp("corp", wecomtest.App{AgentID: 7, Secret: "s"}))
	defer srv.Close()
	q := url.Values{"corpid": {"corp"}, "corpsecret": {"s"}}
	const p = "/cgi-bin/gettoken"

	srv.FailNext(p, 2, -1)
	srv.Inject(p, 1, wecomtest.Fault{ErrCode: 45009})
	srv.Inject(p, 1, wecomtest.Fault{Status: http.StatusBadGateway})
	srv.Inject(p, 1, wecomtest.Fault{MalformedJSON: true})
	for _, want := range []int{-1, -1, 45009} {
		_, r, _ := get(t, srv, p, q)
		require.Equal(t, want, code(r))
	}
	status, _, body := get(t, srv, p, q)
	require.Equal(t, http.StatusBadGateway, status)
	require.True(t, strings.HasPrefix(body, "<html>"))
	status, _, body = get(t, srv, p, q)
	require.Equal(t, http.StatusOK, status)
	require.Error(t, json.Unmarshal([]byte(body), new(map[string]any)))
	_, r, _ := get(t, srv, p, q)
	require.Equal(t, 0, code(r), "faults used up")

	// A fresh connection, so that net/http does not transparently retry a
	// request that failed on a reused one.
	srv.Inject(p, 1, wecomtest.Fault{ResetConnection: true})
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	_, err := fresh.Get(srv.URL + p + "?" + q.Encode())
	require.Error(t, err)

	// Latency alone delays a normal answer; the client's deadline wins.
	srv.Inject(p, 1, wecomtest.Fault{Latency: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+p+"?"+q.Encode(), nil)
	start := time.Now()
	_, err = srv.Client().Do(req)
	require.Error(t, err)
	require.Less(t, time.Since(start), 2*time.Second)

	srv.Inject(p, 1, wecomtest.Fault{Latency: 10 * time.Millisecond})
	_, r, _ = get(t, srv, p, q)
	require.Equal(t, 0, code(r))

	// Forever faults and AnyPath, until cleared.
	srv.Inject(wecomtest.AnyPath, -1, wecomtest.Fault{ErrCode: 45033})
	for i := 0; i < 3; i++ {
		_, r, _ = get(t, srv, "/cgi-bin/anything", nil)
		require.Equal(t, 45033, code(r))
	}
	srv.ClearFaults()
	_, r, _ = get(t, srv, p, q)
	require.Equal(t, 0, code(r))
	// A path the server does not model is answered, never a silent success.
	status, r, _ = get(t, srv, "/cgi-bin/anything", nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, wecomtest.NotModelledCode, code(r))
	require.Contains(t, r.ErrMsg, "wecomtest: GET /cgi-bin/anything is not modelled by wecomtest")

	require.Equal(t, 4, srv.CallCounts()["/cgi-bin/anything"], "3 faulted calls and the not-modelled one")
	require.Positive(t, srv.Connections())
	srv.ResetCalls()
	require.Zero(t, srv.Calls(p))
}

// An AfterEffect fault lets the call take effect and spoils only the
// answer: the provider token is issued, but the caller sees a 502.
func TestFaultAfterEffect(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithProvider("wwprov", "provsecret"))
	defer srv.Close()
	const p = "/cgi-bin/service/get_provider_token"
	srv.Inject(p, 1, wecomtest.Fault{AfterEffect: true, Status: http.StatusBadGateway})
	resp, err := http.Post(srv.URL+p, "application/json", strings.NewReader(`{"corpid":"wwprov","provider_secret":"provsecret"}`))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusBadGateway, resp.StatusCode)
	require.Len(t, srv.ProviderTokens("wwprov"), 1, "the call took effect")
}
