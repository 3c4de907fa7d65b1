package crypto

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
)

// Event is a decrypted callback: a message a member sent to an app, an event
// (subscribe, click, change_contact …) or a third-party instruction
// (suite_ticket, create_auth, change_auth, cancel_auth …).
//
// Field names are WeCom's XML element names, spelled with Go's initialisms
// (MsgID for <MsgId>, SuiteID for <SuiteId>, AuthCorpID for <AuthCorpId>), so
// that code reads like the docs (callback configuration 90930, suite_ticket
// 90628, authorization events 90642).
// A field that is absent is left zero. Elements not modelled here are in Raw;
// read simple ones with [Event.Field]. Printed with fmt or logged with slog,
// an Event hides its credentials (see [Event.String]).
type Event struct {
	ToUserName   string // the corp id (or the suite id for instruction callbacks)
	FromUserName string // the sender's UserID, or "sys" for events
	CreateTime   int64  // Unix seconds
	MsgType      string // text, image, voice, video, location, link, event …
	Event        string // the event type when MsgType is "event"
	EventKey     string // the key of a menu click, the scene of a QR scan …
	AgentID      int64  // the app that received the message or event
	Content      string // the text of a text message
	// MsgID is kept as text: it is a 64-bit id, unsigned in places, and some
	// newer callbacks use non-numeric ids.
	MsgID string

	// Third-party instruction callbacks (doc 90628, 90642).
	ChangeType  string // change_contact: create_user, update_party …
	InfoType    string // suite_ticket, create_auth, change_auth, cancel_auth …
	SuiteID     string // the suite (third-party app) the instruction is for
	AuthCorpID  string // the authorizing corp: change_auth, cancel_auth, change_contact
	AuthCode    string // create_auth, reset_permanent_code: exchange it for a permanent code
	SuiteTicket string // suite_ticket: pushed every 10 minutes, valid 30 minutes
	TimeStamp   int64  // Unix seconds, on instruction callbacks
	State       string // create_auth, change_auth: the state given in the install URL

	// ReceiveID is the receive id found inside the encrypted message. It is
	// set by [NewHandler]; ParseEvent leaves it empty.
	ReceiveID string

	// Raw is the decrypted message as given to ParseEvent (not a copy): XML,
	// or JSON for callbacks that use the JSON envelope.
	Raw []byte
}

// ParseEvent parses a decrypted callback message, as returned by
// [MsgCrypt.DecryptMsg]. Any well-formed XML is accepted; whitespace outside
// CDATA around a value is ignored, as the official suite_ticket sample needs
// (<InfoType> <![CDATA[suite_ticket]]></InfoType>). Numeric fields must be
// decimal. If a field occurs twice the later one wins.
//
// A JSON message (smart bots, doc 101033) fills only MsgID, MsgType,
// FromUserName (from.userid), Content (text.content) and Event
// (event.eventtype); decode Raw for the rest.
//
// Errors have code -40002 ([ErrParseXML]) and never quote the message.
func ParseEvent(plaintext []byte) (*Event, error) {
	ev := &Event{Raw: plaintext}
	if isJSONDoc(plaintext) {
		if err := ev.setJSON(bytes.TrimPrefix(plaintext, bom)); err != nil {
			return nil, err
		}
		return ev, nil
	}
	if err := walkFields(plaintext, ev.set); err != nil {
		return nil, err
	}
	return ev, nil
}

// set assigns one XML field to ev.
func (ev *Event) set(name, value []byte, nested bool) error {
	var s *string
	var n *int64
	switch string(name) {
	case "ToUserName":
		s = &ev.ToUserName
	case "FromUserName":
		s = &ev.FromUserName
	case "CreateTime":
		n = &ev.CreateTime
	case "MsgType":
		s = &ev.MsgType
	case "Event":
		s = &ev.Event
	case "EventKey":
		s = &ev.EventKey
	case "AgentID":
		n = &ev.AgentID
	case "Content":
		s = &ev.Content
	case "MsgId":
		s = &ev.MsgID
	case "ChangeType":
		s = &ev.ChangeType
	case "InfoType":
		s = &ev.InfoType
	case "SuiteId":
		s = &ev.SuiteID
	case "AuthCorpId":
		s = &ev.AuthCorpID
	case "AuthCode":
		s = &ev.AuthCode
	case "SuiteTicket":
		s = &ev.SuiteTicket
	case "TimeStamp":
		n = &ev.TimeStamp
	case "State":
		s = &ev.State
	default:
		return nil
	}
	if nested {
		return errNested(string(name))
	}
	if s != nil {
		*s = string(value)
		return nil
	}
	if len(value) == 0 {
		*n = 0
		return nil
	}
	v, err := strconv.ParseInt(string(value), 10, 64)
	if err != nil {
		return newError(ErrParseXML, "element "+string(name)+" is not a decimal integer", nil)
	}
	*n = v
	return nil
}

// setJSON fills the few fields a JSON callback shares with the XML ones.
// Members of an unexpected type are ignored rather than fatal.
func (ev *Event) setJSON(data []byte) error {
	var m struct {
		MsgID   json.RawMessage `json:"msgid"`
		MsgType json.RawMessage `json:"msgtype"`
		From    struct {
			UserID json.RawMessage `json:"userid"`
		} `json:"from"`
		Text struct {
			Content json.RawMessage `json:"content"`
		} `json:"text"`
		Event struct {
			EventType json.RawMessage `json:"eventtype"`
		} `json:"event"`
	}
	// A member of an unexpected type (say "from" as a string) only leaves
	// that member unset: encoding/json reports it after decoding the rest.
	if err := json.Unmarshal(data, &m); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return newError(ErrParseXML, "the JSON message is malformed", nil)
		}
	}
	ev.MsgID = jsonString(m.MsgID)
	ev.MsgType = jsonString(m.MsgType)
	ev.FromUserName = jsonString(m.From.UserID)
	ev.Content = jsonString(m.Text.Content)
	ev.Event = jsonString(m.Event.EventType)
	return nil
}

// jsonString returns raw as a string: the text of a JSON string, the literal
// of a number, or "" for anything else.
func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// IsJSON reports whether Raw is a JSON message rather than XML.
func (ev *Event) IsJSON() bool { return isJSONDoc(ev.Raw) }

// Field returns the text of the last top-level element called name in an XML
// Raw (by the same rules as the modelled fields), for elements this type does
// not model, e.g. ev.Field("UserID") on a change_contact event or
// ev.Field("PicUrl") on an image message. ok is false if there is no such
// element, if it has child elements, or if Raw is JSON or malformed.
func (ev *Event) Field(name string) (value string, ok bool) {
	if ev.IsJSON() {
		return "", false
	}
	err := walkFields(ev.Raw, func(n, v []byte, nested bool) error {
		if string(n) == name {
			value, ok = string(v), !nested
			if nested {
				value = ""
			}
		}
		return nil
	})
	if err != nil {
		return "", false
	}
	return value, ok
}

// isJSONDoc reports whether data's first significant byte opens a JSON object.
func isJSONDoc(data []byte) bool {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	return len(data) > 0 && data[0] == '{'
}

// redacted stands in for a credential when an Event is printed or logged.
const redacted = "[redacted]"

// eventFields lists ev's non-zero fields for printing, with the credentials an
// instruction callback carries (SuiteTicket, AuthCode) redacted and Raw, which
// contains them too, reduced to its length.
func (ev *Event) eventFields() []slog.Attr {
	var attrs []slog.Attr
	str := func(k, v string) {
		if v != "" {
			attrs = append(attrs, slog.String(k, v))
		}
	}
	num := func(k string, v int64) {
		if v != 0 {
			attrs = append(attrs, slog.Int64(k, v))
		}
	}
	secret := func(k, v string) {
		if v != "" {
			attrs = append(attrs, slog.String(k, redacted))
		}
	}
	str("ToUserName", ev.ToUserName)
	str("FromUserName", ev.FromUserName)
	num("CreateTime", ev.CreateTime)
	str("MsgType", ev.MsgType)
	str("Event", ev.Event)
	str("EventKey", ev.EventKey)
	num("AgentID", ev.AgentID)
	str("Content", ev.Content)
	str("MsgID", ev.MsgID)
	str("ChangeType", ev.ChangeType)
	str("InfoType", ev.InfoType)
	str("SuiteID", ev.SuiteID)
	str("AuthCorpID", ev.AuthCorpID)
	secret("AuthCode", ev.AuthCode)
	secret("SuiteTicket", ev.SuiteTicket)
	num("TimeStamp", ev.TimeStamp)
	str("State", ev.State)
	str("ReceiveID", ev.ReceiveID)
	if len(ev.Raw) > 0 {
		attrs = append(attrs, slog.String("Raw", strconv.Itoa(len(ev.Raw))+" bytes"))
	}
	return attrs
}

// String lists ev's non-zero fields. SuiteTicket and AuthCode are credentials
// (a suite ticket buys a suite access token; an auth code, a permanent code),
// so they print as [redacted], and Raw, which holds them too, as its length.
func (ev Event) String() string {
	var b strings.Builder
	b.WriteString("crypto.Event{")
	for i, a := range ev.eventFields() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(a.Key)
		b.WriteByte(':')
		b.WriteString(a.Value.String())
	}
	b.WriteByte('}')
	return b.String()
}

// Format prints [Event.String] for every verb, so that no fmt verb reveals the
// redacted fields.
func (ev Event) Format(f fmt.State, _ rune) {
	_, _ = io.WriteString(f, ev.String())
}

// LogValue logs ev as a group of its non-zero fields, redacted as by
// [Event.String].
func (ev Event) LogValue() slog.Value {
	return slog.GroupValue(ev.eventFields()...)
}
