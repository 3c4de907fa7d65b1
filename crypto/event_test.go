package crypto

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/require"
)

// The official suite_ticket sample (WeCom doc 90628, https://developer.work.weixin.qq.com/document/path/90628), with its space before
// the CDATA in InfoType.
const suiteTicketSample = "<xml><SuiteId><![CDATA[ww4asffe99e54c0fxxxx]]></SuiteId><InfoType> <![CDATA[suite_ticket]]></InfoType><TimeStamp>1403610513</TimeStamp><SuiteTicket><![CDATA[asdfasfdasdfasdf]]></SuiteTicket></xml>"

func TestParseEventVector(t *testing.T) {
	ev, err := ParseEvent([]byte(vecPlain))
	require.NoError(t, err)
	require.Equal(t, &Event{
		ToUserName:   "wx5823bf96d3bd56c7",
		FromUserName: "mycreate",
		CreateTime:   1409659813,
		MsgType:      "text",
		Content:      "hello",
		MsgID:        "4561255354251345929",
		AgentID:      218,
		Raw:          []byte(vecPlain),
	}, ev)
	require.False(t, ev.IsJSON())
}

func TestParseEventSuite(t *testing.T) {
	ev, err := ParseEvent([]byte(suiteTicketSample))
	require.NoError(t, err)
	require.Equal(t, "suite_ticket", ev.InfoType)
	require.Equal(t, "ww4asffe99e54c0fxxxx", ev.SuiteID)
	require.Equal(t, "asdfasfdasdfasdf", ev.SuiteTicket)
	require.Equal(t, int64(1403610513), ev.TimeStamp)

	for _, tc := range []struct {
		doc  string
		want Event
	}{
		{
			"<xml><SuiteId><![CDATA[ww1]]></SuiteId><AuthCode><![CDATA[AUTHCODE]]></AuthCode><InfoType><![CDATA[create_auth]]></InfoType><TimeStamp>1403610513</TimeStamp><State><![CDATA[st]]></State></xml>",
			Event{SuiteID: "ww1", AuthCode: "AUTHCODE", InfoType: "create_auth", TimeStamp: 1403610513, State: "st"},
		},
		{
			"<xml><SuiteId><![CDATA[ww1]]></SuiteId><InfoType><![CDATA[change_auth]]></InfoType><TimeStamp>1403610513</TimeStamp><AuthCorpId><![CDATA[wxcorp]]></AuthCorpId><State><![CDATA[]]></State></xml>",
			Event{SuiteID: "ww1", InfoType: "change_auth", TimeStamp: 1403610513, AuthCorpID: "wxcorp"},
		},
		{
			"<xml><SuiteId><![CDATA[ww1]]></SuiteId><AuthCorpId><![CDATA[wxcorp]]></AuthCorpId><InfoType><![CDATA[change_contact]]></InfoType><TimeStamp>1403610513</TimeStamp><ChangeType><![CDATA[create_user]]></ChangeType><UserID><![CDATA[zhangsan]]></UserID><Department><![CDATA[1,2,3]]></Department></xml>",
			Event{SuiteID: "ww1", AuthCorpID: "wxcorp", InfoType: "change_contact", TimeStamp: 1403610513, ChangeType: "create_user"},
		},
		{
			"<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[click]]></Event><EventKey><![CDATA[#sendmsg#_0_0#7599826683306900]]></EventKey><AgentID>1</AgentID></xml>",
			Event{ToUserName: "corp", FromUserName: "sys", CreateTime: 1403610513, MsgType: "event", Event: "click", EventKey: "#sendmsg#_0_0#7599826683306900", AgentID: 1},
		},
		{
			// A nested element that is not modelled, and an XML declaration.
			`<?xml version="1.0" encoding="UTF-8"?><xml><ToUserName><![CDATA[corp]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[scancode_push]]></Event><ScanCodeInfo><ScanType><![CDATA[qrcode]]></ScanType><ScanResult><![CDATA[1]]></ScanResult></ScanCodeInfo><AgentID>1</AgentID></xml>`,
			Event{ToUserName: "corp", MsgType: "event", Event: "scancode_push", AgentID: 1},
		},
		{
			"<xml><MsgType>text</MsgType><Content><![CDATA[  你好，世界  ]]></Content><AgentID></AgentID></xml>",
			Event{MsgType: "text", Content: "  你好，世界  "},
		},
	} {
		ev, err := ParseEvent([]byte(tc.doc))
		require.NoError(t, err, tc.doc)
		tc.want.Raw = []byte(tc.doc)
		require.Equal(t, &tc.want, ev)
		checkFastMatchesSlow(t, []byte(tc.doc))
	}
}

func TestEventField(t *testing.T) {
	doc := "<xml><InfoType><![CDATA[change_contact]]></InfoType><UserID> <![CDATA[zhangsan]]></UserID><Department>1,2</Department><Nested><A>1</A></Nested><UserID>lisi</UserID></xml>"
	ev, err := ParseEvent([]byte(doc))
	require.NoError(t, err)
	v, ok := ev.Field("UserID")
	require.True(t, ok)
	require.Equal(t, "lisi", v, "the later element wins")
	v, ok = ev.Field("Department")
	require.True(t, ok)
	require.Equal(t, "1,2", v)
	_, ok = ev.Field("Nested")
	require.False(t, ok)
	_, ok = ev.Field("Missing")
	require.False(t, ok)
	v, ok = ev.Field("InfoType")
	require.True(t, ok)
	require.Equal(t, ev.InfoType, v)

	_, ok = (&Event{Raw: []byte("<xml><A>")}).Field("A")
	require.False(t, ok)
	_, ok = (&Event{Raw: []byte(`{"A":"1"}`)}).Field("A")
	require.False(t, ok)
}

func TestParseEventJSON(t *testing.T) {
	doc := `{"msgid":"CAIQ16HMjQYY","aibotid":"AIBOTID","chatid":"CHATID","chattype":"single","from":{"userid":"USERID"},"response_url":"https://example.invalid/r","msgtype":"text","text":{"content":"@RobotA hello"}}`
	ev, err := ParseEvent([]byte(doc))
	require.NoError(t, err)
	require.True(t, ev.IsJSON())
	require.Equal(t, &Event{MsgID: "CAIQ16HMjQYY", MsgType: "text", FromUserName: "USERID", Content: "@RobotA hello", Raw: []byte(doc)}, ev)

	ev, err = ParseEvent([]byte(` {"msgtype":"event","msgid":123,"event":{"eventtype":"enter_chat"},"from":"odd","text":7}`))
	require.NoError(t, err)
	require.Equal(t, "event", ev.MsgType)
	require.Equal(t, "enter_chat", ev.Event)
	require.Equal(t, "123", ev.MsgID)
	require.Equal(t, "", ev.FromUserName)

	for _, bad := range []string{`{`, `{"msgtype":}`, `{"a":1} {}`} {
		_, err := ParseEvent([]byte(bad))
		requireCode(t, err, ErrParseXML)
	}
}

func TestParseEventErrors(t *testing.T) {
	for _, doc := range []string{
		"",
		"hello",
		"<xml><CreateTime>soon</CreateTime></xml>",
		"<xml><AgentID>1.5</AgentID></xml>",
		"<xml><TimeStamp>99999999999999999999</TimeStamp></xml>",
		"<xml><Content><b>bold</b></Content></xml>",
		"<xml><MsgType>text</MsgType>",
		"<xml><Content>&nbsp;</Content></xml>",
	} {
		ev, err := ParseEvent([]byte(doc))
		requireCode(t, err, ErrParseXML)
		require.Nil(t, ev)
	}
}

func TestEventRedaction(t *testing.T) {
	doc := "<xml><SuiteId><![CDATA[ww1]]></SuiteId><AuthCode><![CDATA[AUTHCODE-SECRET]]></AuthCode><InfoType><![CDATA[create_auth]]></InfoType><TimeStamp>1403610513</TimeStamp><SuiteTicket><![CDATA[TICKET-SECRET]]></SuiteTicket></xml>"
	ev, err := ParseEvent([]byte(doc))
	require.NoError(t, err)
	require.Equal(t, "TICKET-SECRET", ev.SuiteTicket)

	var outs []string
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		outs = append(outs, fmt.Sprintf(format, ev), fmt.Sprintf(format, *ev), fmt.Sprintf(format, []*Event{ev}))
	}
	var text, js bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("got", "ev", ev)
	slog.New(slog.NewJSONHandler(&js, nil)).Info("got", "ev", *ev)
	outs = append(outs, text.String(), js.String())
	for _, out := range outs {
		require.NotContains(t, out, "SECRET", out)
	}
	require.Equal(t, "crypto.Event{InfoType:create_auth SuiteID:ww1 AuthCode:[redacted] SuiteTicket:[redacted] TimeStamp:1403610513 Raw:"+
		fmt.Sprint(len(doc))+" bytes}", ev.String())
	require.Contains(t, text.String(), "ev.SuiteTicket=[redacted]")
	require.Contains(t, js.String(), `"InfoType":"create_auth"`)
	require.Equal(t, "crypto.Event{}", Event{}.String())
}
