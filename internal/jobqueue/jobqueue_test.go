package jobqueue_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/jobqueue"
	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/store"
)

// runs counts handler runs per job id.
type runs struct {
	mu sync.Mutex
	n  map[string]int
}

func newRuns() *runs { return &runs{n: map[string]int{}} }

func (r *runs) add(id string) {
	r.mu.Lock()
	r.n[id]++
	r.mu.Unlock()
}

func (r *runs) get(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[id]
}

func (r *runs) total() (jobs, runs int, twice []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, n := range r.n {
		jobs++
		runs += n
		if n > 1 {
			twice = append(twice, id)
		}
	}
	return jobs, runs, twice
}

func newQueue(t *testing.T, cfg jobqueue.Config) *jobqueue.Queue {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = store.NewMemory()
	}
	if cfg.RetryBase == 0 {
		cfg.RetryBase, cfg.RetryMax = time.Millisecond, 5*time.Millisecond
	}
	if cfg.Poll == 0 {
		cfg.Poll = 5 * time.Millisecond
	}
	q, err := jobqueue.New(cfg)
	require.NoError(t, err)
	t.Cleanup(q.Close)
	return q
}

func waitPending(t *testing.T, q *jobqueue.Queue, want int64) {
	t.Helper()
	require.Eventually(t, func() bool {
		n, err := q.Pending(context.Background())
		return err == nil && n == want
	}, 20*time.Second, time.Millisecond)
}

func TestNewNeedsStoreAndHandler(t *testing.T) {
	_, err := jobqueue.New(jobqueue.Config{Store: store.NewMemory()})
	require.Error(t, err)
	_, err = jobqueue.New(jobqueue.Config{Handler: func(context.Context, jobqueue.Job) error { return nil }})
	require.Error(t, err)
}

func TestAddIsIdempotentBeforeAndAfterTheRun(t *testing.T) {
	ctx := context.Background()
	r := newRuns()
	var got jobqueue.Job
	q := newQueue(t, jobqueue.Config{Handler: func(_ context.Context, j jobqueue.Job) error {
		got = j
		r.add(j.ID)
		return nil
	}})
	added, err := q.Add(ctx, "a", jobqueue.Normal, "payload-a")
	require.NoError(t, err)
	require.True(t, added)
	added, err = q.Add(ctx, "a", jobqueue.Normal, "payload-a")
	require.NoError(t, err)
	require.False(t, added, "a repeat of a pending job")
	n, err := q.Pending(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)

	q.Start()
	waitPending(t, q, 0)
	require.Equal(t, 1, r.get("a"))
	require.Equal(t, "payload-a", got.Payload)
	require.Equal(t, jobqueue.Normal, got.Lane)
	require.Zero(t, got.Attempts)

	added, err = q.Add(ctx, "a", jobqueue.Normal, "payload-a")
	require.NoError(t, err)
	require.False(t, added, "a repeat of a handled job")
	n, _ = q.Pending(ctx)
	require.Zero(t, n)
	st := q.Stats()
	require.EqualValues(t, 1, st.Added)
	require.EqualValues(t, 2, st.Duplicates)
	require.EqualValues(t, 1, st.Done)
}

func TestUnknownLane(t *testing.T) {
	q := newQueue(t, jobqueue.Config{Handler: func(context.Context, jobqueue.Job) error { return nil }})
	_, err := q.Add(context.Background(), "a", jobqueue.Lane("fast"), "")
	require.Error(t, err)
}

func TestRetriesThenSucceeds(t *testing.T) {
	r := newRuns()
	var attempts []int
	var mu sync.Mutex
	q := newQueue(t, jobqueue.Config{Handler: func(_ context.Context, j jobqueue.Job) error {
		r.add(j.ID)
		mu.Lock()
		attempts = append(attempts, j.Attempts)
		mu.Unlock()
		if j.Attempts < 2 {
			return errors.New("WeCom busy")
		}
		return nil
	}})
	_, err := q.Add(context.Background(), "j", jobqueue.Normal, "")
	require.NoError(t, err)
	q.Start()
	waitPending(t, q, 0)
	require.Equal(t, 3, r.get("j"))
	mu.Lock()
	require.Equal(t, []int{0, 1, 2}, attempts)
	mu.Unlock()
	require.EqualValues(t, 2, q.Stats().Retried)
	require.EqualValues(t, 1, q.Stats().Done)
}

func TestPermanentErrorsAndPanicsAreNotRetried(t *testing.T) {
	r := newRuns()
	q := newQueue(t, jobqueue.Config{Handler: func(_ context.Context, j jobqueue.Job) error {
		r.add(j.ID)
		if j.ID == "panics" {
			panic("handler bug")
		}
		return jobqueue.Permanent(errors.New("corp never installed"))
	}})
	ctx := context.Background()
	_, err := q.Add(ctx, "permanent", jobqueue.Normal, "")
	require.NoError(t, err)
	_, err = q.Add(ctx, "panics", jobqueue.Urgent, "")
	require.NoError(t, err)
	q.Start()
	waitPending(t, q, 0)
	require.Equal(t, 1, r.get("permanent"))
	require.Equal(t, 1, r.get("panics"))
	require.EqualValues(t, 2, q.Stats().Dropped)
	require.True(t, jobqueue.IsPermanent(jobqueue.Permanent(errors.New("x"))))
	require.NoError(t, jobqueue.Permanent(nil))
}

func TestGivesUpAfterMaxAttempts(t *testing.T) {
	r := newRuns()
	q := newQueue(t, jobqueue.Config{MaxAttempts: 3, Handler: func(_ context.Context, j jobqueue.Job) error {
		r.add(j.ID)
		return errors.New("always failing")
	}})
	_, err := q.Add(context.Background(), "j", jobqueue.Normal, "")
	require.NoError(t, err)
	q.Start()
	waitPending(t, q, 0)
	require.Equal(t, 3, r.get("j"))
	require.EqualValues(t, 1, q.Stats().Dropped)
}

// An urgent job is handled while every normal worker is busy and a backlog
// of normal jobs waits.
func TestUrgentJobsDoNotWaitBehindABacklog(t *testing.T) {
	release := make(chan struct{})
	urgentDone := make(chan struct{})
	q := newQueue(t, jobqueue.Config{Workers: 1, UrgentWorkers: 1, Handler: func(ctx context.Context, j jobqueue.Job) error {
		if j.Lane == jobqueue.Urgent {
			close(urgentDone)
			return nil
		}
		select { // a slow WeCom
		case <-release:
		case <-ctx.Done():
		}
		return nil
	}})
	ctx := context.Background()
	for i := range 500 {
		_, err := q.Add(ctx, fmt.Sprint("normal-", i), jobqueue.Normal, "")
		require.NoError(t, err)
	}
	q.Start()
	_, err := q.Add(ctx, "install", jobqueue.Urgent, "")
	require.NoError(t, err)
	select {
	case <-urgentDone:
	case <-time.After(20 * time.Second):
		t.Fatal("the urgent job waited behind the backlog")
	}
	n, err := q.Pending(ctx)
	require.NoError(t, err)
	require.Greater(t, n, int64(490), "the backlog is still there")
	close(release)
}

func TestSlowStartIsCounted(t *testing.T) {
	var logs testutil.SyncBuffer
	q := newQueue(t, jobqueue.Config{SlowStart: time.Nanosecond, Logger: slog.New(slog.NewTextHandler(&logs, nil)),
		Handler: func(context.Context, jobqueue.Job) error { return nil }})
	_, err := q.Add(context.Background(), "j", jobqueue.Urgent, "secret-payload")
	require.NoError(t, err)
	q.Start()
	waitPending(t, q, 0)
	require.EqualValues(t, 1, q.Stats().SlowStarts)
	require.Contains(t, logs.String(), "job started late")
	require.NotContains(t, logs.String(), "secret-payload")
}

// Many jobs, several queues on one shared store (as processes on one
// Redis), many workers: each job runs exactly once.
func TestExactlyOnceAcrossQueuesSharingAStore(t *testing.T) {
	for _, queues := range []int{1, 3} {
		t.Run(fmt.Sprint(queues, " queues"), func(t *testing.T) {
			st := store.NewMemory()
			r := newRuns()
			var qs []*jobqueue.Queue
			for range queues {
				cfg := jobqueue.Config{Store: st, Workers: 8, UrgentWorkers: 2, Prefix: "p:",
					Handler: func(_ context.Context, j jobqueue.Job) error {
						r.add(j.ID)
						return nil
					}}
				cfg.Shared = queues > 1
				q := newQueue(t, cfg)
				q.Start()
				qs = append(qs, q)
			}
			ctx := context.Background()
			const jobs = 2000
			var wg sync.WaitGroup
			for w := range 50 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < jobs; i += 50 {
						lane := jobqueue.Normal
						if i%10 == 0 {
							lane = jobqueue.Urgent
						}
						q := qs[i%len(qs)]
						_, err := q.Add(ctx, fmt.Sprint("job-", i), lane, "")
						require.NoError(t, err)
						// A duplicate delivered to another instance.
						_, err = qs[(i+1)%len(qs)].Add(ctx, fmt.Sprint("job-", i), lane, "")
						require.NoError(t, err)
					}
				}()
			}
			wg.Wait()
			waitPending(t, qs[0], 0)
			require.Eventually(t, func() bool { n, _, _ := r.total(); return n == jobs }, 20*time.Second, time.Millisecond)
			n, total, twice := r.total()
			require.Equal(t, jobs, n)
			require.Empty(t, twice, "jobs handled more than once")
			require.Equal(t, jobs, total)
		})
	}
}

// failingStore fails the writes of done markers while fail is set.
type failingStore struct {
	*store.Memory
	fail   atomic.Bool
	failed atomic.Int64
}

func (f *failingStore) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if f.fail.Load() && strings.HasSuffix(key, ":done") {
		f.failed.Add(1)
		return errors.New("no space left on device")
	}
	return f.Memory.Set(ctx, key, value, ttl)
}

// A handled job whose outcome cannot be written is not run again while
// the store fails, and is finished once it heals.
func TestFailedOutcomeWriteDoesNotRerun(t *testing.T) {
	st := &failingStore{Memory: store.NewMemory()}
	st.fail.Store(true)
	r := newRuns()
	q := newQueue(t, jobqueue.Config{Store: st, Handler: func(_ context.Context, j jobqueue.Job) error {
		r.add(j.ID)
		return nil
	}})
	_, err := q.Add(context.Background(), "j", jobqueue.Normal, "")
	require.NoError(t, err)
	q.Start()
	require.Eventually(t, func() bool { return st.failed.Load() >= 3 }, 20*time.Second, time.Millisecond,
		"the outcome write is retried")
	require.Equal(t, 1, r.get("j"), "the handler ran again while its outcome could not be written")
	require.NotZero(t, q.Stats().WriteErrors)
	require.False(t, q.Stats().LastWriteErr.IsZero())

	st.fail.Store(false)
	waitPending(t, q, 0)
	require.Equal(t, 1, r.get("j"))
}

// A job left with an index entry whose record is gone (a crash, or
// damage) is dropped, not run with an empty payload and not kept forever.
func TestIndexEntryWithoutRecord(t *testing.T) {
	st := store.NewMemory()
	r := newRuns()
	q := newQueue(t, jobqueue.Config{Store: st, Handler: func(_ context.Context, j jobqueue.Job) error {
		r.add(j.ID)
		return nil
	}})
	ctx := context.Background()
	_, err := q.Add(ctx, "j", jobqueue.Normal, "")
	require.NoError(t, err)
	require.NoError(t, st.Delete(ctx, "job:{j}"))
	q.Start()
	waitPending(t, q, 0)
	require.Zero(t, r.get("j"))
}

// A queue stopped with jobs pending leaves them for the next one.
func TestJobsSurviveClose(t *testing.T) {
	st := store.NewMemory()
	ctx := context.Background()
	q1, err := jobqueue.New(jobqueue.Config{Store: st, Handler: func(context.Context, jobqueue.Job) error { return nil }})
	require.NoError(t, err)
	for i := range 10 {
		_, err := q1.Add(ctx, fmt.Sprint(i), jobqueue.Normal, "")
		require.NoError(t, err)
	}
	q1.Close()
	r := newRuns()
	q2 := newQueue(t, jobqueue.Config{Store: st, Handler: func(_ context.Context, j jobqueue.Job) error {
		r.add(j.ID)
		return nil
	}})
	q2.Start()
	waitPending(t, q2, 0)
	n, total, _ := r.total()
	require.Equal(t, 10, n)
	require.Equal(t, 10, total)
}

// A job leased by a process that was killed: a queue that is the store's
// only user ends the lease at start (only a dead process can hold it); a
// shared one waits it out, since the holder may be alive elsewhere.
func TestOrphanLeaseAfterAKill(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(fmt.Sprint("shared=", shared), func(t *testing.T) {
			st := store.NewMemory()
			ctx := context.Background()
			r := newRuns()
			q := newQueue(t, jobqueue.Config{Store: st, Shared: shared, Handler: func(_ context.Context, j jobqueue.Job) error {
				r.add(j.ID)
				return nil
			}})
			_, err := q.Add(ctx, "j", jobqueue.Urgent, "")
			require.NoError(t, err)
			// What a killed worker leaves: the job leased for an hour.
			require.NoError(t, st.IndexSet(ctx, "jobs:urgent", "j", time.Now().Add(time.Hour).UnixMilli()))
			q.Start()
			if !shared {
				waitPending(t, q, 0)
				require.Equal(t, 1, r.get("j"))
				return
			}
			// Shared: the hour-long lease is kept. Had Start ended it, a
			// worker would have run the job or leased it anew for a few
			// minutes (Timeout plus one): either way the hour would be gone.
			all, err := st.IndexRange(ctx, "jobs:urgent", time.Now().Add(2*time.Hour).UnixMilli(), 10)
			require.NoError(t, err)
			require.Len(t, all, 1)
			require.Greater(t, all[0].Score, time.Now().Add(30*time.Minute).UnixMilli(), "the lease was ended")
			require.Zero(t, r.get("j"))
		})
	}
}
