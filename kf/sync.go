package kf

import (
	"context"
	"fmt"
)

// Limits of sync_msg (doc 94670).
const (
	MaxSyncLimit   = 1000 // messages an answer holds at most (and by default)
	MaxCursorBytes = 64
	MaxTokenBytes  = 128
)

// Voice formats sync_msg can return voices in.
const (
	VoiceAMR  = 0
	VoiceSilk = 1
)

// SyncRequest is one sync_msg call.
type SyncRequest struct {
	// OpenKfID is the kf account to read (required: the current page,
	// 2024-01-31, lists open_kfid as 必须; earlier versions read every
	// account without it).
	OpenKfID string
	// Cursor is the previous answer's NextCursor; "" starts from the
	// oldest message of the last 3 days.
	Cursor string
	// Token is the kf_msg_or_event callback's Token, valid 10 minutes.
	// Without it WeCom applies a strict rate limit.
	Token string
	// Limit is how many messages to return, at most (and by default) 1000.
	// WeCom may return fewer while HasMore is set.
	Limit int
	// VoiceFormat is VoiceAMR (default) or VoiceSilk.
	VoiceFormat int
}

// SyncPage is one sync_msg answer.
type SyncPage struct {
	NextCursor string    `json:"next_cursor"`
	HasMore    int       `json:"has_more"` // 1 while more messages follow NextCursor
	MsgList    []Message `json:"msg_list"`
}

// More reports whether more messages follow the page.
func (p *SyncPage) More() bool { return p.HasMore == 1 }

// SyncMsg reads one page of messages and events (kf/sync_msg, doc 94670):
// the customers' messages, the receptionists' messages from the WeCom
// client, and events, from the last 3 days, in order. Messages sent with
// [Client.Send] are not returned. Most programs use a [Pump] instead,
// which follows the cursor durably.
func (c *Client) SyncMsg(ctx context.Context, r SyncRequest) (*SyncPage, error) {
	req, err := r.request()
	if err != nil {
		return nil, err
	}
	page := new(SyncPage)
	if err := syncMsg.CallInto(ctx, c.corp, req, page); err != nil {
		return nil, fmt.Errorf("kf: sync_msg: %w", err)
	}
	return page, nil
}

func (r SyncRequest) request() (*syncRequest, error) {
	if err := required("open_kfid", r.OpenKfID); err != nil {
		return nil, err
	}
	if r.Limit < 0 || r.Limit > MaxSyncLimit {
		return nil, fmt.Errorf("%w: limit %d, at most %d", ErrInvalidArgument, r.Limit, MaxSyncLimit)
	}
	if r.VoiceFormat != VoiceAMR && r.VoiceFormat != VoiceSilk {
		return nil, fmt.Errorf("%w: voice format %d", ErrInvalidArgument, r.VoiceFormat)
	}
	if err := errorsOf(maxBytes("cursor", r.Cursor, MaxCursorBytes), maxBytes("token", r.Token, MaxTokenBytes)); err != nil {
		return nil, err
	}
	return &syncRequest{Cursor: r.Cursor, Token: r.Token, Limit: r.Limit, VoiceFormat: r.VoiceFormat, OpenKfID: r.OpenKfID}, nil
}
