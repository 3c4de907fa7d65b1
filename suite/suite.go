package suite

import (
	"cmp"
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
	"github.com/wecomkit/wecomkit/internal/jobqueue"
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
	st     jobqueue.Store
	corpSt store.Store // store for the corp clients: keys under the suite's prefix
	locker store.Locker
	logger *slog.Logger
	now    func() time.Time
	repo   authRepo

	transport   *wecom.Transport
	suiteTokens wecom.TokenSource
	suiteCall   wecom.Caller[wecom.SuiteToken] // suite_access_token calls (endpoints.go)
	service     *wecom.Client                  // the same token as a client: AppQRCode's JSON answer only (qrcode.go)

	mu      sync.Mutex                            // guards writers of clients
	clients atomic.Pointer[map[string]*corpEntry] // authorized corps' clients and values, copy on write
	flight  singleflight.Group                    // one exchange per auth code, one client per corp
	unsaved sync.Map                              // code hash → *exchangeRecord the store refused

	jobs  *jobqueue.Queue
	tk    ticketWatch // ticket.go
	stats counters
}

// counters back [Suite.Stats].
type counters struct {
	unhandleable, refusedTickets, droppedTickets, lostInstalls, cancelledInstalls atomic.Uint64
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
	if _, ok := o.store.(jobqueue.Store); o.store != nil && !ok {
		problems = append(problems, "the store cannot hold a job queue: it must also implement store.Adder and store.Index (store.Memory, boltstore and redisstore do)")
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
	st := o.store.(jobqueue.Store)
	s := &Suite{
		cfg:       cfg,
		opts:      o,
		keys:      newKeys(cfg.SuiteID),
		st:        st,
		corpSt:    prefixed(o.store, "suite:"+cfg.SuiteID+":"),
		logger:    o.logger,
		now:       now,
		transport: t,
	}
	s.repo = authRepo{st: st, k: s.keys}
	s.locker, _ = o.store.(store.Locker)
	empty := map[string]*corpEntry{}
	s.clients.Store(&empty)

	s.suiteTokens = wecom.NewCachedToken("suite_access_token:"+cfg.SuiteID,
		s.fetchSuiteToken(), s.tokenOptions(o.store)...)
	s.suiteCall = wecom.NewCaller[wecom.SuiteToken](t, s.suiteTokens)
	s.service, err = wecom.NewServiceClient(wecom.SuiteAccessToken, s.suiteTokens, s.clientOptions(o.store)...)
	if err != nil {
		return nil, err
	}
	if s.jobs, err = s.newQueue(); err != nil {
		return nil, err
	}
	ctx := context.Background()
	if err := s.repo.migrate(ctx); err != nil {
		return nil, err
	}
	if err := s.migrateJobs(ctx); err != nil {
		return nil, err
	}
	s.jobs.Start()
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
	var opts []wecom.Option
	if o.logger != nil {
		opts = append(opts, wecom.WithLogger(o.logger))
	}
	t, err := wecom.NewTransport(append(opts, o.wecomOpts...)...)
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
	s.jobs.Close()
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
//
// A ticket WeCom refuses with 40085 is deleted (if it is still the stored
// one), so that the next push replaces it even if its TimeStamp is older.
func (s *Suite) fetchSuiteToken() wecom.FetchFunc {
	var used atomic.Pointer[string] // the stored form of the ticket last sent
	ticket := func(ctx context.Context) (string, error) {
		raw, t, err := s.currentTicket(ctx)
		if err == nil {
			used.Store(&raw)
		}
		return t, err
	}
	fetch := s.transport.GetSuiteToken(s.cfg.SuiteID, wecom.Secret(s.cfg.SuiteSecret), ticket)
	return func(ctx context.Context) (string, time.Duration, error) {
		tok, ttl, err := fetch(ctx)
		if wecom.ErrorCode(err) == 40085 {
			if raw := used.Load(); raw != nil {
				if dropped, derr := s.st.CompareAndDelete(ctx, s.keys.ticket(), *raw); derr == nil && dropped {
					s.stats.droppedTickets.Add(1)
					s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: WeCom refused the stored suite_ticket (40085); dropped so that the next push replaces it")
				}
			}
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
	ts, _, _, ok, err := s.readTicket(ctx)
	if err != nil || !ok {
		return Ticket{}, false, err
	}
	return Ticket{TimeStamp: time.Unix(ts, 0)}, true, nil
}

// currentTicket returns the stored ticket and its stored form.
func (s *Suite) currentTicket(ctx context.Context) (raw, ticket string, err error) {
	ts, raw, ticket, ok, err := s.readTicket(ctx)
	if err != nil {
		return "", "", fmt.Errorf("suite: read suite_ticket: %w", storeErr(err))
	}
	if !ok {
		return "", "", ErrNoSuiteTicket
	}
	if err := s.staleAtStart(ts); err != nil {
		return "", "", err
	}
	return raw, ticket, nil
}

func (s *Suite) readTicket(ctx context.Context) (ts int64, raw, ticket string, ok bool, err error) {
	raw, ok, err = s.st.Get(ctx, s.keys.ticket())
	if err != nil || !ok {
		return 0, "", "", false, err
	}
	head, ticket, found := strings.Cut(raw, "|")
	ts, perr := strconv.ParseInt(head, 10, 64)
	if !found || perr != nil || ticket == "" {
		return 0, "", "", false, nil // unreadable: as if none
	}
	return ts, raw, ticket, true, nil
}

// saveTicket stores ticket unless the stored one is newer: WeCom may
// deliver pushes out of order (retries), and the newest ticket is the one to
// use. A stored ticket stamped in the future (stored before such tickets
// were refused) does not count as newer. It reports whether the ticket was
// stored.
func (s *Suite) saveTicket(ctx context.Context, ticket string, ts int64) (bool, error) {
	if ticket == "" {
		return false, nil
	}
	stored := false
	err := s.locked(ctx, "ticket", func(ctx context.Context) error {
		old, _, _, ok, err := s.readTicket(ctx)
		if err != nil {
			return err
		}
		if ok && old > ts && !time.Unix(old, 0).After(s.now().Add(maxFutureSkew)) {
			return nil
		}
		stored = true
		return s.st.Set(ctx, s.keys.ticket(), strconv.FormatInt(ts, 10)+"|"+ticket, 0)
	})
	return stored, err
}

// locked runs f holding the lock called name — the suite's in-process one
// for that name and, when the store is a Locker, the store's — so that
// read-modify-write sequences on one key never interleave, in this process
// or any other. Only the suite_ticket needs one.
func (s *Suite) locked(ctx context.Context, name string, f func(context.Context) error) error {
	s.tk.mu.Lock()
	defer s.tk.mu.Unlock()
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

// shared runs f once for all concurrent callers with the same key, on a
// context detached from theirs (bounded by timeout): one caller giving up
// must not fail the others. Each caller still stops waiting when its own
// ctx ends.
func (s *Suite) shared(ctx context.Context, key string, timeout time.Duration, f func(context.Context) (any, error)) (any, error) {
	ch := s.flight.DoChan(key, func() (any, error) {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		return f(fctx)
	})
	select {
	case r := <-ch:
		return r.Val, r.Err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Stats counts what the suite's push handling did since it started, for
// metrics and alerts.
type Stats struct {
	// Unhandleable counts signed pushes (and jobs) that can never be
	// handled: answered "success", logged once with the reason, dropped.
	Unhandleable uint64
	// RefusedTickets counts suite_tickets stamped more than a few minutes
	// in the future; DroppedTickets, stored tickets WeCom refused (40085).
	RefusedTickets, DroppedTickets uint64
	// LostInstalls counts auth codes WeCom spent whose permanent code
	// never reached the suite (see the package documentation): each one
	// is an installation the corporation must redo. Alert on it.
	LostInstalls uint64
	// CancelledInstalls counts installs whose cancel_auth arrived before
	// their exchange finished; they are not stored.
	CancelledInstalls uint64
	// Jobs are the push queue's counters.
	Jobs JobStats
}

// JobStats counts what the push queue did.
type JobStats struct {
	Added, Duplicates, Done, Retried, Dropped uint64
	// SlowStarts counts jobs that started later than [WithSlowStart]
	// after they were recorded.
	SlowStarts uint64
	// WriteErrors counts outcomes or leases the store refused;
	// LastWriteError is when the last one happened.
	WriteErrors    uint64
	LastWriteError time.Time
}

// Stats returns the suite's counters.
func (s *Suite) Stats() Stats {
	q := s.jobs.Stats()
	return Stats{
		Unhandleable:      s.stats.unhandleable.Load(),
		RefusedTickets:    s.stats.refusedTickets.Load(),
		DroppedTickets:    s.stats.droppedTickets.Load(),
		LostInstalls:      s.stats.lostInstalls.Load(),
		CancelledInstalls: s.stats.cancelledInstalls.Load(),
		Jobs: JobStats{Added: q.Added, Duplicates: q.Duplicates, Done: q.Done, Retried: q.Retried, Dropped: q.Dropped,
			SlowStarts: q.SlowStarts, WriteErrors: q.WriteErrors, LastWriteError: q.LastWriteErr},
	}
}

// CheckStore writes to and reads back from the suite's store: what a
// readiness check should ask, since a store that reads but cannot write
// (disk full, a read-only replica) loses every push answered from then on.
func (s *Suite) CheckStore(ctx context.Context) error {
	v := strconv.FormatInt(time.Now().UnixNano(), 10)
	if err := s.st.Set(ctx, s.keys.probe(), v, time.Minute); err != nil {
		return fmt.Errorf("suite: store write probe: %w", storeErr(err))
	}
	got, ok, err := s.st.Get(ctx, s.keys.probe())
	if err != nil || !ok || got != v {
		return fmt.Errorf("suite: store write probe: %w", storeErr(cmp.Or(err, errors.New("the value written was not read back"))))
	}
	return nil
}
