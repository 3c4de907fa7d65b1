// Package storetest is a contract test suite for [store.Store] and
// [store.Locker] implementations. wecomkit runs it against every store it
// ships; run it against your own store to know it is a drop-in replacement.
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, storetest.Harness{
//			New: func(t *testing.T) store.Store { return mystore.New(...) },
//		})
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/store"
)

// Harness tells the suite how to create and age a store.
type Harness struct {
	// New returns an empty store. Each subtest calls it once; the store may
	// be shared with other subtests as long as keys do not collide (the
	// suite uses a fresh key prefix per subtest).
	New func(t *testing.T) store.Store

	// Advance moves the store's clock forward by d. When nil, the suite
	// sleeps for d instead, which suits stores that expire keys on the
	// server's own clock (Redis).
	Advance func(t *testing.T, d time.Duration)

	// TTL is the short lifetime the expiry tests use. It must be long
	// enough to be honoured reliably by the store (Redis: tens of
	// milliseconds). Default: 100ms.
	TTL time.Duration
}

func (h Harness) ttl() time.Duration {
	if h.TTL > 0 {
		return h.TTL
	}
	return 100 * time.Millisecond
}

func (h Harness) advance(t *testing.T, d time.Duration) {
	if h.Advance != nil {
		h.Advance(t, d)
		return
	}
	time.Sleep(d)
}

var keySeq atomic.Int64

// key returns a key unique to this run of the suite, so that stores shared
// between subtests (a Redis database) do not see each other's data.
func key(t *testing.T, name string) string {
	return fmt.Sprintf("storetest:%d:%s:%s", keySeq.Add(1), strings.ReplaceAll(t.Name(), "/", "."), name)
}

// Run runs the Store contract and, when the store implements
// [store.Locker], the Locker contract.
func Run(t *testing.T, h Harness) {
	t.Helper()
	t.Run("Store", func(t *testing.T) { RunStore(t, h) })
	probe := h.New(t)
	if _, ok := probe.(store.Locker); ok {
		t.Run("Locker", func(t *testing.T) { RunLocker(t, h) })
	}
}

// RunStore runs the [store.Store] contract.
func RunStore(t *testing.T, h Harness) {
	ctx := context.Background()

	t.Run("GetMissing", func(t *testing.T) {
		s := h.New(t)
		v, ok, err := s.Get(ctx, key(t, "missing"))
		require.NoError(t, err)
		require.False(t, ok)
		require.Empty(t, v)
	})

	t.Run("SetGetOverwrite", func(t *testing.T) {
		s := h.New(t)
		k := key(t, "k")
		require.NoError(t, s.Set(ctx, k, "v1", 0))
		v, ok, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "v1", v)
		require.NoError(t, s.Set(ctx, k, "v2", time.Hour))
		v, ok, err = s.Get(ctx, k)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "v2", v)
	})

	t.Run("ValuesAreOpaque", func(t *testing.T) {
		s := h.New(t)
		for i, v := range []string{"", " ", "a|b|c", "line1\nline2", "企业微信", strings.Repeat("x", 4096), "\x00\xff"} {
			k := key(t, fmt.Sprint(i))
			require.NoError(t, s.Set(ctx, k, v, time.Hour))
			got, ok, err := s.Get(ctx, k)
			require.NoError(t, err)
			require.True(t, ok, "value %q", v)
			require.Equal(t, v, got)
		}
	})

	t.Run("Expiry", func(t *testing.T) {
		s := h.New(t)
		ttl := h.ttl()
		short, long, forever := key(t, "short"), key(t, "long"), key(t, "forever")
		require.NoError(t, s.Set(ctx, short, "v", ttl))
		require.NoError(t, s.Set(ctx, long, "v", time.Hour))
		require.NoError(t, s.Set(ctx, forever, "v", 0))
		_, ok, err := s.Get(ctx, short)
		require.NoError(t, err)
		require.True(t, ok, "value gone before its ttl")
		h.advance(t, ttl+ttl/2)
		_, ok, err = s.Get(ctx, short)
		require.NoError(t, err)
		require.False(t, ok, "value served after its ttl")
		for _, k := range []string{long, forever} {
			_, ok, err = s.Get(ctx, k)
			require.NoError(t, err)
			require.True(t, ok)
		}
		// An expired value cannot be compare-and-deleted: it is not there.
		deleted, err := s.CompareAndDelete(ctx, short, "v")
		require.NoError(t, err)
		require.False(t, deleted)
	})

	t.Run("OverwriteReplacesTTL", func(t *testing.T) {
		// A Set replaces the lifetime too: a value first stored briefly and
		// then stored for good must not expire with the first ttl.
		s := h.New(t)
		ttl := h.ttl()
		k := key(t, "k")
		require.NoError(t, s.Set(ctx, k, "brief", ttl))
		require.NoError(t, s.Set(ctx, k, "forever", 0))
		h.advance(t, ttl+ttl/2)
		v, ok, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.True(t, ok, "value expired with the ttl it was overwritten with")
		require.Equal(t, "forever", v)
	})

	t.Run("NegativeTTL", func(t *testing.T) {
		s := h.New(t)
		k := key(t, "k")
		require.ErrorIs(t, s.Set(ctx, k, "v", -time.Second), store.ErrNegativeTTL)
		_, ok, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.False(t, ok, "a rejected Set stored its value")
	})

	t.Run("Delete", func(t *testing.T) {
		s := h.New(t)
		k := key(t, "k")
		require.NoError(t, s.Delete(ctx, k), "deleting an absent key")
		require.NoError(t, s.Set(ctx, k, "v", time.Hour))
		require.NoError(t, s.Delete(ctx, k))
		_, ok, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.False(t, ok)
	})

	t.Run("CompareAndDelete", func(t *testing.T) {
		s := h.New(t)
		k := key(t, "k")
		deleted, err := s.CompareAndDelete(ctx, k, "v")
		require.NoError(t, err)
		require.False(t, deleted, "absent key")

		require.NoError(t, s.Set(ctx, k, "fresh", time.Hour))
		deleted, err = s.CompareAndDelete(ctx, k, "stale")
		require.NoError(t, err)
		require.False(t, deleted, "a stale value must not evict a fresh one")
		v, ok, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "fresh", v)

		deleted, err = s.CompareAndDelete(ctx, k, "fresh")
		require.NoError(t, err)
		require.True(t, deleted)
		_, ok, err = s.Get(ctx, k)
		require.NoError(t, err)
		require.False(t, ok)
	})

	t.Run("CompareAndDeleteRace", func(t *testing.T) {
		// Many callers holding the same stale value: exactly one deletes it,
		// and a value written meanwhile by someone else survives.
		s := h.New(t)
		k := key(t, "k")
		require.NoError(t, s.Set(ctx, k, "old", time.Hour))
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 16; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, err := s.CompareAndDelete(ctx, k, "old")
				if err == nil && ok {
					wins.Add(1)
				}
			}()
		}
		wg.Wait()
		require.EqualValues(t, 1, wins.Load())
		require.NoError(t, s.Set(ctx, k, "new", time.Hour))
		ok, err := s.CompareAndDelete(ctx, k, "old")
		require.NoError(t, err)
		require.False(t, ok)
		v, _, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.Equal(t, "new", v)
	})

	t.Run("Concurrent", func(t *testing.T) {
		s := h.New(t)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				for i := 0; i < 50; i++ {
					k := key(t, fmt.Sprintf("%d-%d", g, i%5))
					v := fmt.Sprint(i)
					if err := s.Set(ctx, k, v, time.Hour); err != nil {
						errs <- err
						return
					}
					if _, _, err := s.Get(ctx, k); err != nil {
						errs <- err
						return
					}
				}
			}(g)
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	})

	t.Run("CancelledContext", func(t *testing.T) {
		s := h.New(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, _, err := s.Get(cctx, key(t, "k"))
		require.ErrorIs(t, err, context.Canceled)
	})
}

// RunLocker runs the [store.Locker] contract. The store returned by h.New
// must implement store.Locker.
func RunLocker(t *testing.T, h Harness) {
	ctx := context.Background()
	locker := func(t *testing.T) store.Locker {
		l, ok := h.New(t).(store.Locker)
		if !ok {
			t.Fatal("store does not implement store.Locker")
		}
		return l
	}

	t.Run("MutualExclusion", func(t *testing.T) {
		l := locker(t)
		k := key(t, "lock")
		var inside, maxInside, total atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := 0; j < 5; j++ {
					unlock, err := l.Lock(ctx, k, 10*time.Second)
					if err != nil {
						t.Error(err)
						return
					}
					n := inside.Add(1)
					for {
						m := maxInside.Load()
						if n <= m || maxInside.CompareAndSwap(m, n) {
							break
						}
					}
					total.Add(1)
					inside.Add(-1)
					if err := unlock(ctx); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		wg.Wait()
		require.EqualValues(t, 1, maxInside.Load(), "two holders at once")
		require.EqualValues(t, 40, total.Load())
	})

	t.Run("WaitHonoursContext", func(t *testing.T) {
		l := locker(t)
		k := key(t, "lock")
		unlock, err := l.Lock(ctx, k, time.Minute)
		require.NoError(t, err)
		defer func() { _ = unlock(ctx) }()
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err = l.Lock(cctx, k, time.Minute)
		require.Error(t, err)
		require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
		require.Less(t, time.Since(start), 5*time.Second)
	})

	t.Run("ExpiresWhenHolderDies", func(t *testing.T) {
		l := locker(t)
		k := key(t, "lock")
		ttl := h.ttl()
		_, err := l.Lock(ctx, k, ttl) // never unlocked: the holder "died"
		require.NoError(t, err)
		got := make(chan error, 1)
		go func() {
			unlock, err := l.Lock(ctx, k, time.Minute)
			if err == nil {
				err = unlock(ctx)
			}
			got <- err
		}()
		h.advance(t, ttl+ttl/2)
		select {
		case err := <-got:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("lock never expired")
		}
	})

	t.Run("UnlockOnlyByOwner", func(t *testing.T) {
		l := locker(t)
		k := key(t, "lock")
		ttl := h.ttl()
		staleUnlock, err := l.Lock(ctx, k, ttl)
		require.NoError(t, err)
		h.advance(t, ttl+ttl/2) // the first holder's lock expires ...
		unlock, err := l.Lock(ctx, k, time.Minute)
		require.NoError(t, err) // ... and a second process takes it over.
		// The first holder wakes up late and unlocks: that must not free
		// the second holder's lock.
		_ = staleUnlock(ctx)
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err = l.Lock(cctx, k, time.Minute)
		require.ErrorIs(t, err, context.DeadlineExceeded, "a stale unlock released someone else's lock")
		require.NoError(t, unlock(ctx))
		unlock, err = l.Lock(ctx, k, time.Minute)
		require.NoError(t, err)
		require.NoError(t, unlock(ctx))
	})

	t.Run("RejectsNonPositiveTTL", func(t *testing.T) {
		l := locker(t)
		_, err := l.Lock(ctx, key(t, "lock"), 0)
		require.ErrorIs(t, err, store.ErrInvalidTTL)
		_, err = l.Lock(ctx, key(t, "lock"), -time.Second)
		require.ErrorIs(t, err, store.ErrInvalidTTL)
	})

	t.Run("IndependentNames", func(t *testing.T) {
		// Holding one lock does not block another name.
		l := locker(t)
		a, b := key(t, "a"), key(t, "b")
		unlockA, err := l.Lock(ctx, a, time.Minute)
		require.NoError(t, err)
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		unlockB, err := l.Lock(cctx, b, time.Minute)
		require.NoError(t, err, "lock b blocked by lock a")
		require.NoError(t, unlockB(ctx))
		require.NoError(t, unlockA(ctx))
	})

	t.Run("SecondUnlockKeepsNextHolder", func(t *testing.T) {
		// Unlocking twice must not release a lock taken in between.
		l := locker(t)
		k := key(t, "lock")
		unlock, err := l.Lock(ctx, k, time.Minute)
		require.NoError(t, err)
		require.NoError(t, unlock(ctx))
		next, err := l.Lock(ctx, k, time.Minute)
		require.NoError(t, err)
		_ = unlock(ctx)
		cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		_, err = l.Lock(cctx, k, time.Minute)
		require.ErrorIs(t, err, context.DeadlineExceeded, "a repeated unlock released the next holder's lock")
		require.NoError(t, next(ctx))
	})

	t.Run("UnlockAfterContextEnds", func(t *testing.T) {
		// The token cache unlocks with a fresh context after the one it
		// locked with has ended; the lock must not depend on it.
		l := locker(t)
		k := key(t, "lock")
		lctx, cancel := context.WithCancel(ctx)
		unlock, err := l.Lock(lctx, k, time.Minute)
		require.NoError(t, err)
		cancel()
		require.NoError(t, unlock(ctx))
		cctx, cancel2 := context.WithTimeout(ctx, 5*time.Second)
		defer cancel2()
		unlock, err = l.Lock(cctx, k, time.Minute)
		require.NoError(t, err, "lock still held after unlock")
		require.NoError(t, unlock(ctx))
	})
}
