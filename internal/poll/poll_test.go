package poll

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoff(t *testing.T) {
	b := Default()
	require.Equal(t, time.Second, b.First)
	require.Equal(t, 30*time.Second, b.Max)
	d := b.First
	var seen []time.Duration
	for range 7 {
		seen = append(seen, d)
		d = b.Next(d)
	}
	require.Equal(t, []time.Duration{1e9, 2e9, 4e9, 8e9, 16e9, 30e9, 30e9}, seen)

	b.Every(-time.Second, 0)
	require.Zero(t, b.First)
	require.Zero(t, b.Max)
	b.Every(5*time.Second, time.Second) // a limit below first is first
	require.Equal(t, 5*time.Second, b.Max)

	b.SetSleep(nil)
	require.NotNil(t, b.Sleep, "nil keeps the sleep")
}

func TestSleep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, Sleep(ctx, 0))
	require.NoError(t, Sleep(ctx, time.Nanosecond))
	cancel()
	require.ErrorIs(t, Sleep(ctx, 0), context.Canceled)
	require.ErrorIs(t, Sleep(ctx, time.Hour), context.Canceled, "returns at once when ctx is done")
}

func TestSleepUntilWakes(t *testing.T) {
	var slept []time.Duration
	started := make(chan struct{}, 1)
	b := Backoff{Sleep: func(ctx context.Context, d time.Duration) error {
		slept = append(slept, d)
		started <- struct{}{}
		<-ctx.Done() // a sleep that only ends when woken
		return ctx.Err()
	}}
	wake := make(chan struct{})
	done := make(chan error)
	go func() { done <- b.SleepUntil(context.Background(), time.Hour, wake) }()
	<-started
	close(wake)
	require.NoError(t, <-done, "an early wake-up is not an error")
	require.Equal(t, []time.Duration{time.Hour}, slept)

	// Already woken: no sleep at all.
	require.NoError(t, b.SleepUntil(context.Background(), time.Hour, wake))
	require.Len(t, slept, 1)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, b.SleepUntil(ctx, time.Hour, nil), context.Canceled)
}
