package message

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/internal/poll"
	"github.com/wecomkit/wecomkit/store"
)

// WeCom's per-app, per-member limits (docs 90236, 90454): beyond them
// messages are dropped silently.
const (
	DefaultPerMinute = 30
	DefaultPerHour   = 1000
	// DefaultQueueSize bounds the deliveries (one message to one member)
	// waiting in a Limiter.
	DefaultQueueSize = 10000
)

// ErrQueueFull is returned by [Limiter.Do] (and a Send through it) when
// the deliveries waiting would exceed the queue's size: the message was
// not sent, and the caller decides — retry later, or tell someone. The
// limiter never drops a message by itself.
var ErrQueueFull = errors.New("message: limiter queue full")

// Clock is the time a [Limiter] runs on. Tests give it a fake one whose
// Sleep just moves the time on, so that hours of limits pass at once.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or until ctx is done (then it returns ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error { return poll.Sleep(ctx, d) }

// Limiter keeps an app's messages within WeCom's per-member share — 30 a
// minute and 1000 an hour to one member by default — by making the
// excess wait instead of letting WeCom drop it. A message to many members
// goes at once to those with budget left and later to the others, each
// as soon as its budget allows; the windows slide, which is at least as
// strict as however WeCom counts. Waiting deliveries are bounded
// ([WithQueueSize]); beyond that a send fails with [ErrQueueFull].
//
// The counters live in process memory, or, with [WithSharedStore], in a
// store.Store that several processes share so that they share one
// budget. A Limiter is safe for concurrent use; give every sender of one
// app the same one.
type Limiter struct {
	perMinute, perHour int
	queueSize          int
	clock              Clock
	st                 store.Store
	locker             store.Locker
	prefix             string

	mu     sync.Mutex
	queued int
	log    map[string][]int64 // in memory: member → send times, Unix ns ascending; <0: in flight since -t
}

// LimiterOption configures [NewLimiter].
type LimiterOption interface{ applyLimiter(*Limiter) }

type limiterOptionFunc func(*Limiter)

func (f limiterOptionFunc) applyLimiter(l *Limiter) { f(l) }

// WithRate sets the per-member budget (defaults 30 a minute, 1000 an
// hour); values below 1 keep the default.
func WithRate(perMinute, perHour int) LimiterOption {
	return limiterOptionFunc(func(l *Limiter) {
		if perMinute > 0 {
			l.perMinute = perMinute
		}
		if perHour > 0 {
			l.perHour = perHour
		}
	})
}

// WithQueueSize bounds the deliveries waiting in the limiter (default
// [DefaultQueueSize]). A send that would exceed it fails with
// [ErrQueueFull] and sends nothing.
func WithQueueSize(n int) LimiterOption {
	return limiterOptionFunc(func(l *Limiter) {
		if n > 0 {
			l.queueSize = n
		}
	})
}

// WithLimiterClock sets the limiter's clock (default: the real one).
func WithLimiterClock(c Clock) LimiterOption {
	return limiterOptionFunc(func(l *Limiter) {
		if c != nil {
			l.clock = c
		}
	})
}

// WithSharedStore keeps the counters in st under keys beginning with
// prefix (one per app: "msglimit:<corpid>:<agentid>", say), so that all
// processes using the same store and prefix share one budget. st should
// implement store.Locker (store/redisstore does): the limiter then holds
// the lock named prefix+":lock" while it reads and updates counters, so
// two processes cannot both take a member's last slot. Each send costs a
// lock and a read and a write per member, twice.
func WithSharedStore(st store.Store, prefix string) LimiterOption {
	return limiterOptionFunc(func(l *Limiter) {
		l.st, l.prefix = st, prefix
		l.locker, _ = st.(store.Locker)
	})
}

// NewLimiter returns a Limiter with WeCom's limits.
func NewLimiter(opts ...LimiterOption) *Limiter {
	l := &Limiter{
		perMinute: DefaultPerMinute, perHour: DefaultPerHour, queueSize: DefaultQueueSize,
		clock: realClock{}, log: make(map[string][]int64),
	}
	for _, o := range opts {
		o.applyLimiter(l)
	}
	return l
}

// inFlightFor is how long a delivery counts as in flight before a crashed
// sender's reservation is taken for done.
const inFlightFor = 10 * time.Minute

// Queued returns how many deliveries are waiting now.
func (l *Limiter) Queued() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.queued
}

// Do calls send for users — at once for those with budget left, later for
// the rest, in as few calls as their budgets allow — and returns when all
// are sent, when send fails (its error is returned; members not yet sent
// are not), or when ctx is done. Duplicate userids count once. Each call
// of send is counted against its members' budgets whether or not it
// fails, since WeCom may have delivered it.
func (l *Limiter) Do(ctx context.Context, users []string, send func(ctx context.Context, users []string) error) error {
	pending := dedupe(users)
	l.mu.Lock()
	if l.queued+len(pending) > l.queueSize {
		l.mu.Unlock()
		return fmt.Errorf("%w: %d waiting, %d more would exceed %d", ErrQueueFull, l.queued, len(pending), l.queueSize)
	}
	l.queued += len(pending)
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.queued -= len(pending)
		l.mu.Unlock()
	}()

	for len(pending) > 0 {
		now := l.clock.Now()
		ready, wait, err := l.reserve(ctx, pending, now)
		if err != nil {
			return err
		}
		if len(ready) > 0 {
			sendErr := send(ctx, ready)
			if err := l.commit(ctx, ready, now.UnixNano(), l.clock.Now().UnixNano()); err != nil && sendErr == nil {
				sendErr = err
			}
			rest := pending[:0:0]
			for _, u := range pending {
				if !slices.Contains(ready, u) {
					rest = append(rest, u)
				}
			}
			l.mu.Lock()
			l.queued -= len(pending) - len(rest)
			l.mu.Unlock()
			pending = rest
			if sendErr != nil {
				return sendErr
			}
			continue
		}
		if err := l.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
	return nil
}

func dedupe(users []string) []string {
	out := make([]string, 0, len(users))
	seen := make(map[string]bool, len(users))
	for _, u := range users {
		k := strings.ToLower(u) // WeCom's userids are case-insensitive
		if !seen[k] {
			seen[k] = true
			out = append(out, u)
		}
	}
	return out
}

// allowedAt returns when a member with send log times may next be sent
// to, no earlier than now. Deliveries in flight count as sent now.
func (l *Limiter) allowedAt(times []int64, now int64) int64 {
	eff := make([]int64, 0, len(times))
	for _, t := range times {
		if t < 0 {
			t = now
		}
		eff = append(eff, t)
	}
	slices.Sort(eff)
	at := now
	minute, hour := int64(time.Minute), int64(time.Hour)
	inMinute := 0
	for i := len(eff) - 1; i >= 0 && eff[i] > now-minute; i-- {
		inMinute++
	}
	if inMinute >= l.perMinute {
		at = max(at, eff[len(eff)-l.perMinute]+minute)
	}
	inHour := 0
	for i := len(eff) - 1; i >= 0 && eff[i] > now-hour; i-- {
		inHour++
	}
	if inHour >= l.perHour {
		at = max(at, eff[len(eff)-l.perHour]+hour)
	}
	return at
}

// prune drops entries older than an hour and in-flight entries older than
// inFlightFor (taken as sent then).
func prune(times []int64, now int64) []int64 {
	out := times[:0]
	for _, t := range times {
		if t < 0 && now+t > int64(inFlightFor) {
			t = -t
		}
		if t < 0 || t > now-int64(time.Hour) {
			out = append(out, t)
		}
	}
	return out
}

// reserve marks the members of pending whose budget allows a delivery now
// as in flight and returns them, with how long to wait for the next one
// when none is ready.
func (l *Limiter) reserve(ctx context.Context, pending []string, now time.Time) (ready []string, wait time.Duration, err error) {
	n := now.UnixNano()
	next := int64(-1)
	err = l.update(ctx, pending, func(u string, times []int64) ([]int64, bool) {
		times = prune(times, n)
		at := l.allowedAt(times, n)
		if at <= n {
			ready = append(ready, u)
			return append(times, -n), true // in flight
		}
		if next < 0 || at < next {
			next = at
		}
		return times, false
	})
	if err != nil {
		return nil, 0, err
	}
	if len(ready) == 0 {
		wait = max(time.Duration(next-n), time.Millisecond)
	}
	return ready, wait, nil
}

// commit turns the in-flight entries reserved at start into deliveries at
// done: after the call returned, no earlier than WeCom received it.
func (l *Limiter) commit(ctx context.Context, users []string, start, done int64) error {
	return l.update(ctx, users, func(_ string, times []int64) ([]int64, bool) {
		for i, t := range times {
			if t == -start {
				times[i] = done
				return times, true
			}
		}
		return append(times, done), true
	})
}

// update applies f to the send log of each member and keeps what it
// returns; f reports whether the log changed (the store is written only
// then). In memory, f may reuse the slice it is given.
func (l *Limiter) update(ctx context.Context, users []string, f func(user string, times []int64) ([]int64, bool)) error {
	if l.st == nil {
		l.mu.Lock()
		defer l.mu.Unlock()
		for _, u := range users {
			k := strings.ToLower(u)
			nt, _ := f(u, l.log[k])
			if len(nt) == 0 {
				delete(l.log, k)
			} else {
				l.log[k] = nt
			}
		}
		return nil
	}
	if l.locker != nil {
		unlock, err := l.locker.Lock(ctx, l.prefix+":lock", 30*time.Second)
		if err != nil {
			return fmt.Errorf("message: limiter lock: %w", err)
		}
		defer func() { _ = unlock(context.WithoutCancel(ctx)) }()
	}
	for _, u := range users {
		key := l.prefix + ":" + strings.ToLower(u)
		raw, _, err := l.st.Get(ctx, key)
		if err != nil {
			return fmt.Errorf("message: limiter store: %w", err)
		}
		times, err := parseTimes(raw)
		if err != nil {
			return fmt.Errorf("message: limiter store: %s: %w", key, err)
		}
		if nt, changed := f(u, times); changed {
			if err := l.st.Set(ctx, key, formatTimes(nt), time.Hour+inFlightFor); err != nil {
				return fmt.Errorf("message: limiter store: %w", err)
			}
		}
	}
	return nil
}

// formatTimes and parseTimes encode a send log for a store: base-36
// Unix nanoseconds separated by commas, in-flight entries negative.
func formatTimes(ts []int64) string {
	b := make([]byte, 0, 14*len(ts))
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, t, 36)
	}
	return string(b)
}

// errBadLog reports a stored send log that does not parse.
var errBadLog = errors.New("malformed send log")

func parseTimes(s string) ([]int64, error) {
	if s == "" {
		return nil, nil
	}
	out := make([]int64, 0, strings.Count(s, ",")+1)
	for s != "" {
		item, rest, _ := strings.Cut(s, ",")
		t, err := strconv.ParseInt(item, 36, 64)
		if err != nil || t == 0 {
			return nil, errBadLog
		}
		out = append(out, t)
		s = rest
	}
	return out, nil
}
