package testutil

import (
	"runtime"
	"sync"
	"time"
)

// PeakHeap samples the heap every 5 ms while f runs and returns the
// largest HeapAlloc seen, in MB: the peak-heap-MB of the sync benchmarks.
func PeakHeap(f func()) float64 {
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	wg.Wait()
	return float64(peak) / (1 << 20)
}

// HeapNow collects garbage and returns the live heap (HeapAlloc), in MB.
func HeapNow() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / (1 << 20)
}
