package wecom

// The in-process tier of a cached token: an atomically published value,
// refresh-ahead in the background, and a single flight for a cold cache.
// Sharing the value between processes is in share.go.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/wecomkit/wecomkit/store"
)

type tokenConfig struct {
	store        store.Store
	locker       store.Locker
	now          func() time.Time
	logger       *slog.Logger
	refreshAfter float64
	fetchTimeout time.Duration
	refreshRetry time.Duration
}

func defaultTokenConfig() tokenConfig {
	return tokenConfig{
		logger:       discardLogger(),
		refreshAfter: 0.8,
		fetchTimeout: 30 * time.Second,
		refreshRetry: 5 * time.Second,
	}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// tokenEntry is one value with its lifetime, in Unix nanoseconds of the
// configured clock. Entries are immutable once published, but for due.
type tokenEntry struct {
	value     string
	issued    int64
	refreshAt int64
	expiresAt int64

	// due is set by a timer when refreshAt passes, so that with the real
	// clock the hot path need not read the time at all (a clock read costs
	// more than everything else on that path). Unused with an injected
	// clock, which timers cannot follow.
	due   atomic.Bool
	timer *time.Timer
}

// cachedToken implements NewCachedToken.
type cachedToken struct {
	realClock bool // cfg.now was not injected: entries carry a due timer

	key     string
	lockKey string
	fetch   FetchFunc
	cfg     tokenConfig

	cur        atomic.Pointer[tokenEntry]
	refreshing atomic.Bool  // a background refresh is running
	retryAt    atomic.Int64 // no background refresh before this instant (failed refresh)
	flight     singleflight.Group
}

// NewCachedToken returns a TokenSource that caches what fetch returns under
// key.
//
//   - The hot path is one atomic load and, with the real clock, one atomic
//     flag set by a timer when the refresh is due: no lock, no allocation,
//     no clock read. (With an injected clock, [WithClock], it reads that
//     clock instead, since timers cannot follow it.)
//   - After a fraction of the lifetime ([WithRefreshAfter], default 0.8) a
//     single background refresh starts while callers keep getting the
//     current value; if it fails, the still-valid value keeps being served
//     and the refresh is retried later ([WithRefreshRetry]).
//   - A cold or expired cache is fetched once for all concurrent callers. A
//     caller whose context ends while waiting returns at once with the
//     context's error; the fetch itself goes on (bounded by
//     [WithFetchTimeout]) for the others.
//   - With [WithStore], the value is read from and written to the store, so
//     every process sharing it uses one token. If the store implements
//     [store.Locker], only one process fetches at a time; the others wait
//     for the lock and then read what it stored.
//   - A value is treated as expired a little before WeCom's expires_in runs
//     out (a tenth of the lifetime, at most one minute) to absorb network
//     latency and clock skew between processes.
//   - A failed fetch is never cached.
//
// key names the credential in the store; it must not contain a secret (use
// a hash of the secret where the secret is what distinguishes two apps).
// fetch must not be nil.
func NewCachedToken(key string, fetch FetchFunc, opts ...TokenOption) TokenSource {
	if fetch == nil {
		panic("wecom: NewCachedToken: nil FetchFunc")
	}
	cfg := defaultTokenConfig()
	for _, o := range opts {
		o.applyToken(&cfg)
	}
	if l, ok := cfg.store.(store.Locker); ok {
		cfg.locker = l
	}
	c := &cachedToken{key: key, lockKey: key + ":lock", fetch: fetch, cfg: cfg}
	if cfg.now == nil {
		c.realClock = true
		c.cfg.now = time.Now
	}
	return c
}

// Token implements [TokenSource].
func (c *cachedToken) Token(ctx context.Context) (string, error) {
	if e := c.cur.Load(); e != nil {
		if c.realClock && !e.due.Load() {
			return e.value, nil
		}
		now := c.cfg.now().UnixNano()
		if now < e.refreshAt {
			return e.value, nil
		}
		if now < e.expiresAt {
			c.refreshInBackground(e, now)
			return e.value, nil
		}
	}
	return c.slow(ctx)
}

// slow waits for the single in-process flight that obtains a valid value.
func (c *cachedToken) slow(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	ch := c.flight.DoChan("", func() (any, error) {
		// The flight outlives any single caller: its context keeps the
		// first caller's values but not its cancellation.
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.flightTimeout())
		defer cancel()
		return c.obtain(fctx, nil)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return "", r.Err
		}
		return r.Val.(*tokenEntry).value, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// flightTimeout bounds one flight. Without a Locker that is one fetch.
// With one, the flight may first wait for another process's lock — up to
// the lock's TTL, which is the fetch timeout, if that process died holding
// it — and then fetch itself, so it gets twice the fetch timeout.
func (c *cachedToken) flightTimeout() time.Duration {
	if c.cfg.locker != nil {
		return 2 * c.cfg.fetchTimeout
	}
	return c.cfg.fetchTimeout
}

// refreshInBackground starts one refresh of old unless one is running or a
// failed one asked to wait.
func (c *cachedToken) refreshInBackground(old *tokenEntry, now int64) {
	if now < c.retryAt.Load() || !c.refreshing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer c.refreshing.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), c.flightTimeout())
		defer cancel()
		_, err, _ := c.flight.Do("", func() (any, error) { return c.obtain(ctx, old) })
		if err != nil {
			c.retryAt.Store(c.cfg.now().Add(c.cfg.refreshRetry).UnixNano())
			c.cfg.logger.LogAttrs(ctx, slog.LevelWarn, "wecom: token refresh failed; serving the current value",
				slog.String("key", c.key), slog.Any("error", err))
			return
		}
		c.retryAt.Store(0)
	}()
}

// usable reports whether e can be handed out: for a cold cache (old == nil)
// any unexpired value will do; a refresh wants a value newer than old that
// is not itself due for refresh.
func usable(e *tokenEntry, old *tokenEntry, now int64) bool {
	if e == nil || now >= e.expiresAt {
		return false
	}
	return old == nil || (e.issued > old.issued && now < e.refreshAt)
}

// obtain returns a usable value, from the process, the store or WeCom, in
// that order. It runs inside the single flight.
func (c *cachedToken) obtain(ctx context.Context, old *tokenEntry) (*tokenEntry, error) {
	now := c.cfg.now().UnixNano()
	if e := c.cur.Load(); usable(e, old, now) {
		return e, nil // published while this flight was starting
	}
	if c.cfg.store == nil {
		return c.fetchAndPublish(ctx)
	}
	return c.obtainShared(ctx, old, now)
}

// fetchAndPublish calls WeCom and publishes the result to the process and
// the store.
func (c *cachedToken) fetchAndPublish(ctx context.Context) (*tokenEntry, error) {
	start := c.cfg.now()
	value, ttl, err := c.fetch(ctx)
	if err != nil {
		return nil, err
	}
	if value == "" {
		return nil, fmt.Errorf("wecom: token %s: fetch returned an empty value", c.key)
	}
	if ttl <= 0 {
		return nil, fmt.Errorf("wecom: token %s: fetch returned a non-positive lifetime %v", c.key, ttl)
	}
	e := newTokenEntry(value, start, ttl, c.cfg.refreshAfter)
	c.publish(e)
	c.cfg.logger.LogAttrs(ctx, slog.LevelDebug, "wecom: fetched token",
		slog.String("key", c.key), slog.Duration("ttl", ttl))
	if c.cfg.store != nil {
		c.writeStore(ctx, e)
	}
	return e, nil
}

// publish makes e the process's current value. With the real clock it
// arms e's due timer first; the replaced entry's timer is stopped.
func (c *cachedToken) publish(e *tokenEntry) {
	if c.realClock && e.timer == nil && !e.due.Load() {
		if d := time.Duration(e.refreshAt - time.Now().UnixNano()); d > 0 {
			due := &e.due // the timer keeps only the flag alive, not the source
			e.timer = time.AfterFunc(d, func() { due.Store(true) })
		} else {
			e.due.Store(true)
		}
	}
	if old := c.cur.Swap(e); old != nil && old != e {
		old.stopTimer()
	}
}

func (e *tokenEntry) stopTimer() {
	if e.timer != nil {
		e.timer.Stop()
	}
}

func newTokenEntry(value string, issued time.Time, ttl time.Duration, refreshAfter float64) *tokenEntry {
	margin := min(ttl/10, time.Minute)
	iss := issued.UnixNano()
	return &tokenEntry{
		value:     value,
		issued:    iss,
		refreshAt: iss + int64(float64(ttl)*refreshAfter),
		expiresAt: iss + int64(ttl-margin),
	}
}

// Invalidate implements [TokenSource].
func (c *cachedToken) Invalidate(ctx context.Context, tok string) error {
	if tok == "" {
		return nil
	}
	if e := c.cur.Load(); e != nil && e.value == tok && c.cur.CompareAndSwap(e, nil) {
		e.stopTimer()
	}
	if c.cfg.store == nil {
		return nil
	}
	return c.invalidateStore(ctx, tok)
}
