package externalcontact_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// failingSetStore is a memory store whose writes fail while fail is set.
type failingSetStore struct {
	*store.Memory
	mu   sync.Mutex
	fail bool
}

func (s *failingSetStore) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail {
		return errors.New("disk full")
	}
	return s.Memory.Set(ctx, key, value, ttl)
}

// The snapshot cannot be stored: the sync fails, and the changes the
// callback took come again next time (at least once).
func TestSyncerStoreWriteFails(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	st := &failingSetStore{Memory: store.NewMemory(), fail: true}
	var handed []int
	s, err := externalcontact.NewSyncer(f.src, st, func(_ context.Context, cs externalcontact.Changes) error {
		handed = append(handed, len(cs))
		return nil
	})
	require.NoError(t, err)
	_, err = s.Sync(ctx)
	require.ErrorContains(t, err, "store snapshot")
	require.ErrorContains(t, err, "disk full")
	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.Nil(t, snap)

	st.mu.Lock()
	st.fail = false
	st.mu.Unlock()
	cs, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Len(t, cs, 2)
	require.Equal(t, []int{2, 2}, handed, "the same changes again")
}

// A stored snapshot that does not decode fails the sync before any call
// to WeCom or the callback; nothing is overwritten.
func TestSyncerCorruptSnapshot(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	called := false
	s := f.syncer(t, func(context.Context, externalcontact.Changes) error { called = true; return nil })
	require.NoError(t, f.st.Set(ctx, s.Key(), "WKES\x02not deflate", 0))
	_, err := s.Sync(ctx)
	require.ErrorIs(t, err, externalcontact.ErrCorruptSnapshot)
	require.ErrorContains(t, err, "delete the key to start afresh")
	require.False(t, called)
	raw, _, err := f.st.Get(ctx, s.Key())
	require.NoError(t, err)
	require.Equal(t, "WKES\x02not deflate", raw)
	require.Zero(t, f.srv.Calls(batchPath))
}

// Syncs started together run one after the other: the changes are
// reported once, by whichever ran first.
func TestSyncerConcurrentSyncs(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	f.srv.GenerateCustomers(corpID, 5, 4)
	var mu sync.Mutex
	total := 0
	s := f.syncer(t, func(_ context.Context, cs externalcontact.Changes) error {
		mu.Lock()
		total += len(cs)
		mu.Unlock()
		return nil
	})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Sync(ctx)
			require.NoError(t, err)
		}()
	}
	wg.Wait()
	require.Equal(t, 5+20, total)
}
