package externalcontact_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The fake has one model of customer groups: a group added with
// AddCustomerGroup is the group mass messages go to and transfers move,
// and a transfer shows in groupchat/get and groupchat/list.
func TestCustomerGroupsOneModel(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: "wrA", Name: "VIP 群", Owner: "zhangsan",
		Members: []wecomtest.CustomerGroupMember{{UserID: "wmX", Type: externalcontact.GroupMemberCustomer}}})
	f.srv.AddCustomerGroup(corpID, wecomtest.CustomerGroup{ChatID: "wrB", Name: "售后群", Owner: "wangwu"})
	f.srv.SetGroupChatOwner(corpID, "wrC", "zhangsan") // the short way adds a group too

	// Mass messages to groups see both kinds.
	res, err := f.ec.AddMassMessage(ctx, externalcontact.MassMessage{ChatType: externalcontact.ChatGroup, Sender: "zhangsan", Text: "hi"})
	require.NoError(t, err)
	require.Empty(t, res.FailList)
	tasks := collect(t, f.ec.MassMessageTasks(ctx, res.MsgID))
	require.Len(t, tasks, 1)
	require.NoError(t, f.srv.SendMassMessage(corpID, res.MsgID, "zhangsan"))
	sends := collect(t, f.ec.MassMessageResults(ctx, res.MsgID, "zhangsan"))
	var chats []string
	for _, s := range sends {
		chats = append(chats, s.ChatID)
	}
	require.Equal(t, []string{"wrA", "wrC"}, chats)
	g, err := f.ec.GroupChat(ctx, "wrC", false)
	require.NoError(t, err)
	require.Equal(t, "zhangsan", g.Owner)

	// An in-service transfer changes what groupchat/get answers.
	failed, err := f.ec.TransferGroupChats(ctx, []string{"wrA"}, "lisi")
	require.NoError(t, err)
	require.Empty(t, failed)
	g, err = f.ec.GroupChat(ctx, "wrA", false)
	require.NoError(t, err)
	require.Equal(t, "lisi", g.Owner)
	require.Equal(t, "VIP 群", g.Name, "the same group, not a new one")
	var members []string
	for _, m := range g.Members {
		members = append(members, m.UserID)
	}
	require.Equal(t, []string{"zhangsan", "wmX", "lisi"}, members, "the new owner joined")
	owner, ok := f.srv.GroupChatOwner(corpID, "wrA")
	require.True(t, ok)
	require.Equal(t, "lisi", owner)

	// The owner of wrB leaves: the group awaits transfer (status 1), then
	// is transferred (status 3) to its new owner.
	f.srv.ResignMember(corpID, "wangwu")
	refs := collect(t, f.ec.GroupChats(ctx, externalcontact.GroupChatFilter{Owners: []string{"wangwu"}}))
	require.Equal(t, []externalcontact.GroupChatRef{{ChatID: "wrB", Status: externalcontact.GroupChatOwnerLeft}}, refs)
	failed, err = f.ec.TransferResignedGroupChats(ctx, []string{"wrB"}, "zhaoliu")
	require.NoError(t, err)
	require.Empty(t, failed)
	g, err = f.ec.GroupChat(ctx, "wrB", false)
	require.NoError(t, err)
	require.Equal(t, "zhaoliu", g.Owner)
	refs = collect(t, f.ec.GroupChats(ctx, externalcontact.GroupChatFilter{Owners: []string{"zhaoliu"}}))
	require.Equal(t, []externalcontact.GroupChatRef{{ChatID: "wrB", Status: externalcontact.GroupChatTransferred}}, refs)

	// A group the fake does not have fails the transfer.
	failed, err = f.ec.TransferGroupChats(ctx, []string{"wrNone"}, "lisi")
	require.NoError(t, err)
	require.Equal(t, 90501, failed[0].ErrCode)
	_, ok = f.srv.GroupChatOwner(corpID, "wrNone")
	require.False(t, ok)
}
