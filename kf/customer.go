package kf

import (
	"context"
	"fmt"
)

// MaxCustomers is how many external userids customer/batchget takes in one
// call (doc 95159).
const MaxCustomers = 100

// Upgrade service types (upgrade_service, doc 94674).
const (
	UpgradeMember    = 1 // to a member (专员服务)
	UpgradeGroupChat = 2 // to a customer group chat (客户群服务)
)

// Customer is a WeChat customer of kf (customer/batchget, doc 95159).
// Third-party apps get neither avatar, gender nor unionid.
type Customer struct {
	ExternalUserID      string               `json:"external_userid"`
	Nickname            string               `json:"nickname"`
	Avatar              string               `json:"avatar"`
	Gender              int                  `json:"gender"` // 0 unknown, 1 male, 2 female
	UnionID             string               `json:"unionid,omitempty"`
	EnterSessionContext *EnterSessionContext `json:"enter_session_context,omitempty"`
}

// EnterSessionContext is how the customer last entered a session within
// 48 hours.
type EnterSessionContext struct {
	Scene          string          `json:"scene"`
	SceneParam     string          `json:"scene_param"`
	WechatChannels *WechatChannels `json:"wechat_channels,omitempty"`
}

// Customers returns the customers externalUserIDs (at most 100) and the
// ids WeCom did not recognise (kf/customer/batchget, doc 95159). With
// withContext set, each carries how it last entered a session within 48 hours.
func (c *Client) Customers(ctx context.Context, externalUserIDs []string, withContext bool) ([]Customer, []string, error) {
	if len(externalUserIDs) == 0 || len(externalUserIDs) > MaxCustomers {
		return nil, nil, fmt.Errorf("%w: %d external userids, 1 to %d", ErrInvalidArgument, len(externalUserIDs), MaxCustomers)
	}
	req := &customerRequest{ExternalUserIDList: externalUserIDs}
	if withContext {
		req.NeedEnterSessionContext = 1
	}
	a, err := customerBatchGet.Call(ctx, c.corp, req)
	if err != nil {
		return nil, nil, fmt.Errorf("kf: customers: %w", err)
	}
	return a.CustomerList, a.InvalidExternalUserID, nil
}

// UpgradeServiceConfig is who kf may hand a customer over to: the members
// and departments of 专员服务 and the group chats of 客户群服务, as set in
// the admin console.
type UpgradeServiceConfig struct {
	MemberRange struct {
		UserIDList       []string `json:"userid_list"`
		DepartmentIDList []int64  `json:"department_id_list"`
	} `json:"member_range"`
	GroupChatRange struct {
		ChatIDList []string `json:"chat_id_list"`
	} `json:"groupchat_range"`
}

// UpgradeServiceConfig returns the members and group chats customers may
// be upgraded to (kf/customer/get_upgrade_service_config, doc 94674).
func (c *Client) UpgradeServiceConfig(ctx context.Context) (*UpgradeServiceConfig, error) {
	a, err := upgradeConfig.Call(ctx, c.corp, struct{}{})
	if err != nil {
		return nil, fmt.Errorf("kf: upgrade service config: %w", err)
	}
	return a, nil
}

// UpgradeToMember recommends the member userID to the customer, with an
// optional wording (kf/customer/upgrade_service, type 1, doc 94674).
func (c *Client) UpgradeToMember(ctx context.Context, openKfID, externalUserID, userID, wording string) error {
	if err := errorsOf(required("open_kfid", openKfID), required("external userid", externalUserID), required("userid", userID)); err != nil {
		return err
	}
	req := &upgradeRequest{OpenKfID: openKfID, ExternalUserID: externalUserID, Type: UpgradeMember,
		Member: &upgradeMember{UserID: userID, Wording: wording}}
	if _, err := upgradeService.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("kf: upgrade %s to member %s: %w", externalUserID, userID, err)
	}
	return nil
}

// UpgradeToGroupChat recommends the customer group chat chatID to the
// customer (kf/customer/upgrade_service, type 2, doc 94674).
func (c *Client) UpgradeToGroupChat(ctx context.Context, openKfID, externalUserID, chatID, wording string) error {
	if err := errorsOf(required("open_kfid", openKfID), required("external userid", externalUserID), required("chat id", chatID)); err != nil {
		return err
	}
	req := &upgradeRequest{OpenKfID: openKfID, ExternalUserID: externalUserID, Type: UpgradeGroupChat,
		GroupChat: &upgradeGroupCh{ChatID: chatID, Wording: wording}}
	if _, err := upgradeService.Call(ctx, c.corp, req); err != nil {
		return fmt.Errorf("kf: upgrade %s to group chat %s: %w", externalUserID, chatID, err)
	}
	return nil
}

// CancelUpgradeService withdraws the recommendation made to the customer
// (kf/customer/cancel_upgrade_service, doc 94674).
func (c *Client) CancelUpgradeService(ctx context.Context, openKfID, externalUserID string) error {
	if err := errorsOf(required("open_kfid", openKfID), required("external userid", externalUserID)); err != nil {
		return err
	}
	if _, err := cancelUpgrade.Call(ctx, c.corp, &sessionRequest{OpenKfID: openKfID, ExternalUserID: externalUserID}); err != nil {
		return fmt.Errorf("kf: cancel upgrade of %s: %w", externalUserID, err)
	}
	return nil
}
