package wecom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/internal/redact"
	"github.com/wecomkit/wecomkit/store"
)

// DefaultBaseURL is where WeCom's server API lives.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// ErrInvalidConfig is wrapped by the errors the constructors return for
// unusable arguments.
var ErrInvalidConfig = errors.New("wecom: invalid configuration")

// TokenParam names the query parameter a client's token travels in: WeCom
// has one per kind of credential, and sending one kind where another is
// expected is answered with 40014 or 40082.
type TokenParam string

// The token parameters WeCom's APIs take.
const (
	// AccessToken is a corporation's access_token: a self-built app's, or
	// a third-party app's token for one authorized corporation.
	AccessToken TokenParam = "access_token"
	// SuiteAccessToken is a third-party app's suite_access_token, for the
	// service APIs under /cgi-bin/service/.
	SuiteAccessToken TokenParam = "suite_access_token"
	// ProviderAccessToken is a service provider's provider_access_token.
	ProviderAccessToken TokenParam = "provider_access_token"
)

// Client calls WeCom's server API with one credential: an app's access
// token in one corporation, or a suite or provider token for the service
// APIs. It adds the token to every call, decodes errcode/errmsg into
// [*APIError] and applies WeCom's retry advice through its [Transport]. A
// Client is safe for concurrent use; create one per credential and share it.
type Client struct {
	transport    *Transport // HTTP, decoding and retries; shared with WithTransport
	corpID       string
	agentID      int64
	cred         credential // the token source and the parameter it travels in
	logger       *slog.Logger
	now          func() time.Time // nil: the real clock (see WithClock)
	store        store.Store
	tokenOptions []TokenOption
}

// New returns a client for a self-built app (自建应用) identified by the
// corporation's corpID and the app's secret. Its access token comes from
// GET /cgi-bin/gettoken (https://developer.work.weixin.qq.com/document/path/91039)
// and is cached per app: under the key (corpID, agentID) when [WithAgentID]
// is given, otherwise under (corpID, a hash of the secret) — never under
// the secret itself. [WithTokenOptions] configure that cached token and
// every one made with [Client.CachedToken].
func New(corpID, secret string, opts ...Option) (*Client, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: secret is empty", ErrInvalidConfig)
	}
	c, err := newClient(corpID, AccessToken, opts)
	if err != nil {
		return nil, err
	}
	key := "access_token:" + corpID + ":"
	if c.agentID != 0 {
		key += strconv.FormatInt(c.agentID, 10)
	} else {
		sum := sha256.Sum256([]byte(secret))
		key += "s" + hex.EncodeToString(sum[:8])
	}
	c.setTokens(c.CachedToken(key, c.transport.GetToken(corpID, Secret(secret))))
	return c, nil
}

// NewWithTokenSource returns a client for corpID whose access token comes
// from ts instead of gettoken: a third-party app's per-corporation token,
// or a token managed by another system.
func NewWithTokenSource(corpID string, ts TokenSource, opts ...Option) (*Client, error) {
	if ts == nil {
		return nil, fmt.Errorf("%w: nil TokenSource", ErrInvalidConfig)
	}
	c, err := newClient(corpID, AccessToken, opts)
	if err != nil {
		return nil, err
	}
	c.setTokens(ts)
	return c, nil
}

// NewServiceClient returns a client for WeCom's service APIs, which belong
// to no corporation and take a [SuiteAccessToken] or a
// [ProviderAccessToken] from ts. Package suite builds its calls on it.
func NewServiceClient(param TokenParam, ts TokenSource, opts ...Option) (*Client, error) {
	if param != SuiteAccessToken && param != ProviderAccessToken {
		return nil, fmt.Errorf("%w: a service client takes %s or %s, not %q", ErrInvalidConfig, SuiteAccessToken, ProviderAccessToken, param)
	}
	if ts == nil {
		return nil, fmt.Errorf("%w: nil TokenSource", ErrInvalidConfig)
	}
	c, err := newClient("", param, opts)
	if err != nil {
		return nil, err
	}
	c.setTokens(ts)
	return c, nil
}

func newClient(corpID string, param TokenParam, opts []Option) (*Client, error) {
	cfg := defaultClientConfig()
	for _, o := range opts {
		o.applyClient(&cfg)
	}
	if corpID == "" && param == AccessToken {
		return nil, fmt.Errorf("%w: corpID is empty", ErrInvalidConfig)
	}
	t := cfg.transport
	if t == nil {
		var err error
		if t, err = newTransport(&cfg); err != nil {
			return nil, err
		}
	}
	return &Client{
		transport:    t,
		corpID:       corpID,
		agentID:      cfg.agentID,
		cred:         credential{param: string(param)},
		logger:       cfg.logger,
		now:          cfg.now,
		store:        cfg.store,
		tokenOptions: cfg.tokenOptions,
	}, nil
}

func (c *Client) setTokens(ts TokenSource) { c.cred.source = ts }

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

// CorpID returns the corporation the client acts for ("" for a service
// client).
func (c *Client) CorpID() string { return c.corpID }

// AgentID returns the app's agentid, or 0 when none was configured.
func (c *Client) AgentID() int64 { return c.agentID }

// TokenParam returns the query parameter the client's token travels in.
func (c *Client) TokenParam() TokenParam { return TokenParam(c.cred.param) }

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

// Transport returns the client's [Transport]: to make more clients that
// share its connections ([WithTransport]), or to fetch credentials.
func (c *Client) Transport() *Transport { return c.transport }

// TokenSource returns the source of the client's tokens.
func (c *Client) TokenSource() TokenSource { return c.cred.source }

// AccessToken returns a valid token of the client's kind, fetching one if
// needed. Calls made through [Client.Get] and [Client.Post] do this
// themselves.
func (c *Client) AccessToken(ctx context.Context) (string, error) {
	return c.cred.source.Token(ctx)
}

// CachedToken returns a [NewCachedToken] source that shares the client's
// store, clock, logger and [WithTokenOptions]. Packages built on the client
// (jssdk's tickets, suite's corp tokens) use it so that all of a
// corporation's credentials live together and behave alike. opts are
// applied after the client's own.
func (c *Client) CachedToken(key string, fetch FetchFunc, opts ...TokenOption) TokenSource {
	all := make([]TokenOption, 0, 3+len(c.tokenOptions)+len(opts))
	all = append(all, WithStore(c.store), WithClock(c.now), WithLogger(c.logger))
	all = append(all, c.tokenOptions...)
	all = append(all, opts...)
	return NewCachedToken(key, fetch, all...)
}

// Request describes one call for [Client.Do]. Most callers use
// [Client.Get] and [Client.Post] instead.
type Request struct {
	// Method is http.MethodGet or http.MethodPost.
	Method string
	// Path is the API path, such as "/cgi-bin/user/get".
	Path string
	// Query holds the query parameters; the token is added by the client.
	Query url.Values
	// Body is encoded as JSON for a POST; nil sends no body.
	Body any
	// Header holds extra request headers, such as a download's Range.
	// The transport sets User-Agent and Content-Type itself.
	Header http.Header
	// Upload, instead of Body, makes a POST a multipart/form-data upload
	// streamed from the Upload's reader (media/upload and friends).
	Upload *Upload
	// Idempotent marks a POST that is safe to send again after a transport
	// failure (a read such as get_auth_info). GETs are, unless SingleUse.
	Idempotent bool
	// SingleUse marks a request that spends a one-time credential, such as
	// an OAuth code for auth/getuserinfo: after a transport failure WeCom
	// may already have consumed it, and a repeat would turn a network
	// problem into "invalid code". Such a request is repeated only when the
	// connection was never made, or when WeCom answered -1.
	SingleUse bool
	// TokenParam, when not empty, sends the client's token in this query
	// parameter instead of the client's own: get_login_info takes the
	// provider token as access_token.
	TokenParam TokenParam
	// Secrets are the one-time credentials the request carries — an OAuth
	// code, a user ticket, an auth or permanent code, an activation code —
	// kept out of the error (and of WeCom's errmsg in it) exactly as the
	// token is.
	Secrets []string
	// Timeout, when positive, bounds each HTTP attempt of this request
	// instead of the transport's [WithRequestTimeout]: a one-time exchange
	// that WeCom may answer slowly (get_permanent_code) gets a generous
	// one, because giving up early spends the credential without its
	// result.
	Timeout time.Duration
}

// Get calls a GET endpoint and decodes the response into out (which may be
// nil). See [Client.Do] for tokens, errors and retries.
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) error {
	return c.Do(ctx, &Request{Method: http.MethodGet, Path: path, Query: query}, out)
}

// Post calls a POST endpoint with body encoded as JSON and decodes the
// response into out (which may be nil). POSTs are not repeated after a
// transport failure unless the connection was never made; use [Client.Do]
// with Idempotent for reads that WeCom exposes as POST.
func (c *Client) Post(ctx context.Context, path string, query url.Values, body, out any) error {
	return c.Do(ctx, &Request{Method: http.MethodPost, Path: path, Query: query, Body: body}, out)
}

// Do sends r and decodes a successful response into out.
//
// The token is added in the client's token parameter ([TokenParam]). A
// response whose errcode is present and not 0 becomes an [*APIError]; a
// missing errcode means success (get_corp_token and get_provider_token omit
// it). Retries follow WeCom's advice
// (https://developer.work.weixin.qq.com/document/path/90313):
//
//   - 40014, 42001 or 40001 (the token was not accepted), and 40082 or
//     42009 for suite and provider tokens: the token is invalidated — only
//     if it is still the current one — and the call is repeated once with a
//     fresh token;
//   - -1 (system busy), and transport failures or 5xx answers of idempotent
//     requests: repeated up to 3 times ([WithRetries]) with jittered
//     exponential backoff ([WithBackoff]);
//   - anything else, 45009 and 45033 included, is returned at once.
//
// ctx bounds the whole call, waits included; each attempt is further
// bounded by [WithRequestTimeout]. Errors never contain the token.
func (c *Client) Do(ctx context.Context, r *Request, out any) error {
	if r == nil {
		return c.transport.do(ctx, r, &c.cred, out)
	}
	return c.transport.do(ctx, r, &c.cred, out, r.Secrets...)
}
