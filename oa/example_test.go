package oa_test

import (
	"context"
	"fmt"
	"time"

	"github.com/wecomkit/wecomkit/oa"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Apply on a member's behalf, then read the application back with its
// form typed. Real code leaves out WithBaseURL and the fake.
func ExampleClient_Apply() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	tpl := srv.AddApprovalTemplate("ww-corp", oa.Template{Names: oa.Chinese("报销"), Controls: []oa.TemplateControl{
		{Property: oa.ControlProperty{Kind: oa.KindText, ID: "Text-01", Title: oa.Chinese("事由"), Require: 1}},
		{Property: oa.ControlProperty{Kind: oa.KindMoney, ID: "Money-01", Title: oa.Chinese("金额")}},
	}})
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	o := oa.New(client)
	ctx := context.Background()

	spNo, err := o.Apply(ctx, oa.Application{
		CreatorUserID: "zhangsan", TemplateID: tpl,
		Process: oa.Process{Nodes: []oa.Node{
			{Type: oa.NodeApprover, Rel: oa.RelAny, UserIDs: []string{"lisi"}},
			{Type: oa.NodeCC, UserIDs: []string{"hr"}},
		}},
		Controls: []oa.Control{
			{Kind: oa.KindText, ID: "Text-01", Text: "客户拜访"},
			{Kind: oa.KindMoney, ID: "Money-01", Money: "150.50"},
		},
		Summary: []string{"客户拜访 150.50元"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	a, err := o.Approval(ctx, spNo)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(a.SpName, a.Status, a.Applicant.UserID)
	for _, c := range a.Data.Contents {
		switch c.Kind {
		case oa.KindText:
			fmt.Println(oa.TextOf(c.Title, "zh_CN"), c.Text)
		case oa.KindMoney:
			fmt.Println(oa.TextOf(c.Title, "zh_CN"), c.Money)
		}
	}
	fmt.Println(a.Records[0].Details[0].Approver.UserID, a.Records[0].Status == oa.NodePending)
	// Output:
	// 报销 pending zhangsan
	// 事由 客户拜访
	// 金额 150.50
	// lisi true
}

// Walk the applications of a period: 31-day windows and pages are
// followed for you.
func ExampleClient_ApprovalNumbers() {
	clock := wecomtest.NewClock(time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC))
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now), wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	tpl := srv.AddApprovalTemplate("ww-corp", oa.Template{Names: oa.Chinese("请假")})
	client, _ := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL), wecom.WithClock(clock.Now))
	o := oa.New(client)
	ctx := context.Background()
	for range 3 {
		if _, err := o.Apply(ctx, oa.Application{CreatorUserID: "zhangsan", TemplateID: tpl, UseTemplateApprover: true,
			Summary: []string{"请假"}}); err != nil {
			fmt.Println(err)
			return
		}
		clock.Advance(40 * 24 * time.Hour)
	}
	q := oa.ApprovalQuery{Start: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), End: clock.Now()}
	for no, err := range o.ApprovalNumbers(ctx, q) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(no)
	}
	// Output:
	// 202501010001
	// 202502100001
	// 202503220001
}
