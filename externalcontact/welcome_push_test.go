package externalcontact_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The welcome code AddCustomerAndPush pushes — given or minted — is one
// send_welcome_msg takes, once.
func TestAddCustomerAndPushWelcomeCode(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const cbToken, cbKey = "cbtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	codes := make(chan string, 2)
	r := externalcontact.NewEventRouter().OnAddCustomer(func(_ context.Context, ev *externalcontact.CustomerEvent) error {
		codes <- ev.WelcomeCode
		return nil
	})
	mc, err := crypto.New(cbToken, cbKey, corpID)
	require.NoError(t, err)
	cb := httptest.NewServer(crypto.NewHandler(mc, r))
	t.Cleanup(cb.Close)
	f.srv.SetAppCallback(corpID, agentID, wecomtest.AppCallback{URL: cb.URL, Token: cbToken, EncodingAESKey: cbKey})
	app := wecomtest.Target{CorpID: corpID, AgentID: agentID}

	require.NoError(t, f.srv.AddCustomerAndPush(ctx, app, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"}, "WC-GIVEN"))
	require.Equal(t, "WC-GIVEN", <-codes)
	require.NoError(t, f.srv.AddCustomerAndPush(ctx, app, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "王五"}, ""))
	minted := <-codes
	require.NotEmpty(t, minted)

	for _, code := range []string{"WC-GIVEN", minted} {
		require.NoError(t, f.ec.SendWelcome(ctx, code, externalcontact.WelcomeMessage{Text: "你好"}))
		require.Equal(t, 41051, wecom.ErrorCode(f.ec.SendWelcome(ctx, code, externalcontact.WelcomeMessage{Text: "again"})))
	}
	msgs := f.srv.WelcomeMessages(corpID)
	require.Len(t, msgs, 2)
	require.Equal(t, "wmA", msgs[0].ExternalUserID)
	require.Equal(t, "wmB", msgs[1].ExternalUserID)
}
