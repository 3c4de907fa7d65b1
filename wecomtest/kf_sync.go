package wecomtest

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
)

// handleKFSync serves kf/sync_msg (doc 94670): the messages of the kf
// account open_kfid (required: the validator answers 40058 without it)
// after the cursor ("" for the oldest of the last 3 days), at most limit
// (default and most 1000), has_more while more follow. Cursors are the
// fake's own ("kfc-a-N"); a token, when given, must be one the fake issued
// for the account within 10 minutes (95007).
func (s *Server) handleKFSync(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		Cursor      string `json:"cursor"`
		Token       string `json:"token"`
		Limit       int    `json:"limit"`
		VoiceFormat int    `json:"voice_format"`
		OpenKfID    string `json:"open_kfid"`
	}
	if !readKFBody(w, r, &b) {
		return
	}
	if b.Limit == 0 {
		b.Limit = kfSyncMax
	}
	if b.Limit < 0 || b.Limit > kfSyncMax || len(b.Cursor) > 64 || len(b.Token) > 128 {
		writeError(w, codeInvalidParameter, "limit: 1 to 1000")
		return
	}
	const prefix = "kfc-a-"
	off := 0
	if b.Cursor != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(b.Cursor, prefix))
		if err != nil || n < 0 || !strings.HasPrefix(b.Cursor, prefix) {
			writeError(w, codeInvalidParameter, "invalid cursor")
			return
		}
		off = n
	}
	now := s.now()
	k := &s.kf
	k.mu.Lock()
	c := k.corpLocked(caller.CorpID)
	if b.Token != "" {
		t, ok := c.tokens[b.Token]
		if !ok || now.Sub(t.issued) >= kfTokenTTL || (t.openKfID != "" && t.openKfID != b.OpenKfID) {
			k.mu.Unlock()
			writeError(w, 95007, "invalid msg token")
			return
		}
	}
	a := c.accountLocked(w, b.OpenKfID)
	if a == nil {
		k.mu.Unlock()
		return
	}
	log := a.log
	off = min(off, len(log))
	for off < len(log) && now.Sub(log[off].at) > kfHistory {
		off++ // older than 3 days: gone
	}
	end := min(off+b.Limit, len(log))
	page := log[off:end]
	k.mu.Unlock() // entries are never changed once queued

	size := 96
	for _, e := range page {
		size += len(e.body) + 1
	}
	out := bytes.NewBuffer(make([]byte, 0, size))
	out.WriteString(`{"errcode":0,"errmsg":"ok","next_cursor":"`)
	out.WriteString(prefix + strconv.Itoa(end))
	out.WriteString(`","has_more":`)
	if end < len(log) {
		out.WriteByte('1')
	} else {
		out.WriteByte('0')
	}
	out.WriteString(`,"msg_list":[`)
	for i, e := range page {
		if i > 0 {
			out.WriteByte(',')
		}
		out.Write(e.body)
	}
	out.WriteString("]}")
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(out.Len()))
	_, _ = w.Write(out.Bytes())
}
