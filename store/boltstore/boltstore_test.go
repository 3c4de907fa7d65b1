package boltstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/store/storetest"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func open(t testing.TB, path string, opts ...boltstore.Option) *boltstore.Store {
	t.Helper()
	s, err := boltstore.Open(path, opts...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestContract(t *testing.T) {
	clock := wecomtest.NewClock(time.Unix(1_700_000_000, 0))
	s := open(t, filepath.Join(t.TempDir(), "wecomkit.db"), boltstore.WithClock(clock.Now), boltstore.WithSweepEvery(7))
	storetest.Run(t, storetest.Harness{
		New:     func(*testing.T) store.Store { return s },
		Advance: func(_ *testing.T, d time.Duration) { clock.Advance(d) },
	})
}

func TestContractRealClock(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		New: func(t *testing.T) store.Store {
			return open(t, filepath.Join(t.TempDir(), "wecomkit.db"), boltstore.WithNoSync())
		},
		TTL: 30 * time.Millisecond,
	})
}

func TestDurable(t *testing.T) {
	ctx := context.Background()
	clock := wecomtest.NewClock(time.Unix(1_700_000_000, 0))
	path := filepath.Join(t.TempDir(), "wecomkit.db")

	s, err := boltstore.Open(path, boltstore.WithClock(clock.Now))
	require.NoError(t, err)
	require.NoError(t, s.Set(ctx, "permanent_code:corp1", "perm-1", 0))
	require.NoError(t, s.Set(ctx, "suite_ticket:suite1", "ticket-1", 30*time.Minute))
	require.NoError(t, s.Set(ctx, "gone", "x", time.Minute))
	require.NoError(t, s.Delete(ctx, "gone"))
	require.NoError(t, s.Close())

	fi, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the file holds secrets")

	// Reopened: values are there, with their expiry.
	clock.Advance(20 * time.Minute)
	s = open(t, path, boltstore.WithClock(clock.Now))
	for k, want := range map[string]string{"permanent_code:corp1": "perm-1", "suite_ticket:suite1": "ticket-1"} {
		v, ok, err := s.Get(ctx, k)
		require.NoError(t, err)
		require.True(t, ok, k)
		require.Equal(t, want, v)
	}
	_, ok, err := s.Get(ctx, "gone")
	require.NoError(t, err)
	require.False(t, ok)
	clock.Advance(11 * time.Minute)
	_, ok, err = s.Get(ctx, "suite_ticket:suite1")
	require.NoError(t, err)
	require.False(t, ok, "expiry survives a restart")
	_, ok, err = s.Get(ctx, "permanent_code:corp1")
	require.NoError(t, err)
	require.True(t, ok)
}

func TestSecondOpenFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wecomkit.db")
	first := open(t, path)
	start := time.Now()
	_, err := boltstore.Open(path, boltstore.WithLockTimeout(100*time.Millisecond))
	require.ErrorIs(t, err, boltstore.ErrLocked)
	require.Contains(t, err.Error(), path)
	require.Less(t, time.Since(start), 5*time.Second)

	// Once the first closes, the file can be opened.
	require.NoError(t, first.Close())
	second := open(t, path, boltstore.WithLockTimeout(100*time.Millisecond))
	require.NoError(t, second.Close())
}

func count(t *testing.T, path, bucket string) int {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte(bucket)).Stats().KeyN
		return nil
	}))
	return n
}

func TestExpiredValuesAreDeleted(t *testing.T) {
	ctx := context.Background()
	clock := wecomtest.NewClock(time.Unix(1_700_000_000, 0))
	path := filepath.Join(t.TempDir(), "wecomkit.db")
	s, err := boltstore.Open(path, boltstore.WithClock(clock.Now), boltstore.WithSweepEvery(10), boltstore.WithNoSync())
	require.NoError(t, err)
	for i := 0; i < 9; i++ {
		require.NoError(t, s.Set(ctx, "short"+string(rune('a'+i)), "v", time.Second))
	}
	clock.Advance(2 * time.Second)

	// Read: deleted lazily.
	_, ok, err := s.Get(ctx, "shorta")
	require.NoError(t, err)
	require.False(t, ok)
	// The tenth write sweeps the rest, keeping what lives.
	require.NoError(t, s.Set(ctx, "long", "v", time.Hour))
	require.NoError(t, s.Close())
	require.Equal(t, 1, count(t, path, boltstore.DefaultBucket))

	// Sweep on demand.
	s = open(t, path, boltstore.WithClock(clock.Now))
	require.NoError(t, s.Set(ctx, "short", "v", time.Second))
	require.NoError(t, s.Set(ctx, "forever", "v", 0))
	clock.Advance(2 * time.Second)
	n, err := s.Sweep(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	n, err = s.Sweep(ctx)
	require.NoError(t, err)
	require.Zero(t, n)
}

func TestForeignRecordsLeftAlone(t *testing.T) {
	// Records in the bucket that boltstore did not write are absent to it
	// and never deleted.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wecomkit.db")
	db, err := bolt.Open(path, 0o600, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("shared"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("raw"))
	}))
	require.NoError(t, db.Close())

	s := open(t, path, boltstore.WithBucket("shared"))
	_, ok, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.False(t, ok)
	deleted, err := s.CompareAndDelete(ctx, "k", "raw")
	require.NoError(t, err)
	require.False(t, deleted)
	_, err = s.Sweep(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.Equal(t, 1, count(t, path, "shared"))
}

func TestHugeTTL(t *testing.T) {
	ctx := context.Background()
	s := open(t, filepath.Join(t.TempDir(), "wecomkit.db"))
	require.NoError(t, s.Set(ctx, "k", "v", time.Duration(1<<62)))
	_, ok, err := s.Get(ctx, "k")
	require.NoError(t, err)
	require.True(t, ok)
}

func TestClosed(t *testing.T) {
	ctx := context.Background()
	s, err := boltstore.Open(filepath.Join(t.TempDir(), "wecomkit.db"))
	require.NoError(t, err)
	require.Contains(t, s.String(), "wecomkit.db")
	require.NoError(t, s.Close())
	_, _, err = s.Get(ctx, "k")
	require.Error(t, err)
	require.Error(t, s.Set(ctx, "k", "v", 0))
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := boltstore.Open(filepath.Join(dir, "missing", "wecomkit.db"))
	require.Error(t, err)
	junk := filepath.Join(dir, "junk.db")
	require.NoError(t, os.WriteFile(junk, []byte("this is not a bbolt file, not at all, really not"), 0o600))
	_, err = boltstore.Open(junk)
	require.Error(t, err)
}

func BenchmarkBoltGet(b *testing.B) {
	ctx := context.Background()
	s := open(b, filepath.Join(b.TempDir(), "wecomkit.db"))
	require.NoError(b, s.Set(ctx, "access_token:corp:1000002", "wk1|1|2|3|value", time.Hour))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, ok, err := s.Get(ctx, "access_token:corp:1000002"); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkBoltSet(b *testing.B) {
	ctx := context.Background()
	s := open(b, filepath.Join(b.TempDir(), "wecomkit.db"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Set(ctx, "suite_ticket:s", "ticket", 30*time.Minute); err != nil {
			b.Fatal(err)
		}
	}
}

func TestIndexDurable(t *testing.T) {
	// Indexes live in their own bucket, created by the first index write,
	// apart from the values (a key and an index may share a name), and
	// survive a restart with their order and counts.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wecomkit.db")
	s, err := boltstore.Open(path)
	require.NoError(t, err)
	require.NoError(t, s.Set(ctx, "jobs", "a value", 0))
	require.NoError(t, s.Close())
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	require.NoError(t, err)
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		require.Nil(t, tx.Bucket([]byte(boltstore.DefaultBucket+".index")), "index bucket created before any index write")
		return nil
	}))
	require.NoError(t, db.Close())

	s = open(t, path)
	for i, m := range []string{"c", "a", "b", "d"} {
		_, err := s.IndexAdd(ctx, "jobs", m, int64(-i))
		require.NoError(t, err)
	}
	require.NoError(t, s.IndexSet(ctx, "jobs", "d", 10))
	require.NoError(t, s.IndexRemove(ctx, "jobs", "c"))
	_, err = s.IndexAdd(ctx, "", "m", 1)
	require.Error(t, err, "an empty index name")
	require.NoError(t, s.Close())

	s = open(t, path)
	got, err := s.IndexRange(ctx, "jobs", 100, 100)
	require.NoError(t, err)
	require.Equal(t, []store.Scored{{Member: "b", Score: -2}, {Member: "a", Score: -1}, {Member: "d", Score: 10}}, got)
	n, err := s.IndexLen(ctx, "jobs")
	require.NoError(t, err)
	require.EqualValues(t, 3, n)
	v, ok, err := s.Get(ctx, "jobs")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "a value", v)

	// Emptied, an index leaves nothing behind.
	for _, m := range []string{"a", "b", "d"} {
		require.NoError(t, s.IndexRemove(ctx, "jobs", m))
	}
	require.NoError(t, s.Close())
	require.Zero(t, count(t, path, boltstore.DefaultBucket+".index"))
}

func TestConcurrentWritesAllLand(t *testing.T) {
	// Fifty writers at once, fsync on, their writes sharing commits (see
	// commit_test.go): every write is there after a restart.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "wecomkit.db")
	s, err := boltstore.Open(path)
	require.NoError(t, err)
	const writers, each = 50, 4
	errs := make(chan error, writers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := range each {
				k := fmt.Sprintf("job:%d:%d", g, i)
				if _, err := s.Add(ctx, k, "v", time.Hour); err != nil {
					errs <- err
					return
				}
				if _, err := s.IndexAdd(ctx, "due", k, int64(i)); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())

	s = open(t, path)
	n, err := s.IndexLen(ctx, "due")
	require.NoError(t, err)
	require.EqualValues(t, writers*each, n)
	got, err := s.IndexRange(ctx, "due", 0, writers*each)
	require.NoError(t, err)
	require.Len(t, got, writers)
	for g := range writers {
		_, ok, err := s.Get(ctx, fmt.Sprintf("job:%d:%d", g, each-1))
		require.NoError(t, err)
		require.True(t, ok)
	}
}
