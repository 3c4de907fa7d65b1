package externalcontact

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// Transfers (在职继承 and 离职继承): a member's customers and customer groups
// handed to another member. A customer's transfer completes after 24
// hours unless the customer refuses (docs 92125, 94088, 95703 for members
// in service; 92124, 94081, 94082, 92127 for members who left).

var (
	transferCustomer = &wecom.Endpoint[wecom.CorpToken, *transferRequest, transferAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/transfer_customer", Doc: 92125,
		Entry: "externalcontact.Client.TransferCustomers",
	}
	transferResult = &wecom.Endpoint[wecom.CorpToken, *transferResultRequest, transferResultAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/transfer_result", Doc: 94088, Idempotent: true,
		Entry: "externalcontact.Client.TransferResults",
	}
	groupChatOnJobTransfer = &wecom.Endpoint[wecom.CorpToken, *chatTransferRequest, chatTransferAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/onjob_transfer", Doc: 95703,
		Entry: "externalcontact.Client.TransferGroupChats",
	}
	getUnassignedList = &wecom.Endpoint[wecom.CorpToken, *unassignedRequest, unassignedAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_unassigned_list", Doc: 92124, Idempotent: true,
		Entry: "externalcontact.Client.UnassignedCustomers",
	}
	resignedTransferCustomer = &wecom.Endpoint[wecom.CorpToken, *transferRequest, transferAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/resigned/transfer_customer", Doc: 94081,
		Entry: "externalcontact.Client.TransferResignedCustomers",
	}
	resignedTransferResult = &wecom.Endpoint[wecom.CorpToken, *transferResultRequest, transferResultAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/resigned/transfer_result", Doc: 94082, Idempotent: true,
		Entry: "externalcontact.Client.ResignedTransferResults",
	}
	groupChatTransfer = &wecom.Endpoint[wecom.CorpToken, *chatTransferRequest, chatTransferAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/transfer", Doc: 92127,
		Entry: "externalcontact.Client.TransferResignedGroupChats",
	}
)

// MaxTransferMessageRunes bounds transfer_success_msg (doc 92125).
const MaxTransferMessageRunes = 200

// MaxChatTransfer is how many groups one group transfer takes (docs 95703,
// 92127).
const MaxChatTransfer = 100

// Transfer hands customers from one member to another.
type Transfer struct {
	HandoverUserID  string
	TakeoverUserID  string
	ExternalUserIDs []string // at most MaxTransferPerCall
	// SuccessMessage is what the customers are told (in service only);
	// "" for WeCom's default.
	SuccessMessage string
}

type transferRequest struct {
	HandoverUserID     string   `json:"handover_userid" wecom:"required"`
	TakeoverUserID     string   `json:"takeover_userid" wecom:"required"`
	ExternalUserID     []string `json:"external_userid" wecom:"required"`
	TransferSuccessMsg string   `json:"transfer_success_msg,omitempty"`
}

type transferAnswer struct {
	Customer []TransferOutcome `json:"customer"`
}

// TransferOutcome is one customer's answer to a transfer call: ErrCode 0
// means the transfer started (it completes within 24 hours), else WeCom's
// errcode for that customer.
type TransferOutcome struct {
	ExternalUserID string `json:"external_userid"`
	ErrCode        int    `json:"errcode"`
}

func (t *Transfer) check(resigned bool) error {
	if err := required("handover userid", t.HandoverUserID); err != nil {
		return err
	}
	if err := required("takeover userid", t.TakeoverUserID); err != nil {
		return err
	}
	switch n := len(t.ExternalUserIDs); {
	case n == 0:
		return fmt.Errorf("%w: no customers to transfer", ErrInvalidArgument)
	case n > MaxTransferPerCall:
		return fmt.Errorf("%w: %d customers, at most %d a call", ErrInvalidArgument, n, MaxTransferPerCall)
	}
	if resigned && t.SuccessMessage != "" {
		return fmt.Errorf("%w: a resigned member's transfer takes no message", ErrInvalidArgument)
	}
	if n := len([]rune(t.SuccessMessage)); n > MaxTransferMessageRunes {
		return fmt.Errorf("%w: transfer message of %d characters, at most %d", ErrInvalidArgument, n, MaxTransferMessageRunes)
	}
	return nil
}

// TransferCustomers starts handing customers of a member in service to
// another member (externalcontact/transfer_customer, doc 92125); the
// outcome per customer is in the answer, the completion in
// [Client.TransferResults]. WeCom transfers a customer in service at most
// twice in 90 days; a third gets that customer's ErrCode 40128.
func (c *Client) TransferCustomers(ctx context.Context, t Transfer) ([]TransferOutcome, error) {
	return c.transfer(ctx, transferCustomer, t, false)
}

// TransferResignedCustomers starts handing customers of a member who left
// to another member (externalcontact/resigned/transfer_customer, doc
// 94081); see [Client.UnassignedCustomers].
func (c *Client) TransferResignedCustomers(ctx context.Context, t Transfer) ([]TransferOutcome, error) {
	return c.transfer(ctx, resignedTransferCustomer, t, true)
}

func (c *Client) transfer(ctx context.Context, ep *wecom.Endpoint[wecom.CorpToken, *transferRequest, transferAnswer], t Transfer, resigned bool) ([]TransferOutcome, error) {
	if err := t.check(resigned); err != nil {
		return nil, err
	}
	a, err := ep.Call(ctx, c.corp, &transferRequest{HandoverUserID: t.HandoverUserID, TakeoverUserID: t.TakeoverUserID,
		ExternalUserID: t.ExternalUserIDs, TransferSuccessMsg: t.SuccessMessage})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: transfer customers of %s to %s: %w", t.HandoverUserID, t.TakeoverUserID, err)
	}
	return a.Customer, nil
}

type transferResultRequest struct {
	HandoverUserID string `json:"handover_userid" wecom:"required"`
	TakeoverUserID string `json:"takeover_userid" wecom:"required"`
	Cursor         string `json:"cursor,omitempty"`
}

type transferResultAnswer struct {
	Customer   []TransferStatus `json:"customer"`
	NextCursor string           `json:"next_cursor"`
}

// The states of a customer's transfer (transfer_result).
const (
	TransferDone     = 1 // 接替完毕
	TransferWaiting  = 2 // 等待接替
	TransferRefused  = 3 // 客户拒绝
	TransferLimitHit = 4 // 接替成员客户达到上限
)

// TransferStatus is a customer's transfer state; TakeoverTime is when it
// completed, or for TransferWaiting when it will (unix seconds).
type TransferStatus struct {
	ExternalUserID string `json:"external_userid"`
	Status         int    `json:"status"`
	TakeoverTime   int64  `json:"takeover_time"`
}

// TransferResults yields the state of every customer transferred from
// handover to takeover while both were in service
// (externalcontact/transfer_result, doc 94088), the cursor followed.
func (c *Client) TransferResults(ctx context.Context, handover, takeover string) iter.Seq2[TransferStatus, error] {
	return c.transferResults(ctx, transferResult, handover, takeover)
}

// ResignedTransferResults is [Client.TransferResults] for the customers of
// a member who left (externalcontact/resigned/transfer_result, doc 94082).
func (c *Client) ResignedTransferResults(ctx context.Context, handover, takeover string) iter.Seq2[TransferStatus, error] {
	return c.transferResults(ctx, resignedTransferResult, handover, takeover)
}

func (c *Client) transferResults(ctx context.Context, ep *wecom.Endpoint[wecom.CorpToken, *transferResultRequest, transferResultAnswer], handover, takeover string) iter.Seq2[TransferStatus, error] {
	if handover == "" || takeover == "" {
		return invalidSeq[TransferStatus](fmt.Errorf("%w: a transfer result needs both userids", ErrInvalidArgument))
	}
	return cursorPages(ctx, c.corp, ep, &transferResultRequest{HandoverUserID: handover, TakeoverUserID: takeover},
		func(r *transferResultRequest, s string) { r.Cursor = s },
		func(a *transferResultAnswer) ([]TransferStatus, string) { return a.Customer, a.NextCursor },
		"transfer results "+handover+" to "+takeover)
}

type chatTransferRequest struct {
	ChatIDList []string `json:"chat_id_list" wecom:"required"`
	NewOwner   string   `json:"new_owner" wecom:"required"`
}

type chatTransferAnswer struct {
	FailedChatList []FailedChat `json:"failed_chat_list"`
}

// FailedChat is a customer group a group transfer could not hand over.
type FailedChat struct {
	ChatID  string `json:"chat_id"`
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// TransferGroupChats makes newOwner the owner of customer groups whose
// owner is in service (externalcontact/groupchat/onjob_transfer, doc
// 95703) and returns the groups that failed.
func (c *Client) TransferGroupChats(ctx context.Context, chatIDs []string, newOwner string) ([]FailedChat, error) {
	return c.transferChats(ctx, groupChatOnJobTransfer, chatIDs, newOwner)
}

// TransferResignedGroupChats is [Client.TransferGroupChats] for groups
// whose owner left (externalcontact/groupchat/transfer, doc 92127).
func (c *Client) TransferResignedGroupChats(ctx context.Context, chatIDs []string, newOwner string) ([]FailedChat, error) {
	return c.transferChats(ctx, groupChatTransfer, chatIDs, newOwner)
}

func (c *Client) transferChats(ctx context.Context, ep *wecom.Endpoint[wecom.CorpToken, *chatTransferRequest, chatTransferAnswer], chatIDs []string, newOwner string) ([]FailedChat, error) {
	if err := required("new owner", newOwner); err != nil {
		return nil, err
	}
	if n := len(chatIDs); n == 0 || n > MaxChatTransfer {
		return nil, fmt.Errorf("%w: %d groups, 1 to %d a call", ErrInvalidArgument, n, MaxChatTransfer)
	}
	a, err := ep.Call(ctx, c.corp, &chatTransferRequest{ChatIDList: chatIDs, NewOwner: newOwner})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: transfer %d groups to %s: %w", len(chatIDs), newOwner, err)
	}
	return a.FailedChatList, nil
}

type unassignedRequest struct {
	Cursor   string `json:"cursor,omitempty"`
	PageSize int    `json:"page_size,omitempty"`
}

type unassignedAnswer struct {
	Info       []UnassignedCustomer `json:"info"`
	IsLast     bool                 `json:"is_last"`
	NextCursor string               `json:"next_cursor"`
}

// UnassignedCustomer is a customer of a member who left, waiting to be
// handed to someone.
type UnassignedCustomer struct {
	HandoverUserID string `json:"handover_userid"`
	ExternalUserID string `json:"external_userid"`
	DimissionTime  int64  `json:"dimission_time"` // unix seconds
}

// UnassignedCustomers yields the customers of members who left
// (externalcontact/get_unassigned_list, doc 92124), 1000 an answer.
func (c *Client) UnassignedCustomers(ctx context.Context) iter.Seq2[UnassignedCustomer, error] {
	return cursorPages(ctx, c.corp, getUnassignedList, &unassignedRequest{PageSize: 1000}, func(r *unassignedRequest, s string) { r.Cursor = s },
		func(a *unassignedAnswer) ([]UnassignedCustomer, string) {
			if a.IsLast {
				return a.Info, ""
			}
			return a.Info, a.NextCursor
		}, "unassigned customers")
}
