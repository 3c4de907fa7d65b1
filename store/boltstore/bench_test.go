package boltstore_test

import (
	"context"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wecomkit/wecomkit/store/boltstore"
)

// pushers is how many goroutines BenchmarkAddIndexAddParallel runs: the
// job queue's pushes in flight at once.
const pushers = 50

// push records one job as the job queue does: an Add of its record, then
// an IndexAdd of its due time. Both are committed (fsync) before it
// returns.
func push(b *testing.B, s *boltstore.Store, i int64) {
	ctx := context.Background()
	k := "job:" + strconv.FormatInt(i, 10)
	if added, err := s.Add(ctx, k, `{"kind":"push","body":"…"}`, 24*time.Hour); err != nil || !added {
		b.Fatal(added, err)
	}
	if added, err := s.IndexAdd(ctx, "jobs:due", k, 1_700_000_000_000+i); err != nil || !added {
		b.Fatal(added, err)
	}
}

// reportLatency reports the 50th and 99th percentiles of lat, in ms.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	at := func(p float64) float64 {
		return float64(lat[int(p*float64(len(lat)-1))]) / float64(time.Millisecond)
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkAddIndexAddParallel: 50 goroutines each recording jobs (Add +
// IndexAdd) on one store with fsync on. Concurrent writers share commits,
// so the per-push time is far below two fsyncs; p99-ms is the latency of
// one push as its caller sees it.
func BenchmarkAddIndexAddParallel(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "wecomkit.db"))
	lat := make([]time.Duration, b.N)
	var seq atomic.Int64
	b.SetParallelism(max(1, pushers/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := seq.Add(1)
			start := time.Now()
			push(b, s, i)
			lat[i-1] = time.Since(start)
		}
	})
	b.StopTimer()
	reportLatency(b, lat)
}

// BenchmarkAddIndexAddSerial: one goroutine recording jobs, fsync on: two
// commits per push, none shared.
func BenchmarkAddIndexAddSerial(b *testing.B) {
	s := open(b, filepath.Join(b.TempDir(), "wecomkit.db"))
	lat := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range int64(b.N) {
		start := time.Now()
		push(b, s, i+1)
		lat[i] = time.Since(start)
	}
	b.StopTimer()
	reportLatency(b, lat)
}
