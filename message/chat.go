package message

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Limits of app group chats (应用群聊, docs 90245–90248).
const (
	// MinChatMembers and MaxChatMembers bound a chat's members: at least
	// 2, at most 2000 (the admin console may set a lower ceiling).
	MinChatMembers = 2
	MaxChatMembers = 2000
	// MaxChatNameRunes is the longest chat name WeCom keeps; it cuts
	// longer ones.
	MaxChatNameRunes = 50
	// MaxChatIDLen is the longest chatid: letters and digits only.
	MaxChatIDLen = 32
)

// Chat is an app group chat (群聊会话) as appchat/get describes it. Only
// a self-built app whose visible range is the root department may create
// and use one, and only the chats it created.
type Chat struct {
	ChatID string   `json:"chatid"`
	Name   string   `json:"name"`
	Owner  string   `json:"owner"`
	Users  []string `json:"userlist"`
	// ChatType is 0 for an ordinary chat, 1 for a course chat (课程群聊).
	ChatType int `json:"chat_type"`
}

// ChatUpdate changes a chat: the zero fields are left as they are.
type ChatUpdate struct {
	ChatID string
	Name   string // the new name
	Owner  string // the new owner; needed when Remove holds the owner
	Add    []string
	Remove []string
}

// ChatMessage is a message to an app group chat: [Text], [Image],
// [Voice], [Video], [File], [TextCard], [News], [MPNews] or [Markdown]
// (appchat/send takes no mini program notice and no template card).
type ChatMessage struct {
	ChatID  string
	Content Content
	// Safe marks the message confidential (safe=1).
	Safe bool
}

func validChatID(id string) bool {
	if len(id) > MaxChatIDLen {
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

func checkUserIDs(what string, ids []string) error {
	for _, u := range ids {
		if u == "" || strings.Contains(u, "|") {
			return invalid("%s: userid %q", what, u)
		}
	}
	return nil
}

// chatName fits a chat name to WeCom's 50 characters: cut, or refused by
// a strict client.
func (c *Client) chatName(name string) (string, error) {
	var r Result
	err := fitField(&r, c.strict, "name", &name, MaxChatNameRunes, true)
	return name, err
}

// CreateChat creates an app group chat with POST /cgi-bin/appchat/create
// (https://developer.work.weixin.qq.com/document/path/90245) and returns
// its chatid: chat.ChatID if set (at most 32 letters and digits, not yet
// used), else one WeCom makes up. chat.Users holds 2 to 2000 members;
// chat.Owner, if set, must be one of them (WeCom otherwise picks one).
// A name over 50 characters is cut at a character boundary (refused by a
// [Strict] client).
func (c *Client) CreateChat(ctx context.Context, chat *Chat) (string, error) {
	switch {
	case chat == nil:
		return "", invalid("nil chat")
	case len(chat.Users) < MinChatMembers || len(chat.Users) > MaxChatMembers:
		return "", invalid("%d chat members: %d to %d", len(chat.Users), MinChatMembers, MaxChatMembers)
	case chat.ChatID != "" && !validChatID(chat.ChatID):
		return "", invalid("chatid %q: at most %d letters and digits", chat.ChatID, MaxChatIDLen)
	case chat.Owner != "" && !slices.Contains(chat.Users, chat.Owner):
		return "", invalid("owner %q is not among the chat's members", chat.Owner)
	}
	if err := checkUserIDs("chat member", chat.Users); err != nil {
		return "", err
	}
	name, err := c.chatName(chat.Name)
	if err != nil {
		return "", err
	}
	req := &createChatRequest{Name: name, Owner: chat.Owner, UserList: chat.Users, ChatID: chat.ChatID}
	var out createChatResponse
	if err := appchatCreate.CallInto(ctx, c.corp, req, &out); err != nil {
		return "", fmt.Errorf("message: create chat: %w", err)
	}
	return out.ChatID, nil
}

// UpdateChat renames a chat, changes its owner, adds and removes members
// with POST /cgi-bin/appchat/update
// (https://developer.work.weixin.qq.com/document/path/90246). The chat
// must be the app's own.
func (c *Client) UpdateChat(ctx context.Context, u *ChatUpdate) error {
	switch {
	case u == nil || u.ChatID == "":
		return invalid("no chatid")
	case u.Name == "" && u.Owner == "" && len(u.Add) == 0 && len(u.Remove) == 0:
		return invalid("nothing to update in chat %s", u.ChatID)
	case len(u.Add) > MaxChatMembers:
		return invalid("%d members to add: a chat holds at most %d", len(u.Add), MaxChatMembers)
	case u.Owner != "" && slices.Contains(u.Remove, u.Owner):
		return invalid("the new owner %q is removed", u.Owner)
	}
	if err := checkUserIDs("add", u.Add); err != nil {
		return err
	}
	if err := checkUserIDs("remove", u.Remove); err != nil {
		return err
	}
	name, err := c.chatName(u.Name)
	if err != nil {
		return err
	}
	req := &updateChatRequest{ChatID: u.ChatID, Name: name, Owner: u.Owner, AddUserList: u.Add, DelUserList: u.Remove}
	if err := appchatUpdate.CallInto(ctx, c.corp, req, nil); err != nil {
		return fmt.Errorf("message: update chat: %w", err)
	}
	return nil
}

// Chat returns the app's chat chatID with GET /cgi-bin/appchat/get
// (https://developer.work.weixin.qq.com/document/path/90247).
func (c *Client) Chat(ctx context.Context, chatID string) (*Chat, error) {
	if chatID == "" {
		return nil, invalid("no chatid")
	}
	out, err := appchatGet.Call(ctx, c.corp, getChatRequest{ChatID: chatID})
	if err != nil {
		return nil, fmt.Errorf("message: get chat: %w", err)
	}
	return &out.ChatInfo, nil
}

// SendToChat sends msg to an app group chat with POST
// /cgi-bin/appchat/send
// (https://developer.work.weixin.qq.com/document/path/90248). The
// content is checked and cut as for [Client.Send]; the Result names the
// fields cut (appchat/send answers no msgid). A [Limiter] does not apply:
// WeCom's per-member share is of app messages to members, and a chat's
// own limits are per corporation.
func (c *Client) SendToChat(ctx context.Context, msg *ChatMessage) (*Result, error) {
	switch {
	case msg == nil || msg.Content == nil:
		return nil, invalid("no content")
	case msg.ChatID == "":
		return nil, invalid("no chatid")
	}
	switch msg.Content.(type) {
	case *MiniProgramNotice, *TemplateCard:
		return nil, invalid("appchat/send takes no %s", msg.Content.msgType())
	}
	w := &chatWire{body: chatSendRequest{ChatID: msg.ChatID, MsgType: msg.Content.msgType()}}
	if msg.Safe {
		if _, news := msg.Content.(*News); news {
			return nil, newsNotSafe()
		}
		w.body.Safe = 1
	}
	w.fill = filler{body: &w.body.body, strict: c.strict, result: &w.result}
	if err := msg.Content.fill(&w.fill); err != nil {
		return nil, err
	}
	if err := appchatSend.CallInto(ctx, c.corp, &w.body, nil); err != nil {
		return nil, fmt.Errorf("message: send to chat: %w", err)
	}
	return &w.result, nil
}

// chatWire is appchat/send's body and result in one allocation.
type chatWire struct {
	body   chatSendRequest
	fill   filler
	result Result
}
