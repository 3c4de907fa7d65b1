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

	mu         sync.Mutex
	started    time.Time
	members    int
	outside    int
	syncSecret bool // WeCom refused the contact-sync secret (40001) in this sync
}

// contactSecretHint replaces wecom.Diagnose's hint for 40001 when WeCom
// refused the contact-sync secret, which is not an app's: it has its own
// page in the admin console.
const contactSecretHint = "WeCom refused the contact-sync secret (WECOM_CONTACT_SECRET): it does not belong to this corp id or was reset. " +
	"Copy it again from 管理工具 → 通讯录同步 → Secret (查看, sent to the administrator's WeCom) — not an app's secret; " +
	"repeated wrong secrets from one IP block that IP for an hour."

// observeStructure is the structure client's call hook: it notes a 40001,
// WeCom refusing the contact-sync secret.
func (f *fetcher) observeStructure(info wecom.CallInfo) {
	if info.ErrCode == 40001 {
		f.mu.Lock()
		f.syncSecret = true
		f.mu.Unlock()
	}
}

// Fetch fetches a snapshot and counts its members; the counts describe
// WeCom's answer, before the sync fills in what the last snapshot knew.
func (f *fetcher) Fetch(ctx context.Context) (*contact.Snapshot, error) {
	f.mu.Lock()
	f.started, f.members, f.outside, f.syncSecret = f.now(), 0, 0, false
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
	started, members, outside, syncSecret := f.started, f.members, f.outside, f.syncSecret
	f.mu.Unlock()
	seconds := 0.0
	if !started.IsZero() {
		seconds = f.now().Sub(started).Seconds()
	}
	if err != nil {
		attrs := []slog.Attr{slog.String("error", err.Error()), slog.Float64("seconds", seconds)}
		if d := wecom.Diagnose(err); d.Cause != wecom.CauseNone {
			if d.Code == 40001 && syncSecret {
				d.Hint = contactSecretHint
			}
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
