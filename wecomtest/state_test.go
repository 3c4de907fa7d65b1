package wecomtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// getJSON calls the fake's API and decodes its answer.
func getJSON(t testing.TB, method, u string, body any) map[string]any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, u, rd)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return out
}

// stateServer builds a server with something of every kind SaveState
// keeps: an app, the contact-sync secret, a directory, a suite with a
// ticket and an install exchanged for a permanent code, a provider,
// callbacks and customers.
func stateServer(t testing.TB, clock *wecomtest.Clock) (srv *wecomtest.Server, permanentCode string) {
	t.Helper()
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "success") }))
	t.Cleanup(ok.Close)
	srv = wecomtest.NewServer(wecomtest.WithClock(clock.Now),
		wecomtest.WithApp("wwstate", wecomtest.App{AgentID: 1000002, Secret: "app-secret", Legacy: true}),
		wecomtest.WithContactSyncSecret("wwstate", "contact-secret"),
		wecomtest.WithSuite(wecomtest.Suite{ID: suiteID, Secret: "suite-secret", Token: suiteToken, EncodingAESKey: suiteKey, CommandURL: ok.URL, Name: "Kept"}),
		wecomtest.WithProvider("wwprovider", "provider-secret"))
	t.Cleanup(srv.Close)
	srv.AddDepartment("wwstate", wecomtest.Department{ID: 1, Name: "Root", Leaders: []string{"zhangsan"}})
	srv.AddDepartment("wwstate", wecomtest.Department{ID: 2, ParentID: 1, Name: "Sales", Order: 5})
	srv.AddMember("wwstate", wecomtest.Member{UserID: "ZhangSan", Name: "张三", Mobile: "13800000000", Department: []int64{1, 2}})
	srv.AddMember("wwstate", wecomtest.Member{UserID: "lisi", Name: "李四", Department: []int64{2}})
	srv.SetVisibleScope("wwstate", 1000002, []int64{2}, []string{"ZhangSan"})
	srv.SetAppCallback("wwstate", 1000002, wecomtest.AppCallback{URL: ok.URL, Token: "t", EncodingAESKey: suiteKey})
	srv.SetDataURL(suiteID, ok.URL+"/data")
	srv.SetInstallCorp(suiteID, authCorp)
	srv.AddCustomer("wwstate", "ZhangSan", wecomtest.Customer{ExternalUserID: "wmcust1", Name: "客户", Type: 1, Remark: "r1", RemarkMobiles: []string{"1"}})
	srv.AddCustomer("wwstate", "lisi", wecomtest.Customer{ExternalUserID: "wmcust1", Name: "客户", Type: 1, Remark: "r2"})

	ctx := context.Background()
	ticket, err := srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	authCode, err := srv.InstallQR(ctx, suiteID, authCorp, "st")
	require.NoError(t, err)
	tok := suiteAccessToken(t, srv, ticket)
	out := getJSON(t, http.MethodPost, srv.URL+"/cgi-bin/service/v2/get_permanent_code?suite_access_token="+tok, map[string]string{"auth_code": authCode})
	require.EqualValues(t, 0, out["errcode"], out)
	srv.NewAuthCode(suiteID, "wwother", "pending") // an unspent code of another install
	return srv, out["permanent_code"].(string)
}

func suiteAccessToken(t testing.TB, srv *wecomtest.Server, ticket string) string {
	t.Helper()
	out := getJSON(t, http.MethodPost, srv.URL+"/cgi-bin/service/get_suite_token",
		map[string]string{"suite_id": suiteID, "suite_secret": "suite-secret", "suite_ticket": ticket})
	require.NotEmpty(t, out["suite_access_token"], out)
	return out["suite_access_token"].(string)
}

func TestStateRoundTrip(t *testing.T) {
	clock := wecomtest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	old, pmc := stateServer(t, clock)
	var first bytes.Buffer
	require.NoError(t, old.SaveState(&first))
	require.NotContains(t, first.String(), "access_token", "issued tokens are not kept")

	fresh := wecomtest.NewServer(wecomtest.WithClock(clock.Now))
	t.Cleanup(fresh.Close)
	require.NoError(t, fresh.LoadState(bytes.NewReader(first.Bytes())))
	var second bytes.Buffer
	require.NoError(t, fresh.SaveState(&second))
	require.JSONEq(t, first.String(), second.String(), "a loaded state saves as it was loaded")

	// What a client relies on works on the new server: the app's secret…
	out := getJSON(t, http.MethodGet, fresh.URL+"/cgi-bin/gettoken?"+url.Values{"corpid": {"wwstate"}, "corpsecret": {"app-secret"}}.Encode(), nil)
	require.EqualValues(t, 0, out["errcode"], out)
	appTok := out["access_token"].(string)
	// …its visible scope and the directory (a legacy app sees the mobile)…
	out = getJSON(t, http.MethodGet, fresh.URL+"/cgi-bin/user/get?access_token="+appTok+"&userid=zhangsan", nil)
	require.EqualValues(t, 0, out["errcode"], out)
	require.Equal(t, "13800000000", out["mobile"])
	require.Equal(t, []wecomtest.Department{
		{ID: 1, Name: "Root", Leaders: []string{"zhangsan"}},
		{ID: 2, ParentID: 1, Name: "Sales", Order: 5},
	}, fresh.Departments("wwstate"))
	// …the contact-sync secret…
	out = getJSON(t, http.MethodGet, fresh.URL+"/cgi-bin/gettoken?"+url.Values{"corpid": {"wwstate"}, "corpsecret": {"contact-secret"}}.Encode(), nil)
	require.EqualValues(t, 0, out["errcode"], out)
	// …the suite's ticket and the install's permanent code…
	tickets := old.SuiteTickets(suiteID)
	require.Equal(t, tickets, fresh.SuiteTickets(suiteID))
	tok := suiteAccessToken(t, fresh, tickets[0])
	out = getJSON(t, http.MethodPost, fresh.URL+"/cgi-bin/service/get_corp_token?suite_access_token="+tok,
		map[string]string{"auth_corpid": authCorp, "permanent_code": pmc})
	require.NotEmpty(t, out["access_token"], out)
	require.Equal(t, pmc, fresh.PermanentCode(suiteID, authCorp))
	require.Equal(t, old.SuiteAgentID(suiteID, authCorp), fresh.SuiteAgentID(suiteID, authCorp))
	// …the provider…
	out = getJSON(t, http.MethodPost, fresh.URL+"/cgi-bin/service/get_provider_token",
		map[string]string{"corpid": "wwprovider", "provider_secret": "provider-secret"})
	require.NotEmpty(t, out["provider_access_token"], out)
	// …and the customers with each follower's side.
	c, _, ok := fresh.CustomerOf("wwstate", "lisi", "wmcust1")
	require.True(t, ok)
	require.Equal(t, "r2", c.Remark)
	c, _, ok = fresh.CustomerOf("wwstate", "ZhangSan", "wmcust1")
	require.True(t, ok)
	require.Equal(t, []string{"1"}, c.RemarkMobiles)

	// Tokens of the old server are not kept: a client fetches new ones.
	out = getJSON(t, http.MethodGet, old.URL+"/cgi-bin/gettoken?"+url.Values{"corpid": {"wwstate"}, "corpsecret": {"app-secret"}}.Encode(), nil)
	out = getJSON(t, http.MethodGet, fresh.URL+"/cgi-bin/user/get?access_token="+out["access_token"].(string)+"&userid=zhangsan", nil)
	require.EqualValues(t, 40014, out["errcode"])
}

func TestLoadStateRefusesBadDocuments(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp("wwkeep", wecomtest.App{AgentID: 1, Secret: "s"}))
	t.Cleanup(srv.Close)
	for name, doc := range map[string]string{
		"not JSON":          `{"version":1,`,
		"other version":     `{"version":2}`,
		"unknown field":     `{"version":1,"tokens":[]}`,
		"repeated corp":     `{"version":1,"corps":[{"id":"a"},{"id":"a"}]}`,
		"install of nobody": `{"version":1,"installs":[{"suite_id":"x","corp_id":"y","agentid":1}]}`,
		"install in a directory": `{"version":1,"corps":[{"id":"y","directory_only":true}],"suites":[{"suite":{"ID":"x"}}],` +
			`"installs":[{"suite_id":"x","corp_id":"y","agentid":1}]}`,
	} {
		require.Error(t, srv.LoadState(strings.NewReader(doc)), name)
	}
	// Nothing changed.
	out := getJSON(t, http.MethodGet, srv.URL+"/cgi-bin/gettoken?corpid=wwkeep&corpsecret=s", nil)
	require.EqualValues(t, 0, out["errcode"], out)
}

// Whatever a state file holds, LoadState refuses it or loads a state that
// saves and loads again unchanged; it never panics.
func FuzzLoadState(f *testing.F) {
	clock := wecomtest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	srv, _ := stateServer(f, clock)
	var doc bytes.Buffer
	if err := srv.SaveState(&doc); err != nil {
		f.Fatal(err)
	}
	f.Add(doc.Bytes())
	f.Add([]byte(`{"version":1,"corps":[{"id":"a","directory_only":true,"members":[{"UserID":"x"}]}]}`))
	// Two servers for every input: LoadState replaces what it keeps.
	s := wecomtest.NewServer(wecomtest.WithClock(clock.Now))
	f.Cleanup(s.Close)
	again := wecomtest.NewServer(wecomtest.WithClock(clock.Now))
	f.Cleanup(again.Close)
	f.Fuzz(func(t *testing.T, b []byte) {
		if s.LoadState(bytes.NewReader(b)) != nil {
			return
		}
		var first, second bytes.Buffer
		require.NoError(t, s.SaveState(&first))
		require.NoError(t, again.LoadState(bytes.NewReader(first.Bytes())))
		require.NoError(t, again.SaveState(&second))
		require.JSONEq(t, first.String(), second.String())
	})
}

func BenchmarkSaveState(b *testing.B) {
	srv := wecomtest.NewServer(wecomtest.WithApp("wwbench", wecomtest.App{AgentID: 1, Secret: "s"}))
	defer srv.Close()
	srv.AddDepartment("wwbench", wecomtest.Department{ID: 1, Name: "Root"})
	for i := 0; i < 1000; i++ {
		id := "user" + strconv.Itoa(i)
		srv.AddMember("wwbench", wecomtest.Member{UserID: id, Name: id, Department: []int64{1}})
		srv.AddCustomer("wwbench", id, wecomtest.Customer{ExternalUserID: "wm" + strconv.Itoa(i%100), Name: "c", Type: 1})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := srv.SaveState(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
