package storetest_test

import (
	"testing"
	"time"

	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/storetest"
)

// A store's own test file runs the whole contract — Get, Set with and
// without a TTL, Delete, CompareAndDelete, and for a store.Locker mutual
// exclusion, expiry and unlock — with one call. The example only shows the
// call: the suite needs the *testing.T of a real test, so it cannot run as
// an example (store's own tests run it on Memory, bolt and Redis).
func ExampleRun() {
	_ = func(t *testing.T) { // func TestMyStore(t *testing.T)
		clock := time.Now()
		storetest.Run(t, storetest.Harness{
			New: func(t *testing.T) store.Store {
				return store.NewMemory(store.WithClock(func() time.Time { return clock }))
			},
			Advance: func(t *testing.T, d time.Duration) { clock = clock.Add(d) },
		})
	}
}
