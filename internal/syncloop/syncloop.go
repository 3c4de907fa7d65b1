// Package syncloop is the scheduling loop that contact's and
// externalcontact's Syncers share: one sync at a time (in the process and,
// with a store.Locker, across processes), bounded by a timeout; a sync at
// once, then every interval with jitter, and soon after a trigger; each
// outcome logged and passed to the hooks.
//
// The Syncers keep their own options and doc comments and set a Loop's
// fields from them; what a sync does is theirs too, passed to [Loop.Run]
// as a [Work].
package syncloop

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/wecomkit/wecomkit/internal/poll"
	"github.com/wecomkit/wecomkit/store"
)

// Loop schedules the syncs of one Syncer. Set its fields, then call
// [Loop.Init] once before any other method; do not change the fields
// after the first sync started.
type Loop[C ~[]E, E any] struct {
	// Prefix starts every error and log message ("contact: ").
	Prefix string
	// Store holds the snapshot under Key.
	Store store.Store
	// Key is the store key of the snapshot; the lock is Key+":lock".
	Key string
	// Locker, when not nil, keeps syncs of several processes apart.
	Locker store.Locker
	// Interval is the time between syncs in Run.
	Interval time.Duration
	// Jitter spreads the waits: each is Interval times a random factor
	// in [1-Jitter, 1+Jitter].
	Jitter float64
	// Delay is how long after a trigger (or a mark) the work starts.
	Delay time.Duration
	// Timeout bounds one sync and is the lock's lifetime.
	Timeout time.Duration
	// Logger receives Run's messages.
	Logger *slog.Logger
	// OnError, when not nil, is called with every failure in Run.
	OnError func(error)
	// OnSuccess, when not nil, is called with the changes of every
	// success in Run.
	OnSuccess func(C)

	sem     chan struct{} // one sync at a time in this process
	trigger chan struct{}
}

// Init makes the loop's channels and, when Logger is nil, a logger that
// discards everything.
func (l *Loop[C, E]) Init() {
	l.sem = make(chan struct{}, 1)
	l.trigger = make(chan struct{}, 1)
	if l.Logger == nil {
		l.Logger = Discard()
	}
}

// Discard returns a logger that logs nothing.
func Discard() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError + 1}))
}

// Key returns base plus ":" and the source's corpid when src has a
// non-empty one (a CorpID() string method), else base.
func Key(base string, src any) string {
	if c, ok := src.(interface{ CorpID() string }); ok && c.CorpID() != "" {
		return base + ":" + c.CorpID()
	}
	return base
}

// LockerOf returns st as a store.Locker when it is one, else nil.
func LockerOf(st store.Store) store.Locker {
	if l, ok := st.(store.Locker); ok {
		return l
	}
	return nil
}

// Begin waits for the process's and, with a Locker, the store's lock, and
// bounds ctx by the timeout; end releases them (the store's lock first,
// with a context that is not cancelled).
func (l *Loop[C, E]) Begin(ctx context.Context) (_ context.Context, end func(), _ error) {
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, l.Timeout)
	unlock := func(context.Context) error { return nil }
	if l.Locker != nil {
		u, err := l.Locker.Lock(ctx, l.Key+":lock", l.Timeout)
		if err != nil {
			cancel()
			<-l.sem
			return nil, nil, fmt.Errorf("%ssync lock: %w", l.Prefix, err)
		}
		unlock = u
	}
	return ctx, func() {
		_ = unlock(context.WithoutCancel(ctx))
		cancel()
		<-l.sem
	}, nil
}

// Trigger asks Run for a full sync soon. It never blocks.
func (l *Loop[C, E]) Trigger() {
	select {
	case l.trigger <- struct{}{}:
	default:
	}
}

// Work is one kind of work Run does, with its log messages.
type Work[C any] struct {
	// Do does the work (it calls Begin itself).
	Do func(context.Context) (C, error)
	// Failed is logged at error level, with the error, when Do fails.
	Failed string
	// Done is logged at info level, with the count of changes and the
	// seconds taken, when Do succeeds.
	Done string
}

// Run does full at once, then every interval (jittered) and Delay after
// each Trigger; and refresh Delay after each signal on marked (which may
// be nil: then never). It returns nil once ctx is done, after the work in
// progress, if any, has been cancelled. Failures are logged and passed to
// OnError, successes to OnSuccess; a refresh does not move the interval.
func (l *Loop[C, E]) Run(ctx context.Context, full, refresh Work[C], marked <-chan struct{}) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		isFull := false
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
			isFull = true
		case <-l.trigger:
			isFull = true
			if !wait(ctx, l.Delay) {
				return nil
			}
			select { // triggers during the delay are covered by this sync
			case <-l.trigger:
			default:
			}
		case <-marked:
			if !wait(ctx, l.Delay) {
				return nil
			}
		}
		w := refresh
		if isFull {
			w = full
		}
		start := time.Now()
		changes, err := w.Do(ctx)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			l.Logger.LogAttrs(ctx, slog.LevelError, w.Failed, slog.String("error", err.Error()))
			if l.OnError != nil {
				l.OnError(err)
			}
		default:
			l.Logger.LogAttrs(ctx, slog.LevelInfo, w.Done, slog.Int("changes", len(changes)),
				slog.Float64("seconds", time.Since(start).Seconds()))
			if l.OnSuccess != nil {
				l.OnSuccess(changes)
			}
		}
		if isFull {
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(l.next())
		}
	}
}

// next is the wait before the next scheduled sync.
func (l *Loop[C, E]) next() time.Duration {
	if l.Jitter == 0 {
		return l.Interval
	}
	f := 1 + l.Jitter*(2*rand.Float64()-1)
	return time.Duration(float64(l.Interval) * f)
}

// wait waits d, and reports false when ctx was done first.
func wait(ctx context.Context, d time.Duration) bool { return poll.Sleep(ctx, d) == nil }
