package redisstore_test

// The store on Redis Cluster and behind Sentinel: the same contract and
// lock tests as on a single node, and what only a cluster can show — keys
// on every master, scripts that stay within one slot, redirects while a
// slot moves.

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/redisstore"
)

// deployment is a Redis topology to run the store's tests on. start
// starts it for t and returns a function that makes a new client to it
// (closed when t ends).
type deployment struct {
	name  string
	start func(t *testing.T) func(*testing.T) redis.UniversalClient
}

func deployments() []deployment {
	cluster := func(replicas int) func(t *testing.T) func(*testing.T) redis.UniversalClient {
		return func(t *testing.T) func(*testing.T) redis.UniversalClient {
			c := redistest.StartCluster(t, 3, replicas)
			return func(*testing.T) redis.UniversalClient { return c.Client(nil) }
		}
	}
	return []deployment{
		{"cluster of 3 masters", cluster(0)},
		{"cluster of 3 masters with a replica each", cluster(1)},
		{"sentinel", func(t *testing.T) func(*testing.T) redis.UniversalClient {
			d := redistest.StartSentinel(t)
			return func(*testing.T) redis.UniversalClient { return d.Client(nil) }
		}},
	}
}

func TestDeployments(t *testing.T) {
	// Each deployment is started once and shared by the subtests, which
	// use distinct keys or clean up after themselves.
	for _, dep := range deployments() {
		t.Run(dep.name, func(t *testing.T) {
			newClient := dep.start(t)
			client := newClient(t)
			for _, tc := range []struct {
				name string
				run  func(t *testing.T)
			}{
				{"Contract", func(t *testing.T) { testContract(t, client) }},
				{"Unlock", func(t *testing.T) { testUnlock(t, client) }},
				{"LockWakesAtExpiry", func(t *testing.T) { testLockWakesAtExpiry(t, client) }},
				{"LockWaitersDoNotSpin", func(t *testing.T) { testLockWaitersDoNotSpin(t, newClient) }},
				{"TokenRefreshOneFetchAcrossSources", func(t *testing.T) { testTokenRefreshOneFetchAcrossSources(t, client) }},
			} {
				t.Run(tc.name, tc.run)
			}
		})
	}
}

func TestClusterKeysOnEveryMaster(t *testing.T) {
	// Every operation, the two Lua scripts and the indexes included, works
	// on keys spread over all masters. Redis Cluster refuses a script that touches a key
	// outside the slots of the node running it, so this also shows that
	// each script touches its one declared key and nothing else — a value
	// and its lock ("<key>:lock") live in different slots and need no hash
	// tag.
	ctx := context.Background()
	c := redistest.StartCluster(t, 3, 0)
	cc := c.Client(nil)
	s := redisstore.New(cc)
	masters := map[string]int{}
	for i := 0; i < 30; i++ {
		k := fmt.Sprintf("access_token:corp:%d", i)
		for _, name := range []string{k, k + ":lock"} {
			m, err := cc.MasterForKey(ctx, redisstore.DefaultPrefix+name)
			require.NoError(t, err)
			masters[m.Options().Addr]++
		}
		require.NoError(t, s.Set(ctx, k, "v", time.Minute))
		v, ok, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "v", v)
		deleted, err := s.CompareAndDelete(ctx, k, "stale")
		require.NoError(t, err)
		require.False(t, deleted)
		deleted, err = s.CompareAndDelete(ctx, k, "v")
		require.NoError(t, err)
		require.True(t, deleted)
		unlock, err := s.Lock(ctx, k+":lock", time.Minute)
		require.NoError(t, err)
		require.NoError(t, unlock(ctx))
		require.NoError(t, s.Delete(ctx, k))
		// An index is one key too, wherever it lands.
		added, err := s.Add(ctx, k, "v", time.Minute)
		require.NoError(t, err)
		require.True(t, added)
		ix := k + ":index"
		m, err := cc.MasterForKey(ctx, redisstore.DefaultPrefix+ix)
		require.NoError(t, err)
		masters[m.Options().Addr]++
		added, err = s.IndexAdd(ctx, ix, "job", int64(i))
		require.NoError(t, err)
		require.True(t, added)
		got, err := s.IndexRange(ctx, ix, int64(i), 10)
		require.NoError(t, err)
		require.Equal(t, []store.Scored{{Member: "job", Score: int64(i)}}, got)
		require.NoError(t, s.IndexRemove(ctx, ix, "job"))
		require.NoError(t, s.Delete(ctx, k))
	}
	require.Len(t, masters, len(c.Masters), "keys did not reach every master: %v", masters)
}

// redirects counts the MOVED and ASK answers the nodes of a cluster
// client receive; go-redis follows them, so its caller never sees them.
type redirects struct{ moved, ask atomic.Int32 }

func (r *redirects) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *redirects) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		switch {
		case err == nil:
		case strings.HasPrefix(err.Error(), "MOVED "):
			r.moved.Add(1)
		case strings.HasPrefix(err.Error(), "ASK "):
			r.ask.Add(1)
		}
		return err
	}
}
func (r *redirects) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

func TestClusterSlotMoves(t *testing.T) {
	// One slot moves to another master while the store uses it: during
	// the migration, keys not yet moved answer on the old master and new
	// ones get ASK redirects; afterwards the client's slot map is stale
	// and gets MOVED. go-redis follows both: no call fails.
	ctx := context.Background()
	c := redistest.StartCluster(t, 3, 0)
	var seen redirects
	cc := c.Client(nil)
	cc.OnNewNode(func(rdb *redis.Client) { rdb.AddHook(&seen) })
	s := redisstore.New(cc, redisstore.WithLockPoll(time.Millisecond, 10*time.Millisecond))

	// A hash tag puts these test keys into one slot, the one that moves.
	const tag = "{moving}"
	key := func(name string) string { return tag + ":" + name }
	slot, err := cc.ClusterKeySlot(ctx, redisstore.DefaultPrefix+key("a")).Result()
	require.NoError(t, err)
	require.NoError(t, s.Set(ctx, key("a"), "va", 0)) // loads the slot map
	require.NoError(t, s.Set(ctx, key("b"), "vb", 0))
	from, err := c.SlotOwner(ctx, int(slot))
	require.NoError(t, err)
	to := c.Masters[0]
	if from == to {
		to = c.Masters[1]
	}

	require.NoError(t, c.MoveSlot(ctx, int(slot), to, func() error {
		// Half-moved: "a" and "b" are still on the old master; "c" and
		// the lock are new and go to the new one (ASK).
		v, ok, err := s.Get(ctx, key("a"))
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, "va", v)
		require.NoError(t, s.Set(ctx, key("c"), "vc", time.Minute))
		unlock, err := s.Lock(ctx, key("lock"), time.Minute)
		require.NoError(t, err)
		require.NoError(t, unlock(ctx))
		deleted, err := s.CompareAndDelete(ctx, key("b"), "vb")
		require.NoError(t, err)
		require.True(t, deleted)
		added, err := s.Add(ctx, key("d"), "vd", time.Minute)
		require.NoError(t, err)
		require.True(t, added)
		added, err = s.IndexAdd(ctx, key("index"), "job", 7)
		require.NoError(t, err)
		require.True(t, added)
		return nil
	}))
	require.Positive(t, seen.ask.Load(), "no ASK redirect during the migration")

	// Moved: the client still routes the slot to the old master.
	for name, want := range map[string]string{"a": "va", "c": "vc"} {
		v, ok, err := s.Get(ctx, key(name))
		require.NoError(t, err)
		require.True(t, ok, name)
		require.Equal(t, want, v)
	}
	_, ok, err := s.Get(ctx, key("b"))
	require.NoError(t, err)
	require.False(t, ok)
	unlock, err := s.Lock(ctx, key("lock"), time.Minute)
	require.NoError(t, err)
	require.NoError(t, unlock(ctx))
	deleted, err := s.CompareAndDelete(ctx, key("a"), "va")
	require.NoError(t, err)
	require.True(t, deleted)
	added, err := s.Add(ctx, key("d"), "again", time.Minute)
	require.NoError(t, err)
	require.False(t, added, "the key added during the migration was lost")
	got, err := s.IndexRange(ctx, key("index"), 10, 10)
	require.NoError(t, err)
	require.Equal(t, []store.Scored{{Member: "job", Score: 7}}, got)
	require.Positive(t, seen.moved.Load(), "no MOVED redirect after the migration")
	n, err := to.Client().Exists(ctx, redisstore.DefaultPrefix+key("c")).Result()
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "the key is not on the new master")
	t.Logf("redirects followed: %d ASK, %d MOVED", seen.ask.Load(), seen.moved.Load())
}
