package wecom_test

// Tests of the shared tier: one token for every process that shares a
// store, one fetch at a time with a Locker, and what happens when the store
// or the lock holder fails.

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestCachedTokenSharedStore(t *testing.T) {
	// Two "processes" (two sources) on one store use one token.
	ctx := context.Background()
	clock := wecomtest.NewClock(t0)
	mem := store.NewMemory(store.WithClock(clock.Now))
	f := &fakeFetch{ttl: 100 * time.Minute}
	a := wecom.NewCachedToken("k", f.fetch, wecom.WithStore(mem), wecom.WithClock(clock.Now))
	b := wecom.NewCachedToken("k", f.fetch, wecom.WithStore(mem), wecom.WithClock(clock.Now))
	ta, err := a.Token(ctx)
	require.NoError(t, err)
	tb, err := b.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, ta, tb)
	require.EqualValues(t, 1, f.calls.Load())

	// b sees the token is rejected and invalidates it: a's next cold read
	// (after its own invalidation) picks up b's replacement.
	require.NoError(t, b.Invalidate(ctx, tb))
	tb2, err := b.Token(ctx)
	require.NoError(t, err)
	require.NoError(t, a.Invalidate(ctx, ta))
	ta2, err := a.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, tb2, ta2)
	require.EqualValues(t, 2, f.calls.Load())

	// Refresh ahead: one process refreshes, the other adopts the new value.
	clock.Advance(85 * time.Minute)
	_, _ = a.Token(ctx)
	waitCalls(t, f, 3)
	require.Eventually(t, func() bool { tok, _ := a.Token(ctx); return tok == "tok-3" }, 5*time.Second, time.Millisecond)
	_, _ = b.Token(ctx)
	require.Eventually(t, func() bool { tok, _ := b.Token(ctx); return tok == "tok-3" }, 5*time.Second, time.Millisecond)
	require.EqualValues(t, 3, f.calls.Load(), "the second process fetched its own token")
}

func TestCachedTokenLockerSingleFetchAcrossProcesses(t *testing.T) {
	ctx := context.Background()
	mem := store.NewMemory()
	f := &fakeFetch{block: make(chan struct{})}
	const procs = 4
	sources := make([]wecom.TokenSource, procs)
	for i := range sources {
		sources[i] = wecom.NewCachedToken("k", f.fetch, wecom.WithStore(mem))
	}
	var wg sync.WaitGroup
	results := make(chan string, procs*50)
	for _, ts := range sources {
		for g := 0; g < 50; g++ {
			wg.Add(1)
			go func(ts wecom.TokenSource) {
				defer wg.Done()
				tok, err := ts.Token(ctx)
				if err != nil {
					t.Error(err)
				}
				results <- tok
			}(ts)
		}
	}
	waitCalls(t, f, 1)
	close(f.block)
	wg.Wait()
	close(results)
	for tok := range results {
		require.Equal(t, "tok-1", tok)
	}
	require.EqualValues(t, 1, f.calls.Load())
}

func TestCachedTokenLockHolderDies(t *testing.T) {
	// Process A takes the lock and hangs in its fetch; once the fetch
	// timeout (= lock TTL) passes, process B fetches.
	ctx := context.Background()
	mem := store.NewMemory()
	hang := &fakeFetch{block: make(chan struct{}), start: make(chan struct{}, 1)}
	defer close(hang.block)
	a := wecom.NewCachedToken("k", hang.fetch, wecom.WithStore(mem), wecom.WithFetchTimeout(200*time.Millisecond))
	good := &fakeFetch{}
	b := wecom.NewCachedToken("k", good.fetch, wecom.WithStore(mem), wecom.WithFetchTimeout(5*time.Second))

	aErr := make(chan error, 1)
	go func() { _, err := a.Token(ctx); aErr <- err }()
	<-hang.start // A holds the lock now
	start := time.Now()
	tok, err := b.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-1", tok)
	require.Less(t, time.Since(start), 200*time.Millisecond+time.Second)
	require.ErrorIs(t, <-aErr, context.DeadlineExceeded)
	require.EqualValues(t, 1, good.calls.Load())
}

// deadHolderStore is a Memory whose first read lets another "process" take
// the token's lock a moment after this one started its flight; that
// process then dies holding it.
type deadHolderStore struct {
	*store.Memory
	once    sync.Once
	lockTTL time.Duration
	delay   time.Duration
}

func (s *deadHolderStore) Get(ctx context.Context, k string) (string, bool, error) {
	s.once.Do(func() {
		time.Sleep(s.delay)
		_, _ = s.Memory.Lock(ctx, k+":lock", s.lockTTL) // never unlocked
	})
	return s.Memory.Get(ctx, k)
}

func TestCachedTokenLockHolderDiesSameTimeout(t *testing.T) {
	// Every process uses the same fetch timeout, which is also the lock's
	// TTL. A process that started as the holder took the lock must outwait
	// the dead holder's lock and still have a whole fetch timeout to fetch
	// in — not be cut off by a deadline counted from before its wait.
	const ttl = 300 * time.Millisecond
	ctx := context.Background()
	s := &deadHolderStore{Memory: store.NewMemory(), lockTTL: ttl, delay: ttl / 4}
	var budget atomic.Int64
	fetch := func(ctx context.Context) (string, time.Duration, error) {
		if d, ok := ctx.Deadline(); ok {
			budget.Store(int64(time.Until(d)))
		}
		return "tok-1", time.Hour, nil
	}
	ts := wecom.NewCachedToken("k", fetch, wecom.WithStore(s), wecom.WithFetchTimeout(ttl))
	start := time.Now()
	tok, err := ts.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-1", tok)
	require.Less(t, time.Since(start), ttl+ttl/4+time.Second)
	// The fetch made under the lock ends no later than the lock does, and
	// is not starved by the wait that came before it.
	require.LessOrEqual(t, time.Duration(budget.Load()), ttl)
	require.Greater(t, time.Duration(budget.Load()), ttl/2)
}

// failingStore fails every operation while down is set.
type failingStore struct {
	store.Store
	down atomic.Bool
}

var errStoreDown = errors.New("store unreachable")

func (s *failingStore) Get(ctx context.Context, k string) (string, bool, error) {
	if s.down.Load() {
		return "", false, errStoreDown
	}
	return s.Store.Get(ctx, k)
}

func (s *failingStore) Set(ctx context.Context, k, v string, ttl time.Duration) error {
	if s.down.Load() {
		return errStoreDown
	}
	return s.Store.Set(ctx, k, v, ttl)
}

func TestCachedTokenStoreDown(t *testing.T) {
	ctx := context.Background()
	clock := wecomtest.NewClock(t0)
	fs := &failingStore{Store: store.NewMemory(store.WithClock(clock.Now))}
	f := &fakeFetch{ttl: 100 * time.Minute}
	ts := wecom.NewCachedToken("k", f.fetch, wecom.WithStore(fs), wecom.WithClock(clock.Now))

	// Cold cache and the store is down: a clear error, no fetch (another
	// process may hold a perfectly good token).
	fs.down.Store(true)
	_, err := ts.Token(ctx)
	require.ErrorIs(t, err, errStoreDown)
	require.EqualValues(t, 0, f.calls.Load())

	// Store back: works.
	fs.down.Store(false)
	tok, err := ts.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-1", tok)

	// Store down again during the refresh window: the valid value is served.
	fs.down.Store(true)
	clock.Advance(85 * time.Minute)
	for i := 0; i < 10; i++ {
		tok, err = ts.Token(ctx)
		require.NoError(t, err)
		require.Equal(t, "tok-1", tok)
	}
	fs.down.Store(false)
}

func TestCachedTokenIgnoresForeignStoreValues(t *testing.T) {
	ctx := context.Background()
	mem := store.NewMemory()
	for _, junk := range []string{"plain-token", "wk1|x|y|z|v", "wk1|3|2|1|v", "wk1|1|2|3|", "wk2|1|2|3|v"} {
		require.NoError(t, mem.Set(ctx, "k", junk, time.Hour))
		f := &fakeFetch{}
		tok, err := wecom.NewCachedToken("k", f.fetch, wecom.WithStore(mem)).Token(ctx)
		require.NoError(t, err)
		require.Equal(t, "tok-1", tok, "junk %q", junk)
	}
}
