package agent_test

import (
	"context"
	"fmt"

	"github.com/wecomkit/wecomkit/agent"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Change an app's settings and give it a menu. Real code leaves out
// WithBaseURL.
func ExampleClient_Set() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	a := agent.New(client)
	ctx := context.Background()

	err = a.Set(ctx, 1000002, agent.Settings{Name: agent.Ptr("HR助手"), ReportEnter: agent.Ptr(true)})
	if err != nil {
		fmt.Println(err)
		return
	}
	err = a.CreateMenu(ctx, 1000002, agent.Menu{Buttons: []agent.Button{
		{Type: agent.Click, Name: "今日待办", Key: "TODO"},
		{Name: "更多", SubButtons: []agent.Button{{Type: agent.View, Name: "请假", URL: "https://example.com/leave"}}},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	info, err := a.Get(ctx, 1000002)
	if err != nil {
		fmt.Println(err)
		return
	}
	menu, err := a.Menu(ctx, 1000002)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Name, info.IsReportEnter, len(menu.Buttons), menu.Buttons[1].SubButtons[0].Name)
	// Output: HR助手 1 2 请假
}
