package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/wecom"
)

// fetcher is the contact.Source with what the sync's log line needs: when
// the fetch started, how many members it found, and how many of them the
// app cannot see — tracked by id only, their names and positions unknown.
// It is safe for concurrent use.
type fetcher struct {
	*contact.Source // CorpID, for the syncer's store key
	details         bool
	now             func() time.Time

	mu      sync.Mutex
	started time.Time
	members int
	outside int
}

// Fetch fetches a snapshot and counts its members; the counts describe
// WeCom's answer, before the sync fills in what the last snapshot knew.
func (f *fetcher) Fetch(ctx context.Context) (*contact.Snapshot, error) {
	f.mu.Lock()
	f.started, f.members, f.outside = f.now(), 0, 0
	f.mu.Unlock()
	snap, err := f.Source.Fetch(ctx)
	if err != nil || snap == nil {
		return snap, err
	}
	outside := 0
	for i := range snap.Users {
		if snap.Users[i].Known&contact.FieldName == 0 {
			outside++
		}
	}
	f.mu.Lock()
	f.members, f.outside = len(snap.Users), outside
	f.mu.Unlock()
	return snap, nil
}

// logSync writes the one log line of a sync: "synced" with the changes,
// the time taken, the members and — with the app's secret — how many of
// them are outside the app's visible range; or "sync failed" with the
// error and what it usually means.
func (f *fetcher) logSync(ctx context.Context, logger *slog.Logger, changes contact.Changes, err error) {
	f.mu.Lock()
	started, members, outside := f.started, f.members, f.outside
	f.mu.Unlock()
	seconds := 0.0
	if !started.IsZero() {
		seconds = f.now().Sub(started).Seconds()
	}
	if err != nil {
		attrs := []slog.Attr{slog.String("error", err.Error()), slog.Float64("seconds", seconds)}
		if d := wecom.Diagnose(err); d.Cause != wecom.CauseNone {
			attrs = append(attrs, slog.String("cause", string(d.Cause)), slog.Int("errcode", d.Code), slog.String("hint", d.Hint))
		}
		logger.LogAttrs(ctx, slog.LevelError, "sync failed; the previous snapshot is kept", attrs...)
		return
	}
	attrs := []slog.Attr{slog.Int("changes", len(changes)), slog.Float64("seconds", seconds), slog.Int("members", members)}
	if f.details {
		attrs = append(attrs, slog.Int("outside_app_range", outside))
	}
	logger.LogAttrs(ctx, slog.LevelInfo, "synced", attrs...)
}
