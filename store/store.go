package store

import (
	"context"
	"errors"
	"time"
)

// Store is a string key/value store with per-key expiry.
//
// Implementations must be safe for concurrent use. Keys are chosen by
// wecomkit and never contain a secret; values may be secrets (tokens,
// permanent codes), so implementations must not log them.
type Store interface {
	// Get returns the value stored under key. ok is false when the key is
	// absent or expired; err is reserved for failures of the store itself.
	Get(ctx context.Context, key string) (value string, ok bool, err error)

	// Set stores value under key for ttl. A ttl of 0 keeps the value until it
	// is deleted. A negative ttl is an error.
	Set(ctx context.Context, key, value string, ttl time.Duration) error

	// Delete removes key. Deleting an absent key is not an error.
	Delete(ctx context.Context, key string) error

	// CompareAndDelete removes key only if it currently holds old, and
	// reports whether it did. It lets a caller that holds a stale token
	// forget it without evicting a fresher one written by someone else.
	CompareAndDelete(ctx context.Context, key, old string) (bool, error)
}

// Locker is implemented by stores shared between processes. wecomkit takes
// the lock around fetching a new credential, so that many processes sharing
// one store call WeCom once rather than once each.
type Locker interface {
	// Lock blocks until it holds the lock named key or ctx is done. The lock
	// is released by calling unlock, or automatically once ttl has passed, so
	// that a holder that dies cannot block the others for longer than ttl.
	// unlock releases the lock only if the caller still owns it.
	Lock(ctx context.Context, key string, ttl time.Duration) (unlock func(context.Context) error, err error)
}

// ErrNegativeTTL is returned by Set when ttl is negative.
var ErrNegativeTTL = errors.New("store: negative ttl")

// ErrInvalidTTL is returned by Lock when ttl is not positive: a lock that
// never expires would outlive a crashed holder.
var ErrInvalidTTL = errors.New("store: lock ttl must be positive")

// Adder is implemented by stores that can write a key only while it is
// free, atomically: the primitive that lets many processes record one job,
// one marker or one claim without a lock. wecomkit's durable job queue
// needs it; memory, bolt and Redis stores have it.
type Adder interface {
	// Add stores value under key for ttl (0: forever) only if key holds no
	// live value, and reports whether it stored it. A negative ttl is an
	// error ([ErrNegativeTTL]).
	Add(ctx context.Context, key, value string, ttl time.Duration) (added bool, err error)
}

// Index is implemented by stores that keep sorted sets: named sets of
// members, each with an integer score, read back in score order. wecomkit's
// durable job queue keeps every pending job's due time in one, so that
// recording, finishing and finding due jobs costs the same with ten jobs
// pending as with ten thousand.
//
// Index names live beside the Store's keys: in a store that shares one key
// space (Redis) an index and a key must not have the same name. Members are
// opaque strings (no secrets); scores are whatever the caller orders by
// (Unix milliseconds, for the job queue).
type Index interface {
	// IndexAdd puts member into index with score unless it is there
	// already (its score is then kept), and reports whether it added it.
	IndexAdd(ctx context.Context, index, member string, score int64) (added bool, err error)
	// IndexSet puts member into index with score, moving it if it is there.
	IndexSet(ctx context.Context, index, member string, score int64) error
	// IndexRemove takes member out of index. Removing an absent member is
	// not an error.
	IndexRemove(ctx context.Context, index, member string) error
	// IndexRange returns up to limit members whose score is at most max,
	// lowest score first (ties in member order). limit ≤ 0 returns none.
	IndexRange(ctx context.Context, index string, max int64, limit int) ([]Scored, error)
	// IndexLen reports how many members index holds.
	IndexLen(ctx context.Context, index string) (int64, error)
}

// Scored is one member of an [Index] with its score.
type Scored struct {
	Member string
	Score  int64
}
