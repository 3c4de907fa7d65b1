package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/storetest"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestMemoryContract(t *testing.T) {
	clock := wecomtest.NewClock(time.Unix(1_700_000_000, 0))
	storetest.Run(t, storetest.Harness{
		New:     func(*testing.T) store.Store { return store.NewMemory(store.WithClock(clock.Now)) },
		Advance: func(_ *testing.T, d time.Duration) { clock.Advance(d) },
	})
}

func TestMemoryContractRealClock(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(*testing.T) store.Store { return store.NewMemory() },
		TTL: 20 * time.Millisecond,
	})
}

func TestMemorySweepsExpired(t *testing.T) {
	ctx := context.Background()
	clock := wecomtest.NewClock(time.Unix(1_700_000_000, 0))
	m := store.NewMemory(store.WithClock(clock.Now))
	for i := 0; i < 1000; i++ {
		require.NoError(t, m.Set(ctx, string(rune('a'+i%26))+time.Duration(i).String(), "v", time.Second))
	}
	clock.Advance(2 * time.Second)
	for i := 0; i < 200; i++ {
		require.NoError(t, m.Set(ctx, "live"+time.Duration(i).String(), "v", time.Hour))
	}
	require.LessOrEqual(t, m.Len(), 200+2*minSweepForTest, "expired items were not swept")
}

const minSweepForTest = 64

func BenchmarkMemoryGet(b *testing.B) {
	ctx := context.Background()
	m := store.NewMemory()
	require.NoError(b, m.Set(ctx, "k", "value", time.Hour))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, _ := m.Get(ctx, "k"); !ok {
			b.Fatal("missing")
		}
	}
}
