package kf

import (
	"context"
	"fmt"
	"time"
)

// CorpStatistic is one day of a kf account's figures (「客户数据统计」企业汇总数据,
// get_corp_statistic, doc 95489). StatTime is the day's first second.
type CorpStatistic struct {
	StatTime  int64 `json:"stat_time"`
	Statistic struct {
		SessionCnt                int64   `json:"session_cnt"`
		CustomerCnt               int64   `json:"customer_cnt"`
		CustomerMsgCnt            int64   `json:"customer_msg_cnt"`
		UpgradeServiceCustomerCnt int64   `json:"upgrade_service_customer_cnt"`
		AISessionReplyCnt         int64   `json:"ai_session_reply_cnt"`
		AITransferRate            float64 `json:"ai_transfer_rate"`
		AIKnowledgeHitRate        float64 `json:"ai_knowledge_hit_rate"`
		MsgRejectedCustomerCnt    int64   `json:"msg_rejected_customer_cnt"`
	} `json:"statistic"`
}

// ServicerStatistic is one day of a receptionist's figures (接待人员明细数据,
// get_servicer_statistic, doc 95490).
type ServicerStatistic struct {
	StatTime  int64 `json:"stat_time"`
	Statistic struct {
		SessionCnt                         int64   `json:"session_cnt"`
		CustomerCnt                        int64   `json:"customer_cnt"`
		CustomerMsgCnt                     int64   `json:"customer_msg_cnt"`
		ReplyRate                          float64 `json:"reply_rate"`
		FirstReplyAverageSec               float64 `json:"first_reply_average_sec"`
		SatisfactionInvestgateCnt          int64   `json:"satisfaction_investgate_cnt"` // sic: WeCom's spelling
		SatisfactionParticipationRate      float64 `json:"satisfaction_participation_rate"`
		SatisfiedRate                      float64 `json:"satisfied_rate"`
		MiddlingRate                       float64 `json:"middling_rate"`
		DissatisfiedRate                   float64 `json:"dissatisfied_rate"`
		UpgradeServiceCustomerCnt          int64   `json:"upgrade_service_customer_cnt"`
		UpgradeServiceMemberInviteCnt      int64   `json:"upgrade_service_member_invite_cnt"`
		UpgradeServiceMemberCustomerCnt    int64   `json:"upgrade_service_member_customer_cnt"`
		UpgradeServiceGroupChatInviteCnt   int64   `json:"upgrade_service_groupchat_invite_cnt"`
		UpgradeServiceGroupChatCustomerCnt int64   `json:"upgrade_service_groupchat_customer_cnt"`
		MsgRejectedCustomerCnt             int64   `json:"msg_rejected_customer_cnt"`
	} `json:"statistic"`
}

func statRange(start, end time.Time) (int64, int64, error) {
	if start.IsZero() || end.Before(start) {
		return 0, 0, fmt.Errorf("%w: statistics from %v to %v", ErrInvalidArgument, start, end)
	}
	return start.Unix(), end.Unix(), nil
}

// CorpStatistic returns the kf account openKfID's figures day by day from
// start to end (kf/get_corp_statistic, doc 95489).
func (c *Client) CorpStatistic(ctx context.Context, openKfID string, start, end time.Time) ([]CorpStatistic, error) {
	if err := required("open_kfid", openKfID); err != nil {
		return nil, err
	}
	s, e, err := statRange(start, end)
	if err != nil {
		return nil, err
	}
	a, err := corpStatistic.Call(ctx, c.corp, &statisticRequest{OpenKfID: openKfID, StartTime: s, EndTime: e})
	if err != nil {
		return nil, fmt.Errorf("kf: statistic of %s: %w", openKfID, err)
	}
	return a.StatisticList, nil
}

// ServicerStatistic returns a receptionist's figures day by day from start
// to end (kf/get_servicer_statistic, doc 95490); servicerUserID "" sums
// every receptionist of the account.
func (c *Client) ServicerStatistic(ctx context.Context, openKfID, servicerUserID string, start, end time.Time) ([]ServicerStatistic, error) {
	if err := required("open_kfid", openKfID); err != nil {
		return nil, err
	}
	s, e, err := statRange(start, end)
	if err != nil {
		return nil, err
	}
	req := &statisticRequest{OpenKfID: openKfID, ServicerUserID: servicerUserID, StartTime: s, EndTime: e}
	a, err := servicerStatistic.Call(ctx, c.corp, req)
	if err != nil {
		return nil, fmt.Errorf("kf: servicer statistic of %s: %w", openKfID, err)
	}
	return a.StatisticList, nil
}
