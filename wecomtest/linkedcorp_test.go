package wecomtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

func postJSON(t *testing.T, srv *wecomtest.Server, path, token, body string) map[string]any {
	t.Helper()
	resp, err := srv.Client().Post(srv.URL+path+"?"+url.Values{"access_token": {token}}.Encode(), "application/json", bytes.NewBufferString(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	require.NoError(t, json.Unmarshal(raw, &out), string(raw))
	return out
}

func TestLinkedCorpModel(t *testing.T) {
	clock := wecomtest.NewClock(time.Date(2026, 3, 31, 20, 0, 0, 0, time.UTC)) // 2026-04-01 04:00 in China
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now),
		wecomtest.WithApp("wwc", wecomtest.App{AgentID: 1000002, Secret: "app"}),
		wecomtest.WithContactSyncSecret("wwc", "sync"))
	defer srv.Close()
	_, app, _ := get(t, srv, "/cgi-bin/gettoken", url.Values{"corpid": {"wwc"}, "corpsecret": {"app"}})
	_, sync, _ := get(t, srv, "/cgi-bin/gettoken", url.Values{"corpid": {"wwc"}, "corpsecret": {"sync"}})
	srv.AddMember("wwc", wecomtest.Member{UserID: "a"})

	// The declarations' required fields are checked before the model.
	require.Equal(t, 41009, errcode(postJSON(t, srv, "/cgi-bin/linkedcorp/user/get", app.AccessToken, `{}`)), "userid missing")
	require.NotEqual(t, 0, errcode(postJSON(t, srv, "/cgi-bin/user/get_active_stat", sync.AccessToken, `{}`)))

	// Active stat: days in China Standard Time, the last 30 of them.
	r := postJSON(t, srv, "/cgi-bin/user/get_active_stat", sync.AccessToken, `{"date":"2026-04-01"}`)
	require.Equal(t, 0, errcode(r), "today in China, though still March 31 in UTC")
	require.EqualValues(t, 1, r["active_cnt"])
	require.Equal(t, 40058, errcode(postJSON(t, srv, "/cgi-bin/user/get_active_stat", sync.AccessToken, `{"date":"2026-04-02"}`)))
	require.Equal(t, 40058, errcode(postJSON(t, srv, "/cgi-bin/user/get_active_stat", sync.AccessToken, `{"date":"2026/04/01"}`)))
	require.Equal(t, 0, errcode(postJSON(t, srv, "/cgi-bin/user/get_active_stat", sync.AccessToken, `{"date":"2026-03-02"}`)))
	require.Equal(t, 40058, errcode(postJSON(t, srv, "/cgi-bin/user/get_active_stat", sync.AccessToken, `{"date":"2026-03-01"}`)))

	// The join QR code's size_type.
	_, _, body := get(t, srv, "/cgi-bin/corp/get_join_qrcode", url.Values{"access_token": {sync.AccessToken}, "size_type": {"0"}})
	require.Contains(t, body, `"errcode":40058`)
	_, _, body = get(t, srv, "/cgi-bin/corp/get_join_qrcode", url.Values{"access_token": {sync.AccessToken}, "size_type": {"4"}})
	require.Contains(t, body, `qr_size=4`)

	// A linked corporation without an explicit scope: its root departments.
	srv.AddLinkedCorp("wwc", wecomtest.LinkedCorp{CorpID: "wwl",
		Departments: []wecomtest.Department{{ID: 1, Name: "总部"}, {ID: 2, ParentID: 1, Name: "研发"}},
		Members:     []wecomtest.LinkedMember{{UserID: "Zhang", Name: "张", Department: []int64{2}}}})
	r = postJSON(t, srv, "/cgi-bin/linkedcorp/agent/get_perm_list", app.AccessToken, `{}`)
	require.Equal(t, []any{"wwl/1"}, r["department_ids"], "LinkedID defaults to the corpid")
	require.Equal(t, []any{}, r["userids"])
	r = postJSON(t, srv, "/cgi-bin/linkedcorp/user/get", app.AccessToken, `{"userid":"wwl/zhang"}`)
	require.Equal(t, 0, errcode(r), "userids compare case-insensitively")
	require.Equal(t, "Zhang", r["user_info"].(map[string]any)["userid"])
	r = postJSON(t, srv, "/cgi-bin/linkedcorp/user/simplelist", app.AccessToken, `{"department_id":"wwl/1","fetch_child":true}`)
	require.Len(t, r["userlist"], 1)
	r = postJSON(t, srv, "/cgi-bin/linkedcorp/user/simplelist", app.AccessToken, `{"department_id":"wwl/1"}`)
	require.Len(t, r["userlist"], 0, "no fetch_child: members directly in the department")
}
