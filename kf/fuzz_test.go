package kf_test

import (
	"encoding/json"
	"testing"

	"github.com/wecomkit/wecomkit/kf"
)

// FuzzSyncPage feeds sync_msg answers to the decoder: it never panics, and
// a message it keeps raw holds valid JSON.
func FuzzSyncPage(f *testing.F) {
	f.Add([]byte(`{"next_cursor":"c","has_more":1,"msg_list":[{"msgid":"1","msgtype":"text","text":{"content":"hi"}}]}`))
	f.Add([]byte(`{"msg_list":[{"msgid":"2","msgtype":"event","event":{"event_type":"enter_session","welcome_code":"w"}}]}`))
	f.Add([]byte(`{"msg_list":[{"msgid":"3","msgtype":"note","note":{}},{"msgtype":"text","text":7}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p kf.SyncPage
		if json.Unmarshal(data, &p) != nil {
			return
		}
		for _, m := range p.MsgList {
			if !m.Known() && !json.Valid(m.Raw) {
				t.Fatalf("raw message is not JSON: %q", m.Raw)
			}
		}
	})
}
