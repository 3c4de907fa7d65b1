package syncloop

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/store"
)

type corp string

func (c corp) CorpID() string { return string(c) }

func TestKey(t *testing.T) {
	require.Equal(t, "x:snapshot:wwcorp", Key("x:snapshot", corp("wwcorp")))
	require.Equal(t, "x:snapshot", Key("x:snapshot", corp("")))
	require.Equal(t, "x:snapshot", Key("x:snapshot", 42))
}

// TestRun drives the loop by its signals only (an hour's interval never
// elapses): the sync at once, one after a trigger, a refresh after a
// mark, the hooks and the log, and the return once ctx is done.
func TestRun(t *testing.T) {
	var log testutil.SyncBuffer
	done := make(chan string, 10)
	errs := make(chan error, 10)
	l := &Loop[[]int, int]{
		Prefix: "test: ", Interval: time.Hour, Timeout: time.Minute,
		Logger:    slogTo(&log),
		OnSuccess: func(ch []int) { done <- "ok" },
		OnError:   func(err error) { errs <- err },
	}
	l.Init()
	fulls := 0
	full := Work[[]int]{Do: func(ctx context.Context) ([]int, error) {
		ctx, end, err := l.Begin(ctx)
		require.NoError(t, err)
		defer end()
		_, deadline := ctx.Deadline()
		require.True(t, deadline, "a sync is bounded by the timeout")
		fulls++
		return []int{1, 2}, nil
	}, Failed: "test: sync failed", Done: "test: synced"}
	refresh := Work[[]int]{Do: func(context.Context) ([]int, error) {
		return nil, errors.New("refresh broke")
	}, Failed: "test: refresh failed", Done: "test: refreshed"}
	marked := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error)
	go func() { ran <- l.Run(ctx, full, refresh, marked) }()

	require.Equal(t, "ok", <-done, "the first sync runs at once")
	l.Trigger()
	require.Equal(t, "ok", <-done)
	marked <- struct{}{}
	require.EqualError(t, <-errs, "refresh broke")
	cancel()
	require.NoError(t, <-ran)
	require.Equal(t, 2, fulls)
	require.Contains(t, log.String(), "test: synced")
	require.Contains(t, log.String(), "changes=2")
	require.Contains(t, log.String(), "test: refresh failed")
	require.Equal(t, 2, strings.Count(log.String(), "test: synced"))
}

func TestTriggerNeverBlocks(t *testing.T) {
	l := &Loop[[]int, int]{}
	l.Init()
	for range 3 {
		l.Trigger() // nobody runs the loop: the second and third are merged
	}
	require.Len(t, l.trigger, 1)
}

// lockFail is a store whose lock is refused.
type lockFail struct{ store.Store }

func (lockFail) Lock(context.Context, string, time.Duration) (func(context.Context) error, error) {
	return nil, errors.New("locked elsewhere")
}

func TestBeginLock(t *testing.T) {
	l := &Loop[[]int, int]{Prefix: "test: ", Key: "k", Timeout: time.Minute, Locker: LockerOf(lockFail{})}
	l.Init()
	_, _, err := l.Begin(context.Background())
	require.EqualError(t, err, "test: sync lock: locked elsewhere")
	require.Len(t, l.sem, 0, "a refused lock releases the process's lock")

	l.Locker = nil
	_, end, err := l.Begin(context.Background())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = l.Begin(ctx) // one sync at a time: the second waits, here until ctx ends
	require.ErrorIs(t, err, context.Canceled)
	end()
	require.Len(t, l.sem, 0)
	require.Nil(t, LockerOf(nil))
}

func slogTo(w *testutil.SyncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func TestSetters(t *testing.T) {
	l := &Loop[[]int, int]{Interval: time.Minute, Delay: time.Second, Timeout: time.Hour, Key: "k"}
	l.Init()
	lg := l.Logger
	l.SetInterval(0)
	l.SetDelay(-1)
	l.SetTimeout(-time.Second)
	l.SetKey("")
	l.SetLogger(nil)
	require.Equal(t, time.Minute, l.Interval)
	require.Equal(t, time.Second, l.Delay)
	require.Equal(t, time.Hour, l.Timeout)
	require.Equal(t, "k", l.Key)
	require.Same(t, lg, l.Logger)
	l.SetDelay(0)
	require.Zero(t, l.Delay, "0 starts at once")
	for f, want := range map[float64]float64{-1: 0, 0.2: 0.2, 3: 0.5} {
		l.SetJitter(f)
		require.Equal(t, want, l.Jitter)
	}
}
