package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/examples/internal/tokenready"
	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
)

// Flows, as they appear in states, sessions, logs and metrics.
const (
	flowH5 = "h5" // OAuth2 inside the WeCom client
	flowPC = "pc" // web login (QR code) in any browser
)

// Timeouts of the WeCom calls behind one sign-in.
const (
	identifyTimeout = 8 * time.Second
	maxUsedStates   = 100_000
)

// app is a configured server: its handler and what must be closed.
type app struct {
	cfg      config
	handler  http.Handler
	logger   *slog.Logger
	client   *wecom.Client
	identity *oauth.Client
	states   *oauth.StateCodec
	cookies  *cookies
	used     *usedStates
	depts    *deptNames
	ready    *tokenready.Readiness
	metrics  *metrics
	pages    pageSet
	now      func() time.Time
	linkOpts []oauth.URLOption
	closers  []io.Closer
}

// Close releases the store connection, if any.
func (a *app) Close() error { return serve.CloseAll(a.closers) }

// newApp wires the server from cfg. now, when not nil, is the clock of
// states and sessions.
func newApp(cfg config, logger *slog.Logger, now func() time.Time) (*app, error) {
	if now == nil {
		now = time.Now
	}
	a := &app{cfg: cfg, logger: logger, metrics: newMetrics(), pages: newPageSet(), now: now, used: newUsedStates(maxUsedStates, maxUsedPerBinding, stateTTL+time.Minute)}
	opts := []wecom.Option{
		wecom.WithAgentID(cfg.AgentID),
		wecom.WithBaseURL(cfg.BaseURL),
		wecom.WithLogger(logger),
		wecom.WithRequestTimeout(5 * time.Second),
		wecom.WithCallHook(a.metrics.observeCall),
	}
	if u := cfg.RedisURL.Reveal(); u != "" {
		rs, err := redisstore.FromURL(u)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		a.closers = append(a.closers, rs)
		opts = append(opts, wecom.WithStore(rs))
	}
	client, err := wecom.New(cfg.CorpID, cfg.Secret.Reveal(), opts...)
	if err != nil {
		_ = a.Close()
		return nil, fmt.Errorf("wecom client: %w", err)
	}
	a.client = client
	a.identity = oauth.New(client)
	a.depts = newDeptNames(client, logger, now)
	key := cfg.SessionKey.Reveal()
	a.states, err = oauth.NewStateCodec(deriveKey(key, "state"), stateTTL, oauth.WithClock(now))
	if err != nil {
		_ = a.Close()
		return nil, fmt.Errorf("SESSION_KEY: %w", err)
	}
	pub, err := url.Parse(cfg.PublicURL)
	if err != nil {
		_ = a.Close()
		return nil, fmt.Errorf("PUBLIC_URL: %w", err)
	}
	path := pub.EscapedPath()
	if path == "" {
		path = "/"
	}
	a.cookies = &cookies{key: deriveKey(key, "session"), csrfKey: deriveKey(key, "csrf"), secure: pub.Scheme == "https", path: path, now: now}
	a.linkOpts = []oauth.URLOption{oauth.WithAuthorizeBase(cfg.AuthorizeBase), oauth.WithWebLoginBase(cfg.WebLoginBase)}
	a.ready = tokenready.New(client, logger, time.Now)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", a.h5Entry)
	mux.HandleFunc("GET /oauth/callback", a.callback(flowH5))
	mux.HandleFunc("GET /login", a.loginPage)
	mux.HandleFunc("GET /login/callback", a.callback(flowPC))
	mux.HandleFunc("GET /me", a.me)
	mux.HandleFunc("POST /logout", a.logout)
	mux.HandleFunc("GET /healthz", serve.Healthz)
	mux.Handle("GET /readyz", a.ready)
	mux.Handle("GET /metrics", a.metrics.handler())
	a.handler = accessLog(logger, a.metrics.observeRequest, securityHeaders(mux))
	return a, nil
}

// redirectURI is where WeCom sends the member back after flow.
func (a *app) redirectURI(flow string) string {
	if flow == flowPC {
		return a.cfg.PublicURL + "/login/callback"
	}
	return a.cfg.PublicURL + "/oauth/callback"
}

// startPath is where flow starts over, relative to its callback (so that
// a PUBLIC_URL with a path prefix keeps working).
func startPath(flow string) string {
	if flow == flowPC {
		return "../login"
	}
	return "../"
}

// start issues a state for flow bound to b (retry marks the second pass
// after a refused code), records it as pending in b and returns it.
func (a *app) start(b *browserBinding, flow string, retry bool) string {
	state := a.states.Issue(stateBinding(b.id, flow, retry))
	b.add(state)
	return state
}

// link returns flow's WeCom link carrying state.
func (a *app) link(flow, state string) string {
	if flow == flowPC {
		return oauth.WebLoginURL(oauth.CorpApp, a.cfg.CorpID, a.cfg.AgentID, a.redirectURI(flowPC), state, a.linkOpts...)
	}
	// snsapi_privateinfo: apps created since 2022-06-20 see mobile and
	// email only with the member's consent (doc 90196).
	return oauth.AuthorizeURL(a.cfg.CorpID, a.redirectURI(flowH5), state, append(a.linkOpts, oauth.WithPrivateInfo(a.cfg.AgentID))...)
}

// stateBinding is what a state is bound to: the browser's binding cookie,
// the flow (an H5 state is no good on the PC callback) and the attempt.
func stateBinding(binding, flow string, retry bool) string {
	attempt := "0"
	if retry {
		attempt = "1"
	}
	return binding + "|" + flow + "|" + attempt
}

// securityHeaders adds the headers every answer carries: no caching (the
// pages are personal), no framing, no referrer (a callback URL holds a
// code).
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
