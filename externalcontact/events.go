package externalcontact

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
)

// EventKind is the Event (self-built and 代开发 apps, a third-party app's
// data callback) or InfoType (a third-party app's command callback) of a
// customer-contact callback.
type EventKind string

// The customer-contact callbacks (docs 92130 and 97299 for self-built
// apps, 92277 and 97402 for third-party apps, 96361 for 代开发 apps).
const (
	KindCustomer    EventKind = "change_external_contact" // a customer added, edited, deleted …
	KindChat        EventKind = "change_external_chat"    // a customer group created, changed, dismissed
	KindTag         EventKind = "change_external_tag"     // a corp customer tag created, changed, deleted, reordered
	KindAcquisition EventKind = "customer_acquisition"    // 获客助手: quota and acquisition links
)

// ChangeType is the ChangeType of a customer-contact callback: what
// happened, within its [EventKind].
type ChangeType string

// The ChangeTypes of change_external_contact (doc 92130).
const (
	ChangeAddCustomer     ChangeType = "add_external_contact"      // a member added a customer
	ChangeEditCustomer    ChangeType = "edit_external_contact"     // a member edited a customer's remark or corp tags
	ChangeAddHalfCustomer ChangeType = "add_half_external_contact" // a customer added a member without verification
	ChangeDeleteCustomer  ChangeType = "del_external_contact"      // a member deleted a customer
	ChangeDeleteFollower  ChangeType = "del_follow_user"           // a customer deleted a member
	ChangeTransferFail    ChangeType = "transfer_fail"             // a customer's transfer to another member failed
)

// The ChangeTypes of change_external_chat and change_external_tag (doc
// 92130): create and update serve both kinds; dismiss is a group's,
// delete and shuffle a tag's.
const (
	ChangeCreate  ChangeType = "create"
	ChangeUpdate  ChangeType = "update"
	ChangeDismiss ChangeType = "dismiss"
	ChangeDelete  ChangeType = "delete"
	ChangeShuffle ChangeType = "shuffle"
)

// The ChangeTypes of customer_acquisition (doc 97299). WeCom adds more
// from time to time; the router passes those to its fallback.
const (
	AcquisitionBalanceLow       ChangeType = "balance_low"         // fewer than 20 uses left
	AcquisitionBalanceExhausted ChangeType = "balance_exhausted"   // no uses left
	AcquisitionBalanceIncreased ChangeType = "balance_increased"   // uses again after none
	AcquisitionLinkUnavailable  ChangeType = "link_unavailable"    // a link stopped working (LinkID)
	AcquisitionDeleteLink       ChangeType = "delete_link"         // a link was deleted (LinkID)
	AcquisitionQuotaExpireSoon  ChangeType = "quota_expire_soon"   // some quota expires soon
	AcquisitionStartChat        ChangeType = "customer_start_chat" // a customer from a link sent the first message
)

// Values of CustomerEvent.Source and CustomerEvent.FailReason (doc 92130).
const (
	// SourceTransfer: the customer was deleted because it was transferred
	// to another member (在职继承).
	SourceTransfer = "DELETE_BY_TRANSFER"
	// FailRefused and FailLimit: the customer refused the transfer; the
	// receiving member has reached the customer limit.
	FailRefused = "customer_refused"
	FailLimit   = "customer_limit_exceed"
)

// Values of ChatEvent.UpdateDetail (doc 92130).
const (
	ChatAddMember    = "add_member"
	ChatDelMember    = "del_member"
	ChatChangeOwner  = "change_owner"
	ChatChangeName   = "change_name"
	ChatChangeNotice = "change_notice"
)

// Values of TagEvent.TagType.
const (
	TagTypeTag   = "tag"
	TagTypeGroup = "tag_group"
)

// MaxMemChangeList is how many MemChangeList items [ParseEvent] accepts;
// a customer group holds at most 2,000 members.
const MaxMemChangeList = 2000

// ErrNotCustomerContactEvent is returned by [ParseEvent] for a callback
// that is none of the customer-contact kinds.
var ErrNotCustomerContactEvent = errors.New("externalcontact: not a customer-contact callback")

// EventHeader is what every customer-contact callback carries.
type EventHeader struct {
	Kind   EventKind
	Change ChangeType
	// CorpID is the corporation the event is about: ToUserName for a
	// self-built app's callback and a third-party app's data callback,
	// AuthCorpId for a third-party app's command callback.
	CorpID string
	// SuiteID is the third-party app a command callback was for ("" in
	// the other forms).
	SuiteID string
	// At is CreateTime, or TimeStamp in a command callback.
	At time.Time
}

// CustomerEvent is a change_external_contact callback.
type CustomerEvent struct {
	EventHeader
	UserID         string // the member
	ExternalUserID string // the customer
	// State is the state of the contact way (「联系我」) or the
	// customer_channel of the acquisition link the customer came through
	// (add_external_contact, add_half_external_contact).
	State string
	// WelcomeCode lets the app send a welcome message
	// (externalcontact/send_welcome_msg) for a short while; WeCom leaves
	// it out when the member and the customer already talk, or for a
	// WeCom-user customer.
	WelcomeCode string
	// Source is why a del_external_contact happened: [SourceTransfer], or
	// "" for a member's own deletion.
	Source string
	// FailReason is a transfer_fail's reason: [FailRefused] or [FailLimit].
	FailReason string
}

// ChatEvent is a change_external_chat callback.
type ChatEvent struct {
	EventHeader
	ChatID string
	// UpdateDetail is what an update changed: [ChatAddMember],
	// [ChatDelMember], [ChatChangeOwner], [ChatChangeName] or
	// [ChatChangeNotice].
	UpdateDetail string
	// JoinScene: how members joined (add_member): 0 invited by a member,
	// 3 by scanning the group's QR code.
	JoinScene int
	// QuitScene: how members left (del_member): 0 by themselves, 1
	// removed by the owner.
	QuitScene int
	// MemChangeCnt is how many members joined or left.
	MemChangeCnt int
	// MemChangeList names them (userids and external userids), when
	// WeCom lists them.
	MemChangeList []string
	// LastMemVer and CurMemVer are the member-list versions before and
	// after: equal to groupchat/get's member_version, so an app that
	// holds LastMemVer may apply the change instead of reading the group.
	LastMemVer, CurMemVer string
}

// TagEvent is a change_external_tag callback.
type TagEvent struct {
	EventHeader
	// ID is the tag or group (by TagType); for shuffle, the group whose
	// tags were reordered, or "" when the groups were.
	ID string
	// TagType is [TagTypeTag] or [TagTypeGroup] ("" for shuffle).
	TagType string
	// StrategyID is the rule group (规则组) of a rule-group tag, 0 for a
	// corp tag.
	StrategyID int64
}

// AcquisitionEvent is a customer_acquisition callback (获客助手).
type AcquisitionEvent struct {
	EventHeader
	LinkID         string // link_unavailable, delete_link, customer_start_chat
	UserID         string // customer_start_chat: the member
	ExternalUserID string // customer_start_chat: the customer
	State          string // the link's customer_channel, when given
	ChatKey        string // a credential for customer_acquisition/get_chat_info, valid 30 minutes
}

// Event is a customer-contact callback, typed: exactly one of Customer,
// Chat, Tag and Acquisition is set, by Kind. A ChangeType this package
// does not know still parses, with the fields it recognises filled.
type Event struct {
	EventHeader
	Customer    *CustomerEvent
	Chat        *ChatEvent
	Tag         *TagEvent
	Acquisition *AcquisitionEvent
}

// wireEvent is every element a customer-contact push may carry.
type wireEvent struct {
	ToUserName     string `xml:"ToUserName"`
	SuiteID        string `xml:"SuiteId"`
	AuthCorpID     string `xml:"AuthCorpId"`
	InfoType       string `xml:"InfoType"`
	Event          string `xml:"Event"`
	ChangeType     string `xml:"ChangeType"`
	CreateTime     string `xml:"CreateTime"`
	TimeStamp      string `xml:"TimeStamp"`
	UserID         string `xml:"UserID"`
	ExternalUserID string `xml:"ExternalUserID"`
	State          string `xml:"State"`
	WelcomeCode    string `xml:"WelcomeCode"`
	Source         string `xml:"Source"`
	FailReason     string `xml:"FailReason"`
	ChatID         string `xml:"ChatId"`
	UpdateDetail   string `xml:"UpdateDetail"`
	JoinScene      string `xml:"JoinScene"`
	QuitScene      string `xml:"QuitScene"`
	MemChangeCnt   string `xml:"MemChangeCnt"`
	MemChangeList  *struct {
		Items []string `xml:"Item"`
	} `xml:"MemChangeList"`
	LastMemVer string `xml:"LastMemVer"`
	CurMemVer  string `xml:"CurMemVer"`
	ID         string `xml:"Id"`
	TagType    string `xml:"TagType"`
	StrategyID string `xml:"StrategyId"`
	LinkID     string `xml:"LinkId"`
	ChatKey    string `xml:"ChatKey"`
}

// kindOf names the customer-contact kind of ev, or "".
func kindOf(ev *crypto.Event) EventKind {
	for _, k := range [...]EventKind{KindCustomer, KindChat, KindTag, KindAcquisition} {
		if ev.Event == string(k) || ev.InfoType == string(k) {
			return k
		}
	}
	return ""
}

// ParseEvent types a decrypted customer-contact callback: from a
// self-built or 代开发 app, or a third-party app's data callback (Event
// change_external_contact …, ToUserName the corp), or a third-party
// app's command callback (InfoType …, AuthCorpId the corp). Anything else
// is [ErrNotCustomerContactEvent]; a malformed field is an error naming
// it, never a panic.
func ParseEvent(ev *crypto.Event) (*Event, error) {
	if ev == nil {
		return nil, ErrNotCustomerContactEvent
	}
	kind := kindOf(ev)
	if kind == "" {
		return nil, ErrNotCustomerContactEvent
	}
	if ev.IsJSON() {
		return nil, fmt.Errorf("%w: a JSON callback", ErrNotCustomerContactEvent)
	}
	var w wireEvent
	if err := xml.Unmarshal(ev.Raw, &w); err != nil {
		return nil, fmt.Errorf("externalcontact: %s: not well-formed XML", kind)
	}
	p := fieldParser{kind: kind}
	h := EventHeader{Kind: kind, Change: ChangeType(strings.TrimSpace(w.ChangeType)), CorpID: strings.TrimSpace(w.ToUserName),
		SuiteID: strings.TrimSpace(w.SuiteID)}
	if c := strings.TrimSpace(w.AuthCorpID); c != "" {
		h.CorpID = c
	}
	if ts := p.int("TimeStamp", w.TimeStamp); ts > 0 {
		h.At = time.Unix(ts, 0)
	} else if ct := p.int("CreateTime", w.CreateTime); ct > 0 {
		h.At = time.Unix(ct, 0)
	}
	out := &Event{EventHeader: h}
	switch kind {
	case KindCustomer:
		out.Customer = &CustomerEvent{EventHeader: h, UserID: w.UserID, ExternalUserID: w.ExternalUserID, State: w.State,
			WelcomeCode: w.WelcomeCode, Source: w.Source, FailReason: w.FailReason}
	case KindChat:
		c := &ChatEvent{EventHeader: h, ChatID: w.ChatID, UpdateDetail: strings.TrimSpace(w.UpdateDetail),
			JoinScene: int(p.int("JoinScene", w.JoinScene)), QuitScene: int(p.int("QuitScene", w.QuitScene)),
			MemChangeCnt: int(p.int("MemChangeCnt", w.MemChangeCnt)), LastMemVer: w.LastMemVer, CurMemVer: w.CurMemVer}
		if w.MemChangeList != nil {
			if len(w.MemChangeList.Items) > MaxMemChangeList {
				p.fail("MemChangeList has more than %d items", MaxMemChangeList)
			}
			for _, it := range w.MemChangeList.Items {
				if it = strings.TrimSpace(it); it != "" {
					c.MemChangeList = append(c.MemChangeList, it)
				}
			}
		}
		out.Chat = c
	case KindTag:
		out.Tag = &TagEvent{EventHeader: h, ID: strings.TrimSpace(w.ID), TagType: strings.TrimSpace(w.TagType),
			StrategyID: p.int("StrategyId", w.StrategyID)}
	case KindAcquisition:
		out.Acquisition = &AcquisitionEvent{EventHeader: h, LinkID: w.LinkID, UserID: w.UserID, ExternalUserID: w.ExternalUserID,
			State: w.State, ChatKey: w.ChatKey}
	}
	if p.err != nil {
		return nil, p.err
	}
	return out, nil
}

// fieldParser converts text fields, keeping the first error.
type fieldParser struct {
	kind EventKind
	err  error
}

func (p *fieldParser) fail(format string, args ...any) {
	if p.err == nil {
		p.err = fmt.Errorf("externalcontact: %s: "+format, append([]any{p.kind}, args...)...)
	}
}

func (p *fieldParser) int(name, s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.fail("%s is not a number", name)
	}
	return n
}
