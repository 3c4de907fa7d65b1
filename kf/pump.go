package kf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/internal/poll"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
)

// Handler handles one message or event the [Pump] read. It is called for
// the messages of a kf account one at a time, in WeCom's order. Delivery
// is at least once: after a crash, a failed page or a lost lock the
// messages of the unfinished page are handled again, so a handler must
// deduplicate by Message.MsgID. An error stops the pass; the page is read
// and handled again on the next pass.
type Handler interface {
	HandleMessage(ctx context.Context, m *Message) error
}

// HandlerFunc adapts a function to a [Handler].
type HandlerFunc func(ctx context.Context, m *Message) error

// HandleMessage calls f.
func (f HandlerFunc) HandleMessage(ctx context.Context, m *Message) error { return f(ctx, m) }

// HandlerError is returned by [Pump.Pull] when the handler failed: the
// page's cursor was not stored.
type HandlerError struct {
	MsgID string // the message the handler failed on
	Err   error
}

func (e *HandlerError) Error() string {
	return "kf: handler failed on message " + e.MsgID + ": " + e.Err.Error()
}

// Unwrap returns the handler's error.
func (e *HandlerError) Unwrap() error { return e.Err }

// ErrLockExpired is returned when a page took longer than the pump's lock
// ttl ([WithLockTTL]): its cursor is not stored, since another process
// may hold the lock by then; the page is handled again.
var ErrLockExpired = errors.New("kf: the pump's lock expired before the page was handled")

// tokenTTL is how long a callback's Token is valid (doc 94670).
const tokenTTL = 10 * time.Minute

// Pump reads the messages of kf accounts with sync_msg and hands each to a
// [Handler], storing the cursor in a store.Store only after the handler
// returned for every message of a page. See the package documentation for
// its guarantees. Create it with [NewPump] and stop it with [Pump.Close].
type Pump struct {
	c       *Client
	st      store.Store
	locker  store.Locker // nil: a store shared by no one
	h       Handler
	o       pumpOptions
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	workers map[string]*worker
}

type worker struct {
	token   string
	tokenAt time.Time
	running bool
	pending bool
}

type pumpOptions struct {
	limit      int
	voice      int
	lockTTL    time.Duration
	attempts   int
	timeout    time.Duration
	retryAfter time.Duration
	backoff    func(attempt int) time.Duration
	sleep      func(ctx context.Context, d time.Duration) error
	now        func() time.Time
	log        *slog.Logger
	onError    func(openKfID string, err error)
	next       crypto.Handler
	keyPrefix  string
}

// PumpOption configures a [Pump].
type PumpOption func(*pumpOptions)

// WithLimit sets how many messages a page asks for: 1 to 1000 (the
// default). A page is the unit of redelivery.
func WithLimit(n int) PumpOption {
	return func(o *pumpOptions) {
		if n > 0 && n <= MaxSyncLimit {
			o.limit = n
		}
	}
}

// WithVoiceFormat asks for voices as VoiceAMR (the default) or VoiceSilk.
func WithVoiceFormat(f int) PumpOption { return func(o *pumpOptions) { o.voice = f } }

// WithLockTTL sets how long the pump holds a kf account's lock for one
// page (default 5 minutes) when the store is a store.Locker: the page's
// handling must end well within it (the handler's ctx ends at 90% of it),
// or its cursor is not stored ([ErrLockExpired]).
func WithLockTTL(d time.Duration) PumpOption {
	return func(o *pumpOptions) {
		if d > 0 {
			o.lockTTL = d
		}
	}
}

// WithAttempts sets how many times a page is requested when WeCom answers
// -1 (system busy), the network fails or an attempt times out, before the
// pass gives up (default 6). The cursor never moves meanwhile.
func WithAttempts(n int) PumpOption {
	return func(o *pumpOptions) {
		if n > 0 {
			o.attempts = n
		}
	}
}

// WithAttemptTimeout bounds each sync_msg request (default: the client's
// request timeout), so that a WeCom that stalls is asked again.
func WithAttemptTimeout(d time.Duration) PumpOption { return func(o *pumpOptions) { o.timeout = d } }

// WithBackoff sets the wait before attempt n+1 of a page (n ≥ 1). The
// default doubles from 500 ms to at most 30 s.
func WithBackoff(f func(attempt int) time.Duration) PumpOption {
	return func(o *pumpOptions) {
		if f != nil {
			o.backoff = f
		}
	}
}

// WithRetryAfter sets how long a background pass waits after a failed
// pass (a handler error, WeCom failing every attempt) before trying again
// (default 30 s). A callback wakes it sooner.
func WithRetryAfter(d time.Duration) PumpOption { return func(o *pumpOptions) { o.retryAfter = d } }

// WithSleep replaces how the pump waits (backoff, retry after): tests pass
// a function that records d and returns at once. It must return ctx's
// error when ctx ends first.
func WithSleep(f func(ctx context.Context, d time.Duration) error) PumpOption {
	return func(o *pumpOptions) {
		if f != nil {
			o.sleep = f
		}
	}
}

// WithPumpClock sets the clock that dates callback tokens (valid 10
// minutes); the default is time.Now.
func WithPumpClock(now func() time.Time) PumpOption {
	return func(o *pumpOptions) {
		if now != nil {
			o.now = now
		}
	}
}

// WithPumpLogger logs failed passes (never tokens or message content).
func WithPumpLogger(l *slog.Logger) PumpOption {
	return func(o *pumpOptions) {
		if l != nil {
			o.log = l
		}
	}
}

// WithErrorHook calls f with the error of each failed background pass.
func WithErrorHook(f func(openKfID string, err error)) PumpOption {
	return func(o *pumpOptions) { o.onError = f }
}

// WithNext passes the callbacks that are not kf_msg_or_event on to h, so
// that a Pump can serve an app's whole callback URL.
func WithNext(h crypto.Handler) PumpOption { return func(o *pumpOptions) { o.next = h } }

// WithKeyPrefix sets the prefix of the pump's store keys (default
// "wecomkit:kf:").
func WithKeyPrefix(p string) PumpOption { return func(o *pumpOptions) { o.keyPrefix = p } }

func defaultBackoff(n int) time.Duration {
	d := 500 * time.Millisecond
	for i := 1; i < n && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

// NewPump returns a pump reading the kf accounts of c's corporation into
// h, with its cursors in s. Use a durable store (store/boltstore for one
// process, store/redisstore for several: its lock lets one process pump a
// kf account at a time). Close it to stop its background passes.
func NewPump(c *Client, s store.Store, h Handler, opts ...PumpOption) *Pump {
	o := pumpOptions{limit: MaxSyncLimit, lockTTL: 5 * time.Minute, attempts: 6, retryAfter: 30 * time.Second,
		backoff: defaultBackoff, sleep: poll.Sleep, now: time.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil)), keyPrefix: "wecomkit:kf:"}
	for _, f := range opts {
		f(&o)
	}
	p := &Pump{c: c, st: s, h: h, o: o, workers: make(map[string]*worker)}
	p.locker, _ = s.(store.Locker)
	p.ctx, p.cancel = context.WithCancel(context.Background())
	return p
}

// Close stops the background passes and waits for them; a page being
// handled is abandoned (its cursor not stored) once the handler returns.
func (p *Pump) Close() {
	p.cancel()
	p.wg.Wait()
}

func (p *Pump) cursorKey(openKfID string) string {
	return p.o.keyPrefix + "cursor:" + p.c.corpID + ":" + openKfID
}

func (p *Pump) lockKey(openKfID string) string {
	return p.o.keyPrefix + "lock:" + p.c.corpID + ":" + openKfID
}

// Cursor returns the stored cursor of the kf account openKfID ("" before
// the first page).
func (p *Pump) Cursor(ctx context.Context, openKfID string) (string, error) {
	v, _, err := p.st.Get(ctx, p.cursorKey(openKfID))
	if err != nil {
		return "", fmt.Errorf("kf: read cursor: %w", err)
	}
	return v, nil
}

// HandleEvent makes the pump a crypto.Handler for an app's callback: a
// kf_msg_or_event callback wakes the pump for its OpenKfId with its Token
// and is answered at once ("success"); the pump then reads in the
// background. Other callbacks go to [WithNext]'s handler, or are answered
// "success".
func (p *Pump) HandleEvent(ctx context.Context, ev *crypto.Event) ([]byte, error) {
	if ev.MsgType != "event" || ev.Event != "kf_msg_or_event" {
		if p.o.next != nil {
			return p.o.next.HandleEvent(ctx, ev)
		}
		return nil, nil
	}
	token, _ := ev.Field("Token")
	openKfID, _ := ev.Field("OpenKfId")
	if len(token) > MaxTokenBytes || len(openKfID) > 64 {
		p.o.log.Warn("kf: kf_msg_or_event with an oversized field ignored")
		return nil, nil
	}
	if openKfID == "" {
		// sync_msg needs the account (open_kfid is 必须 on doc 94670).
		p.o.log.Warn("kf: kf_msg_or_event without OpenKfId ignored")
		return nil, nil
	}
	p.Notify(openKfID, token)
	return nil, nil
}

// Notify wakes the background pass of the kf account openKfID, with
// token, the callback's Token ("" to keep the last one). An empty
// openKfID is ignored: sync_msg reads one account at a time (open_kfid is
// required on doc 94670). It never blocks: a call while a pass runs makes
// one more pass after it, however many calls arrive.
func (p *Pump) Notify(openKfID, token string) {
	if p.ctx.Err() != nil || openKfID == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	w := p.workers[openKfID]
	if w == nil {
		w = &worker{}
		p.workers[openKfID] = w
	}
	if token != "" {
		w.token, w.tokenAt = token, p.o.now()
	}
	if w.running {
		w.pending = true
		return
	}
	w.running = true
	p.wg.Add(1)
	go p.work(openKfID, w)
}

func (p *Pump) work(openKfID string, w *worker) {
	defer p.wg.Done()
	for {
		p.mu.Lock()
		w.pending = false
		token := w.token
		if token != "" && p.o.now().Sub(w.tokenAt) >= tokenTTL {
			token = "" // expired: WeCom reads without one, under a stricter rate limit
		}
		p.mu.Unlock()
		err := p.Pull(p.ctx, openKfID, token)
		if p.ctx.Err() != nil {
			p.mu.Lock()
			w.running = false
			p.mu.Unlock()
			return
		}
		if err != nil {
			p.o.log.Warn("kf: pump pass failed", "open_kfid", openKfID, "err", err)
			if p.o.onError != nil {
				p.o.onError(openKfID, err)
			}
			if p.o.sleep(p.ctx, p.o.retryAfter) != nil {
				p.mu.Lock()
				w.running = false
				p.mu.Unlock()
				return
			}
			continue
		}
		p.mu.Lock()
		if !w.pending {
			w.running = false
			p.mu.Unlock()
			return
		}
		p.mu.Unlock()
	}
}

// Pull reads every page of the kf account openKfID from the stored cursor
// and hands each message to the handler, storing the next cursor after
// each page, until WeCom has no more. token is the latest callback's Token
// ("" reads without one). It returns the first error that stopped it: a
// [*HandlerError], WeCom's or the network's after every attempt, the
// store's, or [ErrLockExpired]. The background passes call it; call it
// directly to drain a kf account synchronously.
func (p *Pump) Pull(ctx context.Context, openKfID, token string) error {
	for {
		more, err := p.page(ctx, openKfID, token)
		if err != nil || !more {
			return err
		}
	}
}

// page handles one page under the kf account's lock and reports whether
// more follow.
func (p *Pump) page(ctx context.Context, openKfID, token string) (bool, error) {
	if p.locker != nil {
		unlock, err := p.locker.Lock(ctx, p.lockKey(openKfID), p.o.lockTTL)
		if err != nil {
			return false, fmt.Errorf("kf: pump lock: %w", err)
		}
		defer func() { _ = unlock(context.WithoutCancel(ctx)) }()
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.o.lockTTL*9/10)
		defer cancel()
	}
	cursor, _, err := p.st.Get(ctx, p.cursorKey(openKfID))
	if err != nil {
		return false, fmt.Errorf("kf: read cursor: %w", err)
	}
	pg, err := p.fetch(ctx, SyncRequest{OpenKfID: openKfID, Cursor: cursor, Token: token, Limit: p.o.limit, VoiceFormat: p.o.voice})
	if err != nil {
		return false, err
	}
	for i := range pg.MsgList {
		if err := p.h.HandleMessage(ctx, &pg.MsgList[i]); err != nil {
			return false, &HandlerError{MsgID: pg.MsgList[i].MsgID, Err: err}
		}
	}
	if err := ctx.Err(); err != nil {
		if p.locker != nil && errors.Is(err, context.DeadlineExceeded) {
			return false, ErrLockExpired
		}
		return false, err
	}
	if pg.NextCursor != "" && pg.NextCursor != cursor {
		if err := p.st.Set(ctx, p.cursorKey(openKfID), pg.NextCursor, 0); err != nil {
			return false, fmt.Errorf("kf: store cursor: %w", err)
		}
	}
	return pg.More() && pg.NextCursor != "", nil
}

// fetch reads one page, asking again with backoff while WeCom is busy
// (-1), the network fails or an attempt times out.
func (p *Pump) fetch(ctx context.Context, r SyncRequest) (*SyncPage, error) {
	req, err := r.request()
	if err != nil {
		return nil, err
	}
	var opts []wecom.CallOption
	if p.o.timeout > 0 {
		opts = append(opts, wecom.WithCallTimeout(p.o.timeout))
	}
	for attempt := 1; ; attempt++ {
		page := new(SyncPage)
		err := syncMsg.CallInto(ctx, p.c.corp, req, page, opts...)
		if err == nil {
			return page, nil
		}
		if ctx.Err() != nil || !retriable(err) || attempt >= p.o.attempts {
			return nil, fmt.Errorf("kf: sync_msg (attempt %d): %w", attempt, err)
		}
		if err := p.o.sleep(ctx, p.o.backoff(attempt)); err != nil {
			return nil, fmt.Errorf("kf: sync_msg: %w", err)
		}
	}
}

// retriable reports whether asking for the same page again may succeed:
// WeCom busy (-1), or no answer at all (a network failure, a timeout).
func retriable(err error) bool {
	var api *wecom.APIError
	if errors.As(err, &api) {
		return api.Code == -1
	}
	var kind *wecom.TokenKindError
	return !errors.As(err, &kind) && !errors.Is(err, ErrInvalidArgument)
}
