package contact_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const linkedCorpID = "wwlinked0001"

// linkedCorp is a small linked corporation: 1 总部 → 2 研发 → 3 前端, and
// 4 销售 outside the scope, which is department 2 and member lisi.
func linkedCorp() wecomtest.LinkedCorp {
	return wecomtest.LinkedCorp{
		CorpID:   linkedCorpID,
		LinkedID: "lk01",
		Departments: []wecomtest.Department{
			{ID: 1, Name: "总部", Order: 1},
			{ID: 2, ParentID: 1, Name: "研发", Order: 3},
			{ID: 3, ParentID: 2, Name: "前端", Order: 2},
			{ID: 4, ParentID: 1, Name: "销售", Order: 1},
		},
		Members: []wecomtest.LinkedMember{
			{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zs@example.com", Position: "工程师", Department: []int64{2}},
			{UserID: "wangwu", Name: "王五", Department: []int64{3}},
			{UserID: "lisi", Name: "李四", Telephone: "010-1", Department: []int64{4}},
			{UserID: "zhaoliu", Name: "赵六", Department: []int64{4}},
		},
		ScopeDepartments: []int64{2},
		ScopeUsers:       []string{"lisi"},
	}
}

func TestLinkedCorporations(t *testing.T) {
	f := newFixture(t, 1, 1)
	f.srv.AddLinkedCorp(corpID, linkedCorp())
	ctx := context.Background()
	c := f.appC

	p, err := c.LinkedPermissions(ctx)
	require.NoError(t, err)
	require.Equal(t, &contact.LinkedPermissions{UserIDs: []string{linkedCorpID + "/lisi"}, DepartmentIDs: []string{"lk01/2"}}, p)

	u, err := c.LinkedUser(ctx, linkedCorpID+"/zhangsan")
	require.NoError(t, err)
	require.Equal(t, "zhangsan", u.UserID)
	require.Equal(t, linkedCorpID, u.CorpID)
	require.Equal(t, linkedCorpID+"/zhangsan", u.ID())
	require.Equal(t, "张三", u.Name)
	require.Equal(t, "13800000001", u.Mobile)
	require.Equal(t, "工程师", u.Position)
	require.Equal(t, []string{"lk01/2"}, u.Department)
	require.True(t, u.Known.Has(contact.FieldName|contact.FieldMobile|contact.FieldEmail|contact.FieldPosition|contact.FieldDepartment))

	u, err = c.LinkedUser(ctx, linkedCorpID+"/lisi")
	require.NoError(t, err, "a single member in the scope")
	require.Equal(t, "010-1", u.Telephone)
	require.Empty(t, u.Department, "department 4 is outside the scope")
	_, err = c.LinkedUser(ctx, linkedCorpID+"/zhaoliu")
	require.Equal(t, 60011, wecom.ErrorCode(err))
	_, err = c.LinkedUser(ctx, linkedCorpID+"/nobody")
	require.Equal(t, 60111, wecom.ErrorCode(err))
	_, err = c.LinkedUser(ctx, "zhangsan")
	require.ErrorIs(t, err, contact.ErrInvalidArgument, "not CORPID/USERID")

	us, err := c.LinkedSimpleUsers(ctx, "lk01/2")
	require.NoError(t, err)
	require.Len(t, us, 1)
	require.Equal(t, "张三", us[0].Name)
	require.False(t, us[0].Known.Has(contact.FieldMobile), "simplelist has names and departments only")
	us, err = c.LinkedSimpleUsers(ctx, "lk01/2", contact.Recursive())
	require.NoError(t, err)
	require.Equal(t, []string{"wangwu", "zhangsan"}, []string{us[0].UserID, us[1].UserID}, "fetch_child")
	full, err := c.LinkedUsers(ctx, "lk01/2")
	require.NoError(t, err)
	require.Len(t, full, 1)
	require.Equal(t, "zs@example.com", full[0].Email)
	_, err = c.LinkedUsers(ctx, "lk01/4")
	require.Equal(t, 60011, wecom.ErrorCode(err))
	_, err = c.LinkedUsers(ctx, "lk01/9")
	require.Equal(t, 60123, wecom.ErrorCode(err))
	_, err = c.LinkedUsers(ctx, "2")
	require.ErrorIs(t, err, contact.ErrInvalidArgument)

	ds, err := c.LinkedDepartments(ctx, "lk01/2")
	require.NoError(t, err)
	require.Equal(t, []contact.LinkedDepartment{
		{ID: "lk01/2", ParentID: "lk01/1", Name: "研发", Order: 3},
		{ID: "lk01/3", ParentID: "lk01/2", Name: "前端", Order: 2},
	}, ds)
	_, err = c.LinkedDepartments(ctx, "lk01/1")
	require.Equal(t, 60011, wecom.ErrorCode(err), "the root is outside the scope")

	// The contact-sync helper is not an app: the fake keeps it out.
	_, err = f.structureC.LinkedPermissions(ctx)
	require.Equal(t, 48002, wecom.ErrorCode(err))
}

func TestLinkedCorporationsNotForThirdPartyApps(t *testing.T) {
	srv, corp := thirdPartyClient(t, false, 1)
	srv.AddLinkedCorp(tpCorp, linkedCorp())
	_, err := contact.New(corp).LinkedPermissions(context.Background())
	require.Equal(t, 48002, wecom.ErrorCode(err))
}
