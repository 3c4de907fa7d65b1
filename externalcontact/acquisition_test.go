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

func TestAcquisitionLinks(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	r := externalcontact.AcquisitionRange{UserList: []string{"zhangsan", "lisi"}, DepartmentList: []int64{1}}
	l, err := f.ec.CreateAcquisitionLink(ctx, "春季活动", r, true)
	require.NoError(t, err)
	require.NotEmpty(t, l.LinkID)
	require.True(t, strings.HasPrefix(l.URL, f.srv.URL), l.URL)
	require.Equal(t, wayStart.Unix(), l.CreateTime)

	saw, ok := f.srv.AcquisitionLink(corpID, l.LinkID)
	require.True(t, ok)
	require.Equal(t, externalcontact.AcquisitionLink{LinkID: l.LinkID, LinkName: "春季活动", URL: l.URL, CreateTime: l.CreateTime,
		SkipVerify: true, Range: r}, saw)
	got, err := f.ec.AcquisitionLink(ctx, l.LinkID)
	require.NoError(t, err)
	require.Equal(t, saw, *got)

	off := false
	one := externalcontact.AcquisitionRange{UserList: []string{"wangwu"}}
	require.NoError(t, f.ec.UpdateAcquisitionLink(ctx, l.LinkID, externalcontact.AcquisitionLinkUpdate{Name: "夏季活动", Range: &one, SkipVerify: &off}))
	got, err = f.ec.AcquisitionLink(ctx, l.LinkID)
	require.NoError(t, err)
	require.Equal(t, "夏季活动", got.LinkName)
	require.Equal(t, one, got.Range)
	require.False(t, got.SkipVerify)

	// Links are the creating app's own.
	other := f.otherApp(t)
	_, err = other.AcquisitionLink(ctx, l.LinkID)
	require.Equal(t, 40058, wecom.ErrorCode(err))
	for range other.AcquisitionLinks(ctx) {
		t.Fatal("another app's links are not listed")
	}

	_, err = f.ec.CreateAcquisitionLink(ctx, "x", externalcontact.AcquisitionRange{}, true)
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/customer_acquisition/create_link", `{"link_name":"x","range":{"user_list":[]}}`))
	require.ErrorIs(t, f.ec.UpdateAcquisitionLink(ctx, l.LinkID, externalcontact.AcquisitionLinkUpdate{Range: &externalcontact.AcquisitionRange{}}),
		externalcontact.ErrInvalidArgument)
	// doc 97297: a range covers at most 500 members.
	many := externalcontact.AcquisitionRange{}
	for i := range externalcontact.MaxAcquisitionMembers + 1 {
		many.UserList = append(many.UserList, fmt.Sprintf("u%d", i))
	}
	_, err = f.ec.CreateAcquisitionLink(ctx, "x", many, true)
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	require.ErrorIs(t, f.ec.UpdateAcquisitionLink(ctx, l.LinkID, externalcontact.AcquisitionLinkUpdate{Range: &many}), externalcontact.ErrInvalidArgument)
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/customer_acquisition/create_link",
		`{"link_name":"x","range":{"user_list":["`+strings.Join(many.UserList, `","`)+`"]}}`))
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/customer_acquisition/update_link",
		`{"link_id":"`+l.LinkID+`","range":{"user_list":["`+strings.Join(many.UserList, `","`)+`"]}}`))

	require.NoError(t, f.ec.DeleteAcquisitionLink(ctx, l.LinkID))
	_, err = f.ec.AcquisitionLink(ctx, l.LinkID)
	require.Equal(t, 40058, wecom.ErrorCode(err))
	require.Equal(t, 40058, wecom.ErrorCode(f.ec.DeleteAcquisitionLink(ctx, l.LinkID)))
}

func TestAcquisitionLinksPages(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	var want []string
	for i := range 250 {
		l, err := f.ec.CreateAcquisitionLink(ctx, fmt.Sprint("link", i), externalcontact.AcquisitionRange{UserList: []string{"zhangsan"}}, true)
		require.NoError(t, err)
		want = append(want, l.LinkID)
	}
	var got []string
	for id, err := range f.ec.AcquisitionLinks(ctx) {
		require.NoError(t, err)
		got = append(got, id)
	}
	require.Equal(t, want, got)
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/externalcontact/customer_acquisition/list_link"), "100 a page")
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/customer_acquisition/list_link", `{"limit":101}`))
}

func TestAcquisitionCustomersQuotaAndStatistic(t *testing.T) {
	f := newWayFixture(t)
	ctx := context.Background()
	l, err := f.ec.CreateAcquisitionLink(ctx, "活动", externalcontact.AcquisitionRange{UserList: []string{"zhangsan", "lisi"}}, true)
	require.NoError(t, err)

	q, err := f.ec.AcquisitionQuota(ctx)
	require.NoError(t, err)
	require.Zero(t, q.Total)
	require.Zero(t, q.Balance)
	require.Empty(t, q.QuotaList)
	require.ErrorIs(t, f.srv.AddAcquisitionCustomer(corpID, l.LinkID, externalcontact.AcquisitionCustomer{ExternalUserID: "wm0", UserID: "zhangsan"}),
		wecomtest.ErrNoAcquisitionQuota, "no quota, no customer")

	soon, later := wayStart.Add(24*time.Hour), wayStart.Add(30*24*time.Hour)
	f.srv.AddAcquisitionQuota(corpID, 1000, later)
	f.srv.AddAcquisitionQuota(corpID, 2, soon)
	var want []externalcontact.AcquisitionCustomer
	for i := range 1001 {
		cu := externalcontact.AcquisitionCustomer{ExternalUserID: fmt.Sprintf("wm%04d", i), UserID: []string{"zhangsan", "lisi"}[i%2],
			ChatStatus: i % 3, State: "channel_a"}
		require.NoError(t, f.srv.AddAcquisitionCustomer(corpID, l.LinkID, cu))
		want = append(want, cu)
	}
	require.Error(t, f.srv.AddAcquisitionCustomer(corpID, l.LinkID, externalcontact.AcquisitionCustomer{ExternalUserID: "wmX", UserID: "wangwu"}),
		"wangwu is not in the link's range")
	require.NoError(t, f.srv.ClickAcquisitionLink(corpID, l.LinkID))

	var got []externalcontact.AcquisitionCustomer
	for cu, err := range f.ec.AcquisitionCustomers(ctx, l.LinkID) {
		require.NoError(t, err)
		got = append(got, cu)
	}
	require.Equal(t, want, got)
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/externalcontact/customer_acquisition/customer"), "1000 a page")

	// The grant that expires first is used first.
	q, err = f.ec.AcquisitionQuota(ctx)
	require.NoError(t, err)
	require.Equal(t, 1001, q.Total, "units used")
	require.Equal(t, 1, q.Balance)
	y, m, d := later.Date()
	require.Equal(t, []externalcontact.QuotaGrant{{ExpireDate: time.Date(y, m, d, 0, 0, 0, 0, later.Location()).Unix(), Balance: 1}}, q.QuotaList,
		"the midnight of the day it expires")

	st, err := f.ec.AcquisitionStatistic(ctx, l.LinkID, wayStart.Add(-time.Hour), wayStart.Add(time.Hour))
	require.NoError(t, err)
	require.Equal(t, externalcontact.AcquisitionStats{ClickLinkCustomerCnt: 1002, NewCustomerCnt: 1001}, *st)
	st, err = f.ec.AcquisitionStatistic(ctx, l.LinkID, wayStart.Add(11*time.Hour), wayStart.Add(11*time.Hour))
	require.NoError(t, err)
	require.Equal(t, externalcontact.AcquisitionStats{ClickLinkCustomerCnt: 1002, NewCustomerCnt: 1001}, *st, "whole days: 23:00 counts its day")
	st, err = f.ec.AcquisitionStatistic(ctx, l.LinkID, wayStart.Add(-24*time.Hour), wayStart.Add(-24*time.Hour))
	require.NoError(t, err)
	require.Equal(t, externalcontact.AcquisitionStats{}, *st, "the day before")
	_, err = f.ec.AcquisitionStatistic(ctx, l.LinkID, wayStart.Add(-31*24*time.Hour), wayStart)
	require.ErrorIs(t, err, externalcontact.ErrInvalidArgument)
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/customer_acquisition/statistic",
		fmt.Sprintf(`{"link_id":%q,"start_time":1,"end_time":%d}`, l.LinkID, wayStart.Unix())), "30 days at most")
	_, err = f.ec.AcquisitionStatistic(ctx, "none", wayStart.Add(-time.Hour), wayStart)
	require.Equal(t, 40058, wecom.ErrorCode(err))

	for _, err := range f.ec.AcquisitionCustomers(ctx, "none") {
		require.Equal(t, 40058, wecom.ErrorCode(err))
	}
	require.Equal(t, 40058, rawPost(t, f.srv, "/cgi-bin/externalcontact/customer_acquisition/customer",
		fmt.Sprintf(`{"link_id":%q,"limit":1001}`, l.LinkID)))

	// The last unit goes; then the link brings no one.
	require.NoError(t, f.srv.AddAcquisitionCustomer(corpID, l.LinkID, externalcontact.AcquisitionCustomer{ExternalUserID: "wmY", UserID: "lisi"}))
	require.ErrorIs(t, f.srv.AddAcquisitionCustomer(corpID, l.LinkID, externalcontact.AcquisitionCustomer{ExternalUserID: "wmZ", UserID: "lisi"}),
		wecomtest.ErrNoAcquisitionQuota)

	// Expired quota is no longer counted in the balance.
	f.srv.AddAcquisitionQuota(corpID, 5, soon)
	f.clock.Advance(31 * 24 * time.Hour)
	q, err = f.ec.AcquisitionQuota(ctx)
	require.NoError(t, err)
	require.Zero(t, q.Balance)
	require.Empty(t, q.QuotaList)
}
