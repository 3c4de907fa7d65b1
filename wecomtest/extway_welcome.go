package wecomtest

import (
	"net/http"
	"slices"
	"time"

	"github.com/wecomkit/wecomkit/externalcontact"
)

// Welcome messages (doc 92137): a welcome_code lives 20 s from the
// add_external_contact event and is taken once. Once the message went
// out, a call with the same code, from any app, is answered 41051
// (externaluser has started chatting); while it is being distributed
// (see [Server.SetWelcomeDistribution]; by default it goes out at once)
// 41096 (welcome msg is being distributed), as the page says. An unknown
// or expired code is answered 41050, whose entry in WeCom's global table
// (doc 90313) says the code lives 20 seconds. A message needs a text or attachments, at most 9
// attachments, a text of at most 4000 bytes.
//
// Group welcome templates (doc 92366): at most 100 a corporation; a text
// of at most 3000 bytes, one attachment, or both; an unknown template_id
// is answered 40037 (无效的模板id in WeCom's global table).
const (
	welcomeCodeTTL     = 20 * time.Second
	welcomeAttachMax   = 9
	welcomeTextMax     = 4000
	welcomeTemplateMax = 100
	templateTextMax    = 3000
	codeChatStarted    = 41051
	codeDistributing   = 41096
)

type welcomeCode struct {
	userID, externalUserID string
	expires                time.Time
	used                   bool
	delivered              time.Time // when the message has gone out (used only)
}

// SetWelcomeDistribution makes a welcome message take d on the server's
// clock to go out: until then, other calls with its code are answered
// 41096 instead of 41051 (doc 92137: 41096 means another app is sending
// and may still fail, so the caller may retry; 41051 means it went out).
func (s *Server) SetWelcomeDistribution(d time.Duration) {
	e := &s.extWay
	e.mu.Lock()
	e.distribution = d
	e.mu.Unlock()
}

// WelcomeMessage is a welcome message the fake accepted.
type WelcomeMessage struct {
	UserID         string // the member the customer added
	ExternalUserID string
	Text           string
	Attachments    []externalcontact.Attachment
	Sent           time.Time
}

// NewWelcomeCode issues the welcome_code an add_external_contact event
// would carry when customer externalUserID adds member userID: valid for
// 20 s on the server's clock ([WithClock]) and taken once.
func (s *Server) NewWelcomeCode(corpID, userID, externalUserID string) string {
	now := s.now()
	c, unlock := s.lockWay(corpID)
	defer unlock()
	code := "wc_" + randomHex(16)
	c.welcomeCodes[code] = &welcomeCode{userID: userID, externalUserID: externalUserID, expires: now.Add(welcomeCodeTTL)}
	return code
}

// issueWelcomeCode makes code a welcome code for the pair, as
// NewWelcomeCode does, unless corpID has issued it already.
func (s *Server) issueWelcomeCode(corpID, code, userID, externalUserID string) {
	now := s.now()
	c, unlock := s.lockWay(corpID)
	defer unlock()
	if c.welcomeCodes[code] == nil {
		c.welcomeCodes[code] = &welcomeCode{userID: userID, externalUserID: externalUserID, expires: now.Add(welcomeCodeTTL)}
	}
}

// WelcomeMessages returns the welcome messages corpID sent, in order.
func (s *Server) WelcomeMessages(corpID string) []WelcomeMessage {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	out := slices.Clone(c.welcomes)
	for i := range out {
		out[i].Attachments = slices.Clone(out[i].Attachments)
	}
	return out
}

// GroupWelcomeTemplate returns the group welcome template templateID of
// corpID as the fake holds it (AgentID is the app that created it).
func (s *Server) GroupWelcomeTemplate(corpID, templateID string) (externalcontact.GroupWelcomeTemplate, bool) {
	c, unlock := s.lockWay(corpID)
	defer unlock()
	t := c.templates[templateID]
	if t == nil {
		return externalcontact.GroupWelcomeTemplate{}, false
	}
	return *t, true
}

// checkAttachment reports whether a is complete for its msgtype.
func checkAttachment(a *externalcontact.Attachment) bool { return a.Check() == nil }

// handleSendWelcome serves POST externalcontact/send_welcome_msg.
func (s *Server) handleSendWelcome(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		WelcomeCode string                       `json:"welcome_code"`
		Text        *externalcontact.Text        `json:"text"`
		Attachments []externalcontact.Attachment `json:"attachments"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	text := ""
	if b.Text != nil {
		text = b.Text.Content
	}
	switch {
	case text == "" && len(b.Attachments) == 0:
		writeError(w, 40058, "text or attachments required")
		return
	case len(text) > welcomeTextMax || len(b.Attachments) > welcomeAttachMax:
		writeError(w, 40058, "text: at most 4000 bytes; attachments: at most 9")
		return
	}
	for i := range b.Attachments {
		if !checkAttachment(&b.Attachments[i]) {
			writeError(w, 40058, "invalid attachment")
			return
		}
	}
	now := s.now()
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	wc := c.welcomeCodes[b.WelcomeCode]
	switch {
	case wc != nil && wc.used && now.Before(wc.delivered):
		writeError(w, codeDistributing, "welcome msg is being distributed")
		return
	case wc != nil && wc.used:
		writeError(w, codeChatStarted, "externaluser has started chatting")
		return
	case wc == nil || !now.Before(wc.expires):
		writeError(w, 41050, "invalid welcome code")
		return
	}
	wc.used, wc.delivered = true, now.Add(s.extWay.distribution)
	c.welcomes = append(c.welcomes, WelcomeMessage{UserID: wc.userID, ExternalUserID: wc.externalUserID, Text: text,
		Attachments: slices.Clone(b.Attachments), Sent: now})
	writeOK(w, nil)
}

type templateWire struct {
	TemplateID  string                                 `json:"template_id"`
	Text        *externalcontact.Text                  `json:"text"`
	Image       *externalcontact.AttachmentImage       `json:"image"`
	Link        *externalcontact.AttachmentLink        `json:"link"`
	MiniProgram *externalcontact.AttachmentMiniProgram `json:"miniprogram"`
	File        *externalcontact.AttachmentMedia       `json:"file"`
	Video       *externalcontact.AttachmentMedia       `json:"video"`
	AgentID     int64                                  `json:"agentid"`
	Notify      *int                                   `json:"notify"`
}

// template checks b and returns the template it describes, or answers
// the errcode itself.
func (b *templateWire) template(w http.ResponseWriter) *externalcontact.GroupWelcomeTemplate {
	t := &externalcontact.GroupWelcomeTemplate{AgentID: b.AgentID, NoNotify: b.Notify != nil && *b.Notify == 0}
	if b.Text != nil {
		t.Text = b.Text.Content
	}
	var atts []externalcontact.Attachment
	if b.Image != nil {
		// An image is stored by its pic_url, as get answers it.
		img := *b.Image
		if img.PicURL == "" {
			img.PicURL = "https://wework.qpic.cn/wecomtest/" + img.MediaID
		}
		img.MediaID = ""
		atts = append(atts, externalcontact.Attachment{MsgType: externalcontact.MsgTypeImage, Image: &img})
	}
	if b.Link != nil {
		atts = append(atts, externalcontact.LinkAttachment(*b.Link))
	}
	if b.MiniProgram != nil {
		atts = append(atts, externalcontact.MiniProgramAttachment(*b.MiniProgram))
	}
	if b.File != nil {
		atts = append(atts, externalcontact.FileAttachment(b.File.MediaID))
	}
	if b.Video != nil {
		atts = append(atts, externalcontact.VideoAttachment(b.Video.MediaID))
	}
	switch {
	case len(atts) > 1:
		writeError(w, 40058, "one attachment at most")
		return nil
	case t.Text == "" && len(atts) == 0:
		writeError(w, 40058, "text or an attachment required")
		return nil
	case len(t.Text) > templateTextMax:
		writeError(w, 40058, "text: at most 3000 bytes")
		return nil
	}
	if len(atts) == 1 {
		if !checkAttachment(&atts[0]) {
			writeError(w, 40058, "invalid attachment")
			return nil
		}
		t.Attachment = &atts[0]
	}
	return t
}

// handleAddTemplate serves POST externalcontact/group_welcome_template/add.
func (s *Server) handleAddTemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b templateWire
	if !decodeBody(w, r, &b) {
		return
	}
	t := b.template(w)
	if t == nil {
		return
	}
	if t.AgentID == 0 {
		t.AgentID = caller.AgentID
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	if len(c.templates) >= welcomeTemplateMax {
		writeError(w, 40058, "at most 100 templates")
		return
	}
	id := c.nextID("msg")
	c.templates[id] = t
	writeOK(w, map[string]any{"template_id": id})
}

// handleEditTemplate serves POST externalcontact/group_welcome_template/edit:
// the content is replaced whole.
func (s *Server) handleEditTemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b templateWire
	if !decodeBody(w, r, &b) {
		return
	}
	t := b.template(w)
	if t == nil {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	old := c.templates[b.TemplateID]
	if old == nil {
		writeError(w, 40037, "invalid template_id")
		return
	}
	t.AgentID, t.NoNotify = old.AgentID, old.NoNotify
	c.templates[b.TemplateID] = t
	writeOK(w, nil)
}

// handleGetTemplate serves POST externalcontact/group_welcome_template/get.
func (s *Server) handleGetTemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b templateWire
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	t := c.templates[b.TemplateID]
	if t == nil {
		writeError(w, 40037, "invalid template_id")
		return
	}
	out := map[string]any{}
	if t.Text != "" {
		out["text"] = externalcontact.Text{Content: t.Text}
	}
	if a := t.Attachment; a != nil {
		switch a.MsgType {
		case externalcontact.MsgTypeImage:
			out["image"] = a.Image
		case externalcontact.MsgTypeLink:
			out["link"] = a.Link
		case externalcontact.MsgTypeMiniProgram:
			out["miniprogram"] = a.MiniProgram
		case externalcontact.MsgTypeFile:
			out["file"] = a.File
		case externalcontact.MsgTypeVideo:
			out["video"] = a.Video
		}
	}
	writeOK(w, out)
}

// handleDelTemplate serves POST externalcontact/group_welcome_template/del.
func (s *Server) handleDelTemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b templateWire
	if !decodeBody(w, r, &b) {
		return
	}
	c, unlock := s.lockWay(caller.CorpID)
	defer unlock()
	if c.templates[b.TemplateID] == nil {
		writeError(w, 40037, "invalid template_id")
		return
	}
	delete(c.templates, b.TemplateID)
	writeOK(w, nil)
}
