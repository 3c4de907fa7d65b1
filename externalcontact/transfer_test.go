package externalcontact_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// WeCom transfers a customer in service at most twice in 90 days
// (doc 92125); the third gets 40128, until the first is 90 days old.
func TestTransferTwiceIn90Days(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲"})
	transfer := func(from, to string) int {
		t.Helper()
		out, err := f.ec.TransferCustomers(ctx, externalcontact.Transfer{HandoverUserID: from, TakeoverUserID: to, ExternalUserIDs: []string{"wmA"}})
		require.NoError(t, err)
		return out[0].ErrCode
	}
	require.Zero(t, transfer("zhangsan", "lisi"))
	f.clock.Advance(25 * time.Hour)
	require.Zero(t, transfer("lisi", "zhangsan"))
	f.clock.Advance(25 * time.Hour)
	require.Equal(t, 40128, transfer("zhangsan", "lisi"), "a third transfer within 90 days")
	info, ok := wecom.LookupCode(40128)
	require.True(t, ok)
	require.Contains(t, info.Official, "90个自然日内", "WeCom's table names the rule")

	f.clock.Advance(88 * 24 * time.Hour) // the first transfer is now 90 days and 2 hours old
	require.Zero(t, transfer("zhangsan", "lisi"))
}

func TestTransferInService(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲", Remark: "老甲"})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "乙"})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmC", Name: "丙"})
	f.srv.AddCustomer(corpID, "wangwu", wecomtest.Customer{ExternalUserID: "wmD", Name: "丁"})

	out, err := f.ec.TransferCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "lisi",
		ExternalUserIDs: []string{"wmA", "wmB", "wmD", "wmNone"}, SuccessMessage: "您好,李四将接替我为您服务"})
	require.NoError(t, err)
	require.Equal(t, []externalcontact.TransferOutcome{{ExternalUserID: "wmA"}, {ExternalUserID: "wmB"},
		{ExternalUserID: "wmD", ErrCode: 84061}, {ExternalUserID: "wmNone", ErrCode: 40096}}, out)
	seen := f.rec.last(t, "/cgi-bin/externalcontact/transfer_customer")
	require.Equal(t, map[string]any{"handover_userid": "zhangsan", "takeover_userid": "lisi",
		"external_userid": []any{"wmA", "wmB", "wmD", "wmNone"}, "transfer_success_msg": "您好,李四将接替我为您服务"}, seen.Body)

	out, err = f.ec.TransferCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "lisi", ExternalUserIDs: []string{"wmA"}})
	require.NoError(t, err)
	require.Equal(t, 40100, out[0].ErrCode, "already being transferred")

	due := start.Add(24 * time.Hour).Unix()
	res := collect(t, f.ec.TransferResults(ctx, "zhangsan", "lisi"))
	require.Equal(t, []externalcontact.TransferStatus{{ExternalUserID: "wmA", Status: externalcontact.TransferWaiting, TakeoverTime: due},
		{ExternalUserID: "wmB", Status: externalcontact.TransferWaiting, TakeoverTime: due}}, res)
	require.Equal(t, map[string]any{"handover_userid": "zhangsan", "takeover_userid": "lisi"}, f.rec.last(t, "/cgi-bin/externalcontact/transfer_result").Body)

	require.True(t, f.srv.RefuseTransfer(corpID, "wmB"))
	f.clock.Advance(23 * time.Hour)
	_, _, still := f.srv.CustomerOf(corpID, "zhangsan", "wmA")
	require.True(t, still, "not before 24 hours")
	f.clock.Advance(time.Hour)
	res = collect(t, f.ec.TransferResults(ctx, "zhangsan", "lisi"))
	require.Equal(t, externalcontact.TransferDone, res[0].Status)
	require.Equal(t, externalcontact.TransferRefused, res[1].Status)
	require.Zero(t, res[1].TakeoverTime)

	c, _, ok := f.srv.CustomerOf(corpID, "lisi", "wmA")
	require.True(t, ok, "moved to lisi")
	require.Equal(t, "老甲", c.Remark, "with the member's side")
	_, _, ok = f.srv.CustomerOf(corpID, "zhangsan", "wmA")
	require.False(t, ok)
	_, _, ok = f.srv.CustomerOf(corpID, "zhangsan", "wmB")
	require.True(t, ok, "the customer refused")
	ids, err := f.ec.Customers(ctx, "lisi")
	require.NoError(t, err)
	require.Equal(t, []string{"wmA"}, ids)

	// A takeover member at their limit: status 4.
	f.srv.SetCustomerLimit(corpID, "lisi", 1)
	_, err = f.ec.TransferCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "lisi", ExternalUserIDs: []string{"wmC"}})
	require.NoError(t, err)
	f.clock.Advance(25 * time.Hour)
	res = collect(t, f.ec.TransferResults(ctx, "zhangsan", "lisi"))
	require.Equal(t, externalcontact.TransferLimitHit, res[2].Status)

	_, err = f.ec.TransferCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "zhangsan", ExternalUserIDs: []string{"wmC"}})
	require.Equal(t, 40058, wecom.ErrorCode(err))
	for name, tr := range map[string]externalcontact.Transfer{
		"no customers": {HandoverUserID: "a", TakeoverUserID: "b"},
		"101":          {HandoverUserID: "a", TakeoverUserID: "b", ExternalUserIDs: make([]string, 101)},
		"no takeover":  {HandoverUserID: "a", ExternalUserIDs: []string{"x"}},
		"long message": {HandoverUserID: "a", TakeoverUserID: "b", ExternalUserIDs: []string{"x"}, SuccessMessage: strings.Repeat("字", 201)},
	} {
		_, err := f.ec.TransferCustomers(ctx, tr)
		require.ErrorIs(t, err, externalcontact.ErrInvalidArgument, name)
	}
}

func TestTransferResigned(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "zhangsan"})
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "lisi"})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "甲"})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "乙"})
	require.Empty(t, collect(t, f.ec.UnassignedCustomers(ctx)))

	out, err := f.ec.TransferResignedCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "lisi", ExternalUserIDs: []string{"wmA"}})
	require.NoError(t, err)
	require.Equal(t, 40097, out[0].ErrCode, "zhangsan is in service")

	f.clock.Advance(time.Hour)
	f.srv.ResignMember(corpID, "zhangsan")
	left := start.Add(time.Hour).Unix()
	un := collect(t, f.ec.UnassignedCustomers(ctx))
	require.Equal(t, []externalcontact.UnassignedCustomer{{HandoverUserID: "zhangsan", ExternalUserID: "wmA", DimissionTime: left},
		{HandoverUserID: "zhangsan", ExternalUserID: "wmB", DimissionTime: left}}, un)
	require.Equal(t, map[string]any{"page_size": float64(1000)}, f.rec.last(t, "/cgi-bin/externalcontact/get_unassigned_list").Body)

	out, err = f.ec.TransferCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "lisi", ExternalUserIDs: []string{"wmA"}})
	require.NoError(t, err)
	require.Equal(t, 40097, out[0].ErrCode, "the in-service call refuses a member who left")

	out, err = f.ec.TransferResignedCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "lisi", ExternalUserIDs: []string{"wmA"}})
	require.NoError(t, err)
	require.Zero(t, out[0].ErrCode)
	require.Equal(t, map[string]any{"handover_userid": "zhangsan", "takeover_userid": "lisi", "external_userid": []any{"wmA"}},
		f.rec.last(t, "/cgi-bin/externalcontact/resigned/transfer_customer").Body)
	un = collect(t, f.ec.UnassignedCustomers(ctx))
	require.Len(t, un, 1, "wmA is being transferred")

	f.clock.Advance(24 * time.Hour)
	res := collect(t, f.ec.ResignedTransferResults(ctx, "zhangsan", "lisi"))
	require.Equal(t, []externalcontact.TransferStatus{{ExternalUserID: "wmA", Status: externalcontact.TransferDone, TakeoverTime: start.Add(25 * time.Hour).Unix()}}, res)
	require.Empty(t, collect(t, f.ec.TransferResults(ctx, "zhangsan", "lisi")), "the in-service results are apart")
	_, _, ok := f.srv.CustomerOf(corpID, "lisi", "wmA")
	require.True(t, ok)

	_, err = f.ec.TransferResignedCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "lisi", ExternalUserIDs: []string{"wmB"}, SuccessMessage: "x"})
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument, "no message for a resigned transfer")
	f.srv.ResignMember(corpID, "lisi")
	_, err = f.ec.TransferResignedCustomers(ctx, externalcontact.Transfer{HandoverUserID: "zhangsan", TakeoverUserID: "lisi", ExternalUserIDs: []string{"wmB"}})
	require.Equal(t, 60111, wecom.ErrorCode(err), "the takeover member left")
}

func TestUnassignedCustomersPages(t *testing.T) {
	f := newOpsFixture(t)
	for i := range 2500 {
		f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wm" + strings.Repeat("x", i%3) + string(rune('A'+i%26)) + time.Duration(i).String(), Name: "客户"})
	}
	f.srv.ResignMember(corpID, "zhangsan")
	un := collect(t, f.ec.UnassignedCustomers(context.Background()))
	require.Len(t, un, 2500)
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/externalcontact/get_unassigned_list"))
}

func TestTransferGroupChats(t *testing.T) {
	f := newOpsFixture(t)
	ctx := context.Background()
	f.srv.SetGroupChatOwner(corpID, "wrA", "zhangsan")
	f.srv.SetGroupChatOwner(corpID, "wrB", "wangwu")
	f.srv.ResignMember(corpID, "wangwu")

	failed, err := f.ec.TransferGroupChats(ctx, []string{"wrA", "wrB", "wrNone"}, "lisi")
	require.NoError(t, err)
	require.Equal(t, []externalcontact.FailedChat{{ChatID: "wrB", ErrCode: 90500, ErrMsg: "the owner of this chat is resigned"},
		{ChatID: "wrNone", ErrCode: 90501, ErrMsg: "chat is not external group chat"}}, failed)
	require.Equal(t, map[string]any{"chat_id_list": []any{"wrA", "wrB", "wrNone"}, "new_owner": "lisi"},
		f.rec.last(t, "/cgi-bin/externalcontact/groupchat/onjob_transfer").Body)
	owner, _ := f.srv.GroupChatOwner(corpID, "wrA")
	require.Equal(t, "lisi", owner)

	failed, err = f.ec.TransferResignedGroupChats(ctx, []string{"wrA", "wrB"}, "zhaoliu")
	require.NoError(t, err)
	require.Equal(t, []externalcontact.FailedChat{{ChatID: "wrA", ErrCode: 90500, ErrMsg: "the owner of this chat is not resigned"}}, failed)
	owner, _ = f.srv.GroupChatOwner(corpID, "wrB")
	require.Equal(t, "zhaoliu", owner)
	require.Equal(t, "zhaoliu", f.rec.last(t, "/cgi-bin/externalcontact/groupchat/transfer").Body["new_owner"])

	_, err = f.ec.TransferGroupChats(ctx, make([]string, 101), "lisi")
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	_, err = f.ec.TransferGroupChats(ctx, []string{"wrA"}, "")
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
}
