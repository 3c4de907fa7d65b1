package message

import (
	"encoding/xml"
	"errors"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
)

// ErrNotCardEvent is returned by [ParseCardEvent] for a callback that is
// not a template card's.
var ErrNotCardEvent = errors.New("message: not a template_card_event or template_card_menu_event callback")

// CardEvent is a member's click on an interactive template card
// (template_card_event) or on its top-right menu
// (template_card_menu_event), from the app's callback
// (https://developer.work.weixin.qq.com/document/path/90240). Pass
// ResponseCode to [Client.UpdateTemplateCard] — once, within 72 hours — to
// update the card the member clicked.
type CardEvent struct {
	// Menu is true for template_card_menu_event: a click in the card's
	// action menu rather than on the card.
	Menu         bool
	UserID       string // the member who clicked (FromUserName)
	CorpID       string // ToUserName
	AgentID      int64
	At           time.Time
	TaskID       string // the card's task_id
	CardType     string // text_notice, button_interaction, vote_interaction …
	EventKey     string // the key of the button or menu item clicked
	ResponseCode string
	// Selected are the choices of a vote or multiple-choice card.
	Selected []CardSelection
}

// CardSelection is one question's answer on a vote or multiple-choice
// card.
type CardSelection struct {
	QuestionKey string
	OptionIDs   []string
}

// String keeps the one-time ResponseCode out of logs.
func (e *CardEvent) String() string {
	return "message.CardEvent{task " + e.TaskID + ", key " + e.EventKey + ", user " + e.UserID + ", response_code [redacted]}"
}

type wireCardEvent struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
	CreateTime   int64  `xml:"CreateTime"`
	Event        string `xml:"Event"`
	EventKey     string `xml:"EventKey"`
	TaskID       string `xml:"TaskId"`
	CardType     string `xml:"CardType"`
	ResponseCode string `xml:"ResponseCode"`
	AgentID      int64  `xml:"AgentID"`
	Selected     []struct {
		QuestionKey string   `xml:"QuestionKey"`
		OptionIDs   []string `xml:"OptionIds>OptionId"`
	} `xml:"SelectedItems>SelectedItem"`
}

// ParseCardEvent types a decrypted template card callback. Anything else
// is [ErrNotCardEvent]; a malformed one is an error, never a panic.
func ParseCardEvent(ev *crypto.Event) (*CardEvent, error) {
	if ev == nil || (ev.Event != "template_card_event" && ev.Event != "template_card_menu_event") || ev.IsJSON() {
		return nil, ErrNotCardEvent
	}
	var w wireCardEvent
	if err := xml.Unmarshal(ev.Raw, &w); err != nil {
		return nil, errors.New("message: template card callback: not well-formed XML")
	}
	out := &CardEvent{
		Menu:     strings.TrimSpace(w.Event) == "template_card_menu_event",
		UserID:   w.FromUserName,
		CorpID:   w.ToUserName,
		AgentID:  w.AgentID,
		TaskID:   w.TaskID,
		CardType: w.CardType,
		EventKey: w.EventKey, ResponseCode: w.ResponseCode,
	}
	if w.CreateTime > 0 {
		out.At = time.Unix(w.CreateTime, 0)
	}
	for _, s := range w.Selected {
		out.Selected = append(out.Selected, CardSelection{QuestionKey: s.QuestionKey, OptionIDs: s.OptionIDs})
	}
	return out, nil
}
