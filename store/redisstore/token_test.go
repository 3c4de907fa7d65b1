package redisstore_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestTokenRefreshOneFetchAcrossSources(t *testing.T) {
	testTokenRefreshOneFetchAcrossSources(t, redistest.Start(t).Client())
}

func testTokenRefreshOneFetchAcrossSources(t *testing.T, client redis.UniversalClient) {
	// Several token sources (one per process in real life) on one Redis:
	// one fetch when cold, and one fetch again when the value is due for
	// refresh, while every source keeps serving the current value.
	ctx := context.Background()
	clock := wecomtest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	var fetches atomic.Int32
	fetch := func(context.Context) (string, time.Duration, error) {
		n := fetches.Add(1)
		time.Sleep(20 * time.Millisecond) // long enough for the others to queue on the lock
		return fmt.Sprintf("tok-%d", n), 7200 * time.Second, nil
	}
	const sources = 4
	var ts [sources]wecom.TokenSource
	for i := range ts {
		s := redisstore.New(client, redisstore.WithLockPoll(time.Millisecond, 10*time.Millisecond))
		ts[i] = wecom.NewCachedToken("access_token:corp:1", fetch, wecom.WithStore(s), wecom.WithClock(clock.Now))
	}
	all := func(want string) {
		t.Helper()
		var wg sync.WaitGroup
		for _, src := range ts {
			for g := 0; g < 25; g++ {
				wg.Add(1)
				go func(src wecom.TokenSource) {
					defer wg.Done()
					tok, err := src.Token(ctx)
					if err != nil || tok != want {
						t.Errorf("got %q, %v; want %q", tok, err, want)
					}
				}(src)
			}
		}
		wg.Wait()
	}

	all("tok-1")
	require.EqualValues(t, 1, fetches.Load())

	clock.Advance(100 * time.Minute) // past 80% of the lifetime: refresh due
	all("tok-1")                     // still served while the refreshes run
	require.Eventually(t, func() bool {
		for _, src := range ts {
			if tok, err := src.Token(ctx); err != nil || tok != "tok-2" {
				return false
			}
		}
		return true
	}, 10*time.Second, 5*time.Millisecond)
	require.EqualValues(t, 2, fetches.Load(), "more than one source refreshed")
}
