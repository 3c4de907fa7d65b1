package externalcontact

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// The customer-group endpoints (客户群管理: docs 92120, 92122, 94822).
var (
	groupChatList = &wecom.Endpoint[wecom.CorpToken, *groupChatListRequest, groupChatListAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/list", Doc: 92120, Idempotent: true,
		Entry: "externalcontact.Client.GroupChats",
	}
	groupChatGet = &wecom.Endpoint[wecom.CorpToken, *groupChatGetRequest, groupChatGetAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/get", Doc: 92122, Idempotent: true,
		Entry: "externalcontact.Client.GroupChat",
	}
	opengidToChatID = &wecom.Endpoint[wecom.CorpToken, *opengidRequest, opengidAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/opengid_to_chatid", Doc: 94822, Idempotent: true,
		Entry: "externalcontact.Client.ChatIDOfOpenGID",
	}
)

// Group chat follow-up states (status, doc 92120): whether the owner is
// still with the corporation.
const (
	GroupChatNormal       = 0 // the owner is a member
	GroupChatOwnerLeft    = 1 // the owner left; awaiting transfer (离职待继承)
	GroupChatTransferring = 2 // being transferred (离职继承中)
	GroupChatTransferred  = 3 // transferred (离职继承完成)
)

// MaxOwnerFilter is the most owner userids groupchat/list and the group
// statistics take (owner_filter.userid_list, docs 92120 and 92133).
const MaxOwnerFilter = 100

// groupChatPage is how many chats GroupChats asks for at once
// (groupchat/list: limit 1 to 1000).
const groupChatPage = 1000

// GroupChatFilter selects the customer groups [Client.GroupChats] yields.
type GroupChatFilter struct {
	// Status filters by follow-up state: 0 all, 1 owner left, 2 being
	// transferred, 3 transferred (status_filter).
	Status int
	// Owners are the owners' userids, at most [MaxOwnerFilter]. Empty
	// means every owner the app can see — WeCom answers 81017 when that is
	// more than 1000 members, and groups of owners who left are listed
	// only when their owner is named.
	Owners []string
}

// GroupChatRef is a customer group as groupchat/list names it.
type GroupChatRef struct {
	ChatID string `json:"chat_id"`
	Status int    `json:"status"` // GroupChatNormal, GroupChatOwnerLeft, …
}

// GroupChat is a customer group's details (group_chat, doc 92122).
type GroupChat struct {
	ChatID     string            `json:"chat_id"`
	Name       string            `json:"name"`
	Owner      string            `json:"owner"`       // the owner's userid
	CreateTime int64             `json:"create_time"` // unix seconds
	Notice     string            `json:"notice,omitempty"`
	Members    []GroupChatMember `json:"member_list"`
	Admins     []struct {
		UserID string `json:"userid"`
	} `json:"admin_list"`
	// MemberVersion changes whenever the members change: compare it with
	// the one a change_external_chat event carries.
	MemberVersion string `json:"member_version,omitempty"`
}

// Created returns when the group was created.
func (g *GroupChat) Created() time.Time { return time.Unix(g.CreateTime, 0) }

// Group member types (member_list.type).
const (
	GroupMemberUser     = 1 // a member of the corporation
	GroupMemberCustomer = 2 // an external contact
)

// Join scenes (member_list.join_scene).
const (
	JoinInvited  = 1 // invited directly by a member of the group
	JoinByLink   = 2 // through an invitation link
	JoinByQRCode = 3 // by scanning the group's QR code
)

// GroupChatMember is a member of a customer group.
type GroupChatMember struct {
	UserID    string `json:"userid"` // a userid or an external userid, by Type
	Type      int    `json:"type"`   // GroupMemberUser or GroupMemberCustomer
	UnionID   string `json:"unionid,omitempty"`
	JoinTime  int64  `json:"join_time"`
	JoinScene int    `json:"join_scene"`
	Invitor   *struct {
		UserID string `json:"userid"`
	} `json:"invitor,omitempty"` // only when a member of the corporation invited them
	GroupNickname string `json:"group_nickname,omitempty"`
	Name          string `json:"name,omitempty"`  // only when asked for (needName)
	State         string `json:"state,omitempty"` // the join way's state, when they came through one
}

// AdminIDs returns the userids of the group's admins.
func (g *GroupChat) AdminIDs() []string {
	out := make([]string, len(g.Admins))
	for i, a := range g.Admins {
		out[i] = a.UserID
	}
	return out
}

type ownerFilter struct {
	UserIDList []string `json:"userid_list,omitempty"`
}

type groupChatListRequest struct {
	StatusFilter int          `json:"status_filter,omitempty"`
	OwnerFilter  *ownerFilter `json:"owner_filter,omitempty"`
	Cursor       string       `json:"cursor,omitempty"`
	Limit        int          `json:"limit" wecom:"required"`
}

type groupChatListAnswer struct {
	GroupChatList []GroupChatRef `json:"group_chat_list"`
	NextCursor    string         `json:"next_cursor"`
}

type groupChatGetRequest struct {
	ChatID   string `json:"chat_id" wecom:"required"`
	NeedName int    `json:"need_name,omitempty"`
}

type groupChatGetAnswer struct {
	GroupChat GroupChat `json:"group_chat"`
}

type opengidRequest struct {
	OpenGID string `json:"opengid" wecom:"required"`
}

type opengidAnswer struct {
	ChatID string `json:"chat_id"`
}

func checkOwners(owners []string) error {
	if len(owners) > MaxOwnerFilter {
		return fmt.Errorf("%w: %d owners (at most %d)", ErrInvalidArgument, len(owners), MaxOwnerFilter)
	}
	for _, o := range owners {
		if o == "" {
			return fmt.Errorf("%w: an empty owner userid", ErrInvalidArgument)
		}
	}
	return nil
}

// GroupChats yields the customer groups f selects
// (externalcontact/groupchat/list, doc 92120), 1000 a call, following
// next_cursor until WeCom gives none. The sequence stops after the first
// error it yields, and when ctx is done.
func (c *Client) GroupChats(ctx context.Context, f GroupChatFilter) iter.Seq2[GroupChatRef, error] {
	return func(yield func(GroupChatRef, error) bool) {
		if err := checkOwners(f.Owners); err != nil {
			yield(GroupChatRef{}, err)
			return
		}
		if f.Status < GroupChatNormal || f.Status > GroupChatTransferred {
			yield(GroupChatRef{}, fmt.Errorf("%w: status filter %d", ErrInvalidArgument, f.Status))
			return
		}
		req := &groupChatListRequest{StatusFilter: f.Status, Limit: groupChatPage}
		if len(f.Owners) > 0 {
			req.OwnerFilter = &ownerFilter{UserIDList: f.Owners}
		}
		for {
			a, err := groupChatList.Call(ctx, c.corp, req)
			if err != nil {
				yield(GroupChatRef{}, fmt.Errorf("externalcontact: group chats: %w", err))
				return
			}
			for _, g := range a.GroupChatList {
				if !yield(g, nil) {
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

// GroupChat returns the customer group chatID with its members and admins
// (externalcontact/groupchat/get, doc 92122); with needName the members'
// names are filled in (need_name).
func (c *Client) GroupChat(ctx context.Context, chatID string, needName bool) (*GroupChat, error) {
	if err := required("chat_id", chatID); err != nil {
		return nil, err
	}
	req := &groupChatGetRequest{ChatID: chatID}
	if needName {
		req.NeedName = 1
	}
	a, err := groupChatGet.Call(ctx, c.corp, req)
	if err != nil {
		return nil, fmt.Errorf("externalcontact: group chat %s: %w", chatID, err)
	}
	return &a.GroupChat, nil
}

// ChatIDOfOpenGID returns the chat_id of the customer group a mini
// program knows by its opengid (externalcontact/opengid_to_chatid, doc
// 94822). WeCom converts only groups whose owner is visible to the app.
func (c *Client) ChatIDOfOpenGID(ctx context.Context, openGID string) (string, error) {
	if err := required("opengid", openGID); err != nil {
		return "", err
	}
	a, err := opengidToChatID.Call(ctx, c.corp, &opengidRequest{OpenGID: openGID})
	if err != nil {
		return "", fmt.Errorf("externalcontact: chat id of opengid: %w", err)
	}
	return a.ChatID, nil
}
