// Package storetest is a contract test suite for [store.Store],
// [store.Locker], [store.Adder] and [store.Index] implementations. wecomkit runs it against every store it
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
	"math"
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

// Run runs the Store contract and, for each of [store.Locker],
// [store.Adder] and [store.Index] that the store implements, that
// interface's contract.
func Run(t *testing.T, h Harness) {
	t.Helper()
	t.Run("Store", func(t *testing.T) { RunStore(t, h) })
	probe := h.New(t)
	if _, ok := probe.(store.Locker); ok {
		t.Run("Locker", func(t *testing.T) { RunLocker(t, h) })
	}
	if _, ok := probe.(store.Adder); ok {
		t.Run("Adder", func(t *testing.T) { RunAdder(t, h) })
	}
	if _, ok := probe.(store.Index); ok {
		t.Run("Index", func(t *testing.T) { RunIndex(t, h) })
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

// racers is how many goroutines the race subtests start at once.
const racers = 20

// RunAdder runs the [store.Adder] contract. The store returned by h.New
// must implement store.Adder.
func RunAdder(t *testing.T, h Harness) {
	ctx := context.Background()
	ttl := h.ttl()

	requireValue := func(t *testing.T, s store.Store, k, want string) {
		t.Helper()
		v, ok, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.True(t, ok, "key %s absent", k)
		require.Equal(t, want, v)
	}
	requireAbsent := func(t *testing.T, s store.Store, k string) {
		t.Helper()
		_, ok, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.False(t, ok, "key %s present", k)
	}

	for _, tc := range []struct {
		name string
		run  func(t *testing.T, s store.Store, a store.Adder, k string)
	}{
		{"FreeKey", func(t *testing.T, s store.Store, a store.Adder, k string) {
			added, err := a.Add(ctx, k, "v", time.Hour)
			require.NoError(t, err)
			require.True(t, added)
			requireValue(t, s, k, "v")
		}},
		{"TakenKey", func(t *testing.T, s store.Store, a store.Adder, k string) {
			require.NoError(t, s.Set(ctx, k, "first", time.Hour))
			added, err := a.Add(ctx, k, "second", time.Hour)
			require.NoError(t, err)
			require.False(t, added, "Add overwrote a live value")
			requireValue(t, s, k, "first")
		}},
		{"TakenByAdd", func(t *testing.T, s store.Store, a store.Adder, k string) {
			added, err := a.Add(ctx, k, "first", 0)
			require.NoError(t, err)
			require.True(t, added)
			added, err = a.Add(ctx, k, "second", 0)
			require.NoError(t, err)
			require.False(t, added)
			requireValue(t, s, k, "first")
		}},
		{"ExpiredKey", func(t *testing.T, s store.Store, a store.Adder, k string) {
			// An expired value counts as free, whether Set or Add wrote it.
			other := k + ":set"
			added, err := a.Add(ctx, k, "old", ttl)
			require.NoError(t, err)
			require.True(t, added)
			require.NoError(t, s.Set(ctx, other, "old", ttl))
			added, err = a.Add(ctx, k, "early", time.Hour)
			require.NoError(t, err)
			require.False(t, added, "added before the ttl ran out")
			h.advance(t, ttl+ttl/2)
			for _, k := range []string{k, other} {
				added, err = a.Add(ctx, k, "new", time.Hour)
				require.NoError(t, err)
				require.True(t, added, "an expired value blocked Add")
				requireValue(t, s, k, "new")
			}
		}},
		{"TTL", func(t *testing.T, s store.Store, a store.Adder, k string) {
			short, forever := k+":short", k+":forever"
			for k, d := range map[string]time.Duration{short: ttl, forever: 0} {
				added, err := a.Add(ctx, k, "v", d)
				require.NoError(t, err)
				require.True(t, added)
			}
			h.advance(t, ttl+ttl/2)
			requireAbsent(t, s, short)
			requireValue(t, s, forever, "v")
		}},
		{"AfterDelete", func(t *testing.T, s store.Store, a store.Adder, k string) {
			require.NoError(t, s.Set(ctx, k, "v", time.Hour))
			require.NoError(t, s.Delete(ctx, k))
			added, err := a.Add(ctx, k, "again", time.Hour)
			require.NoError(t, err)
			require.True(t, added)
			requireValue(t, s, k, "again")
		}},
		{"NegativeTTL", func(t *testing.T, s store.Store, a store.Adder, k string) {
			added, err := a.Add(ctx, k, "v", -time.Second)
			require.ErrorIs(t, err, store.ErrNegativeTTL)
			require.False(t, added)
			requireAbsent(t, s, k)
		}},
		{"OneOfManyWins", func(t *testing.T, s store.Store, a store.Adder, k string) {
			var (
				wins   atomic.Int32
				winner atomic.Value
				wg     sync.WaitGroup
				start  = make(chan struct{})
				errs   = make(chan error, racers)
			)
			for i := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					v := fmt.Sprint("racer-", i)
					added, err := a.Add(ctx, k, v, time.Hour)
					if err != nil {
						errs <- err
						return
					}
					if added {
						wins.Add(1)
						winner.Store(v)
					}
				}()
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.EqualValues(t, 1, wins.Load(), "Add of one key from %d goroutines", racers)
			requireValue(t, s, k, winner.Load().(string))
		}},
		{"CancelledContext", func(t *testing.T, s store.Store, a store.Adder, k string) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := a.Add(cctx, k, "v", time.Hour)
			require.ErrorIs(t, err, context.Canceled)
			requireAbsent(t, s, k)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := h.New(t)
			a, ok := s.(store.Adder)
			if !ok {
				t.Fatal("store does not implement store.Adder")
			}
			tc.run(t, s, a, key(t, "k"))
		})
	}
}

// RunIndex runs the [store.Index] contract. The store returned by h.New
// must implement store.Index. Scores stay within ±2^53, which every store
// keeps exactly (Redis keeps scores as floating-point numbers).
func RunIndex(t *testing.T, h Harness) {
	ctx := context.Background()

	type entry = store.Scored
	sc := func(member string, score int64) entry { return entry{Member: member, Score: score} }
	all := func(t *testing.T, x store.Index, name string) []entry {
		t.Helper()
		got, err := x.IndexRange(ctx, name, math.MaxInt64, 1<<20)
		require.NoError(t, err)
		return got
	}
	add := func(t *testing.T, x store.Index, name string, entries ...entry) {
		t.Helper()
		for _, e := range entries {
			added, err := x.IndexAdd(ctx, name, e.Member, e.Score)
			require.NoError(t, err)
			require.True(t, added, "member %q", e.Member)
		}
	}
	requireLen := func(t *testing.T, x store.Index, name string, want int64) {
		t.Helper()
		n, err := x.IndexLen(ctx, name)
		require.NoError(t, err)
		require.Equal(t, want, n)
	}

	for _, tc := range []struct {
		name string
		run  func(t *testing.T, x store.Index, name string)
	}{
		{"Empty", func(t *testing.T, x store.Index, name string) {
			require.Empty(t, all(t, x, name))
			requireLen(t, x, name, 0)
		}},
		{"IndexAddKeepsScore", func(t *testing.T, x store.Index, name string) {
			add(t, x, name, sc("a", 10))
			added, err := x.IndexAdd(ctx, name, "a", 5)
			require.NoError(t, err)
			require.False(t, added, "member added twice")
			require.Equal(t, []entry{sc("a", 10)}, all(t, x, name), "IndexAdd moved a member")
			requireLen(t, x, name, 1)
		}},
		{"IndexSetAddsAndMoves", func(t *testing.T, x store.Index, name string) {
			require.NoError(t, x.IndexSet(ctx, name, "a", 10))
			require.NoError(t, x.IndexSet(ctx, name, "b", 7))
			require.Equal(t, []entry{sc("b", 7), sc("a", 10)}, all(t, x, name))
			require.NoError(t, x.IndexSet(ctx, name, "a", 3))
			require.Equal(t, []entry{sc("a", 3), sc("b", 7)}, all(t, x, name))
			require.NoError(t, x.IndexSet(ctx, name, "a", 3), "same score")
			require.Equal(t, []entry{sc("a", 3), sc("b", 7)}, all(t, x, name))
			requireLen(t, x, name, 2)
			added, err := x.IndexAdd(ctx, name, "b", 1)
			require.NoError(t, err)
			require.False(t, added)
			// Moved down, the member is found at its new score only.
			require.NoError(t, x.IndexSet(ctx, name, "b", -4))
			got, err := x.IndexRange(ctx, name, 5, 10)
			require.NoError(t, err)
			require.Equal(t, []entry{sc("b", -4), sc("a", 3)}, got)
		}},
		{"Remove", func(t *testing.T, x store.Index, name string) {
			require.NoError(t, x.IndexRemove(ctx, name, "a"), "absent index")
			add(t, x, name, sc("a", 1), sc("b", 2))
			require.NoError(t, x.IndexRemove(ctx, name, "zz"), "absent member")
			require.NoError(t, x.IndexRemove(ctx, name, "a"))
			require.NoError(t, x.IndexRemove(ctx, name, "a"), "removed twice")
			require.Equal(t, []entry{sc("b", 2)}, all(t, x, name))
			// Removed, a member can be added again, with a new score.
			add(t, x, name, sc("a", 9))
			require.Equal(t, []entry{sc("b", 2), sc("a", 9)}, all(t, x, name))
			require.NoError(t, x.IndexRemove(ctx, name, "a"))
			require.NoError(t, x.IndexRemove(ctx, name, "b"))
			require.Empty(t, all(t, x, name))
			requireLen(t, x, name, 0)
			add(t, x, name, sc("c", 0))
			require.Equal(t, []entry{sc("c", 0)}, all(t, x, name), "index emptied and used again")
		}},
		{"OrderTiesByMember", func(t *testing.T, x store.Index, name string) {
			// Added out of order; ties are in byte order of the members.
			add(t, x, name,
				sc("b", 1), sc("z", -1), sc("a", 1), sc("c", 0),
				sc("aa", 1), sc("B", 1), sc("a\x00", 1), sc("", 1), sc("é", 1))
			require.Equal(t, []entry{
				sc("z", -1), sc("c", 0),
				sc("", 1), sc("B", 1), sc("a", 1), sc("a\x00", 1), sc("aa", 1), sc("b", 1), sc("é", 1),
			}, all(t, x, name))
		}},
		{"MaxInclusive", func(t *testing.T, x store.Index, name string) {
			add(t, x, name, sc("x", 20), sc("w", 10), sc("y", 30), sc("v", 20))
			for _, c := range []struct {
				max  int64
				want []entry
			}{
				{math.MinInt64, nil},
				{9, nil},
				{10, []entry{sc("w", 10)}},
				{19, []entry{sc("w", 10)}},
				{20, []entry{sc("w", 10), sc("v", 20), sc("x", 20)}},
				{29, []entry{sc("w", 10), sc("v", 20), sc("x", 20)}},
				{30, []entry{sc("w", 10), sc("v", 20), sc("x", 20), sc("y", 30)}},
				{math.MaxInt64, []entry{sc("w", 10), sc("v", 20), sc("x", 20), sc("y", 30)}},
			} {
				got, err := x.IndexRange(ctx, name, c.max, 10)
				require.NoError(t, err)
				if c.want == nil {
					require.Empty(t, got, "max %d", c.max)
				} else {
					require.Equal(t, c.want, got, "max %d", c.max)
				}
			}
		}},
		{"Limit", func(t *testing.T, x store.Index, name string) {
			add(t, x, name, sc("e", 5), sc("d", 4), sc("c", 3), sc("b", 2), sc("a", 1))
			for _, c := range []struct {
				limit int
				want  int
			}{{-1, 0}, {0, 0}, {1, 1}, {2, 2}, {5, 5}, {100, 5}} {
				got, err := x.IndexRange(ctx, name, 100, c.limit)
				require.NoError(t, err)
				require.Len(t, got, c.want, "limit %d", c.limit)
				for i, e := range got {
					require.Equal(t, sc(string(rune('a'+i)), int64(i+1)), e)
				}
			}
			// The limit applies after max.
			got, err := x.IndexRange(ctx, name, 2, 3)
			require.NoError(t, err)
			require.Equal(t, []entry{sc("a", 1), sc("b", 2)}, got)
		}},
		{"NegativeScores", func(t *testing.T, x store.Index, name string) {
			const big = 1 << 53
			add(t, x, name, sc("p1", 1), sc("zero", 0), sc("m1", -1),
				sc("mbig", -big), sc("pbig", big), sc("m2", -2), sc("ms", -1_700_000_000_000))
			require.Equal(t, []entry{
				sc("mbig", -big), sc("ms", -1_700_000_000_000), sc("m2", -2), sc("m1", -1),
				sc("zero", 0), sc("p1", 1), sc("pbig", big),
			}, all(t, x, name))
			got, err := x.IndexRange(ctx, name, -1, 10)
			require.NoError(t, err)
			require.Equal(t, []entry{sc("mbig", -big), sc("ms", -1_700_000_000_000), sc("m2", -2), sc("m1", -1)}, got)
			got, err = x.IndexRange(ctx, name, -big-1, 10)
			require.NoError(t, err)
			require.Empty(t, got)
		}},
		{"Len", func(t *testing.T, x store.Index, name string) {
			requireLen(t, x, name, 0)
			add(t, x, name, sc("a", 1), sc("b", 2), sc("c", 3))
			requireLen(t, x, name, 3)
			added, err := x.IndexAdd(ctx, name, "a", 4)
			require.NoError(t, err)
			require.False(t, added)
			requireLen(t, x, name, 3)
			require.NoError(t, x.IndexSet(ctx, name, "b", 9))
			requireLen(t, x, name, 3)
			require.NoError(t, x.IndexSet(ctx, name, "d", 9))
			requireLen(t, x, name, 4)
			require.NoError(t, x.IndexRemove(ctx, name, "a"))
			require.NoError(t, x.IndexRemove(ctx, name, "absent"))
			requireLen(t, x, name, 3)
			for _, m := range []string{"b", "c", "d"} {
				require.NoError(t, x.IndexRemove(ctx, name, m))
			}
			requireLen(t, x, name, 0)
		}},
		{"IndependentIndexes", func(t *testing.T, x store.Index, name string) {
			other := name + ":other"
			add(t, x, name, sc("m", 1), sc("only-here", 2))
			add(t, x, other, sc("m", 5))
			require.Equal(t, []entry{sc("m", 1), sc("only-here", 2)}, all(t, x, name))
			require.Equal(t, []entry{sc("m", 5)}, all(t, x, other))
			require.NoError(t, x.IndexRemove(ctx, other, "m"))
			require.Equal(t, []entry{sc("m", 1), sc("only-here", 2)}, all(t, x, name))
			requireLen(t, x, name, 2)
			requireLen(t, x, other, 0)
			require.NoError(t, x.IndexSet(ctx, other, "only-here", 0))
			require.Equal(t, []entry{sc("m", 1), sc("only-here", 2)}, all(t, x, name))
		}},
		{"MembersAreOpaque", func(t *testing.T, x store.Index, name string) {
			members := []string{" ", "a:b:c", "line1\nline2", "企业微信", "\xff\x00\x01", "job:" + name}
			for i, m := range members {
				add(t, x, name, sc(m, int64(i)))
			}
			got := all(t, x, name)
			require.Len(t, got, len(members))
			for i, e := range got {
				require.Equal(t, sc(members[i], int64(i)), e)
			}
			for _, m := range members {
				require.NoError(t, x.IndexRemove(ctx, name, m))
			}
			requireLen(t, x, name, 0)
		}},
		{"OneOfManyAdds", func(t *testing.T, x store.Index, name string) {
			var (
				wins   atomic.Int32
				winner atomic.Int64
				wg     sync.WaitGroup
				start  = make(chan struct{})
				errs   = make(chan error, racers)
			)
			for i := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					added, err := x.IndexAdd(ctx, name, "job", int64(100+i))
					if err != nil {
						errs <- err
						return
					}
					if added {
						wins.Add(1)
						winner.Store(int64(100 + i))
					}
				}()
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			require.EqualValues(t, 1, wins.Load(), "IndexAdd of one member from %d goroutines", racers)
			require.Equal(t, []entry{sc("job", winner.Load())}, all(t, x, name))
			requireLen(t, x, name, 1)
		}},
		{"ConcurrentMembers", func(t *testing.T, x store.Index, name string) {
			// Many writers on one index at once: every member lands, in order.
			var wg sync.WaitGroup
			errs := make(chan error, racers)
			for g := range racers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 5 {
						m := fmt.Sprintf("%02d-%d", g, i)
						if _, err := x.IndexAdd(ctx, name, m, int64(g)); err != nil {
							errs <- err
							return
						}
					}
					if err := x.IndexRemove(ctx, name, fmt.Sprintf("%02d-4", g)); err != nil {
						errs <- err
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				require.NoError(t, err)
			}
			got := all(t, x, name)
			require.Len(t, got, racers*4)
			for i, e := range got {
				g, j := i/4, i%4
				require.Equal(t, sc(fmt.Sprintf("%02d-%d", g, j), int64(g)), e)
			}
			requireLen(t, x, name, racers*4)
		}},
		{"CancelledContext", func(t *testing.T, x store.Index, name string) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := x.IndexAdd(cctx, name, "m", 1)
			require.ErrorIs(t, err, context.Canceled)
			require.ErrorIs(t, x.IndexSet(cctx, name, "m", 1), context.Canceled)
			require.ErrorIs(t, x.IndexRemove(cctx, name, "m"), context.Canceled)
			_, err = x.IndexRange(cctx, name, 1, 1)
			require.ErrorIs(t, err, context.Canceled)
			_, err = x.IndexLen(cctx, name)
			require.ErrorIs(t, err, context.Canceled)
			requireLen(t, x, name, 0)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, ok := h.New(t).(store.Index)
			if !ok {
				t.Fatal("store does not implement store.Index")
			}
			tc.run(t, x, key(t, "index"))
		})
	}
}
