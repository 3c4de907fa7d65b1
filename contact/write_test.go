package contact_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The writes run against wecomtest's stateful model: each call is checked
// by what the fake then holds, and each errcode by the fake's answer.
// Departments of newFixture(t, 3, 0): 1 总部 (root), 2 and 3 under it.

func requireCode(t *testing.T, code int, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, wecom.ErrorCode(err), err.Error())
}

func member(t *testing.T, srv *wecomtest.Server, userID string) *wecomtest.Member {
	t.Helper()
	for _, m := range srv.Members(corpID) {
		if m.UserID == userID {
			return &m
		}
	}
	return nil
}

func TestCreateUser(t *testing.T) {
	f := newFixture(t, 3, 0)
	ctx := context.Background()
	c := f.appC

	u := &contact.UserInput{UserID: "zhangsan", Name: "张三", Mobile: "+86 13800000000", Department: []int64{2, 3},
		Position: "产品经理", Gender: "1", Email: "zhangsan@example.com", BizMail: "zhangsan@corp.example"}
	require.NoError(t, c.CreateUser(ctx, u))
	m := member(t, f.srv, "zhangsan")
	require.NotNil(t, m)
	require.Equal(t, wecomtest.Member{UserID: "zhangsan", Name: "张三", Mobile: "+86 13800000000", Email: "zhangsan@example.com",
		BizMail: "zhangsan@corp.example", Gender: "1", Position: "产品经理", Department: []int64{2, 3}}, *m)
	got, err := c.User(ctx, "zhangsan")
	require.NoError(t, err)
	require.Equal(t, "张三", got.Name)
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/user/create"))

	for name, tc := range map[string]struct {
		u    contact.UserInput
		code int
	}{
		"userid existed, any case": {contact.UserInput{UserID: "ZhangSan", Name: "x", Mobile: "1", Department: []int64{1}}, 60102},
		"mobile existed":           {contact.UserInput{UserID: "lisi", Name: "李四", Mobile: "+86 13800000000", Department: []int64{1}}, 60104},
		"email existed":            {contact.UserInput{UserID: "lisi", Name: "李四", Email: "ZHANGSAN@example.com", Department: []int64{1}}, 60106},
		"department not found":     {contact.UserInput{UserID: "lisi", Name: "李四", Mobile: "2", Department: []int64{1, 99}}, 60003},
		"neither mobile nor email": {contact.UserInput{UserID: "lisi", Name: "李四", Department: []int64{1}}, 60129},
	} {
		t.Run(name, func(t *testing.T) {
			err := c.CreateUser(ctx, &tc.u)
			requireCode(t, tc.code, err)
			require.Contains(t, err.Error(), fmt.Sprintf("contact: create user %q: ", tc.u.UserID))
		})
	}
	require.Nil(t, member(t, f.srv, "lisi"), "no failed create left a member behind")

	for _, bad := range []*contact.UserInput{
		nil, {Name: "x", Department: []int64{1}}, {UserID: "a", Department: []int64{1}}, {UserID: "a", Name: "x"},
		{UserID: "a", Name: "x", Department: make([]int64, 101)},
	} {
		require.ErrorIs(t, c.CreateUser(ctx, bad), contact.ErrInvalidArgument)
	}
	require.Equal(t, 6, f.srv.Calls("/cgi-bin/user/create"), "invalid arguments are not sent")
}

func TestUpdateUser(t *testing.T) {
	f := newFixture(t, 3, 0)
	ctx := context.Background()
	c := f.appC
	require.NoError(t, c.CreateUser(ctx, &contact.UserInput{UserID: "zhangsan", Name: "张三", Mobile: "1", Position: "工程师", Department: []int64{2}}))
	require.NoError(t, c.CreateUser(ctx, &contact.UserInput{UserID: "lisi", Name: "李四", Mobile: "2", Department: []int64{2}}))

	// Only the fields set change: mobile and position stay.
	require.NoError(t, c.UpdateUser(ctx, &contact.UserInput{UserID: "zhangsan", Name: "张三丰", Department: []int64{3, 1}}))
	m := member(t, f.srv, "zhangsan")
	require.Equal(t, "张三丰", m.Name)
	require.Equal(t, []int64{3, 1}, m.Department)
	require.Equal(t, "1", m.Mobile)
	require.Equal(t, "工程师", m.Position)

	requireCode(t, 60111, c.UpdateUser(ctx, &contact.UserInput{UserID: "wangwu", Name: "王五"}))
	requireCode(t, 60104, c.UpdateUser(ctx, &contact.UserInput{UserID: "zhangsan", Mobile: "2"}))
	requireCode(t, 60003, c.UpdateUser(ctx, &contact.UserInput{UserID: "zhangsan", Department: []int64{42}}))
	require.NoError(t, c.UpdateUser(ctx, &contact.UserInput{UserID: "zhangsan", Mobile: "1"}), "a member's own mobile is no clash")
	require.ErrorIs(t, c.UpdateUser(ctx, &contact.UserInput{Name: "x"}), contact.ErrInvalidArgument)
	require.ErrorIs(t, c.UpdateUser(ctx, nil), contact.ErrInvalidArgument)
}

func TestDeleteUsers(t *testing.T) {
	f := newFixture(t, 3, 5)
	ctx := context.Background()
	c := f.appC
	require.NoError(t, c.DeleteUser(ctx, "USER000001"))
	require.Nil(t, member(t, f.srv, "user000001"))
	err := c.DeleteUser(ctx, "user000001")
	requireCode(t, 60111, err)
	require.Contains(t, err.Error(), `contact: delete user "user000001": `)

	// One unknown userid fails the batch and deletes none.
	requireCode(t, 40031, c.DeleteUsers(ctx, []string{"user000002", "nobody"}))
	require.Len(t, f.srv.Members(corpID), 4)
	require.NoError(t, c.DeleteUsers(ctx, []string{"user000002", "user000003"}))
	require.Len(t, f.srv.Members(corpID), 2)

	require.ErrorIs(t, c.DeleteUsers(ctx, nil), contact.ErrInvalidArgument)
	require.ErrorIs(t, c.DeleteUsers(ctx, make([]string, contact.MaxBatchDelete+1)), contact.ErrInvalidArgument)
	require.ErrorIs(t, c.DeleteUsers(ctx, []string{""}), contact.ErrInvalidArgument)
	require.ErrorIs(t, c.DeleteUser(ctx, ""), contact.ErrInvalidArgument)
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/user/batchdelete"))
}

func TestUserIDLookups(t *testing.T) {
	f := newFixture(t, 2, 0)
	ctx := context.Background()
	c := f.appC
	require.NoError(t, c.CreateUser(ctx, &contact.UserInput{UserID: "zhangsan", Name: "张三", Mobile: "13800000000",
		Email: "zs@qq.example", BizMail: "zhangsan@corp.example", Department: []int64{1}}))

	id, err := c.UserIDByMobile(ctx, "13800000000")
	require.NoError(t, err)
	require.Equal(t, "zhangsan", id)
	requireCode(t, 46004, func() error { _, err := c.UserIDByMobile(ctx, "13900000000"); return err }())

	for _, tc := range []struct {
		email string
		typ   contact.EmailType
		want  string
		code  int
	}{
		{"zhangsan@corp.example", 0, "zhangsan", 0},
		{"zhangsan@corp.example", contact.EmailCorp, "zhangsan", 0},
		{"zs@qq.example", contact.EmailPersonal, "zhangsan", 0},
		{"zs@qq.example", contact.EmailCorp, "", 46004},
		{"zhangsan@corp.example", contact.EmailPersonal, "", 46004},
	} {
		id, err := c.UserIDByEmail(ctx, tc.email, tc.typ)
		if tc.code != 0 {
			requireCode(t, tc.code, err)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, tc.want, id)
	}
	_, err = c.UserIDByEmail(ctx, "a@b", 3)
	require.ErrorIs(t, err, contact.ErrInvalidArgument)

	openID, err := c.ConvertToOpenID(ctx, "zhangsan")
	require.NoError(t, err)
	require.NotEmpty(t, openID)
	back, err := c.ConvertToUserID(ctx, openID)
	require.NoError(t, err)
	require.Equal(t, "zhangsan", back)
	_, err = c.ConvertToOpenID(ctx, "nobody")
	requireCode(t, 60111, err)
	_, err = c.ConvertToUserID(ctx, "o-unknown")
	requireCode(t, 40073, err)
	for _, call := range []func() error{
		func() error { _, err := c.UserIDByMobile(ctx, ""); return err },
		func() error { _, err := c.UserIDByEmail(ctx, "", 0); return err },
		func() error { _, err := c.ConvertToOpenID(ctx, ""); return err },
		func() error { _, err := c.ConvertToUserID(ctx, ""); return err },
	} {
		require.ErrorIs(t, call(), contact.ErrInvalidArgument)
	}
}

func TestDepartmentWrites(t *testing.T) {
	f := newFixture(t, 3, 0)
	ctx := context.Background()
	c := f.appC

	id, err := c.CreateDepartment(ctx, contact.DepartmentInput{Name: "研发中心", NameEn: "R&D", ParentID: 2, Order: 5})
	require.NoError(t, err)
	require.Equal(t, int64(4), id, "one more than the largest id")
	id, err = c.CreateDepartment(ctx, contact.DepartmentInput{ID: 10, Name: "测试", ParentID: 4})
	require.NoError(t, err)
	require.Equal(t, int64(10), id)
	d, err := c.Department(ctx, 4)
	require.NoError(t, err)
	require.Equal(t, "研发中心", d.Name)
	require.Equal(t, int64(2), d.ParentID)
	require.Equal(t, int64(5), d.Order)

	_, err = c.CreateDepartment(ctx, contact.DepartmentInput{Name: "研发中心", ParentID: 2})
	requireCode(t, 60008, err)
	_, err = c.CreateDepartment(ctx, contact.DepartmentInput{ID: 10, Name: "另一个", ParentID: 2})
	requireCode(t, 60008, err)
	_, err = c.CreateDepartment(ctx, contact.DepartmentInput{Name: "孤儿", ParentID: 77})
	requireCode(t, 60004, err)
	_, err = c.CreateDepartment(ctx, contact.DepartmentInput{Name: "a|b", ParentID: 1})
	requireCode(t, 60001, err)
	for _, bad := range []contact.DepartmentInput{{ParentID: 1}, {Name: "x"}, {Name: "x", ParentID: 1, ID: 1}, {Name: "x", ParentID: 1, Order: -1}} {
		_, err := c.CreateDepartment(ctx, bad)
		require.ErrorIs(t, err, contact.ErrInvalidArgument)
	}

	// Rename and move; a move below itself is a cycle.
	require.NoError(t, c.UpdateDepartment(ctx, contact.DepartmentInput{ID: 4, Name: "研发部", ParentID: 3}))
	d, err = c.Department(ctx, 4)
	require.NoError(t, err)
	require.Equal(t, "研发部", d.Name)
	require.Equal(t, int64(3), d.ParentID)
	require.Equal(t, int64(5), d.Order, "unchanged")
	requireCode(t, 60010, c.UpdateDepartment(ctx, contact.DepartmentInput{ID: 4, ParentID: 10}))
	requireCode(t, 60003, c.UpdateDepartment(ctx, contact.DepartmentInput{ID: 99, Name: "x"}))
	requireCode(t, 60008, c.UpdateDepartment(ctx, contact.DepartmentInput{ID: 3, Name: "部门2"}))
	require.ErrorIs(t, c.UpdateDepartment(ctx, contact.DepartmentInput{Name: "x"}), contact.ErrInvalidArgument)

	require.NoError(t, c.CreateUser(ctx, &contact.UserInput{UserID: "zhangsan", Name: "张三", Mobile: "1", Department: []int64{10}}))
	requireCode(t, 60006, c.DeleteDepartment(ctx, 4))
	requireCode(t, 60005, c.DeleteDepartment(ctx, 10))
	requireCode(t, 60007, c.DeleteDepartment(ctx, 1))
	requireCode(t, 60003, c.DeleteDepartment(ctx, 99))
	require.NoError(t, c.DeleteUser(ctx, "zhangsan"))
	require.NoError(t, c.DeleteDepartment(ctx, 10))
	require.NoError(t, c.DeleteDepartment(ctx, 4))
	require.Len(t, f.srv.Departments(corpID), 3)
	require.ErrorIs(t, c.DeleteDepartment(ctx, 0), contact.ErrInvalidArgument)
}

func TestTags(t *testing.T) {
	f := newFixture(t, 3, 3)
	ctx := context.Background()
	c := f.appC

	id, err := c.CreateTag(ctx, "乒乓球协会", 0)
	require.NoError(t, err)
	require.Equal(t, int64(1), id)
	id2, err := c.CreateTag(ctx, "UI", 12)
	require.NoError(t, err)
	require.Equal(t, int64(12), id2)
	_, err = c.CreateTag(ctx, "UI", 0)
	requireCode(t, 40071, err)
	_, err = c.CreateTag(ctx, "", 0)
	require.ErrorIs(t, err, contact.ErrInvalidArgument)
	tags, err := c.Tags(ctx)
	require.NoError(t, err)
	require.Equal(t, []contact.Tag{{ID: 1, Name: "乒乓球协会"}, {ID: 12, Name: "UI"}}, tags)

	// A partial failure: the valid ids are applied, the others returned.
	res, err := c.AddTagMembers(ctx, id, []string{"user000001", "nobody", "user000002", "ghost"}, []int64{2, 99})
	require.NoError(t, err)
	require.True(t, res.Partial())
	require.Equal(t, []string{"nobody", "ghost"}, res.InvalidUsers)
	require.Equal(t, []int64{99}, res.InvalidDepartments)
	tm, err := c.TagMembers(ctx, id)
	require.NoError(t, err)
	require.Equal(t, "乒乓球协会", tm.Name)
	require.Equal(t, []contact.TagMember{{UserID: "user000001", Name: "成员1"}, {UserID: "user000002", Name: "成员2"}}, tm.Users)
	require.Equal(t, []int64{2}, tm.Departments)

	res, err = c.AddTagMembers(ctx, id, []string{"user000003"}, nil)
	require.NoError(t, err)
	require.False(t, res.Partial())
	_, err = c.AddTagMembers(ctx, id, []string{"nobody"}, []int64{99})
	requireCode(t, 40070, err)
	_, err = c.AddTagMembers(ctx, 404, []string{"user000001"}, nil)
	requireCode(t, 40068, err)

	res, err = c.RemoveTagMembers(ctx, id, []string{"user000001", "nobody"}, []int64{2})
	require.NoError(t, err)
	require.Equal(t, []string{"nobody"}, res.InvalidUsers)
	require.Empty(t, res.InvalidDepartments)
	_, err = c.RemoveTagMembers(ctx, id, []string{"nobody"}, nil)
	requireCode(t, 40031, err)
	require.Equal(t, []wecomtest.Tag{
		{ID: 1, Name: "乒乓球协会", Users: []string{"user000002", "user000003"}},
		{ID: 12, Name: "UI"},
	}, f.srv.Tags(corpID))

	// A deleted member leaves its tags.
	require.NoError(t, c.DeleteUser(ctx, "user000002"))
	tm, err = c.TagMembers(ctx, id)
	require.NoError(t, err)
	require.Equal(t, []contact.TagMember{{UserID: "user000003", Name: "成员3"}}, tm.Users)

	for _, bad := range []func() error{
		func() error { _, err := c.AddTagMembers(ctx, id, nil, nil); return err },
		func() error {
			_, err := c.AddTagMembers(ctx, id, make([]string, contact.MaxTagUsers+1), nil)
			return err
		},
		func() error {
			_, err := c.RemoveTagMembers(ctx, id, nil, make([]int64, contact.MaxTagDepartments+1))
			return err
		},
		func() error { _, err := c.TagMembers(ctx, 0); return err },
		func() error { return c.UpdateTag(ctx, id, "") },
	} {
		require.ErrorIs(t, bad(), contact.ErrInvalidArgument)
	}

	require.NoError(t, c.UpdateTag(ctx, id, "羽毛球协会"))
	requireCode(t, 40071, c.UpdateTag(ctx, id2, "羽毛球协会"))
	requireCode(t, 40068, c.UpdateTag(ctx, 404, "x"))
	require.NoError(t, c.DeleteTag(ctx, id))
	requireCode(t, 40068, c.DeleteTag(ctx, id))
	_, err = c.TagMembers(ctx, id)
	requireCode(t, 40068, err)
	tags, err = c.Tags(ctx)
	require.NoError(t, err)
	require.Equal(t, []contact.Tag{{ID: 12, Name: "UI"}}, tags)
}

// TestCreateUserAfterLostAnswer: WeCom creates the member and the answer is
// lost (a 502 after the effect). The one retry gets 60102, and user/get
// shows the same name and departments: the create counts as done.
func TestCreateUserAfterLostAnswer(t *testing.T) {
	f := newFixture(t, 3, 0)
	ctx := context.Background()
	f.srv.Inject("/cgi-bin/user/create", 1, wecomtest.Fault{Status: 502, AfterEffect: true})
	u := &contact.UserInput{UserID: "zhangsan", Name: "张三", Mobile: "1", Department: []int64{3, 2}}
	require.NoError(t, f.appC.CreateUser(ctx, u))
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/user/create"))
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/user/get"))
	require.Len(t, f.srv.Members(corpID), 1)

	// The answer lost on a connection reset, the same.
	f.srv.ResetCalls()
	f.srv.Inject("/cgi-bin/user/create", 1, wecomtest.Fault{ResetConnection: true, AfterEffect: true})
	require.NoError(t, f.appC.CreateUser(ctx, &contact.UserInput{UserID: "lisi", Name: "李四", Mobile: "2", Department: []int64{1}}))
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/user/create"))
}

// TestCreateUserRetryFindsSomeoneElse: the first attempt fails before
// taking effect and the retry's 60102 is about a different member already
// there: that is an error, not success.
func TestCreateUserRetryFindsSomeoneElse(t *testing.T) {
	f := newFixture(t, 3, 0)
	ctx := context.Background()
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "zhangsan", Name: "另一个张三", Mobile: "9", Department: []int64{2}})
	f.srv.Inject("/cgi-bin/user/create", 1, wecomtest.Fault{Status: 502})
	err := f.appC.CreateUser(ctx, &contact.UserInput{UserID: "zhangsan", Name: "张三", Mobile: "1", Department: []int64{2}})
	requireCode(t, 60102, err)
	require.Contains(t, err.Error(), "someone else")
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/user/create"))

	// Same name, other departments: still someone else.
	f.srv.Inject("/cgi-bin/user/create", 1, wecomtest.Fault{Status: 502})
	err = f.appC.CreateUser(ctx, &contact.UserInput{UserID: "zhangsan", Name: "另一个张三", Mobile: "1", Department: []int64{2, 3}})
	requireCode(t, 60102, err)
}

// TestCreateUserNotRetried: WeCom's own errors and a failure whose retry
// succeeds.
func TestCreateUserNotRetried(t *testing.T) {
	f := newFixture(t, 3, 0)
	ctx := context.Background()
	f.srv.FailNext("/cgi-bin/user/create", 1, 60011)
	requireCode(t, 60011, f.appC.CreateUser(ctx, &contact.UserInput{UserID: "a", Name: "A", Mobile: "1", Department: []int64{1}}))
	require.Equal(t, 1, f.srv.Calls("/cgi-bin/user/create"), "an errcode is a certain failure: no retry")

	// Lost before taking effect: the retry creates the member.
	f.srv.Inject("/cgi-bin/user/create", 1, wecomtest.Fault{Status: 503})
	require.NoError(t, f.appC.CreateUser(ctx, &contact.UserInput{UserID: "a", Name: "A", Mobile: "1", Department: []int64{1}}))
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/user/create"))
	require.Equal(t, 0, f.srv.Calls("/cgi-bin/user/get"))

	// Two failures in a row: the second is returned, naming the first.
	f.srv.Inject("/cgi-bin/user/create", 2, wecomtest.Fault{Status: 502})
	err := f.appC.CreateUser(ctx, &contact.UserInput{UserID: "b", Name: "B", Mobile: "2", Department: []int64{1}})
	var he *wecom.HTTPError
	require.True(t, errors.As(err, &he), err)
	require.Contains(t, err.Error(), "retry after")

	// A context that ended is not retried.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	f.srv.ResetCalls()
	require.ErrorIs(t, f.appC.CreateUser(cctx, &contact.UserInput{UserID: "c", Name: "C", Mobile: "3", Department: []int64{1}}), context.Canceled)
	require.Equal(t, 0, f.srv.Calls("/cgi-bin/user/create"))
}
