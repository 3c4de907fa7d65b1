package wecom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/wecomkit/wecomkit/internal/redact"
	"github.com/wecomkit/wecomkit/store"
)

// DefaultBaseURL is where WeCom's server API lives.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// ErrInvalidConfig is wrapped by the errors [New] and [NewWithTokenSource]
// return for unusable arguments.
var ErrInvalidConfig = errors.New("wecom: invalid configuration")

// Client calls WeCom's server API on behalf of one app in one corporation.
// It adds the access token to every call, decodes errcode/errmsg into
// [*APIError] and applies WeCom's retry advice. A Client is safe for
// concurrent use; create one per app and share it.
type Client struct {
	corpID  string
	agentID int64
	tokens  TokenSource

	http             *resty.Client
	baseURL          string
	logger           *slog.Logger
	now              func() time.Time // nil: the real clock (see WithClock)
	store            store.Store
	requestTimeout   time.Duration
	maxRetries       int
	backoffBase      time.Duration
	backoffMax       time.Duration
	maxResponseBytes int64
	callHook         func(context.Context, CallInfo)
}

type clientConfig struct {
	agentID          int64
	baseURL          string
	httpClient       *http.Client
	store            store.Store
	logger           *slog.Logger
	now              func() time.Time
	requestTimeout   time.Duration
	maxRetries       int
	backoffBase      time.Duration
	backoffMax       time.Duration
	maxResponseBytes int64
	tokenOptions     []TokenOption
	callHook         func(context.Context, CallInfo)
}

func defaultClientConfig() clientConfig {
	return clientConfig{
		baseURL:          DefaultBaseURL,
		logger:           discardLogger(),
		requestTimeout:   15 * time.Second,
		maxRetries:       3,
		backoffBase:      200 * time.Millisecond,
		backoffMax:       2 * time.Second,
		maxResponseBytes: 16 << 20,
	}
}

// New returns a client for a self-built app (自建应用) identified by the
// corporation's corpID and the app's secret. Its access token comes from
// GET /cgi-bin/gettoken (doc 91039) and is cached per app: under the key
// (corpID, agentID) when [WithAgentID] is given, otherwise under (corpID,
// a hash of the secret) — never under the secret itself.
func New(corpID, secret string, opts ...Option) (*Client, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: secret is empty", ErrInvalidConfig)
	}
	c, cfg, err := newClient(corpID, opts)
	if err != nil {
		return nil, err
	}
	key := "access_token:" + corpID + ":"
	if cfg.agentID != 0 {
		key += strconv.FormatInt(cfg.agentID, 10)
	} else {
		sum := sha256.Sum256([]byte(secret))
		key += "s" + hex.EncodeToString(sum[:8])
	}
	tokenOpts := append([]TokenOption{WithStore(cfg.store), WithClock(cfg.now), WithLogger(cfg.logger)}, cfg.tokenOptions...)
	c.tokens = NewCachedToken(key, c.gettoken(Secret(secret)), tokenOpts...)
	return c, nil
}

// NewWithTokenSource returns a client whose access token comes from ts
// instead of gettoken: a third-party app's per-corporation token, or a
// token managed by another system.
func NewWithTokenSource(corpID string, ts TokenSource, opts ...Option) (*Client, error) {
	if ts == nil {
		return nil, fmt.Errorf("%w: nil TokenSource", ErrInvalidConfig)
	}
	c, _, err := newClient(corpID, opts)
	if err != nil {
		return nil, err
	}
	c.tokens = ts
	return c, nil
}

func newClient(corpID string, opts []Option) (*Client, clientConfig, error) {
	cfg := defaultClientConfig()
	for _, o := range opts {
		o.applyClient(&cfg)
	}
	if corpID == "" {
		return nil, cfg, fmt.Errorf("%w: corpID is empty", ErrInvalidConfig)
	}
	base, err := ParseBaseURL(cfg.baseURL)
	if err != nil {
		return nil, cfg, err
	}
	var hc http.Client
	if cfg.httpClient != nil {
		hc = *cfg.httpClient // resty may fill in fields; never touch the caller's value
	} else {
		hc = http.Client{Transport: defaultTransport()}
	}
	rc := resty.NewWithClient(&hc).
		SetLogger(discardRestyLogger{}).
		SetHeader("User-Agent", "wecomkit (+https://github.com/wecomkit/wecomkit)")
	return &Client{
		corpID:           corpID,
		agentID:          cfg.agentID,
		http:             rc,
		baseURL:          base,
		logger:           cfg.logger,
		now:              cfg.now,
		store:            cfg.store,
		requestTimeout:   cfg.requestTimeout,
		maxRetries:       cfg.maxRetries,
		backoffBase:      cfg.backoffBase,
		backoffMax:       cfg.backoffMax,
		maxResponseBytes: cfg.maxResponseBytes,
		callHook:         cfg.callHook,
	}, cfg, nil
}

// ParseBaseURL checks that raw can serve as a base URL for WeCom's API —
// an http or https URL with a host and no query, fragment or user info —
// and returns it without a trailing slash. Servers use it to validate
// their settings before start-up with the same rule as [WithBaseURL].
func ParseBaseURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: base URL %q is not an http(s) URL", ErrInvalidConfig, redact.URL(raw))
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%w: base URL %q must not carry a query, fragment or user info", ErrInvalidConfig, redact.URL(raw))
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// defaultTransport is http.DefaultTransport's configuration with more idle
// connections per host: every call goes to the same WeCom host.
func defaultTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          128,
		MaxIdleConnsPerHost:   64,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   5 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// discardRestyLogger keeps resty quiet: its messages may quote URLs.
type discardRestyLogger struct{}

func (discardRestyLogger) Errorf(string, ...any) {}
func (discardRestyLogger) Warnf(string, ...any)  {}
func (discardRestyLogger) Debugf(string, ...any) {}

// CorpID returns the corporation the client acts for.
func (c *Client) CorpID() string { return c.corpID }

// AgentID returns the app's agentid, or 0 when none was configured.
func (c *Client) AgentID() int64 { return c.agentID }

// Store returns the store given with [WithStore], or nil.
func (c *Client) Store() store.Store { return c.store }

// Logger returns the client's logger (never nil).
func (c *Client) Logger() *slog.Logger { return c.logger }

// Now returns the current time on the client's clock ([WithClock]).
func (c *Client) Now() time.Time {
	if c.now == nil {
		return time.Now()
	}
	return c.now()
}

// TokenSource returns the source of the client's access tokens.
func (c *Client) TokenSource() TokenSource { return c.tokens }

// AccessToken returns a valid access token, fetching one if needed. Calls
// made through [Client.Get] and [Client.Post] do this themselves.
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	return c.tokens.Token(ctx)
}

// CachedToken returns a [NewCachedToken] source that shares the client's
// store, clock and logger. Packages built on the client (jssdk's tickets,
// for one) use it so that all of a corporation's credentials live
// together. opts are applied after the client's own.
func (c *Client) CachedToken(key string, fetch FetchFunc, opts ...TokenOption) TokenSource {
	all := append([]TokenOption{WithStore(c.store), WithClock(c.now), WithLogger(c.logger)}, opts...)
	return NewCachedToken(key, fetch, all...)
}

// gettoken fetches an access token with the app's secret (doc 91039).
func (c *Client) gettoken(secret Secret) FetchFunc {
	return func(ctx context.Context) (string, time.Duration, error) {
		var out struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int64  `json:"expires_in"`
		}
		req := &Request{
			Method:  http.MethodGet,
			Path:    "/cgi-bin/gettoken",
			Query:   url.Values{"corpid": {c.corpID}, "corpsecret": {secret.Reveal()}},
			NoToken: true,
		}
		if err := c.do(ctx, req, &out, secret.Reveal()); err != nil {
			return "", 0, err
		}
		if out.AccessToken == "" {
			return "", 0, fmt.Errorf("wecom: %s: response has no access_token", req.Path)
		}
		return out.AccessToken, ExpiresIn(out.ExpiresIn), nil
	}
}

// ExpiresIn turns the expires_in of a WeCom credential response into a
// lifetime for a [FetchFunc], assuming the documented 7200 s when it is
// missing or nonsensical.
func ExpiresIn(seconds int64) time.Duration {
	if seconds <= 0 || seconds > 30*86400 {
		return 7200 * time.Second
	}
	return time.Duration(seconds) * time.Second
}
