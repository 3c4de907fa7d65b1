package externalcontact_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID  = "ww-ec-corp"
	agentID = 1000002
	secret  = "ec-app-secret"
)

type fixture struct {
	srv *wecomtest.Server
	ec  *externalcontact.Client
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}))
	t.Cleanup(srv.Close)
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return &fixture{srv: srv, ec: externalcontact.New(c)}
}

func TestCustomersAndCustomer(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	users, err := f.ec.FollowUsers(ctx)
	require.NoError(t, err)
	require.Empty(t, users)

	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Type: externalcontact.TypeWeCom,
		Gender: 1, CorpName: "腾讯", CorpFullName: "腾讯科技有限公司", Position: "Manager", Remark: "李部长", AddWay: 1, State: "qr1"})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "王五", Type: externalcontact.TypeWeChat, UnionID: "ozU"})
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Type: externalcontact.TypeWeCom, Remark: "老李"})

	users, err = f.ec.FollowUsers(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"zhangsan", "lisi"}, users)

	ids, err := f.ec.Customers(ctx, "zhangsan")
	require.NoError(t, err)
	require.Equal(t, []string{"wmA", "wmB"}, ids)

	_, err = f.ec.Customers(ctx, "wangwu")
	require.Equal(t, 84061, wecom.ErrorCode(err), "a member without customers")
	require.ErrorContains(t, err, "externalcontact: customers of wangwu")

	d, err := f.ec.Customer(ctx, "wmA")
	require.NoError(t, err)
	require.Equal(t, externalcontact.Customer{ExternalUserID: "wmA", Name: "李四", Type: 2, Gender: 1, CorpName: "腾讯",
		CorpFullName: "腾讯科技有限公司", Position: "Manager"}, d.Customer)
	require.Len(t, d.FollowUsers, 2)
	require.Equal(t, "zhangsan", d.FollowUsers[0].UserID)
	require.Equal(t, "李部长", d.FollowUsers[0].Remark)
	require.Equal(t, "qr1", d.FollowUsers[0].State)
	require.Equal(t, 1, d.FollowUsers[0].AddWay)
	require.False(t, d.FollowUsers[0].Added().IsZero())
	require.Equal(t, "老李", d.FollowUsers[1].Remark)

	d, err = f.ec.Customer(ctx, "wmB")
	require.NoError(t, err)
	require.Equal(t, "ozU", d.Customer.UnionID)

	_, err = f.ec.Customer(ctx, "wm-nobody")
	require.Equal(t, 40096, wecom.ErrorCode(err))
}

func TestCustomerFollowsCursor(t *testing.T) {
	f := newFixture(t)
	for i := range 1203 {
		f.srv.AddCustomer(corpID, fmt.Sprintf("u%04d", i), wecomtest.Customer{ExternalUserID: "wmMany", Name: "众人"})
	}
	d, err := f.ec.Customer(context.Background(), "wmMany")
	require.NoError(t, err)
	require.Len(t, d.FollowUsers, 1203)
	require.Equal(t, "u1202", d.FollowUsers[1202].UserID)
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/externalcontact/get"), "500 followers an answer")
}

func TestCustomersOfPages(t *testing.T) {
	f := newFixture(t)
	var users []string
	want := 0
	for i := range 250 {
		u := fmt.Sprintf("user%03d", i)
		users = append(users, u)
		for j := range 1 + i%3 {
			f.srv.AddCustomer(corpID, u, wecomtest.Customer{ExternalUserID: fmt.Sprintf("wm%03d-%d", i, j), Name: "客户"})
			want++
		}
	}
	var got []externalcontact.CustomerDetail
	for d, err := range f.ec.CustomersOf(context.Background(), users) {
		require.NoError(t, err)
		got = append(got, d)
	}
	require.Len(t, got, want)
	require.Equal(t, "wm000-0", got[0].Customer.ExternalUserID)
	require.Equal(t, "user000", got[0].FollowUsers[0].UserID)
	last := got[len(got)-1]
	require.Equal(t, "wm249-0", last.Customer.ExternalUserID)
	require.Equal(t, "user249", last.FollowUsers[0].UserID)
	// 3 chunks of userids (100, 100, 50), each with >100 rows: >1 page each.
	require.Greater(t, f.srv.Calls("/cgi-bin/externalcontact/batch/get_by_user"), 3)

	// Stopping early stops the calls.
	calls := f.srv.Calls("/cgi-bin/externalcontact/batch/get_by_user")
	for range f.ec.CustomersOf(context.Background(), users) {
		break
	}
	require.Equal(t, calls+1, f.srv.Calls("/cgi-bin/externalcontact/batch/get_by_user"))

	for _, err := range f.ec.CustomersOf(context.Background(), nil) {
		require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	}
	for _, err := range f.ec.CustomersOf(context.Background(), []string{"a", ""}) {
		require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	}
}

func TestRemark(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Remark: "旧", Description: "留着",
		RemarkMobiles: []string{"13800000001"}})
	r := "新备注"
	require.NoError(t, f.ec.Remark(ctx, "zhangsan", "wmA", externalcontact.RemarkUpdate{Remark: &r}))
	c, _, ok := f.srv.CustomerOf(corpID, "zhangsan", "wmA")
	require.True(t, ok)
	require.Equal(t, "新备注", c.Remark)
	require.Equal(t, "留着", c.Description, "a nil field is left as it is")
	require.Equal(t, []string{"13800000001"}, c.RemarkMobiles)

	require.NoError(t, f.ec.Remark(ctx, "zhangsan", "wmA", externalcontact.RemarkUpdate{RemarkMobiles: []string{}}))
	c, _, _ = f.srv.CustomerOf(corpID, "zhangsan", "wmA")
	require.Empty(t, c.RemarkMobiles, "an empty slice clears")
	require.Equal(t, 0, rawPost(t, f.srv, "/cgi-bin/externalcontact/remark", `{"userid":"zhangsan","external_userid":"wmA","remark_mobiles":["139"]}`))
	require.Equal(t, 0, rawPost(t, f.srv, "/cgi-bin/externalcontact/remark", `{"userid":"zhangsan","external_userid":"wmA","remark_mobiles":[]}`))
	c, _, _ = f.srv.CustomerOf(corpID, "zhangsan", "wmA")
	require.Equal(t, []string{"139"}, c.RemarkMobiles, "the fake clears on [\"\"] only, as WeCom's page says")

	err := f.ec.Remark(ctx, "lisi", "wmA", externalcontact.RemarkUpdate{Remark: &r})
	require.Equal(t, 84061, wecom.ErrorCode(err))
	require.ErrorContains(t, err, "externalcontact: remark wmA for lisi")
	require.Equal(t, 40096, wecom.ErrorCode(f.ec.Remark(ctx, "zhangsan", "wmX", externalcontact.RemarkUpdate{Remark: &r})))
	require.ErrorIs(t, f.ec.Remark(ctx, "", "wmA", externalcontact.RemarkUpdate{}), externalcontact.ErrInvalidArgument)
	require.ErrorIs(t, f.ec.Remark(ctx, "zhangsan", "", externalcontact.RemarkUpdate{}), externalcontact.ErrInvalidArgument)
}

func TestCorpTags(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()

	g, err := f.ec.AddCorpTags(ctx, externalcontact.NewTags{GroupName: "等级", Order: 2,
		Tags: []externalcontact.NewTag{{Name: "金牌", Order: 1}, {Name: "银牌"}}})
	require.NoError(t, err)
	require.Equal(t, "等级", g.GroupName)
	require.Len(t, g.Tags, 2)
	gold, silver := g.Tags[0].ID, g.Tags[1].ID
	require.NotEmpty(t, gold)

	g2, err := f.ec.AddCorpTags(ctx, externalcontact.NewTags{GroupID: g.GroupID, Tags: []externalcontact.NewTag{{Name: "铜牌"}}})
	require.NoError(t, err)
	require.Len(t, g2.Tags, 1, "the answer holds the new tags")
	bronze := g2.Tags[0].ID
	_, err = f.ec.AddCorpTags(ctx, externalcontact.NewTags{GroupID: g.GroupID, Tags: []externalcontact.NewTag{{Name: "铜牌"}}})
	require.Equal(t, 40071, wecom.ErrorCode(err))
	_, err = f.ec.AddCorpTags(ctx, externalcontact.NewTags{GroupID: "etNone", Tags: []externalcontact.NewTag{{Name: "x"}}})
	require.Equal(t, 40068, wecom.ErrorCode(err))
	_, err = f.ec.AddCorpTags(ctx, externalcontact.NewTags{GroupName: "x"})
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)

	other, err := f.ec.AddCorpTags(ctx, externalcontact.NewTags{GroupName: "来源", Tags: []externalcontact.NewTag{{Name: "展会"}}})
	require.NoError(t, err)

	all, err := f.ec.CorpTags(ctx, nil, nil)
	require.NoError(t, err)
	require.Len(t, all, 2)
	require.Len(t, all[0].Tags, 3)
	some, err := f.ec.CorpTags(ctx, []string{silver}, nil)
	require.NoError(t, err)
	require.Len(t, some, 1)
	require.Equal(t, []string{"银牌"}, []string{some[0].Tags[0].Name})
	some, err = f.ec.CorpTags(ctx, []string{silver}, []string{other.GroupID})
	require.NoError(t, err)
	require.Len(t, some, 1, "tag ids are ignored with group ids")
	require.Equal(t, "来源", some[0].GroupName)

	order := uint32(9)
	require.NoError(t, f.ec.EditCorpTag(ctx, gold, externalcontact.TagEdit{Name: "钻石", Order: &order}))
	require.NoError(t, f.ec.EditCorpTag(ctx, g.GroupID, externalcontact.TagEdit{Name: "客户等级"}))
	groups := f.srv.CorpTagGroups(corpID)
	require.Equal(t, "客户等级", groups[0].Name)
	require.Equal(t, "钻石", groups[0].Tags[0].Name)
	require.Equal(t, uint32(9), groups[0].Tags[0].Order)
	require.Equal(t, 40068, wecom.ErrorCode(f.ec.EditCorpTag(ctx, "etNone", externalcontact.TagEdit{Name: "x"})))
	require.ErrorIs(t, f.ec.EditCorpTag(ctx, gold, externalcontact.TagEdit{}), externalcontact.ErrInvalidArgument)

	// Marks.
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	require.NoError(t, f.ec.MarkTags(ctx, "zhangsan", "wmA", []string{gold, silver}, nil))
	require.NoError(t, f.ec.MarkTags(ctx, "zhangsan", "wmA", []string{bronze}, []string{silver}))
	_, tags, _ := f.srv.CustomerOf(corpID, "zhangsan", "wmA")
	require.Equal(t, []string{gold, bronze}, tags)
	d, err := f.ec.Customer(ctx, "wmA")
	require.NoError(t, err)
	require.Equal(t, "钻石", d.FollowUsers[0].Tags[0].TagName)
	require.Equal(t, "客户等级", d.FollowUsers[0].Tags[0].GroupName)
	for row, err := range f.ec.CustomersOf(ctx, []string{"zhangsan"}) {
		require.NoError(t, err)
		require.Equal(t, []string{gold, bronze}, row.FollowUsers[0].TagIDs)
	}
	require.Equal(t, 84061, wecom.ErrorCode(f.ec.MarkTags(ctx, "lisi", "wmA", []string{gold}, nil)))
	require.Equal(t, 40096, wecom.ErrorCode(f.ec.MarkTags(ctx, "zhangsan", "wmX", []string{gold}, nil)))
	require.Equal(t, 40068, wecom.ErrorCode(f.ec.MarkTags(ctx, "zhangsan", "wmA", []string{"etNone"}, nil)))
	require.ErrorIs(t, f.ec.MarkTags(ctx, "zhangsan", "wmA", nil, nil), externalcontact.ErrInvalidArgument)

	// Deletes: a tag, then a whole group; marks of deleted tags go.
	require.NoError(t, f.ec.DeleteCorpTags(ctx, []string{bronze}, nil))
	_, tags, _ = f.srv.CustomerOf(corpID, "zhangsan", "wmA")
	require.Equal(t, []string{gold}, tags)
	require.NoError(t, f.ec.DeleteCorpTags(ctx, nil, []string{g.GroupID}))
	all, err = f.ec.CorpTags(ctx, nil, nil)
	require.NoError(t, err)
	require.Len(t, all, 1)
	_, tags, _ = f.srv.CustomerOf(corpID, "zhangsan", "wmA")
	require.Empty(t, tags)
	require.Equal(t, 40068, wecom.ErrorCode(f.ec.DeleteCorpTags(ctx, []string{gold}, nil)))
	require.ErrorIs(t, f.ec.DeleteCorpTags(ctx, nil, nil), externalcontact.ErrInvalidArgument)
}

func TestInvalidArguments(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.ec.Customers(ctx, "")
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	_, err = f.ec.Customer(ctx, "")
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	require.Zero(t, f.srv.Calls("/cgi-bin/externalcontact/list")+f.srv.Calls("/cgi-bin/externalcontact/get"))
}

func TestEndpointDeclarations(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range externalcontact.Endpoints() {
		require.NoError(t, e.Check(), e.Path)
		require.False(t, seen[e.Path], "declared twice: %s", e.Path)
		seen[e.Path] = true
	}
	require.Len(t, seen, len(externalcontact.Endpoints()), "no path declared twice")
}
