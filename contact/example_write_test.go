package contact_test

import (
	"context"
	"fmt"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func ExampleClient_CreateUser() {
	// A fake WeCom with two departments; real code leaves out WithBaseURL
	// and uses the contact-sync secret with API editing enabled.
	srv := wecomtest.NewServer(wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.GenerateDirectory("wwcorp", 2, 0)

	wc, _ := wecom.New("wwcorp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	c := contact.New(wc)
	ctx := context.Background()

	err := c.CreateUser(ctx, &contact.UserInput{
		UserID: "zhangsan", Name: "张三", Mobile: "+86 13800000000", Department: []int64{2}, Position: "产品经理",
	})
	fmt.Println("created:", err)

	// The same userid again is WeCom's 60102.
	err = c.CreateUser(ctx, &contact.UserInput{UserID: "ZhangSan", Name: "张三", Mobile: "+86 13900000000", Department: []int64{2}})
	fmt.Println("again:", wecom.ErrorCode(err))

	// An update changes only the fields it sets.
	_ = c.UpdateUser(ctx, &contact.UserInput{UserID: "zhangsan", Position: "架构师"})
	u, _ := c.User(ctx, "zhangsan")
	fmt.Println(u.UserID, u.Name, u.Position, u.Department)
	// Output:
	// created: <nil>
	// again: 60102
	// zhangsan 张三 架构师 [2]
}
