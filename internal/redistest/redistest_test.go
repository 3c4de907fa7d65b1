package redistest_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/redistest"
)

func TestStartStopRestart(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	require.Contains(t, srv.Addr, "127.0.0.1:")
	require.Equal(t, "redis://"+srv.Addr+"/0", srv.URL())
	c := srv.Client()
	require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
	require.True(t, srv.Running())

	srv.Stop()
	require.False(t, srv.Running())
	cctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	require.Error(t, c.Ping(cctx).Err())
	cancel()
	srv.Stop() // twice: no-op

	addr := srv.Addr
	srv.Restart()
	require.Equal(t, addr, srv.Addr, "restart keeps the port")
	require.Eventually(t, func() bool { return c.Ping(ctx).Err() == nil }, 5*time.Second, 10*time.Millisecond)
	n, err := c.Exists(ctx, "k").Result()
	require.NoError(t, err)
	require.Zero(t, n, "a restarted server starts empty")

	require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
	srv.FlushAll()
	n, err = c.Exists(ctx, "k").Result()
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestTwoServers(t *testing.T) {
	a, b := redistest.Start(t), redistest.Start(t)
	require.NotEqual(t, a.Addr, b.Addr)
}

// recorder stands in for a testing.TB to see whether Skip or Fatal was
// called; unlike the real ones, its Skip and Fatal return.
type recorder struct {
	testing.TB
	skipped, fatal string
}

func (r *recorder) Helper()                   {}
func (r *recorder) Skip(args ...any)          { r.skipped = fmt.Sprint(args...) }
func (r *recorder) Fatal(args ...any)         { r.fatal = fmt.Sprint(args...) }
func (r *recorder) Skipf(f string, a ...any)  { r.skipped = fmt.Sprintf(f, a...) }
func (r *recorder) Fatalf(f string, a ...any) { r.fatal = fmt.Sprintf(f, a...) }

func TestMissingRedis(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	require.False(t, redistest.Available())

	t.Setenv("CI", "")
	r := &recorder{TB: t}
	redistest.SkipIfUnavailable(r)
	require.Contains(t, r.skipped, "redis-server not installed")
	require.Empty(t, r.fatal)

	t.Setenv("CI", "true")
	r = &recorder{TB: t}
	redistest.SkipIfUnavailable(r)
	require.Contains(t, r.fatal, "redis-server not installed")
	require.Empty(t, r.skipped)

	// The Cluster and Sentinel helpers follow the same rule.
	for name, start := range map[string]func(testing.TB) bool{
		"cluster":  func(tb testing.TB) bool { return redistest.StartCluster(tb, 3, 0) == nil },
		"sentinel": func(tb testing.TB) bool { return redistest.StartSentinel(tb) == nil },
	} {
		for _, ci := range []string{"", "true"} {
			t.Setenv("CI", ci)
			r = &recorder{TB: t}
			require.True(t, start(r), name)
			if ci == "true" {
				require.Contains(t, r.fatal, "redis-server not installed", name)
			} else {
				require.Contains(t, r.skipped, "redis-server not installed", name)
			}
		}
	}
}

func TestCluster(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		masters, replicasPerMaster int
	}{
		{"3 masters", 3, 0},
		{"3 masters, 1 replica each", 3, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			start := time.Now()
			c := redistest.StartCluster(t, tc.masters, tc.replicasPerMaster)
			t.Logf("cluster ready in %v", time.Since(start).Round(time.Millisecond))
			require.Len(t, c.Masters, tc.masters)
			require.Len(t, c.Replicas, tc.masters*tc.replicasPerMaster)
			cc := c.Client(nil)
			// Keys land on every master.
			for i := 0; i < 100; i++ {
				require.NoError(t, cc.Set(ctx, fmt.Sprint("k", i), "v", 0).Err())
			}
			for _, m := range c.Masters {
				n, err := m.Client().DBSize(ctx).Result()
				require.NoError(t, err)
				require.NotZero(t, n, "master %s got no key", m.Addr)
			}
			var masters, replicas atomic.Int32 // ForEach… run fn concurrently
			require.NoError(t, cc.ForEachMaster(ctx, func(context.Context, *redis.Client) error { masters.Add(1); return nil }))
			require.NoError(t, cc.ForEachSlave(ctx, func(context.Context, *redis.Client) error { replicas.Add(1); return nil }))
			require.EqualValues(t, tc.masters, masters.Load())
			require.EqualValues(t, tc.masters*tc.replicasPerMaster, replicas.Load())

			// A slot moves, with its key: the client follows.
			slot, err := cc.ClusterKeySlot(ctx, "k1").Result()
			require.NoError(t, err)
			from, err := c.SlotOwner(ctx, int(slot))
			require.NoError(t, err)
			to := c.Masters[0]
			if from == to {
				to = c.Masters[1]
			}
			require.NoError(t, c.MoveSlot(ctx, int(slot), to, nil))
			owner, err := c.SlotOwner(ctx, int(slot))
			require.NoError(t, err)
			require.Equal(t, to, owner)
			v, err := cc.Get(ctx, "k1").Result()
			require.NoError(t, err)
			require.Equal(t, "v", v)
		})
	}
}

func TestSentinel(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	d := redistest.StartSentinel(t)
	t.Logf("sentinels ready in %v", time.Since(start).Round(time.Millisecond))
	require.Len(t, d.Sentinels, 3)
	addr, err := d.MasterAddr(ctx)
	require.NoError(t, err)
	require.Equal(t, d.Master.Addr, addr)
	c := d.Client(nil)
	require.NoError(t, c.Set(ctx, "k", "v", 0).Err())
	require.Eventually(t, func() bool { return d.Replica.Client().Get(ctx, "k").Val() == "v" }, 5*time.Second, 10*time.Millisecond)

	// The master dies; the Sentinels promote the replica.
	d.Master.Stop()
	start = time.Now()
	require.Eventually(t, func() bool { a, err := d.MasterAddr(ctx); return err == nil && a == d.Replica.Addr },
		redistest.PromotionWithin, 20*time.Millisecond)
	t.Logf("replica promoted %v after the master died", time.Since(start).Round(time.Millisecond))
	require.Eventually(t, func() bool { return c.Set(ctx, "k", "w", 0).Err() == nil }, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, "w", d.Replica.Client().Get(ctx, "k").Val())
}
