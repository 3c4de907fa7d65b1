package contact_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestInvite(t *testing.T) {
	f := newFixture(t, 3, 10)
	ctx := context.Background()
	tag, err := f.appC.CreateTag(ctx, "invitees", 0)
	require.NoError(t, err)

	res, err := f.appC.Invite(ctx, []string{"USER000001", "nobody"}, []int64{2, 99}, []int64{tag, 777})
	require.NoError(t, err)
	require.True(t, res.Partial())
	require.Equal(t, contact.InviteResult{InvalidUsers: []string{"nobody"}, InvalidParties: []int64{99}, InvalidTags: []int64{777}}, res)
	inv := f.srv.Invites(corpID)
	require.Len(t, inv, 1)
	require.Equal(t, []string{"user000001"}, inv[0].Users, "userids as stored")
	require.Equal(t, []int64{2}, inv[0].Parties)
	require.Equal(t, []int64{tag}, inv[0].Tags)

	res, err = f.appC.Invite(ctx, []string{"user000002"}, nil, nil)
	require.NoError(t, err)
	require.False(t, res.Partial())
	require.Len(t, f.srv.Invites(corpID), 2)

	// An app sees only its visible scope: the others are invalid.
	f.srv.SetVisibleScope(corpID, agentID, []int64{2}, nil)
	res, err = f.appC.Invite(ctx, nil, []int64{2, 3}, nil)
	require.NoError(t, err)
	require.Equal(t, []int64{3}, res.InvalidParties)

	for name, call := range map[string]func() error{
		"nobody":       func() error { _, err := f.appC.Invite(ctx, nil, nil, nil); return err },
		"empty userid": func() error { _, err := f.appC.Invite(ctx, []string{""}, nil, nil); return err },
		"1001 users": func() error {
			_, err := f.appC.Invite(ctx, make([]string, contact.MaxInviteUsers+1), nil, nil)
			return err
		},
		"101 parties": func() error { _, err := f.appC.Invite(ctx, nil, make([]int64, 101), nil); return err },
		"101 tags":    func() error { _, err := f.appC.Invite(ctx, nil, nil, make([]int64, 101)); return err },
	} {
		require.ErrorIs(t, call(), contact.ErrInvalidArgument, name)
	}
	require.Len(t, f.srv.Invites(corpID), 3)
}

func TestJoinQRCode(t *testing.T) {
	f := newFixture(t, 1, 1)
	ctx := context.Background()
	u, err := f.structureC.JoinQRCode(ctx, contact.QRSize399)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(u, "https://work.weixin.qq.com/wework_admin/genqrcode?action=join&vcode="), u)
	require.True(t, strings.HasSuffix(u, "&qr_size=2"), u)
	u, err = f.structureC.JoinQRCode(ctx, 0)
	require.NoError(t, err)
	require.Contains(t, u, "qr_size=")

	_, err = f.appC.JoinQRCode(ctx, contact.QRSize171)
	require.Equal(t, 48002, wecom.ErrorCode(err), "the contact-sync secret only (doc 91714)")
	_, err = f.structureC.JoinQRCode(ctx, 5)
	require.ErrorIs(t, err, contact.ErrInvalidArgument)
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/corp/get_join_qrcode"))
}

func TestActiveStat(t *testing.T) {
	f := newFixture(t, 2, 12)
	ctx := context.Background()
	cst := time.FixedZone("CST", 8*3600)
	today := time.Now().In(cst)
	yesterday := today.AddDate(0, 0, -1)
	f.srv.SetActiveCount(corpID, yesterday.Format(time.DateOnly), 7)

	n, err := f.structureC.ActiveStat(ctx, yesterday)
	require.NoError(t, err)
	require.Equal(t, 7, n)
	n, err = f.structureC.ActiveStat(ctx, today)
	require.NoError(t, err)
	require.Equal(t, 12, n, "a day without a set count: the directory's size")

	_, err = f.structureC.ActiveStat(ctx, today.AddDate(0, 0, -31))
	require.Equal(t, 40058, wecom.ErrorCode(err), "WeCom keeps 30 days")
	_, err = f.appC.ActiveStat(ctx, today)
	require.Equal(t, 48002, wecom.ErrorCode(err), "仅通讯录同步助手可调用 (doc 92714)")
	_, err = f.structureC.ActiveStat(ctx, time.Time{})
	require.ErrorIs(t, err, contact.ErrInvalidArgument)
}

func TestSimpleUsers(t *testing.T) {
	f := newFixture(t, 3, 9)
	ctx := context.Background()
	us, err := f.appC.SimpleUsers(ctx, 2)
	require.NoError(t, err)
	require.NotEmpty(t, us)
	for _, u := range us {
		require.Contains(t, u.Department, int64(2))
		require.Equal(t, "成员"+strings.TrimLeft(strings.TrimPrefix(u.UserID, "user"), "0"), u.Name)
		require.True(t, u.Known.Has(contact.FieldName|contact.FieldDepartment))
		require.False(t, u.Known.Has(contact.FieldPosition), "simplelist has no position")
		require.False(t, u.Known.Has(contact.FieldOpenUserID), "open_userid is for third-party apps")
	}
	_, err = f.structureC.SimpleUsers(ctx, 2)
	require.Equal(t, 48002, wecom.ErrorCode(err), "the contact-sync secret from a new IP (doc 96067)")
	_, err = f.appC.SimpleUsers(ctx, 99)
	require.Equal(t, 60123, wecom.ErrorCode(err))
	_, err = f.appC.SimpleUsers(ctx, 0)
	require.ErrorIs(t, err, contact.ErrInvalidArgument)
}

// A third-party app's token gets what WeCom gives third-party apps: the
// userid in place of a member's name and the id in place of a
// department's (docs 90196, 90200, 90201, 90208), no position, no
// sensitive fields, no name_en or leaders, and the open_userid.
func TestThirdPartyRules(t *testing.T) {
	_, corp := thirdPartyClient(t, false, 12)
	c := contact.New(corp)
	ctx := context.Background()

	ds, err := c.Departments(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ds, 3)
	for _, d := range ds {
		require.Equal(t, strconv.FormatInt(d.ID, 10), d.Name, "the id in place of the name")
		require.False(t, d.Known.Has(contact.FieldNameEn))
		require.False(t, d.Known.Has(contact.FieldLeaders))
		require.True(t, d.Known.Has(contact.FieldParentID|contact.FieldOrder))
	}
	d, err := c.Department(ctx, 2)
	require.NoError(t, err)
	require.Equal(t, "2", d.Name)

	u, err := c.User(ctx, "user000001")
	require.NoError(t, err)
	require.Equal(t, "user000001", u.Name)
	require.Equal(t, wecomtest.OpenUserID(tpCorp, "user000001"), u.OpenUserID)
	require.False(t, u.Known.Has(contact.FieldPosition))
	for _, f := range []contact.Field{contact.FieldMobile, contact.FieldEmail, contact.FieldGender, contact.FieldAvatar} {
		require.False(t, u.Known.Has(f), f.String())
	}

	us, err := c.UsersOfDepartment(ctx, 2)
	require.NoError(t, err)
	require.NotEmpty(t, us)
	for _, u := range us {
		require.Equal(t, u.UserID, u.Name)
		require.Equal(t, wecomtest.OpenUserID(tpCorp, u.UserID), u.OpenUserID)
		require.False(t, u.Known.Has(contact.FieldPosition))
	}
	ss, err := c.SimpleUsers(ctx, 2)
	require.NoError(t, err)
	require.Len(t, ss, len(us))
	for _, u := range ss {
		require.Equal(t, u.UserID, u.Name)
		require.Equal(t, wecomtest.OpenUserID(tpCorp, u.UserID), u.OpenUserID)
	}
}
