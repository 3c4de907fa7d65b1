package externalcontact_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestUserBehavior(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	day0 := time.Date(2026, 3, 9, 0, 0, 0, 0, start.Location())
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "lisi", Department: []int64{2}})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲", Added: day0.Add(9 * time.Hour)})
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmB", Name: "乙", Added: day0.Add(33 * time.Hour)})
	f.srv.SetUserBehavior(corpID, "zhangsan", day0, wecomtest.UserBehavior{ChatCnt: 3, MessageCnt: 10, ReplyPercentage: 50, AvgReplyTime: 4, NewApplyCnt: 2})
	f.srv.SetUserBehavior(corpID, "lisi", day0, wecomtest.UserBehavior{ChatCnt: 1, MessageCnt: 2, ReplyPercentage: 100, AvgReplyTime: 2, NegativeFeedbackCnt: 1})

	days, err := f.ec.UserBehavior(ctx, externalcontact.BehaviorQuery{Users: []string{"zhangsan"}, Departments: []int64{2}, Start: day0.Add(3 * time.Hour), End: day0.Add(24 * time.Hour)})
	require.NoError(t, err)
	require.Equal(t, []externalcontact.BehaviorDay{
		{StatTime: day0.Unix(), ChatCnt: 4, MessageCnt: 12, ReplyPercentage: 75, AvgReplyTime: 3, NegativeFeedbackCnt: 1, NewApplyCnt: 2, NewContactCnt: 1},
		{StatTime: day0.Add(24 * time.Hour).Unix(), NewContactCnt: 1},
	}, days)
	seen := f.rec.last(t, "/cgi-bin/externalcontact/get_user_behavior_data")
	require.Equal(t, map[string]any{"userid": []any{"zhangsan"}, "partyid": []any{float64(2)},
		"start_time": float64(day0.Add(3 * time.Hour).Unix()), "end_time": float64(day0.Add(24 * time.Hour).Unix())}, seen.Body)

	for name, q := range map[string]externalcontact.BehaviorQuery{
		"nobody":   {Start: day0, End: day0},
		"31 days":  {Users: []string{"a"}, Start: day0, End: day0.Add(31 * 24 * time.Hour)},
		"reversed": {Users: []string{"a"}, Start: day0, End: day0.Add(-time.Hour)},
		"101":      {Users: make([]string, 101), Start: day0, End: day0},
	} {
		_, err := f.ec.UserBehavior(ctx, q)
		require.ErrorIs(t, err, externalcontact.ErrInvalidArgument, name)
	}
}

func TestStrategyTags(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.AddStrategy(corpID, 7)
	g, err := f.ec.AddStrategyTags(ctx, 7, externalcontact.NewTags{GroupName: "区域", Order: 3, Tags: []externalcontact.NewTag{{Name: "华东"}, {Name: "华南", Order: 2}}})
	require.NoError(t, err)
	require.Equal(t, int64(7), g.StrategyID)
	require.Equal(t, "区域", g.GroupName)
	require.Len(t, g.Tags, 2)
	require.Equal(t, map[string]any{"strategy_id": float64(7), "group_name": "区域", "order": float64(3),
		"tag": []any{map[string]any{"name": "华东"}, map[string]any{"name": "华南", "order": float64(2)}}},
		f.rec.last(t, "/cgi-bin/externalcontact/add_strategy_tag").Body)
	east := g.Tags[0].ID

	_, err = f.ec.AddStrategyTags(ctx, 7, externalcontact.NewTags{GroupID: g.GroupID, Tags: []externalcontact.NewTag{{Name: "华东"}}})
	require.Equal(t, 40071, wecom.ErrorCode(err))
	_, err = f.ec.AddStrategyTags(ctx, 8, externalcontact.NewTags{GroupName: "x", Tags: []externalcontact.NewTag{{Name: "y"}}})
	require.Equal(t, 40058, wecom.ErrorCode(err), "an unknown rule group")

	all, err := f.ec.StrategyTags(ctx, 7, nil, nil)
	require.NoError(t, err)
	require.Len(t, all, 1)
	require.Equal(t, start.Unix(), all[0].CreateTime)
	some, err := f.ec.StrategyTags(ctx, 7, []string{east}, nil)
	require.NoError(t, err)
	require.Equal(t, "华东", some[0].Tags[0].Name)
	require.Len(t, some[0].Tags, 1)
	require.Equal(t, map[string]any{"strategy_id": float64(7), "tag_id": []any{east}}, f.rec.last(t, "/cgi-bin/externalcontact/get_strategy_tag_list").Body)

	order := uint32(9)
	require.NoError(t, f.ec.EditStrategyTag(ctx, east, externalcontact.TagEdit{Name: "华东区", Order: &order}))
	require.Equal(t, map[string]any{"id": east, "name": "华东区", "order": float64(9)}, f.rec.last(t, "/cgi-bin/externalcontact/edit_strategy_tag").Body)
	groups := f.srv.StrategyTagGroups(corpID, 7)
	require.Equal(t, "华东区", groups[0].Tags[0].Name)
	require.Equal(t, uint32(9), groups[0].Tags[0].Order)
	require.Equal(t, 40068, wecom.ErrorCode(f.ec.EditStrategyTag(ctx, "etNone", externalcontact.TagEdit{Name: "x"})))

	require.NoError(t, f.ec.DeleteStrategyTags(ctx, []string{east}, nil))
	require.Len(t, f.srv.StrategyTagGroups(corpID, 7)[0].Tags, 1)
	require.NoError(t, f.ec.DeleteStrategyTags(ctx, nil, []string{g.GroupID}))
	require.Empty(t, f.srv.StrategyTagGroups(corpID, 7))
	require.Equal(t, 40068, wecom.ErrorCode(f.ec.DeleteStrategyTags(ctx, []string{east}, nil)))
	require.ErrorIs(t, f.ec.DeleteStrategyTags(ctx, nil, nil), externalcontact.ErrInvalidArgument)
	_, err = f.ec.AddStrategyTags(ctx, 0, externalcontact.NewTags{GroupName: "x", Tags: []externalcontact.NewTag{{Name: "y"}}})
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
}

func TestIDConversions(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲", UnionID: "ouA"})
	svcA := wecomtest.ServiceExternalUserID(corpID, "wmA")
	third := f.client(t, f.srv.NewSuiteCorpToken("wwsuite", corpID, 1000009))

	m, err := third.UnionIDToExternalUserID(ctx, "ouA", "oOpenA", externalcontact.SubjectProvider)
	require.NoError(t, err)
	require.Equal(t, &externalcontact.UnionIDMatch{ExternalUserID: svcA}, m)
	require.Equal(t, map[string]any{"unionid": "ouA", "openid": "oOpenA", "subject_type": float64(1)},
		f.rec.last(t, "/cgi-bin/idconvert/unionid_to_external_userid").Body)

	// Not a customer yet: a pending id, linked once they are.
	m, err = third.UnionIDToExternalUserID(ctx, "ouB", "oOpenB", externalcontact.SubjectCorp)
	require.NoError(t, err)
	require.Empty(t, m.ExternalUserID)
	require.NotEmpty(t, m.PendingID)
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmB", Name: "乙", UnionID: "ouB"})
	p, err := third.PendingIDs(ctx, []string{"wmB", "wmA"}, "")
	require.NoError(t, err)
	require.Equal(t, []externalcontact.PendingID{{ExternalUserID: "wmB", PendingID: m.PendingID}}, p)
	require.Equal(t, map[string]any{"external_userid": []any{"wmB", "wmA"}}, f.rec.last(t, "/cgi-bin/idconvert/batch/external_userid_to_pending_id").Body)

	items, err := third.NewExternalUserIDs(ctx, []string{"wmA", svcA, "wmNone"})
	require.NoError(t, err)
	require.Equal(t, []externalcontact.NewExternalUserID{{ExternalUserID: "wmA", NewExternalUserID: svcA}, {ExternalUserID: svcA, NewExternalUserID: svcA}}, items)
	require.Equal(t, map[string]any{"external_userid_list": []any{"wmA", svcA, "wmNone"}}, f.rec.last(t, "/cgi-bin/externalcontact/get_new_external_userid").Body)

	id, err := third.ToServiceExternalUserID(ctx, "wmA")
	require.NoError(t, err)
	require.Equal(t, svcA, id)
	_, err = third.ToServiceExternalUserID(ctx, "wmNone")
	require.Equal(t, 40096, wecom.ErrorCode(err))

	// The self-built app converts back, and may not call the others.
	id, err = f.ec.FromServiceExternalUserID(ctx, svcA, 1000009)
	require.NoError(t, err)
	require.Equal(t, "wmA", id)
	require.Equal(t, map[string]any{"external_userid": svcA, "source_agentid": float64(1000009)},
		f.rec.last(t, "/cgi-bin/externalcontact/from_service_external_userid").Body)
	_, err = third.FromServiceExternalUserID(ctx, svcA, 1000009)
	require.Equal(t, 48002, wecom.ErrorCode(err))
	_, err = f.ec.UnionIDToExternalUserID(ctx, "ouA", "oOpenA", 0)
	require.Equal(t, 48002, wecom.ErrorCode(err))
	_, err = f.ec.NewExternalUserIDs(ctx, []string{"wmA"})
	require.Equal(t, 48002, wecom.ErrorCode(err))
	_, err = f.ec.ToServiceExternalUserID(ctx, "wmA")
	require.Equal(t, 48002, wecom.ErrorCode(err))
	_, err = f.ec.PendingIDs(ctx, []string{"wmA"}, "")
	require.Equal(t, 48002, wecom.ErrorCode(err))

	_, err = third.UnionIDToExternalUserID(ctx, "ouA", "", 0)
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	_, err = third.UnionIDToExternalUserID(ctx, "ouA", "o", 2)
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	_, err = third.NewExternalUserIDs(ctx, make([]string, 1001))
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	_, err = third.PendingIDs(ctx, make([]string, 101), "")
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	_, err = f.ec.FromServiceExternalUserID(ctx, svcA, 0)
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
}
