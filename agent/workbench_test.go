package agent_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/agent"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestWorkbench(t *testing.T) {
	f := newFixture(t)
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "zhangsan", Name: "张三"})
	ctx := context.Background()

	tpl, err := f.agent.WorkbenchTemplate(ctx, agentID)
	require.NoError(t, err)
	require.Equal(t, agent.WorkbenchTypeNormal, tpl.Type, "no template yet")

	keydata := agent.WorkbenchView{Type: agent.WorkbenchTypeKeyData, KeyData: &agent.WorkbenchKeyData{Items: []agent.WorkbenchKeyItem{
		{Key: "待审批", Data: "2", JumpURL: "https://example.com/approvals"},
		{Key: "待批阅", Data: "4"},
	}}}
	require.NoError(t, f.agent.SetWorkbenchTemplate(ctx, agentID, agent.WorkbenchTemplate{WorkbenchView: keydata, ReplaceUserData: true}))
	tpl, err = f.agent.WorkbenchTemplate(ctx, agentID)
	require.NoError(t, err)
	require.Equal(t, keydata, tpl.WorkbenchView)
	require.True(t, tpl.ReplaceUserData)

	mine := agent.WorkbenchView{Type: agent.WorkbenchTypeKeyData, KeyData: &agent.WorkbenchKeyData{Items: []agent.WorkbenchKeyItem{{Key: "待审批", Data: "7"}}}}
	require.NoError(t, f.agent.SetWorkbenchData(ctx, agentID, "zhangsan", mine))
	raw, ok := f.srv.WorkbenchData(corpID, agentID, "zhangsan")
	require.True(t, ok)
	require.JSONEq(t, `{"type":"keydata","keydata":{"items":[{"key":"待审批","data":"7"}]}}`, string(raw))

	// WeCom's answers: data of another type than the template's, an
	// unknown member.
	list := agent.WorkbenchView{Type: agent.WorkbenchTypeList, List: &agent.WorkbenchList{Items: []agent.WorkbenchListItem{{Title: "周报"}}}}
	require.Equal(t, 40058, wecom.ErrorCode(f.agent.SetWorkbenchData(ctx, agentID, "zhangsan", list)))
	require.Equal(t, 60111, wecom.ErrorCode(f.agent.SetWorkbenchData(ctx, agentID, "nobody", mine)))
}

func TestWorkbenchChecks(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bad := []agent.WorkbenchView{
		{Type: agent.WorkbenchTypeKeyData},
		{Type: agent.WorkbenchTypeKeyData, KeyData: &agent.WorkbenchKeyData{}},
		{Type: agent.WorkbenchTypeKeyData, KeyData: &agent.WorkbenchKeyData{Items: []agent.WorkbenchKeyItem{{Key: "x"}}}},
		{Type: agent.WorkbenchTypeImage, Image: &agent.WorkbenchImage{}},
		{Type: agent.WorkbenchTypeList, List: &agent.WorkbenchList{Items: []agent.WorkbenchListItem{{}}}},
		{Type: agent.WorkbenchTypeWebview, Image: &agent.WorkbenchImage{URL: "https://x"}},
		{Type: agent.WorkbenchTypeNormal, Webview: &agent.WorkbenchWebview{URL: "https://x"}},
		{Type: "carousel"},
	}
	for i, v := range bad {
		err := f.agent.SetWorkbenchTemplate(ctx, agentID, agent.WorkbenchTemplate{WorkbenchView: v})
		require.ErrorIs(t, err, agent.ErrInvalidArgument, "case %d", i)
	}
	require.ErrorIs(t, f.agent.SetWorkbenchData(ctx, agentID, "u", agent.WorkbenchView{Type: agent.WorkbenchTypeNormal}), agent.ErrInvalidArgument)
	require.Zero(t, f.srv.Calls("/cgi-bin/agent/set_workbench_template"), "nothing WeCom would refuse was sent")

	// The view encodes as WeCom's body: the type and its one field.
	b, err := json.Marshal(agent.WorkbenchTemplate{WorkbenchView: agent.WorkbenchView{Type: agent.WorkbenchTypeImage, Image: &agent.WorkbenchImage{URL: "https://x/a.png"}}})
	require.NoError(t, err)
	require.JSONEq(t, `{"type":"image","image":{"url":"https://x/a.png"},"replace_user_data":false}`, string(b))
}
