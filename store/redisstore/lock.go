package redisstore

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wecomkit/wecomkit/store"
)

// ErrLockLost is returned by an unlock function when the lock was no longer
// held by its caller: its ttl ran out first, and another process may have
// taken it since. That process's lock is left alone.
var ErrLockLost = errors.New("redisstore: unlock: lock no longer held (its ttl ran out first)")

// acquire takes the lock KEYS[1] for owner ARGV[1] for ARGV[2] ms if it is
// free, answering "OK"; otherwise it answers how many ms the current
// holder's lock has left, so that a waiter need not poll past its expiry.
// One script, so the answer describes the same instant as the failed SET.
var acquire = redis.NewScript(`
if redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then
	return "OK"
end
return redis.call("PTTL", KEYS[1])
`)

// Lock implements [store.Locker] with Redis's SET key owner NX PX ttl.
//
// The lock is held by a random owner token: only the unlock function
// returned with it deletes it (a Lua script compares the token), so a
// holder that overran its ttl cannot release a lock another process has
// taken since; it gets [ErrLockLost] instead. Redis expires the lock after
// ttl, so a holder that dies blocks the others for at most ttl. Waiters
// poll with jittered exponential backoff ([WithLockPoll]), never sleeping
// past the holder's expiry, and give up when ctx is done.
//
// The ttl is what keeps mutual exclusion honest: a holder must finish its
// work, or abandon it, before ttl has passed. wecom's token cache does so
// by using the same duration (wecom.WithFetchTimeout) as the lock's ttl
// and as the deadline of the fetch it makes while holding it.
//
// Lock names share the key space (and the prefix) with values; wecomkit's
// lock names end in ":lock".
func (s *Store) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	if ttl <= 0 {
		return nil, store.ErrInvalidTTL
	}
	owner, err := newOwner()
	if err != nil {
		return nil, fmt.Errorf("redisstore: lock: %w", err)
	}
	k := s.prefix + key
	px := roundMillis(ttl).Milliseconds()
	bound := s.lockPollMin
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("redisstore: lock: %w", err)
		}
		res, err := acquire.Run(ctx, s.client, []string{k}, owner, px).Result()
		if err != nil {
			return nil, fmt.Errorf("redisstore: lock: %w", err)
		}
		left, held := res.(int64)
		if !held {
			return s.unlocker(k, owner), nil
		}

		wait := bound/2 + rand.N(bound/2+1)
		if left > 0 {
			// Wake just after the holder's lock expires rather than a
			// whole poll interval later.
			wait = min(wait, time.Duration(left)*time.Millisecond+time.Millisecond)
		}
		bound = min(2*bound, s.lockPollMax)
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("redisstore: lock: %w", ctx.Err())
		case <-timer.C:
		}
	}
}

// unlocker returns the function that releases the lock k held by owner.
// Calling it again after a successful release does nothing.
func (s *Store) unlocker(k, owner string) func(context.Context) error {
	var released atomic.Bool
	return func(ctx context.Context) error {
		if released.Load() {
			return nil
		}
		n, err := deleteIfEquals.Run(ctx, s.client, []string{k}, owner).Int()
		if err != nil {
			return fmt.Errorf("redisstore: unlock: %w", err)
		}
		released.Store(true)
		if n == 0 {
			return ErrLockLost
		}
		return nil
	}
}

// newOwner returns a random token naming one holder of one lock.
func newOwner() (string, error) {
	var b [16]byte
	if _, err := crand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}
