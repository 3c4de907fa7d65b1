package jssdk

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// Config holds the parameters of wx.config, with JSON names the page can
// pass straight to it (add jsApiList on the page).
type Config struct {
	AppID     string `json:"appId"` // the corpid
	Timestamp int64  `json:"timestamp"`
	NonceStr  string `json:"nonceStr"`
	Signature string `json:"signature"`
}

// AgentConfig holds the parameters of wx.agentConfig (doc 94313), with
// JSON names the page can pass straight to it (add jsApiList).
type AgentConfig struct {
	CorpID    string `json:"corpid"`
	AgentID   int64  `json:"agentid"`
	Timestamp int64  `json:"timestamp"`
	NonceStr  string `json:"nonceStr"`
	Signature string `json:"signature"`
}

// Signer signs pages for the WeCom JS-SDK on behalf of one app. It caches
// the corp ticket (for wx.config) and the app ticket (for
// wx.agentConfig) as wecom token sources: read from the client's store,
// fetched once for all concurrent callers, refreshed in the background
// before they expire. WeCom allows only 400 corp tickets per corporation
// and 100 per app each hour, and 100 app tickets per app: a Signer never
// fetches one per request. Create one per app and share it; it is safe for
// concurrent use.
type Signer struct {
	wc      *wecom.Client
	corp    wecom.Caller[wecom.CorpToken] // wc, bound once: a client of another kind fails each fetch
	corpID  string
	agentID int64
	nonce   func() string

	corpTicket  wecom.TokenSource
	agentTicket wecom.TokenSource // nil without an agentid

	corpLast  lastTicket
	agentLast lastTicket
	nonces    nonceSource

	invalidateEvery time.Duration
}

// lastTicket remembers the ticket a Signer last signed with, which is the
// one a page reporting a bad signature most likely got, and when it last
// honoured a request to drop it.
type lastTicket struct {
	value       atomic.Pointer[string]
	invalidated atomic.Int64 // clock time (Unix ns); 0: never
}

// note records ticket if it differs from the last one: one pointer load
// and a string comparison (usually of identical pointers) per signature.
func (l *lastTicket) note(ticket string) {
	if p := l.value.Load(); p == nil || *p != ticket {
		t := ticket // only this copy escapes, and only on a change
		l.value.Store(&t)
	}
}

// Option configures a [Signer].
type Option interface{ apply(*signerConfig) }

type signerConfig struct {
	nonce           func() string
	agentID         int64
	invalidateEvery time.Duration
	tokenOptions    []wecom.TokenOption
}

type optionFunc func(*signerConfig)

func (f optionFunc) apply(c *signerConfig) { f(c) }

// WithNonce replaces the nonce generator: tests make signatures
// deterministic with it. The default draws 16 characters of [A-Za-z0-9]
// from crypto/rand. WeCom accepts nonces of up to 32 characters.
func WithNonce(f func() string) Option {
	return optionFunc(func(c *signerConfig) {
		if f != nil {
			c.nonce = f
		}
	})
}

// WithAgentID sets the agentid used for wx.agentConfig when the
// wecom.Client was created without one (a third-party app's per-corp
// client, whose agentid comes from the authorization info). The client's
// access token must belong to that app: the app ticket is the app's own.
func WithAgentID(agentID int64) Option {
	return optionFunc(func(c *signerConfig) { c.agentID = agentID })
}

// WithInvalidateInterval sets how often [Signer.InvalidateTicket] and
// [Signer.InvalidateAgentTicket] actually drop a ticket; calls in between
// do nothing. Reports of a bad signature come from pages, so anyone can
// send them, and every dropped ticket costs one of the few fetches WeCom
// allows per hour. Default 5 minutes.
func WithInvalidateInterval(d time.Duration) Option {
	return optionFunc(func(c *signerConfig) {
		if d >= 0 {
			c.invalidateEvery = d
		}
	})
}

// WithTokenOptions passes options to both ticket caches, such as
// wecom.WithRefreshAfter. The client's store, clock and logger are always
// used.
func WithTokenOptions(opts ...wecom.TokenOption) Option {
	return optionFunc(func(c *signerConfig) { c.tokenOptions = append(c.tokenOptions, opts...) })
}

// New returns a Signer for the app c acts for; c must not be nil. Tickets
// are cached in c's store (wecom.WithStore) under "jsapi_ticket:<corpid>"
// and "agent_ticket:<corpid>:<agentid>", so that every process sharing
// the store shares the tickets.
func New(c *wecom.Client, opts ...Option) *Signer {
	if c == nil {
		panic("jssdk: New: nil *wecom.Client")
	}
	cfg := signerConfig{agentID: c.AgentID(), invalidateEvery: 5 * time.Minute}
	for _, o := range opts {
		if o != nil {
			o.apply(&cfg)
		}
	}
	corp, _ := wecom.Bind[wecom.CorpToken](c) // the error comes back from each ticket fetch
	s := &Signer{
		wc:              c,
		corp:            corp,
		corpID:          c.CorpID(),
		agentID:         cfg.agentID,
		nonce:           cfg.nonce,
		invalidateEvery: cfg.invalidateEvery,
	}
	if s.nonce == nil {
		s.nonce = s.nonces.next
	}
	s.corpTicket = c.CachedToken(corpTicketKey(s.corpID), s.fetchCorpTicket, cfg.tokenOptions...)
	if s.agentID != 0 {
		key := agentTicketKey(s.corpID, s.agentID)
		s.agentTicket = c.CachedToken(key, s.fetchAgentTicket, cfg.tokenOptions...)
	}
	return s
}

// Config returns the wx.config parameters for the page at pageURL, the
// page's full URL (location.href). The fragment (#…) is cut before
// signing; everything else is signed exactly as given, percent-escapes
// and non-ASCII characters included, since WeCom compares it with the
// page's own URL the same way. The timestamp is the client's clock
// (wecom.WithClock), the nonce fresh. An invalid URL is refused with
// [ErrInvalidURL] before any ticket is fetched.
func (s *Signer) Config(ctx context.Context, pageURL string) (*Config, error) {
	page, err := signingURL(pageURL)
	if err != nil {
		return nil, err
	}
	ticket, err := s.corpTicket.Token(ctx)
	if err != nil {
		return nil, fmt.Errorf("jssdk: config: jsapi ticket: %w", err)
	}
	s.corpLast.note(ticket)
	nonce := s.nonce()
	ts := s.wc.Now().Unix()
	return &Config{AppID: s.corpID, Timestamp: ts, NonceStr: nonce, Signature: Sign(ticket, nonce, ts, page)}, nil
}

// AgentConfig returns the wx.agentConfig parameters for the page at
// pageURL, signed with the app's own ticket; see [Signer.Config] for the
// URL rules. It needs the app's agentid ([ErrNoAgentID] otherwise).
func (s *Signer) AgentConfig(ctx context.Context, pageURL string) (*AgentConfig, error) {
	if s.agentTicket == nil {
		return nil, ErrNoAgentID
	}
	page, err := signingURL(pageURL)
	if err != nil {
		return nil, err
	}
	ticket, err := s.agentTicket.Token(ctx)
	if err != nil {
		return nil, fmt.Errorf("jssdk: agentconfig: agent ticket: %w", err)
	}
	s.agentLast.note(ticket)
	nonce := s.nonce()
	ts := s.wc.Now().Unix()
	return &AgentConfig{CorpID: s.corpID, AgentID: s.agentID, Timestamp: ts, NonceStr: nonce,
		Signature: Sign(ticket, nonce, ts, page)}, nil
}

// InvalidateTicket drops the corp ticket this Signer last signed with, so
// that the next Config fetches a new one (unless another process already
// did: with a shared store the drop is a compare-and-delete). WeCom does
// not tell a server that a ticket went bad; a page learns it (wx.error
// with 40093 or 42012) and may report it. Such reports can be forged, and
// every dropped ticket costs one of the few fetches WeCom allows per hour,
// so at most one call per interval ([WithInvalidateInterval], default 5
// minutes) has an effect; the others, and calls before any signature was
// made, return nil and do nothing.
func (s *Signer) InvalidateTicket(ctx context.Context) error {
	return s.invalidate(ctx, s.corpTicket, &s.corpLast, "jsapi ticket")
}

// InvalidateAgentTicket is [Signer.InvalidateTicket] for the app ticket
// of wx.agentConfig.
func (s *Signer) InvalidateAgentTicket(ctx context.Context) error {
	if s.agentTicket == nil {
		return ErrNoAgentID
	}
	return s.invalidate(ctx, s.agentTicket, &s.agentLast, "agent ticket")
}

func (s *Signer) invalidate(ctx context.Context, ts wecom.TokenSource, last *lastTicket, what string) error {
	p := last.value.Load()
	if p == nil {
		return nil // nothing signed yet: no page can have a bad signature from us
	}
	now := s.wc.Now().UnixNano()
	prev := last.invalidated.Load()
	if prev != 0 && now-prev < int64(s.invalidateEvery) || !last.invalidated.CompareAndSwap(prev, now) {
		s.wc.Logger().LogAttrs(ctx, slog.LevelInfo, "jssdk: not dropping the "+what+": one was dropped recently")
		return nil
	}
	if err := ts.Invalidate(ctx, *p); err != nil {
		return fmt.Errorf("jssdk: invalidate %s: %w", what, err)
	}
	s.wc.Logger().LogAttrs(ctx, slog.LevelInfo, "jssdk: dropped the "+what)
	return nil
}

// fetchCorpTicket gets a corp jsapi_ticket: GET /cgi-bin/get_jsapi_ticket.
func (s *Signer) fetchCorpTicket(ctx context.Context) (string, time.Duration, error) {
	return fetchTicket(ctx, getCorpTicket, s.corp, corpTicketRequest{})
}

// fetchAgentTicket gets the app's ticket: GET /cgi-bin/ticket/get?type=agent_config.
func (s *Signer) fetchAgentTicket(ctx context.Context) (string, time.Duration, error) {
	return fetchTicket(ctx, getAgentTicket, s.corp, agentTicketRequest{Type: "agent_config"})
}

func fetchTicket[Req any](ctx context.Context, ep *wecom.Endpoint[wecom.CorpToken, Req, ticketResponse], c wecom.Caller[wecom.CorpToken], req Req) (string, time.Duration, error) {
	var out ticketResponse
	if err := ep.CallInto(ctx, c, req, &out); err != nil {
		return "", 0, err // already names the path
	}
	if out.Ticket == "" {
		return "", 0, fmt.Errorf("jssdk: %s: response has no ticket", ep.Path)
	}
	return out.Ticket, wecom.ExpiresIn(out.ExpiresIn), nil
}

// signingURL returns pageURL without its fragment, after checking that it
// is an absolute http or https URL: no control characters (which
// url.Parse refuses too), a scheme of http or https (any case), and an
// authority — host, port, user info — that url.Parse accepts with a
// non-empty host. Path and query are signed as they are and not parsed:
// a browser's location.href may well hold a stray "%" there, and WeCom
// signs it raw. Parsing only the authority also keeps Config fast. The
// error never quotes the URL: after an OAuth2 redirect it carries a code.
func signingURL(pageURL string) (string, error) {
	if i := strings.IndexByte(pageURL, '#'); i >= 0 {
		pageURL = pageURL[:i]
	}
	if pageURL == "" {
		return "", fmt.Errorf("%w: empty", ErrInvalidURL)
	}
	for i := 0; i < len(pageURL); i++ {
		if c := pageURL[i]; c < 0x20 || c == 0x7f {
			return "", fmt.Errorf("%w: control character", ErrInvalidURL)
		}
	}
	var schemeEnd int // index just after "://"
	switch {
	case hasPrefixFold(pageURL, "https://"):
		schemeEnd = len("https://")
	case hasPrefixFold(pageURL, "http://"):
		schemeEnd = len("http://")
	default:
		return "", fmt.Errorf("%w: scheme must be http or https", ErrInvalidURL)
	}
	authority := pageURL[schemeEnd:]
	if end := strings.IndexAny(authority, "/?"); end >= 0 {
		authority = authority[:end]
	}
	if authority == "" {
		return "", fmt.Errorf("%w: no host", ErrInvalidURL)
	}
	if simpleAuthority(authority) {
		return pageURL, nil // what url.Parse would accept, without its cost
	}
	u, err := url.Parse(pageURL[:schemeEnd+len(authority)])
	switch {
	case err != nil:
		return "", fmt.Errorf("%w: host does not parse", ErrInvalidURL)
	case u.Host == "":
		return "", fmt.Errorf("%w: no host", ErrInvalidURL)
	}
	return pageURL, nil
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// simpleAuthority reports whether a is a plain host name (letters,
// digits, dots, hyphens; not empty) with an optional all-digit port: the
// usual case, which url.Parse accepts.
func simpleAuthority(a string) bool {
	host, port, hasPort := strings.Cut(a, ":")
	if host == "" || hasPort && port == "" {
		return false
	}
	for i := 0; i < len(host); i++ {
		c := host[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	for i := 0; i < len(port); i++ {
		if c := port[i]; c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func corpTicketKey(corpID string) string { return "jsapi_ticket:" + corpID }

func agentTicketKey(corpID string, agentID int64) string {
	return "agent_ticket:" + corpID + ":" + strconv.FormatInt(agentID, 10)
}

// TicketKeys returns the store keys under which a [Signer] caches corpID's
// tickets: the corp jsapi_ticket and the agent ticket of each of agentIDs.
// A third-party suite deletes them when a corporation uninstalls, so that
// a reinstall never signs with a ticket of the old installation.
func TicketKeys(corpID string, agentIDs ...int64) []string {
	keys := []string{corpTicketKey(corpID)}
	for _, id := range agentIDs {
		keys = append(keys, agentTicketKey(corpID, id))
	}
	return keys
}
