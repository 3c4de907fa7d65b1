package kf

import (
	"context"
	"fmt"
	"regexp"
	"time"
)

// Limits of send_msg and send_msg_on_event (docs 94677, 95122).
const (
	MaxTextBytes  = 2048 // text.content
	MaxMsgIDBytes = 32   // a caller-chosen msgid
	MaxMenuItems  = 10   // msgmenu.list
	// SendQuota: after a customer's message the corporation may send that
	// customer at most 5 messages, within SendWindow; a new message from
	// the customer opens a new window.
	SendQuota  = 5
	SendWindow = 48 * time.Hour
)

var msgIDRE = regexp.MustCompile(`^[0-9a-zA-Z_-]*$`)

// Content is a message [Client.Send] and [Client.SendOnEvent] can send:
// *Text, *Image, *Voice, *Video, *File, *Link, *MiniProgram, *Menu,
// *Location or *CALink. Each checks its own limits before any request.
// Media (images, voices, videos, files, thumbnails) are media_ids from
// package media's temporary upload (media.Client), valid 3 days.
type Content interface {
	fill(r *sendRequest) error
}

// Text is a text message: at most 2048 bytes.
type Text struct {
	Content string `json:"content"`
}

// MediaRef names a temporary medium.
type MediaRef struct {
	MediaID string `json:"media_id"`
}

// Image, Voice (AMR, at most 60 s), Video and File messages carry a
// media_id from package media.
type (
	Image MediaRef
	Voice MediaRef
	Video MediaRef
	File  MediaRef
)

// Link is a link card (图文链接).
type Link struct {
	Title        string `json:"title"`          // at most 128 bytes; WeCom cuts longer
	Desc         string `json:"desc,omitempty"` // at most 512 bytes; WeCom cuts longer
	URL          string `json:"url"`            // at most 2048 bytes, with http:// or https://
	ThumbMediaID string `json:"thumb_media_id"` // a temporary image
}

// MiniProgram is a mini program card; the mini program must be linked to
// the corporation.
type MiniProgram struct {
	AppID        string `json:"appid"`
	Title        string `json:"title,omitempty"` // at most 64 bytes; WeCom cuts longer
	ThumbMediaID string `json:"thumb_media_id"`  // cover, 520×416 advised
	PagePath     string `json:"pagepath"`
}

// Menu is a menu message (菜单消息): a head, up to 10 items, a tail. A
// customer clicking a "click" item sends a text message whose
// Text.MenuID is the item's ID.
type Menu struct {
	HeadContent string     `json:"head_content,omitempty"` // at most 1024 bytes
	List        []MenuItem `json:"list,omitempty"`
	TailContent string     `json:"tail_content,omitempty"` // at most 1024 bytes
}

// MenuItem is one item of a [Menu]: set Type and its field.
type MenuItem struct {
	Type        string           `json:"type"` // click, view, miniprogram or text
	Click       *MenuClick       `json:"click,omitempty"`
	View        *MenuView        `json:"view,omitempty"`
	MiniProgram *MenuMiniProgram `json:"miniprogram,omitempty"`
	Text        *MenuText        `json:"text,omitempty"`
}

// MenuClick is a reply item: clicked, the customer sends Content with the
// item's ID.
type MenuClick struct {
	ID      string `json:"id,omitempty"` // 1 to 64 bytes
	Content string `json:"content"`      // 1 to 128 bytes
}

// MenuView is a link item.
type MenuView struct {
	URL     string `json:"url"`     // 1 to 2048 bytes
	Content string `json:"content"` // 1 to 1024 bytes
}

// MenuMiniProgram opens a mini program page.
type MenuMiniProgram struct {
	AppID    string `json:"appid"`
	PagePath string `json:"pagepath"`
	Content  string `json:"content"`
}

// MenuText is plain text within the menu.
type MenuText struct {
	Content   string `json:"content"`              // 1 to 256 bytes
	NoNewline int    `json:"no_newline,omitempty"` // 1: no line break after it
}

// Location is a location card.
type Location struct {
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
	Latitude  float64 `json:"latitude"`  // -90 to 90
	Longitude float64 `json:"longitude"` // -180 to 180
}

// CALink is a customer acquisition link (获客链接) card.
type CALink struct {
	LinkURL string `json:"link_url"`
}

// sendRequest is the body of send_msg and send_msg_on_event: the
// recipient or the event's code, and one content field set by the
// Content's fill.
type sendRequest struct {
	ToUser      string       `json:"touser,omitempty"`
	OpenKfID    string       `json:"open_kfid,omitempty"`
	Code        string       `json:"code,omitempty" wecom:"secret"`
	MsgID       string       `json:"msgid,omitempty"`
	MsgType     string       `json:"msgtype" wecom:"required"`
	Text        *Text        `json:"text,omitempty"`
	Image       *Image       `json:"image,omitempty"`
	Voice       *Voice       `json:"voice,omitempty"`
	Video       *Video       `json:"video,omitempty"`
	File        *File        `json:"file,omitempty"`
	Link        *Link        `json:"link,omitempty"`
	MiniProgram *MiniProgram `json:"miniprogram,omitempty"`
	MsgMenu     *Menu        `json:"msgmenu,omitempty"`
	Location    *Location    `json:"location,omitempty"`
	CALink      *CALink      `json:"ca_link,omitempty"`
}

func (m *Text) fill(r *sendRequest) error {
	if err := errorsOf(required("text", m.Content), maxBytes("text", m.Content, MaxTextBytes)); err != nil {
		return err
	}
	r.MsgType, r.Text = "text", m
	return nil
}

func (m *Image) fill(r *sendRequest) error {
	r.MsgType, r.Image = "image", m
	return required("image media_id", m.MediaID)
}

func (m *Voice) fill(r *sendRequest) error {
	r.MsgType, r.Voice = "voice", m
	return required("voice media_id", m.MediaID)
}

func (m *Video) fill(r *sendRequest) error {
	r.MsgType, r.Video = "video", m
	return required("video media_id", m.MediaID)
}

func (m *File) fill(r *sendRequest) error {
	r.MsgType, r.File = "file", m
	return required("file media_id", m.MediaID)
}

func (m *Link) fill(r *sendRequest) error {
	r.MsgType, r.Link = "link", m
	return errorsOf(required("link title", m.Title), required("link url", m.URL), maxBytes("link url", m.URL, 2048),
		required("link thumb_media_id", m.ThumbMediaID))
}

func (m *MiniProgram) fill(r *sendRequest) error {
	r.MsgType, r.MiniProgram = "miniprogram", m
	return errorsOf(required("miniprogram appid", m.AppID), required("miniprogram thumb_media_id", m.ThumbMediaID),
		required("miniprogram pagepath", m.PagePath))
}

func (m *Menu) fill(r *sendRequest) error {
	r.MsgType, r.MsgMenu = "msgmenu", m
	if err := errorsOf(maxBytes("menu head", m.HeadContent, 1024), maxBytes("menu tail", m.TailContent, 1024)); err != nil {
		return err
	}
	if len(m.List) > MaxMenuItems {
		return fmt.Errorf("%w: %d menu items, at most %d", ErrInvalidArgument, len(m.List), MaxMenuItems)
	}
	for i, it := range m.List {
		if err := it.check(); err != nil {
			return fmt.Errorf("menu item %d: %w", i, err)
		}
	}
	return nil
}

func (it *MenuItem) check() error {
	switch {
	case it.Type == "click" && it.Click != nil:
		return errorsOf(required("click content", it.Click.Content), maxBytes("click content", it.Click.Content, 128),
			maxBytes("click id", it.Click.ID, 64))
	case it.Type == "view" && it.View != nil:
		return errorsOf(required("view url", it.View.URL), required("view content", it.View.Content),
			maxBytes("view url", it.View.URL, 2048), maxBytes("view content", it.View.Content, 1024))
	case it.Type == "miniprogram" && it.MiniProgram != nil:
		return errorsOf(required("miniprogram appid", it.MiniProgram.AppID), required("miniprogram pagepath", it.MiniProgram.PagePath),
			required("miniprogram content", it.MiniProgram.Content))
	case it.Type == "text" && it.Text != nil:
		return errorsOf(required("text content", it.Text.Content), maxBytes("text content", it.Text.Content, 256))
	}
	return fmt.Errorf("%w: menu item of type %q without its %s field", ErrInvalidArgument, it.Type, it.Type)
}

func (m *Location) fill(r *sendRequest) error {
	r.MsgType, r.Location = "location", m
	if m.Latitude < -90 || m.Latitude > 90 || m.Longitude < -180 || m.Longitude > 180 {
		return fmt.Errorf("%w: location %v,%v out of range", ErrInvalidArgument, m.Latitude, m.Longitude)
	}
	return nil
}

func (m *CALink) fill(r *sendRequest) error {
	r.MsgType, r.CALink = "ca_link", m
	return required("ca_link link_url", m.LinkURL)
}

// SendOption adjusts one sent message.
type SendOption func(*sendRequest)

// WithMsgID sets the message's msgid instead of letting WeCom choose one:
// at most 32 bytes of [0-9a-zA-Z_-], unique within the kf account. A
// message sent again with the same msgid is refused by WeCom, which makes
// a retried send safe.
func WithMsgID(id string) SendOption { return func(r *sendRequest) { r.MsgID = id } }

func build(c Content, opts []SendOption) (*sendRequest, error) {
	if c == nil {
		return nil, fmt.Errorf("%w: no content", ErrInvalidArgument)
	}
	r := &sendRequest{}
	if err := c.fill(r); err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(r)
	}
	if err := maxBytes("msgid", r.MsgID, MaxMsgIDBytes); err != nil {
		return nil, err
	}
	if !msgIDRE.MatchString(r.MsgID) {
		return nil, fmt.Errorf("%w: msgid %q has characters outside [0-9a-zA-Z_-]", ErrInvalidArgument, r.MsgID)
	}
	return r, nil
}

// Send sends c from the kf account openKfID to the customer toUser
// (kf/send_msg, doc 94677) and returns the message's msgid. WeCom accepts
// it only while the session is StateNew or StateAssistant, within 48 hours
// of the customer's last message and for at most 5 messages after it
// (errcodes 95018, and 95002 and 95001 as we read them; see
// docs/wecom-api-notes.md). Success means WeCom took the message, not that
// it was delivered: a msg_send_fail event reports a failure later.
func (c *Client) Send(ctx context.Context, openKfID, toUser string, content Content, opts ...SendOption) (string, error) {
	if err := errorsOf(required("open_kfid", openKfID), required("touser", toUser)); err != nil {
		return "", err
	}
	r, err := build(content, opts)
	if err != nil {
		return "", err
	}
	r.OpenKfID, r.ToUser = openKfID, toUser
	a, err := sendMsg.Call(ctx, c.corp, r)
	if err != nil {
		return "", fmt.Errorf("kf: send %s to %s: %w", r.MsgType, toUser, err)
	}
	return a.MsgID, nil
}

// SendOnEvent sends c as the one message an event's code allows
// (kf/send_msg_on_event, doc 95122): the welcome message with an
// enter_session event's Event.WelcomeCode (20 s), or a message with the
// msg_code of a session_status_change event or of
// [Client.TransServiceState] (a closing message within 20 s; queue and
// hand-over notices within 48 h, text only). Each code works once, and
// except for the welcome code only while the session is still in the
// state it was issued for. Only *Text and *Menu can be sent this way.
func (c *Client) SendOnEvent(ctx context.Context, code string, content Content, opts ...SendOption) (string, error) {
	if err := required("code", code); err != nil {
		return "", err
	}
	switch content.(type) {
	case *Text, *Menu:
	default:
		return "", fmt.Errorf("%w: an event message is text or a menu", ErrInvalidArgument)
	}
	r, err := build(content, opts)
	if err != nil {
		return "", err
	}
	r.Code = code
	a, err := sendMsgOnEvent.Call(ctx, c.corp, r)
	if err != nil {
		return "", fmt.Errorf("kf: send %s on event: %w", r.MsgType, err)
	}
	return a.MsgID, nil
}
