package externalcontact_test

import (
	"context"
	"fmt"
	"time"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Send a mass message to the customers carrying a tag, then read what
// each member's task did. Real code leaves out WithBaseURL and the fake's
// helpers (SendMassMessage stands for a member confirming the task).
func ExampleClient_AddMassMessage() {
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
	ctx := context.Background()
	g, err := ec.AddCorpTags(ctx, externalcontact.NewTags{GroupName: "等级", Tags: []externalcontact.NewTag{{Name: "金牌"}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	gold := g.Tags[0].ID
	if err := ec.MarkTags(ctx, "zhangsan", "wmA", []string{gold}, nil); err != nil {
		fmt.Println(err)
		return
	}

	res, err := ec.AddMassMessage(ctx, externalcontact.MassMessage{
		TagFilter: &externalcontact.TagFilter{GroupList: []externalcontact.TagFilterGroup{{TagList: []string{gold}}}},
		Text:      "金牌客户专享活动",
		Attachments: []externalcontact.Attachment{{MsgType: externalcontact.MsgTypeLink,
			Link: &externalcontact.AttachmentLink{Title: "活动详情", URL: "https://example.com/vip"}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = srv.SendMassMessage("ww-corp", res.MsgID, "zhangsan")

	for task, err := range ec.MassMessageTasks(ctx, res.MsgID) {
		if err != nil {
			fmt.Println(err)
			return
		}
		for s, err := range ec.MassMessageResults(ctx, res.MsgID, task.UserID) {
			if err != nil {
				fmt.Println(err)
				return
			}
			fmt.Println(task.UserID, s.ExternalUserID, s.Status == externalcontact.SendDone)
		}
	}
	// Output:
	// zhangsan wmA true
}

// Hand the customers of a member who left to a colleague, and follow the
// transfers until WeCom completes them (24 hours later; the fake's clock
// stands in for the wait).
func ExampleClient_TransferResignedCustomers() {
	clock := wecomtest.NewClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}),
		wecomtest.WithClock(clock.Now), wecomtest.WithTokenTTL(100*time.Hour))
	defer srv.Close()
	srv.AddCustomer("ww-corp", "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	srv.AddCustomer("ww-corp", "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "王五"})
	srv.ResignMember("ww-corp", "zhangsan")
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ec := externalcontact.New(client)
	ctx := context.Background()

	byMember := map[string][]string{}
	for c, err := range ec.UnassignedCustomers(ctx) {
		if err != nil {
			fmt.Println(err)
			return
		}
		byMember[c.HandoverUserID] = append(byMember[c.HandoverUserID], c.ExternalUserID)
	}
	for handover, customers := range byMember {
		out, err := ec.TransferResignedCustomers(ctx, externalcontact.Transfer{HandoverUserID: handover, TakeoverUserID: "lisi", ExternalUserIDs: customers})
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, o := range out {
			fmt.Println("started", o.ExternalUserID, o.ErrCode == 0)
		}
	}

	clock.Advance(24 * time.Hour)
	for st, err := range ec.ResignedTransferResults(ctx, "zhangsan", "lisi") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("done", st.ExternalUserID, st.Status == externalcontact.TransferDone)
	}
	// Output:
	// started wmA true
	// started wmB true
	// done wmA true
	// done wmB true
}
