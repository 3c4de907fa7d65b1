package syncloop

import (
	"log/slog"
	"time"
)

// The setters below hold the rules of the Syncers' options, so that
// contact's and externalcontact's With… functions apply them alike.

// SetInterval sets Interval; d ≤ 0 keeps it.
func (l *Loop[C, E]) SetInterval(d time.Duration) {
	if d > 0 {
		l.Interval = d
	}
}

// SetJitter sets Jitter, taken into [0, 0.5].
func (l *Loop[C, E]) SetJitter(f float64) { l.Jitter = min(max(f, 0), 0.5) }

// SetDelay sets Delay; d < 0 keeps it, 0 starts at once.
func (l *Loop[C, E]) SetDelay(d time.Duration) {
	if d >= 0 {
		l.Delay = d
	}
}

// SetTimeout sets Timeout; d ≤ 0 keeps it.
func (l *Loop[C, E]) SetTimeout(d time.Duration) {
	if d > 0 {
		l.Timeout = d
	}
}

// SetKey sets Key; "" keeps it.
func (l *Loop[C, E]) SetKey(key string) {
	if key != "" {
		l.Key = key
	}
}

// SetLogger sets Logger; nil keeps it.
func (l *Loop[C, E]) SetLogger(lg *slog.Logger) {
	if lg != nil {
		l.Logger = lg
	}
}
