package wecom_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// serviceAPI is a stand-in for WeCom's service endpoints, which wecomtest
// does not model: it records what each call carried and answers as WeCom
// documents, without an errcode on success.
type serviceAPI struct {
	srv *httptest.Server

	mu     sync.Mutex
	seen   []seenCall
	answer map[string]func(w http.ResponseWriter, q url.Values, body map[string]string)
}

type seenCall struct {
	path  string
	query url.Values
	body  map[string]string
}

func newServiceAPI(t *testing.T) *serviceAPI {
	s := &serviceAPI{answer: map[string]func(http.ResponseWriter, url.Values, map[string]string){}}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		if r.Method == http.MethodPost {
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &body)
		}
		s.mu.Lock()
		s.seen = append(s.seen, seenCall{path: r.URL.Path, query: r.URL.Query(), body: body})
		answer := s.answer[r.URL.Path]
		s.mu.Unlock()
		if answer == nil {
			wecomtest.WriteError(w, 404, "no such API in this test")
			return
		}
		answer(w, r.URL.Query(), body)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *serviceAPI) handle(path string, f func(w http.ResponseWriter, q url.Values, body map[string]string)) {
	s.mu.Lock()
	s.answer[path] = f
	s.mu.Unlock()
}

func (s *serviceAPI) calls() []seenCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenCall(nil), s.seen...)
}

func TestServiceClientSendsItsTokenParameter(t *testing.T) {
	api := newServiceAPI(t)
	api.handle("/cgi-bin/service/get_pre_auth_code", func(w http.ResponseWriter, q url.Values, _ map[string]string) {
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "pre_auth_code": "pac", "expires_in": 1200})
	})
	api.handle("/cgi-bin/service/get_login_info", func(w http.ResponseWriter, q url.Values, _ map[string]string) {
		wecomtest.WriteJSON(w, map[string]any{"usertype": 1}) // no errcode: success
	})
	ctx := context.Background()

	suite, err := wecom.NewServiceClient(wecom.SuiteAccessToken, wecom.StaticToken("suite-tok"), wecom.WithBaseURL(api.srv.URL))
	require.NoError(t, err)
	require.Equal(t, wecom.SuiteAccessToken, suite.TokenParam())
	require.Empty(t, suite.CorpID())
	var pac struct {
		PreAuthCode string `json:"pre_auth_code"`
	}
	require.NoError(t, suite.Get(ctx, "/cgi-bin/service/get_pre_auth_code", nil, &pac))
	require.Equal(t, "pac", pac.PreAuthCode)

	provider, err := wecom.NewServiceClient(wecom.ProviderAccessToken, wecom.StaticToken("provider-tok"), wecom.WithBaseURL(api.srv.URL))
	require.NoError(t, err)
	// get_login_info takes the provider token under the name access_token.
	var info struct {
		UserType int `json:"usertype"`
	}
	require.NoError(t, provider.Do(ctx, &wecom.Request{Method: http.MethodPost, Path: "/cgi-bin/service/get_login_info",
		Body: map[string]string{"auth_code": "c"}, TokenParam: wecom.AccessToken}, &info))
	require.Equal(t, 1, info.UserType)

	calls := api.calls()
	require.Len(t, calls, 2)
	require.Equal(t, url.Values{"suite_access_token": {"suite-tok"}}, calls[0].query)
	require.Equal(t, url.Values{"access_token": {"provider-tok"}}, calls[1].query)

	_, err = wecom.NewServiceClient(wecom.AccessToken, wecom.StaticToken("x"))
	require.ErrorIs(t, err, wecom.ErrInvalidConfig)
	_, err = wecom.NewServiceClient(wecom.SuiteAccessToken, nil)
	require.ErrorIs(t, err, wecom.ErrInvalidConfig)
}

func TestServiceClientReplacesARejectedSuiteToken(t *testing.T) {
	api := newServiceAPI(t)
	var served atomic.Int32
	api.handle("/cgi-bin/service/get_pre_auth_code", func(w http.ResponseWriter, q url.Values, _ map[string]string) {
		if q.Get("suite_access_token") == "stale" {
			wecomtest.WriteError(w, 40082, "invalid suite_acccess_token or provider_access_token")
			return
		}
		served.Add(1)
		wecomtest.WriteJSON(w, map[string]any{"errcode": 0, "pre_auth_code": "pac"})
	})
	fetches := 0
	ts := wecom.NewCachedToken("suite_access_token:s1", func(context.Context) (string, time.Duration, error) {
		fetches++
		if fetches == 1 {
			return "stale", time.Hour, nil
		}
		return "fresh", time.Hour, nil
	})
	c, err := wecom.NewServiceClient(wecom.SuiteAccessToken, ts, wecom.WithBaseURL(api.srv.URL))
	require.NoError(t, err)
	require.NoError(t, c.Get(context.Background(), "/cgi-bin/service/get_pre_auth_code", nil, nil))
	require.Equal(t, 2, fetches)
	require.EqualValues(t, 1, served.Load())
}

func TestTransportFetches(t *testing.T) {
	api := newServiceAPI(t)
	api.handle("/cgi-bin/service/get_suite_token", func(w http.ResponseWriter, _ url.Values, b map[string]string) {
		if b["suite_ticket"] != "ticket-1" || b["suite_secret"] != "suite-secret" {
			wecomtest.WriteError(w, 40085, "invalid suite_ticket "+b["suite_ticket"])
			return
		}
		wecomtest.WriteJSON(w, map[string]any{"suite_access_token": "suite-tok", "expires_in": 7200})
	})
	api.handle("/cgi-bin/service/get_provider_token", func(w http.ResponseWriter, _ url.Values, b map[string]string) {
		wecomtest.WriteJSON(w, map[string]any{"provider_access_token": "provider-tok", "expires_in": 7000})
	})
	api.handle("/cgi-bin/service/get_corp_token", func(w http.ResponseWriter, q url.Values, b map[string]string) {
		if q.Get("suite_access_token") != "suite-tok" {
			wecomtest.WriteError(w, 40082, "")
			return
		}
		wecomtest.WriteJSON(w, map[string]any{"access_token": "corp-tok-" + b["auth_corpid"], "expires_in": 7200})
	})
	tr, err := wecom.NewTransport(wecom.WithBaseURL(api.srv.URL), wecom.WithRetries(0))
	require.NoError(t, err)
	require.Equal(t, api.srv.URL, tr.BaseURL())
	ctx := context.Background()

	ticket := "ticket-1"
	suiteFetch := tr.GetSuiteToken("ww-suite", "suite-secret", func(context.Context) (string, error) { return ticket, nil })
	tok, ttl, err := suiteFetch(ctx)
	require.NoError(t, err)
	require.Equal(t, "suite-tok", tok)
	require.Equal(t, 7200*time.Second, ttl)

	ticket = "ticket-old"
	_, _, err = suiteFetch(ctx)
	require.Equal(t, 40085, wecom.ErrorCode(err))
	require.NotContains(t, err.Error(), "ticket-old", "the ticket WeCom echoes is scrubbed")
	require.NotContains(t, err.Error(), "suite-secret")

	errNoTicket := errors.New("no suite_ticket yet")
	_, _, err = tr.GetSuiteToken("ww-suite", "suite-secret", func(context.Context) (string, error) { return "", errNoTicket })(ctx)
	require.ErrorIs(t, err, errNoTicket)

	tok, ttl, err = tr.GetProviderToken("ww-provider", "provider-secret")(ctx)
	require.NoError(t, err)
	require.Equal(t, "provider-tok", tok)
	require.Equal(t, 7000*time.Second, ttl)

	tok, _, err = tr.GetCorpToken(wecom.StaticToken("suite-tok"), "ww-corp-a", "permanent-code")(ctx)
	require.NoError(t, err)
	require.Equal(t, "corp-tok-ww-corp-a", tok)

	calls := api.calls()
	require.Equal(t, map[string]string{"suite_id": "ww-suite", "suite_secret": "suite-secret", "suite_ticket": "ticket-1"}, calls[0].body)
	require.Empty(t, calls[0].query, "credential fetches carry no token")
	require.Equal(t, map[string]string{"corpid": "ww-provider", "provider_secret": "provider-secret"}, calls[2].body)
	require.Equal(t, map[string]string{"auth_corpid": "ww-corp-a", "permanent_code": "permanent-code"}, calls[3].body)

	// An answer without the credential is an error, not an empty token.
	api.handle("/cgi-bin/service/get_provider_token", func(w http.ResponseWriter, _ url.Values, _ map[string]string) {
		wecomtest.WriteJSON(w, map[string]any{"expires_in": 7200})
	})
	_, _, err = tr.GetProviderToken("ww-provider", "provider-secret")(ctx)
	require.ErrorContains(t, err, "no provider_access_token")

	// Transport.Do sends a call with no token at all.
	require.NoError(t, tr.Do(ctx, &wecom.Request{Method: http.MethodPost, Path: "/cgi-bin/service/get_provider_token"}, nil))
	require.Empty(t, api.calls()[len(api.calls())-1].query)
	require.Error(t, tr.Do(ctx, nil, nil))
}

func TestGetTokenIsWhatNewUses(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	tr, err := wecom.NewTransport(wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	tok, ttl, err := tr.GetToken(corpID, secret)(context.Background())
	require.NoError(t, err)
	require.Contains(t, srv.Tokens(corpID, agentID), tok)
	require.Equal(t, 7200*time.Second, ttl)
	_, _, err = tr.GetToken(corpID, "wrong")(context.Background())
	require.Equal(t, 40001, wecom.ErrorCode(err))
}

func TestWithTransportSharesConnections(t *testing.T) {
	srv := wecomtest.NewServer(
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}),
		wecomtest.WithApp("ww-other-corp", wecomtest.App{AgentID: 7, Secret: "other-secret"}),
	)
	t.Cleanup(srv.Close)
	tr, err := wecom.NewTransport(wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	// The second client's base URL is ignored: the transport decides.
	a, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithTransport(tr))
	require.NoError(t, err)
	b, err := wecom.New("ww-other-corp", "other-secret", wecom.WithAgentID(7), wecom.WithTransport(tr), wecom.WithBaseURL("http://127.0.0.1:1"))
	require.NoError(t, err)
	require.Same(t, tr, a.Transport())
	require.Same(t, tr, b.Transport())
	ctx := context.Background()
	for range 5 {
		_, err = a.AccessToken(ctx)
		require.NoError(t, err)
		_, err = b.AccessToken(ctx)
		require.NoError(t, err)
	}
	require.EqualValues(t, 1, srv.Connections(), "two clients, one connection")
}

func TestTokenOptionsReachCachedToken(t *testing.T) {
	clock := wecomtest.NewClock(t0)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	newTicket := func(opts ...wecom.Option) (wecom.TokenSource, *fakeFetch) {
		all := append([]wecom.Option{wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL), wecom.WithClock(clock.Now)}, opts...)
		c, err := wecom.New(corpID, secret, all...)
		require.NoError(t, err)
		f := &fakeFetch{ttl: 100 * time.Second}
		return c.CachedToken("ticket:test", f.fetch), f
	}
	ctx := context.Background()
	early, fe := newTicket(wecom.WithTokenOptions(wecom.WithRefreshAfter(0.5)))
	plain, fp := newTicket()
	for _, ts := range []wecom.TokenSource{early, plain} {
		_, err := ts.Token(ctx)
		require.NoError(t, err)
	}
	clock.Advance(60 * time.Second) // past 50% of the lifetime, before 80%
	for _, ts := range []wecom.TokenSource{early, plain} {
		_, err := ts.Token(ctx)
		require.NoError(t, err)
	}
	waitCalls(t, fe, 2) // the client's WithRefreshAfter(0.5) applies: a background refresh
	require.EqualValues(t, 1, fp.calls.Load(), "the default 0.8 does not refresh yet")
}
