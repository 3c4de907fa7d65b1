package wecomtest

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The codes the app-chat model answers (docs 90245–90248). Sources:
// WeCom's global error code table (doc 90313) as other SDKs copy it,
// unless said otherwise.
const (
	// codeChatIDInvalid: 86001 参数 chatid 不合法 — also what WeCom answers
	// for a chatid that does not exist (reported by developers on WeCom's
	// community: appchat/send with an unknown chatid answered 86001
	// "chatid invalid").
	codeChatIDInvalid = 86001
	// codeChatOwner: 86207 群主不在群成员列表 (WeCom's global table, doc
	// 90313) — an owner not among the members, or the owner removed
	// without a new one.
	codeChatOwner = 86207
	// codeChatSize: 86006 "invalid chat member list size" (WeCom's errmsg,
	// seen in developers' reports) — fewer than 2 or more than 2000.
	codeChatSize = 86006
	// codeChatMember: 86007 不合法的群成员 — a userid the app cannot see.
	codeChatMember = 86007
	// codeChatNotOwn: 86008 非法操作非自己创建的群 — another app's chat.
	codeChatNotOwn = 86008
	// codeChatExists: 86215 会话ID已经存在 — create with a chatid in use.
	codeChatExists = 86215
)

// Limits of app chats (doc 90245).
const (
	minChatMembers = 2
	maxChatMembers = 2000
	maxChatName    = 50 // characters; WeCom cuts longer names
	maxChatIDLen   = 32
)

// chatMsgTypes are the msgtypes appchat/send takes (doc 90248).
var chatMsgTypes = map[string]bool{
	"text": true, "image": true, "voice": true, "video": true, "file": true,
	"textcard": true, "news": true, "mpnews": true, "markdown": true,
}

// AppChat is an app group chat (群聊会话) the server holds.
type AppChat struct {
	ChatID  string
	CorpID  string
	AgentID int64 // the app that created it: only it may change and use it
	Name    string
	Owner   string
	Users   []string // userids as stored
	Created time.Time
}

// ChatMessage is an appchat/send call the server accepted.
type ChatMessage struct {
	ChatID  string
	CorpID  string
	AgentID int64
	MsgType string
	// Fields holds the message's fields as WeCom kept them, keyed as in
	// [SentMessage.Fields]; media messages hold "image.media_id" and the
	// like.
	Fields map[string]string
	Safe   bool
	Sent   time.Time
	// Body is the request body as received.
	Body []byte
}

// appChatState is the fake's model behind addAppChatRoutes's routes;
// guarded by Server.mu.
type appChatState struct {
	chats    map[string]*AppChat // by corpID + "/" + chatid
	messages []*ChatMessage
}

// addAppChatRoutes registers the routes of this file's endpoints, and
// message/update_template_card's (message.go).
func (s *Server) addAppChatRoutes() {
	s.chats.chats = make(map[string]*AppChat)
	s.routes["/cgi-bin/appchat/create"] = s.authed(s.handleAppChatCreate)
	s.routes["/cgi-bin/appchat/update"] = s.authed(s.handleAppChatUpdate)
	s.routes["/cgi-bin/appchat/get"] = s.authed(s.handleAppChatGet)
	s.routes["/cgi-bin/appchat/send"] = s.authed(s.handleAppChatSend)
	s.addMessageCardRoutes()
}

// AppChats returns corpID's app chats, by chatid. The values are copies.
func (s *Server) AppChats(corpID string) []AppChat {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []AppChat
	for _, c := range s.chats.chats {
		if c.CorpID == corpID {
			cc := *c
			cc.Users = slices.Clone(c.Users)
			out = append(out, cc)
		}
	}
	slices.SortFunc(out, func(a, b AppChat) int { return strings.Compare(a.ChatID, b.ChatID) })
	return out
}

// ChatMessages returns the messages sent to corpID's chat chatID, oldest
// first. The values are copies.
func (s *Server) ChatMessages(corpID, chatID string) []ChatMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ChatMessage
	for _, m := range s.chats.messages {
		if m.CorpID == corpID && m.ChatID == chatID {
			out = append(out, *m)
		}
	}
	return out
}

func validChatID(id string) bool {
	if id == "" || len(id) > maxChatIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

func chatName(name string) string {
	rs := []rune(name)
	return string(rs[:min(len(rs), maxChatName)])
}

// readChatBody reads a JSON body into v, answering 47001 itself.
func readChatBody(w http.ResponseWriter, r *http.Request, v any) ([]byte, bool) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil || json.Unmarshal(raw, v) != nil {
		writeError(w, 47001, "")
		return nil, false
	}
	return raw, true
}

// chatAppOK answers 48002 for the contact-sync secret, which cannot use
// app chats (only a self-built app can).
func chatAppOK(w http.ResponseWriter, c Caller) bool {
	if c.AgentID == ContactSyncAgentID {
		writeError(w, 48002, "api forbidden")
		return false
	}
	return true
}

// membersLocked resolves userids to the stored members the app can see,
// deduplicated; bad is the first userid it cannot.
func (s *Server) membersLocked(c Caller, ids []string) (users []string, bad string) {
	idx := s.indexLocked(c.CorpID)
	seen := map[string]bool{}
	for _, id := range ids {
		m := idx.members[strings.ToLower(id)]
		if m == nil || !idx.userVisible(c, m) {
			return nil, id
		}
		if k := strings.ToLower(m.UserID); !seen[k] {
			seen[k] = true
			users = append(users, m.UserID)
		}
	}
	return users, ""
}

func indexOfUser(users []string, id string) int {
	return slices.IndexFunc(users, func(u string) bool { return strings.EqualFold(u, id) })
}

// handleAppChatCreate serves POST /cgi-bin/appchat/create (doc 90245):
// 2–2000 members the app can see, the owner among them (the first member
// when none is named: WeCom picks one at random), a chatid given (letters
// and digits, at most 32, unused) or made up, the name cut to 50
// characters.
func (s *Server) handleAppChatCreate(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		Name     string   `json:"name"`
		Owner    string   `json:"owner"`
		UserList []string `json:"userlist"`
		ChatID   string   `json:"chatid"`
	}
	if _, ok := readChatBody(w, r, &b); !ok || !chatAppOK(w, c) {
		return
	}
	if b.ChatID != "" && !validChatID(b.ChatID) {
		writeError(w, codeChatIDInvalid, "invalid chatid")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	users, bad := s.membersLocked(c, b.UserList)
	switch {
	case bad != "":
		writeError(w, codeChatMember, "invalid chat member "+bad)
		return
	case len(users) < minChatMembers || len(users) > maxChatMembers:
		writeError(w, codeChatSize, "invalid chat member list size")
		return
	}
	owner := users[0]
	if b.Owner != "" {
		i := indexOfUser(users, b.Owner)
		if i < 0 {
			writeError(w, codeChatOwner, "invalid owner")
			return
		}
		owner = users[i]
	}
	id := b.ChatID
	if id == "" {
		id = "wr" + randomHex(15)
	}
	key := c.CorpID + "/" + id
	if s.chats.chats[key] != nil {
		writeError(w, codeChatExists, "chatid exists")
		return
	}
	s.chats.chats[key] = &AppChat{
		ChatID: id, CorpID: c.CorpID, AgentID: c.AgentID, Name: chatName(b.Name),
		Owner: owner, Users: users, Created: s.now(),
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "chatid": id})
}

// chatLocked finds the app's chat, answering 86001 (unknown) or 86008
// (another app's) itself.
func (s *Server) chatLocked(w http.ResponseWriter, c Caller, chatID string) *AppChat {
	ch := s.chats.chats[c.CorpID+"/"+chatID]
	switch {
	case ch == nil:
		writeError(w, codeChatIDInvalid, "chatid invalid")
		return nil
	case ch.AgentID != c.AgentID:
		writeError(w, codeChatNotOwn, "not the app's chat")
		return nil
	}
	return ch
}

// handleAppChatUpdate serves POST /cgi-bin/appchat/update (doc 90246):
// members removed, then added; the owner changed (a new owner must be a
// member after the change, and removing the owner needs a new one); the
// name cut to 50 characters. The chat keeps 2–2000 members.
func (s *Server) handleAppChatUpdate(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		ChatID  string   `json:"chatid"`
		Name    string   `json:"name"`
		Owner   string   `json:"owner"`
		AddList []string `json:"add_user_list"`
		DelList []string `json:"del_user_list"`
	}
	if _, ok := readChatBody(w, r, &b); !ok || !chatAppOK(w, c) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.chatLocked(w, c, b.ChatID)
	if ch == nil {
		return
	}
	add, bad := s.membersLocked(c, b.AddList)
	if bad != "" {
		writeError(w, codeChatMember, "invalid chat member "+bad)
		return
	}
	users := slices.DeleteFunc(slices.Clone(ch.Users), func(u string) bool {
		return slices.ContainsFunc(b.DelList, func(d string) bool { return strings.EqualFold(u, d) })
	})
	for _, u := range add {
		if indexOfUser(users, u) < 0 {
			users = append(users, u)
		}
	}
	if len(users) < minChatMembers || len(users) > maxChatMembers {
		writeError(w, codeChatSize, "invalid chat member list size")
		return
	}
	owner := ch.Owner
	if b.Owner != "" {
		owner = b.Owner
	}
	i := indexOfUser(users, owner)
	if i < 0 {
		writeError(w, codeChatOwner, "invalid owner")
		return
	}
	ch.Users, ch.Owner = users, users[i]
	if b.Name != "" {
		ch.Name = chatName(b.Name)
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}

// handleAppChatGet serves GET /cgi-bin/appchat/get (doc 90247).
func (s *Server) handleAppChatGet(w http.ResponseWriter, r *http.Request, c Caller) {
	if !chatAppOK(w, c) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.chatLocked(w, c, r.URL.Query().Get("chatid"))
	if ch == nil {
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "chat_info": map[string]any{
		"chatid": ch.ChatID, "name": ch.Name, "owner": ch.Owner, "userlist": ch.Users, "chat_type": 0,
	}})
}

// handleAppChatSend serves POST /cgi-bin/appchat/send (doc 90248): the
// content is checked as message/send's (media ids against the media
// store: 40007), a msgtype the chat does not take is 40008, and the
// message is recorded for [Server.ChatMessages].
func (s *Server) handleAppChatSend(w http.ResponseWriter, r *http.Request, c Caller) {
	var b struct {
		ChatID string `json:"chatid"`
		contentBody
	}
	raw, ok := readChatBody(w, r, &b)
	if !ok || !chatAppOK(w, c) {
		return
	}
	s.mu.Lock()
	ch := s.chatLocked(w, c, b.ChatID)
	s.mu.Unlock()
	if ch == nil {
		return
	}
	fields, cerr := s.checkContent(c.CorpID, &b.contentBody, chatMsgTypes)
	if cerr != nil {
		writeError(w, cerr.code, cerr.msg)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats.messages = append(s.chats.messages, &ChatMessage{
		ChatID: b.ChatID, CorpID: c.CorpID, AgentID: c.AgentID, MsgType: b.MsgType,
		Fields: fields, Safe: b.Safe == 1, Sent: s.now(), Body: raw,
	})
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok"})
}
