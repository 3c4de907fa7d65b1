package contact_test

import (
	"context"
	"fmt"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// exampleDirectory starts a fake WeCom holding a small directory: 总部 (1)
// with 研发部 (2) under it, and three members.
func exampleDirectory() *wecomtest.Server {
	srv := wecomtest.NewServer(wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	srv.SetContactSyncSecret("wwcorp", "sync-secret")
	srv.AddDepartment("wwcorp", wecomtest.Department{ID: 1, Name: "总部"})
	srv.AddDepartment("wwcorp", wecomtest.Department{ID: 2, ParentID: 1, Name: "研发部"})
	srv.AddMember("wwcorp", wecomtest.Member{UserID: "zhangsan", Name: "张三", Position: "经理", Department: []int64{1}})
	srv.AddMember("wwcorp", wecomtest.Member{UserID: "lisi", Name: "李四", Position: "工程师", Department: []int64{2}})
	srv.AddMember("wwcorp", wecomtest.Member{UserID: "wangwu", Name: "王五", Position: "工程师", Department: []int64{2}})
	return srv
}

// One member, and the members of a department and its sub-departments,
// with an app's secret (which reads the members the app can see).
func ExampleClient_User() {
	srv := exampleDirectory()
	defer srv.Close()
	// Real code leaves out WithBaseURL.
	app, _ := wecom.New("wwcorp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	dir := contact.New(app)
	ctx := context.Background()

	u, err := dir.User(ctx, "lisi")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.UserID, u.Name, u.Position, u.Department)

	users, err := dir.UsersOfDepartment(ctx, 1, contact.Recursive())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range users {
		fmt.Println(u.UserID, u.Name)
	}
	// Output:
	// lisi 李四 工程师 [2]
	// zhangsan 张三
	// lisi 李四
	// wangwu 王五
}

// Every member's id, page by page, with the contact-sync secret (通讯录同步),
// the only one WeCom lets list the whole directory.
func ExampleClient_UserIDs() {
	srv := exampleDirectory()
	defer srv.Close()
	sync, _ := wecom.New("wwcorp", "sync-secret", wecom.WithBaseURL(srv.URL))

	n := 0
	for row, err := range contact.New(sync).UserIDs(context.Background(), contact.WithPageSize(2)) {
		if err != nil {
			fmt.Println(err) // the rows before a failing page came through; this one did not
			return
		}
		n++
		_ = row.ID() // the userid, or the open_userid a third-party app gets
	}
	fmt.Println(n, "members")
	// Output:
	// 3 members
}
