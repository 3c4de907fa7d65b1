package jssdk_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID   = "ww-jssdk-corp"
	agentA   = int64(1000002)
	agentB   = int64(1000005)
	secretA  = "app-a-secret-never-logged"
	secretB  = "app-b-secret-never-logged"
	pCorpTkt = "/cgi-bin/get_jsapi_ticket"
	pAgntTkt = "/cgi-bin/ticket/get"
	pToken   = "/cgi-bin/gettoken"
)

var t0 = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

type fixture struct {
	srv   *wecomtest.Server
	clock *wecomtest.Clock
	logs  *testutil.SyncBuffer
	log   *slog.Logger
}

// newFixture starts a fake WeCom with two apps. Its cleanup proves that no
// secret, token or ticket reached the log.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	clock := wecomtest.NewClock(t0)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now),
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentA, Secret: secretA}),
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentB, Secret: secretB}))
	t.Cleanup(srv.Close)
	f := &fixture{srv: srv, clock: clock, logs: &testutil.SyncBuffer{}}
	f.log = slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	t.Cleanup(func() {
		logs := f.logs.String()
		for _, s := range f.secrets() {
			require.NotContains(t, logs, s)
		}
	})
	return f
}

func (f *fixture) secrets() []string {
	out := []string{secretA, secretB}
	out = append(out, f.srv.JSAPITickets(corpID)...)
	for _, a := range []int64{agentA, agentB} {
		out = append(out, f.srv.Tokens(corpID, a)...)
		out = append(out, f.srv.AgentTickets(corpID, a)...)
	}
	return out
}

func (f *fixture) requireClean(t *testing.T, err error) {
	t.Helper()
	for _, s := range f.secrets() {
		require.False(t, strings.Contains(err.Error(), s), "error leaks %q: %v", s, err)
	}
}

// client returns a wecom.Client for app agent (0: app A without an agentid).
func (f *fixture) client(t testing.TB, agent int64, opts ...wecom.Option) *wecom.Client {
	t.Helper()
	secret := secretA
	if agent == agentB {
		secret = secretB
	}
	all := []wecom.Option{wecom.WithBaseURL(f.srv.URL), wecom.WithClock(f.clock.Now), wecom.WithLogger(f.log),
		wecom.WithBackoff(time.Millisecond, 2*time.Millisecond)}
	if agent != 0 {
		all = append(all, wecom.WithAgentID(agent))
	}
	c, err := wecom.New(corpID, secret, append(all, opts...)...)
	require.NoError(t, err)
	return c
}

// counter is a deterministic nonce source.
func counter() func() string {
	var n atomic.Int64
	return func() string { return fmt.Sprintf("nonce%011d", n.Add(1)) }
}

func TestConfig(t *testing.T) {
	f := newFixture(t)
	s := jssdk.New(f.client(t, agentA), jssdk.WithNonce(counter()))
	ctx := context.Background()

	cfg, err := s.Config(ctx, "https://app.example.com/invoice/index.html?from=wecom#/list")
	require.NoError(t, err)
	tickets := f.srv.JSAPITickets(corpID)
	require.Len(t, tickets, 1)
	require.Equal(t, jssdk.Config{
		AppID:     corpID,
		Timestamp: t0.Unix(),
		NonceStr:  "nonce00000000001",
		Signature: string1SHA1(tickets[0], "nonce00000000001", t0.Unix(), "https://app.example.com/invoice/index.html?from=wecom"),
	}, *cfg)

	b, err := json.Marshal(cfg)
	require.NoError(t, err)
	require.JSONEq(t, fmt.Sprintf(`{"appId":%q,"timestamp":%d,"nonceStr":"nonce00000000001","signature":%q}`,
		corpID, t0.Unix(), cfg.Signature), string(b), "the names wx.config expects")

	f.clock.Advance(90 * time.Second)
	cfg2, err := s.Config(ctx, "https://app.example.com/invoice/index.html?from=wecom")
	require.NoError(t, err)
	require.Equal(t, t0.Unix()+90, cfg2.Timestamp, "the client's clock")
	require.Equal(t, "nonce00000000002", cfg2.NonceStr)
	require.Equal(t, string1SHA1(tickets[0], cfg2.NonceStr, cfg2.Timestamp, "https://app.example.com/invoice/index.html?from=wecom"), cfg2.Signature)
}

func TestConfigPageURLs(t *testing.T) {
	f := newFixture(t)
	s := jssdk.New(f.client(t, agentA), jssdk.WithNonce(func() string { return "fixedNonce123456" }))
	ctx := context.Background()

	t.Run("invalid, without any call", func(t *testing.T) {
		for _, page := range []string{
			"", "#only-a-fragment", "ftp://app.example.com/p", "javascript:alert(1)", "//app.example.com/p",
			"/relative/path", "app.example.com/p", "http://", "https:///path", "http://host name/p",
			"http://h/p\n", " https://app.example.com/", "https://app.example.com/\x7f", "mailto:a@b.c",
			"http://[::1/p", "https://app.example.com:port/",
		} {
			_, err := s.Config(ctx, page)
			require.ErrorIs(t, err, jssdk.ErrInvalidURL, "%q", page)
			_, err = s.AgentConfig(ctx, page)
			require.ErrorIs(t, err, jssdk.ErrInvalidURL, "%q", page)
		}
		require.Empty(t, f.srv.CallCounts())
	})

	t.Run("never quoted in the error", func(t *testing.T) {
		_, err := s.Config(ctx, "ftp://app.example.com/cb?code=SECRET-CODE")
		require.ErrorIs(t, err, jssdk.ErrInvalidURL)
		require.NotContains(t, err.Error(), "SECRET-CODE")
	})

	for page, signed := range map[string]string{
		"https://app.example.com/p?a=1#frag":                         "https://app.example.com/p?a=1",
		"https://app.example.com/p?a=1#":                             "https://app.example.com/p?a=1",
		"https://app.example.com/p#a#b":                              "https://app.example.com/p",
		"http://app.example.com":                                     "http://app.example.com",
		"HTTPS://App.Example.com/P?Q=1":                              "HTTPS://App.Example.com/P?Q=1",
		"https://app.example.com/发票/夹?名字=张三&x=😀":                     "https://app.example.com/发票/夹?名字=张三&x=😀",
		"https://app.example.com/%E5%8F%91%E7%A5%A8?q=%E4%B8%AD%20x": "https://app.example.com/%E5%8F%91%E7%A5%A8?q=%E4%B8%AD%20x",
		"https://app.example.com/p?q=a b&y=a+b&z=%zz":                "https://app.example.com/p?q=a b&y=a+b&z=%zz",
		"https://例子.测试/p":                                            "https://例子.测试/p",
		"https://app.example.com:8443/p;x?a=1&a=2":                   "https://app.example.com:8443/p;x?a=1&a=2",
		"https://u:p@app.example.com/p":                              "https://u:p@app.example.com/p",
		"http://[::1]:8080/p":                                        "http://[::1]:8080/p",
		"https://app.example.com/100%/p?x=%":                         "https://app.example.com/100%/p?x=%",
		"https://app.example.com?x=1":                                "https://app.example.com?x=1",
	} {
		t.Run(page, func(t *testing.T) {
			cfg, err := s.Config(ctx, page)
			require.NoError(t, err)
			ticket := f.srv.JSAPITickets(corpID)[0]
			require.Equal(t, string1SHA1(ticket, "fixedNonce123456", cfg.Timestamp, signed), cfg.Signature)
		})
	}
}

func TestAgentConfig(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := jssdk.New(f.client(t, agentA), jssdk.WithNonce(counter()))
	sb := jssdk.New(f.client(t, agentB), jssdk.WithNonce(counter()))

	page := "https://app.example.com/p?x=1#frag"
	a, err := sa.AgentConfig(ctx, page)
	require.NoError(t, err)
	b, err := sb.AgentConfig(ctx, page)
	require.NoError(t, err)

	ta, tb := f.srv.AgentTickets(corpID, agentA), f.srv.AgentTickets(corpID, agentB)
	require.Len(t, ta, 1)
	require.Len(t, tb, 1)
	require.NotEqual(t, ta, tb, "each app its own ticket")
	require.Equal(t, jssdk.AgentConfig{CorpID: corpID, AgentID: agentA, Timestamp: t0.Unix(), NonceStr: "nonce00000000001",
		Signature: string1SHA1(ta[0], "nonce00000000001", t0.Unix(), "https://app.example.com/p?x=1")}, *a)
	require.Equal(t, agentB, b.AgentID)
	require.Equal(t, string1SHA1(tb[0], b.NonceStr, b.Timestamp, "https://app.example.com/p?x=1"), b.Signature)

	raw, err := json.Marshal(a)
	require.NoError(t, err)
	require.JSONEq(t, fmt.Sprintf(`{"corpid":%q,"agentid":%d,"timestamp":%d,"nonceStr":"nonce00000000001","signature":%q}`,
		corpID, agentA, t0.Unix(), a.Signature), string(raw), "the names wx.agentConfig expects")

	// The agent ticket differs from the corp ticket; both are cached.
	c, err := sa.Config(ctx, page)
	require.NoError(t, err)
	require.NotEqual(t, a.Signature, c.Signature)
	for i := 0; i < 10; i++ {
		_, err = sa.AgentConfig(ctx, page)
		require.NoError(t, err)
	}
	require.Equal(t, 2, f.srv.Calls(pAgntTkt))
	require.Equal(t, 1, f.srv.Calls(pCorpTkt))

	t.Run("no agentid", func(t *testing.T) {
		s := jssdk.New(f.client(t, 0))
		_, err := s.AgentConfig(ctx, page)
		require.ErrorIs(t, err, jssdk.ErrNoAgentID)
		require.ErrorIs(t, s.InvalidateAgentTicket(ctx), jssdk.ErrNoAgentID)
		_, err = s.Config(ctx, page)
		require.NoError(t, err, "wx.config needs no agentid")
	})
	t.Run("agentid given to the signer", func(t *testing.T) {
		s := jssdk.New(f.client(t, 0), jssdk.WithAgentID(agentA))
		cfg, err := s.AgentConfig(ctx, page)
		require.NoError(t, err)
		require.Equal(t, agentA, cfg.AgentID)
	})
}

// WeCom allows 400 corp tickets an hour: they must never be fetched per
// request, only once per lifetime.
func TestTicketsFetchedOncePerLifetime(t *testing.T) {
	f := newFixture(t)
	s := jssdk.New(f.client(t, agentA))
	ctx := context.Background()
	for life := 0; life < 3; life++ {
		for i := 0; i < 50; i++ {
			_, err := s.Config(ctx, "https://app.example.com/p")
			require.NoError(t, err)
			_, err = s.AgentConfig(ctx, "https://app.example.com/p")
			require.NoError(t, err)
			f.clock.Advance(time.Minute) // 50 min < 80% of 120 min
		}
		f.clock.Set(t0.Add(time.Duration(life+1) * 7200 * time.Second))
	}
	require.Equal(t, 3, f.srv.Calls(pCorpTkt))
	require.Equal(t, 3, f.srv.Calls(pAgntTkt))
	require.Equal(t, 3, f.srv.Calls(pToken))
}

func TestColdStampedeOneFetch(t *testing.T) {
	f := newFixture(t)
	s := jssdk.New(f.client(t, agentA))
	// Slow the first answers so that every caller arrives while they are
	// in flight.
	f.srv.Inject(pToken, 1, wecomtest.Fault{Latency: 30 * time.Millisecond})
	f.srv.Inject(pCorpTkt, 1, wecomtest.Fault{Latency: 30 * time.Millisecond})
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	sigs := make(chan string, 1000)
	start := make(chan struct{})
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			cfg, err := s.Config(context.Background(), "https://app.example.com/p")
			if err != nil {
				errs <- err
				return
			}
			sigs <- cfg.Signature
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	close(sigs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 1, f.srv.Calls(pToken))
	require.Equal(t, 1, f.srv.Calls(pCorpTkt))
	distinct := map[string]bool{}
	for sig := range sigs {
		distinct[sig] = true
	}
	require.Len(t, distinct, 1000, "a fresh nonce for every response")
}

func TestTicketsSharedThroughTheStore(t *testing.T) {
	for _, locker := range []bool{true, false} {
		t.Run(fmt.Sprintf("locker=%v", locker), func(t *testing.T) {
			f := newFixture(t)
			var base store.Store = store.NewMemory(store.WithClock(f.clock.Now))
			if !locker {
				base = testutil.WithoutLocker(base)
			}
			st, rec := testutil.NewRecordingStore(base)
			_, isLocker := st.(store.Locker)
			require.Equal(t, locker, isLocker)
			ctx := context.Background()
			for i := 0; i < 3; i++ { // three processes of one app
				s := jssdk.New(f.client(t, agentA, wecom.WithStore(st)))
				_, err := s.Config(ctx, "https://app.example.com/p")
				require.NoError(t, err)
				_, err = s.AgentConfig(ctx, "https://app.example.com/p")
				require.NoError(t, err)
			}
			require.Equal(t, 1, f.srv.Calls(pCorpTkt))
			require.Equal(t, 1, f.srv.Calls(pAgntTkt))
			require.ElementsMatch(t, []string{
				"access_token:" + corpID + ":1000002",
				"jsapi_ticket:" + corpID,
				"agent_ticket:" + corpID + ":1000002",
			}, rec.Keys())
			for _, k := range rec.Keys() {
				for _, s := range f.secrets() {
					require.NotContains(t, k, s)
				}
			}
		})
	}
}

func TestInvalidateTicket(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		path       string
		sign       func(*jssdk.Signer) (string, error)
		invalidate func(*jssdk.Signer) error
		live       func(*wecomtest.Server) []string
	}{
		"corp ticket": {pCorpTkt,
			func(s *jssdk.Signer) (string, error) {
				c, err := s.Config(ctx, "https://app.example.com/p")
				if err != nil {
					return "", err
				}
				return c.Signature, nil
			},
			func(s *jssdk.Signer) error { return s.InvalidateTicket(ctx) },
			func(srv *wecomtest.Server) []string { return srv.JSAPITickets(corpID) }},
		"agent ticket": {pAgntTkt,
			func(s *jssdk.Signer) (string, error) {
				c, err := s.AgentConfig(ctx, "https://app.example.com/p")
				if err != nil {
					return "", err
				}
				return c.Signature, nil
			},
			func(s *jssdk.Signer) error { return s.InvalidateAgentTicket(ctx) },
			func(srv *wecomtest.Server) []string { return srv.AgentTickets(corpID, agentA) }},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			s := jssdk.New(f.client(t, agentA), jssdk.WithNonce(func() string { return "n" }))

			require.NoError(t, tc.invalidate(s), "nothing signed yet: nothing to drop")
			require.Zero(t, f.srv.Calls(tc.path))

			sig1, err := tc.sign(s)
			require.NoError(t, err)
			require.NoError(t, tc.invalidate(s))
			sig2, err := tc.sign(s)
			require.NoError(t, err)
			require.Equal(t, 2, f.srv.Calls(tc.path), "dropped: fetched again")
			require.NotEqual(t, sig1, sig2, "signed with the new ticket")
			// Both tickets are alive at WeCom (it cannot tell which one a
			// page rejected); the new signature uses the other one.
			signedWith := map[string]string{}
			for _, tk := range tc.live(f.srv) {
				signedWith[string1SHA1(tk, "n", t0.Unix(), "https://app.example.com/p")] = tk
			}
			require.Len(t, signedWith, 2)
			require.NotEmpty(t, signedWith[sig1])
			require.NotEmpty(t, signedWith[sig2])

			// A second report within the interval is ignored.
			f.clock.Advance(4 * time.Minute)
			require.NoError(t, tc.invalidate(s))
			_, err = tc.sign(s)
			require.NoError(t, err)
			require.Equal(t, 2, f.srv.Calls(tc.path))
			require.Contains(t, f.logs.String(), "dropped recently")

			f.clock.Advance(time.Minute)
			require.NoError(t, tc.invalidate(s))
			_, err = tc.sign(s)
			require.NoError(t, err)
			require.Equal(t, 3, f.srv.Calls(tc.path))
		})
	}

	t.Run("interval 0: every call drops", func(t *testing.T) {
		f := newFixture(t)
		s := jssdk.New(f.client(t, agentA), jssdk.WithInvalidateInterval(0))
		for i := 1; i <= 3; i++ {
			_, err := s.Config(ctx, "https://app.example.com/p")
			require.NoError(t, err)
			require.NoError(t, s.InvalidateTicket(ctx))
		}
		require.Equal(t, 3, f.srv.Calls(pCorpTkt))
	})

	t.Run("a ticket another process already replaced is not dropped", func(t *testing.T) {
		f := newFixture(t)
		mem := store.NewMemory(store.WithClock(f.clock.Now))
		p1 := jssdk.New(f.client(t, agentA, wecom.WithStore(mem)))
		p2 := jssdk.New(f.client(t, agentA, wecom.WithStore(mem)))
		_, err := p1.Config(ctx, "https://app.example.com/p")
		require.NoError(t, err)
		_, err = p2.Config(ctx, "https://app.example.com/p")
		require.NoError(t, err)
		require.NoError(t, p1.InvalidateTicket(ctx))
		p3 := jssdk.New(f.client(t, agentA, wecom.WithStore(mem)))
		_, err = p3.Config(ctx, "https://app.example.com/p") // a third process fetches a new one
		require.NoError(t, err)
		require.NoError(t, p2.InvalidateTicket(ctx)) // p2 still holds the old one: compare-and-delete spares the new
		p4 := jssdk.New(f.client(t, agentA, wecom.WithStore(mem)))
		_, err = p4.Config(ctx, "https://app.example.com/p")
		require.NoError(t, err)
		require.Equal(t, 2, f.srv.Calls(pCorpTkt))
	})
}

func TestTicketFetchFailures(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	s := jssdk.New(f.client(t, agentA))

	f.srv.FailNext(pCorpTkt, 1, 45009)
	_, err := s.Config(ctx, "https://app.example.com/p")
	require.ErrorIs(t, err, &wecom.APIError{Code: 45009})
	require.ErrorContains(t, err, "jssdk: config: jsapi ticket:")
	f.requireClean(t, err)
	_, err = s.Config(ctx, "https://app.example.com/p")
	require.NoError(t, err, "a failure is not cached")
	require.Equal(t, 2, f.srv.Calls(pCorpTkt))

	f.srv.FailNext(pAgntTkt, 1, 48002)
	_, err = s.AgentConfig(ctx, "https://app.example.com/p")
	require.ErrorIs(t, err, &wecom.APIError{Code: 48002})
	require.ErrorContains(t, err, "jssdk: agentconfig: agent ticket:")
	f.requireClean(t, err)

	// A rejected access token is replaced and the ticket call repeated.
	f.srv.RevokeTokens(corpID, agentA)
	_, err = s.AgentConfig(ctx, "https://app.example.com/p")
	require.NoError(t, err)
	require.Equal(t, 2, f.srv.Calls(pToken))

	// An answer without a ticket.
	f2 := newFixture(t)
	f2.srv.HandleFunc(pCorpTkt, func(w http.ResponseWriter, _ *http.Request, _ wecomtest.Caller) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "expires_in": 7200})
	})
	_, err = jssdk.New(f2.client(t, agentA)).Config(ctx, "https://app.example.com/p")
	require.ErrorContains(t, err, "response has no ticket")

	// A caller whose context is done.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = jssdk.New(f2.client(t, agentB)).AgentConfig(cctx, "https://app.example.com/p")
	require.ErrorIs(t, err, context.Canceled)
}

func TestDefaultNonce(t *testing.T) {
	f := newFixture(t)
	s := jssdk.New(f.client(t, agentA))
	seen := map[string]bool{}
	chars := map[rune]bool{}
	for i := 0; i < 1000; i++ {
		cfg, err := s.Config(context.Background(), "https://app.example.com/p")
		require.NoError(t, err)
		require.Regexp(t, `^[A-Za-z0-9]{16}$`, cfg.NonceStr)
		require.False(t, seen[cfg.NonceStr])
		seen[cfg.NonceStr] = true
		for _, c := range cfg.NonceStr {
			chars[c] = true
		}
	}
	require.Len(t, chars, 62, "every character of the alphabet turns up")
}

func TestNewPanicsOnNil(t *testing.T) {
	require.Panics(t, func() { jssdk.New(nil) })
}
