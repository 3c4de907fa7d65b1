package wecomtest_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// The state document keeps kf accounts and their receptionists: a fake
// restarted from it answers the same open_kfid, and a customer can write
// to it again.
func TestStateKeepsKFAccounts(t *testing.T) {
	clock := wecomtest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	old := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp("wwkf", wecomtest.App{AgentID: 1000002, Secret: "s"}))
	t.Cleanup(old.Close)
	sales := old.AddKFAccount("wwkf", "售前", "zhangsan", "lisi")
	after := old.AddKFAccount("wwkf", "售后")
	require.True(t, old.SetKFServicerStatus("wwkf", sales, "lisi", 1))
	old.CustomerWrites("wwkf", sales, "wmcust", "not kept")
	var doc bytes.Buffer
	require.NoError(t, old.SaveState(&doc))
	require.NotContains(t, doc.String(), "not kept", "messages are not kept")

	fresh := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp("wwkf", wecomtest.App{AgentID: 1000002, Secret: "s"}))
	t.Cleanup(fresh.Close)
	fresh.AddKFAccount("wwkf", "replaced")
	require.NoError(t, fresh.LoadState(bytes.NewReader(doc.Bytes())))
	require.Equal(t, []wecomtest.KFAccount{
		{OpenKfID: sales, Name: "售前", Servicers: []wecomtest.KFServicer{{UserID: "zhangsan"}, {UserID: "lisi", Status: 1}}},
		{OpenKfID: after, Name: "售后", Servicers: []wecomtest.KFServicer{}},
	}, fresh.KFAccounts("wwkf"), "the accounts loaded replace the server's")
	var again bytes.Buffer
	require.NoError(t, fresh.SaveState(&again))
	require.JSONEq(t, doc.String(), again.String())

	tok := getJSON(t, http.MethodGet, fresh.URL+"/cgi-bin/gettoken?corpid=wwkf&corpsecret=s", nil)["access_token"].(string)
	out := getJSON(t, http.MethodPost, fresh.URL+"/cgi-bin/kf/sync_msg?access_token="+tok, map[string]any{"open_kfid": sales})
	require.EqualValues(t, 0, out["errcode"], out)
	require.Empty(t, out["msg_list"], "the old server's messages are gone")
	fresh.CustomerWrites("wwkf", sales, "wmcust", "again")
	out = getJSON(t, http.MethodPost, fresh.URL+"/cgi-bin/kf/sync_msg?access_token="+tok, map[string]any{"open_kfid": sales})
	require.Len(t, out["msg_list"], 1, out)
	require.Nil(t, fresh.KFAccounts("wwnone"))

	for name, bad := range map[string]string{
		"repeated corp":      `{"version":1,"kf":[{"corp_id":"a","accounts":[]},{"corp_id":"a","accounts":[]}]}`,
		"repeated account":   `{"version":1,"kf":[{"corp_id":"a","accounts":[{"open_kfid":"x"},{"open_kfid":"x"}]}]}`,
		"account without id": `{"version":1,"kf":[{"corp_id":"a","accounts":[{"name":"n"}]}]}`,
	} {
		require.Error(t, fresh.LoadState(strings.NewReader(bad)), name)
	}
	require.Len(t, fresh.KFAccounts("wwkf"), 2, "a refused document changes nothing")
}
