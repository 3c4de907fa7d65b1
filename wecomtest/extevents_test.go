package wecomtest_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// capture serves a callback sealed for receiveID and keeps the decrypted
// messages.
func capture(t *testing.T, receiveID string) (url string, got chan *crypto.Event) {
	t.Helper()
	const token, key = "cbtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	mc, err := crypto.New(token, key, receiveID)
	require.NoError(t, err)
	got = make(chan *crypto.Event, 8)
	cb := httptest.NewServer(crypto.NewHandler(mc, crypto.HandlerFunc(func(_ context.Context, ev *crypto.Event) ([]byte, error) {
		got <- ev
		return nil, nil
	})))
	t.Cleanup(cb.Close)
	return cb.URL, got
}

// The three forms a customer-contact callback takes, as WeCom writes them.
func TestPushExternalContactEventForms(t *testing.T) {
	const token, key = "cbtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	srv := wecomtest.NewServer(wecomtest.WithSuite(wecomtest.Suite{ID: "wwsuite", Secret: "s", Token: token, EncodingAESKey: key}))
	defer srv.Close()
	ctx := context.Background()
	appURL, app := capture(t, "ww1")
	srv.SetAppCallback("ww1", 1000002, wecomtest.AppCallback{URL: appURL, Token: token, EncodingAESKey: key})
	dataURL, data := capture(t, "ww1")
	srv.SetDataURL("wwsuite", dataURL)
	cmdURL, cmd := capture(t, "wwsuite")
	srv.SetCommandURL("wwsuite", cmdURL)

	chat := wecomtest.ExternalContactEvent{Kind: externalcontact.KindChat, ChangeType: externalcontact.ChangeUpdate, ChatID: "wr1",
		UpdateDetail: "add_member", JoinScene: 3, MemChangeCnt: 2, MemChangeList: []string{"a", "b]]>c"}, LastMemVer: "v1", CurMemVer: "v2"}
	require.NoError(t, srv.PushExternalContactEvent(ctx, wecomtest.Target{CorpID: "ww1", AgentID: 1000002}, chat))
	ev := <-app
	require.Equal(t, "change_external_chat", ev.Event)
	require.Equal(t, "ww1", ev.ToUserName)
	require.Equal(t, "sys", ev.FromUserName)
	require.Equal(t, "event", ev.MsgType)
	require.Equal(t, "update", ev.ChangeType)
	raw := string(ev.Raw)
	for _, want := range []string{"<ChatId><![CDATA[wr1]]></ChatId>", "<JoinScene>3</JoinScene>", "<QuitScene>0</QuitScene>",
		"<MemChangeList><Item><![CDATA[a]]></Item>", "<LastMemVer><![CDATA[v1]]></LastMemVer>"} {
		require.Contains(t, raw, want)
	}
	typed, err := externalcontact.ParseEvent(ev)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b]]>c"}, typed.Chat.MemChangeList, "CDATA ends are escaped")

	add := wecomtest.ExternalContactEvent{ChangeType: externalcontact.ChangeAddCustomer, UserID: "u", ExternalUserID: "wm"}
	require.NoError(t, srv.PushExternalContactEvent(ctx, wecomtest.Target{CorpID: "ww1", SuiteID: "wwsuite", Data: true}, add))
	ev = <-data
	require.Equal(t, "change_external_contact", ev.Event)
	require.Equal(t, "ww1", ev.ReceiveID)
	require.NotContains(t, string(ev.Raw), "WelcomeCode", "empty optional fields are left out")

	require.NoError(t, srv.PushExternalContactEvent(ctx, wecomtest.Target{CorpID: "ww1", SuiteID: "wwsuite"}, add))
	ev = <-cmd
	require.Equal(t, "change_external_contact", ev.InfoType)
	require.Equal(t, "wwsuite", ev.SuiteID)
	require.Equal(t, "ww1", ev.AuthCorpID)
	require.NotZero(t, ev.TimeStamp)
	require.Empty(t, ev.Event)

	require.ErrorIs(t, srv.PushExternalContactEvent(ctx, wecomtest.Target{CorpID: "ww1"}, add), wecomtest.ErrNoTarget)
	require.Error(t, srv.PushExternalContactEvent(ctx, wecomtest.Target{AgentID: 1}, add), "no corp")
	require.Error(t, srv.PushExternalContactEvent(ctx, wecomtest.Target{CorpID: "ww1", AgentID: 9}, add), "no callback set")
}

func TestGenerateAndRemoveCustomers(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww1", wecomtest.App{AgentID: 1000002, Secret: "s"}))
	defer srv.Close()
	users := srv.GenerateCustomers("ww1", 3, 2)
	require.Equal(t, []string{"u0000", "u0001", "u0002"}, users)
	c, _, ok := srv.CustomerOf("ww1", "u0001", "wm0001-0001")
	require.True(t, ok)
	require.Equal(t, "备注", c.Remark)

	client, err := wecom.New("ww1", "s", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ec := externalcontact.New(client)
	ctx := context.Background()
	ids, err := ec.Customers(ctx, "u0002")
	require.NoError(t, err)
	require.Equal(t, []string{"wm0002-0000", "wm0002-0001"}, ids)

	require.True(t, srv.RemoveCustomer("ww1", "u0002", "wm0002-0000"))
	require.False(t, srv.RemoveCustomer("ww1", "u0002", "wm0002-0000"), "already gone")
	require.True(t, srv.RemoveCustomer("ww1", "u0002", "wm0002-0001"))
	_, err = ec.Customer(ctx, "wm0002-0001")
	require.Equal(t, 40096, wecom.ErrorCode(err), "a customer without followers is forgotten")
	members, err := ec.FollowUsers(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"u0000", "u0001"}, members, "a member without customers is no follow user")
	n := 0
	for row, err := range ec.CustomersOf(ctx, []string{"u0000", "u0001", "u0002"}) {
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(row.Customer.ExternalUserID, "wm000"))
		n++
	}
	require.Equal(t, 4, n)
}
