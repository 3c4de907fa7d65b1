package redisstore_test

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

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/store/storetest"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestContract(t *testing.T) { testContract(t, redistest.Start(t).Client()) }

// testContract runs the store.Store and store.Locker contract on client.
func testContract(t *testing.T, client redis.UniversalClient) {
	storetest.Run(t, storetest.Harness{
		New: func(*testing.T) store.Store {
			return redisstore.New(client, redisstore.WithLockPoll(time.Millisecond, 20*time.Millisecond))
		},
		TTL: 50 * time.Millisecond,
	})
}

func TestContractFromURL(t *testing.T) {
	srv := redistest.Start(t)
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) store.Store {
			s, err := redisstore.FromURL(srv.URL(), redisstore.WithPrefix("other:"))
			require.NoError(t, err)
			t.Cleanup(func() { require.NoError(t, s.Close()) })
			return s
		},
		TTL: 50 * time.Millisecond,
	})
}

func TestPrefix(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	raw := srv.Client()

	def := redisstore.New(raw)
	require.Equal(t, redisstore.DefaultPrefix, def.Prefix())
	require.NoError(t, def.Set(ctx, "k", "v1", 0))
	v, err := raw.Get(ctx, "wecomkit:k").Result()
	require.NoError(t, err)
	require.Equal(t, "v1", v)
	ttl, err := raw.PTTL(ctx, "wecomkit:k").Result()
	require.NoError(t, err)
	require.Equal(t, time.Duration(-1), ttl, "ttl 0 must mean no expiry")

	other := redisstore.New(raw, redisstore.WithPrefix("app2:"))
	_, ok, err := other.Get(ctx, "k")
	require.NoError(t, err)
	require.False(t, ok, "prefixes must keep stores apart")
	require.NoError(t, other.Set(ctx, "k", "v2", time.Minute))
	v, _, err = def.Get(ctx, "k")
	require.NoError(t, err)
	require.Equal(t, "v1", v)

	// Sub-millisecond TTLs are rounded up, never truncated to "no expiry"
	// (PTTL -1). The key may already be gone (PTTL -2) on a loaded machine:
	// that still shows it had an expiry, so no scheduling deadline is
	// assumed.
	require.NoError(t, def.Set(ctx, "tiny", "v", 1500*time.Microsecond))
	ttl, err = raw.PTTL(ctx, "wecomkit:tiny").Result()
	require.NoError(t, err)
	require.NotEqual(t, time.Duration(-1), ttl, "a sub-millisecond TTL became no expiry")
	require.LessOrEqual(t, ttl, 2*time.Millisecond, "pttl %v", ttl)

	// Locks live under the prefix too.
	unlock, err := def.Lock(ctx, "k:lock", time.Minute)
	require.NoError(t, err)
	n, err := raw.Exists(ctx, "wecomkit:k:lock").Result()
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	require.NoError(t, unlock(ctx))
	n, err = raw.Exists(ctx, "wecomkit:k:lock").Result()
	require.NoError(t, err)
	require.EqualValues(t, 0, n)
}

func TestAddAndIndexOnRedis(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	raw := srv.Client()
	s := redisstore.New(raw)

	// Add: SET NX with the ttl in ms (rounded up), or none.
	added, err := s.Add(ctx, "marker", "v", 1500*time.Microsecond+time.Minute)
	require.NoError(t, err)
	require.True(t, added)
	ttl, err := raw.PTTL(ctx, "wecomkit:marker").Result()
	require.NoError(t, err)
	require.True(t, ttl > 59*time.Second && ttl <= time.Minute+2*time.Millisecond, "pttl %v", ttl)
	added, err = s.Add(ctx, "forever", "v", 0)
	require.NoError(t, err)
	require.True(t, added)
	ttl, err = raw.PTTL(ctx, "wecomkit:forever").Result()
	require.NoError(t, err)
	require.Equal(t, time.Duration(-1), ttl, "ttl 0 must mean no expiry")

	// An index is a sorted set under the prefix, gone once empty.
	_, err = s.IndexAdd(ctx, "jobs:due", "job-1", 1_700_000_000_000)
	require.NoError(t, err)
	zs, err := raw.ZRangeWithScores(ctx, "wecomkit:jobs:due", 0, -1).Result()
	require.NoError(t, err)
	require.Equal(t, []redis.Z{{Score: 1_700_000_000_000, Member: "job-1"}}, zs)
	other := redisstore.New(raw, redisstore.WithPrefix("app2:"))
	n, err := other.IndexLen(ctx, "jobs:due")
	require.NoError(t, err)
	require.Zero(t, n, "prefixes must keep indexes apart")
	require.NoError(t, s.IndexRemove(ctx, "jobs:due", "job-1"))
	exists, err := raw.Exists(ctx, "wecomkit:jobs:due").Result()
	require.NoError(t, err)
	require.Zero(t, exists)

	// Scores Redis cannot keep exactly are refused, not rounded; bounds
	// beyond them still mean "everything" or "nothing".
	const big = 1 << 53
	for _, score := range []int64{big + 1, -big - 1, math.MaxInt64, math.MinInt64} {
		_, err := s.IndexAdd(ctx, "jobs:due", "m", score)
		require.Error(t, err, score)
		require.True(t, strings.HasPrefix(err.Error(), "redisstore: index-add: "), err.Error())
		require.Error(t, s.IndexSet(ctx, "jobs:due", "m", score), score)
	}
	_, err = s.IndexAdd(ctx, "jobs:due", "top", big)
	require.NoError(t, err)
	_, err = s.IndexAdd(ctx, "jobs:due", "bottom", -big)
	require.NoError(t, err)
	got, err := s.IndexRange(ctx, "jobs:due", big+1, 10)
	require.NoError(t, err)
	require.Equal(t, []store.Scored{{Member: "bottom", Score: -big}, {Member: "top", Score: big}}, got)
	got, err = s.IndexRange(ctx, "jobs:due", big-1, 10)
	require.NoError(t, err)
	require.Equal(t, []store.Scored{{Member: "bottom", Score: -big}}, got)
	got, err = s.IndexRange(ctx, "jobs:due", -big-1, 10)
	require.NoError(t, err)
	require.Empty(t, got)

	// An index and a key of the same name collide: Redis's error, wrapped.
	_, err = s.IndexAdd(ctx, "marker", "m", 1)
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "redisstore: index-add: "), err.Error())
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	s := redisstore.New(srv.Client())
	require.ErrorIs(t, s.Set(ctx, "k", "v", -time.Second), store.ErrNegativeTTL)
	_, err := s.Lock(ctx, "l", 0)
	require.ErrorIs(t, err, store.ErrInvalidTTL)
	_, err = s.Lock(ctx, "l", -time.Second)
	require.ErrorIs(t, err, store.ErrInvalidTTL)

	// A key holding something else than a string: Redis's error, wrapped,
	// without the value.
	require.NoError(t, srv.Client().RPush(ctx, "wecomkit:list", "secret-value").Err())
	_, _, err = s.Get(ctx, "list")
	require.Error(t, err)
	require.True(t, strings.HasPrefix(err.Error(), "redisstore: get: "), err.Error())
	require.NotContains(t, err.Error(), "secret-value")
}

func TestUnlock(t *testing.T) { testUnlock(t, redistest.Start(t).Client()) }

func testUnlock(t *testing.T, client redis.UniversalClient) {
	ctx := context.Background()
	s := redisstore.New(client)

	unlock, err := s.Lock(ctx, "l", time.Minute)
	require.NoError(t, err)
	require.NoError(t, unlock(ctx))
	require.NoError(t, unlock(ctx), "a second unlock is a no-op")

	// The lock ran out under its holder and someone else took it: the late
	// unlock says so and leaves the new holder's lock alone.
	unlock, err = s.Lock(ctx, "l", 30*time.Millisecond)
	require.NoError(t, err)
	time.Sleep(60 * time.Millisecond)
	unlock2, err := s.Lock(ctx, "l", time.Minute)
	require.NoError(t, err)
	require.ErrorIs(t, unlock(ctx), redisstore.ErrLockLost)
	n, err := client.Exists(ctx, "wecomkit:l").Result()
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	require.NoError(t, unlock2(ctx))
}

func TestLockWakesAtExpiry(t *testing.T) { testLockWakesAtExpiry(t, redistest.Start(t).Client()) }

func testLockWakesAtExpiry(t *testing.T, client redis.UniversalClient) {
	// A waiter polling with a long interval still takes a dead holder's
	// lock promptly: it never sleeps past the holder's expiry.
	ctx := context.Background()
	s := redisstore.New(client, redisstore.WithLockPoll(5*time.Second, 10*time.Second))
	_, err := s.Lock(ctx, "l", 200*time.Millisecond) // never unlocked
	require.NoError(t, err)
	start := time.Now()
	unlock, err := s.Lock(ctx, "l", time.Minute)
	require.NoError(t, err)
	require.Less(t, time.Since(start), time.Second)
	require.NoError(t, unlock(ctx))
}

func TestLockWaitersDoNotSpin(t *testing.T) {
	testLockWaitersDoNotSpin(t, func(t *testing.T) redis.UniversalClient { return redistest.Start(t).Client() })
}

// testLockWaitersDoNotSpin takes a function that returns a new client
// each time: the test counts the commands sent through it.
func testLockWaitersDoNotSpin(t *testing.T, newClient func(*testing.T) redis.UniversalClient) {
	// Ten waiters for a held lock: each sleeps between tries, so they send
	// far fewer commands than a busy loop (one try per ~20 µs round trip).
	for name, tc := range map[string]struct {
		min, max time.Duration
		wait     time.Duration
		maxCmds  int64
	}{
		// Even a zero poll interval is raised to 1 ms: at least 0.5 ms
		// between tries, at most 400 tries each in 200 ms.
		"zero interval": {0, 0, 200 * time.Millisecond, 10 * 400},
		// A 10→100 ms backoff: about 8 tries each in 500 ms.
		"backoff": {10 * time.Millisecond, 100 * time.Millisecond, 500 * time.Millisecond, 10 * 20},
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			client := newClient(t)
			var cmds atomic.Int64
			client.AddHook(countHook{&cmds})
			s := redisstore.New(client, redisstore.WithLockPoll(tc.min, tc.max))
			unlock, err := s.Lock(ctx, "l", time.Minute)
			require.NoError(t, err)
			cmds.Store(0)
			cctx, cancel := context.WithTimeout(ctx, tc.wait)
			defer cancel()
			var wg sync.WaitGroup
			for i := 0; i < 10; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := s.Lock(cctx, "l", time.Minute)
					if !errors.Is(err, context.DeadlineExceeded) {
						t.Errorf("waiter: %v", err)
					}
				}()
			}
			wg.Wait()
			require.LessOrEqual(t, cmds.Load(), tc.maxCmds, "waiters spin")
			require.NoError(t, unlock(ctx))
		})
	}
}

type countHook struct{ n *atomic.Int64 }

func (countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}
func (countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func TestFromURL(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)

	s, err := redisstore.FromURL(srv.URL())
	require.NoError(t, err)
	require.NoError(t, s.Ping(ctx))
	require.Contains(t, s.String(), srv.Addr)
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "Close twice")
	require.Error(t, s.Ping(ctx), "FromURL's client is closed by Close")

	// New: the caller owns the client, Close leaves it open.
	client := srv.Client()
	s = redisstore.New(client)
	require.NoError(t, s.Close())
	require.NoError(t, client.Ping(ctx).Err())

	// Database number and client options are honoured.
	var applied bool
	s, err = redisstore.FromURL("redis://"+srv.Addr+"/3", redisstore.WithClientOptions(func(o *redis.Options) { applied = true }))
	require.NoError(t, err)
	defer s.Close()
	require.True(t, applied)
	require.NoError(t, s.Set(ctx, "k", "v", 0))
	n, err := redis.NewClient(&redis.Options{Addr: srv.Addr, DB: 3}).Exists(ctx, "wecomkit:k").Result()
	require.NoError(t, err)
	require.EqualValues(t, 1, n)

	// rediss:// is accepted (TLS is configured; nothing listens for it here).
	s, err = redisstore.FromURL("rediss://user:pw@127.0.0.1:1/0")
	require.NoError(t, err)
	require.Contains(t, s.String(), "rediss")
	require.NoError(t, s.Close())
}

func TestFromURLNeverShowsPassword(t *testing.T) {
	const pw = "hunter2-S3CRET"
	for _, u := range []string{
		"redis://user:" + pw + "@127.0.0.1:1/0",
		"rediss://:" + pw + "@127.0.0.1:1",
		"redis://user:" + pw + "@127.0.0.1:1/0?dial_timeout=100ms",
		"unix://user:" + pw + "@/tmp/nonexistent.sock",
	} {
		s, err := redisstore.FromURL(u)
		require.NoError(t, err, u)
		require.NotContains(t, s.String(), pw)
		require.NotContains(t, fmt.Sprintf("%v %+v %s", s, s, s), pw)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err = s.Ping(ctx)
		cancel()
		require.Error(t, err)
		require.NotContains(t, err.Error(), pw)
		require.NoError(t, s.Close())
	}
	s := redisstore.New(redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", Username: "u", Password: pw}))
	require.NotContains(t, s.String(), pw)
	require.NoError(t, s.Client().Close())
	for _, u := range []string{
		"redis://user:" + pw + "@127.0.0.1:notaport/0",
		"redis://user:" + pw + "@127.0.0.1:1/notadb",
		"redis://user:" + pw + "@127.0.0.1:1/0?no_such_option=1",
		"http://user:" + pw + "@127.0.0.1:1/0",
		"redis://user:" + pw + "@127.0.0.1:1/0\x7f",
		"redis://us er:" + pw + "/x@127.0.0.1:1/0",
		"redis://user:" + pw + "@[::1/0",
		"::redis://user:" + pw + "@host",
		// An unescaped '/' or '#' in the password moves it into the path:
		// no part of it may be quoted, and no socket of that name dialled.
		"redis://user:hunter2/S3CRET@127.0.0.1:1/0",
		"unix://user:hunter2/S3CRET@/tmp/redis.sock",
		"redis://user:hunter2#S3CRET@127.0.0.1:1/0",
	} {
		_, err := redisstore.FromURL(u)
		require.Error(t, err, u)
		require.NotContains(t, err.Error(), pw, u)
		require.NotContains(t, err.Error(), "S3CRET", u)
		require.True(t, strings.HasPrefix(err.Error(), "redisstore: "), err.Error())
	}
}

// aclRules is the ACL the package documentation recommends.
var aclRules = []any{"on", ">acl-pw", "~wecomkit:*", "resetchannels", "-@all",
	"+get", "+set", "+del", "+pttl", "+eval", "+evalsha", "+zadd", "+zrem", "+zrange", "+zcard", "+ping", "+hello"}

func TestDocumentedACLSuffices(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	require.NoError(t, srv.Client().Do(ctx, append([]any{"ACL", "SETUSER", "wecomkit"}, aclRules...)...).Err())
	s, err := redisstore.FromURL("redis://wecomkit:acl-pw@" + srv.Addr + "/0")
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.Ping(ctx))
	storetest.Run(t, storetest.Harness{New: func(*testing.T) store.Store { return s }, TTL: 50 * time.Millisecond})

	// And it confines the user to the prefix.
	other := redisstore.New(s.Client(), redisstore.WithPrefix("other:"))
	require.Error(t, other.Set(ctx, "k", "v", 0))
}

// TestExampleFromURL runs ExampleFromURL's steps for real: two instances,
// each with its own FromURL store on one redis-server, get one token from
// one gettoken.
func TestExampleFromURL(t *testing.T) {
	rs := redistest.Start(t)
	fake := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	t.Cleanup(fake.Close)
	ctx := context.Background()
	var tokens []string
	for range 2 { // two instances of the service
		s, err := redisstore.FromURL(rs.URL())
		require.NoError(t, err)
		t.Cleanup(func() { _ = s.Close() })
		require.NoError(t, s.Ping(ctx))
		client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithStore(s), wecom.WithBaseURL(fake.URL))
		require.NoError(t, err)
		tok, err := client.AccessToken(ctx)
		require.NoError(t, err)
		tokens = append(tokens, tok)
	}
	require.Equal(t, tokens[0], tokens[1])
	require.Equal(t, 1, fake.Calls("/cgi-bin/gettoken"))
}
