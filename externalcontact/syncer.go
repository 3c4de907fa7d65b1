package externalcontact

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/internal/syncloop"
	"github.com/wecomkit/wecomkit/store"
)

// Defaults of the Syncer's options.
const (
	DefaultSyncInterval = 30 * time.Minute
	DefaultSyncJitter   = 0.1
	DefaultRefreshDelay = 5 * time.Second
	DefaultSyncTimeout  = 10 * time.Minute
	DefaultMaxMarks     = 10000
)

// ErrInvalidSyncer is matched by the error of [NewSyncer] for unusable
// arguments.
var ErrInvalidSyncer = errors.New("externalcontact: invalid syncer configuration")

// Syncer keeps a copy of who follows which customer — with the tags,
// remark and description each member gave them — in step with WeCom: a
// full sync ([Syncer.Sync]) reads everything ([Source.Fetch]), compares it
// with the last snapshot ([Diff]) and hands the changes to a callback; the
// last snapshot lives in a [store.Store], so a restarted process diffs
// against it and reports only what changed meanwhile.
//
// Between full syncs, customer-contact events keep the copy fresh at a
// small cost ([Syncer.Observe]): add, edit and delete events mark the
// relation (member, customer) they name, and a targeted refresh
// ([Syncer.Refresh]) reads just those customers (externalcontact/get),
// applies what it finds to the stored snapshot and reports the changes
// as a full sync would. A deleted corp tag can touch any relation, so
// change_external_tag delete asks for a full sync instead ([Syncer.Trigger]).
//
// Nothing is lost and nothing is invented:
//
//   - a failed fetch — an error on any page — fails the sync and keeps the
//     previous snapshot; what was not read is never reported removed;
//   - members WeCom leaves out of batch/get_by_user for want of an
//     interface license are not read, not failed: the sync keeps their
//     previous relations and reports none of them changed or removed,
//     and the stored snapshot lists them in [Snapshot.Unfetched] until a
//     later sync reads them; a refresh that does not find one of their
//     relations keeps it too;
//   - a failed refresh keeps its marks, to be tried again;
//   - the new snapshot is stored only after the callback returned nil, so
//     changes the callback could not take are reported again next time;
//   - two syncs or refreshes never overlap: not in one process, and, when
//     the store implements [store.Locker], not across processes either.
//
// A Syncer is safe for concurrent use.
type Syncer struct {
	src      Fetcher
	onChange func(context.Context, Changes) error
	maxMarks int
	now      func() time.Time
	loop     syncloop.Loop[Changes, Change] // scheduling, locks, the store and the hooks

	marked chan struct{} // relations were marked

	mu    sync.Mutex
	marks map[relKey]struct{}
}

type relKey struct{ userID, externalUserID string }

// SyncerOption configures [NewSyncer].
type SyncerOption interface{ applySyncer(*Syncer) }

type syncerOptionFunc func(*Syncer)

func (f syncerOptionFunc) applySyncer(s *Syncer) { f(s) }

// WithSyncInterval sets the time between full syncs in [Syncer.Run]
// (default [DefaultSyncInterval]). A full sync of 100,000 relations makes
// about 1,000 calls; events keep the copy fresh between them.
func WithSyncInterval(d time.Duration) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetInterval(d) })
}

// WithSyncJitter spreads the syncs of many processes: each wait is the
// interval times a random factor in [1-f, 1+f] (default
// [DefaultSyncJitter]; 0 disables, values above 0.5 are taken as 0.5).
func WithSyncJitter(f float64) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetJitter(f) })
}

// WithRefreshDelay sets how long after a mark or [Syncer.Trigger] the
// work starts in [Syncer.Run] (default [DefaultRefreshDelay]), so that a
// burst of events causes one refresh.
func WithRefreshDelay(d time.Duration) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetDelay(d) })
}

// WithSyncTimeout bounds one sync or refresh (default
// [DefaultSyncTimeout]); with a [store.Locker] it is also the lock's
// lifetime.
func WithSyncTimeout(d time.Duration) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetTimeout(d) })
}

// WithMaxMarks bounds the relations waiting for a refresh (default
// [DefaultMaxMarks]); beyond it the marks are dropped and a full sync is
// triggered, which covers them all.
func WithMaxMarks(n int) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) {
		if n > 0 {
			s.maxMarks = n
		}
	})
}

// WithSyncKey sets the store key of the snapshot (default
// "externalcontact:snapshot:" plus the source's corpid when it has one).
func WithSyncKey(key string) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetKey(key) })
}

// WithSyncLogger sets where [Syncer.Run] logs (default: nowhere). Nothing
// secret is logged.
func WithSyncLogger(l *slog.Logger) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.SetLogger(l) })
}

// WithSyncOnError calls f with the error of every failed sync or refresh
// in [Syncer.Run].
func WithSyncOnError(f func(error)) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.OnError = f })
}

// WithSyncOnSuccess calls f after every successful sync or refresh in
// [Syncer.Run], with its changes (none when nothing changed).
func WithSyncOnSuccess(f func(Changes)) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) { s.loop.OnSuccess = f })
}

// WithSyncClock sets the clock that stamps refreshed snapshots.
func WithSyncClock(now func() time.Time) SyncerOption {
	return syncerOptionFunc(func(s *Syncer) {
		if now != nil {
			s.now = now
		}
	})
}

// NewSyncer returns a Syncer that reads from src, keeps its snapshot in st
// and passes the changes of each sync or refresh to onChange (which may be
// nil). onChange runs on the syncing goroutine; while it runs no other
// sync starts. An error from it fails the sync, and its changes come
// again.
func NewSyncer(src Fetcher, st store.Store, onChange func(ctx context.Context, changes Changes) error, opts ...SyncerOption) (*Syncer, error) {
	if src == nil || st == nil {
		return nil, fmt.Errorf("%w: a Fetcher and a store.Store are needed", ErrInvalidSyncer)
	}
	s := &Syncer{
		src: src, onChange: onChange,
		maxMarks: DefaultMaxMarks,
		now:      time.Now,
		marked:   make(chan struct{}, 1),
		marks:    make(map[relKey]struct{}),
	}
	s.loop = syncloop.Loop[Changes, Change]{
		Prefix: "externalcontact: ", Store: st, Key: syncloop.Key("externalcontact:snapshot", src), Locker: syncloop.LockerOf(st),
		Interval: DefaultSyncInterval, Jitter: DefaultSyncJitter, Delay: DefaultRefreshDelay, Timeout: DefaultSyncTimeout,
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

// Sync runs one full sync now and returns its changes: on the first sync
// of an empty store every follower and relation is added. It waits for a
// sync or refresh already running first. On error nothing was stored and
// the previous snapshot stands. The marks made before it started are
// covered by it and dropped when it succeeds.
func (s *Syncer) Sync(ctx context.Context) (Changes, error) {
	ctx, end, err := s.loop.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	return s.syncLocked(ctx)
}

func (s *Syncer) syncLocked(ctx context.Context) (Changes, error) {
	covered := s.takeMarks()
	prev, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	next, err := s.src.Fetch(ctx)
	if err != nil {
		return nil, fmt.Errorf("externalcontact: sync: %w", err)
	}
	if next == nil {
		return nil, errors.New("externalcontact: sync: the Fetcher returned no snapshot")
	}
	next.Sort()
	if len(next.Unfetched) > 0 {
		next.carry(prev)
		s.loop.Logger.LogAttrs(ctx, slog.LevelWarn, "externalcontact: sync could not read some members' customers; their previous relations are kept",
			slog.Int("members", len(next.Unfetched)))
	}
	changes, err := s.commit(ctx, prev, next)
	if err != nil {
		return changes, err
	}
	s.dropMarks(covered)
	return changes, nil
}

// commit diffs, hands the changes over and stores next.
func (s *Syncer) commit(ctx context.Context, prev, next *Snapshot) (Changes, error) {
	changes := Diff(prev, next)
	if s.onChange != nil && len(changes) > 0 {
		if err := s.onChange(ctx, changes); err != nil {
			return changes, fmt.Errorf("externalcontact: sync: changes not taken (they come again): %w", err)
		}
	}
	if prev != nil && len(changes) == 0 && slices.Equal(prev.Unfetched, next.Unfetched) {
		return nil, nil // nothing to store: Taken is the only difference
	}
	if err := s.loop.Save(ctx, next); err != nil {
		return changes, err
	}
	return changes, nil
}

// Trigger asks [Syncer.Run] for a full sync soon — after the refresh
// delay, one sync for any number of triggers meanwhile. It never blocks.
func (s *Syncer) Trigger() { s.loop.Trigger() }

// Run syncs at once, then every interval (jittered), soon after each
// [Syncer.Trigger], and refreshes soon after relations are marked, until
// ctx is done; then it returns nil, after the work in progress, if any,
// has been cancelled. Failures are logged and passed to
// [WithSyncOnError]; a failed refresh keeps its marks and is tried again
// after the next mark or sync.
func (s *Syncer) Run(ctx context.Context) error {
	return s.loop.Run(ctx, syncloop.Work[Changes]{
		Do:     s.Sync,
		Failed: "externalcontact: sync failed; the previous snapshot stands",
		Done:   "externalcontact: sync done",
	}, syncloop.Work[Changes]{
		Do:     s.Refresh,
		Failed: "externalcontact: refresh failed; the previous snapshot stands",
		Done:   "externalcontact: refresh done",
	}, s.marked)
}
