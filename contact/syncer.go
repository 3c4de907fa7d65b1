package contact

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/wecomkit/wecomkit/internal/syncloop"
	"github.com/wecomkit/wecomkit/store"
)

// Defaults of the Syncer's options.
const (
	DefaultInterval     = 10 * time.Minute
	DefaultJitter       = 0.1
	DefaultTriggerDelay = 5 * time.Second
	DefaultSyncTimeout  = 5 * time.Minute
)

// ErrInvalidSyncer is matched by the error of [NewSyncer] for unusable
// arguments.
var ErrInvalidSyncer = errors.New("contact: invalid syncer configuration")

// Syncer keeps a directory in step: every interval it fetches a snapshot,
// compares it with the last one ([Diff]) and hands the changes to a
// callback; the last snapshot lives in a [store.Store], so a restarted
// process reports only what really changed meanwhile.
//
// Nothing is lost and nothing is invented:
//
//   - a failed fetch — an error on any page — fails the sync and keeps the
//     previous snapshot; missing parts are never reported as removed;
//   - the new snapshot is stored only after the callback returned nil, so
//     changes the callback could not take are reported again next time;
//   - fields WeCom stopped returning keep their last known value
//     ([Snapshot.Inherit]) instead of being reported as changed;
//   - two syncs never overlap: not in one process, and, when the store
//     implements [store.Locker] (store/redisstore does), not across
//     processes either.
//
// A Syncer is safe for concurrent use.
type Syncer struct {
	src      Fetcher
	onChange func(context.Context, Changes) error
	loop     syncloop.Loop[Changes, Change] // scheduling, locks, the store and the hooks
}

// SyncerOption configures [NewSyncer].
type SyncerOption interface{ applySyncer(*Syncer) }

type syncerOptionFunc func(*Syncer)

func (f syncerOptionFunc) applySyncer(s *Syncer) { f(s) }

// WithInterval sets the time between syncs in [Syncer.Run] (default
// [DefaultInterval], 10 minutes).
func WithInterval(d time.Duration) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetInterval(d) })
}

// WithJitter spreads the syncs of many processes: each wait is the
// interval times a random factor in [1-f, 1+f] (default [DefaultJitter];
// 0 disables, values above 0.5 are taken as 0.5).
func WithJitter(f float64) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetJitter(f) })
}

// WithTriggerDelay sets how long after [Syncer.Trigger] the sync starts
// (default [DefaultTriggerDelay]): WeCom pushes one change_contact per
// member changed, and a burst of them should cause one sync.
func WithTriggerDelay(d time.Duration) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetDelay(d) })
}

// WithSyncTimeout bounds one sync (default [DefaultSyncTimeout]); with a
// [store.Locker] it is also the lock's lifetime, so a process that dies
// mid-sync holds the others up for at most this long.
func WithSyncTimeout(d time.Duration) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetTimeout(d) })
}

// WithKey sets the store key of the snapshot (default
// "contact:snapshot:" plus the source's corpid when it has one).
func WithKey(key string) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetKey(key) })
}

// WithSyncLogger sets where [Syncer.Run] logs its syncs (default:
// nowhere). Nothing secret is logged.
func WithSyncLogger(l *slog.Logger) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetLogger(l) })
}

// WithOnError calls f with the error of every failed sync in
// [Syncer.Run], after it was logged.
func WithOnError(f func(error)) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.OnError = f })
}

// WithOnSuccess calls f after every successful sync in [Syncer.Run], with
// its changes (none when nothing changed): for a server's health and
// metrics, which need to know a sync succeeded even when it found nothing.
func WithOnSuccess(f func(Changes)) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.OnSuccess = f })
}

// NewSyncer returns a Syncer that fetches from src, keeps its snapshot in
// st and passes the changes of each sync to onChange (which may be nil).
// onChange runs on the syncing goroutine; while it runs no other sync
// starts. An error from it fails the sync, and its changes come again.
func NewSyncer(src Fetcher, st store.Store, onChange func(ctx context.Context, changes Changes) error, opts ...SyncerOption) (*Syncer, error) {
	if src == nil || st == nil {
		return nil, fmt.Errorf("%w: a Fetcher and a store.Store are needed", ErrInvalidSyncer)
	}
	s := &Syncer{src: src, onChange: onChange}
	s.loop = syncloop.Loop[Changes, Change]{
		Prefix: "contact: ", Store: st, Key: syncloop.Key("contact:snapshot", src), Locker: syncloop.LockerOf(st),
		Interval: DefaultInterval, Jitter: DefaultJitter, Delay: DefaultTriggerDelay, Timeout: DefaultSyncTimeout,
	}
	for _, o := range opts {
		o.applySyncer(s)
	}
	s.loop.Init()
	return s, nil
}

// Key returns the store key of the snapshot.
func (s *Syncer) Key() string { return s.loop.Key }

// Snapshot returns the last stored snapshot, or nil when there is none
// yet.
func (s *Syncer) Snapshot(ctx context.Context) (*Snapshot, error) {
	return syncloop.Load[Snapshot](ctx, &s.loop)
}

// Sync runs one sync now and returns its changes: on the first sync of an
// empty store every member and department is added. It waits for a sync
// already running in this process (or, with a [store.Locker], in
// another) to finish first. On error nothing was stored and the previous
// snapshot stands.
func (s *Syncer) Sync(ctx context.Context) (Changes, error) {
	ctx, end, err := s.loop.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	prev, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	next, err := s.src.Fetch(ctx)
	if err != nil {
		return nil, fmt.Errorf("contact: sync: %w", err)
	}
	if next == nil {
		return nil, errors.New("contact: sync: the Fetcher returned no snapshot")
	}
	next.Sort()
	next.Inherit(prev)
	changes := Diff(prev, next)
	if s.onChange != nil && len(changes) > 0 {
		if err := s.onChange(ctx, changes); err != nil {
			return changes, fmt.Errorf("contact: sync: changes not taken (they come again): %w", err)
		}
	}
	if prev != nil && len(changes) == 0 {
		return nil, nil // nothing to store: Taken is the only difference
	}
	if err := s.loop.Save(ctx, next); err != nil {
		return changes, err
	}
	return changes, nil
}

// Trigger asks [Syncer.Run] for a sync soon — after the trigger delay,
// one sync for any number of triggers meanwhile. It never blocks, so a
// change_contact callback can call it directly:
//
//	crypto.NewHandler(mc, crypto.HandlerFunc(func(ctx context.Context, ev *crypto.Event) ([]byte, error) {
//		if ev.Event == "change_contact" {
//			syncer.Trigger()
//		}
//		return nil, nil
//	}))
func (s *Syncer) Trigger() { s.loop.Trigger() }

// Run syncs at once, then every interval (jittered) and soon after each
// [Syncer.Trigger], until ctx is done; then it returns nil, after the
// sync in progress, if any, has been cancelled. Failed syncs are logged
// and passed to [WithOnError]; the next one is tried at the next
// interval.
func (s *Syncer) Run(ctx context.Context) error {
	return s.loop.Run(ctx, syncloop.Work[Changes]{
		Do:     s.Sync,
		Failed: "contact: sync failed; the previous snapshot stands",
		Done:   "contact: synced",
	}, syncloop.Work[Changes]{}, nil)
}
