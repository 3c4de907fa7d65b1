package wecom_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID  = "ww-test-corp"
	agentID = 1000002
	secret  = "app-secret-do-not-log"
	pingURL = "/cgi-bin/test/ping"
)

// fixture is a wecomtest server with one app, a /cgi-bin/test/ping
// endpoint (GET and POST) and a client pointed at it.
type fixture struct {
	srv    *wecomtest.Server
	clock  *wecomtest.Clock
	client *wecom.Client
	logs   *testutil.SyncBuffer
	posted chan []byte
}

func newFixture(t *testing.T, opts ...wecom.Option) *fixture {
	t.Helper()
	clock := wecomtest.NewClock(t0)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, clock: clock, logs: &testutil.SyncBuffer{}, posted: make(chan []byte, 100)}
	srv.HandleFunc(pingURL, func(w http.ResponseWriter, r *http.Request, c wecomtest.Caller) {
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			f.posted <- b
		}
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "corpid": c.CorpID, "agentid": c.AgentID, "echo": r.URL.Query().Get("echo")})
	})
	logger := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	all := append([]wecom.Option{
		wecom.WithAgentID(agentID),
		wecom.WithBaseURL(srv.URL),
		wecom.WithClock(clock.Now),
		wecom.WithLogger(logger),
		wecom.WithBackoff(time.Millisecond, 5*time.Millisecond),
	}, opts...)
	c, err := wecom.New(corpID, secret, all...)
	require.NoError(t, err)
	f.client = c
	t.Cleanup(func() {
		// Whatever a test did, nothing secret reached the log.
		logs := f.logs.String()
		require.NotContains(t, logs, secret)
		for _, tok := range srv.Tokens(corpID, agentID) {
			require.NotContains(t, logs, tok)
		}
	})
	return f
}

type pingResponse struct {
	CorpID  string `json:"corpid"`
	AgentID int64  `json:"agentid"`
	Echo    string `json:"echo"`
}

func (f *fixture) ping(ctx context.Context) (pingResponse, error) {
	var out pingResponse
	err := f.client.Get(ctx, pingURL, url.Values{"echo": {"hi"}}, &out)
	return out, err
}

func TestNewValidates(t *testing.T) {
	for name, tc := range map[string]struct {
		corp, secret string
		opts         []wecom.Option
	}{
		"empty corp":    {"", "s", nil},
		"empty secret":  {"ww", "", nil},
		"ftp base":      {"ww", "s", []wecom.Option{wecom.WithBaseURL("ftp://example.com")}},
		"relative base": {"ww", "s", []wecom.Option{wecom.WithBaseURL("/cgi-bin")}},
		"garbage base":  {"ww", "s", []wecom.Option{wecom.WithBaseURL("http://[::1")}},
		"empty base":    {"ww", "s", []wecom.Option{wecom.WithBaseURL("")}},
		"query in base": {"ww", "s", []wecom.Option{wecom.WithBaseURL("https://h/?access_token=x")}},
	} {
		t.Run(name, func(t *testing.T) {
			c, err := wecom.New(tc.corp, tc.secret, tc.opts...)
			require.ErrorIs(t, err, wecom.ErrInvalidConfig)
			require.Nil(t, c)
			require.NotContains(t, err.Error(), "access_token=x")
		})
	}
	_, err := wecom.NewWithTokenSource("ww", nil)
	require.ErrorIs(t, err, wecom.ErrInvalidConfig)
	c, err := wecom.New("ww", "s", wecom.WithBaseURL("http://127.0.0.1:1/"), wecom.WithAgentID(7))
	require.NoError(t, err)
	require.Equal(t, "ww", c.CorpID())
	require.EqualValues(t, 7, c.AgentID())
}

func TestGetInjectsTokenAndDecodes(t *testing.T) {
	f := newFixture(t)
	out, err := f.ping(context.Background())
	require.NoError(t, err)
	require.Equal(t, pingResponse{CorpID: corpID, AgentID: agentID, Echo: "hi"}, out)
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/gettoken"))
	tok, err := f.client.AccessToken(context.Background())
	require.NoError(t, err)
	require.Equal(t, f.srv.Tokens(corpID, agentID), []string{tok})
}

func TestPostSendsJSON(t *testing.T) {
	f := newFixture(t)
	body := map[string]any{"touser": "zhangsan", "text": map[string]string{"content": `<a href="https://x/?a=1&b=2">link</a>`}}
	require.NoError(t, f.client.Post(context.Background(), pingURL, nil, body, nil))
	got := <-f.posted
	require.Contains(t, string(got), `<a href=\"https://x/?a=1&b=2\">`, "HTML must not be escaped")
	var round map[string]any
	require.NoError(t, json.Unmarshal(got, &round))
	require.Equal(t, "zhangsan", round["touser"])
}

func TestAPIError(t *testing.T) {
	f := newFixture(t)
	f.srv.FailNext(pingURL, 1, 60011)
	_, err := f.ping(context.Background())
	var ae *wecom.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, 60011, ae.Code)
	require.Equal(t, pingURL, ae.Path)
	require.Equal(t, 60011, wecom.ErrorCode(err))
	require.ErrorIs(t, err, &wecom.APIError{Code: 60011})
	require.NotErrorIs(t, err, &wecom.APIError{Code: 60012})
	require.False(t, wecom.IsTokenInvalid(err))
	require.Contains(t, err.Error(), "60011")
	require.Equal(t, 0, wecom.ErrorCode(nil))
	require.Equal(t, 0, wecom.ErrorCode(errors.New("x")))
	require.True(t, wecom.IsTokenInvalid(&wecom.APIError{Code: 42001}))
}

func TestMissingErrcodeIsSuccess(t *testing.T) {
	f := newFixture(t)
	// Answered like get_corp_token, which sends no errcode on success;
	// the path is the test's own (wecomtest checks get_corp_token's token
	// kind, which this corp client does not hold).
	f.srv.HandleFunc("/cgi-bin/test/no-errcode", func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"access_token": "xyz", "expires_in": 7200})
	})
	var out struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, f.client.Post(context.Background(), "/cgi-bin/test/no-errcode", nil, map[string]string{}, &out))
	require.Equal(t, "xyz", out.AccessToken)
}

func TestColdStampedeOneGettoken(t *testing.T) {
	f := newFixture(t)
	// Slow the token endpoint so all callers arrive while it is in flight.
	f.srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{Latency: 50 * time.Millisecond})
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.client.AccessToken(context.Background()); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/gettoken"))
}

func TestThreeLifetimesThreeFetches(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for life := 0; life < 3; life++ {
		for i := 0; i < 10; i++ {
			_, err := f.ping(ctx)
			require.NoError(t, err)
			f.clock.Advance(9 * time.Minute) // 90 min < 80% of 120 min
		}
		f.clock.Set(t0.Add(time.Duration(life+1) * 7200 * time.Second))
	}
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/gettoken"))
	require.Equal(t, 30, f.srv.Calls(pingURL))
}

func TestRetrySystemBusy(t *testing.T) {
	f := newFixture(t)
	f.srv.FailNext(pingURL, 2, -1)
	_, err := f.ping(context.Background())
	require.NoError(t, err)
	require.Equal(t, 3, f.srv.Calls(pingURL))

	f.srv.ResetCalls()
	f.srv.FailNext(pingURL, 10, -1)
	_, err = f.ping(context.Background())
	require.Equal(t, -1, wecom.ErrorCode(err))
	require.Equal(t, 4, f.srv.Calls(pingURL), "1 try + 3 retries")
}

func TestNoRetryOnLimits(t *testing.T) {
	for _, code := range []int{45009, 45033, 48002, 60020} {
		f := newFixture(t)
		_, err := f.ping(context.Background()) // warm the token
		require.NoError(t, err)
		f.srv.ResetCalls()
		f.srv.FailNext(pingURL, 1, code)
		_, err = f.ping(context.Background())
		require.Equal(t, code, wecom.ErrorCode(err))
		require.Equal(t, 1, f.srv.Calls(pingURL), "errcode %d was retried", code)
		require.Equal(t, 0, f.srv.Calls("/cgi-bin/gettoken"))
	}
}

func TestTokenRejectedRetriesOnce(t *testing.T) {
	ctx := context.Background()
	for name, reject := range map[string]func(f *fixture){
		"revoked (40014)": func(f *fixture) { f.srv.RevokeTokens(corpID, agentID) },
		"expired (42001)": func(f *fixture) { f.srv.ExpireTokens(corpID, agentID) },
		"40001":           func(f *fixture) { f.srv.FailNext(pingURL, 1, 40001) },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.ping(ctx)
			require.NoError(t, err)
			reject(f)
			_, err = f.ping(ctx)
			require.NoError(t, err)
			require.Equal(t, 2, f.srv.Calls("/cgi-bin/gettoken"))
			require.Equal(t, 3, f.srv.Calls(pingURL))
		})
	}
	t.Run("only once", func(t *testing.T) {
		f := newFixture(t)
		f.srv.FailNext(pingURL, 5, 42001)
		_, err := f.ping(ctx)
		require.Equal(t, 42001, wecom.ErrorCode(err))
		require.True(t, wecom.IsTokenInvalid(err))
		require.Equal(t, 2, f.srv.Calls(pingURL))
		require.Equal(t, 2, f.srv.Calls("/cgi-bin/gettoken"))
	})
}

func TestConcurrentTokenRejectionOneExtraFetch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.ping(ctx)
	require.NoError(t, err)
	f.srv.RevokeTokens(corpID, agentID)
	// Hold the answers so every caller has sent the revoked token before
	// any of them learns it was rejected.
	f.srv.Inject(pingURL, 20, wecomtest.Fault{Latency: 30 * time.Millisecond})
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.ping(ctx); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/gettoken"), "exactly one extra gettoken")
}

func TestTransportFaults(t *testing.T) {
	ctx := context.Background()
	for name, fault := range map[string]wecomtest.Fault{
		"502":   {Status: http.StatusBadGateway},
		"500":   {Status: http.StatusInternalServerError},
		"reset": {ResetConnection: true},
	} {
		t.Run(name+"/GET retried", func(t *testing.T) {
			f := newFixture(t)
			_, err := f.ping(ctx)
			require.NoError(t, err)
			f.srv.Inject(pingURL, 2, fault)
			_, err = f.ping(ctx)
			require.NoError(t, err)
			require.Equal(t, 4, f.srv.Calls(pingURL))
		})
		t.Run(name+"/POST not retried", func(t *testing.T) {
			f := newFixture(t)
			_, err := f.ping(ctx)
			require.NoError(t, err)
			f.srv.Inject(pingURL, 1, fault)
			err = f.client.Post(ctx, pingURL, nil, map[string]int{"a": 1}, nil)
			require.Error(t, err)
			require.Equal(t, 2, f.srv.Calls(pingURL))
			if fault.Status != 0 {
				var he *wecom.HTTPError
				require.ErrorAs(t, err, &he)
				require.Equal(t, fault.Status, he.StatusCode)
			}
		})
		t.Run(name+"/idempotent POST retried", func(t *testing.T) {
			f := newFixture(t)
			f.srv.Inject(pingURL, 1, fault)
			err := f.client.Do(ctx, &wecom.Request{Method: http.MethodPost, Path: pingURL, Body: map[string]int{}, Idempotent: true}, nil)
			require.NoError(t, err)
			require.Equal(t, 2, f.srv.Calls(pingURL))
		})
	}
	t.Run("gettoken 502 then fine", func(t *testing.T) {
		f := newFixture(t)
		f.srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{Status: 502})
		_, err := f.ping(ctx)
		require.NoError(t, err)
		require.Equal(t, 2, f.srv.Calls("/cgi-bin/gettoken"))
	})
	t.Run("gives up after 3 retries", func(t *testing.T) {
		f := newFixture(t)
		_, err := f.ping(ctx)
		require.NoError(t, err)
		f.srv.Inject(pingURL, -1, wecomtest.Fault{Status: 503})
		_, err = f.ping(ctx)
		require.Error(t, err)
		require.Equal(t, 5, f.srv.Calls(pingURL))
	})
}

func TestMalformedJSON(t *testing.T) {
	f := newFixture(t)
	_, err := f.ping(context.Background())
	require.NoError(t, err)
	f.srv.Inject(pingURL, 1, wecomtest.Fault{MalformedJSON: true})
	_, err = f.ping(context.Background())
	require.ErrorContains(t, err, pingURL)
	require.Equal(t, 2, f.srv.Calls(pingURL), "malformed JSON is not retried")

	f.srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{MalformedJSON: true})
	f.srv.RevokeTokens(corpID, agentID)
	_, err = f.ping(context.Background())
	require.ErrorContains(t, err, "/cgi-bin/gettoken")
}

func TestOddBodies(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		body string
		want string
	}{
		"not json":      {"<html>oops</html>", "not a JSON object"},
		"array":         {"[1,2,3]", "not a JSON object"},
		"empty":         {"", "not a JSON object"},
		"wrong type":    {`{"errcode":0,"corpid":17}`, "decode response"},
		"errcode bogus": {`{"errcode":"zero"}`, "not a JSON object"},
	} {
		t.Run(name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.WriteString(w, tc.body)
			}))
			defer hs.Close()
			c, err := wecom.NewWithTokenSource(corpID, wecom.StaticToken("static-token"), wecom.WithBaseURL(hs.URL))
			require.NoError(t, err)
			var out pingResponse
			err = c.Get(ctx, pingURL, nil, &out)
			require.ErrorContains(t, err, tc.want)
			require.ErrorContains(t, err, pingURL)
		})
	}
}

func TestResponseTooLarge(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"errcode":0,"pad":"`+strings.Repeat("x", 5000)+`"}`)
	}))
	defer hs.Close()
	c, err := wecom.NewWithTokenSource(corpID, wecom.StaticToken("static-token"), wecom.WithBaseURL(hs.URL), wecom.WithMaxResponseBytes(4096))
	require.NoError(t, err)
	err = c.Get(context.Background(), pingURL, nil, nil)
	require.ErrorIs(t, err, wecom.ErrResponseTooLarge)
	require.ErrorContains(t, err, pingURL)
}

func TestContextDeadline(t *testing.T) {
	f := newFixture(t)
	_, err := f.ping(context.Background())
	require.NoError(t, err)
	f.srv.Inject(pingURL, 1, wecomtest.Fault{Latency: 5 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = f.ping(ctx)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Less(t, time.Since(start), 2*time.Second)
	require.Equal(t, 2, f.srv.Calls(pingURL), "no retry once the caller's deadline passed")
}

func TestContextCancelledDuringTokenFetch(t *testing.T) {
	f := newFixture(t)
	f.srv.Inject("/cgi-bin/gettoken", 1, wecomtest.Fault{Latency: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := f.ping(ctx)
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, time.Since(start), 2*time.Second)
}

func TestPerAttemptTimeout(t *testing.T) {
	f := newFixture(t, wecom.WithRequestTimeout(50*time.Millisecond))
	_, err := f.ping(context.Background())
	require.NoError(t, err)
	f.srv.Inject(pingURL, 1, wecomtest.Fault{Latency: 5 * time.Second})
	_, err = f.ping(context.Background())
	require.NoError(t, err, "the slow attempt times out and the GET is retried")
	require.Equal(t, 3, f.srv.Calls(pingURL))
}

func TestErrorsNeverShowSecrets(t *testing.T) {
	ctx := context.Background()
	// An unreachable server: net/http's error quotes the URL, query and all.
	hs := httptest.NewServer(http.NotFoundHandler())
	base := hs.URL
	hs.Close()
	c, err := wecom.New(corpID, secret, wecom.WithBaseURL(base), wecom.WithRetries(0))
	require.NoError(t, err)
	_, err = c.AccessToken(ctx)
	require.Error(t, err)
	require.NotContains(t, err.Error(), secret)
	require.Contains(t, err.Error(), "/cgi-bin/gettoken")

	c, err = wecom.NewWithTokenSource(corpID, wecom.StaticToken("TOKEN-VALUE-42"), wecom.WithBaseURL(base), wecom.WithRetries(0))
	require.NoError(t, err)
	err = c.Get(ctx, pingURL, nil, nil)
	require.Error(t, err)
	require.NotContains(t, err.Error(), "TOKEN-VALUE-42")

	// An errmsg quoting the token.
	f := newFixture(t)
	tok, err := f.client.AccessToken(ctx)
	require.NoError(t, err)
	f.srv.Inject(pingURL, 1, wecomtest.Fault{ErrCode: 40058, ErrMsg: "bad param near access_token=" + tok})
	_, err = f.ping(ctx)
	require.Error(t, err)
	require.NotContains(t, err.Error(), tok)
}

func TestWrongSecret(t *testing.T) {
	f := newFixture(t)
	c, err := wecom.New(corpID, "wrong", wecom.WithBaseURL(f.srv.URL))
	require.NoError(t, err)
	_, err = c.AccessToken(context.Background())
	require.Equal(t, 40001, wecom.ErrorCode(err))
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/gettoken"), "a bad secret is not retried")
}

func TestSharedStoreAcrossClients(t *testing.T) {
	f := newFixture(t)
	mem := store.NewMemory(store.WithClock(f.clock.Now))
	var clients []*wecom.Client
	for i := 0; i < 3; i++ {
		c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(f.srv.URL),
			wecom.WithStore(mem), wecom.WithClock(f.clock.Now))
		require.NoError(t, err)
		clients = append(clients, c)
	}
	for _, c := range clients {
		_, err := c.AccessToken(context.Background())
		require.NoError(t, err)
	}
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/gettoken"))
}

func TestTokenKeysNeverHoldSecrets(t *testing.T) {
	for name, base := range map[string]store.Store{
		"with a Locker":    store.NewMemory(),
		"without a Locker": testutil.WithoutLocker(store.NewMemory()),
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			st, rec := testutil.NewRecordingStore(base)
			for _, opts := range [][]wecom.Option{
				{wecom.WithAgentID(agentID)},
				{}, // no agentid: keyed by a hash of the secret
			} {
				c, err := wecom.New(corpID, secret, append(opts, wecom.WithBaseURL(f.srv.URL), wecom.WithStore(st))...)
				require.NoError(t, err)
				_, err = c.AccessToken(context.Background())
				require.NoError(t, err)
			}
			keys := rec.Keys()
			require.Len(t, keys, 2, "two apps, two keys")
			for _, k := range keys {
				require.NotContains(t, k, secret)
				require.Contains(t, k, corpID)
			}
		})
	}
}

func TestRequestValidation(t *testing.T) {
	c, err := wecom.NewWithTokenSource(corpID, wecom.StaticToken("static-token"), wecom.WithBaseURL("http://127.0.0.1:1"))
	require.NoError(t, err)
	ctx := context.Background()
	require.Error(t, c.Do(ctx, nil, nil))
	require.Error(t, c.Do(ctx, &wecom.Request{Method: "DELETE", Path: "/x"}, nil))
	require.Error(t, c.Get(ctx, "cgi-bin/x", nil, nil))
	require.Error(t, c.Get(ctx, "/cgi-bin/x?a=b", nil, nil))
	require.Error(t, c.Post(ctx, "/cgi-bin/x", nil, func() {}, nil), "unencodable body")
}

func BenchmarkAccessTokenParallel(b *testing.B) {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	defer srv.Close()
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(b, err)
	ctx := context.Background()
	if _, err := c.AccessToken(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.AccessToken(ctx); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkGet(b *testing.B) {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	defer srv.Close()
	srv.HandleFunc(pingURL, func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "echo": "hi"})
	})
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(b, err)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out pingResponse
		if err := c.Get(ctx, pingURL, nil, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPost(b *testing.B) {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	defer srv.Close()
	srv.HandleFunc(pingURL, func(w http.ResponseWriter, r *http.Request, _ wecomtest.Caller) {
		_, _ = io.Copy(io.Discard, r.Body)
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "echo": "hi"})
	})
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(b, err)
	ctx := context.Background()
	body := struct {
		UserID string `json:"userid"`
		Limit  int    `json:"limit"`
	}{"zhangsan", 100}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out pingResponse
		if err := c.Post(ctx, pingURL, nil, body, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSingleUseNotRepeatedAfterTransportFailure(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	_, err := f.ping(ctx)
	require.NoError(t, err)
	single := &wecom.Request{Method: http.MethodGet, Path: pingURL, SingleUse: true}

	f.srv.Inject(pingURL, 1, wecomtest.Fault{Status: http.StatusBadGateway})
	require.Error(t, f.client.Do(ctx, single, nil))
	require.Equal(t, 2, f.srv.Calls(pingURL), "a single-use GET was repeated after a 502")

	f.srv.FailNext(pingURL, 1, -1) // WeCom did not process it: safe to repeat
	require.NoError(t, f.client.Do(ctx, single, nil))
	require.Equal(t, 4, f.srv.Calls(pingURL))
}

// A one-time credential named in Request.Secrets is kept out of the error,
// WeCom's errmsg included, as the token is.
func TestRequestSecretsAreScrubbed(t *testing.T) {
	f := newFixture(t)
	f.srv.HandleFunc("/cgi-bin/test/echo-error", func(w http.ResponseWriter, r *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteError(w, 40029, "invalid code "+r.URL.Query().Get("code"))
	})
	const code = "one-time-code-0123456789"
	req := &wecom.Request{Method: http.MethodGet, Path: "/cgi-bin/test/echo-error", Query: url.Values{"code": {code}}, Secrets: []string{code}}
	err := f.client.Do(context.Background(), req, nil)
	require.Equal(t, 40029, wecom.ErrorCode(err))
	require.NotContains(t, err.Error(), code)

	req.Secrets = nil
	err = f.client.Do(context.Background(), req, nil)
	require.Contains(t, err.Error(), code, "without Secrets the errmsg is WeCom's")

	tr, err := wecom.NewTransport(wecom.WithBaseURL("http://127.0.0.1:1"), wecom.WithRetries(0))
	require.NoError(t, err)
	err = tr.Do(context.Background(), &wecom.Request{Method: http.MethodGet, Path: "/x", Query: url.Values{"q": {code}}, Secrets: []string{code}}, nil) // a parameter redact.URL does not know
	require.Error(t, err)
	require.NotContains(t, err.Error(), code, "net/http quotes the URL; the secret is scrubbed from it")
}
