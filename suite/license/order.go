package license

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// AccountCount is how many accounts of each kind an order buys; at least one
// must be positive, each at most 1,000,000 (1,000 for a provider test corp).
type AccountCount struct {
	Base            int `json:"base_count"`
	ExternalContact int `json:"external_contact_count"`
}

// Duration is how long accounts are bought or renewed for.
//
// A purchase ([Client.CreateNewOrder], doc 97182) names Months and Days:
// Months×31 + Days days in all, from 31 to 1860 (60 months); a provider's
// test corp may buy exactly one month.
//
// A renewal ([Client.SubmitOrderJob]) names Months (1 to 60) or
// NewExpireTime (Unix seconds, the accounts' new expiry), never Days:
// get_order reports days only for purchases and new_expire_time only for
// renewals (https://developer.work.weixin.qq.com/document/path/97185;
// submit_order_job is https://developer.work.weixin.qq.com/document/path/97183,
// whose text on the limit was cut off in our copy: see the API notes).
type Duration struct {
	Months        int   `json:"months,omitempty"`
	Days          int   `json:"days,omitempty"`
	NewExpireTime int64 `json:"new_expire_time,omitempty"`
}

// TotalDays returns Months×31 + Days, the length WeCom bills.
func (d Duration) TotalDays() int { return d.Months*31 + d.Days }

// maxMonths is the longest purchase or renewal: 60 months (1860 days, doc 97182).
const maxMonths = 60

func (d Duration) check(renewal bool) error {
	if renewal {
		switch {
		case d.Days != 0:
			return fmt.Errorf("%w: a renewal names months or a new expire time, never days", ErrInvalidArgument)
		case d.NewExpireTime != 0 && d.Months != 0:
			return fmt.Errorf("%w: a renewal names months or a new expire time, not both", ErrInvalidArgument)
		case d.NewExpireTime < 0:
			return fmt.Errorf("%w: new expire time must be Unix seconds", ErrInvalidArgument)
		case d.NewExpireTime == 0 && (d.Months < 1 || d.Months > maxMonths):
			return fmt.Errorf("%w: a renewal is 1 to %d months, not %d", ErrInvalidArgument, maxMonths, d.Months)
		}
		return nil
	}
	if d.NewExpireTime != 0 {
		return fmt.Errorf("%w: a purchase names months and days, not a new expire time", ErrInvalidArgument)
	}
	if n := d.TotalDays(); n < 31 || n > maxMonths*31 || d.Months < 0 || d.Days < 0 {
		return fmt.Errorf("%w: duration must be 31 to 1860 days (months×31+days), not %d", ErrInvalidArgument, n)
	}
	return nil
}

// NewOrder is a purchase of accounts for one corporation
// (https://developer.work.weixin.qq.com/document/path/97182).
type NewOrder struct {
	// CorpID is the corporation the accounts are for.
	CorpID string
	// BuyerUserID is the member of the provider's own corporation who
	// places the order, in plain text: they must have logged in to WeCom,
	// bound WeChat and hold the admin permission 购买接口许可. Anyone may pay.
	BuyerUserID string
	Accounts    AccountCount
	Duration    Duration
}

// CreateNewOrder places an order for new accounts and returns its id. The
// order is unpaid until the provider pays it in the admin console (or from
// its balance); then WeCom pushes license_pay_success and
// [Client.OrderAccounts] lists its activation codes. An order is never
// repeated after a transport failure: check [Client.Orders] before placing
// it again. Since 2023-06-30 WeCom checks the corporation's app orders first
// and refuses the purchase otherwise (the errmsg then contains "WARNING").
func (c *Client) CreateNewOrder(ctx context.Context, o NewOrder) (orderID string, err error) {
	if err := errors.Join(need("corp id", o.CorpID), need("buyer userid", o.BuyerUserID)); err != nil {
		return "", err
	}
	a := o.Accounts
	if a.Base < 0 || a.ExternalContact < 0 || a.Base+a.ExternalContact == 0 || a.Base > 1_000_000 || a.ExternalContact > 1_000_000 {
		return "", fmt.Errorf("%w: account counts must be 0 to 1000000 and not both 0", ErrInvalidArgument)
	}
	if err := o.Duration.check(false); err != nil {
		return "", err
	}
	req := newOrderRequest{CorpID: o.CorpID, BuyerUserID: o.BuyerUserID, AccountCount: a,
		AccountDuration: Duration{Months: o.Duration.Months, Days: o.Duration.Days}}
	var out orderIDAnswer
	if err := call(ctx, c, createNewOrder, req, &out); err != nil {
		return "", err
	}
	if out.OrderID == "" {
		return "", errors.New("license: create_new_order: answer has no order_id")
	}
	return out.OrderID, nil
}

// RenewAccount is a member whose account of Type a renewal extends.
type RenewAccount struct {
	UserID string      `json:"userid"`
	Type   AccountType `json:"type"`
}

// InvalidAccount is a member WeCom refused in a renewal job, with its reason.
type InvalidAccount struct {
	UserID  string      `json:"userid"`
	Type    AccountType `json:"type"`
	ErrCode int         `json:"errcode"`
	ErrMsg  string      `json:"errmsg"`
}

// RenewJob is the answer of [Client.CreateRenewOrderJob].
type RenewJob struct {
	// JobID names the job: pass it to add more members, then to
	// [Client.SubmitOrderJob].
	JobID string `json:"jobid"`
	// Invalid lists the members WeCom did not add, each with its errcode.
	Invalid []InvalidAccount `json:"invalid_account_list"`
}

// CreateRenewOrderJob starts (jobID "") or extends a renewal job for members
// of corpID who hold activated accounts
// (https://developer.work.weixin.qq.com/document/path/97183): at most
// [MaxBatch] members a call, up to 1,000,000 of each kind a job. Members
// WeCom refuses are reported in RenewJob.Invalid, not as an error.
func (c *Client) CreateRenewOrderJob(ctx context.Context, corpID, jobID string, accounts []RenewAccount) (*RenewJob, error) {
	if err := errors.Join(need("corp id", corpID), batchSize(len(accounts))); err != nil {
		return nil, err
	}
	for _, a := range accounts {
		if a.UserID == "" || !a.Type.valid() {
			return nil, fmt.Errorf("%w: every account needs a userid and type 1 or 2", ErrInvalidArgument)
		}
	}
	var out RenewJob
	if err := call(ctx, c, createRenewOrderJob, renewOrderJobRequest{CorpID: corpID, AccountList: accounts, JobID: jobID}, &out); err != nil {
		return nil, err
	}
	if out.JobID == "" {
		return nil, errors.New("license: create_renew_order_job: answer has no jobid")
	}
	return &out, nil
}

// SubmitOrderJob turns a renewal job into an order and returns its id
// (https://developer.work.weixin.qq.com/document/path/97183); the order is
// paid like a new one. buyerUserID is as for [NewOrder]; d is Months (1 to
// 60, 31 days each) or NewExpireTime — a renewal takes no Days, and
// [ErrInvalidArgument] is returned for them before anything is sent.
func (c *Client) SubmitOrderJob(ctx context.Context, jobID, buyerUserID string, d Duration) (orderID string, err error) {
	if err := errors.Join(need("job id", jobID), need("buyer userid", buyerUserID), d.check(true)); err != nil {
		return "", err
	}
	req := submitOrderJobRequest{JobID: jobID, BuyerUserID: buyerUserID,
		AccountDuration: Duration{Months: d.Months, NewExpireTime: d.NewExpireTime}}
	var out orderIDAnswer
	if err := call(ctx, c, submitOrderJob, req, &out); err != nil {
		return "", err
	}
	if out.OrderID == "" {
		return "", errors.New("license: submit_order_job: answer has no order_id")
	}
	return out.OrderID, nil
}

// OrderType is what an order buys (doc 97185).
type OrderType int

// The order types.
const (
	OrderBuy           OrderType = 1 // 购买账号
	OrderRenew         OrderType = 2 // 续期账号
	OrderEditionMove   OrderType = 5 // 应用版本付费迁移订单
	OrderContractMove  OrderType = 6 // 历史合同迁移订单
	OrderMultiCorpsBuy OrderType = 8 // 多企业新购订单 (doc 98888)
)

// OrderStatus is where an order is in its life (doc 97185).
type OrderStatus int

// The order states.
const (
	OrderUnpaid          OrderStatus = 0 // 待支付
	OrderPaid            OrderStatus = 1 // 已支付
	OrderCancelled       OrderStatus = 2 // 已取消 (unpaid, closed)
	OrderExpired         OrderStatus = 3 // 未支付,订单已过期
	OrderRefundRequested OrderStatus = 4 // 申请退款中
	OrderRefunded        OrderStatus = 5 // 退款成功
	OrderRefundRejected  OrderStatus = 6 // 退款被拒绝
	OrderInvalidated     OrderStatus = 7 // 订单已失效 (test corp removed)
)

// Order is one order's details
// (https://developer.work.weixin.qq.com/document/path/97185). It does not
// list the activation codes: see [Client.OrderAccounts].
type Order struct {
	OrderID  string       `json:"order_id"`
	Type     OrderType    `json:"order_type"`
	Status   OrderStatus  `json:"order_status"`
	CorpID   string       `json:"corpid"`
	Price    int64        `json:"price"` // in fen (分)
	Accounts AccountCount `json:"account_count"`
	Duration Duration     `json:"account_duration"`
	// CreateTime and PayTime are Unix seconds (PayTime 0 until paid); see [Unix].
	CreateTime int64 `json:"create_time"`
	PayTime    int64 `json:"pay_time"`
}

// Order returns an order's details.
func (c *Client) Order(ctx context.Context, orderID string) (*Order, error) {
	if err := need("order id", orderID); err != nil {
		return nil, err
	}
	var out orderAnswer
	if err := call(ctx, c, getOrder, orderRequest{OrderID: orderID}, &out); err != nil {
		return nil, err
	}
	return &out.Order, nil
}

// OrderSummary is one entry of [Client.Orders].
type OrderSummary struct {
	OrderID string    `json:"order_id"`
	Type    OrderType `json:"order_type"`
}

// OrderQuery selects orders for [Client.Orders]. All fields are optional;
// Start and End go together, at most [MaxOrderRange] apart, and compare with
// the time orders were placed.
type OrderQuery struct {
	// CorpID limits the list to one corporation; a provider test corp's
	// orders are listed only so.
	CorpID     string
	Start, End time.Time
	// PageSize is the records asked for per call (default 500, at most
	// [MaxPage]).
	PageSize int
}

// Orders lists the provider's orders, following the cursor
// (list_order, https://developer.work.weixin.qq.com/document/path/95647).
func (c *Client) Orders(ctx context.Context, q OrderQuery) iter.Seq2[OrderSummary, error] {
	var bad error
	switch {
	case q.Start.IsZero() != q.End.IsZero():
		bad = fmt.Errorf("%w: give both Start and End, or neither", ErrInvalidArgument)
	case !q.Start.IsZero() && (q.End.Before(q.Start) || q.End.Sub(q.Start) > MaxOrderRange):
		bad = fmt.Errorf("%w: Start to End must be 0 to 31 days", ErrInvalidArgument)
	case q.PageSize < 0 || q.PageSize > MaxPage:
		bad = fmt.Errorf("%w: PageSize 0 to %d", ErrInvalidArgument, MaxPage)
	}
	req := listOrderRequest{CorpID: q.CorpID, Limit: q.PageSize}
	if !q.Start.IsZero() {
		req.StartTime, req.EndTime = q.Start.Unix(), q.End.Unix()
	}
	return paginate(ctx, func(ctx context.Context, cursor string) ([]OrderSummary, page, error) {
		if bad != nil {
			return nil, page{}, bad
		}
		req := req
		req.Cursor = cursor
		var out listOrderAnswer
		err := call(ctx, c, listOrder, req, &out)
		return out.OrderList, out.page, err
	})
}

// OrderAccount is one account of an order: an activation code for a
// purchase, or the member renewed by a renewal.
type OrderAccount struct {
	// Code is the activation code (purchases only); it never prints.
	Code   wecom.Secret `json:"active_code"`
	UserID string       `json:"userid"` // renewals only
	Type   AccountType  `json:"type"`
}

// OrderAccounts lists the accounts of an order, following the cursor
// (https://developer.work.weixin.qq.com/document/path/97186): a purchase
// has codes only once paid. pageSize 0 means WeCom's default (500).
func (c *Client) OrderAccounts(ctx context.Context, orderID string, pageSize int) iter.Seq2[OrderAccount, error] {
	return paginate(ctx, func(ctx context.Context, cursor string) ([]OrderAccount, page, error) {
		if err := errors.Join(need("order id", orderID), pageLimit(pageSize)); err != nil {
			return nil, page{}, err
		}
		var out listOrderAccountAnswer
		err := call(ctx, c, listOrderAccount, listOrderAccountRequest{OrderID: orderID, Cursor: cursor, Limit: pageSize}, &out)
		return out.AccountList, out.page, err
	})
}

func pageLimit(n int) error {
	if n < 0 || n > MaxPage {
		return fmt.Errorf("%w: page size 0 to %d", ErrInvalidArgument, MaxPage)
	}
	return nil
}

// CancelOrder cancels an unpaid order
// (https://developer.work.weixin.qq.com/document/path/96106). corpID may be
// empty only for a multi-corporation purchase.
func (c *Client) CancelOrder(ctx context.Context, corpID, orderID string) error {
	if err := need("order id", orderID); err != nil {
		return err
	}
	return call(ctx, c, cancelOrder, cancelOrderRequest{OrderID: orderID, CorpID: corpID}, nil)
}
