package redisstore_test

import (
	"context"
	"net/http"
	"runtime"
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

func TestSentinelFailover(t *testing.T) {
	// Four processes (each its own failover client and store) share two
	// credentials through Sentinel-managed Redis: "warm", which every
	// process holds, and "cold", which one process is fetching — holding
	// the lock on the master — when the master is SIGKILLed. Sentinel
	// promotes the replica. What is measured and bounded:
	//
	//   - warm calls are all served from memory during the failover;
	//   - writes resume on the promoted replica (time logged);
	//   - the warm credential's refresh after the failover costs one
	//     gettoken, as without a failover;
	//   - the cold credential costs at most one gettoken more than it would
	//     without the failover: the holder's value may not reach the new
	//     master, and its lock, replicated or not, expires there after the
	//     lock ttl;
	//   - no goroutine outlives the clients.
	skipInShort(t)
	ctx := context.Background()
	const procs = 4
	const lockTTL = 2 * time.Second // wecom.WithFetchTimeout: the lock's ttl
	d := redistest.StartSentinel(t)
	wc := wecomtest.NewServer(
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: 1, Secret: "warm-secret"}),
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: 2, Secret: "cold-secret"}),
	)
	defer wc.Close()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	clock := wecomtest.NewClock(time.Now())
	before := goroutines()

	type proc struct {
		rdb        *redis.Client
		s          *redisstore.Store
		warm, cold *wecom.Client
	}
	ps := make([]proc, procs)
	for i := range ps {
		// Short dial timeouts and few retries, so that a call to the dead
		// master fails in well under a second instead of blocking.
		rdb := redis.NewFailoverClient(&redis.FailoverOptions{
			MasterName:            redistest.MasterName,
			SentinelAddrs:         d.SentinelAddrs(),
			ContextTimeoutEnabled: true,
			DialTimeout:           200 * time.Millisecond,
			DialerRetries:         1,
			MaxRetries:            1,
		})
		s := redisstore.New(rdb, redisstore.WithLockPoll(5*time.Millisecond, 50*time.Millisecond))
		client := func(agentID int64, secret string) *wecom.Client {
			c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(wc.URL),
				wecom.WithHTTPClient(hc), wecom.WithStore(s), wecom.WithClock(clock.Now),
				wecom.WithTokenOptions(wecom.WithFetchTimeout(lockTTL)))
			require.NoError(t, err)
			return c
		}
		ps[i] = proc{rdb: rdb, s: s, warm: client(1, "warm-secret"), cold: client(2, "cold-secret")}
	}

	// Every process holds the warm token; the replica has it too.
	var warmTok string
	for _, p := range ps {
		tok, err := p.warm.AccessToken(ctx)
		require.NoError(t, err)
		require.True(t, warmTok == "" || tok == warmTok)
		warmTok = tok
	}
	require.Equal(t, 1, wc.Calls(gettokenAPI))
	warmKey := redisstore.DefaultPrefix + "access_token:" + corpID + ":1"
	replica := d.Replica.Client()
	require.Eventually(t, func() bool { return replica.Exists(ctx, warmKey).Val() == 1 },
		5*time.Second, 5*time.Millisecond, "the warm token never reached the replica")

	// The cold token: one process fetches it, slowly, holding the lock.
	wc.Inject(gettokenAPI, 1, wecomtest.Fault{Latency: lockTTL / 2})
	coldErrs := make(chan error, procs)
	for _, p := range ps {
		go func() {
			cctx, cancel := context.WithTimeout(ctx, 2*lockTTL)
			defer cancel()
			_, err := p.cold.AccessToken(cctx)
			coldErrs <- err
		}()
	}
	require.Eventually(t, func() bool { return wc.Calls(gettokenAPI) == 2 }, 5*time.Second, time.Millisecond)

	// Kill the master (SIGKILL) while warm calls keep coming.
	var served, failed atomic.Int64
	stop := make(chan struct{})
	var load sync.WaitGroup
	for _, p := range ps {
		for g := 0; g < 8; g++ {
			load.Add(1)
			go func() {
				defer load.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					tok, err := p.warm.AccessToken(ctx)
					if err != nil || tok != warmTok {
						failed.Add(1)
					} else {
						served.Add(1)
					}
					time.Sleep(time.Millisecond)
				}
			}()
		}
	}
	lockKey := redisstore.DefaultPrefix + "access_token:" + corpID + ":2:lock"
	lockReplicated := replica.Exists(ctx, lockKey).Val() == 1
	killed := time.Now()
	d.Master.Stop()

	// Writes resume once Sentinel has promoted the replica and the client
	// has followed it.
	var resumed time.Duration
	require.Eventually(t, func() bool {
		cctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		if ps[0].s.Set(cctx, "failover:probe", "v", time.Minute) != nil {
			return false
		}
		resumed = time.Since(killed)
		return true
	}, redistest.PromotionWithin, 10*time.Millisecond, "writes never resumed")
	// The client may follow the promotion before every sentinel has
	// agreed on it: ask until the one d asks names the replica.
	require.Eventually(t, func() bool {
		promoted, err := d.MasterAddr(ctx)
		return err == nil && promoted == d.Replica.Addr
	}, redistest.PromotionWithin, 10*time.Millisecond, "the sentinels never named the replica master")
	close(stop)
	load.Wait()
	require.Zero(t, failed.Load(), "warm calls failed during the failover")
	require.Positive(t, served.Load())

	// The cold callers of the failover either got the token or a Redis
	// error; asked again now, every process gets a token WeCom issued.
	coldFailed := 0
	for range ps {
		if err := <-coldErrs; err != nil {
			coldFailed++
		}
	}
	for _, p := range ps {
		var tok string
		var err error
		require.Eventually(t, func() bool {
			cctx, cancel := context.WithTimeout(ctx, 2*lockTTL)
			defer cancel()
			tok, err = p.cold.AccessToken(cctx)
			return err == nil
		}, 4*lockTTL, 10*time.Millisecond, "cold token after the failover: %v", err)
		require.Contains(t, wc.Tokens(corpID, 2), tok)
	}
	coldCalls := wc.Calls(gettokenAPI) - 1

	// The warm token falls due: one process refreshes it through the new
	// master, and every process moves to the new token.
	clock.Advance(100 * time.Minute)
	for _, p := range ps {
		_, err := p.warm.AccessToken(ctx) // starts the background refresh
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool {
		for _, p := range ps {
			if tok, err := p.warm.AccessToken(ctx); err != nil || tok == warmTok {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond, "the warm token was never refreshed after the failover")
	warmCalls := wc.Calls(gettokenAPI) - coldCalls
	require.Equal(t, 2, warmCalls, "warm gettoken calls: the first and one refresh")
	require.LessOrEqual(t, coldCalls, 2, "cold gettoken calls: the holder's and at most one more")
	t.Logf("failover: writes resumed %v after SIGKILL; %d warm calls served from memory meanwhile, 0 failed; "+
		"cold lock on the replica at the kill: %v; cold callers during the failover: %d of %d failed; "+
		"gettoken calls: warm %d (1 + 1 refresh), cold %d (extra %d)",
		resumed.Round(time.Millisecond), served.Load(), lockReplicated, coldFailed, procs, warmCalls, coldCalls, coldCalls-1)

	// Nothing outlives the clients.
	for _, p := range ps {
		require.NoError(t, p.rdb.Close())
	}
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
		t.Fatalf("goroutine leak: %d before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}
