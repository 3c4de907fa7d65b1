package suite

import (
	"context"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/wecom"
)

// The interface-license pushes (接口调用许可, package suite/license). WeCom
// sends license_pay_success, license_refund and auto_activate to the
// provider's 系统事件接收URL, encrypted with the provider's corp id; point
// that URL at [Suite.CommandHandler] (same Token and EncodingAESKey, and
// [Config.ProviderCorpID] set) to have them handled here, on the durable job
// queue like every other push. unlicensed_notify is an event of the app's
// data callback ([Suite.DataHandler]). Each has a hook below; without one
// the push goes to [OnEvent] as before.

// LicensePaid is a license_pay_success push: an order of accounts was paid
// and its activation codes exist
// (https://developer.work.weixin.qq.com/document/path/97196). List them
// with license.Client.OrderAccounts.
type LicensePaid struct {
	ProviderCorpID string // ServiceCorpId
	CorpID         string // AuthCorpId: the corporation the accounts are for
	OrderID        string // a sub-order id for multi-corporation orders
	BuyerUserID    string // the provider's member who placed the order
	At             time.Time
}

// LicenseRefunded is a license_refund push: a refund the provider asked
// for was granted or refused
// (https://developer.work.weixin.qq.com/document/path/95805).
type LicenseRefunded struct {
	ProviderCorpID string
	CorpID         string
	OrderID        string
	// OrderStatus is the push's OrderStatus: [RefundSucceeded] or
	// [RefundRefused]. It is not get_order's order_status, which reports
	// the same outcomes as 5 and 6 (license.OrderRefunded,
	// license.OrderRefundRejected).
	OrderStatus RefundStatus
	At          time.Time
}

// RefundStatus is the outcome a license_refund push reports (doc 95805).
type RefundStatus int

// The refund outcomes.
const (
	RefundSucceeded RefundStatus = 1 // 退款成功
	RefundRefused   RefundStatus = 2 // 退款被拒绝
)

// AutoActivated is an auto_activate push: WeCom activated accounts by
// itself because the corporation turned auto-activation on
// (https://developer.work.weixin.qq.com/document/path/95994).
type AutoActivated struct {
	ProviderCorpID string
	CorpID         string
	// Scene: 1 a member opened the app, 2 the provider sent a message,
	// 3 the provider called a 互通 API.
	Scene    int
	Accounts []AutoActivatedAccount
	At       time.Time
}

// AutoActivatedAccount is one account an [AutoActivated] push activated.
type AutoActivatedAccount struct {
	// Code is the activation code now bound to UserID; it never prints.
	Code    wecom.Secret
	Type    int // 1 base, 2 external contact
	UserID  string
	Expires time.Time
	// PreviousStatus: 1 not activated before, 2 active and expiring within
	// 7 days, 3 expired.
	PreviousStatus int
	// PreviousCode is the member's earlier code, if they had one.
	PreviousCode wecom.Secret
}

// Unlicensed is an unlicensed_notify event: a member without a valid
// license opened the app, and WeCom told them to ask the provider
// (https://developer.work.weixin.qq.com/document/path/95716). Activate an
// account for them (license.Client.Activate) — or turn auto-activation on.
type Unlicensed struct {
	CorpID  string // ToUserName
	UserID  string // FromUserName
	AgentID int64
	At      time.Time
}

type licenseHooks struct {
	paid       func(context.Context, LicensePaid)
	refunded   func(context.Context, LicenseRefunded)
	activated  func(context.Context, AutoActivated)
	unlicensed func(context.Context, Unlicensed)
}

// OnLicensePaid calls f for each license_pay_success push, after it was
// answered, on the suite's workers (retried like any push only if the
// handling before f fails; f itself cannot fail by design).
func OnLicensePaid(f func(ctx context.Context, ev LicensePaid)) Option {
	return suiteOnly("OnLicensePaid", func(c *config) { c.lic.paid = f })
}

// OnLicenseRefunded calls f for each license_refund push.
func OnLicenseRefunded(f func(ctx context.Context, ev LicenseRefunded)) Option {
	return suiteOnly("OnLicenseRefunded", func(c *config) { c.lic.refunded = f })
}

// OnAutoActivated calls f for each auto_activate push.
func OnAutoActivated(f func(ctx context.Context, ev AutoActivated)) Option {
	return suiteOnly("OnAutoActivated", func(c *config) { c.lic.activated = f })
}

// OnUnlicensed calls f for each unlicensed_notify event, which arrives on
// the data callback ([Suite.DataHandler] queues it before passing it on).
func OnUnlicensed(f func(ctx context.Context, ev Unlicensed)) Option {
	return suiteOnly("OnUnlicensed", func(c *config) { c.lic.unlicensed = f })
}

func isUnlicensed(ev *crypto.Event) bool {
	return ev.MsgType == "event" && ev.Event == "unlicensed_notify"
}

// handleLicenseJob runs the hook of a license push and reports whether ev
// was one that has a hook set.
func (s *Suite) handleLicenseJob(ctx context.Context, ev *crypto.Event) bool {
	h := s.opts.lic
	field := func(name string) string { v, _ := ev.Field(name); return v }
	at := time.Unix(ev.TimeStamp, 0)
	switch {
	case ev.InfoType == "license_pay_success" && h.paid != nil:
		h.paid(ctx, LicensePaid{ProviderCorpID: field("ServiceCorpId"), CorpID: ev.AuthCorpID,
			OrderID: field("OrderId"), BuyerUserID: field("BuyerUserId"), At: at})
	case ev.InfoType == "license_refund" && h.refunded != nil:
		status, _ := strconv.Atoi(field("OrderStatus"))
		h.refunded(ctx, LicenseRefunded{ProviderCorpID: field("ServiceCorpId"), CorpID: ev.AuthCorpID,
			OrderID: field("OrderId"), OrderStatus: RefundStatus(status), At: at})
	case ev.InfoType == "auto_activate" && h.activated != nil:
		a, err := parseAutoActivated(ev.Raw)
		if err != nil {
			s.logger.LogAttrs(ctx, slog.LevelError, "suite: unreadable auto_activate push dropped", slog.Any("error", err))
			return true
		}
		a.At = at
		h.activated(ctx, a)
	case isUnlicensed(ev) && h.unlicensed != nil:
		h.unlicensed(ctx, Unlicensed{CorpID: ev.ToUserName, UserID: ev.FromUserName, AgentID: ev.AgentID, At: time.Unix(ev.CreateTime, 0)})
	default:
		return false
	}
	return true
}

// parseAutoActivated reads the AccountList elements of an auto_activate
// push, which crypto.Event does not model (it holds child elements).
func parseAutoActivated(raw []byte) (AutoActivated, error) {
	var x struct {
		ServiceCorpID string `xml:"ServiceCorpId"`
		AuthCorpID    string `xml:"AuthCorpId"`
		Scene         int    `xml:"Scene"`
		Accounts      []struct {
			ActiveCode         string `xml:"ActiveCode"`
			Type               int    `xml:"Type"`
			ExpireTime         int64  `xml:"ExpireTime"`
			UserID             string `xml:"UserId"`
			PreviousStatus     int    `xml:"PreviousStatus"`
			PreviousActiveCode string `xml:"PreviousActiveCode"`
		} `xml:"AccountList"`
	}
	if err := xml.Unmarshal(raw, &x); err != nil {
		return AutoActivated{}, fmt.Errorf("suite: auto_activate: %w", errNoQuote(err))
	}
	a := AutoActivated{ProviderCorpID: x.ServiceCorpID, CorpID: x.AuthCorpID, Scene: x.Scene}
	for _, acc := range x.Accounts {
		a.Accounts = append(a.Accounts, AutoActivatedAccount{Code: wecom.Secret(acc.ActiveCode), Type: acc.Type, UserID: acc.UserID,
			Expires: time.Unix(acc.ExpireTime, 0), PreviousStatus: acc.PreviousStatus, PreviousCode: wecom.Secret(acc.PreviousActiveCode)})
	}
	return a, nil
}

// errNoQuote keeps encoding/xml's error kind but not its text, which may
// quote the push (and the codes in it).
func errNoQuote(err error) error {
	if _, ok := err.(*xml.SyntaxError); ok {
		return fmt.Errorf("malformed XML")
	}
	return fmt.Errorf("unexpected XML")
}
