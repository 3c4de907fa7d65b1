package message

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/wecomkit/wecomkit/wecom"
)

// Messages to the members of linked corporations (互联企业消息推送): the same
// app messages as message/send, addressed by the linked corporations'
// string ids.

var linkedSend = &wecom.Endpoint[wecom.CorpToken, *linkedSendRequest, linkedSendResponse]{
	Method: http.MethodPost, Path: "/cgi-bin/linkedcorp/message/send", Doc: 90250,
	Entry: "message.Client.SendLinked",
}

// LinkedRecipients says who in the linked corporations gets a message.
// Unlike [Recipients] the ids are strings, as
// linkedcorp/agent/get_perm_list lists them (contact.Client.LinkedPermissions):
// members "CORPID/USERID" (a member of the app's own corporation may be
// named by plain userid), departments "LINKEDID/DEPARTMENTID". All sends
// to everyone in the app's visible scope (toall), and WeCom then ignores
// the rest.
type LinkedRecipients struct {
	Users   []string
	Parties []string
	Tags    []string
	All     bool
}

// LinkedMessage is one message to members of linked corporations.
type LinkedMessage struct {
	To LinkedRecipients
	// Content is any [Content] but a *TemplateCard, which
	// linkedcorp/message/send does not take.
	Content Content
	// Safe marks the message confidential (safe=1), where WeCom honours it.
	Safe bool
}

type linkedSendRequest struct {
	ToUser  []string `json:"touser,omitempty"`
	ToParty []string `json:"toparty,omitempty"`
	ToTag   []string `json:"totag,omitempty"`
	ToAll   int      `json:"toall,omitempty"`
	MsgType string   `json:"msgtype" wecom:"required"`
	AgentID int64    `json:"agentid" wecom:"required"`
	body
	Safe int `json:"safe,omitempty"`
}

type linkedSendResponse struct {
	InvalidUser  []string `json:"invaliduser"`
	InvalidParty []string `json:"invalidparty"`
	InvalidTag   []string `json:"invalidtag"`
}

// SendLinked sends msg as the client's app to members of linked
// corporations with POST /cgi-bin/linkedcorp/message/send
// (https://developer.work.weixin.qq.com/document/path/90250). The
// recipient limits and content rules of [Client.Send] apply (fields over
// WeCom's limits are cut, or refused by a [Strict] client); the
// recipients WeCom could not reach come back in the Result's Invalid
// lists. A [Limiter] is not consulted: its budgets count the app's own
// members.
func (c *Client) SendLinked(ctx context.Context, msg *LinkedMessage) (*Result, error) {
	if msg == nil || msg.Content == nil {
		return nil, invalid("no content")
	}
	to := msg.To
	switch {
	case !to.All && len(to.Users) == 0 && len(to.Parties) == 0 && len(to.Tags) == 0:
		return nil, invalid("no recipients")
	case len(to.Users) > MaxUsers:
		return nil, invalid("%d users: at most %d per message", len(to.Users), MaxUsers)
	case len(to.Parties) > MaxParties:
		return nil, invalid("%d parties: at most %d per message", len(to.Parties), MaxParties)
	case len(to.Tags) > MaxTags:
		return nil, invalid("%d tags: at most %d per message", len(to.Tags), MaxTags)
	}
	if _, card := msg.Content.(*TemplateCard); card {
		return nil, invalid("linkedcorp/message/send takes no template_card")
	}
	for _, list := range [...][]string{to.Users, to.Parties, to.Tags} {
		for _, id := range list {
			if id == "" || strings.Contains(id, "|") {
				return nil, invalid("recipient id %q", id)
			}
		}
	}
	req := &linkedSendRequest{MsgType: msg.Content.msgType(), AgentID: c.agentID}
	if to.All {
		req.ToAll = 1
	} else {
		req.ToUser, req.ToParty, req.ToTag = to.Users, to.Parties, to.Tags
	}
	if msg.Safe {
		req.Safe = 1
	}
	var result Result
	f := filler{body: &req.body, strict: c.strict, result: &result}
	if err := msg.Content.fill(&f); err != nil {
		return nil, err
	}
	var out linkedSendResponse
	if err := linkedSend.CallInto(ctx, c.corp, req, &out); err != nil {
		return nil, fmt.Errorf("message: send to linked corporations: %w", err)
	}
	result.InvalidUsers, result.InvalidParties, result.InvalidTags = out.InvalidUser, out.InvalidParty, out.InvalidTag
	return &result, nil
}
