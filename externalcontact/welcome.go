package externalcontact

import (
	"context"
	"fmt"
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The welcome-message endpoints: send_welcome_msg (发送新客户欢迎语, doc
// 92137) and the group welcome templates (入群欢迎语素材管理, doc 92366).
var (
	sendWelcomeMsg = &wecom.Endpoint[wecom.CorpToken, *welcomeRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/send_welcome_msg", Doc: 92137, SingleUse: true,
		Entry: "externalcontact.Client.SendWelcome",
	}
	addGroupWelcomeTemplate = &wecom.Endpoint[wecom.CorpToken, *templateRequest, templateCreated]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/group_welcome_template/add", Doc: 92366,
		Entry: "externalcontact.Client.AddGroupWelcomeTemplate",
	}
	editGroupWelcomeTemplate = &wecom.Endpoint[wecom.CorpToken, *templateRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/group_welcome_template/edit", Doc: 92366, Idempotent: true,
		Entry: "externalcontact.Client.EditGroupWelcomeTemplate",
	}
	getGroupWelcomeTemplate = &wecom.Endpoint[wecom.CorpToken, *templateIDRequest, templateBody]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/group_welcome_template/get", Doc: 92366, Idempotent: true,
		Entry: "externalcontact.Client.GroupWelcomeTemplate",
	}
	delGroupWelcomeTemplate = &wecom.Endpoint[wecom.CorpToken, *templateIDRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/group_welcome_template/del", Doc: 92366,
		Entry: "externalcontact.Client.DeleteGroupWelcomeTemplate",
	}
)

// The errcodes send_welcome_msg answers a welcome_code another call took
// (doc 92137): the message went out, or another app is sending it — which
// may still fail, so a retry within the code's 20 seconds may succeed —
// and one it does not know, or whose 20 seconds passed (WeCom's global
// table, doc 90313).
const (
	CodeWelcomeSent         = 41051 // externaluser has started chatting: done, do not retry
	CodeWelcomeDistributing = 41096 // welcome msg is being distributed: another app is sending
	CodeWelcomeInvalid      = 41050 // invalid welcome code: expired (20 s) or unknown; do not retry
)

// MaxWelcomeAttachments is the most attachments a welcome message carries
// (doc 92137: 9).
const MaxWelcomeAttachments = 9

// WelcomeMessage is a new customer's welcome message: a text, attachments,
// or both.
type WelcomeMessage struct {
	Text        string       // at most MaxTextBytes
	Attachments []Attachment // at most MaxWelcomeAttachments
}

type welcomeRequest struct {
	WelcomeCode string       `json:"welcome_code" wecom:"secret,required"`
	Text        *Text        `json:"text,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// SendWelcome sends a new customer the welcome message m through the
// member they added (externalcontact/send_welcome_msg, doc 92137).
// welcomeCode comes with the add_external_contact event; WeCom takes it
// once, within 20 seconds of the event, so SendWelcome never repeats the
// call after the request may have reached WeCom, and the code stays out
// of errors and logs. When several apps received the code, only the first
// to send succeeds: the others get [CodeWelcomeDistributing] while it is
// being sent (it may still fail: they may retry) and [CodeWelcomeSent]
// once it went out (see wecom.ErrorCode). No welcome_code is given when
// the member has a welcome message configured in the admin console, and
// members who have not logged in for long cannot send one.
func (c *Client) SendWelcome(ctx context.Context, welcomeCode string, m WelcomeMessage) error {
	if err := required("welcome_code", welcomeCode); err != nil {
		return err
	}
	if m.Text == "" && len(m.Attachments) == 0 {
		return fmt.Errorf("%w: a welcome message needs a text or attachments", ErrInvalidArgument)
	}
	if err := checkText(m.Text, MaxTextBytes); err != nil {
		return err
	}
	if len(m.Attachments) > MaxWelcomeAttachments {
		return fmt.Errorf("%w: %d attachments (at most %d)", ErrInvalidArgument, len(m.Attachments), MaxWelcomeAttachments)
	}
	for i := range m.Attachments {
		if err := m.Attachments[i].Check(); err != nil {
			return fmt.Errorf("attachment %d: %w", i, err)
		}
	}
	req := &welcomeRequest{WelcomeCode: welcomeCode, Text: textOf(m.Text), Attachments: m.Attachments}
	if _, err := sendWelcomeMsg.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("externalcontact: send welcome message: %w", err)
	}
	return nil
}

// GroupWelcomeTemplate is a group welcome template (入群欢迎语素材): a
// text, one attachment, or both (sent as two messages), which members
// pick when they set up a group's welcome message. A corporation holds at
// most 100.
type GroupWelcomeTemplate struct {
	// Text, at most MaxTemplateTextBytes; each %NICKNAME% in it becomes
	// the customer's nickname.
	Text       string
	Attachment *Attachment // image (media_id or pic_url), link, mini program, file or video
	// AgentID is the installed app's agentid, which only the old
	// third-party multi-app suites set (agentid).
	AgentID int64
	// NoNotify: do not tell the corporation's members about a new template
	// (notify 0). Add only.
	NoNotify bool
}

type templateBody struct {
	Text        *Text                  `json:"text,omitempty"`
	Image       *AttachmentImage       `json:"image,omitempty"`
	Link        *AttachmentLink        `json:"link,omitempty"`
	MiniProgram *AttachmentMiniProgram `json:"miniprogram,omitempty"`
	File        *AttachmentMedia       `json:"file,omitempty"`
	Video       *AttachmentMedia       `json:"video,omitempty"`
}

type templateRequest struct {
	TemplateID string `json:"template_id,omitempty"`
	templateBody
	AgentID int64 `json:"agentid,omitempty"`
	Notify  *int  `json:"notify,omitempty"`
}

type templateCreated struct {
	TemplateID string `json:"template_id"`
}

type templateIDRequest struct {
	TemplateID string `json:"template_id" wecom:"required"`
	AgentID    int64  `json:"agentid,omitempty"`
}

func (t *GroupWelcomeTemplate) body() (templateBody, error) {
	if t.Text == "" && t.Attachment == nil {
		return templateBody{}, fmt.Errorf("%w: a template needs a text or an attachment", ErrInvalidArgument)
	}
	if err := checkText(t.Text, MaxTemplateTextBytes); err != nil {
		return templateBody{}, err
	}
	b := templateBody{Text: textOf(t.Text)}
	if a := t.Attachment; a != nil {
		if err := a.Check(); err != nil {
			return templateBody{}, err
		}
		b.Image, b.Link, b.MiniProgram, b.File, b.Video = a.Image, a.Link, a.MiniProgram, a.File, a.Video
	}
	return b, nil
}

// AddGroupWelcomeTemplate adds a group welcome template
// (externalcontact/group_welcome_template/add, doc 92366) and returns its
// template_id.
func (c *Client) AddGroupWelcomeTemplate(ctx context.Context, t GroupWelcomeTemplate) (string, error) {
	b, err := t.body()
	if err != nil {
		return "", err
	}
	req := &templateRequest{templateBody: b, AgentID: t.AgentID}
	if t.NoNotify {
		zero := 0
		req.Notify = &zero
	}
	a, err := addGroupWelcomeTemplate.Call(ctx, c.corp, req)
	if err != nil {
		return "", fmt.Errorf("externalcontact: add group welcome template: %w", err)
	}
	return a.TemplateID, nil
}

// EditGroupWelcomeTemplate replaces the template templateID's content
// with t's (externalcontact/group_welcome_template/edit, doc 92366); an app
// may edit only the templates it created.
func (c *Client) EditGroupWelcomeTemplate(ctx context.Context, templateID string, t GroupWelcomeTemplate) error {
	if err := required("template_id", templateID); err != nil {
		return err
	}
	b, err := t.body()
	if err != nil {
		return err
	}
	req := &templateRequest{TemplateID: templateID, templateBody: b, AgentID: t.AgentID}
	if _, err := editGroupWelcomeTemplate.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("externalcontact: edit group welcome template %s: %w", templateID, err)
	}
	return nil
}

// GroupWelcomeTemplate returns the template templateID
// (externalcontact/group_welcome_template/get, doc 92366). An image comes
// back as its pic_url.
func (c *Client) GroupWelcomeTemplate(ctx context.Context, templateID string) (*GroupWelcomeTemplate, error) {
	if err := required("template_id", templateID); err != nil {
		return nil, err
	}
	a, err := getGroupWelcomeTemplate.Call(ctx, c.corp, &templateIDRequest{TemplateID: templateID})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: group welcome template %s: %w", templateID, err)
	}
	t := &GroupWelcomeTemplate{}
	if a.Text != nil {
		t.Text = a.Text.Content
	}
	switch {
	case a.Image != nil:
		t.Attachment = &Attachment{MsgType: MsgTypeImage, Image: a.Image}
	case a.Link != nil:
		t.Attachment = &Attachment{MsgType: MsgTypeLink, Link: a.Link}
	case a.MiniProgram != nil:
		t.Attachment = &Attachment{MsgType: MsgTypeMiniProgram, MiniProgram: a.MiniProgram}
	case a.File != nil:
		t.Attachment = &Attachment{MsgType: MsgTypeFile, File: a.File}
	case a.Video != nil:
		t.Attachment = &Attachment{MsgType: MsgTypeVideo, Video: a.Video}
	}
	return t, nil
}

// DeleteGroupWelcomeTemplate deletes the template templateID
// (externalcontact/group_welcome_template/del, doc 92366); an app may
// delete only the templates it created. agentID is for third-party apps
// (0 otherwise).
func (c *Client) DeleteGroupWelcomeTemplate(ctx context.Context, templateID string, agentID int64) error {
	if err := required("template_id", templateID); err != nil {
		return err
	}
	if _, err := delGroupWelcomeTemplate.Call(ctx, c.corp, &templateIDRequest{TemplateID: templateID, AgentID: agentID}); err != nil {
		return fmt.Errorf("externalcontact: delete group welcome template %s: %w", templateID, err)
	}
	return nil
}
