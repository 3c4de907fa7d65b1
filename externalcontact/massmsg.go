package externalcontact

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// Mass messages (企业群发): a task created for members, who each confirm it
// in their client before anything reaches a customer or a customer group
// (docs 92135, 93338, 97610, 97611).

var (
	addMsgTemplate = &wecom.Endpoint[wecom.CorpToken, *msgTemplateRequest, MassMessageResult]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/add_msg_template", Doc: 92135,
		Entry: "externalcontact.Client.AddMassMessage",
	}
	getGroupMsgListV2 = &wecom.Endpoint[wecom.CorpToken, *groupMsgListRequest, groupMsgListAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_groupmsg_list_v2", Doc: 93338, Idempotent: true,
		Entry: "externalcontact.Client.MassMessages",
	}
	getGroupMsgTask = &wecom.Endpoint[wecom.CorpToken, *groupMsgTaskRequest, groupMsgTaskAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_groupmsg_task", Doc: 93338, Idempotent: true,
		Entry: "externalcontact.Client.MassMessageTasks",
	}
	getGroupMsgSendResult = &wecom.Endpoint[wecom.CorpToken, *groupMsgSendResultRequest, groupMsgSendResultAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_groupmsg_send_result", Doc: 93338, Idempotent: true,
		Entry: "externalcontact.Client.MassMessageResults",
	}
	remindGroupMsgSend = &wecom.Endpoint[wecom.CorpToken, *msgIDRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/remind_groupmsg_send", Doc: 97610,
		Entry: "externalcontact.Client.RemindMassMessage",
	}
	cancelGroupMsgSend = &wecom.Endpoint[wecom.CorpToken, *msgIDRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/cancel_groupmsg_send", Doc: 97611, Idempotent: true,
		Entry: "externalcontact.Client.CancelMassMessage",
	}
)

// Limits of add_msg_template (doc 92135).
const (
	MaxMassCustomers   = 10000 // external_userid
	MaxMassChats       = 2000  // chat_id_list
	MaxAttachments     = 9     // attachments of a mass message
	MaxMassTextBytes   = 4000  // text.content
	MaxTransferPerCall = 100   // external_userid of the transfer calls (docs 92125, 94081)
)

// Chat types of a mass message.
const (
	ChatSingle = "single" // to customers
	ChatGroup  = "group"  // to customer groups
)

// TagFilter selects customers by corp tags: a customer matches when, for
// every group, they carry at least one of its tags (tag_filter).
type TagFilter struct {
	GroupList []TagFilterGroup `json:"group_list"`
}

// TagFilterGroup is one group of a [TagFilter].
type TagFilterGroup struct {
	TagList []string `json:"tag_list"`
}

// MassMessage is what [Client.AddMassMessage] sends.
type MassMessage struct {
	// ChatType is ChatSingle (the default) or ChatGroup.
	ChatType string
	// ExternalUserIDs, for ChatSingle, limits the customers; with none,
	// every customer of Sender (or of every member) matching TagFilter.
	ExternalUserIDs []string
	// ChatIDs, for ChatGroup, names the groups; with none, the sender
	// chooses among their groups.
	ChatIDs   []string
	TagFilter *TagFilter
	// Sender is the member who sends; required for ChatGroup.
	Sender string
	// AllowSelect lets the member change the customers (ChatSingle).
	AllowSelect bool
	Text        string
	Attachments []Attachment
}

type msgTemplateRequest struct {
	ChatType       string       `json:"chat_type,omitempty"`
	ExternalUserID []string     `json:"external_userid,omitempty"`
	ChatIDList     []string     `json:"chat_id_list,omitempty"`
	TagFilter      *TagFilter   `json:"tag_filter,omitempty"`
	Sender         string       `json:"sender,omitempty"`
	AllowSelect    bool         `json:"allow_select,omitempty"`
	Text           *Text        `json:"text,omitempty"`
	Attachments    []Attachment `json:"attachments,omitempty"`
}

// MassMessageResult is add_msg_template's answer: the message's id and the
// customers it cannot reach (not anyone's customer, or over a limit).
type MassMessageResult struct {
	MsgID    string   `json:"msgid"`
	FailList []string `json:"fail_list,omitempty"`
}

func (m *MassMessage) check() error {
	switch m.ChatType {
	case "", ChatSingle:
		if len(m.ChatIDs) > 0 {
			return fmt.Errorf("%w: chat ids are for a group mass message", ErrInvalidArgument)
		}
	case ChatGroup:
		if m.Sender == "" {
			return fmt.Errorf("%w: a group mass message needs a sender", ErrInvalidArgument)
		}
	default:
		return fmt.Errorf("%w: chat type %q", ErrInvalidArgument, m.ChatType)
	}
	switch {
	case m.Text == "" && len(m.Attachments) == 0:
		return fmt.Errorf("%w: neither text nor attachments", ErrInvalidArgument)
	case len(m.Text) > MaxMassTextBytes:
		return fmt.Errorf("%w: text of %d bytes, at most %d", ErrInvalidArgument, len(m.Text), MaxMassTextBytes)
	case len(m.Attachments) > MaxAttachments:
		return fmt.Errorf("%w: %d attachments, at most %d", ErrInvalidArgument, len(m.Attachments), MaxAttachments)
	case len(m.ExternalUserIDs) > MaxMassCustomers:
		return fmt.Errorf("%w: %d customers, at most %d", ErrInvalidArgument, len(m.ExternalUserIDs), MaxMassCustomers)
	case len(m.ChatIDs) > MaxMassChats:
		return fmt.Errorf("%w: %d groups, at most %d", ErrInvalidArgument, len(m.ChatIDs), MaxMassChats)
	}
	for i := range m.Attachments {
		if err := m.Attachments[i].Check(); err != nil {
			return err
		}
	}
	return nil
}

// AddMassMessage creates a mass message task
// (externalcontact/add_msg_template, doc 92135). Nothing is sent until
// each member confirms it; read the progress with [Client.MassMessageTasks]
// and [Client.MassMessageResults].
func (c *Client) AddMassMessage(ctx context.Context, m MassMessage) (*MassMessageResult, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	req := &msgTemplateRequest{ChatType: m.ChatType, ExternalUserID: m.ExternalUserIDs, ChatIDList: m.ChatIDs, TagFilter: m.TagFilter,
		Sender: m.Sender, AllowSelect: m.AllowSelect, Attachments: m.Attachments}
	if m.Text != "" {
		req.Text = &Text{Content: m.Text}
	}
	a, err := addMsgTemplate.Call(ctx, c.corp, req)
	if err != nil {
		return nil, fmt.Errorf("externalcontact: add mass message: %w", err)
	}
	return a, nil
}

// Who created a mass message or a moment (create_type).
const (
	CreatedByCorp   = 0 // 企业发表
	CreatedByMember = 1 // 个人发表
)

// Creators selects mass messages or moments by who created them; the
// zero value selects all (filter_type 2).
type Creators int

// The values of [Creators].
const (
	AllCreators Creators = iota
	CorpCreated
	MemberCreated
)

func (f Creators) wire() int {
	switch f {
	case CorpCreated:
		return CreatedByCorp
	case MemberCreated:
		return CreatedByMember
	}
	return 2
}

// MassMessageFilter selects the mass messages [Client.MassMessages] lists.
// WeCom takes at most one month between Start and End.
type MassMessageFilter struct {
	ChatType   string // ChatSingle (default) or ChatGroup
	Start, End time.Time
	Creator    string // a member's userid, or "" for all
	Created    Creators
}

type groupMsgListRequest struct {
	ChatType   string `json:"chat_type,omitempty"`
	StartTime  int64  `json:"start_time" wecom:"required"`
	EndTime    int64  `json:"end_time" wecom:"required"`
	Creator    string `json:"creator,omitempty"`
	FilterType int    `json:"filter_type"`
	Limit      int    `json:"limit,omitempty"`
	Cursor     string `json:"cursor,omitempty"`
}

type groupMsgListAnswer struct {
	GroupMsgList []MassMessageRecord `json:"group_msg_list"`
	NextCursor   string              `json:"next_cursor"`
}

// MassMessageRecord is a mass message as get_groupmsg_list_v2 lists it.
type MassMessageRecord struct {
	MsgID       string       `json:"msgid"`
	Creator     string       `json:"creator,omitempty"`
	CreateTime  int64        `json:"create_time"` // unix seconds; WeCom's example sends a string, both are read
	CreateType  int          `json:"create_type"` // CreatedByCorp or CreatedByMember
	Text        *Text        `json:"text,omitempty"`
	Attachments []Attachment `json:"attachments,omitempty"`
}

// UnmarshalJSON reads create_time as a number or a numeric string.
func (r *MassMessageRecord) UnmarshalJSON(b []byte) error {
	type plain MassMessageRecord
	return json.Unmarshal(b, &struct {
		*plain
		CreateTime *numberOrString `json:"create_time"`
	}{(*plain)(r), (*numberOrString)(&r.CreateTime)})
}

// MassMessages yields the mass messages of a period
// (externalcontact/get_groupmsg_list_v2, doc 93338), 100 an answer, the
// cursor followed.
func (c *Client) MassMessages(ctx context.Context, f MassMessageFilter) iter.Seq2[MassMessageRecord, error] {
	if f.Start.IsZero() || f.End.Before(f.Start) {
		return invalidSeq[MassMessageRecord](fmt.Errorf("%w: a mass message filter needs Start <= End", ErrInvalidArgument))
	}
	req := &groupMsgListRequest{ChatType: f.ChatType, StartTime: f.Start.Unix(), EndTime: f.End.Unix(), Creator: f.Creator, FilterType: f.Created.wire(), Limit: 100}
	return cursorPages(ctx, c.corp, getGroupMsgListV2, req, func(r *groupMsgListRequest, s string) { r.Cursor = s },
		func(a *groupMsgListAnswer) ([]MassMessageRecord, string) { return a.GroupMsgList, a.NextCursor }, "mass messages")
}

type groupMsgTaskRequest struct {
	MsgID  string `json:"msgid" wecom:"required"`
	Limit  int    `json:"limit,omitempty"`
	Cursor string `json:"cursor,omitempty"`
}

type groupMsgTaskAnswer struct {
	TaskList   []MassMessageTask `json:"task_list"`
	NextCursor string            `json:"next_cursor"`
}

// Statuses of a member's mass message task.
const (
	TaskUnsent = 0 // 未发送
	TaskSent   = 2 // 已发送
)

// MassMessageTask is one member's task of a mass message.
type MassMessageTask struct {
	UserID   string `json:"userid"`
	Status   int    `json:"status"`              // TaskUnsent or TaskSent
	SendTime int64  `json:"send_time,omitempty"` // unix seconds, once sent
}

// MassMessageTasks yields the members' tasks of mass message msgID
// (externalcontact/get_groupmsg_task, doc 93338), 1000 an answer.
func (c *Client) MassMessageTasks(ctx context.Context, msgID string) iter.Seq2[MassMessageTask, error] {
	if err := required("msgid", msgID); err != nil {
		return invalidSeq[MassMessageTask](err)
	}
	return cursorPages(ctx, c.corp, getGroupMsgTask, &groupMsgTaskRequest{MsgID: msgID, Limit: 1000}, func(r *groupMsgTaskRequest, s string) { r.Cursor = s },
		func(a *groupMsgTaskAnswer) ([]MassMessageTask, string) { return a.TaskList, a.NextCursor }, "mass message "+msgID+" tasks")
}

type groupMsgSendResultRequest struct {
	MsgID  string `json:"msgid" wecom:"required"`
	UserID string `json:"userid" wecom:"required"`
	Limit  int    `json:"limit,omitempty"`
	Cursor string `json:"cursor,omitempty"`
}

type groupMsgSendResultAnswer struct {
	SendList   []MassMessageSend `json:"send_list"`
	NextCursor string            `json:"next_cursor"`
}

// Statuses of a mass message per customer or group.
const (
	SendPending     = 0 // 未发送
	SendDone        = 1 // 已发送
	SendNotFriend   = 2 // 因客户不是好友导致发送失败
	SendOverLimited = 3 // 因客户已经收到其他群发消息导致发送失败
)

// MassMessageSend is a mass message's outcome for one customer or group.
type MassMessageSend struct {
	ExternalUserID string `json:"external_userid,omitempty"`
	ChatID         string `json:"chat_id,omitempty"`
	UserID         string `json:"userid"`
	Status         int    `json:"status"`
	SendTime       int64  `json:"send_time,omitempty"`
}

// MassMessageResults yields what member userID's task of mass message
// msgID did for each customer or group
// (externalcontact/get_groupmsg_send_result, doc 93338), 1000 an answer.
func (c *Client) MassMessageResults(ctx context.Context, msgID, userID string) iter.Seq2[MassMessageSend, error] {
	if err := required("msgid", msgID); err != nil {
		return invalidSeq[MassMessageSend](err)
	}
	if err := required("userid", userID); err != nil {
		return invalidSeq[MassMessageSend](err)
	}
	return cursorPages(ctx, c.corp, getGroupMsgSendResult, &groupMsgSendResultRequest{MsgID: msgID, UserID: userID, Limit: 1000},
		func(r *groupMsgSendResultRequest, s string) { r.Cursor = s },
		func(a *groupMsgSendResultAnswer) ([]MassMessageSend, string) { return a.SendList, a.NextCursor }, "mass message "+msgID+" results")
}

type msgIDRequest struct {
	MsgID string `json:"msgid" wecom:"required"`
}

// RemindMassMessage notifies the members who have not sent mass message
// msgID again (externalcontact/remind_groupmsg_send, doc 97610): at most
// three times in 24 hours.
func (c *Client) RemindMassMessage(ctx context.Context, msgID string) error {
	if err := required("msgid", msgID); err != nil {
		return err
	}
	if _, err := remindGroupMsgSend.Call(ctx, c.corp, &msgIDRequest{MsgID: msgID}); err != nil {
		return fmt.Errorf("externalcontact: remind mass message %s: %w", msgID, err)
	}
	return nil
}

// CancelMassMessage stops mass message msgID for the members who have not
// sent it (externalcontact/cancel_groupmsg_send, doc 97611); what was sent
// stays sent.
func (c *Client) CancelMassMessage(ctx context.Context, msgID string) error {
	if err := required("msgid", msgID); err != nil {
		return err
	}
	if _, err := cancelGroupMsgSend.Call(ctx, c.corp, &msgIDRequest{MsgID: msgID}); err != nil {
		return fmt.Errorf("externalcontact: cancel mass message %s: %w", msgID, err)
	}
	return nil
}

// numberOrString decodes an integer WeCom sends as a JSON number on some
// pages and as a quoted numeric string on others (create_time of
// get_groupmsg_list_v2 and get_moment_list).
type numberOrString int64

// UnmarshalJSON reads 123 or "123"; null and "" leave the value as it was.
func (n *numberOrString) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s == "" {
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return fmt.Errorf("externalcontact: create_time %q: %w", s, err)
	}
	*n = numberOrString(v)
	return nil
}
