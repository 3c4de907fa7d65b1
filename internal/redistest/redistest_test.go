package redistest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

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
}
