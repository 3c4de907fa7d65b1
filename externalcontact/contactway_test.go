package externalcontact_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// wayStart is the clock's start in the tests of this slice: a Tuesday
// noon, China time.
var wayStart = time.Date(2026, 3, 10, 12, 0, 0, 0, time.FixedZone("CST", 8*3600))

type wayFixture struct {
	srv   *wecomtest.Server
	ec    *externalcontact.Client
	clock *wecomtest.Clock
}

func newWayFixture(t testing.TB) *wayFixture {
	t.Helper()
	clock := wecomtest.NewClock(wayStart)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL), wecom.WithClock(clock.Now))
	require.NoError(t, err)
	return &wayFixture{srv: srv, ec: externalcontact.New(c), clock: clock}
}

// otherApp returns a client of a second app of the same corporation.
func (f *wayFixture) otherApp(t *testing.T) *externalcontact.Client {
	t.Helper()
	f.srv.AddApp(corpID, wecomtest.App{AgentID: agentID + 1, Secret: "other-secret"})
	c, err := wecom.New(corpID, "other-secret", wecom.WithAgentID(agentID+1), wecom.WithBaseURL(f.srv.URL), wecom.WithClock(f.clock.Now))
	require.NoError(t, err)
	return externalcontact.New(c)
}

func TestAddAndGetContactWay(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	no := false
	created, err := f.ec.AddContactWay(ctx, externalcontact.ContactWayConfig{Type: externalcontact.ContactWayMulti,
		Scene: externalcontact.SceneQRCode, Remark: "渠道客户", SkipVerify: &no, State: "expo2026",
		User: []string{"zhangsan", "lisi"}, Party: []int64{2, 3}, MarkSource: true})
	require.NoError(t, err)
	require.NotEmpty(t, created.ConfigID)
	require.True(t, strings.HasPrefix(created.QRCode, f.srv.URL+"/"), "a QR code URL on the fake's host: %s", created.QRCode)

	// What the fake saw.
	saw, ok := f.srv.ContactWay(corpID, created.ConfigID)
	require.True(t, ok)
	require.Equal(t, externalcontact.ContactWay{ConfigID: created.ConfigID, Type: 2, Scene: 2, Remark: "渠道客户",
		SkipVerify: false, State: "expo2026", QRCode: created.QRCode, User: []string{"zhangsan", "lisi"},
		Party: []int64{2, 3}, MarkSource: true}, saw)

	// The decoded answer.
	got, err := f.ec.ContactWay(ctx, created.ConfigID)
	require.NoError(t, err)
	require.Equal(t, saw, *got)

	// A mini program button has no QR code; skip_verify defaults to true;
	// a temporary chat gets WeCom's default lifetimes and keeps its
	// conclusions.
	mini, err := f.ec.AddContactWay(ctx, externalcontact.ContactWayConfig{Type: externalcontact.ContactWaySingle,
		Scene: externalcontact.SceneMiniProgram, Style: 1, User: []string{"zhangsan"}, IsTemp: true,
		Conclusions: &externalcontact.Conclusions{Text: &externalcontact.Text{Content: "再见"}}})
	require.NoError(t, err)
	require.Empty(t, mini.QRCode)
	got, err = f.ec.ContactWay(ctx, mini.ConfigID)
	require.NoError(t, err)
	require.True(t, got.SkipVerify)
	require.True(t, got.IsTemp)
	require.Equal(t, 7*24*3600, got.ExpiresIn)
	require.Equal(t, 24*3600, got.ChatExpiresIn)
	require.Equal(t, "再见", got.Conclusions.Text.Content)

	_, err = f.ec.ContactWay(ctx, "cw-none")
	require.Equal(t, 40058, wecom.ErrorCode(err))
	require.ErrorContains(t, err, "externalcontact: contact way cw-none")
}

func TestAddContactWayLimits(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	many := make([]string, externalcontact.MaxContactWayUsers+1)
	for i := range many {
		many[i] = fmt.Sprintf("u%03d", i)
	}
	for name, cfg := range map[string]externalcontact.ContactWayConfig{
		"no type":          {Scene: 2, User: []string{"a"}},
		"no scene":         {Type: 1, User: []string{"a"}},
		"single, two":      {Type: 1, Scene: 2, User: []string{"a", "b"}},
		"multi, nobody":    {Type: 2, Scene: 2},
		"too many members": {Type: 2, Scene: 2, User: many},
	} {
		_, err := f.ec.AddContactWay(ctx, cfg)
		require.ErrorIs(t, err, externalcontact.ErrInvalidArgument, name)
	}
	require.Zero(t, f.srv.Calls("/cgi-bin/externalcontact/add_contact_way"), "refused before any call")

	// The fake answers WeCom's codes to calls that skip the checks.
	post := func(body string) int {
		t.Helper()
		return rawPost(t, f.srv, "/cgi-bin/externalcontact/add_contact_way", body)
	}
	require.Equal(t, 41037, post(`{"scene":2,"user":["a"]}`), "missing contact way type")
	require.Equal(t, 40031, post(`{"type":1,"scene":2,"user":["a","b"]}`))
	require.Equal(t, 40032, post(`{"type":2,"scene":2,"user":[`+strings.Repeat(`"x",`, 100)+`"y"]}`))
	require.Equal(t, 40058, post(`{"type":2,"scene":2,"user":["a","b"],"is_temp":true}`), "a temporary chat is for one member")
	require.Equal(t, 40058, post(`{"type":1,"scene":2,"user":["a"],"state":"`+strings.Repeat("长", 31)+`"}`), "state: 30 characters")
	require.Equal(t, 40058, post(`{"type":1,"scene":3,"user":["a"]}`))
	require.Equal(t, 40058, post(`{"type":1,"scene":2,"user":["a"],"is_temp":true,"expires_in":1209601}`), "14 days at most")
}

func TestListContactWays(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	var want []string
	for i := range 1205 {
		w, err := f.ec.AddContactWay(ctx, externalcontact.ContactWayConfig{Type: 1, Scene: 2, User: []string{"zhangsan"}, State: fmt.Sprint(i)})
		require.NoError(t, err)
		want = append(want, w.ConfigID)
		if i == 1199 {
			f.clock.Advance(time.Hour)
		}
	}
	f.srv.ResetCalls()
	var got []string
	for id, err := range f.ec.ContactWays(ctx, time.Time{}, time.Time{}) {
		require.NoError(t, err)
		got = append(got, id)
	}
	require.Equal(t, want, got)
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/externalcontact/list_contact_way"), "1000 a page, the cursor followed")

	// A time span selects by creation.
	got = nil
	for id, err := range f.ec.ContactWays(ctx, wayStart.Add(30*time.Minute), wayStart.Add(2*time.Hour)) {
		require.NoError(t, err)
		got = append(got, id)
	}
	require.Equal(t, want[1200:], got)

	// Stopping early stops the calls.
	f.srv.ResetCalls()
	for range f.ec.ContactWays(ctx, time.Time{}, time.Time{}) {
		break
	}
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/externalcontact/list_contact_way"))

	f.srv.FailNext("/cgi-bin/externalcontact/list_contact_way", 1, 45009)
	for _, err := range f.ec.ContactWays(ctx, time.Time{}, time.Time{}) {
		require.Equal(t, 45009, wecom.ErrorCode(err))
	}
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/list_contact_way", `{"limit":1001}`))
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/list_contact_way", `{"cursor":"forged"}`))
}

func TestUpdateAndDeleteContactWay(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	w, err := f.ec.AddContactWay(ctx, externalcontact.ContactWayConfig{Type: 2, Scene: 2, Remark: "旧", State: "s1",
		User: []string{"zhangsan"}, Party: []int64{2}})
	require.NoError(t, err)

	remark, off := "新", false
	require.NoError(t, f.ec.UpdateContactWay(ctx, w.ConfigID, externalcontact.ContactWayUpdate{Remark: &remark,
		SkipVerify: &off, User: []string{"lisi", "wangwu"}}))
	saw, _ := f.srv.ContactWay(corpID, w.ConfigID)
	require.Equal(t, "新", saw.Remark)
	require.False(t, saw.SkipVerify)
	require.Equal(t, []string{"lisi", "wangwu"}, saw.User)
	require.Equal(t, []int64{2}, saw.Party, "a nil list is left")
	require.Equal(t, "s1", saw.State, "a nil field is left")
	require.Equal(t, w.QRCode, saw.QRCode, "the QR code stays")

	err = f.ec.UpdateContactWay(ctx, "cw-none", externalcontact.ContactWayUpdate{Remark: &remark})
	require.Equal(t, 40058, wecom.ErrorCode(err))
	require.ErrorIs(t, f.ec.UpdateContactWay(ctx, "", externalcontact.ContactWayUpdate{}), externalcontact.ErrInvalidArgument)

	require.NoError(t, f.ec.DeleteContactWay(ctx, w.ConfigID))
	_, ok := f.srv.ContactWay(corpID, w.ConfigID)
	require.False(t, ok)
	require.Equal(t, 40058, wecom.ErrorCode(f.ec.DeleteContactWay(ctx, w.ConfigID)), "deleted once")
	for range f.ec.ContactWays(ctx, time.Time{}, time.Time{}) {
		t.Fatal("a deleted contact way is not listed")
	}
}

// A customer who comes through a contact way carries its state.
func TestContactWayState(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	w, err := f.ec.AddContactWay(ctx, externalcontact.ContactWayConfig{Type: 2, Scene: 2, State: "expo", User: []string{"zhangsan", "lisi"}})
	require.NoError(t, err)
	u1, ok := f.srv.AddCustomerThroughContactWay(corpID, w.ConfigID, wecomtest.Customer{ExternalUserID: "wmA", Name: "甲"})
	require.True(t, ok)
	u2, _ := f.srv.AddCustomerThroughContactWay(corpID, w.ConfigID, wecomtest.Customer{ExternalUserID: "wmB", Name: "乙"})
	require.Equal(t, []string{"zhangsan", "lisi"}, []string{u1, u2}, "the members take turns")
	d, err := f.ec.Customer(ctx, "wmB")
	require.NoError(t, err)
	require.Equal(t, "lisi", d.FollowUsers[0].UserID)
	require.Equal(t, "expo", d.FollowUsers[0].State)
	require.Equal(t, 1, d.FollowUsers[0].AddWay, "scanned a QR code")
	_, ok = f.srv.AddCustomerThroughContactWay(corpID, "cw-none", wecomtest.Customer{ExternalUserID: "wmC"})
	require.False(t, ok)
}

func TestCloseTempChat(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	require.NoError(t, f.ec.CloseTempChat(ctx, "zhangsan", "wmA"))
	require.Equal(t, []wecomtest.TempChat{{UserID: "zhangsan", ExternalUserID: "wmA", Closed: wayStart}}, f.srv.ClosedTempChats(corpID))
	require.Equal(t, 84061, wecom.ErrorCode(f.ec.CloseTempChat(ctx, "lisi", "wmA")))
	require.Equal(t, 40096, wecom.ErrorCode(f.ec.CloseTempChat(ctx, "zhangsan", "wmX")))
	require.ErrorIs(t, f.ec.CloseTempChat(ctx, "", "wmA"), externalcontact.ErrInvalidArgument)
	require.Equal(t, 41035, rawPost(t, f.srv, "/cgi-bin/externalcontact/close_temp_chat", `{"userid":"zhangsan"}`))
}
