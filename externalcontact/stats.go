package externalcontact

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

var getUserBehaviorData = &wecom.Endpoint[wecom.CorpToken, *behaviorRequest, behaviorAnswer]{
	Method: http.MethodPost, Path: "/cgi-bin/externalcontact/get_user_behavior_data", Doc: 92132, Idempotent: true,
	Entry: "externalcontact.Client.UserBehavior",
}

// Limits of get_user_behavior_data (doc 92132).
const (
	MaxBehaviorIDs  = 100                 // userid, and partyid
	MaxBehaviorSpan = 30 * 24 * time.Hour // end_time - start_time
)

// BehaviorQuery selects the members [Client.UserBehavior] reports on, as
// one total: Users and the members of Departments (not both empty), for
// the days from Start to End (at most 30 days apart, within the last 180).
type BehaviorQuery struct {
	Users       []string
	Departments []int64
	Start, End  time.Time
}

type behaviorRequest struct {
	UserID    []string `json:"userid,omitempty"`
	PartyID   []int64  `json:"partyid,omitempty"`
	StartTime int64    `json:"start_time" wecom:"required"`
	EndTime   int64    `json:"end_time" wecom:"required"`
}

type behaviorAnswer struct {
	BehaviorData []BehaviorDay `json:"behavior_data"`
}

// BehaviorDay is one day of 「联系客户统计」.
type BehaviorDay struct {
	StatTime            int64   `json:"stat_time"`                  // the day's 00:00, unix seconds
	ChatCnt             int     `json:"chat_cnt"`                   // one-to-one chats the members spoke in
	MessageCnt          int     `json:"message_cnt"`                // messages they sent in them
	ReplyPercentage     float64 `json:"reply_percentage,omitempty"` // only on days with chats
	AvgReplyTime        int     `json:"avg_reply_time,omitempty"`   // minutes; only on days with chats
	NegativeFeedbackCnt int     `json:"negative_feedback_cnt"`      // customers who deleted or blocked them
	NewApplyCnt         int     `json:"new_apply_cnt"`              // friend requests the members sent
	NewContactCnt       int     `json:"new_contact_cnt"`            // customers added
}

// UserBehavior returns the members' contact statistics, one row a day
// (externalcontact/get_user_behavior_data, doc 92132).
func (c *Client) UserBehavior(ctx context.Context, q BehaviorQuery) ([]BehaviorDay, error) {
	switch {
	case len(q.Users) == 0 && len(q.Departments) == 0:
		return nil, fmt.Errorf("%w: no members or departments", ErrInvalidArgument)
	case len(q.Users) > MaxBehaviorIDs || len(q.Departments) > MaxBehaviorIDs:
		return nil, fmt.Errorf("%w: at most %d members and %d departments", ErrInvalidArgument, MaxBehaviorIDs, MaxBehaviorIDs)
	case q.Start.IsZero() || q.End.Before(q.Start) || q.End.Sub(q.Start) > MaxBehaviorSpan:
		return nil, fmt.Errorf("%w: Start <= End, at most 30 days apart", ErrInvalidArgument)
	}
	a, err := getUserBehaviorData.Call(ctx, c.corp, &behaviorRequest{UserID: q.Users, PartyID: q.Departments, StartTime: q.Start.Unix(), EndTime: q.End.Unix()})
	if err != nil {
		return nil, fmt.Errorf("externalcontact: user behavior: %w", err)
	}
	return a.BehaviorData, nil
}
