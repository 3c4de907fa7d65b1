package externalcontact_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// List the customers of one member. Real code leaves out the fake and
// WithBaseURL.
func ExampleClient_Customers() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.AddCustomer("ww-corp", "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	srv.AddCustomer("ww-corp", "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "王五"})
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ec := externalcontact.New(client)

	ids, err := ec.Customers(context.Background(), "zhangsan")
	fmt.Println(ids, err)
	// Output:
	// [wmA wmB] <nil>
}

// Walk the customers of many members, one row per (customer, member)
// pair. Members without an interface license are not read by WeCom: the
// walk ends with an UnlicensedError naming them, after every other row.
func ExampleClient_CustomersOf() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.AddCustomer("ww-corp", "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Remark: "李部长"})
	srv.AddCustomer("ww-corp", "lisi", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Remark: "老李"})
	srv.AddCustomer("ww-corp", "wangwu", wecomtest.Customer{ExternalUserID: "wmB", Name: "赵六"})
	srv.SetUnlicensed("ww-corp", "wangwu")
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
		var unlicensed *externalcontact.UnlicensedError
		if errors.As(err, &unlicensed) {
			fmt.Println("not read:", unlicensed.UserIDs)
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(d.FollowUsers[0].UserID, d.Customer.Name, d.FollowUsers[0].Remark)
	}
	// Output:
	// zhangsan 李四 李部长
	// lisi 李四 老李
	// not read: [wangwu]
}

// Create a corp tag and put it on a customer for one member; the tags a
// member gave a customer come back with the customer.
func ExampleClient_MarkTags() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.AddCustomer("ww-corp", "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ec := externalcontact.New(client)
	ctx := context.Background()

	group, err := ec.AddCorpTags(ctx, externalcontact.NewTags{GroupName: "客户等级", Tags: []externalcontact.NewTag{{Name: "VIP"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	vip := group.Tags[0].ID
	if err := ec.MarkTags(ctx, "zhangsan", "wmA", []string{vip}, nil); err != nil {
		fmt.Println(err)
		return
	}
	d, err := ec.Customer(ctx, "wmA")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, t := range d.FollowUsers[0].Tags {
		fmt.Println(d.FollowUsers[0].UserID, t.GroupName, t.TagName)
	}
	// Output:
	// zhangsan 客户等级 VIP
}
