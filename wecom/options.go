package wecom

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/store"
)

// clientConfig collects what the options set; defaultClientConfig holds
// every default in one place.
type clientConfig struct {
	agentID          int64
	baseURL          string
	httpClient       *http.Client
	transport        *Transport
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

// Option configures a [Client]. Options are built only by this package's
// With… functions, so a caller cannot construct an invalid one.
type Option interface{ applyClient(*clientConfig) }

// TokenOption configures a token source made by [NewCachedToken].
type TokenOption interface{ applyToken(*tokenConfig) }

// SharedOption is accepted both by [New] (and [NewWithTokenSource]) and by
// [NewCachedToken]: the store, the clock and the logger mean the same thing
// to a client and to the tokens it caches.
type SharedOption interface {
	Option
	TokenOption
}

type clientOptionFunc func(*clientConfig)

func (f clientOptionFunc) applyClient(c *clientConfig) { f(c) }

type tokenOptionFunc func(*tokenConfig)

func (f tokenOptionFunc) applyToken(c *tokenConfig) { f(c) }

type sharedOption struct {
	client func(*clientConfig)
	token  func(*tokenConfig)
}

func (o sharedOption) applyClient(c *clientConfig) { o.client(c) }
func (o sharedOption) applyToken(c *tokenConfig)   { o.token(c) }

// WithStore keeps tokens (and, for a client, the tickets of packages built
// on it such as jssdk) in s as well as in process memory. A store shared
// between processes — store/redisstore — makes all of them use one token
// instead of each fetching its own; if s also implements [store.Locker],
// only one process fetches at a time.
func WithStore(s store.Store) SharedOption {
	return sharedOption{
		client: func(c *clientConfig) { c.store = s },
		token:  func(c *tokenConfig) { c.store = s },
	}
}

// WithClock sets the clock used for token lifetimes. Tests inject a fake
// clock (for example wecomtest.Clock) to move through hours of token life
// without sleeping. The default is time.Now.
func WithClock(now func() time.Time) SharedOption {
	return sharedOption{
		client: func(c *clientConfig) {
			if now != nil {
				c.now = now
			}
		},
		token: func(c *tokenConfig) {
			if now != nil {
				c.now = now
			}
		},
	}
}

// WithLogger sets where the client and its tokens log. Nothing secret is
// ever logged: not tokens, secrets or query strings. The default discards.
func WithLogger(l *slog.Logger) SharedOption {
	return sharedOption{
		client: func(c *clientConfig) {
			if l != nil {
				c.logger = l
			}
		},
		token: func(c *tokenConfig) {
			if l != nil {
				c.logger = l
			}
		},
	}
}

// WithAgentID sets the app's agentid. It is part of the token's cache key
// (each app has its own token) and is used by packages such as jssdk for
// wx.agentConfig.
func WithAgentID(agentID int64) Option {
	return clientOptionFunc(func(c *clientConfig) { c.agentID = agentID })
}

// WithBaseURL points the client at another server speaking WeCom's API: a
// proxy, or wecomtest in tests. It must be an http or https URL. The
// default is https://qyapi.weixin.qq.com.
func WithBaseURL(baseURL string) Option {
	return clientOptionFunc(func(c *clientConfig) { c.baseURL = baseURL })
}

// WithHTTPClient makes the client send its requests through hc (its
// transport, proxy and TLS settings). The client never modifies hc.
// Whatever hc's own Timeout, every attempt is also bounded by
// [WithRequestTimeout].
func WithHTTPClient(hc *http.Client) Option {
	return clientOptionFunc(func(c *clientConfig) { c.httpClient = hc })
}

// WithRequestTimeout bounds each HTTP attempt (retries get a fresh budget;
// the caller's context bounds the whole call). Default 15 s.
func WithRequestTimeout(d time.Duration) Option {
	return clientOptionFunc(func(c *clientConfig) {
		if d > 0 {
			c.requestTimeout = d
		}
	})
}

// WithRetries sets how often a call is repeated after WeCom answers -1
// (system busy) or, for idempotent requests, after a transport failure.
// WeCom advises at most 3 (doc 90313), the default. 0 disables these
// retries; the single retry after an invalid token is not affected.
func WithRetries(n int) Option {
	return clientOptionFunc(func(c *clientConfig) {
		if n >= 0 {
			c.maxRetries = n
		}
	})
}

// WithBackoff sets the delay before the first retry and the cap on later
// ones; each retry waits a random time between half and all of
// min(max, base·2^(n-1)). Defaults: 200 ms and 2 s.
func WithBackoff(base, max time.Duration) Option {
	return clientOptionFunc(func(c *clientConfig) {
		if base > 0 {
			c.backoffBase = base
		}
		if max >= c.backoffBase {
			c.backoffMax = max
		}
	})
}

// WithMaxResponseBytes limits the size of a response body the client will
// read. Larger responses fail with an error naming the path. Default 16 MiB,
// enough for the largest contact listings.
func WithMaxResponseBytes(n int64) Option {
	return clientOptionFunc(func(c *clientConfig) {
		if n > 0 {
			c.maxResponseBytes = n
		}
	})
}

// WithTransport makes the client send its calls through t, sharing t's
// connections, limits and retry policy with every other client made with
// it. The HTTP-level options ([WithBaseURL], [WithHTTPClient],
// [WithRequestTimeout], [WithRetries], [WithBackoff],
// [WithMaxResponseBytes], [WithCallHook]) are then t's, and those given to
// the client are ignored.
func WithTransport(t *Transport) Option {
	return clientOptionFunc(func(c *clientConfig) { c.transport = t })
}

// WithTokenOptions passes options to the cached token [New] creates and to
// every one the client's [Client.CachedToken] creates (jssdk's tickets, for
// one), for example [WithRefreshAfter] or [WithFetchTimeout].
func WithTokenOptions(opts ...TokenOption) Option {
	return clientOptionFunc(func(c *clientConfig) { c.tokenOptions = append(c.tokenOptions, opts...) })
}

// WithRefreshAfter sets the fraction of a token's lifetime after which a
// background refresh starts while the current value keeps being served.
// Default 0.8; values outside (0, 1) are ignored.
func WithRefreshAfter(fraction float64) TokenOption {
	return tokenOptionFunc(func(c *tokenConfig) {
		if fraction > 0 && fraction < 1 {
			c.refreshAfter = fraction
		}
	})
}

// WithFetchTimeout bounds one fetch of a new value. When the store is a
// [store.Locker] it is also the lock's TTL: the fetch made while holding the
// lock is abandoned when the lock expires, and a process that dies while
// fetching blocks the others for at most this long. Waiting for another
// process's lock is bounded by it too, so a Token call on a cold cache may
// take up to twice this. Default 30 s.
func WithFetchTimeout(d time.Duration) TokenOption {
	return tokenOptionFunc(func(c *tokenConfig) {
		if d > 0 {
			c.fetchTimeout = d
		}
	})
}

// WithRefreshRetry sets how long the cache waits after a failed background
// refresh before trying again; the current value is served meanwhile.
// Default 5 s.
func WithRefreshRetry(d time.Duration) TokenOption {
	return tokenOptionFunc(func(c *tokenConfig) {
		if d > 0 {
			c.refreshRetry = d
		}
	})
}

// CallInfo describes one HTTP attempt of a call, for [WithCallHook].
type CallInfo struct {
	// Method and Path name the API, such as GET /cgi-bin/gettoken. The
	// query is never included.
	Method string
	Path   string
	// Attempt counts the attempts of one call from 1.
	Attempt int
	// Latency is how long the attempt took.
	Latency time.Duration
	// ErrCode is WeCom's errcode; 0 when WeCom answered success or the
	// attempt failed before WeCom answered.
	ErrCode int
	// Err is the attempt's transport or HTTP failure (scrubbed of
	// credentials), or nil when WeCom answered, with or without an errcode.
	Err error
}

// WithCallHook calls f after every HTTP attempt, credential fetches
// included, so a server can count WeCom calls by API and errcode and time
// them (the library itself depends on no metrics package). f runs on the
// calling goroutine and must be fast and safe for concurrent use.
func WithCallHook(f func(ctx context.Context, info CallInfo)) Option {
	return clientOptionFunc(func(c *clientConfig) { c.callHook = f })
}
