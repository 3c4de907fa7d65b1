// Package agent reads and changes a WeCom app's (应用) settings, menu and
// workbench:
// its name, description, logo, trusted domain, home page and reporting
// flags ([Client.Get], [Client.List], [Client.Set]), and the custom menu
// members see under the app's chat ([Client.CreateMenu], [Client.Menu],
// [Client.DeleteMenu]), and the workbench (工作台) display
// ([Client.SetWorkbenchTemplate], [Client.WorkbenchTemplate],
// [Client.SetWorkbenchData]).
//
//	a := agent.New(client)
//	info, err := a.Get(ctx, 1000002)
//	err = a.Set(ctx, 1000002, agent.Settings{Description: agent.Ptr("HR服务与员工自助平台")})
//	err = a.CreateMenu(ctx, 1000002, agent.Menu{Buttons: []agent.Button{
//		{Type: agent.Click, Name: "今日待办", Key: "TODO"},
//		{Name: "更多", SubButtons: []agent.Button{{Type: agent.View, Name: "官网", URL: "https://example.com"}}},
//	}})
//
// A menu is checked against WeCom's limits before it is sent ([Menu.Check]):
// 1 to 3 top-level buttons of 1 to 5 sub-buttons each, two levels, names of
// at most 16 bytes (40 for a sub-button), keys of 128, URLs of 1,024.
//
// The endpoints (https://developer.work.weixin.qq.com/document/path/90227,
// 90228, 90231, 90232, 90233) take a corporation's access_token. A
// self-built app's token reaches only the app itself; a third-party app's
// only the apps authorized to it.
package agent
