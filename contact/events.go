package contact

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
)

// EventType is the ChangeType of a change_contact callback.
type EventType string

// The change_contact callbacks (self-built and 代开发 apps and the
// contact-sync helper: docs 90970, 90971, 90972, mirrored for 代开发 as
// 96302–96304; third-party apps: 92654–92656, the same fields under
// InfoType).
const (
	EventCreateUser  EventType = "create_user"
	EventUpdateUser  EventType = "update_user"
	EventDeleteUser  EventType = "delete_user"
	EventCreateParty EventType = "create_party"
	EventUpdateParty EventType = "update_party"
	EventDeleteParty EventType = "delete_party"
	EventUpdateTag   EventType = "update_tag"
)

// ErrNotContactEvent is returned by [ParseEvent] for a callback that is
// not a change_contact one.
var ErrNotContactEvent = errors.New("contact: not a change_contact callback")

// Event is a change_contact callback, typed: exactly one of User,
// Department and Tag is set, by Type. WeCom pushes only some fields —
// an update carries the ones that changed, and since 2022-08-15 the
// contact-sync helper's callbacks carry only UserID and Department — so
// each of those types says which fields the push held ([ChangedUser.Has]).
// A full sync stays the source of truth; events tell it what to look at
// sooner.
type Event struct {
	Type EventType
	// CorpID is the corporation the change happened in: ToUserName for a
	// self-built app's callback, AuthCorpId for a third-party app's.
	CorpID string
	// SuiteID is the third-party app the push was for ("" otherwise).
	SuiteID string
	At      time.Time // CreateTime, or TimeStamp for a third-party push

	User       *ChangedUser       // create_user, update_user, delete_user
	Department *ChangedDepartment // create_party, update_party, delete_party
	Tag        *ChangedTag        // update_tag
}

// ChangedUser is a member in a change_contact callback.
type ChangedUser struct {
	UserID string
	// NewUserID is the member's new userid when update_user renamed it.
	NewUserID string
	// OpenUserID is a third-party app's id for the member.
	OpenUserID     string
	Name           string
	Departments    []int64
	MainDepartment int64
	IsLeaderInDept []bool // per Departments entry
	DirectLeaders  []string
	Position       string
	Mobile         string
	Gender         string // "1" male, "2" female, "0" unknown
	Email          string
	BizMail        string
	Status         int // 1 active, 2 disabled, 4 not yet active, 5 left
	Avatar         string
	Alias          string
	Telephone      string
	Address        string

	present map[string]bool
}

// Has reports whether the push carried field, named as WeCom's XML element
// ("Name", "Department", "Mobile" …): an update leaves out what did not
// change, so an empty value alone does not mean "cleared".
func (u *ChangedUser) Has(field string) bool { return u.present[field] }

// ChangedDepartment is a department in a change_contact callback.
type ChangedDepartment struct {
	ID       int64
	Name     string
	ParentID int64
	Order    int64

	present map[string]bool
}

// Has reports whether the push carried field ("Name", "ParentId",
// "Order").
func (d *ChangedDepartment) Has(field string) bool { return d.present[field] }

// ChangedTag is an update_tag callback: members and departments added to
// or removed from a tag. WeCom does not promise these lists are complete
// (a department deleted may leave DelPartyItems out); read the tag's
// members when exactness matters.
type ChangedTag struct {
	TagID          int64
	AddedUsers     []string
	RemovedUsers   []string
	AddedParties   []int64
	RemovedParties []int64
}

// wireEvent is every element a change_contact push may carry; pointers
// tell absent from empty.
type wireEvent struct {
	ToUserName     string  `xml:"ToUserName"`
	SuiteID        string  `xml:"SuiteId"`
	AuthCorpID     string  `xml:"AuthCorpId"`
	InfoType       string  `xml:"InfoType"`
	Event          string  `xml:"Event"`
	ChangeType     string  `xml:"ChangeType"`
	CreateTime     int64   `xml:"CreateTime"`
	TimeStamp      int64   `xml:"TimeStamp"`
	UserID         *string `xml:"UserID"`
	NewUserID      *string `xml:"NewUserID"`
	OpenUserID     *string `xml:"OpenUserID"`
	Name           *string `xml:"Name"`
	Department     *string `xml:"Department"`
	MainDepartment *string `xml:"MainDepartment"`
	IsLeaderInDept *string `xml:"IsLeaderInDept"`
	DirectLeader   *string `xml:"DirectLeader"`
	Position       *string `xml:"Position"`
	Mobile         *string `xml:"Mobile"`
	Gender         *string `xml:"Gender"`
	Email          *string `xml:"Email"`
	BizMail        *string `xml:"BizMail"`
	Status         *string `xml:"Status"`
	Avatar         *string `xml:"Avatar"`
	Alias          *string `xml:"Alias"`
	Telephone      *string `xml:"Telephone"`
	Address        *string `xml:"Address"`
	ID             *string `xml:"Id"`
	ParentID       *string `xml:"ParentId"`
	Order          *string `xml:"Order"`
	TagID          *string `xml:"TagId"`
	AddUserItems   *string `xml:"AddUserItems"`
	DelUserItems   *string `xml:"DelUserItems"`
	AddPartyItems  *string `xml:"AddPartyItems"`
	DelPartyItems  *string `xml:"DelPartyItems"`
}

// ParseEvent types a decrypted change_contact callback, from a self-built
// or 代开发 app (Event change_contact) or a third-party app (InfoType
// change_contact). Anything else is [ErrNotContactEvent]; a malformed
// field is an error naming it, never a panic.
func ParseEvent(ev *crypto.Event) (*Event, error) {
	if ev == nil || (ev.Event != "change_contact" && ev.InfoType != "change_contact") {
		return nil, ErrNotContactEvent
	}
	if ev.IsJSON() {
		return nil, fmt.Errorf("%w: a JSON callback", ErrNotContactEvent)
	}
	var w wireEvent
	if err := xml.Unmarshal(ev.Raw, &w); err != nil {
		return nil, errors.New("contact: change_contact: not well-formed XML")
	}
	out := &Event{Type: EventType(strings.TrimSpace(w.ChangeType)), CorpID: w.ToUserName, SuiteID: w.SuiteID}
	if w.AuthCorpID != "" {
		out.CorpID = w.AuthCorpID
	}
	if w.TimeStamp > 0 {
		out.At = time.Unix(w.TimeStamp, 0)
	} else if w.CreateTime > 0 {
		out.At = time.Unix(w.CreateTime, 0)
	}
	p := fieldParser{}
	switch out.Type {
	case EventCreateUser, EventUpdateUser, EventDeleteUser:
		out.User = p.user(&w)
	case EventCreateParty, EventUpdateParty, EventDeleteParty:
		out.Department = p.department(&w)
	case EventUpdateTag:
		out.Tag = p.tag(&w)
	default:
		return nil, fmt.Errorf("contact: change_contact: unknown ChangeType %q", out.Type)
	}
	if p.err != nil {
		return nil, p.err
	}
	return out, nil
}

// fieldParser converts text fields, keeping the first error.
type fieldParser struct{ err error }

func (p *fieldParser) int(name string, s *string) int64 {
	if s == nil || strings.TrimSpace(*s) == "" {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(*s), 10, 64)
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("contact: change_contact: %s is not a number", name)
	}
	return n
}

func (p *fieldParser) ints(name string, s *string) []int64 {
	var out []int64
	for _, f := range list(s) {
		out = append(out, p.int(name, &f))
	}
	return out
}

func list(s *string) []string {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil
	}
	parts := strings.Split(*s, ",")
	out := parts[:0]
	for _, f := range parts {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (p *fieldParser) user(w *wireEvent) *ChangedUser {
	u := &ChangedUser{
		UserID: text(w.UserID), NewUserID: text(w.NewUserID), OpenUserID: text(w.OpenUserID),
		Name: text(w.Name), Departments: p.ints("Department", w.Department),
		MainDepartment: p.int("MainDepartment", w.MainDepartment), DirectLeaders: list(w.DirectLeader),
		Position: text(w.Position), Mobile: text(w.Mobile), Gender: text(w.Gender), Email: text(w.Email),
		BizMail: text(w.BizMail), Status: int(p.int("Status", w.Status)), Avatar: text(w.Avatar),
		Alias: text(w.Alias), Telephone: text(w.Telephone), Address: text(w.Address),
		present: make(map[string]bool),
	}
	for _, f := range list(w.IsLeaderInDept) {
		u.IsLeaderInDept = append(u.IsLeaderInDept, f == "1")
	}
	for name, v := range map[string]*string{
		"UserID": w.UserID, "NewUserID": w.NewUserID, "OpenUserID": w.OpenUserID, "Name": w.Name,
		"Department": w.Department, "MainDepartment": w.MainDepartment, "IsLeaderInDept": w.IsLeaderInDept,
		"DirectLeader": w.DirectLeader, "Position": w.Position, "Mobile": w.Mobile, "Gender": w.Gender,
		"Email": w.Email, "BizMail": w.BizMail, "Status": w.Status, "Avatar": w.Avatar, "Alias": w.Alias,
		"Telephone": w.Telephone, "Address": w.Address,
	} {
		if v != nil {
			u.present[name] = true
		}
	}
	return u
}

func (p *fieldParser) department(w *wireEvent) *ChangedDepartment {
	d := &ChangedDepartment{
		ID: p.int("Id", w.ID), Name: text(w.Name), ParentID: p.int("ParentId", w.ParentID), Order: p.int("Order", w.Order),
		present: make(map[string]bool),
	}
	for name, v := range map[string]*string{"Id": w.ID, "Name": w.Name, "ParentId": w.ParentID, "Order": w.Order} {
		if v != nil {
			d.present[name] = true
		}
	}
	return d
}

func (p *fieldParser) tag(w *wireEvent) *ChangedTag {
	return &ChangedTag{
		TagID:          p.int("TagId", w.TagID),
		AddedUsers:     list(w.AddUserItems),
		RemovedUsers:   list(w.DelUserItems),
		AddedParties:   p.ints("AddPartyItems", w.AddPartyItems),
		RemovedParties: p.ints("DelPartyItems", w.DelPartyItems),
	}
}
