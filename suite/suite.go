package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
)

// Config identifies a third-party app (第三方应用) and its command callback,
// as the provider admin console shows them (应用管理 → the app → 回调配置).
type Config struct {
	// SuiteID is the app's suite_id (ww…, or dk… for a 代开发 template).
	SuiteID string
	// SuiteSecret is the app's secret.
	SuiteSecret string
	// Token and EncodingAESKey are the callback settings shared by the
	// command and data callback URLs.
	Token          string
	EncodingAESKey string
	// ProviderCorpID is the service provider's own corp id. Optional: WeCom
	// is reported to encrypt URL verifications with it, so when set it is
	// accepted as a receive id besides the suite id.
	ProviderCorpID string
}

// Errors callers branch on. Compare with errors.Is.
var (
	// ErrNoSuiteTicket: no suite_ticket has been pushed yet, or the newest
	// one WeCom pushed is too old to be accepted.
	ErrNoSuiteTicket = errors.New("suite: no usable suite_ticket yet: WeCom pushes one to the command callback URL every 10 minutes (valid 30 minutes); to force a push, open the provider admin console → 应用管理 → the app → 回调配置 → 刷新ticket")
	// ErrNotAuthorized: the corporation has not installed the app, or
	// cancelled the authorization.
	ErrNotAuthorized = errors.New("suite: corporation has not authorized the app")
	// ErrInvalidConfig: New or NewProvider was given unusable settings.
	ErrInvalidConfig = errors.New("suite: invalid configuration")
	// ErrAuthCodeUsed: WeCom refused an auth code (40078) that this suite has
	// no record of exchanging: it expired (10 minutes) or another system
	// exchanged it.
	ErrAuthCodeUsed = errors.New("suite: auth code invalid, expired or used elsewhere")
)

// Suite runs one third-party app's lifecycle: it keeps the suite_ticket WeCom
// pushes, the suite token, and, for every corporation that installed the
// app, its permanent code and a [wecom.Client] whose token comes from
// get_corp_token. See the package documentation for the state machine.
//
// A Suite is safe for concurrent use. It runs a small pool of workers for
// pushes answered but not yet handled; [Suite.Close] stops them.
type Suite struct {
	cfg    Config
	opts   config
	keys   keys
	store  store.Store
	corpSt store.Store // store for the corp clients: keys under the suite's prefix
	locker store.Locker
	logger *slog.Logger
	now    func() time.Time

	transport   *wecom.Transport
	suiteTokens wecom.TokenSource
	service     *wecom.Client // suite_access_token calls

	mu      sync.Mutex                               // serialises read-modify-write of lists in the store
	clients atomic.Pointer[map[string]*wecom.Client] // authorized corps' clients, copy on write
	flight  singleflight.Group                       // one exchange per auth code, one client per corp

	jobs *jobQueue
	tk   ticketWatch // ticket.go
}

// New returns a Suite for cfg. [WithStore] with a durable store is required
// (see there). New loads the pushes that a previous process answered but did
// not finish and handles them in the background.
func New(cfg Config, opts ...Option) (*Suite, error) {
	o := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&o)
		}
	}
	var problems []string
	if cfg.SuiteID == "" {
		problems = append(problems, "SuiteID is empty")
	}
	if cfg.SuiteSecret == "" {
		problems = append(problems, "SuiteSecret is empty")
	}
	if cfg.Token == "" {
		problems = append(problems, "Token is empty")
	}
	if _, err := crypto.New(orDummy(cfg.Token), cfg.EncodingAESKey, cfg.SuiteID); err != nil {
		problems = append(problems, "EncodingAESKey is not 43 base64 characters")
	}
	switch _, isMemory := o.store.(*store.Memory); {
	case o.store == nil && o.ephemeral:
		o.store = store.NewMemory(store.WithClock(o.now))
	case o.store == nil:
		problems = append(problems, "no store: suite tickets and permanent codes need a durable one (WithStore with boltstore or redisstore)")
	case isMemory && !o.ephemeral:
		problems = append(problems, "store.Memory forgets permanent codes on restart: use boltstore or redisstore, or WithEphemeralStore for tests")
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalidConfig, strings.Join(problems, "; "))
	}
	if o.logger == nil {
		o.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	now := o.now
	if now == nil {
		now = time.Now
	}
	t, err := newTransport(&o)
	if err != nil {
		return nil, err
	}
	s := &Suite{
		cfg:       cfg,
		opts:      o,
		keys:      newKeys(cfg.SuiteID),
		store:     o.store,
		corpSt:    prefixed(o.store, "suite:"+cfg.SuiteID+":"),
		logger:    o.logger,
		now:       now,
		transport: t,
	}
	s.locker, _ = o.store.(store.Locker)
	empty := map[string]*wecom.Client{}
	s.clients.Store(&empty)

	s.suiteTokens = wecom.NewCachedToken("suite_access_token:"+cfg.SuiteID,
		s.fetchSuiteToken(), s.tokenOptions(o.store)...)
	s.service, err = wecom.NewServiceClient(wecom.SuiteAccessToken, s.suiteTokens, s.clientOptions(o.store)...)
	if err != nil {
		return nil, err
	}
	s.jobs = newJobQueue(s)
	if err := s.jobs.start(); err != nil {
		return nil, err
	}
	s.startTicketWatch()
	return s, nil
}

func orDummy(token string) string {
	if token == "" {
		return "x" // let crypto.New judge the key alone
	}
	return token
}

func newTransport(o *config) (*wecom.Transport, error) {
	if o.transport != nil {
		return o.transport, nil
	}
	opts := []wecom.Option{wecom.WithBaseURL(o.baseURL)}
	if o.httpClient != nil {
		opts = append(opts, wecom.WithHTTPClient(o.httpClient))
	}
	if o.logger != nil {
		opts = append(opts, wecom.WithLogger(o.logger))
	}
	if o.callHook != nil {
		opts = append(opts, wecom.WithCallHook(o.callHook))
	}
	t, err := wecom.NewTransport(opts...)
	if err != nil {
		return nil, fmt.Errorf("suite: %w", err)
	}
	return t, nil
}

func (s *Suite) tokenOptions(st store.Store) []wecom.TokenOption {
	return []wecom.TokenOption{wecom.WithStore(st), wecom.WithClock(s.opts.now), wecom.WithLogger(s.logger)}
}

func (s *Suite) clientOptions(st store.Store) []wecom.Option {
	return []wecom.Option{wecom.WithTransport(s.transport), wecom.WithStore(st), wecom.WithClock(s.opts.now), wecom.WithLogger(s.logger)}
}

// Close stops the workers, waiting for the push being handled, if any. Pushes
// not yet handled stay in the store for the next process. Close does not
// close the store.
func (s *Suite) Close() error {
	s.stopTicketWatch()
	s.jobs.stop()
	return nil
}

// ID returns the suite id.
func (s *Suite) ID() string { return s.cfg.SuiteID }

// SuiteToken returns a valid suite_access_token: get_suite_token
// (https://developer.work.weixin.qq.com/document/path/90600) with the newest
// stored suite_ticket, cached (and shared through the store) until shortly
// before it expires. Before the first ticket arrives it fails with
// [ErrNoSuiteTicket]; so it does, without calling WeCom, when the stored
// ticket is older than [TicketValidity] and none was pushed since the
// process started.
func (s *Suite) SuiteToken(ctx context.Context) (string, error) {
	return s.suiteTokens.Token(ctx)
}

// fetchSuiteToken wraps the transport's get_suite_token: WeCom's 40085
// (ticket missing or expired) becomes ErrNoSuiteTicket as well.
func (s *Suite) fetchSuiteToken() wecom.FetchFunc {
	fetch := s.transport.GetSuiteToken(s.cfg.SuiteID, wecom.Secret(s.cfg.SuiteSecret), s.currentTicket)
	return func(ctx context.Context) (string, time.Duration, error) {
		tok, ttl, err := fetch(ctx)
		if wecom.ErrorCode(err) == 40085 {
			return "", 0, fmt.Errorf("%w (WeCom: %w)", ErrNoSuiteTicket, err)
		}
		return tok, ttl, err
	}
}

// Ticket is the newest suite_ticket received, without its value.
type Ticket struct {
	// TimeStamp is when WeCom issued it (the push's TimeStamp).
	TimeStamp time.Time
}

// LastTicket reports when the newest stored suite_ticket was issued, for
// health checks; ok is false when there is none.
func (s *Suite) LastTicket(ctx context.Context) (t Ticket, ok bool, err error) {
	ts, _, ok, err := s.readTicket(ctx)
	if err != nil || !ok {
		return Ticket{}, false, err
	}
	return Ticket{TimeStamp: time.Unix(ts, 0)}, true, nil
}

func (s *Suite) currentTicket(ctx context.Context) (string, error) {
	ts, ticket, ok, err := s.readTicket(ctx)
	if err != nil {
		return "", fmt.Errorf("suite: read suite_ticket: %w", err)
	}
	if !ok {
		return "", ErrNoSuiteTicket
	}
	if err := s.staleAtStart(ts); err != nil {
		return "", err
	}
	return ticket, nil
}

func (s *Suite) readTicket(ctx context.Context) (ts int64, ticket string, ok bool, err error) {
	raw, ok, err := s.store.Get(ctx, s.keys.ticket())
	if err != nil || !ok {
		return 0, "", false, err
	}
	head, ticket, found := strings.Cut(raw, "|")
	ts, perr := strconv.ParseInt(head, 10, 64)
	if !found || perr != nil || ticket == "" {
		return 0, "", false, nil // unreadable: as if none
	}
	return ts, ticket, true, nil
}

// saveTicket stores ticket unless the stored one is newer: WeCom may
// deliver pushes out of order (retries), and the newest ticket is the one to
// use. It reports whether the ticket was stored.
func (s *Suite) saveTicket(ctx context.Context, ticket string, ts int64) (bool, error) {
	if ticket == "" {
		return false, nil
	}
	stored := false
	err := s.locked(ctx, "ticket", func(ctx context.Context) error {
		old, _, ok, err := s.readTicket(ctx)
		if err != nil {
			return err
		}
		if ok && old > ts {
			return nil
		}
		stored = true
		return s.store.Set(ctx, s.keys.ticket(), strconv.FormatInt(ts, 10)+"|"+ticket, 0)
	})
	return stored, err
}

// locked runs f holding the suite's in-process mutex and, when the store is
// a Locker, the store lock called name, so that read-modify-write sequences
// on one key never interleave, in this process or any other.
func (s *Suite) locked(ctx context.Context, name string, f func(context.Context) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locker == nil {
		return f(ctx)
	}
	unlock, err := s.locker.Lock(ctx, s.keys.lock(name), 10*time.Second)
	if err != nil {
		return fmt.Errorf("suite: lock %s: %w", name, err)
	}
	defer func() { _ = unlock(context.WithoutCancel(ctx)) }()
	return f(ctx)
}
