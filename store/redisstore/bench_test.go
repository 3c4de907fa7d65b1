package redisstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/redistest"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
)

func constantFetch(context.Context) (string, time.Duration, error) {
	return "benchmark-token", 2 * time.Hour, nil
}

// warmToken returns a token source on Redis whose value is in the
// in-process tier.
func warmToken(tb testing.TB) wecom.TokenSource {
	srv := redistest.Start(tb)
	ts := wecom.NewCachedToken("access_token:bench:1", constantFetch, wecom.WithStore(redisstore.New(srv.Client())))
	_, err := ts.Token(context.Background())
	require.NoError(tb, err)
	return ts
}

func TestRedisTokenHitDoesNotAllocate(t *testing.T) {
	ts := warmToken(t)
	ctx := context.Background()
	require.Zero(t, testing.AllocsPerRun(1000, func() { _, _ = ts.Token(ctx) }))
}

// BenchmarkRedisTokenHit: a token served from the in-process tier in front
// of Redis — what every API call pays.
func BenchmarkRedisTokenHit(b *testing.B) {
	ts := warmToken(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ts.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRedisStoreGet: one GET round trip to the local redis-server.
func BenchmarkRedisStoreGet(b *testing.B) {
	srv := redistest.Start(b)
	s := redisstore.New(srv.Client())
	ctx := context.Background()
	require.NoError(b, s.Set(ctx, "access_token:bench:1", "wk1|1|2|3|benchmark-token", time.Hour))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, err := s.Get(ctx, "access_token:bench:1"); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkRedisStoreGetParallel: GETs from many goroutines over the
// client's connection pool.
func BenchmarkRedisStoreGetParallel(b *testing.B) {
	srv := redistest.Start(b)
	s := redisstore.New(srv.Client())
	ctx := context.Background()
	require.NoError(b, s.Set(ctx, "access_token:bench:1", "wk1|1|2|3|benchmark-token", time.Hour))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, ok, err := s.Get(ctx, "access_token:bench:1"); err != nil || !ok {
				b.Error(ok, err)
				return
			}
		}
	})
}

// BenchmarkRedisLockUnlock: an uncontended lock and unlock (two scripts).
func BenchmarkRedisLockUnlock(b *testing.B) {
	srv := redistest.Start(b)
	s := redisstore.New(srv.Client())
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		unlock, err := s.Lock(ctx, "access_token:bench:1:lock", 30*time.Second)
		if err != nil {
			b.Fatal(err)
		}
		if err := unlock(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
