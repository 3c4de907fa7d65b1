package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/suite/license"
	"github.com/wecomkit/wecomkit/wecom"
)

// Time limits of the work behind one request.
const (
	wecomRequestTimeout = 5 * time.Second  // one HTTP attempt to WeCom
	wecomFetchTimeout   = 8 * time.Second  // one token or ticket fetch, which requests wait for
	handlerTimeout      = 15 * time.Second // the WeCom calls of an install, OAuth or login request
	installStateTTL     = 20 * time.Minute // as long as the pre-auth code in the link lives
)

// app is a configured server: its handler and what it runs on.
type app struct {
	handler http.Handler   // the routes behind the access log
	mux     *http.ServeMux // the routes, for tests
	suite   *suite.Suite
	prov    *suite.Provider // nil without PROVIDER_*
	lic     *license.Client // nil without PROVIDER_*
	store   store.Store
	backend string // "bolt" or "redis", for /readyz
	metrics *metrics
	logger  *slog.Logger
	states  *oauth.StateCodec
	public  string       // PUBLIC_URL, or "" to derive it from the request
	admin   wecom.Secret // ADMIN_TOKEN
	demo    bool         // -demo: admin routes are open without ADMIN_TOKEN
	quota   *limiter     // per client address, on the routes that spend WeCom quota
}

// signerKey names each corporation's JS-SDK signer among its
// suite.CorpValue values.
type signerKey struct{}

// openStore opens the store the settings name: Redis when REDIS_URL is
// set, otherwise the bbolt file.
func openStore(cfg config) (store.Store, string, error) {
	if u := cfg.RedisURL.Reveal(); u != "" {
		rs, err := redisstore.FromURL(u)
		if err != nil {
			return nil, "", fmt.Errorf("REDIS_URL (-redis-url): %w", err)
		}
		return rs, "redis", nil
	}
	bs, err := boltstore.Open(cfg.DataFile)
	if err != nil {
		return nil, "", fmt.Errorf("SUITE_DATA (-data): %w", err)
	}
	return bs, "bolt", nil
}

// newApp wires the server from cfg on st: one WeCom transport for the
// suite and the provider, the suite with its hooks, the routes and the
// metrics. extra options go to suite.New after the server's own (tests).
func newApp(cfg config, st store.Store, backend string, logger *slog.Logger, extra ...suite.Option) (*app, error) {
	a := &app{store: st, backend: backend, logger: logger, public: cfg.PublicURL, admin: cfg.AdminToken, demo: cfg.Demo,
		quota: newLimiter(quotaBurst, quotaEvery)}
	a.metrics = newMetrics(gauges{
		ticketAge: func(ctx context.Context) (float64, bool) {
			h, err := a.suite.TicketHealth(ctx)
			if err != nil || !h.Received {
				return 0, false
			}
			return h.Age.Seconds(), true
		},
		pending: func(ctx context.Context) (int, error) { return a.suite.Pending(ctx) },
		corps:   func(ctx context.Context) (int, error) { return a.suite.CorpCount(ctx) },
		stats:   func() suite.Stats { return a.suite.Stats() },
	})

	tr, err := wecom.NewTransport(wecom.WithBaseURL(cfg.BaseURL), wecom.WithLogger(logger),
		wecom.WithRequestTimeout(wecomRequestTimeout), wecom.WithCallHook(a.metrics.observeCall))
	if err != nil {
		return nil, err
	}
	opts := []suite.Option{
		suite.WithStore(st), suite.WithTransport(tr), suite.WithOpenBaseURL(cfg.OpenBaseURL), suite.WithLogger(logger),
		suite.OnAuthorized(func(ctx context.Context, au *suite.Authorization) {
			a.metrics.event(eventAuthorized)
			logger.LogAttrs(ctx, slog.LevelInfo, "app installed", slog.String("corpid", accesslog.Field(au.CorpID)),
				slog.String("corp_name", accesslog.Field(au.CorpName)), slog.Int64("agentid", au.AgentID()))
		}),
		suite.OnAuthChanged(func(ctx context.Context, au *suite.Authorization) {
			a.metrics.event(eventAuthChanged)
			logger.LogAttrs(ctx, slog.LevelInfo, "authorization changed", slog.String("corpid", accesslog.Field(au.CorpID)))
		}),
		suite.OnAuthCancelled(func(ctx context.Context, corpID string) {
			a.metrics.event(eventCancelled)
			logger.LogAttrs(ctx, slog.LevelInfo, "app uninstalled", slog.String("corpid", accesslog.Field(corpID)))
		}),
		suite.OnContactChange(func(ctx context.Context, ev *crypto.Event) {
			a.metrics.event(eventContactChange)
			userID, _ := ev.Field("UserID") // empty for department and tag changes
			logger.LogAttrs(ctx, slog.LevelInfo, "contact change", slog.String("corpid", accesslog.Field(ev.AuthCorpID)),
				slog.String("change_type", accesslog.Field(ev.ChangeType)), slog.String("userid", accesslog.Field(userID)))
		}),
		suite.OnUnlicensed(func(ctx context.Context, ev suite.Unlicensed) {
			// Arrives on the data callback; activate an account for the
			// member (license.Client.Activate) or turn auto-activation on.
			a.metrics.event(eventUnlicensed)
			logger.LogAttrs(ctx, slog.LevelInfo, "member without a license opened the app", slog.String("corpid", accesslog.Field(ev.CorpID)),
				slog.String("userid", accesslog.Field(ev.UserID)), slog.Int64("agentid", ev.AgentID))
		}),
		suite.OnEvent(func(ctx context.Context, ev *crypto.Event) {
			a.metrics.event(eventOther)
			logger.LogAttrs(ctx, slog.LevelInfo, "instruction", slog.String("info_type", accesslog.Field(ev.InfoType)),
				slog.String("corpid", accesslog.Field(ev.AuthCorpID)))
		}),
	}
	if cfg.ProviderCorpID != "" {
		a.prov, err = suite.NewProvider(cfg.ProviderCorpID, cfg.ProviderSecret.Reveal(),
			suite.WithTransport(tr), suite.WithStore(st), suite.WithLogger(logger))
		if err != nil {
			return nil, err
		}
		opts = append(opts, suite.WithProvider(a.prov))
		if a.lic, err = license.New(a.prov); err != nil {
			return nil, err
		}
	}
	a.suite, err = suite.New(suite.Config{
		SuiteID: cfg.SuiteID, SuiteSecret: cfg.SuiteSecret.Reveal(), Token: cfg.Token.Reveal(),
		EncodingAESKey: cfg.EncodingAESKey.Reveal(), ProviderCorpID: cfg.ProviderCorpID,
	}, append(opts, extra...)...)
	if err != nil {
		return nil, err
	}
	// The install state's key comes from the suite secret, so every
	// instance of the suite checks the states of every other without
	// another setting to share; the domain string keeps it apart from any
	// other use of the secret.
	key := sha256.Sum256([]byte("wecomkit suite-server install state v1\x00" + cfg.SuiteSecret.Reveal()))
	a.states, err = oauth.NewStateCodec(key[:], installStateTTL)
	if err != nil {
		_ = a.suite.Close()
		return nil, err
	}

	mux := http.NewServeMux()
	mux.Handle("/callback/command", a.suite.CommandHandler())
	mux.Handle("/callback/data", a.suite.DataHandler(crypto.HandlerFunc(a.dataEvent)))
	mux.HandleFunc("GET /install", a.quota.limited(a.install))
	mux.HandleFunc("GET /install/callback", a.installCallback)
	mux.HandleFunc("GET /sign", a.sign)
	mux.HandleFunc("GET /oauth/callback", a.oauthCallback)
	mux.HandleFunc("GET /provider/login", a.providerLogin)
	mux.HandleFunc("GET /license/report", a.adminOnly(a.licenseReport))
	mux.HandleFunc("GET /qrcode", a.quota.limited(a.qrcode))
	mux.HandleFunc("GET /healthz", serve.Healthz)
	mux.HandleFunc("GET /readyz", a.readyz)
	mux.Handle("GET /metrics", a.metrics.handler())
	a.mux = mux
	a.handler = accessLog(logger, a.metrics.observeRequest, mux)
	return a, nil
}

// Close stops the suite's workers (a push being handled is finished; the
// others stay in the store for the next start). It does not close the
// store.
func (a *app) Close() error { return a.suite.Close() }

// signer returns corpID's JS-SDK signer, kept by the suite beside the
// corp's client (suite.CorpValue): made again whenever the suite makes a
// new client (a reinstall, a reset permanent code, a changed
// authorization), gone when the corp uninstalls. Warm, it is an atomic
// load and two map lookups.
func (a *app) signer(ctx context.Context, corpID string) (*jssdk.Signer, error) {
	return suite.CorpValue(ctx, a.suite, corpID, signerKey{}, func(c *wecom.Client) (*jssdk.Signer, error) {
		return jssdk.New(c, jssdk.WithTokenOptions(wecom.WithFetchTimeout(wecomFetchTimeout))), nil
	})
}

// randomHex returns n random bytes from crypto/rand as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
