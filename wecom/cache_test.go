package wecom_test

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

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeFetch hands out "tok-1", "tok-2", … and counts calls. Its behaviour
// can be changed between calls.
type fakeFetch struct {
	calls atomic.Int32
	ttl   time.Duration

	mu    sync.Mutex
	err   error
	block chan struct{} // when set, fetches wait for it (or ctx)
	start chan struct{} // when set, receives a value as each fetch starts
}

func (f *fakeFetch) fetch(ctx context.Context) (string, time.Duration, error) {
	n := f.calls.Add(1)
	f.mu.Lock()
	err, block, start := f.err, f.block, f.start
	f.mu.Unlock()
	if start != nil {
		start <- struct{}{}
	}
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return "", 0, ctx.Err()
		}
	}
	if err != nil {
		return "", 0, err
	}
	ttl := f.ttl
	if ttl == 0 {
		ttl = 7200 * time.Second
	}
	return "tok-" + itoa(int(n)), ttl, nil
}

func (f *fakeFetch) set(fn func(f *fakeFetch)) {
	f.mu.Lock()
	fn(f)
	f.mu.Unlock()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

func TestCachedTokenColdStampede(t *testing.T) {
	f := &fakeFetch{block: make(chan struct{})}
	ts := wecom.NewCachedToken("k", f.fetch)
	var wg sync.WaitGroup
	got := make([]string, 1000)
	errs := make([]error, 1000)
	for i := range got {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			got[i], errs[i] = ts.Token(context.Background())
		}(i)
	}
	// Let the goroutines pile up on the single flight, then release it.
	require.Eventually(t, func() bool { return f.calls.Load() == 1 }, 5*time.Second, time.Millisecond)
	close(f.block)
	wg.Wait()
	require.EqualValues(t, 1, f.calls.Load())
	for i := range got {
		require.NoError(t, errs[i])
		require.Equal(t, "tok-1", got[i])
	}
}

func TestCachedTokenLifetimes(t *testing.T) {
	clock := wecomtest.NewClock(t0)
	f := &fakeFetch{ttl: time.Hour}
	ts := wecom.NewCachedToken("k", f.fetch, wecom.WithClock(clock.Now))
	ctx := context.Background()
	// Three lifetimes; in each, calls spread over its first 70%.
	for life := 0; life < 3; life++ {
		for i := 0; i < 70; i++ {
			tok, err := ts.Token(ctx)
			require.NoError(t, err)
			require.Equal(t, "tok-"+itoa(life+1), tok)
			clock.Advance(time.Minute * 6 / 10) // 0.6 min × 70 = 42 min < 48 min (80%)
		}
		clock.Set(t0.Add(time.Duration(life+1) * time.Hour))
	}
	require.EqualValues(t, 3, f.calls.Load())
}

func TestCachedTokenExpiresEarly(t *testing.T) {
	// A value is not handed out in the last tenth of its life (≤ 1 min):
	// a call needs time to reach WeCom.
	clock := wecomtest.NewClock(t0)
	f := &fakeFetch{ttl: 7200 * time.Second}
	ts := wecom.NewCachedToken("k", f.fetch, wecom.WithClock(clock.Now), wecom.WithRefreshAfter(0.99))
	ctx := context.Background()
	tok, err := ts.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-1", tok)
	clock.Advance(7200*time.Second - 59*time.Second)
	tok, err = ts.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-2", tok)
}

// waitCalls waits until f has been called n times (background refreshes).
func waitCalls(t *testing.T, f *fakeFetch, n int32) {
	t.Helper()
	require.Eventually(t, func() bool { return f.calls.Load() >= n }, 5*time.Second, time.Millisecond)
}

func TestCachedTokenRefreshAhead(t *testing.T) {
	clock := wecomtest.NewClock(t0)
	f := &fakeFetch{ttl: 100 * time.Minute}
	ts := wecom.NewCachedToken("k", f.fetch, wecom.WithClock(clock.Now))
	ctx := context.Background()
	tok, err := ts.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-1", tok)

	clock.Advance(79 * time.Minute)
	tok, _ = ts.Token(ctx)
	require.Equal(t, "tok-1", tok)
	require.EqualValues(t, 1, f.calls.Load(), "refreshed before 80%")

	// Past 80%: the old value is served at once while one refresh runs.
	block := make(chan struct{})
	f.set(func(f *fakeFetch) { f.block = block })
	clock.Advance(2 * time.Minute)
	for i := 0; i < 100; i++ {
		tok, err = ts.Token(ctx)
		require.NoError(t, err)
		require.Equal(t, "tok-1", tok)
	}
	waitCalls(t, f, 2)
	close(block)
	require.Eventually(t, func() bool { tok, _ := ts.Token(ctx); return tok == "tok-2" }, 5*time.Second, time.Millisecond)
	require.EqualValues(t, 2, f.calls.Load(), "more than one refresh")
}

func TestCachedTokenRefreshFailureKeepsServing(t *testing.T) {
	clock := wecomtest.NewClock(t0)
	f := &fakeFetch{ttl: 100 * time.Minute}
	ts := wecom.NewCachedToken("k", f.fetch, wecom.WithClock(clock.Now), wecom.WithRefreshRetry(time.Minute))
	ctx := context.Background()
	_, err := ts.Token(ctx)
	require.NoError(t, err)

	f.set(func(f *fakeFetch) { f.err = errors.New("wecom down") })
	clock.Advance(85 * time.Minute)
	tok, err := ts.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-1", tok)
	waitCalls(t, f, 2)
	// The failure is not cached and the old value is still served; no new
	// attempt before the retry delay.
	require.Eventually(t, func() bool {
		tok, err := ts.Token(ctx)
		return err == nil && tok == "tok-1"
	}, 5*time.Second, time.Millisecond)
	for i := 0; i < 50; i++ {
		tok, err = ts.Token(ctx)
		require.NoError(t, err)
		require.Equal(t, "tok-1", tok)
	}
	require.EqualValues(t, 2, f.calls.Load(), "refresh retried before its delay")

	// After the delay WeCom is back: the next call refreshes.
	f.set(func(f *fakeFetch) { f.err = nil })
	clock.Advance(2 * time.Minute)
	_, _ = ts.Token(ctx)
	require.Eventually(t, func() bool { tok, _ := ts.Token(ctx); return tok == "tok-3" }, 5*time.Second, time.Millisecond)
}

func TestCachedTokenFailedFetchNotCached(t *testing.T) {
	f := &fakeFetch{err: errors.New("boom")}
	ts := wecom.NewCachedToken("k", f.fetch)
	ctx := context.Background()
	_, err := ts.Token(ctx)
	require.EqualError(t, err, "boom")
	_, err = ts.Token(ctx)
	require.Error(t, err)
	require.EqualValues(t, 2, f.calls.Load(), "a failure must not be served from cache")
	f.set(func(f *fakeFetch) { f.err = nil })
	tok, err := ts.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-3", tok)
}

func TestCachedTokenRejectsBadFetchResults(t *testing.T) {
	ctx := context.Background()
	empty := wecom.NewCachedToken("k", func(context.Context) (string, time.Duration, error) { return "", time.Hour, nil })
	_, err := empty.Token(ctx)
	require.ErrorContains(t, err, "empty value")
	zero := wecom.NewCachedToken("k", func(context.Context) (string, time.Duration, error) { return "v", 0, nil })
	_, err = zero.Token(ctx)
	require.ErrorContains(t, err, "lifetime")
	require.Panics(t, func() { wecom.NewCachedToken("k", nil) })
}

func TestCachedTokenContextCancelledDuringFetch(t *testing.T) {
	f := &fakeFetch{block: make(chan struct{})}
	defer close(f.block)
	ts := wecom.NewCachedToken("k", f.fetch)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := ts.Token(ctx); done <- err }()
	waitCalls(t, f, 1)
	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Token did not return after its context was cancelled")
	}
	// An already-cancelled context does not start anything.
	_, err := ts.Token(ctx)
	require.ErrorIs(t, err, context.Canceled)
}

func TestCachedTokenInvalidateIsCompareAndDelete(t *testing.T) {
	ctx := context.Background()
	for _, shared := range []bool{false, true} {
		var opts []wecom.TokenOption
		if shared {
			opts = append(opts, wecom.WithStore(store.NewMemory()))
		}
		f := &fakeFetch{}
		ts := wecom.NewCachedToken("k", f.fetch, opts...)
		old, err := ts.Token(ctx)
		require.NoError(t, err)
		require.NoError(t, ts.Invalidate(ctx, old))
		fresh, err := ts.Token(ctx)
		require.NoError(t, err)
		require.NotEqual(t, old, fresh)
		// A slow caller invalidating the old token must not evict the new one.
		require.NoError(t, ts.Invalidate(ctx, old))
		require.NoError(t, ts.Invalidate(ctx, ""))
		tok, err := ts.Token(ctx)
		require.NoError(t, err)
		require.Equal(t, fresh, tok)
		require.EqualValues(t, 2, f.calls.Load())
	}
}

func TestCachedTokenHotPathDoesNotAllocate(t *testing.T) {
	ts := wecom.NewCachedToken("k", (&fakeFetch{}).fetch)
	ctx := context.Background()
	_, err := ts.Token(ctx)
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(1000, func() { _, _ = ts.Token(ctx) })
	require.Zero(t, allocs)
}

func TestCachedTokenRealClockRefresh(t *testing.T) {
	// Without an injected clock the hot path reads no clock; a timer marks
	// the value due for refresh instead. Short lifetimes keep this quick.
	f := &fakeFetch{ttl: 300 * time.Millisecond}
	ts := wecom.NewCachedToken("k", f.fetch)
	ctx := context.Background()
	tok, err := ts.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, "tok-1", tok)
	require.Eventually(t, func() bool {
		tok, err := ts.Token(ctx)
		return err == nil && tok == "tok-2"
	}, 5*time.Second, 5*time.Millisecond, "no refresh after 80% of the lifetime")

	// An expired value is never served, even when the refresh failed.
	f.set(func(f *fakeFetch) { f.err = errors.New("down") })
	require.Eventually(t, func() bool {
		_, err := ts.Token(ctx)
		return err != nil
	}, 5*time.Second, 5*time.Millisecond, "expired value still served")
}
