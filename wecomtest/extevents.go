package wecomtest

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/wecomkit/wecomkit/externalcontact"
)

// Customer-contact callbacks (docs 92130, 97299; third-party 92277,
// 97402): the fake pushes them, sealed as WeCom seals them, when a test
// asks. Changing the fake's customers pushes nothing by itself, except
// through [Server.AddCustomerAndPush].

// Target says where a customer-contact callback goes and in which form.
type Target struct {
	// CorpID is the corporation the event is about.
	CorpID string
	// AgentID names a self-built app of CorpID: the callback goes to its
	// URL ([Server.SetAppCallback]) through [Server.PushApp], with
	// ToUserName, CreateTime, MsgType event and Event.
	AgentID int64
	// SuiteID names a third-party app instead: the callback goes to its
	// command URL ([Server.PushRaw]) with SuiteId, AuthCorpId, InfoType
	// and TimeStamp, as WeCom's pages for third-party apps describe, or,
	// with Data, to its data URL ([Server.PushData]) in the self-built
	// form.
	SuiteID string
	Data    bool
}

// ExternalContactEvent is a customer-contact callback for
// [Server.PushExternalContactEvent]. Kind defaults to
// change_external_contact; fields that do not belong to the kind, and
// empty optional ones, are left out of the XML.
type ExternalContactEvent struct {
	Kind       externalcontact.EventKind
	ChangeType externalcontact.ChangeType

	// change_external_contact (and customer_start_chat's UserID,
	// ExternalUserID and State).
	UserID         string
	ExternalUserID string
	State          string
	WelcomeCode    string // e.g. one the fake issued for its welcome-message endpoint
	Source         string
	FailReason     string

	// change_external_chat.
	ChatID        string
	UpdateDetail  string
	JoinScene     int
	QuitScene     int
	MemChangeCnt  int
	MemChangeList []string
	LastMemVer    string
	CurMemVer     string

	// change_external_tag.
	ID         string
	TagType    string
	StrategyID int64

	// customer_acquisition.
	LinkID  string
	ChatKey string
}

// ErrNoTarget is wrapped by the error of a push whose [Target] names
// neither an app nor a suite.
var ErrNoTarget = errors.New("wecomtest: a push target needs an AgentID or a SuiteID")

// PushExternalContactEvent sends ev to t as WeCom sends a customer-contact
// callback: the XML built from ev (stamped with the server's clock),
// encrypted and signed for the target. It returns an error unless the
// callback answered 200 "success".
func (s *Server) PushExternalContactEvent(ctx context.Context, t Target, ev ExternalContactEvent) error {
	if ev.Kind == "" {
		ev.Kind = externalcontact.KindCustomer
	}
	if t.CorpID == "" {
		return fmt.Errorf("wecomtest: push %s: no CorpID", ev.Kind)
	}
	now := s.now().Unix()
	p := newPushXML()
	switch {
	case t.SuiteID != "" && !t.Data:
		p.str("SuiteId", t.SuiteID).str("AuthCorpId", t.CorpID).str("InfoType", string(ev.Kind)).num("TimeStamp", now)
	case t.SuiteID != "" || t.AgentID != 0:
		p.str("ToUserName", t.CorpID).str("FromUserName", "sys").num("CreateTime", now).
			str("MsgType", "event").str("Event", string(ev.Kind))
	default:
		return fmt.Errorf("%w (%s)", ErrNoTarget, ev.Kind)
	}
	p.str("ChangeType", string(ev.ChangeType))
	ev.body(p)
	msg := p.done()
	switch {
	case t.SuiteID != "" && !t.Data:
		return s.PushRaw(ctx, t.SuiteID, msg)
	case t.SuiteID != "":
		return s.PushData(ctx, t.SuiteID, t.CorpID, msg)
	default:
		return s.PushApp(ctx, t.CorpID, t.AgentID, msg)
	}
}

// body writes the kind's own elements.
func (ev *ExternalContactEvent) body(p *pushXML) {
	opt := func(name, v string) {
		if v != "" {
			p.str(name, v)
		}
	}
	switch ev.Kind {
	case externalcontact.KindCustomer:
		p.str("UserID", ev.UserID).str("ExternalUserID", ev.ExternalUserID)
		opt("State", ev.State)
		opt("WelcomeCode", ev.WelcomeCode)
		opt("Source", ev.Source)
		opt("FailReason", ev.FailReason)
	case externalcontact.KindChat:
		p.str("ChatId", ev.ChatID)
		if ev.ChangeType == externalcontact.ChangeUpdate {
			p.str("UpdateDetail", ev.UpdateDetail).num("JoinScene", int64(ev.JoinScene)).
				num("QuitScene", int64(ev.QuitScene)).num("MemChangeCnt", int64(ev.MemChangeCnt))
			if len(ev.MemChangeList) > 0 {
				p.b.WriteString("<MemChangeList>")
				for _, m := range ev.MemChangeList {
					p.str("Item", m)
				}
				p.b.WriteString("</MemChangeList>")
			}
			opt("LastMemVer", ev.LastMemVer)
			opt("CurMemVer", ev.CurMemVer)
		}
	case externalcontact.KindTag:
		opt("Id", ev.ID)
		opt("TagType", ev.TagType)
		if ev.StrategyID != 0 {
			p.num("StrategyId", ev.StrategyID)
		}
	default: // customer_acquisition, or a kind the fake does not know
		opt("LinkId", ev.LinkID)
		opt("UserID", ev.UserID)
		opt("ExternalUserID", ev.ExternalUserID)
		opt("State", ev.State)
		opt("ChatKey", ev.ChatKey)
	}
}

// AddCustomerAndPush adds c as a customer of member userID
// ([Server.AddCustomer]) and pushes add_external_contact to t with c's
// State and a WelcomeCode that send_welcome_msg accepts for 20 seconds:
// welcomeCode, or, when it is "", one minted with [Server.NewWelcomeCode].
// (To push the event without a WelcomeCode, as WeCom does when the
// member and the customer already talk, call AddCustomer and
// [Server.PushExternalContactEvent].) The customer stays added if the
// push fails.
func (s *Server) AddCustomerAndPush(ctx context.Context, t Target, userID string, c Customer, welcomeCode string) error {
	if welcomeCode == "" {
		welcomeCode = s.NewWelcomeCode(t.CorpID, userID, c.ExternalUserID)
	} else {
		s.issueWelcomeCode(t.CorpID, welcomeCode, userID, c.ExternalUserID)
	}
	s.AddCustomer(t.CorpID, userID, c)
	return s.PushExternalContactEvent(ctx, t, ExternalContactEvent{ChangeType: externalcontact.ChangeAddCustomer,
		UserID: userID, ExternalUserID: c.ExternalUserID, State: c.State, WelcomeCode: welcomeCode})
}

// RemoveCustomer ends member userID's relation with customer
// externalUserID in corpID, as a deletion by either side does, and
// reports whether there was one. A customer with no follower left is
// forgotten; a member with no customer left is no longer a follow user.
func (s *Server) RemoveCustomer(corpID, userID, externalUserID string) bool {
	e := s.ext
	e.mu.Lock()
	defer e.mu.Unlock()
	ec := e.corpLocked(corpID)
	cu := ec.customers[externalUserID]
	if cu == nil {
		return false
	}
	if _, ok := cu.unfollow(userID); !ok {
		return false
	}
	if len(cu.follows) == 0 {
		delete(ec.customers, externalUserID)
	}
	ec.byUser[userID] = slices.DeleteFunc(ec.byUser[userID], func(x string) bool { return x == externalUserID })
	if len(ec.byUser[userID]) == 0 {
		delete(ec.byUser, userID)
		ec.users = slices.DeleteFunc(ec.users, func(u string) bool { return u == userID })
	}
	return true
}
