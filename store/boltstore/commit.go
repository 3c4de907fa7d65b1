package boltstore

import (
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// committer groups concurrent writes into shared transactions: group
// commit. bbolt runs one write transaction at a time and fsyncs each, so
// writers that each ran their own would queue for one fsync apiece. Here a
// write that finds no commit running starts one at once; writes arriving
// while it runs queue, and the next transaction commits all of them with
// one fsync. A lone writer therefore waits for one commit, a crowd for at
// most about two, and the commit rate adapts to the disk.
//
// bbolt's own DB.Batch was not used: it holds every batch, even a lone
// write, for DB.MaxBatchDelay (10 ms) before committing — a 50-fold slower
// Set when nothing else is writing — and batches that wait for the write
// lock do not merge, so a disk slower than that delay falls behind.
type committer struct {
	db *bolt.DB

	mu      sync.Mutex
	queue   []*pendingWrite // writes waiting for the next transaction
	leading bool            // some writer is committing the queue
}

// pendingWrite is one write in the queue. wake is sent true when its
// writer must commit the queue itself, false when its write is done; err
// and solo are set before a false is sent.
type pendingWrite struct {
	fn   func(*bolt.Tx) error
	wake chan bool
	err  error
	solo bool // fn failed in a shared transaction: its writer runs it alone
}

// write runs fn in a write transaction shared with the writes of other
// goroutines made at the same time, and returns once that transaction is
// committed. fn may run more than once (when another write in its
// transaction fails, the others run again without it): it must set every
// result it reports afresh on each run.
func (c *committer) write(fn func(*bolt.Tx) error) error {
	w := &pendingWrite{fn: fn, wake: make(chan bool, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, w)
	lead := !c.leading
	c.leading = true
	c.mu.Unlock()
	if !lead {
		lead = <-w.wake
	}
	if lead {
		c.commitQueue()
	}
	if w.solo {
		// It failed (or panicked) among others: run it alone, in its own
		// goroutine, for its own error or panic.
		return c.db.Update(fn)
	}
	return w.err
}

// commitQueue commits every queued write in one transaction, then hands
// the lead to the first write queued meanwhile, so that no writer commits
// for others indefinitely.
func (c *committer) commitQueue() {
	c.mu.Lock()
	batch := c.queue
	c.queue = nil
	c.mu.Unlock()

	for len(batch) > 0 {
		failed := -1
		err := call(func(*bolt.Tx) error {
			return c.db.Update(func(tx *bolt.Tx) error {
				for i, w := range batch {
					if err := call(w.fn, tx); err != nil {
						failed = i
						return err
					}
				}
				return nil
			})
		}, nil)
		if failed >= 0 {
			// The transaction was rolled back: take the failed write out
			// and commit the others again.
			w := batch[failed]
			batch = append(batch[:failed], batch[failed+1:]...)
			w.solo = true
			w.wake <- false
			continue
		}
		for _, w := range batch {
			w.err = err
			w.wake <- false
		}
		break
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		c.leading = false
		return
	}
	c.queue[0].wake <- true
}

// call runs fn, turning a panic into an error so that one write's panic
// does not take down the writer committing it for others, and a panic of
// bbolt's while committing does not leave the other writers waiting.
func call(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("boltstore: write panicked: %v", p)
		}
	}()
	return fn(tx)
}
