package boltstore

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

func openCommitter(t *testing.T) *committer {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "commit.db"), 0o600, &bolt.Options{NoSync: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("b"))
		return err
	}))
	return &committer{db: db}
}

// holdFirst starts a write that stays inside its transaction until
// release is closed, so that the writes made meanwhile queue behind it.
func holdFirst(t *testing.T, c *committer) (release func(), done <-chan error) {
	t.Helper()
	inside, hold, errc := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		errc <- c.write(func(tx *bolt.Tx) error {
			select {
			case <-inside:
			default:
				close(inside)
			}
			<-hold
			return tx.Bucket([]byte("b")).Put([]byte("first"), []byte("v"))
		})
	}()
	<-inside
	return func() { close(hold) }, errc
}

// waitQueued waits until n writes are queued behind the running commit.
func waitQueued(c *committer, n int) {
	for {
		c.mu.Lock()
		queued := len(c.queue)
		c.mu.Unlock()
		if queued >= n {
			return
		}
		runtime.Gosched()
	}
}

func TestWritesQueuedDuringACommitShareTheNext(t *testing.T) {
	c := openCommitter(t)
	release, first := holdFirst(t, c)
	const n = 49
	var (
		wg  sync.WaitGroup
		mu  sync.Mutex
		txs = map[int]int{} // transaction id → writes in it
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := c.write(func(tx *bolt.Tx) error {
				mu.Lock()
				txs[tx.ID()]++
				mu.Unlock()
				return tx.Bucket([]byte("b")).Put([]byte(fmt.Sprint(i)), []byte("v"))
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	waitQueued(c, n)
	release()
	require.NoError(t, <-first)
	wg.Wait()
	require.Len(t, txs, 1, "the %d queued writes were committed in transactions %v", n, txs)
	require.NoError(t, c.db.View(func(tx *bolt.Tx) error {
		require.Equal(t, n+1, tx.Bucket([]byte("b")).Stats().KeyN)
		return nil
	}))
	c.mu.Lock()
	defer c.mu.Unlock()
	require.False(t, c.leading, "the lead was not given up")
	require.Empty(t, c.queue)
}

func TestFailedWriteDoesNotFailTheOthers(t *testing.T) {
	// One write of a shared transaction fails: it gets its error, the
	// transaction is rolled back, and the others run again without it and
	// are committed. A write that runs twice reports what its last run did.
	c := openCommitter(t)
	release, first := holdFirst(t, c)
	boom := errors.New("boom")
	var wg sync.WaitGroup
	results := make([]error, 10)
	runs := make([]int, 10)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.write(func(tx *bolt.Tx) error {
				runs[i]++ // writes of one transaction run one after another
				if i == 5 {
					return boom
				}
				return tx.Bucket([]byte("b")).Put([]byte(fmt.Sprint(i)), []byte("v"))
			})
		}()
	}
	waitQueued(c, 10)
	release()
	require.NoError(t, <-first)
	wg.Wait()
	for i, err := range results {
		if i == 5 {
			require.ErrorIs(t, err, boom)
			continue
		}
		require.NoError(t, err, i)
	}
	reran := 0
	for _, n := range runs {
		if n > 1 {
			reran++
		}
	}
	require.Positive(t, reran, "no write ran twice: the failure was not in a shared transaction")
	require.NoError(t, c.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("b"))
		require.Equal(t, 10, b.Stats().KeyN) // first and 0…9 but 5
		require.Nil(t, b.Get([]byte("5")))
		return nil
	}))
}

func TestPanickingWritePanicsInItsOwnGoroutine(t *testing.T) {
	c := openCommitter(t)
	release, first := holdFirst(t, c)
	var wg sync.WaitGroup
	var recovered any
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i == 1 {
				defer func() { recovered = recover() }()
			}
			errs[i] = c.write(func(tx *bolt.Tx) error {
				if i == 1 {
					panic("write 1 panics")
				}
				return tx.Bucket([]byte("b")).Put([]byte(fmt.Sprint(i)), []byte("v"))
			})
		}()
	}
	waitQueued(c, 3)
	release()
	require.NoError(t, <-first)
	wg.Wait()
	require.Equal(t, "write 1 panics", recovered)
	require.NoError(t, errs[0])
	require.NoError(t, errs[2])
	// The store goes on.
	require.NoError(t, c.write(func(tx *bolt.Tx) error { return tx.Bucket([]byte("b")).Put([]byte("after"), nil) }))
}

func TestWriteAfterClose(t *testing.T) {
	c := openCommitter(t)
	require.NoError(t, c.db.Close())
	err := c.write(func(tx *bolt.Tx) error { return nil })
	require.ErrorIs(t, err, bolterrors.ErrDatabaseNotOpen)
}
