package license

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// Activate binds an activation code of corpID to the member userID
// (https://developer.work.weixin.qq.com/document/path/97188). A member holds
// at most one account of each kind; activating a member who already holds
// one of the code's kind moves them to the new code, adding the old code's
// remaining time (allowed once that is 20 days or less; at most 5 years in
// all, else 701030). The code never appears in errors.
func (c *Client) Activate(ctx context.Context, corpID string, code wecom.Secret, userID string) error {
	if err := errors.Join(need("corp id", corpID), need("activation code", code.Reveal()), need("userid", userID)); err != nil {
		return err
	}
	return call(ctx, c, activeAccount, activeAccountRequest{ActiveCode: code.Reveal(), CorpID: corpID, UserID: userID}, nil)
}

// ActivateByType activates an account of type typ for the member userID of
// corpID without naming a code: WeCom binds the corporation's unbound code
// of that type whose activation deadline is earliest (指定账号类型激活,
// POST /cgi-bin/license/active_account_by_type with the provider token,
// https://developer.work.weixin.qq.com/document/path/97188). The member must
// hold no account of that type, or only an expired one; WeCom refuses
// otherwise, and when the corporation has no unbound code of the type. It
// is not repeated after a transport failure: check [Client.UserActivation]
// first.
func (c *Client) ActivateByType(ctx context.Context, corpID, userID string, typ AccountType) error {
	if err := errors.Join(need("corp id", corpID), need("userid", userID)); err != nil {
		return err
	}
	if !typ.valid() {
		return fmt.Errorf("%w: account type must be 1 or 2, not %d", ErrInvalidArgument, int(typ))
	}
	return call(ctx, c, activeAccountByType, activeAccountByTypeRequest{Type: typ, CorpID: corpID, UserID: userID}, nil)
}

// Activation pairs a code with the member it is for, for [Client.BatchActivate].
type Activation struct {
	Code   wecom.Secret
	UserID string
}

// ActivationResult is the outcome of one [Activation]: ErrCode 0 is success.
type ActivationResult struct {
	Code    wecom.Secret `json:"active_code"`
	UserID  string       `json:"userid"`
	ErrCode int          `json:"errcode"`
}

// BatchActivate activates up to [MaxBatch] members of corpID in one call
// (https://developer.work.weixin.qq.com/document/path/97188), with the rules
// of [Client.Activate]. A member WeCom refuses is reported by its ErrCode in
// the result, not as an error.
func (c *Client) BatchActivate(ctx context.Context, corpID string, list []Activation) ([]ActivationResult, error) {
	if err := errors.Join(need("corp id", corpID), batchSize(len(list))); err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(list))
	items := make([]activeItem, 0, len(list))
	for _, a := range list {
		if a.Code == "" || a.UserID == "" {
			return nil, fmt.Errorf("%w: every activation needs a code and a userid", ErrInvalidArgument)
		}
		codes = append(codes, a.Code.Reveal())
		items = append(items, activeItem{ActiveCode: a.Code.Reveal(), UserID: a.UserID})
	}
	var out batchActiveAccountAnswer
	req := batchActiveAccountRequest{CorpID: corpID, ActiveList: items}
	if err := call(ctx, c, batchActiveAccount, req, &out, wecom.WithCallSecrets(codes...)); err != nil {
		return nil, err
	}
	return out.ActiveResult, nil
}

// CodeStatus is the state of an activation code (doc 97189).
type CodeStatus int

// The code states.
const (
	CodeUnbound         CodeStatus = 1 // 未绑定
	CodeActive          CodeStatus = 2 // 已绑定且有效
	CodeExpired         CodeStatus = 3 // 已过期
	CodePendingTransfer CodeStatus = 4 // 待转移: the member left, with auto-activation on
	CodeMerged          CodeStatus = 5 // 已合并: replaced by a newer code of the member
	CodeShared          CodeStatus = 6 // 已分配给下游
)

// CodeInfo is what WeCom knows of one activation code
// (https://developer.work.weixin.qq.com/document/path/97189).
type CodeInfo struct {
	Code   wecom.Secret `json:"active_code"`
	Type   AccountType  `json:"type"`
	Status CodeStatus   `json:"status"`
	UserID string       `json:"userid"` // the member it is bound to, if any
	// CreateTime, ActiveTime and ExpireTime are Unix seconds; see [Unix].
	CreateTime int64 `json:"create_time"`
	ActiveTime int64 `json:"active_time"`
	ExpireTime int64 `json:"expire_time"`
	Merge      struct {
		To   wecom.Secret `json:"to_active_code"`
		From wecom.Secret `json:"from_active_code"`
	} `json:"merge_info"`
	Share struct {
		ToCorpID   string `json:"to_corpid"`
		FromCorpID string `json:"from_corpid"`
	} `json:"share_info"`
}

// CodeInfo returns the state of one activation code of corpID.
func (c *Client) CodeInfo(ctx context.Context, corpID string, code wecom.Secret) (*CodeInfo, error) {
	if err := errors.Join(need("corp id", corpID), need("activation code", code.Reveal())); err != nil {
		return nil, err
	}
	var out activeInfoByCodeAnswer
	if err := call(ctx, c, getActiveInfoByCode, activeInfoByCodeRequest{CorpID: corpID, ActiveCode: code.Reveal()}, &out); err != nil {
		return nil, err
	}
	return &out.ActiveInfo, nil
}

// BatchCodeInfo returns the state of up to [MaxBatch] codes of corpID
// (https://developer.work.weixin.qq.com/document/path/97189); codes WeCom
// does not know are returned in invalid.
func (c *Client) BatchCodeInfo(ctx context.Context, corpID string, codes []wecom.Secret) (infos []CodeInfo, invalid []wecom.Secret, err error) {
	if err := errors.Join(need("corp id", corpID), batchSize(len(codes))); err != nil {
		return nil, nil, err
	}
	plain := reveal(codes)
	var out batchActiveInfoByCodeAnswer
	req := batchActiveInfoByCodeRequest{CorpID: corpID, ActiveCodeList: plain}
	if err := call(ctx, c, batchGetActiveInfoByCode, req, &out, wecom.WithCallSecrets(plain...)); err != nil {
		return nil, nil, err
	}
	return out.ActiveInfoList, out.InvalidActiveCodeList, nil
}

// Account is one activated account of a corporation, as
// [Client.ActivatedAccounts] lists them.
type Account struct {
	UserID string      `json:"userid"`
	Type   AccountType `json:"type"`
	// ActiveTime and ExpireTime are Unix seconds; see [Unix].
	ActiveTime int64 `json:"active_time"`
	ExpireTime int64 `json:"expire_time"`
}

// Expires returns when the account expires.
func (a Account) Expires() time.Time { return Unix(a.ExpireTime) }

// ActivatedAccounts lists the activated accounts of corpID, following the
// cursor (list_actived_account, doc 97190 in the 代开发 tree; 95544 in
// the third-party tree). pageSize 0 means WeCom's default (500).
func (c *Client) ActivatedAccounts(ctx context.Context, corpID string, pageSize int) iter.Seq2[Account, error] {
	return paginate(ctx, func(ctx context.Context, cursor string) ([]Account, page, error) {
		if err := errors.Join(need("corp id", corpID), pageLimit(pageSize)); err != nil {
			return nil, page{}, err
		}
		var out listActivedAccountAnswer
		err := call(ctx, c, listActivedAccount, listActivedAccountRequest{CorpID: corpID, Cursor: cursor, Limit: pageSize}, &out)
		return out.AccountList, out.page, err
	})
}

// UserAccount is one account of a member, as [Client.UserActivation] reports.
type UserAccount struct {
	Code       wecom.Secret `json:"active_code"`
	Type       AccountType  `json:"type"`
	UserID     string       `json:"userid"`
	ActiveTime int64        `json:"active_time"`
	ExpireTime int64        `json:"expire_time"`
}

// UserActivation is a member's license state
// (https://developer.work.weixin.qq.com/document/path/97191).
type UserActivation struct {
	Active   bool          // active_status 1
	Accounts []UserAccount // at most one of each kind
}

// UserActivation returns whether userID of corpID is activated, and with
// which accounts.
func (c *Client) UserActivation(ctx context.Context, corpID, userID string) (*UserActivation, error) {
	if err := errors.Join(need("corp id", corpID), need("userid", userID)); err != nil {
		return nil, err
	}
	var out activeInfoByUserAnswer
	if err := call(ctx, c, getActiveInfoByUser, corpUserRequest{CorpID: corpID, UserID: userID}, &out); err != nil {
		return nil, err
	}
	return &UserActivation{Active: out.ActiveStatus == 1, Accounts: out.ActiveInfoList}, nil
}

// Transfer hands a member's accounts to another member (账号继承), for
// [Client.Transfer].
type Transfer struct {
	HandoverUserID string `json:"handover_userid"`
	TakeoverUserID string `json:"takeover_userid"`
}

// TransferResult is the outcome of one [Transfer]: ErrCode 0 is success.
type TransferResult struct {
	HandoverUserID string `json:"handover_userid"`
	TakeoverUserID string `json:"takeover_userid"`
	ErrCode        int    `json:"errcode"`
}

// Transfer moves the accounts of members who left (or are leaving) corpID
// to their successors (batch_transfer_license, doc 95673; 97192 in the
// 代开发 tree). Pairs WeCom refuses are reported by ErrCode, not as an
// error: among them a successor whose own account of a kind has more than
// 20 days left, and a member in service transferred again within 30 days.
// WeCom moves at most 1000 accounts a call; the client refuses more than
// [MaxBatch] pairs, so keep batches at 500 pairs when members hold both
// kinds.
func (c *Client) Transfer(ctx context.Context, corpID string, list []Transfer) ([]TransferResult, error) {
	if err := errors.Join(need("corp id", corpID), batchSize(len(list))); err != nil {
		return nil, err
	}
	for _, t := range list {
		if t.HandoverUserID == "" || t.TakeoverUserID == "" || t.HandoverUserID == t.TakeoverUserID {
			return nil, fmt.Errorf("%w: every transfer needs two different userids", ErrInvalidArgument)
		}
	}
	var out transferAnswer
	if err := call(ctx, c, batchTransferLicense, transferRequest{CorpID: corpID, TransferList: list}, &out); err != nil {
		return nil, err
	}
	return out.TransferResult, nil
}

// AutoActive reports whether corpID activates accounts automatically: a
// member who uses the app without one gets a free code of the corporation
// (get_auto_active_status, doc 95874).
func (c *Client) AutoActive(ctx context.Context, corpID string) (bool, error) {
	if err := need("corp id", corpID); err != nil {
		return false, err
	}
	var out autoActiveAnswer
	if err := call(ctx, c, getAutoActiveStatus, corpRequest{CorpID: corpID}, &out); err != nil {
		return false, err
	}
	return out.AutoActiveStatus == 1, nil
}

// SetAutoActive turns corpID's automatic activation on or off
// (set_auto_active_status, doc 95873); WeCom then pushes auto_activate for
// each account it activates (suite.OnAutoActivated).
func (c *Client) SetAutoActive(ctx context.Context, corpID string, on bool) error {
	if err := need("corp id", corpID); err != nil {
		return err
	}
	status := 0
	if on {
		status = 1
	}
	return call(ctx, c, setAutoActiveStatus, setAutoActiveRequest{CorpID: corpID, AutoActiveStatus: status}, nil)
}

// AppLicenseInfo is an app's license state in a corporation
// (get_app_license_info, doc 95844; 97194 in the 代开发 tree).
type AppLicenseInfo struct {
	// LicenseStatus 1: WeCom checks licenses for the app in the corp (after
	// the trial, calls reach only licensed members); 0: not checked (legacy
	// installations not migrated or not yet past their cut-off, and
	// 代开发 apps).
	LicenseStatus int `json:"license_status"`
	// Trial is the free trial (WeCom's spelling: trail_info), Unix seconds,
	// present only for LicenseStatus 1 with a trial: 90 days from the
	// corporation's first install.
	Trial struct {
		StartTime int64 `json:"start_time"`
		EndTime   int64 `json:"end_time"`
	} `json:"trail_info"`
	// CheckTime is when WeCom began (or begins) refusing unlicensed calls,
	// Unix seconds.
	CheckTime int64 `json:"license_check_time"`
}

// Checked reports whether unlicensed members are refused at t.
func (a *AppLicenseInfo) Checked(t time.Time) bool {
	return a.LicenseStatus == 1 && a.CheckTime != 0 && !t.Before(Unix(a.CheckTime))
}

// AppLicenseInfo returns the license state of the app suiteID in corpID.
// Every SDK we checked sends the provider token here, and so does this
// client; the official page could not be read (see the API notes).
func (c *Client) AppLicenseInfo(ctx context.Context, corpID, suiteID string) (*AppLicenseInfo, error) {
	if err := errors.Join(need("corp id", corpID), need("suite id", suiteID)); err != nil {
		return nil, err
	}
	var out AppLicenseInfo
	if err := call(ctx, c, getAppLicenseInfo, appLicenseInfoRequest{CorpID: corpID, SuiteID: suiteID}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
