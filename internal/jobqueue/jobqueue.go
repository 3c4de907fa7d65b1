// Package jobqueue is a durable work queue on a wecomkit store: work
// answered to an outside caller now and done after, which must be done
// once even when processes crash, share the store, or the store fails for
// a while. It knows nothing of WeCom: it takes a store, an optional
// cross-process locker and a handler.
//
// # Records
//
// Each job is its own record; nothing is ever rewritten as a list, and no
// lock spans two jobs. A job's keys (record, lock, done marker) share one
// Redis Cluster hash slot ("{id}"). Due times live in one sorted index per
// lane ([store.Index]), so recording a job, finishing it and finding due
// jobs cost the same with ten jobs pending as with ten thousand.
//
//	<prefix>job:{<id>}        the job: payload, lane, received, attempts (durable)
//	<prefix>job:{<id>}:lock   held while one process handles it
//	<prefix>job:{<id>}:done   the job was handled: retries of it are ignored (DoneTTL)
//	<prefix>jobs:<lane>       sorted index: job id → due time (Unix ms)
//
// # Once
//
// A worker takes a job's lock (when the store is Shared: an atomic
// [store.Adder] add of the lock key with an owner token, tried once — a
// blocking lock given a short deadline can be granted after the caller
// gave up, and then holds the job for a whole lease), then checks the done marker under it, moves the job's due time past the
// lock's expiry (a lease: other processes stop seeing it as due), runs the
// handler, and records the outcome — done marker first — before it lets the
// lock go. A job is therefore handled once across processes, as long as
// the handler returns within the lock's lifetime. A process killed between
// a handler's effects and the done marker runs the job again after the
// lease: handlers must tolerate a second run after a crash (at-least-once
// under crashes, exactly once without).
//
// When an outcome cannot be written (store down, disk full) the worker
// keeps the lock, remembers the job as finished in memory so this process
// never runs it again, and retries the write with backoff on later passes.
//
// # Lanes
//
// [Urgent] jobs (work with a deadline) have workers of their own, so no
// backlog of [Normal] jobs delays them.
package jobqueue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/wecomkit/wecomkit/store"
)

// Store is what the queue needs of its store: keys, atomic adds and sorted
// indexes. store.Memory, boltstore and redisstore have all three.
type Store interface {
	store.Store
	store.Adder
	store.Index
}

// Lane says which workers run a job.
type Lane string

// The lanes.
const (
	// Urgent jobs have a deadline (an auth code lives 10 minutes) and
	// workers no Normal job can occupy.
	Urgent Lane = "urgent"
	// Normal jobs are everything else.
	Normal Lane = "normal"
)

// Job is one unit of work, as the handler sees it.
type Job struct {
	// ID identifies the job: adding an ID that is pending or was handled
	// within DoneTTL does nothing.
	ID string
	// Lane is the job's lane.
	Lane Lane
	// Payload is what [Queue.Add] was given.
	Payload string
	// Received is when the job was first added.
	Received time.Time
	// Attempts counts the earlier runs that failed.
	Attempts int
}

// Handler does a job. A nil error finishes it; an error makes it run again
// after a backoff, unless it is [Permanent] or the job ran out of
// attempts or age.
type Handler func(ctx context.Context, j Job) error

// Permanent marks err as one no retry can fix: the job is dropped (and
// logged as an error) at once.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// IsPermanent reports whether err was marked with [Permanent].
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Config configures a [Queue]. Zero values take the defaults named.
type Config struct {
	// Store holds the jobs. Required.
	Store Store
	// Shared says several processes use the store (Redis): a job is then
	// claimed through a lock key in the store. Otherwise this process is the
	// store's only user (bbolt holds its file exclusively): claims are kept
	// in memory, and on Start the leases a killed predecessor left are
	// ended at once instead of waited out.
	Shared bool
	// Prefix is put before every key and index name.
	Prefix string
	// Handler does the jobs. Required.
	Handler Handler
	// Workers run Normal jobs (default 2); UrgentWorkers run Urgent ones
	// (default 1).
	Workers, UrgentWorkers int
	// Timeout bounds one run of the handler (default 2 min). The lock and
	// the lease last Timeout plus a minute.
	Timeout time.Duration
	// RetryBase and RetryMax shape the backoff between runs: base,
	// doubling, up to max (defaults 1 s and 1 min).
	RetryBase, RetryMax time.Duration
	// MaxAttempts and MaxAge bound a failing job's retries (defaults 12
	// and 24 h); then it is dropped and logged as an error.
	MaxAttempts int
	MaxAge      time.Duration
	// DoneTTL is how long a handled job's id is remembered, so that a
	// repeat of it is ignored (default 24 h).
	DoneTTL time.Duration
	// SlowStart: a job that starts more than this after it was added is
	// logged and counted (default 1 min).
	SlowStart time.Duration
	// Poll is how often the store is read for jobs other processes added
	// or that became due (default 2 s); Add wakes this process at once.
	Poll time.Duration
	// Logger receives the queue's messages (default: none). Payloads are
	// never logged.
	Logger *slog.Logger
	// Describe returns attributes that name a job in log lines (its kind,
	// say); it must not reveal secrets. Optional.
	Describe func(Job) []slog.Attr
}

// Stats counts what the queue did since it started, for metrics.
type Stats struct {
	Added        uint64 // jobs recorded by Add
	Duplicates   uint64 // Add calls for a job pending or handled already
	Done         uint64 // jobs whose handler succeeded
	Retried      uint64 // failed runs that will run again
	Dropped      uint64 // jobs given up: permanent error, attempts or age exhausted
	SlowStarts   uint64 // jobs that started later than SlowStart after they were added
	WriteErrors  uint64 // outcomes or leases that could not be written
	LastWriteErr time.Time
}

// Queue runs the jobs of a store. Create it with [New], start it with
// [Queue.Start], stop it with [Queue.Close].
type Queue struct {
	cfg   Config
	log   *slog.Logger
	lanes map[Lane]*lane
	quit  chan struct{}
	wg    sync.WaitGroup
	once  sync.Once

	mu         sync.Mutex
	running    map[string]bool      // jobs this process is handling
	unrecorded map[string]*finished // handled here, outcome not yet written

	added, dups, done, retried, dropped, slow, writeErrs atomic.Uint64
	lastWriteErr                                         atomic.Int64
}

type lane struct {
	name  Lane
	index string
	sem   chan struct{}
	wake  chan struct{}
}

type finished struct {
	lane   Lane
	next   time.Time
	tries  int
	unlock func(context.Context) error
}

// record is a job's stored form.
type record struct {
	Lane     Lane   `json:"lane"`
	Payload  string `json:"payload"`
	Received int64  `json:"received"` // Unix ms
	Attempts int    `json:"attempts"`
}

// New returns a queue for cfg; it runs nothing until [Queue.Start].
func New(cfg Config) (*Queue, error) {
	if cfg.Store == nil || cfg.Handler == nil {
		return nil, errors.New("jobqueue: Store and Handler are required")
	}
	setDefault(&cfg.Workers, 2)
	setDefault(&cfg.UrgentWorkers, 1)
	setDefault(&cfg.Timeout, 2*time.Minute)
	setDefault(&cfg.RetryBase, time.Second)
	setDefault(&cfg.RetryMax, time.Minute)
	setDefault(&cfg.MaxAttempts, 12)
	setDefault(&cfg.MaxAge, 24*time.Hour)
	setDefault(&cfg.DoneTTL, 24*time.Hour)
	setDefault(&cfg.SlowStart, time.Minute)
	setDefault(&cfg.Poll, 2*time.Second)
	if cfg.RetryMax < cfg.RetryBase {
		cfg.RetryMax = cfg.RetryBase
	}
	q := &Queue{
		cfg:        cfg,
		log:        cfg.Logger,
		quit:       make(chan struct{}),
		running:    map[string]bool{},
		unrecorded: map[string]*finished{},
	}
	if q.log == nil {
		q.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	q.lanes = map[Lane]*lane{
		Urgent: q.newLane(Urgent, cfg.UrgentWorkers),
		Normal: q.newLane(Normal, cfg.Workers),
	}
	return q, nil
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

func (q *Queue) newLane(name Lane, workers int) *lane {
	return &lane{name: name, index: q.cfg.Prefix + "jobs:" + string(name),
		sem: make(chan struct{}, workers), wake: make(chan struct{}, 1)}
}

func (q *Queue) recordKey(id string) string { return q.cfg.Prefix + "job:{" + id + "}" }
func (q *Queue) lockKey(id string) string   { return q.cfg.Prefix + "job:{" + id + "}:lock" }
func (q *Queue) doneKey(id string) string   { return q.cfg.Prefix + "job:{" + id + "}:done" }
func (q *Queue) lease() time.Duration       { return q.cfg.Timeout + time.Minute }

// Start starts the lanes' dispatchers. When the store is not Shared, jobs
// leased by a process that died (only a dead one can hold them) are made
// due at once.
func (q *Queue) Start() {
	if !q.cfg.Shared {
		q.endOrphanLeases(context.Background())
	}
	for _, l := range q.lanes {
		q.wg.Add(1)
		go q.loop(l)
	}
}

// Close stops the dispatchers and waits for the jobs being handled. Jobs
// not yet handled stay in the store for the next process.
func (q *Queue) Close() {
	q.once.Do(func() { close(q.quit) })
	q.wg.Wait()
}

// Add records a job unless it is pending or was handled within DoneTTL,
// and reports whether it recorded it. When Add returns nil the job is
// durable (as durable as the store): the caller may acknowledge it.
func (q *Queue) Add(ctx context.Context, id string, ln Lane, payload string) (bool, error) {
	l, ok := q.lanes[ln]
	if !ok {
		return false, fmt.Errorf("jobqueue: unknown lane %q", ln)
	}
	if _, done, err := q.cfg.Store.Get(ctx, q.doneKey(id)); err != nil || done {
		if err != nil {
			return false, fmt.Errorf("jobqueue: add: %w", err)
		}
		q.dups.Add(1)
		return false, nil
	}
	now := time.Now()
	b, _ := json.Marshal(record{Lane: ln, Payload: payload, Received: now.UnixMilli()})
	added, err := q.cfg.Store.Add(ctx, q.recordKey(id), string(b), 0)
	if err != nil {
		return false, fmt.Errorf("jobqueue: add: %w", err)
	}
	// Always (re)index: a process that stopped between the record and the
	// index did not acknowledge the job, so its sender repeats it and the
	// repeat lands here. An entry already there keeps its due time.
	if _, err := q.cfg.Store.IndexAdd(ctx, l.index, id, now.UnixMilli()); err != nil {
		return false, fmt.Errorf("jobqueue: add: index: %w", err)
	}
	if added {
		q.added.Add(1)
		select {
		case l.wake <- struct{}{}:
		default:
		}
	} else {
		q.dups.Add(1)
	}
	return added, nil
}

// Pending reports how many jobs are recorded and not yet finished, in
// both lanes.
func (q *Queue) Pending(ctx context.Context) (int64, error) {
	var n int64
	for ln := range q.lanes {
		c, err := q.PendingIn(ctx, ln)
		if err != nil {
			return 0, err
		}
		n += c
	}
	return n, nil
}

// PendingIn reports how many jobs of one lane are recorded and not yet
// finished: one index length, O(1).
func (q *Queue) PendingIn(ctx context.Context, ln Lane) (int64, error) {
	l, ok := q.lanes[ln]
	if !ok {
		return 0, fmt.Errorf("jobqueue: unknown lane %q", ln)
	}
	n, err := q.cfg.Store.IndexLen(ctx, l.index)
	if err != nil {
		return 0, fmt.Errorf("jobqueue: pending: %w", err)
	}
	return n, nil
}

// Stats returns the queue's counters.
func (q *Queue) Stats() Stats {
	s := Stats{
		Added: q.added.Load(), Duplicates: q.dups.Load(), Done: q.done.Load(), Retried: q.retried.Load(),
		Dropped: q.dropped.Load(), SlowStarts: q.slow.Load(), WriteErrors: q.writeErrs.Load(),
	}
	if ms := q.lastWriteErr.Load(); ms != 0 {
		s.LastWriteErr = time.UnixMilli(ms)
	}
	return s
}

func (q *Queue) loop(l *lane) {
	defer q.wg.Done()
	for {
		wait := q.dispatch(l)
		t := time.NewTimer(wait)
		select {
		case <-q.quit:
			t.Stop()
			return
		case <-l.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// dispatch starts the lane's due jobs there are workers for and returns
// how long to wait before looking again.
func (q *Queue) dispatch(l *lane) time.Duration {
	ctx := context.Background()
	q.retryUnrecorded(ctx, l.name)
	free := cap(l.sem) - len(l.sem)
	if free == 0 {
		return q.cfg.Poll // a finishing worker wakes the lane
	}
	q.mu.Lock()
	skip := len(q.running) + len(q.unrecorded)
	q.mu.Unlock()
	now := time.Now()
	due, err := q.cfg.Store.IndexRange(ctx, l.index, now.UnixMilli(), free+skip+8)
	if err != nil {
		q.log.LogAttrs(ctx, slog.LevelWarn, "jobqueue: cannot read due jobs", slog.String("lane", string(l.name)), slog.Any("error", err))
		return q.cfg.Poll
	}
	for _, e := range due {
		q.mu.Lock()
		busy := q.running[e.Member] || q.unrecorded[e.Member] != nil
		if !busy {
			select {
			case l.sem <- struct{}{}:
				q.running[e.Member] = true
			default:
				q.mu.Unlock()
				return q.cfg.Poll
			}
		}
		q.mu.Unlock()
		if busy {
			continue
		}
		q.wg.Add(1)
		go q.run(l, e.Member)
	}
	wait := q.cfg.Poll
	if next, err := q.cfg.Store.IndexRange(ctx, l.index, now.Add(wait).UnixMilli(), 1); err == nil && len(next) == 1 {
		wait = min(wait, max(time.Until(time.UnixMilli(next[0].Score)), 10*time.Millisecond))
	}
	return wait
}

// endOrphanLeases makes due now every job whose due time lies further
// ahead than any backoff: a lease of a process that is gone.
func (q *Queue) endOrphanLeases(ctx context.Context) {
	now := time.Now()
	for _, l := range q.lanes {
		n, err := q.cfg.Store.IndexLen(ctx, l.index)
		if err != nil || n == 0 {
			continue
		}
		all, err := q.cfg.Store.IndexRange(ctx, l.index, math.MaxInt64, int(n))
		if err != nil {
			continue
		}
		for _, e := range all {
			if time.UnixMilli(e.Score).After(now.Add(q.cfg.RetryMax)) {
				_ = q.cfg.Store.IndexSet(ctx, l.index, e.Member, now.UnixMilli())
			}
		}
	}
}

func (q *Queue) wakeLane(l *lane) {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// run claims job id and, if it is still to be done, handles it.
func (q *Queue) run(l *lane, id string) {
	defer q.wg.Done()
	handled := false // a worker came free after real work: look again at once
	defer func() {
		q.mu.Lock()
		delete(q.running, id)
		q.mu.Unlock()
		<-l.sem
		if handled {
			q.wakeLane(l)
		}
	}()
	ctx := context.Background()
	unlock := func(context.Context) error { return nil }
	if q.cfg.Shared {
		var tok [12]byte
		_, _ = rand.Read(tok[:])
		owner := hex.EncodeToString(tok[:])
		got, err := q.cfg.Store.Add(ctx, q.lockKey(id), owner, q.lease())
		if err != nil || !got {
			return // another process has it, or the store fails: look again later
		}
		unlock = func(ctx context.Context) error {
			_, err := q.cfg.Store.CompareAndDelete(ctx, q.lockKey(id), owner)
			return err
		}
	}
	release := true
	defer func() {
		if release {
			_ = unlock(ctx)
		}
	}()

	st := q.cfg.Store
	if _, done, err := st.Get(ctx, q.doneKey(id)); err != nil || done {
		if done { // handled already; this entry is a leftover
			_ = st.IndexRemove(ctx, l.index, id)
			_ = st.Delete(ctx, q.recordKey(id))
		}
		return
	}
	raw, ok, err := st.Get(ctx, q.recordKey(id))
	if err != nil {
		return
	}
	var rec record
	if !ok || json.Unmarshal([]byte(raw), &rec) != nil {
		// An index entry without a readable record: nothing to run.
		q.log.LogAttrs(ctx, slog.LevelError, "jobqueue: job without a readable record dropped",
			slog.String("lane", string(l.name)), slog.String("job", id))
		q.dropped.Add(1)
		_ = st.IndexRemove(ctx, l.index, id)
		return
	}
	// The lease: until it ends, the job is not due for anyone else.
	if err := st.IndexSet(ctx, l.index, id, time.Now().Add(q.lease()).UnixMilli()); err != nil {
		q.writeFailed()
		q.log.LogAttrs(ctx, slog.LevelWarn, "jobqueue: cannot lease a job; the store may be failing",
			slog.String("job", id), slog.Any("error", err))
		return
	}
	j := Job{ID: id, Lane: rec.Lane, Payload: rec.Payload, Received: time.UnixMilli(rec.Received), Attempts: rec.Attempts}
	if waited := time.Since(j.Received); j.Attempts == 0 && waited > q.cfg.SlowStart {
		q.slow.Add(1)
		q.log.LogAttrs(ctx, slog.LevelWarn, "jobqueue: job started late", append(q.describe(j), slog.Duration("waited", waited))...)
	}

	hctx, cancel := context.WithTimeout(ctx, q.cfg.Timeout)
	herr := q.handle(hctx, j)
	cancel()
	handled = true

	if herr == nil {
		q.done.Add(1)
	} else {
		j.Attempts++
		// Described only now: Describe may parse the payload, which the
		// path of a job that succeeds need not pay for.
		attrs := append(q.describe(j), slog.Int("attempt", j.Attempts), slog.String("error", herr.Error()))
		switch {
		case IsPermanent(herr):
			q.log.LogAttrs(ctx, slog.LevelError, "jobqueue: job failed for good; dropped", attrs...)
		case j.Attempts >= q.cfg.MaxAttempts || time.Since(j.Received) > q.cfg.MaxAge:
			q.log.LogAttrs(ctx, slog.LevelError, "jobqueue: job still failing after its last attempt; dropped", attrs...)
		default:
			q.retried.Add(1)
			q.log.LogAttrs(ctx, slog.LevelWarn, "jobqueue: job failed; will retry", attrs...)
			rec.Attempts = j.Attempts
			q.reschedule(ctx, l, id, rec)
			return
		}
		q.dropped.Add(1)
	}
	if err := q.finish(ctx, l.index, id); err != nil {
		// Keep the lock (it expires with the lease) and remember the job
		// as finished, so that no one runs it again while the store heals.
		q.writeFailed()
		q.log.LogAttrs(ctx, slog.LevelError, "jobqueue: cannot record a finished job; will retry the write",
			append(q.describe(j), slog.Any("error", err))...)
		release, handled = false, false
		q.mu.Lock()
		q.unrecorded[id] = &finished{lane: l.name, next: time.Now().Add(q.cfg.RetryBase), tries: 1, unlock: unlock}
		q.mu.Unlock()
	}
}

// handle runs the handler, turning a panic into a permanent error.
func (q *Queue) handle(ctx context.Context, j Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = Permanent(fmt.Errorf("jobqueue: handler panicked: %v", p))
		}
	}()
	return q.cfg.Handler(ctx, j)
}

func (q *Queue) describe(j Job) []slog.Attr {
	attrs := []slog.Attr{slog.String("lane", string(j.Lane)), slog.String("job", j.ID)}
	if q.cfg.Describe != nil {
		attrs = append(attrs, q.cfg.Describe(j)...)
	}
	return attrs
}

// finish records a job's end: the done marker first (from then on no one
// runs it), then its index entry and record go.
func (q *Queue) finish(ctx context.Context, index, id string) error {
	st := q.cfg.Store
	if err := st.Set(ctx, q.doneKey(id), "1", q.cfg.DoneTTL); err != nil {
		return err
	}
	if err := st.IndexRemove(ctx, index, id); err != nil {
		return err
	}
	return st.Delete(ctx, q.recordKey(id))
}

// reschedule stores a failed job's attempt count and due time. If the
// store refuses, the lease already in the index makes it due later.
func (q *Queue) reschedule(ctx context.Context, l *lane, id string, rec record) {
	b, _ := json.Marshal(rec)
	err := q.cfg.Store.Set(ctx, q.recordKey(id), string(b), 0)
	if err == nil {
		err = q.cfg.Store.IndexSet(ctx, l.index, id, time.Now().Add(q.backoff(rec.Attempts)).UnixMilli())
	}
	if err != nil {
		q.writeFailed()
		q.log.LogAttrs(ctx, slog.LevelWarn, "jobqueue: cannot reschedule a failed job; it is due again when its lease ends",
			slog.String("job", id), slog.Any("error", err))
	}
}

// retryUnrecorded writes the outcomes that failed to be written, backing
// off between attempts; a written one releases its lock.
func (q *Queue) retryUnrecorded(ctx context.Context, ln Lane) {
	q.mu.Lock()
	var due []string
	now := time.Now()
	for id, f := range q.unrecorded {
		if f.lane == ln && !now.Before(f.next) {
			due = append(due, id)
		}
	}
	q.mu.Unlock()
	for _, id := range due {
		err := q.finish(ctx, q.lanes[ln].index, id)
		q.mu.Lock()
		f := q.unrecorded[id]
		if err == nil {
			delete(q.unrecorded, id)
		} else {
			f.tries++
			f.next = time.Now().Add(q.backoff(f.tries))
		}
		q.mu.Unlock()
		if err == nil {
			_ = f.unlock(ctx)
		} else {
			q.writeFailed()
		}
	}
}

func (q *Queue) writeFailed() {
	q.writeErrs.Add(1)
	q.lastWriteErr.Store(time.Now().UnixMilli())
}

func (q *Queue) backoff(attempt int) time.Duration {
	d := q.cfg.RetryBase << min(attempt-1, 20)
	if d <= 0 || d > q.cfg.RetryMax {
		d = q.cfg.RetryMax
	}
	return d
}
