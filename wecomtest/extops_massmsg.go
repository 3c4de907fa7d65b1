package wecomtest

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Mass messages (docs 92135, 93338, 97610, 97611). add_msg_template makes
// one task per member: for customers, each customer goes to the sender
// when given, else to the member who added them last (the fake's stand-in
// for "the member who chatted last"); for groups, to the customer groups
// the sender owns ([Server.AddCustomerGroup], [Server.SetGroupChatOwner]). Nothing is delivered until the
// member sends with [Server.SendMassMessage]: then each customer still
// theirs gets it (status 1) unless they already received as many mass
// messages this month as the month has days (status 3, WeCom's default
// rule), and each customer no longer theirs does not (status 2).

// Limits of add_msg_template (doc 92135).
const (
	massMaxCustomers   = 10000
	massMaxChats       = 2000
	massMaxAttachments = 9
	massMaxTextBytes   = 4000
	massMaxReminds     = 3 // remind_groupmsg_send, per 24 hours (doc 97610)
)

type massMsg struct {
	id          string
	chatType    string
	sender      string
	created     time.Time
	text        *wireText
	attachments []wireAttachment
	cancelled   bool
	order       []string                       // members with a task, in order
	targets     map[string][]string            // member → customers or chats
	sent        map[string]time.Time           // member → when they sent
	results     map[string]map[string]massSend // member → target → outcome
	reminds     []time.Time
}

type massSend struct {
	status int
	at     time.Time
}

type wireText struct {
	Content string `json:"content"`
}

// wireAttachment is an attachment as WeCom takes it (docs 92135, 95094).
type wireAttachment struct {
	MsgType     string      `json:"msgtype"`
	Image       *attachBody `json:"image,omitempty"`
	Link        *attachBody `json:"link,omitempty"`
	MiniProgram *attachBody `json:"miniprogram,omitempty"`
	Video       *attachBody `json:"video,omitempty"`
	File        *attachBody `json:"file,omitempty"`
}

// attachBody holds the fields of every attachment type.
type attachBody struct {
	MediaID    string `json:"media_id,omitempty"`
	PicURL     string `json:"pic_url,omitempty"`
	Title      string `json:"title,omitempty"`
	LinkPicURL string `json:"picurl,omitempty"`
	Desc       string `json:"desc,omitempty"`
	URL        string `json:"url,omitempty"`
	PicMediaID string `json:"pic_media_id,omitempty"`
	AppID      string `json:"appid,omitempty"`
	Page       string `json:"page,omitempty"`
}

// valid reports whether the attachment sets the field its msgtype names,
// with its media id or URL.
func (a *wireAttachment) valid() bool {
	switch a.MsgType {
	case "image":
		return a.Image != nil && (a.Image.MediaID != "" || a.Image.PicURL != "")
	case "link":
		return a.Link != nil && a.Link.URL != ""
	case "miniprogram":
		return a.MiniProgram != nil && a.MiniProgram.AppID != "" && a.MiniProgram.PicMediaID != ""
	case "video":
		return a.Video != nil && a.Video.MediaID != ""
	case "file":
		return a.File != nil && a.File.MediaID != ""
	}
	return false
}

// ErrMassMessage is returned by [Server.SendMassMessage] for a task that
// cannot be sent: unknown, cancelled or already sent.
var ErrMassMessage = errors.New("wecomtest: no mass message task to send")

// SendMassMessage sends member userID's task of mass message msgID, as
// the member confirming it in their client does.
func (s *Server) SendMassMessage(corpID, msgID, userID string) error {
	now := s.now()
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	ec, o := s.ext.corpLocked(corpID), s.opsLocked(corpID)
	m := o.msgLocked(msgID)
	if m == nil || m.cancelled || m.targets[userID] == nil {
		return fmt.Errorf("%w: %s for %s", ErrMassMessage, msgID, userID)
	}
	if _, done := m.sent[userID]; done {
		return fmt.Errorf("%w: %s already sent by %s", ErrMassMessage, msgID, userID)
	}
	m.sent[userID] = now
	res := map[string]massSend{}
	for _, t := range m.targets[userID] {
		st := 1
		switch {
		case m.chatType != "group" && !ec.followsLocked(userID, t):
			st = 2
		case o.receivedThisMonth(t, now) >= daysIn(now):
			st = 3
		default:
			o.received[t] = append(o.received[t], now)
		}
		res[t] = massSend{status: st, at: now}
	}
	m.results[userID] = res
	return nil
}

func daysIn(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, t.Location()).Day()
}

func (o *opsCorp) receivedThisMonth(target string, now time.Time) int {
	n := 0
	for _, at := range o.received[target] {
		if at.Year() == now.Year() && at.Month() == now.Month() {
			n++
		}
	}
	return n
}

func (o *opsCorp) msgLocked(id string) *massMsg {
	for _, m := range o.msgs {
		if m.id == id {
			return m
		}
	}
	return nil
}

// handleAddMsgTemplate serves POST externalcontact/add_msg_template.
func (s *Server) handleAddMsgTemplate(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ChatType       string   `json:"chat_type"`
		ExternalUserID []string `json:"external_userid"`
		ChatIDList     []string `json:"chat_id_list"`
		TagFilter      *struct {
			GroupList []struct {
				TagList []string `json:"tag_list"`
			} `json:"group_list"`
		} `json:"tag_filter"`
		Sender      string           `json:"sender"`
		Text        *wireText        `json:"text"`
		Attachments []wireAttachment `json:"attachments"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if b.ChatType == "" {
		b.ChatType = "single"
	}
	switch {
	case b.ChatType != "single" && b.ChatType != "group":
		writeError(w, 40058, "chat_type must be single or group")
		return
	case (b.Text == nil || b.Text.Content == "") && len(b.Attachments) == 0:
		writeError(w, 40058, "text and attachments are both empty")
		return
	case b.Text != nil && len(b.Text.Content) > massMaxTextBytes:
		writeError(w, 40058, "text.content over 4000 bytes")
		return
	case len(b.Attachments) > massMaxAttachments:
		writeError(w, 40058, "at most 9 attachments")
		return
	case len(b.ExternalUserID) > massMaxCustomers || len(b.ChatIDList) > massMaxChats:
		writeError(w, 40058, "too many customers or groups")
		return
	case b.ChatType == "group" && b.Sender == "":
		writeError(w, 40058, "a group mass message needs a sender")
		return
	}
	for i := range b.Attachments {
		if !b.Attachments[i].valid() {
			writeError(w, 40058, "invalid attachment "+b.Attachments[i].MsgType)
			return
		}
	}
	var groups [][]string
	if b.TagFilter != nil {
		for _, g := range b.TagFilter.GroupList {
			groups = append(groups, g.TagList)
		}
	}
	now := s.now()
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	ec, o := s.ext.corpLocked(caller.CorpID), s.opsLocked(caller.CorpID)
	m := &massMsg{id: o.nextID("msg"), chatType: b.ChatType, sender: b.Sender, created: now, text: b.Text, attachments: b.Attachments,
		targets: map[string][]string{}, sent: map[string]time.Time{}, results: map[string]map[string]massSend{}}
	add := func(member, target string) {
		if m.targets[member] == nil {
			m.order = append(m.order, member)
		}
		m.targets[member] = append(m.targets[member], target)
	}
	fail := []string{}
	if b.ChatType == "group" {
		chats := s.groupOwners(caller.CorpID)
		for chat, owner := range sortedChats(chats) {
			if owner == b.Sender && (len(b.ChatIDList) == 0 || slices.Contains(b.ChatIDList, chat)) {
				add(owner, chat)
			}
		}
		for _, id := range b.ChatIDList {
			if owner, ok := chats[id]; !ok || owner != b.Sender {
				fail = append(fail, id)
			}
		}
	} else {
		ids := b.ExternalUserID
		if len(ids) == 0 {
			for id := range ec.customers {
				ids = append(ids, id)
			}
			slices.Sort(ids)
		}
		for _, id := range ids {
			cu := ec.customers[id]
			member := ""
			if cu != nil {
				for i := range cu.follows {
					f := &cu.follows[i]
					if (b.Sender == "" || f.user == b.Sender) && tagsMatch(f.tags, groups) {
						member = f.user // the last one added wins
					}
				}
			}
			if member == "" {
				if len(b.ExternalUserID) > 0 {
					fail = append(fail, id)
				}
				continue
			}
			add(member, id)
		}
	}
	o.msgs = append(o.msgs, m)
	writeOK(w, map[string]any{"msgid": m.id, "fail_list": fail})
}

// sortedChats iterates chats in chat id order.
func sortedChats(chats map[string]string) func(func(string, string) bool) {
	return func(yield func(string, string) bool) {
		ids := make([]string, 0, len(chats))
		for id := range chats {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, id := range ids {
			if !yield(id, chats[id]) {
				return
			}
		}
	}
}

// handleGroupMsgList serves POST externalcontact/get_groupmsg_list_v2:
// every message the server holds was created through the API, so it is
// 企业发表 (create_type 0) with the sender as creator.
func (s *Server) handleGroupMsgList(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		ChatType   string `json:"chat_type"`
		StartTime  int64  `json:"start_time"`
		EndTime    int64  `json:"end_time"`
		Creator    string `json:"creator"`
		FilterType *int   `json:"filter_type"`
		Limit      int    `json:"limit"`
		Cursor     string `json:"cursor"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if b.EndTime < b.StartTime || b.EndTime-b.StartTime > 31*24*3600 {
		writeError(w, 40058, "start_time to end_time: at most one month")
		return
	}
	if b.ChatType == "" {
		b.ChatType = "single"
	}
	ft := 2
	if b.FilterType != nil {
		ft = *b.FilterType
	}
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	var rows []map[string]any
	for _, m := range s.opsLocked(caller.CorpID).msgs {
		at := m.created.Unix()
		if m.chatType != b.ChatType || at < b.StartTime || at > b.EndTime || (b.Creator != "" && b.Creator != m.sender) || ft == 1 {
			continue
		}
		row := map[string]any{"msgid": m.id, "creator": m.sender, "create_time": fmt.Sprint(at), "create_type": 0}
		if m.text != nil {
			row["text"] = m.text
		}
		if len(m.attachments) > 0 {
			row["attachments"] = m.attachments
		}
		rows = append(rows, row)
	}
	writePage(w, "group_msg_list", rows, b.Cursor, limitOf(b.Limit, 50, 100))
}

// lockMsg locks the customer-contact state and finds the message id
// names; for one the server does not hold it answers 40058 (the server's
// choice) and returns nil, unlocked.
func (s *Server) lockMsg(w http.ResponseWriter, corpID, id string) (*massMsg, func()) {
	s.ext.mu.Lock()
	m := s.opsLocked(corpID).msgLocked(id)
	if m == nil {
		s.ext.mu.Unlock()
		writeError(w, 40058, "invalid msgid")
		return nil, nil
	}
	return m, s.ext.mu.Unlock
}

// handleGroupMsgTask serves POST externalcontact/get_groupmsg_task.
func (s *Server) handleGroupMsgTask(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		MsgID  string `json:"msgid"`
		Limit  int    `json:"limit"`
		Cursor string `json:"cursor"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	m, unlock := s.lockMsg(w, caller.CorpID, b.MsgID)
	if m == nil {
		return
	}
	defer unlock()
	var rows []map[string]any
	for _, u := range m.order {
		row := map[string]any{"userid": u, "status": 0}
		if at, sent := m.sent[u]; sent {
			row["status"], row["send_time"] = 2, at.Unix()
		}
		rows = append(rows, row)
	}
	writePage(w, "task_list", rows, b.Cursor, limitOf(b.Limit, 500, 1000))
}

// handleGroupMsgSendResult serves POST externalcontact/get_groupmsg_send_result.
func (s *Server) handleGroupMsgSendResult(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		MsgID  string `json:"msgid"`
		UserID string `json:"userid"`
		Limit  int    `json:"limit"`
		Cursor string `json:"cursor"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	m, unlock := s.lockMsg(w, caller.CorpID, b.MsgID)
	if m == nil {
		return
	}
	defer unlock()
	var rows []map[string]any
	for _, t := range m.targets[b.UserID] {
		row := map[string]any{"userid": b.UserID, "status": 0}
		if m.chatType == "group" {
			row["chat_id"] = t
		} else {
			row["external_userid"] = t
		}
		if res, sent := m.results[b.UserID][t]; sent {
			row["status"], row["send_time"] = res.status, res.at.Unix()
		}
		rows = append(rows, row)
	}
	writePage(w, "send_list", rows, b.Cursor, limitOf(b.Limit, 500, 1000))
}

// handleRemindGroupMsg serves POST externalcontact/remind_groupmsg_send:
// three reminders in 24 hours, then 45009 (the server's reading).
func (s *Server) handleRemindGroupMsg(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		MsgID string `json:"msgid"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	now := s.now()
	m, unlock := s.lockMsg(w, caller.CorpID, b.MsgID)
	if m == nil {
		return
	}
	defer unlock()
	if m.cancelled {
		writeError(w, 40058, "the mass message was cancelled")
		return
	}
	m.reminds = slices.DeleteFunc(m.reminds, func(t time.Time) bool { return now.Sub(t) >= 24*time.Hour })
	if len(m.reminds) >= massMaxReminds {
		writeError(w, 45009, "at most 3 reminders in 24 hours")
		return
	}
	m.reminds = append(m.reminds, now)
	writeOK(w, nil)
}

// handleCancelGroupMsg serves POST externalcontact/cancel_groupmsg_send.
func (s *Server) handleCancelGroupMsg(w http.ResponseWriter, r *http.Request, caller Caller) {
	var b struct {
		MsgID string `json:"msgid"`
	}
	if !decodeBody(w, r, &b) {
		return
	}
	if m, unlock := s.lockMsg(w, caller.CorpID, b.MsgID); m != nil {
		m.cancelled = true
		unlock()
		writeOK(w, nil)
	}
}

// MassMessageReminders returns how many reminders mass message msgID got
// in the 24 hours before the last one.
func (s *Server) MassMessageReminders(corpID, msgID string) int {
	s.ext.mu.Lock()
	defer s.ext.mu.Unlock()
	if m := s.opsLocked(corpID).msgLocked(msgID); m != nil {
		return len(m.reminds)
	}
	return 0
}
