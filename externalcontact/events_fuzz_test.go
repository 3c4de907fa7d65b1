package externalcontact_test

import (
	"testing"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/externalcontact"
)

// FuzzParseEvent feeds arbitrary decrypted callbacks to the parser: it
// must never panic, and an event it accepts has exactly the typed part
// its kind names, with the header copied into it.
func FuzzParseEvent(f *testing.F) {
	for _, s := range []string{
		`<xml><ToUserName>ww</ToUserName><MsgType>event</MsgType><Event>change_external_contact</Event><ChangeType>add_external_contact</ChangeType><UserID>u</UserID><ExternalUserID>wm</ExternalUserID><WelcomeCode>W</WelcomeCode></xml>`,
		`<xml><SuiteId>s</SuiteId><AuthCorpId>c</AuthCorpId><InfoType>change_external_chat</InfoType><TimeStamp>1</TimeStamp><ChangeType>update</ChangeType><MemChangeList><Item>a</Item></MemChangeList><JoinScene>3</JoinScene></xml>`,
		`<xml><MsgType>event</MsgType><Event>change_external_tag</Event><ChangeType>shuffle</ChangeType><StrategyId>9</StrategyId></xml>`,
		`<xml><MsgType>event</MsgType><Event>customer_acquisition</Event><ChangeType>customer_start_chat</ChangeType><LinkId>ca</LinkId></xml>`,
		`<xml><MsgType>event</MsgType><Event>change_external_chat</Event><MemChangeCnt>-</MemChangeCnt></xml>`,
		`<xml><Event>change_external_contact</Event>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		ev, err := crypto.ParseEvent(raw)
		if err != nil {
			// Still feed the parser directly: the router may get events
			// crypto parsed more leniently in future.
			ev = &crypto.Event{Event: "change_external_contact", Raw: raw}
		}
		got, err := externalcontact.ParseEvent(ev)
		if err != nil {
			if got != nil {
				t.Fatal("an error with an event")
			}
			return
		}
		parts := 0
		for _, p := range []bool{got.Customer != nil, got.Chat != nil, got.Tag != nil, got.Acquisition != nil} {
			if p {
				parts++
			}
		}
		if parts != 1 {
			t.Fatalf("%d typed parts", parts)
		}
		switch got.Kind {
		case externalcontact.KindCustomer:
			if got.Customer.EventHeader != got.EventHeader {
				t.Fatal("header not copied")
			}
		case externalcontact.KindChat:
			if len(got.Chat.MemChangeList) > externalcontact.MaxMemChangeList {
				t.Fatal("MemChangeList over the limit")
			}
		case externalcontact.KindTag, externalcontact.KindAcquisition:
		default:
			t.Fatalf("kind %q", got.Kind)
		}
	})
}
