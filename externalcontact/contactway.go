package externalcontact

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// The contact-way endpoints (客户联系「联系我」管理, doc 92228).
var (
	addContactWay = &wecom.Endpoint[wecom.CorpToken, *ContactWayConfig, ContactWayCreated]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/add_contact_way", Doc: 92228,
		Entry: "externalcontact.Client.AddContactWay",
	}
	getContactWay = &wecom.Endpoint[wecom.CorpToken, *configIDRequest, contactWayAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_contact_way", Doc: 92228, Idempotent: true,
		Entry: "externalcontact.Client.ContactWay",
	}
	listContactWay = &wecom.Endpoint[wecom.CorpToken, *listContactWayRequest, listContactWayAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/list_contact_way", Doc: 92228, Idempotent: true,
		Entry: "externalcontact.Client.ContactWays",
	}
	updateContactWay = &wecom.Endpoint[wecom.CorpToken, *updateContactWayRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/update_contact_way", Doc: 92228, Idempotent: true,
		Entry: "externalcontact.Client.UpdateContactWay",
	}
	delContactWay = &wecom.Endpoint[wecom.CorpToken, *configIDRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/del_contact_way", Doc: 92228,
		Entry: "externalcontact.Client.DeleteContactWay",
	}
	closeTempChat = &wecom.Endpoint[wecom.CorpToken, *closeTempChatRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/close_temp_chat", Doc: 92228, Idempotent: true,
		Entry: "externalcontact.Client.CloseTempChat",
	}
)

// wayEndpoints lists the endpoints of contact ways, customer groups and
// join ways, welcome messages and customer acquisition.
func wayEndpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		addContactWay.Info(), getContactWay.Info(), listContactWay.Info(), updateContactWay.Info(),
		delContactWay.Info(), closeTempChat.Info(),
		groupChatList.Info(), groupChatGet.Info(), opengidToChatID.Info(), groupChatStatistic.Info(),
		groupChatStatisticByDay.Info(),
		addJoinWay.Info(), getJoinWay.Info(), updateJoinWay.Info(), delJoinWay.Info(),
		sendWelcomeMsg.Info(), addGroupWelcomeTemplate.Info(), editGroupWelcomeTemplate.Info(),
		getGroupWelcomeTemplate.Info(), delGroupWelcomeTemplate.Info(),
		listAcquisitionLinks.Info(), getAcquisitionLink.Info(), createAcquisitionLink.Info(),
		updateAcquisitionLink.Info(), deleteAcquisitionLink.Info(), acquisitionCustomers.Info(),
		acquisitionQuota.Info(), acquisitionStatistic.Info(),
	}
}

// Contact way types and scenes (doc 92228).
const (
	ContactWaySingle = 1 // one member (type 1): User holds exactly one userid
	ContactWayMulti  = 2 // several members and departments (type 2)

	SceneMiniProgram = 1 // a 「联系我」 button in a mini program: no QR code
	SceneQRCode      = 2 // a QR code: the answer carries qr_code
)

// MaxContactWayUsers is the most members one contact way takes; WeCom
// answers more with 40032 (doc 92228 as SDKs quote it, UNCONFIRMED on the
// page itself: see docs/wecom-api-notes.md).
const MaxContactWayUsers = 100

// Conclusions is what a temporary chat sends the customer when it ends
// (结束语): a text and at most one of image, link or mini program.
type Conclusions struct {
	Text        *Text                  `json:"text,omitempty"`
	Image       *AttachmentImage       `json:"image,omitempty"` // media_id to set; the answer gives pic_url
	Link        *AttachmentLink        `json:"link,omitempty"`
	MiniProgram *AttachmentMiniProgram `json:"miniprogram,omitempty"`
}

// ContactWayConfig is a new contact way (「联系我」), as
// [Client.AddContactWay] sends it.
type ContactWayConfig struct {
	Type   int    `json:"type"`                   // ContactWaySingle or ContactWayMulti
	Scene  int    `json:"scene" wecom:"required"` // SceneMiniProgram or SceneQRCode
	Style  int    `json:"style,omitempty"`        // the mini program button's style (1–…)
	Remark string `json:"remark,omitempty"`       // at most 30 characters
	// SkipVerify: customers are added without the member's confirmation.
	// nil is WeCom's default, true.
	SkipVerify *bool    `json:"skip_verify,omitempty"`
	State      string   `json:"state,omitempty"` // at most 30 characters; returned as FollowUser.State
	User       []string `json:"user,omitempty"`  // userids; exactly one for ContactWaySingle
	Party      []int64  `json:"party,omitempty"` // department ids; ContactWayMulti only
	// IsTemp makes a temporary-chat code (临时会话, medical corporations,
	// ContactWaySingle only): it expires after ExpiresIn seconds (default
	// 7 days) and the chat after ChatExpiresIn seconds (default 24 h).
	IsTemp        bool         `json:"is_temp,omitempty"`
	ExpiresIn     int          `json:"expires_in,omitempty"`
	ChatExpiresIn int          `json:"chat_expires_in,omitempty"`
	UnionID       string       `json:"unionid,omitempty"` // the one WeChat user a temporary chat is for
	IsExclusive   bool         `json:"is_exclusive,omitempty"`
	MarkSource    bool         `json:"mark_source,omitempty"`
	Conclusions   *Conclusions `json:"conclusions,omitempty"`
}

// ContactWay is a configured contact way as WeCom describes it
// (get_contact_way, doc 92228).
type ContactWay struct {
	ConfigID      string       `json:"config_id"`
	Type          int          `json:"type"`
	Scene         int          `json:"scene"`
	Style         int          `json:"style,omitempty"`
	Remark        string       `json:"remark,omitempty"`
	SkipVerify    bool         `json:"skip_verify"`
	State         string       `json:"state,omitempty"`
	QRCode        string       `json:"qr_code,omitempty"` // SceneQRCode only
	User          []string     `json:"user,omitempty"`
	Party         []int64      `json:"party,omitempty"`
	IsTemp        bool         `json:"is_temp,omitempty"`
	ExpiresIn     int          `json:"expires_in,omitempty"`
	ChatExpiresIn int          `json:"chat_expires_in,omitempty"`
	UnionID       string       `json:"unionid,omitempty"`
	IsExclusive   bool         `json:"is_exclusive,omitempty"`
	MarkSource    bool         `json:"mark_source,omitempty"`
	Conclusions   *Conclusions `json:"conclusions,omitempty"`
}

// ContactWayCreated is what add_contact_way answers: the config_id to
// keep (WeCom does not list API-made contact ways in its admin console, so
// a lost config_id cannot be edited or deleted) and the QR code's URL.
type ContactWayCreated struct {
	ConfigID string `json:"config_id"`
	QRCode   string `json:"qr_code,omitempty"`
}

type configIDRequest struct {
	ConfigID string `json:"config_id" wecom:"required"`
}

type contactWayAnswer struct {
	ContactWay ContactWay `json:"contact_way"`
}

type listContactWayRequest struct {
	StartTime int64  `json:"start_time,omitempty"`
	EndTime   int64  `json:"end_time,omitempty"`
	Cursor    string `json:"cursor,omitempty"`
	Limit     int    `json:"limit,omitempty"`
}

type listContactWayAnswer struct {
	ContactWay []struct {
		ConfigID string `json:"config_id"`
	} `json:"contact_way"`
	NextCursor string `json:"next_cursor"`
}

// ContactWayUpdate is what [Client.UpdateContactWay] changes; nil and
// empty fields are left as they are.
type ContactWayUpdate struct {
	Remark        *string
	SkipVerify    *bool
	Style         int
	State         *string
	User          []string // replaces the members when not nil
	Party         []int64  // replaces the departments when not nil
	ExpiresIn     int
	ChatExpiresIn int
	UnionID       string
	MarkSource    *bool
	Conclusions   *Conclusions
}

type updateContactWayRequest struct {
	ConfigID      string       `json:"config_id" wecom:"required"`
	Remark        *string      `json:"remark,omitempty"`
	SkipVerify    *bool        `json:"skip_verify,omitempty"`
	Style         int          `json:"style,omitempty"`
	State         *string      `json:"state,omitempty"`
	User          []string     `json:"user,omitempty"`
	Party         []int64      `json:"party,omitempty"`
	ExpiresIn     int          `json:"expires_in,omitempty"`
	ChatExpiresIn int          `json:"chat_expires_in,omitempty"`
	UnionID       string       `json:"unionid,omitempty"`
	MarkSource    *bool        `json:"mark_source,omitempty"`
	Conclusions   *Conclusions `json:"conclusions,omitempty"`
}

type closeTempChatRequest struct {
	UserID         string `json:"userid" wecom:"required"`
	ExternalUserID string `json:"external_userid" wecom:"required"`
}

// AddContactWay configures a contact way (externalcontact/add_contact_way,
// doc 92228): a QR code or a mini program button through which customers
// add the members cfg names. Keep the config_id: WeCom's console does not
// show contact ways made through the API.
func (c *Client) AddContactWay(ctx context.Context, cfg ContactWayConfig) (*ContactWayCreated, error) {
	switch {
	case cfg.Type != ContactWaySingle && cfg.Type != ContactWayMulti:
		return nil, fmt.Errorf("%w: contact way type %d", ErrInvalidArgument, cfg.Type)
	case cfg.Scene != SceneMiniProgram && cfg.Scene != SceneQRCode:
		return nil, fmt.Errorf("%w: contact way scene %d", ErrInvalidArgument, cfg.Scene)
	case cfg.Type == ContactWaySingle && len(cfg.User) != 1:
		return nil, fmt.Errorf("%w: a single-member contact way takes one userid, not %d", ErrInvalidArgument, len(cfg.User))
	case cfg.Type == ContactWayMulti && len(cfg.User)+len(cfg.Party) == 0:
		return nil, fmt.Errorf("%w: a multi-member contact way needs members or departments", ErrInvalidArgument)
	case len(cfg.User) > MaxContactWayUsers:
		return nil, fmt.Errorf("%w: %d members (at most %d)", ErrInvalidArgument, len(cfg.User), MaxContactWayUsers)
	}
	a, err := addContactWay.Call(ctx, c.corp, &cfg)
	if err != nil {
		return nil, fmt.Errorf("externalcontact: add contact way: %w", err)
	}
	return a, nil
}

// ContactWay returns the contact way configID
// (externalcontact/get_contact_way, doc 92228).
func (c *Client) ContactWay(ctx context.Context, configID string) (*ContactWay, error) {
	if err := required("config_id", configID); err != nil {
		return nil, err
	}
	a, err := getContactWay.Call(ctx, c.corp, &configIDRequest{ConfigID: configID})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: contact way %s: %w", configID, err)
	}
	return &a.ContactWay, nil
}

// contactWayPage is how many config_ids ContactWays asks for at once
// (list_contact_way: limit at most 1000).
const contactWayPage = 1000

// ContactWays yields the config_ids of the contact ways made through the
// API (externalcontact/list_contact_way, doc 92228), created between start
// and end (zero: WeCom's default, the last 90 days), following
// next_cursor. WeCom lists only contact ways created after 2021-07-10. The
// sequence stops after the first error it yields.
func (c *Client) ContactWays(ctx context.Context, start, end time.Time) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		req := &listContactWayRequest{Limit: contactWayPage}
		if !start.IsZero() {
			req.StartTime = start.Unix()
		}
		if !end.IsZero() {
			req.EndTime = end.Unix()
		}
		for {
			a, err := listContactWay.Call(ctx, c.corp, req)
			if err != nil {
				yield("", fmt.Errorf("externalcontact: contact ways: %w", err))
				return
			}
			for _, w := range a.ContactWay {
				if !yield(w.ConfigID, nil) {
					return
				}
			}
			if a.NextCursor == "" || a.NextCursor == req.Cursor {
				return
			}
			req.Cursor = a.NextCursor
		}
	}
}

// UpdateContactWay changes the contact way configID
// (externalcontact/update_contact_way, doc 92228).
func (c *Client) UpdateContactWay(ctx context.Context, configID string, u ContactWayUpdate) error {
	if err := required("config_id", configID); err != nil {
		return err
	}
	if len(u.User) > MaxContactWayUsers {
		return fmt.Errorf("%w: %d members (at most %d)", ErrInvalidArgument, len(u.User), MaxContactWayUsers)
	}
	req := &updateContactWayRequest{ConfigID: configID, Remark: u.Remark, SkipVerify: u.SkipVerify, Style: u.Style,
		State: u.State, User: u.User, Party: u.Party, ExpiresIn: u.ExpiresIn, ChatExpiresIn: u.ChatExpiresIn,
		UnionID: u.UnionID, MarkSource: u.MarkSource, Conclusions: u.Conclusions}
	if _, err := updateContactWay.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("externalcontact: update contact way %s: %w", configID, err)
	}
	return nil
}

// DeleteContactWay deletes the contact way configID
// (externalcontact/del_contact_way, doc 92228); its QR code stops working.
func (c *Client) DeleteContactWay(ctx context.Context, configID string) error {
	if err := required("config_id", configID); err != nil {
		return err
	}
	if _, err := delContactWay.Call(ctx, c.corp, &configIDRequest{ConfigID: configID}); err != nil {
		return fmt.Errorf("externalcontact: delete contact way %s: %w", configID, err)
	}
	return nil
}

// CloseTempChat ends the temporary chat between member userID and
// customer externalUserID (externalcontact/close_temp_chat, doc 92228);
// the contact way's conclusions are sent to the customer.
func (c *Client) CloseTempChat(ctx context.Context, userID, externalUserID string) error {
	if err := required("userid", userID); err != nil {
		return err
	}
	if err := required("external userid", externalUserID); err != nil {
		return err
	}
	if _, err := closeTempChat.Call(ctx, c.corp, &closeTempChatRequest{UserID: userID, ExternalUserID: externalUserID}); err != nil {
		return fmt.Errorf("externalcontact: close temp chat of %s with %s: %w", userID, externalUserID, err)
	}
	return nil
}
