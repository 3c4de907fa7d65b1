package store_test

import (
	"context"
	"fmt"
	"time"

	"github.com/wecomkit/wecomkit/store"
)

// Memory keeps values in the process: the default for a single instance.
// CompareAndDelete removes a value only if it is still the one the caller
// saw, which is how a rejected token is forgotten without evicting a newer
// one another caller already stored.
func ExampleMemory() {
	ctx := context.Background()
	s := store.NewMemory()

	_ = s.Set(ctx, "access_token:ww1:1000002", "token-1", 2*time.Hour)
	v, ok, _ := s.Get(ctx, "access_token:ww1:1000002")
	fmt.Println(v, ok)

	_ = s.Set(ctx, "access_token:ww1:1000002", "token-2", 2*time.Hour) // someone refreshed it
	deleted, _ := s.CompareAndDelete(ctx, "access_token:ww1:1000002", "token-1")
	fmt.Println(deleted)
	v, ok, _ = s.Get(ctx, "access_token:ww1:1000002")
	fmt.Println(v, ok)
	// Output:
	// token-1 true
	// false
	// token-2 true
}

// A Locker lets one holder at a time do the expensive work, such as
// fetching a token from WeCom; the others wait for the lock and then read
// what the holder stored.
func ExampleMemory_Lock() {
	ctx := context.Background()
	s := store.NewMemory()
	var l store.Locker = s

	unlock, err := l.Lock(ctx, "access_token:ww1:1000002:lock", 30*time.Second)
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = s.Set(ctx, "access_token:ww1:1000002", "fetched-once", time.Hour)
	_ = unlock(ctx)

	busy, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	unlock, err = l.Lock(busy, "access_token:ww1:1000002:lock", 30*time.Second)
	fmt.Println(err)
	_ = unlock(ctx)
	// Output:
	// <nil>
}
