package externalcontact_test

import (
	"context"
	"fmt"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Create a 「联系我」 QR code whose customers carry a state, to tell the
// channel they came through. Real code leaves out WithBaseURL.
func ExampleClient_AddContactWay() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ec := externalcontact.New(client)
	ctx := context.Background()

	way, err := ec.AddContactWay(ctx, externalcontact.ContactWayConfig{
		Type:  externalcontact.ContactWaySingle,
		Scene: externalcontact.SceneQRCode,
		User:  []string{"zhangsan"},
		State: "expo-2026", // comes back as FollowUser.State for customers who scan it
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	got, err := ec.ContactWay(ctx, way.ConfigID) // keep way.ConfigID: it is the only handle
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.State, got.User, way.QRCode != "")

	// A customer scans the code (in real life; here the fake plays it).
	srv.AddCustomerThroughContactWay("ww-corp", way.ConfigID, wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	d, err := ec.Customer(ctx, "wmA")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.FollowUsers[0].UserID, d.FollowUsers[0].State)
	// Output:
	// expo-2026 [zhangsan] true
	// zhangsan expo-2026
}

// Walk the customer groups of some owners, with each group's members.
func ExampleClient_GroupChats() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.AddCustomerGroup("ww-corp", wecomtest.CustomerGroup{ChatID: "wrA", Name: "VIP 群", Owner: "zhangsan",
		Members: []wecomtest.CustomerGroupMember{{UserID: "wmA", Type: 2}}})
	srv.AddCustomerGroup("ww-corp", wecomtest.CustomerGroup{ChatID: "wrB", Name: "售后群", Owner: "lisi"})
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ec := externalcontact.New(client)
	ctx := context.Background()

	for ref, err := range ec.GroupChats(ctx, externalcontact.GroupChatFilter{Owners: []string{"zhangsan", "lisi"}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		g, err := ec.GroupChat(ctx, ref.ChatID, false)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(g.Name, g.Owner, len(g.Members))
	}
	// Output:
	// VIP 群 zhangsan 2
	// 售后群 lisi 1
}

// Greet a new customer with the welcome_code of the add_external_contact
// event: it is valid for 20 seconds and only once, so send it at once.
func ExampleClient_SendWelcome() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	welcomeCode := srv.NewWelcomeCode("ww-corp", "zhangsan", "wmA") // from the event, in real code
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ec := externalcontact.New(client)

	err = ec.SendWelcome(context.Background(), welcomeCode, externalcontact.WelcomeMessage{
		Text: "你好，我是张三，有事随时找我",
		Attachments: []externalcontact.Attachment{
			externalcontact.LinkAttachment(externalcontact.AttachmentLink{Title: "产品手册", URL: "https://example.com/manual"}),
		},
	})
	fmt.Println(err)
	err = ec.SendWelcome(context.Background(), welcomeCode, externalcontact.WelcomeMessage{Text: "again"})
	fmt.Println(wecom.ErrorCode(err)) // a code is taken once
	// Output:
	// <nil>
	// 41051
}
