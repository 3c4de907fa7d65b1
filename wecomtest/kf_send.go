package wecomtest

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
)

var kfMsgIDRE = regexp.MustCompile(`^[0-9a-zA-Z_-]{0,32}$`)

// kfSendBody is a send_msg or send_msg_on_event body.
type kfSendBody struct {
	ToUser   string                    `json:"touser"`
	OpenKfID string                    `json:"open_kfid"`
	Code     string                    `json:"code"`
	MsgID    string                    `json:"msgid"`
	MsgType  string                    `json:"msgtype"`
	Text     *struct{ Content string } `json:"text"`
	Image    *mediaRef                 `json:"image"`
	Voice    *mediaRef                 `json:"voice"`
	Video    *mediaRef                 `json:"video"`
	File     *mediaRef                 `json:"file"`
	Link     *struct {
		Title        string `json:"title"`
		URL          string `json:"url"`
		ThumbMediaID string `json:"thumb_media_id"`
	} `json:"link"`
	MiniProgram *struct {
		AppID        string `json:"appid"`
		ThumbMediaID string `json:"thumb_media_id"`
		PagePath     string `json:"pagepath"`
	} `json:"miniprogram"`
	MsgMenu *struct {
		HeadContent string            `json:"head_content"`
		List        []json.RawMessage `json:"list"`
	} `json:"msgmenu"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
	} `json:"location"`
	CALink *struct {
		LinkURL string `json:"link_url"`
	} `json:"ca_link"`
}

// checkKFContent checks a message's content as WeCom does, answering the
// errcode itself: 40008 for a type the endpoint does not take, 44004 for
// empty text, 41006 for a missing media_id, 40007 for one that is not a
// live temporary medium of the right type, 40058 otherwise.
func (s *Server) checkKFContent(w http.ResponseWriter, corpID string, b *kfSendBody, onEvent bool) (text, mediaID string, ok bool) {
	bad := func(code int, msg string) (string, string, bool) {
		writeError(w, code, msg)
		return "", "", false
	}
	media := func(ref *mediaRef, typ string) (string, string, bool) {
		if e := s.checkMedia(corpID, ref, typ); e != nil {
			return bad(e.code, e.msg)
		}
		return "", ref.MediaID, true
	}
	if onEvent && b.MsgType != "text" && b.MsgType != "msgmenu" {
		return bad(codeBadMsgType, "invalid message type")
	}
	switch b.MsgType {
	case "text":
		if b.Text == nil || b.Text.Content == "" {
			return bad(44004, "empty content")
		}
		if len(b.Text.Content) > 2048 {
			return bad(codeInvalidParameter, "content longer than 2048 bytes")
		}
		return b.Text.Content, "", true
	case "image":
		return media(b.Image, "image")
	case "voice":
		return media(b.Voice, "voice")
	case "video":
		return media(b.Video, "video")
	case "file":
		return media(b.File, "file")
	case "link":
		if b.Link == nil || b.Link.Title == "" || b.Link.URL == "" {
			return bad(codeInvalidParameter, "link: title and url")
		}
		return media(&mediaRef{b.Link.ThumbMediaID}, "image")
	case "miniprogram":
		if b.MiniProgram == nil || b.MiniProgram.AppID == "" || b.MiniProgram.PagePath == "" {
			return bad(codeInvalidParameter, "miniprogram: appid and pagepath")
		}
		return media(&mediaRef{b.MiniProgram.ThumbMediaID}, "image")
	case "msgmenu":
		if b.MsgMenu == nil || (b.MsgMenu.HeadContent == "" && len(b.MsgMenu.List) == 0) {
			return bad(codeInvalidParameter, "msgmenu: empty")
		}
		if len(b.MsgMenu.List) > 10 {
			return bad(95008, "msgmenu: at most 10 items") // 菜单消息的菜单项个数超过上限 (doc 90313)
		}
		for _, raw := range b.MsgMenu.List {
			var it struct {
				Type string `json:"type"`
			}
			if json.Unmarshal(raw, &it) != nil || (it.Type != "click" && it.Type != "view" && it.Type != "miniprogram" && it.Type != "text") {
				return bad(95009, "invalid msgmenu item type") // 不合法的菜单消息的菜单项类型 (doc 90313)
			}
		}
		return b.MsgMenu.HeadContent, "", true
	case "location":
		if b.Location == nil || b.Location.Latitude < -90 || b.Location.Latitude > 90 || b.Location.Longitude < -180 || b.Location.Longitude > 180 {
			return bad(codeInvalidParameter, "location out of range")
		}
		return "", "", true
	case "ca_link":
		if b.CALink == nil || b.CALink.LinkURL == "" {
			return bad(codeInvalidParameter, "ca_link: link_url")
		}
		return "", "", true
	}
	return bad(codeBadMsgType, "invalid message type")
}

func readKFSend(w http.ResponseWriter, r *http.Request) (*kfSendBody, []byte, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var b kfSendBody
	if err != nil || json.Unmarshal(raw, &b) != nil {
		writeError(w, codeBadJSON, "")
		return nil, nil, false
	}
	if !kfMsgIDRE.MatchString(b.MsgID) {
		writeError(w, codeInvalidParameter, "invalid msgid")
		return nil, nil, false
	}
	return &b, raw, true
}

// handleKFSend serves kf/send_msg (doc 94677): only in a session that is
// new (0) or handled by the API (1) (95018), within 48 hours of the
// customer's last message (95002) and for at most 5 messages after it
// (95001).
func (s *Server) handleKFSend(w http.ResponseWriter, r *http.Request, caller Caller) {
	b, raw, ok := readKFSend(w, r)
	if !ok {
		return
	}
	text, mediaID, ok := s.checkKFContent(w, caller.CorpID, b, false)
	if !ok {
		return
	}
	now := s.now()
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	a := c.accountLocked(w, b.OpenKfID)
	if a == nil {
		return
	}
	se := a.sessions[b.ToUser]
	switch {
	case se == nil || (se.state != 0 && se.state != 1):
		writeError(w, 95018, "send msg session status invalid")
		return
	case now.Sub(se.lastWrote) > kfWindow:
		writeError(w, 95002, "send msg out of time limit")
		return
	case se.sentSince >= kfQuota:
		writeError(w, 95001, "send msg out of count limit")
		return
	case b.MsgID != "" && a.msgIDs[b.MsgID]:
		writeError(w, codeInvalidParameter, "msgid already used")
		return
	}
	se.sentSince++
	s.recordKFSentLocked(c, a, b, raw, text, mediaID, w)
}

func (s *Server) recordKFSentLocked(c *kfCorp, a *kfAccount, b *kfSendBody, raw []byte, text, mediaID string, w http.ResponseWriter) {
	id := b.MsgID
	if id == "" {
		id = c.nextID("sent")
	}
	a.msgIDs[id] = true
	a.sent = append(a.sent, KFSentMessage{MsgID: id, OpenKfID: a.id, ToUser: b.ToUser, Code: b.Code, MsgType: b.MsgType,
		Text: text, MediaID: mediaID, Body: raw, Sent: s.now()})
	writeJSON(w, okJSON(map[string]any{"msgid": id}))
}

// handleKFSendOnEvent serves kf/send_msg_on_event (doc 95122): a code the
// fake issued (enter_session's welcome_code, a msg_code of
// service_state/trans), once, before it expires (40058 otherwise), and
// except for a welcome code only while the session is in the state it was
// issued for (95018); text or menu only (40008).
func (s *Server) handleKFSendOnEvent(w http.ResponseWriter, r *http.Request, caller Caller) {
	b, raw, ok := readKFSend(w, r)
	if !ok {
		return
	}
	text, mediaID, ok := s.checkKFContent(w, caller.CorpID, b, true)
	if !ok {
		return
	}
	now := s.now()
	k := &s.kf
	k.mu.Lock()
	defer k.mu.Unlock()
	c := k.corpLocked(caller.CorpID)
	code := c.codes[b.Code]
	if code == nil || code.used || !now.Before(code.expires) {
		writeError(w, codeInvalidParameter, "invalid code")
		return
	}
	a := c.accounts[code.openKfID]
	if a == nil {
		writeError(w, 95000, "invalid open_kfid")
		return
	}
	se := a.sessionLocked(code.externalUserID)
	if code.state >= 0 && se.state != code.state {
		writeError(w, 95018, "send msg session status invalid")
		return
	}
	if b.MsgID != "" && a.msgIDs[b.MsgID] {
		writeError(w, codeInvalidParameter, "msgid already used")
		return
	}
	code.used = true
	if code.state < 0 {
		se.lastWelcome = now
	}
	b.OpenKfID, b.ToUser = a.id, code.externalUserID
	s.recordKFSentLocked(c, a, b, raw, text, mediaID, w)
}
