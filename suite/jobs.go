package suite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/wecom"
)

// A job is a push answered but not yet handled. The decrypted push itself
// is the job: its identity is a hash of the plaintext, so WeCom's retries of
// one push are one job.
type job struct {
	ID       string `json:"id"`
	Raw      string `json:"raw"`
	Received int64  `json:"received"` // Unix ms, real time
	Attempts int    `json:"attempts"`
	NextAt   int64  `json:"next_at"` // Unix ms, real time
}

// jobTimeout bounds the handling of one job; maxJobAttempts and maxJobAge
// bound its retries. An auth code lives 10 minutes, so an exchange that has
// not succeeded by then never will.
const (
	jobTimeout     = 30 * time.Second
	maxJobAttempts = 12
	maxJobAge      = 24 * time.Hour
	doneTTL        = 24 * time.Hour // WeCom retries a push within minutes
)

// jobQueue runs the stored jobs on a bounded number of workers.
type jobQueue struct {
	s    *Suite
	wake chan struct{}
	quit chan struct{}
	sem  chan struct{}
	wg   sync.WaitGroup
	once sync.Once

	mu      sync.Mutex
	running map[string]bool
}

func newJobQueue(s *Suite) *jobQueue {
	return &jobQueue{
		s:       s,
		wake:    make(chan struct{}, 1),
		quit:    make(chan struct{}),
		sem:     make(chan struct{}, s.opts.workers),
		running: map[string]bool{},
	}
}

func (q *jobQueue) start() error {
	if _, err := q.load(context.Background()); err != nil {
		return fmt.Errorf("suite: read pending pushes: %w", err)
	}
	q.wg.Add(1)
	go q.loop()
	return nil
}

func (q *jobQueue) stop() {
	q.once.Do(func() { close(q.quit) })
	q.wg.Wait()
}

func (q *jobQueue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// add records the push raw, unless it is recorded already.
func (q *jobQueue) add(ctx context.Context, raw []byte) error {
	sum := sha256.Sum256(raw)
	id := hex.EncodeToString(sum[:12])
	now := time.Now().UnixMilli()
	err := q.s.locked(ctx, "jobs", func(ctx context.Context) error {
		jobs, err := q.load(ctx)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(jobs, func(j job) bool { return j.ID == id }) {
			return nil // a retry of a push we have
		}
		if _, done, err := q.s.store.Get(ctx, q.s.keys.done(id)); err != nil || done {
			return storeErr(err) // a retry of a push we handled
		}
		return q.save(ctx, append(jobs, job{ID: id, Raw: string(raw), Received: now, NextAt: now}))
	})
	if err != nil {
		return fmt.Errorf("suite: record push: %w", err)
	}
	q.poke()
	return nil
}

func (q *jobQueue) load(ctx context.Context) ([]job, error) {
	raw, ok, err := q.s.store.Get(ctx, q.s.keys.jobs())
	if err != nil || !ok {
		return nil, storeErr(err)
	}
	var jobs []job
	if err := json.Unmarshal([]byte(raw), &jobs); err != nil {
		return nil, fmt.Errorf("suite: stored pushes: %w", err)
	}
	return jobs, nil
}

func (q *jobQueue) save(ctx context.Context, jobs []job) error {
	if len(jobs) == 0 {
		return q.s.store.Delete(ctx, q.s.keys.jobs())
	}
	b, _ := json.Marshal(jobs)
	return q.s.store.Set(ctx, q.s.keys.jobs(), string(b), 0)
}

// Pending returns how many pushes are answered but not yet handled.
func (s *Suite) Pending(ctx context.Context) (int, error) {
	jobs, err := s.jobs.load(ctx)
	return len(jobs), err
}

// loop starts due jobs until stopped. It reads the store on every wake-up
// and at least every few seconds, so jobs another process recorded (and
// left) are picked up too.
func (q *jobQueue) loop() {
	defer q.wg.Done()
	for {
		wait := q.dispatch()
		t := time.NewTimer(wait)
		select {
		case <-q.quit:
			t.Stop()
			return
		case <-q.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// dispatch starts the due jobs there are workers for and returns how long
// to sleep before looking again.
func (q *jobQueue) dispatch() time.Duration {
	const idle = 5 * time.Second
	jobs, err := q.load(context.Background())
	if err != nil {
		q.s.logger.LogAttrs(context.Background(), slog.LevelWarn, "suite: cannot read pending pushes", slog.Any("error", err))
		return idle
	}
	wait := idle
	now := time.Now().UnixMilli()
	for _, j := range jobs {
		if d := time.Duration(j.NextAt-now) * time.Millisecond; d > 0 {
			wait = min(wait, d)
			continue
		}
		q.mu.Lock()
		busy := q.running[j.ID]
		q.mu.Unlock()
		if busy {
			continue
		}
		select {
		case q.sem <- struct{}{}:
		default:
			return wait // every worker is busy; a finishing one pokes
		}
		q.mu.Lock()
		q.running[j.ID] = true
		q.mu.Unlock()
		q.wg.Add(1)
		go q.run(j)
	}
	return wait
}

// run handles one job and records the outcome: done, failed for good, or
// due again after a backoff.
func (q *jobQueue) run(j job) {
	defer q.wg.Done()
	defer func() {
		q.mu.Lock()
		delete(q.running, j.ID)
		q.mu.Unlock()
		<-q.sem
		q.poke()
	}()
	ctx, cancel := context.WithTimeout(context.Background(), jobTimeout)
	defer cancel()
	s := q.s
	ev, err := crypto.ParseEvent([]byte(j.Raw))
	if err == nil {
		err = q.handle(ctx, j.ID, ev)
	}
	if errors.Is(err, errJobBusy) {
		return // another process has it; look again later
	}
	j.Attempts++
	age := time.Since(time.UnixMilli(j.Received))
	drop := err == nil
	if err != nil {
		attrs := []slog.Attr{slog.String("info_type", infoType(ev)), slog.Int("attempt", j.Attempts),
			slog.Int("errcode", wecom.ErrorCode(err)), slog.String("error", err.Error())}
		if errors.Is(err, ErrAuthCodeUsed) || j.Attempts >= maxJobAttempts || age > maxJobAge || ev == nil {
			drop = true
			s.logger.LogAttrs(ctx, slog.LevelError, "suite: giving up on a push", attrs...)
		} else {
			s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: handling a push failed; will retry", attrs...)
		}
	}
	next := time.Now().Add(q.backoff(j.Attempts)).UnixMilli()
	uerr := s.locked(context.Background(), "jobs", func(ctx context.Context) error {
		jobs, err := q.load(ctx)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(jobs, func(x job) bool { return x.ID == j.ID })
		if i < 0 {
			return nil // another process finished it
		}
		if drop {
			if err := q.s.store.Set(ctx, q.s.keys.done(j.ID), "1", doneTTL); err != nil {
				return err
			}
			jobs = slices.Delete(jobs, i, i+1)
		} else {
			jobs[i].Attempts, jobs[i].NextAt = j.Attempts, next
		}
		return q.save(ctx, jobs)
	})
	if uerr != nil {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: cannot record a push's outcome", slog.Any("error", uerr))
	}
}

var errJobBusy = errors.New("suite: push being handled by another process")

// handle runs the job under a store lock when the store has one, so that of
// several processes sharing the store one handles it (and its hook runs
// once).
func (q *jobQueue) handle(ctx context.Context, id string, ev *crypto.Event) error {
	if q.s.locker == nil {
		return q.s.handleJob(ctx, ev)
	}
	tctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	unlock, err := q.s.locker.Lock(tctx, q.s.keys.lock("job:"+id), jobTimeout)
	cancel()
	if err != nil {
		return errJobBusy
	}
	defer func() { _ = unlock(context.WithoutCancel(ctx)) }()
	return q.s.handleJob(ctx, ev)
}

func (q *jobQueue) backoff(attempt int) time.Duration {
	d := q.s.opts.retryBase << min(attempt-1, 20)
	if d <= 0 || d > q.s.opts.retryMax {
		d = q.s.opts.retryMax
	}
	return d
}

func infoType(ev *crypto.Event) string {
	if ev == nil {
		return ""
	}
	return ev.InfoType
}
