package externalcontact_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestGroupChatsPages(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	var want []string
	for i := range 2501 {
		id := fmt.Sprintf("wr%04d", i)
		owner := []string{"zhangsan", "lisi"}[i%2]
		f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: id, Name: "群", Owner: owner})
		want = append(want, id)
	}
	var got []string
	for g, err := range f.ec.GroupChats(ctx, externalcontact.GroupChatFilter{}) {
		require.NoError(t, err)
		require.Equal(t, externalcontact.GroupChatNormal, g.Status)
		got = append(got, g.ChatID)
	}
	require.Equal(t, want, got)
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/externalcontact/groupchat/list"), "1000 a page, next_cursor followed")

	// An owner filter.
	n := 0
	for g, err := range f.ec.GroupChats(ctx, externalcontact.GroupChatFilter{Owners: []string{"lisi"}}) {
		require.NoError(t, err)
		require.Equal(t, 1, int(g.ChatID[len(g.ChatID)-1]-'0')%2, g.ChatID)
		n++
	}
	require.Equal(t, 1250, n)

	// Stopping early stops the calls; a done context stops with its error.
	f.srv.ResetCalls()
	for range f.ec.GroupChats(ctx, externalcontact.GroupChatFilter{}) {
		break
	}
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/externalcontact/groupchat/list"))
	done, cancel := context.WithCancel(ctx)
	cancel()
	for _, err := range f.ec.GroupChats(done, externalcontact.GroupChatFilter{}) {
		require.ErrorIs(t, err, context.Canceled)
	}
}

func TestGroupChatsOfOwnersWhoLeft(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: "wrA", Owner: "zhangsan"})
	f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: "wrB", Owner: "gone", Status: externalcontact.GroupChatOwnerLeft})
	list := func(flt externalcontact.GroupChatFilter) []externalcontact.GroupChatRef {
		var out []externalcontact.GroupChatRef
		for g, err := range f.ec.GroupChats(ctx, flt) {
			require.NoError(t, err)
			out = append(out, g)
		}
		return out
	}
	require.Equal(t, []externalcontact.GroupChatRef{{ChatID: "wrA"}}, list(externalcontact.GroupChatFilter{}),
		"a group whose owner left needs its owner named")
	require.Equal(t, []externalcontact.GroupChatRef{{ChatID: "wrB", Status: 1}},
		list(externalcontact.GroupChatFilter{Owners: []string{"gone"}, Status: externalcontact.GroupChatOwnerLeft}))

	many := make([]string, externalcontact.MaxOwnerFilter+1)
	for i := range many {
		many[i] = fmt.Sprint("u", i)
	}
	for _, err := range f.ec.GroupChats(ctx, externalcontact.GroupChatFilter{Owners: many}) {
		require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	}
	for _, err := range f.ec.GroupChats(ctx, externalcontact.GroupChatFilter{Status: 4}) {
		require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	}
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/groupchat/list", `{"limit":1001}`))
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/groupchat/list", `{"limit":0}`))
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/groupchat/list", `{"limit":10,"cursor":"x"}`))
}

func TestGroupChatDetail(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	created := wayStart.Add(-48 * time.Hour)
	f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: "wrA", Name: "VIP 客户群", Owner: "zhangsan",
		Admins: []string{"lisi"}, Notice: "欢迎", Created: created, OpenGID: "oAAA",
		Members: []wecomtest.CustomerGroupMember{
			{UserID: "lisi", Type: 1, JoinScene: 1, Invitor: "zhangsan", Name: "李四"},
			{UserID: "wmA", Type: 2, UnionID: "ozU", JoinScene: 3, GroupNickname: "小王", Name: "王五", State: "jw1",
				Joined: created.Add(time.Hour)},
		}})
	g, err := f.ec.GroupChat(ctx, "wrA", false)
	require.NoError(t, err)
	require.Equal(t, "VIP 客户群", g.Name)
	require.Equal(t, "zhangsan", g.Owner)
	require.Equal(t, created.Unix(), g.Created().Unix())
	require.Equal(t, "欢迎", g.Notice)
	require.Equal(t, []string{"lisi"}, g.AdminIDs())
	require.NotEmpty(t, g.MemberVersion)
	require.Len(t, g.Members, 3, "the owner is a member")
	require.Equal(t, "zhangsan", g.Members[0].UserID)
	lisi, wm := g.Members[1], g.Members[2]
	require.Equal(t, "zhangsan", lisi.Invitor.UserID)
	require.Empty(t, lisi.Name, "names only with need_name")
	require.Equal(t, externalcontact.GroupChatMember{UserID: "wmA", Type: externalcontact.GroupMemberCustomer, UnionID: "ozU",
		JoinTime: created.Add(time.Hour).Unix(), JoinScene: externalcontact.JoinByQRCode, GroupNickname: "小王", State: "jw1"}, wm)

	g, err = f.ec.GroupChat(ctx, "wrA", true)
	require.NoError(t, err)
	require.Equal(t, "李四", g.Members[1].Name)
	require.Equal(t, "王五", g.Members[2].Name)

	_, err = f.ec.GroupChat(ctx, "wrNone", false)
	require.Equal(t, 40050, wecom.ErrorCode(err))
	_, err = f.ec.GroupChat(ctx, "", false)
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)

	id, err := f.ec.ChatIDOfOpenGID(ctx, "oAAA")
	require.NoError(t, err)
	require.Equal(t, "wrA", id)
	_, err = f.ec.ChatIDOfOpenGID(ctx, "oNone")
	require.Equal(t, 40058, wecom.ErrorCode(err))
}

func TestGroupChatStatistics(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	day := func(n int) time.Time { // midnight n days before today (China time)
		y, m, d := wayStart.Date()
		return time.Date(y, m, d-n, 0, 0, 0, 0, wayStart.Location())
	}
	// zhangsan: a group 5 days ago with 2 customers (one joined 2 days
	// ago), a group 2 days ago; lisi: a group 3 days ago. Owners are members.
	f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: "wr1", Owner: "zhangsan", Created: day(5).Add(time.Hour),
		Members: []wecomtest.CustomerGroupMember{{UserID: "wmA", Type: 2}, {UserID: "wmB", Type: 2, Joined: day(2).Add(time.Hour)}}})
	f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: "wr2", Owner: "zhangsan", Created: day(2).Add(2 * time.Hour)})
	f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: "wr3", Owner: "lisi", Created: day(3),
		Members: []wecomtest.CustomerGroupMember{{UserID: "wmC", Type: 2}}})

	var rows []externalcontact.OwnerGroupStat
	for r, err := range f.ec.GroupChatStatsByOwner(ctx, externalcontact.GroupStatQuery{Begin: day(3), End: day(1),
		OrderBy: externalcontact.OrderByChats}) {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	require.Equal(t, []externalcontact.OwnerGroupStat{
		{Owner: "zhangsan", Data: externalcontact.GroupStat{NewChatCnt: 1, ChatTotal: 2, NewMemberCnt: 2, MemberTotal: 4}},
		{Owner: "lisi", Data: externalcontact.GroupStat{NewChatCnt: 1, ChatTotal: 1, NewMemberCnt: 2, MemberTotal: 2}},
	}, rows)
	rows = rows[:0]
	for r, err := range f.ec.GroupChatStatsByOwner(ctx, externalcontact.GroupStatQuery{Begin: day(3), End: day(1),
		OrderBy: externalcontact.OrderByChats, Asc: true, Owners: []string{"zhangsan", "lisi"}}) {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	require.Equal(t, "lisi", rows[0].Owner, "ascending")

	days, err := f.ec.GroupChatStatsByDay(ctx, externalcontact.GroupStatQuery{Begin: day(3), End: day(2), Owners: []string{"zhangsan"}})
	require.NoError(t, err)
	require.Len(t, days, 2)
	require.Equal(t, day(3), days[0].Day().In(wayStart.Location()))
	require.Equal(t, externalcontact.GroupStat{ChatTotal: 1, MemberTotal: 2}, days[0].Data)
	require.Equal(t, externalcontact.GroupStat{NewChatCnt: 1, ChatTotal: 2, NewMemberCnt: 2, MemberTotal: 4}, days[1].Data)

	// Limits: checked here, and answered by the fake.
	_, err = f.ec.GroupChatStatsByDay(ctx, externalcontact.GroupStatQuery{Begin: day(3)})
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument, "by day needs owners")
	_, err = f.ec.GroupChatStatsByDay(ctx, externalcontact.GroupStatQuery{Begin: day(40), End: day(1), Owners: []string{"a"}})
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument, "30 days at most")
	_, err = f.ec.GroupChatStatsByDay(ctx, externalcontact.GroupStatQuery{Begin: day(0), Owners: []string{"a"}})
	require.Equal(t, 40058, wecom.ErrorCode(err), "today is not counted yet")
	_, err = f.ec.GroupChatStatsByDay(ctx, externalcontact.GroupStatQuery{Begin: day(181), Owners: []string{"a"}})
	require.Equal(t, 40058, wecom.ErrorCode(err), "WeCom keeps 180 days")
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/groupchat/statistic",
		fmt.Sprintf(`{"day_begin_time":%d,"limit":1001}`, day(2).Unix())))
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/groupchat/statistic_group_by_day",
		fmt.Sprintf(`{"day_begin_time":%d}`, day(2).Unix())), "owner_filter required")
}

func TestGroupChatStatisticsPages(t *testing.T) {
	f := newWayFixture(t)
	for i := range 1500 {
		f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: fmt.Sprint("wr", i), Owner: fmt.Sprintf("u%04d", i),
			Created: wayStart.Add(-72 * time.Hour)})
	}
	n := 0
	for r, err := range f.ec.GroupChatStatsByOwner(context.Background(), externalcontact.GroupStatQuery{Begin: wayStart.Add(-48 * time.Hour)}) {
		require.NoError(t, err)
		require.Equal(t, 1, r.Data.ChatTotal)
		n++
	}
	require.Equal(t, 1500, n)
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/externalcontact/groupchat/statistic"), "next_offset followed")
}

func TestJoinWays(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	for _, id := range []string{"wrA", "wrB"} {
		f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: id, Owner: "zhangsan"})
	}
	no := false
	id, err := f.ec.AddJoinWay(ctx, externalcontact.JoinWayConfig{Scene: externalcontact.JoinSceneQRCode, Remark: "展会",
		AutoCreateRoom: &no, ChatIDs: []string{"wrA", "wrB"}, State: "expo"})
	require.NoError(t, err)
	saw, ok := f.srv.JoinWay(corpID, id)
	require.True(t, ok)
	require.Equal(t, 0, saw.AutoCreateRoom, "false is sent, not left to WeCom's default")
	got, err := f.ec.JoinWay(ctx, id)
	require.NoError(t, err)
	require.Equal(t, saw, *got)
	require.Equal(t, externalcontact.JoinWay{ConfigID: id, Scene: 2, Remark: "展会", ChatIDList: []string{"wrA", "wrB"},
		QRCode: saw.QRCode, State: "expo"}, *got)
	require.NotEmpty(t, got.QRCode)

	require.NoError(t, f.ec.UpdateJoinWay(ctx, id, externalcontact.JoinWayConfig{Scene: externalcontact.JoinSceneMiniProgram,
		ChatIDs: []string{"wrB"}, RoomBaseName: "展会群", RoomBaseID: 10}))
	got, err = f.ec.JoinWay(ctx, id)
	require.NoError(t, err)
	require.Equal(t, externalcontact.JoinWay{ConfigID: id, Scene: 1, AutoCreateRoom: 1, RoomBaseName: "展会群", RoomBaseID: 10,
		ChatIDList: []string{"wrB"}}, *got, "replaced whole; auto_create_room defaults to 1")

	_, err = f.ec.AddJoinWay(ctx, externalcontact.JoinWayConfig{Scene: 2, ChatIDs: []string{"wrNone"}})
	require.Equal(t, 40050, wecom.ErrorCode(err))
	_, err = f.ec.AddJoinWay(ctx, externalcontact.JoinWayConfig{Scene: 2, ChatIDs: []string{"1", "2", "3", "4", "5", "6"}})
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/groupchat/add_join_way",
		`{"scene":2,"chat_id_list":["wrA","wrA","wrA","wrA","wrA","wrA"]}`), "5 groups at most")
	require.Equal(t, 40058, wecom.ErrorCode(f.ec.UpdateJoinWay(ctx, "jwNone", externalcontact.JoinWayConfig{Scene: 2, ChatIDs: []string{"wrA"}})))

	require.NoError(t, f.ec.DeleteJoinWay(ctx, id))
	_, err = f.ec.JoinWay(ctx, id)
	require.Equal(t, 40058, wecom.ErrorCode(err))
	require.Equal(t, 40058, wecom.ErrorCode(f.ec.DeleteJoinWay(ctx, id)))
}
