package externalcontact_test

import (
	"context"
	"fmt"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Walk the customers of some members. Real code leaves out WithBaseURL.
func ExampleClient_CustomersOf() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.AddCustomer("ww-corp", "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Remark: "李部长"})
	srv.AddCustomer("ww-corp", "lisi", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Remark: "老李"})
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ec := externalcontact.New(client)
	ctx := context.Background()

	members, err := ec.FollowUsers(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	for d, err := range ec.CustomersOf(ctx, members) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.FollowUsers[0].UserID, d.Customer.Name, d.FollowUsers[0].Remark)
	}
	// Output:
	// zhangsan 李四 李部长
	// lisi 李四 老李
}
