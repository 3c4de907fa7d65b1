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
