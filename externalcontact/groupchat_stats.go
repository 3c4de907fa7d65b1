package externalcontact

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// The customer-group statistics (获取「群聊数据统计」数据, doc 92133).
var (
	groupChatStatistic = &wecom.Endpoint[wecom.CorpToken, *groupStatRequest, groupStatAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/statistic", Doc: 92133, Idempotent: true,
		Entry: "externalcontact.Client.GroupChatStatsByOwner",
	}
	groupChatStatisticByDay = &wecom.Endpoint[wecom.CorpToken, *groupStatRequest, groupStatByDayAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/externalcontact/groupchat/statistic_group_by_day", Doc: 92133, Idempotent: true,
		Entry: "externalcontact.Client.GroupChatStatsByDay",
	}
)

// Orders of [GroupStatQuery.OrderBy] (order_by, doc 92133).
const (
	OrderByNewChats   = 1 // new groups (the default)
	OrderByChats      = 2 // groups
	OrderByNewMembers = 3 // new group members
	OrderByMembers    = 4 // group members
)

// MaxStatDays is the longest span the group statistics cover in one call
// (doc 92133: at most 30 days, both ends included); WeCom keeps 180 days.
const MaxStatDays = 30

// GroupStatQuery selects customer-group statistics: the days from Begin
// to End (both included; End zero means Begin's day alone), the owners.
// WeCom counts whole days (China time): a time that is not midnight is
// moved back to that day's midnight.
type GroupStatQuery struct {
	Begin, End time.Time
	// Owners are the owners' userids, at most [MaxOwnerFilter]: required
	// by day, optional by owner (every owner the app sees when empty).
	Owners []string
	// OrderBy (by owner only): OrderByNewChats, OrderByChats, … ; Asc
	// sorts ascending instead of WeCom's descending default.
	OrderBy int
	Asc     bool
}

// GroupStat is one row of the statistics (data, doc 92133).
type GroupStat struct {
	NewChatCnt            int `json:"new_chat_cnt"`             // groups created
	ChatTotal             int `json:"chat_total"`               // groups at the end of the day(s)
	ChatHasMsg            int `json:"chat_has_msg"`             // groups with a message
	NewMemberCnt          int `json:"new_member_cnt"`           // members who joined
	MemberTotal           int `json:"member_total"`             // members at the end
	MemberHasMsg          int `json:"member_has_msg"`           // members who sent a message
	MsgTotal              int `json:"msg_total"`                // messages sent
	MigrateTraineeChatCnt int `json:"migrate_trainee_chat_cnt"` // groups upgraded from trainee groups
}

// OwnerGroupStat is an owner's statistics over the query's days.
type OwnerGroupStat struct {
	Owner string    `json:"owner"`
	Data  GroupStat `json:"data"`
}

// DayGroupStat is one day's statistics over the query's owners.
type DayGroupStat struct {
	StatTime int64     `json:"stat_time"` // the day's midnight, unix seconds
	Data     GroupStat `json:"data"`
}

// Day returns the day the row counts.
func (d *DayGroupStat) Day() time.Time { return time.Unix(d.StatTime, 0) }

type groupStatRequest struct {
	DayBeginTime int64        `json:"day_begin_time" wecom:"required"`
	DayEndTime   int64        `json:"day_end_time,omitempty"`
	OwnerFilter  *ownerFilter `json:"owner_filter,omitempty"`
	OrderBy      int          `json:"order_by,omitempty"`
	OrderAsc     int          `json:"order_asc,omitempty"`
	Offset       int          `json:"offset,omitempty"`
	Limit        int          `json:"limit,omitempty"`
}

type groupStatAnswer struct {
	Total      int              `json:"total"`
	NextOffset int              `json:"next_offset"`
	Items      []OwnerGroupStat `json:"items"`
}

type groupStatByDayAnswer struct {
	Items []DayGroupStat `json:"items"`
}

// groupStatPage is how many owners GroupChatStatsByOwner asks for at once
// (limit 1 to 1000).
const groupStatPage = 1000

func (q *GroupStatQuery) request() (*groupStatRequest, error) {
	if q.Begin.IsZero() {
		return nil, fmt.Errorf("%w: no first day", ErrInvalidArgument)
	}
	if !q.End.IsZero() && (q.End.Before(q.Begin) || q.End.Sub(q.Begin) >= MaxStatDays*24*time.Hour) {
		return nil, fmt.Errorf("%w: the days from %s to %s (at most %d, in order)", ErrInvalidArgument,
			q.Begin.Format(time.DateOnly), q.End.Format(time.DateOnly), MaxStatDays)
	}
	if err := checkOwners(q.Owners); err != nil {
		return nil, err
	}
	if q.OrderBy < 0 || q.OrderBy > OrderByMembers {
		return nil, fmt.Errorf("%w: order_by %d", ErrInvalidArgument, q.OrderBy)
	}
	req := &groupStatRequest{DayBeginTime: q.Begin.Unix(), OrderBy: q.OrderBy}
	if !q.End.IsZero() {
		req.DayEndTime = q.End.Unix()
	}
	if len(q.Owners) > 0 {
		req.OwnerFilter = &ownerFilter{UserIDList: q.Owners}
	}
	if q.Asc {
		req.OrderAsc = 1
	}
	return req, nil
}

// GroupChatStatsByOwner yields each owner's customer-group statistics
// over q's days (externalcontact/groupchat/statistic, doc 92133), in
// q's order, following next_offset. The sequence stops after the first
// error it yields.
func (c *Client) GroupChatStatsByOwner(ctx context.Context, q GroupStatQuery) iter.Seq2[OwnerGroupStat, error] {
	return func(yield func(OwnerGroupStat, error) bool) {
		req, err := q.request()
		if err != nil {
			yield(OwnerGroupStat{}, err)
			return
		}
		req.Limit = groupStatPage
		for {
			a, err := groupChatStatistic.Call(ctx, c.corp, req)
			if err != nil {
				yield(OwnerGroupStat{}, fmt.Errorf("externalcontact: group chat statistics: %w", err))
				return
			}
			for _, it := range a.Items {
				if !yield(it, nil) {
					return
				}
			}
			if len(a.Items) == 0 || a.NextOffset <= req.Offset || a.NextOffset >= a.Total {
				return
			}
			req.Offset = a.NextOffset
		}
	}
}

// GroupChatStatsByDay returns the customer-group statistics of q's
// owners, one row a day (externalcontact/groupchat/statistic_group_by_day,
// doc 92133). WeCom requires the owners here.
func (c *Client) GroupChatStatsByDay(ctx context.Context, q GroupStatQuery) ([]DayGroupStat, error) {
	if len(q.Owners) == 0 {
		return nil, fmt.Errorf("%w: statistics by day need owners", ErrInvalidArgument)
	}
	q.OrderBy, q.Asc = 0, false
	req, err := q.request()
	if err != nil {
		return nil, err
	}
	a, err := groupChatStatisticByDay.Call(ctx, c.corp, req)
	if err != nil {
		return nil, fmt.Errorf("externalcontact: group chat statistics by day: %w", err)
	}
	return a.Items, nil
}
