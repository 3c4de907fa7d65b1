package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/httpquery"
	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/examples/internal/tokenready"
	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
)

// app is a configured bridge: its handler and what must be closed.
type app struct {
	handler http.Handler   // the routes behind the access log
	mux     *http.ServeMux // the routes, for the demo to add its own
	client  *wecom.Client
	ready   *tokenready.Readiness
	metrics *metrics
	bridge  *bridge // the two interfaces' handlers
	closers []io.Closer
}

// Close releases the store connections.
func (a *app) Close() error { return serve.CloseAll(a.closers) }

// newApp wires the bridge from cfg: the WeCom client (with Redis as a
// shared token store when REDIS_URL is set, and with nothing but its own
// memory otherwise), oauth and jssdk on it, the signature verifier, the
// metrics, and the routes behind the access log.
func newApp(cfg config, logger *slog.Logger, extra ...wecom.Option) (*app, error) {
	a := &app{metrics: newMetrics()}
	// Every fetch of a token or ticket — which requests wait for — ends
	// within the WeCom timeout, and so does every HTTP attempt.
	fetchDeadline := wecom.WithFetchTimeout(cfg.WeComTimeout) // the token's and jssdk's tickets'
	opts := []wecom.Option{
		wecom.WithAgentID(cfg.AgentID),
		wecom.WithBaseURL(cfg.BaseURL),
		wecom.WithLogger(logger),
		wecom.WithRequestTimeout(min(cfg.WeComTimeout, 5*time.Second)),
		wecom.WithTokenOptions(fetchDeadline),
		wecom.WithCallHook(a.metrics.observeCall),
	}
	if url := cfg.RedisURL.Reveal(); url != "" {
		rs, err := redisstore.FromURL(url)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		a.closers = append(a.closers, rs)
		opts = append(opts, wecom.WithStore(rs))
	}
	client, err := wecom.New(cfg.CorpID, cfg.Secret.Reveal(), append(opts, extra...)...)
	if err != nil {
		_ = a.Close()
		return nil, err
	}
	a.client = client
	a.ready = tokenready.New(client, logger, time.Now)

	b := &bridge{
		corpID:   cfg.CorpID,
		identity: oauth.New(client),
		js:       jssdk.New(client), // the client's token options (the fetch deadline) reach the tickets too
		timeout:  cfg.WeComTimeout,
		logger:   logger,
		metrics:  a.metrics,

		parseQuery: httpquery.Parse,
	}
	a.bridge = b
	if !cfg.SignDisabled {
		vopts := []signer.Option{signer.WithWindow(cfg.SignWindow)}
		if cfg.SignStrict {
			vopts = append(vopts, signer.Strict())
		}
		v, err := signer.NewVerifier(cfg.SignSecret.Reveal(), vopts...)
		if err != nil {
			_ = a.Close()
			return nil, fmt.Errorf("TAXCLOUD_SIGN_SECRET: %w", err)
		}
		b.verifier = v
	}

	mux := http.NewServeMux()
	mux.Handle("GET /userinfo", b.signed("code", maxParamLen, b.userinfo))
	// GET patterns also match HEAD; a HEAD must not spend the member's
	// single-use code, so it is refused before anything else runs.
	mux.HandleFunc("HEAD /userinfo", getOnly)
	mux.Handle("GET /js-sdk", b.signed("pageUrl", maxPageURLLen, b.jsSDK))
	mux.HandleFunc("GET /healthz", serve.Healthz)
	mux.Handle("GET /readyz", a.ready)
	mux.Handle("GET /metrics", a.metrics.handler())
	if cfg.VerifyFile != "" {
		h, err := jssdk.LoadVerifyFile(cfg.VerifyFile)
		if err != nil {
			_ = a.Close()
			return nil, fmt.Errorf("WECOM_VERIFY_FILE: %w", err)
		}
		// LoadVerifyFile accepts only a WW_verify_<code>.txt file, so a
		// wrong path cannot publish another file.
		mux.Handle("GET /"+filepath.Base(cfg.VerifyFile), h)
	}
	a.mux = mux
	a.handler = accessLog(logger, a.metrics.observeRequest, mux)
	return a, nil
}

// getOnly answers 405 Method Not Allowed with Allow: GET.
func getOnly(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Allow", http.MethodGet)
	http.Error(w, "405 method not allowed: use GET (a HEAD would spend the single-use code)", http.StatusMethodNotAllowed)
}

// randomHex returns n random bytes from crypto/rand as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
