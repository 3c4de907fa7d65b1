package oa_test

import (
	"encoding/json"
	"testing"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/oa"
)

// FuzzParseApprovalEvent feeds arbitrary callbacks to the parser: it must
// never panic, and what it accepts has an approval number.
func FuzzParseApprovalEvent(f *testing.F) {
	f.Add([]byte(`<xml><ToUserName><![CDATA[ww1]]></ToUserName><CreateTime>1571732272</CreateTime><MsgType>event</MsgType>` +
		`<Event>sys_approval_change</Event><AgentID>3010040</AgentID><ApprovalInfo><SpNoStr>202506110001</SpNoStr><SpNo>202506110001</SpNo>` +
		`<SpStatus>2</SpStatus><Applyer><UserId>a</UserId><Party>1</Party></Applyer><SpRecord><SpStatus>2</SpStatus><ApproverAttr>1</ApproverAttr>` +
		`<Details><Approver><UserId>b</UserId></Approver><SpStatus>2</SpStatus><SpTime>1</SpTime><Attach>m</Attach></Details></SpRecord>` +
		`<Notifyer><UserId>c</UserId></Notifyer><StatuChangeEvent>2</StatuChangeEvent></ApprovalInfo></xml>`))
	f.Add([]byte(`<xml><Event>sys_approval_change</Event><ApprovalInfo><SpNo>x</SpNo><SpStatus>-</SpStatus></ApprovalInfo></xml>`))
	f.Add([]byte(`<xml><Event>sys_approval_change</Event><ApprovalInfo><SpRecord><Details>`))
	f.Add([]byte(`{"event":{"eventtype":"sys_approval_change"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := crypto.ParseEvent(data)
		if err != nil {
			return
		}
		e, err := oa.ParseApprovalEvent(ev)
		if err != nil {
			if e != nil {
				t.Fatal("an event with an error")
			}
			return
		}
		if e.SpNo == "" {
			t.Fatal("an accepted event without an approval number")
		}
	})
}

// FuzzControls feeds arbitrary form contents to the control decoder: it
// must never panic, and what it decodes must encode and decode to the
// same controls.
func FuzzControls(f *testing.F) {
	f.Add([]byte(`[{"control":"Text","id":"t","value":{"text":"a"}},{"control":"Table","id":"tb","value":{"children":[{"list":[{"control":"Money","id":"m","value":{"new_money":"1"}}]}]}}]`))
	f.Add([]byte(`[{"control":"Location","id":"l","value":{"location":{"latitude":1.5,"longitude":"2"}}},{"control":"X","id":"x","value":{"y":[1]}}]`))
	f.Add([]byte(`[{"control":"Date","id":"d","value":{"date":{"type":"day","s_timestamp":"9"}}}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var cs []oa.Control
		if json.Unmarshal(data, &cs) != nil {
			return
		}
		b, err := json.Marshal(cs)
		if err != nil {
			t.Fatalf("decoded controls do not encode: %v", err)
		}
		var back []oa.Control
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("encoded controls do not decode: %v", err)
		}
		if len(back) != len(cs) {
			t.Fatalf("%d controls came back as %d", len(cs), len(back))
		}
		for i := range cs {
			if back[i].Kind != cs[i].Kind || back[i].ID != cs[i].ID {
				t.Fatalf("control %d changed", i)
			}
		}
	})
}
