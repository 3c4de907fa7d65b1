package redisstore_test

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// goroutines returns the number of goroutines once it has stopped falling
// for a moment, so that goroutines already on their way out are not
// counted.
func goroutines() int {
	n := runtime.NumGoroutine()
	for i := 0; i < 20; i++ {
		time.Sleep(5 * time.Millisecond)
		m := runtime.NumGoroutine()
		if m >= n {
			return m
		}
		n = m
	}
	return n
}

func TestRedisStoppedMidRun(t *testing.T) {
	ctx := context.Background()
	rds := redistest.Start(t)
	wc := wecomtest.NewServer(
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: 1, Secret: "warm-secret"}),
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: 2, Secret: "cold-secret"}),
	)
	defer wc.Close()
	s, err := redisstore.FromURL(rds.URL(), redisstore.WithClientOptions(func(o *redis.Options) {
		// Fail fast while Redis is down (go-redis's defaults take about 2 s:
		// 5 dials 100 ms apart, times 4 attempts).
		o.DialTimeout = 500 * time.Millisecond
		o.DialerRetries = 2
		o.MaxRetries = 1
	}))
	require.NoError(t, err)
	defer s.Close()

	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	clock := wecomtest.NewClock(time.Now())
	warm, err := wecom.New(corpID, "warm-secret", wecom.WithAgentID(1), wecom.WithBaseURL(wc.URL),
		wecom.WithHTTPClient(hc), wecom.WithStore(s), wecom.WithClock(clock.Now))
	require.NoError(t, err)
	cold, err := wecom.New(corpID, "cold-secret", wecom.WithAgentID(2), wecom.WithBaseURL(wc.URL),
		wecom.WithHTTPClient(hc), wecom.WithStore(s))
	require.NoError(t, err)

	tok, err := warm.AccessToken(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, wc.Calls(gettokenAPI))
	tr.CloseIdleConnections()
	before := goroutines()

	rds.Stop()

	// A warm process keeps serving its valid token, even past the point
	// where it should refresh: the refresh cannot reach Redis, fails, and
	// is retried later.
	clock.Advance(100 * time.Minute) // refresh due at 80% of 7200 s, expiry at 119 min
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := warm.AccessToken(ctx)
			if err != nil || got != tok {
				t.Errorf("warm token during the outage: %q, %v", got, err)
			}
		}()
	}
	wg.Wait()

	// A cold process gets a clear error, quickly, and does not call WeCom:
	// another process may hold a perfectly good token in Redis.
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err = cold.AccessToken(cctx)
	require.Error(t, err)
	require.ErrorIs(t, err, syscall.ECONNREFUSED, "want the cause, got %v", err)
	require.Contains(t, err.Error(), "redisstore: get: ")
	require.False(t, errors.Is(err, context.DeadlineExceeded))
	require.Less(t, time.Since(start), 5*time.Second)
	require.Equal(t, 1, wc.Calls(gettokenAPI), "a process fetched while it could not see the shared store")
	_, _, err = s.Get(ctx, "k")
	require.ErrorIs(t, err, syscall.ECONNREFUSED)
	_, err = s.Lock(ctx, "k:lock", time.Second)
	require.ErrorIs(t, err, syscall.ECONNREFUSED)
	require.Error(t, s.Ping(ctx))

	// Redis is back (empty: it kept nothing). The cold process fetches and
	// shares; the warm one's retried refresh goes through the lock too.
	rds.Restart()
	require.Eventually(t, func() bool { return s.Ping(ctx) == nil }, 10*time.Second, 10*time.Millisecond)
	coldTok, err := cold.AccessToken(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, wc.Calls(gettokenAPI))
	stored, ok, err := s.Get(ctx, "access_token:"+corpID+":2")
	require.NoError(t, err)
	require.True(t, ok)
	require.Contains(t, stored, coldTok)

	clock.Advance(10 * time.Second) // past the refresh retry delay
	require.Eventually(t, func() bool {
		got, err := warm.AccessToken(ctx)
		return err == nil && got != tok
	}, 10*time.Second, 10*time.Millisecond, "the warm process never refreshed once Redis was back")
	require.Equal(t, 3, wc.Calls(gettokenAPI))

	// Nothing started during the outage is left running. (Not
	// require.Eventually: it runs its condition in goroutines of its own.)
	deadline := time.Now().Add(10 * time.Second)
	after := 0
	for {
		tr.CloseIdleConnections()
		if after = goroutines(); after <= before || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if after > before {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutine leak: %d before the outage, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}
