package externalcontact

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// ErrInvalidArgument is wrapped by the errors for arguments no call could
// succeed with: an empty userid or external userid, no tags to change.
var ErrInvalidArgument = errors.New("externalcontact: invalid argument")

// MaxUserIDs is how many userids externalcontact/batch/get_by_user takes
// in one call (doc 92994); [Client.CustomersOf] splits longer lists.
const MaxUserIDs = 100

// Customer types (doc 92114).
const (
	TypeWeChat = 1 // a WeChat user
	TypeWeCom  = 2 // a WeCom user
)

// Client calls the customer-contact endpoints with one corporation's
// token. It is safe for concurrent use.
type Client struct {
	corp wecom.Caller[wecom.CorpToken]
}

// New returns a Client calling WeCom through c, which must hold a
// corporation's access_token; if it holds another kind, every call
// returns a [*wecom.TokenKindError] before any request.
func New(c *wecom.Client) *Client {
	corp, _ := wecom.Bind[wecom.CorpToken](c)
	return &Client{corp: corp}
}

// Customer is an external contact's profile (external_contact, doc
// 92114).
type Customer struct {
	ExternalUserID string `json:"external_userid"`
	Name           string `json:"name"`
	Position       string `json:"position,omitempty"`
	Avatar         string `json:"avatar,omitempty"`
	CorpName       string `json:"corp_name,omitempty"`      // WeCom users only
	CorpFullName   string `json:"corp_full_name,omitempty"` // WeCom users only
	Type           int    `json:"type"`                     // TypeWeChat or TypeWeCom
	Gender         int    `json:"gender"`                   // 0 unknown, 1 male, 2 female
	UnionID        string `json:"unionid,omitempty"`        // WeChat users, when the corp has a bound open platform
}

// FollowTag is a tag a member put on a customer (follow_user.tags).
type FollowTag struct {
	GroupName string `json:"group_name,omitempty"`
	TagName   string `json:"tag_name"`
	TagID     string `json:"tag_id,omitempty"`
	Type      int    `json:"type"` // 1 corp tag, 2 personal tag, 3 rule-group tag
}

// FollowUser is a member who added a customer, with what the member noted
// about them (follow_user in doc 92114, follow_info in 92994).
type FollowUser struct {
	UserID         string      `json:"userid"`
	Remark         string      `json:"remark"`
	Description    string      `json:"description"`
	CreateTime     int64       `json:"createtime"` // unix seconds; see Added
	Tags           []FollowTag `json:"tags,omitempty"`
	TagIDs         []string    `json:"tag_id,omitempty"` // batch/get_by_user gives ids only
	RemarkCorpName string      `json:"remark_corp_name,omitempty"`
	RemarkMobiles  []string    `json:"remark_mobiles,omitempty"`
	AddWay         int         `json:"add_way"`
	OperUserID     string      `json:"oper_userid,omitempty"`
	State          string      `json:"state,omitempty"` // the contact way's state, when added through one
}

// Added returns when the member added the customer.
func (f *FollowUser) Added() time.Time { return time.Unix(f.CreateTime, 0) }

// CustomerDetail is a customer with the members following them: all of
// them from [Client.Customer], the one member the row is for from
// [Client.CustomersOf].
type CustomerDetail struct {
	Customer    Customer
	FollowUsers []FollowUser
}

func required(what, v string) error {
	if v == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalidArgument, what)
	}
	return nil
}

// FollowUsers returns the userids of the members allowed to have
// customers (externalcontact/get_follow_user_list, doc 92571).
func (c *Client) FollowUsers(ctx context.Context) ([]string, error) {
	a, err := getFollowUserList.Call(ctx, c.corp, struct{}{})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: follow users: %w", err)
	}
	return a.FollowUser, nil
}

// Customers returns the external userids of member userID's customers
// (externalcontact/list, doc 92113). WeCom answers a member without
// customers 84061.
func (c *Client) Customers(ctx context.Context, userID string) ([]string, error) {
	if err := required("userid", userID); err != nil {
		return nil, err
	}
	a, err := list.Call(ctx, c.corp, listRequest{UserID: userID})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: customers of %s: %w", userID, err)
	}
	return a.ExternalUserID, nil
}

// Customer returns a customer's profile and every member following them
// (externalcontact/get, doc 92114), following next_cursor when they have
// more followers than one answer holds.
func (c *Client) Customer(ctx context.Context, externalUserID string) (*CustomerDetail, error) {
	if err := required("external userid", externalUserID); err != nil {
		return nil, err
	}
	var d *CustomerDetail
	req := getRequest{ExternalUserID: externalUserID}
	for {
		a, err := get.Call(ctx, c.corp, req)
		if err != nil {
			return nil, fmt.Errorf("externalcontact: customer %s: %w", externalUserID, err)
		}
		if d == nil {
			d = &CustomerDetail{Customer: a.ExternalContact}
		}
		d.FollowUsers = append(d.FollowUsers, a.FollowUser...)
		if a.NextCursor == "" || a.NextCursor == req.Cursor {
			return d, nil
		}
		req.Cursor = a.NextCursor
	}
}

// CustomersOf yields the customers of the members userIDs, one row per
// (customer, member) pair with that member's FollowUser
// (externalcontact/batch/get_by_user, doc 92994): at most [MaxUserIDs]
// userids and 100 rows a call, the cursor followed. The sequence stops
// after the first error it yields.
//
// Members without an interface license are not hidden: WeCom answers
// none of their customers, and after every other row the sequence yields
// an [*UnlicensedError] listing them (matching [ErrUnlicensed]), so a
// loop that returns on the first error returns it too. When no member of
// a call of 100 has a license, WeCom is said to refuse the call with
// errcode 701008 (UNCONFIRMED); those members are listed the same way and
// the remaining calls go on.
func (c *Client) CustomersOf(ctx context.Context, userIDs []string) iter.Seq2[CustomerDetail, error] {
	return func(yield func(CustomerDetail, error) bool) {
		if len(userIDs) == 0 {
			yield(CustomerDetail{}, fmt.Errorf("%w: no userids", ErrInvalidArgument))
			return
		}
		for _, id := range userIDs {
			if id == "" {
				yield(CustomerDetail{}, fmt.Errorf("%w: an empty userid", ErrInvalidArgument))
				return
			}
		}
		var unlicensed unlicensedSet
		// One answer is decoded into page after page: its rows, sized for
		// a full page, are cleared before each call (so nothing of one
		// page shows in the next, and no slice a yielded row holds is
		// written again), where a fresh answer would grow its rows from
		// one to 128 on every page.
		a := &batchAnswer{ExternalContactList: make([]batchRow, 0, batchPage)}
		for start := 0; start < len(userIDs); start += MaxUserIDs {
			req := &batchRequest{UserIDList: userIDs[start:min(start+MaxUserIDs, len(userIDs))], Limit: batchPage}
			for {
				rows := a.ExternalContactList[:cap(a.ExternalContactList)]
				clear(rows)
				*a = batchAnswer{ExternalContactList: rows[:0]}
				err := batchGetByUser.CallInto(ctx, c.corp, req, a)
				if err != nil && req.Cursor == "" && wecom.ErrorCode(err) == codeAllUnlicensed {
					unlicensed.add(req.UserIDList...)
					break
				}
				if err != nil {
					yield(CustomerDetail{}, fmt.Errorf("externalcontact: customers of %d members: %w", len(req.UserIDList), err))
					return
				}
				unlicensed.add(a.FailInfo.UnlicensedUserIDList...)
				// One array holds the page's follow infos: a row's FollowUsers
				// is a one-element window on it, not an allocation of its own.
				follows := make([]FollowUser, len(a.ExternalContactList))
				for i := range a.ExternalContactList {
					row := &a.ExternalContactList[i]
					follows[i] = row.FollowInfo
					if !yield(CustomerDetail{Customer: row.ExternalContact, FollowUsers: follows[i : i+1 : i+1]}, nil) {
						return
					}
				}
				if a.NextCursor == "" || a.NextCursor == req.Cursor {
					break
				}
				req.Cursor = a.NextCursor
			}
		}
		if err := unlicensed.err(); err != nil {
			yield(CustomerDetail{}, err)
		}
	}
}

// RemarkUpdate is what [Client.Remark] changes; nil fields are left as
// they are.
type RemarkUpdate struct {
	Remark        *string
	Description   *string
	RemarkCompany *string // only for WeChat customers (WeCom's rule)
	// RemarkMobiles replaces the phone numbers; a non-nil empty slice
	// clears them (sent as [""]: WeCom's page 92115 clears the numbers
	// with an empty string, 请在remark_mobiles填写一个空字符串).
	RemarkMobiles []string
	// RemarkPicMediaID is a temporary medium (package media) for the
	// business card picture; "" leaves it.
	RemarkPicMediaID string
}

// Remark changes what member userID noted about customer externalUserID
// (externalcontact/remark, doc 92115).
func (c *Client) Remark(ctx context.Context, userID, externalUserID string, u RemarkUpdate) error {
	if err := required("userid", userID); err != nil {
		return err
	}
	if err := required("external userid", externalUserID); err != nil {
		return err
	}
	req := &remarkRequest{UserID: userID, ExternalUserID: externalUserID, Remark: u.Remark, Description: u.Description,
		RemarkCompany: u.RemarkCompany, RemarkPicMediaID: u.RemarkPicMediaID}
	if u.RemarkMobiles != nil {
		m := u.RemarkMobiles
		if len(m) == 0 {
			m = []string{""}
		}
		req.RemarkMobiles = &m
	}
	if _, err := remark.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("externalcontact: remark %s for %s: %w", externalUserID, userID, err)
	}
	return nil
}
