// Package poll holds what the job waiters of contact and externalcontact
// share: the backoff between polls (a first delay doubled up to a
// limit) and the context-aware sleep that a test replaces with a fake
// clock. Each waiter keeps its own loop, since what ends a job differs.
// [Sleep] is also the real sleep of kf's Pump, message's Limiter and the
// Syncers' loop.
package poll

import (
	"context"
	"time"
)

// Backoff is the wait between polls: First, then doubled after each poll
// up to Max, each wait done by Sleep.
type Backoff struct {
	First, Max time.Duration
	// Sleep waits d and must return early with ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Default is 1 s doubled up to 30 s, with [Sleep].
func Default() Backoff {
	return Backoff{First: time.Second, Max: 30 * time.Second, Sleep: Sleep}
}

// Every sets the first wait and the limit; a negative first is taken as
// zero (polls without waiting) and a limit below first as first.
func (b *Backoff) Every(first, limit time.Duration) {
	b.First, b.Max = max(first, 0), max(first, limit)
}

// SetSleep replaces Sleep, unless sleep is nil.
func (b *Backoff) SetSleep(sleep func(ctx context.Context, d time.Duration) error) {
	if sleep != nil {
		b.Sleep = sleep
	}
}

// Next returns the wait after one of d: twice d, at most Max.
func (b *Backoff) Next(d time.Duration) time.Duration { return min(d*2, b.Max) }

// Sleep waits d on a timer; it returns ctx's error at once when ctx ends
// first, and for d ≤ 0 only reports ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SleepUntil waits d with b.Sleep, or less if wake (which may be nil) is
// closed; it fails only when ctx ends: an early wake-up is not an error.
func (b *Backoff) SleepUntil(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	select {
	case <-wake:
		return ctx.Err()
	default:
	}
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if wake != nil {
		go func() {
			select {
			case <-wake:
				cancel()
			case <-waitCtx.Done():
			}
		}()
	}
	_ = b.Sleep(waitCtx, d)
	return ctx.Err()
}
