package agent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/agent"
	"github.com/wecomkit/wecomkit/media"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID  = "ww-agent-corp"
	agentID = 1000002
	secret  = "agent-app-secret"
)

type fixture struct {
	srv    *wecomtest.Server
	client *wecom.Client
	agent  *agent.Client
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}),
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: 1000003, Secret: "other-secret"}))
	t.Cleanup(srv.Close)
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return &fixture{srv: srv, client: c, agent: agent.New(c)}
}

func TestGetSetAndList(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	before, err := f.agent.Get(ctx, agentID)
	require.NoError(t, err)
	require.Equal(t, int64(agentID), before.AgentID)
	require.False(t, before.Closed())

	logo := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 1000)...)
	up, err := media.New(f.client).Upload(ctx, media.Image, "logo.png", bytes.NewReader(logo), 0)
	require.NoError(t, err)

	require.NoError(t, f.agent.Set(ctx, agentID, agent.Settings{
		Name:           agent.Ptr("HR助手"),
		Description:    agent.Ptr("HR服务与员工自助平台"),
		RedirectDomain: agent.Ptr("open.work.weixin.qq.com"),
		HomeURL:        agent.Ptr("https://open.work.weixin.qq.com"),
		LogoMediaID:    agent.Ptr(up.MediaID),
		ReportLocation: agent.Ptr(true),
	}))
	got, err := f.agent.Get(ctx, agentID)
	require.NoError(t, err)
	require.Equal(t, "HR助手", got.Name)
	require.Equal(t, "HR服务与员工自助平台", got.Description)
	require.Equal(t, "open.work.weixin.qq.com", got.RedirectDomain)
	require.Equal(t, "https://open.work.weixin.qq.com", got.HomeURL)
	require.NotEmpty(t, got.SquareLogoURL)
	require.Equal(t, 1, got.ReportLocationFlag)
	require.Equal(t, 0, got.IsReportEnter)

	// Unset fields stay as they are; false is sent, not omitted.
	require.NoError(t, f.agent.Set(ctx, agentID, agent.Settings{ReportLocation: agent.Ptr(false), ReportEnter: agent.Ptr(true)}))
	got, err = f.agent.Get(ctx, agentID)
	require.NoError(t, err)
	require.Equal(t, "HR助手", got.Name)
	require.Equal(t, 0, got.ReportLocationFlag)
	require.Equal(t, 1, got.IsReportEnter)

	apps, err := f.agent.List(ctx)
	require.NoError(t, err)
	require.Equal(t, []agent.Summary{{AgentID: agentID, Name: "HR助手", SquareLogoURL: got.SquareLogoURL}}, apps)

	// WeCom's errors.
	err = f.agent.Set(ctx, agentID, agent.Settings{LogoMediaID: agent.Ptr("no-such-media")})
	require.Equal(t, 40007, wecom.ErrorCode(err))
	_, err = f.agent.Get(ctx, 1000003)
	require.Equal(t, 40056, wecom.ErrorCode(err), "a token reaches its own app only")
	require.ErrorContains(t, err, "agent: get 1000003")
	require.Equal(t, 40056, wecom.ErrorCode(f.agent.Set(ctx, 1000003, agent.Settings{Name: agent.Ptr("x")})))

	// Arguments no call could succeed with are refused before sending.
	calls := f.srv.Calls("/cgi-bin/agent/set")
	require.ErrorIs(t, f.agent.Set(ctx, 0, agent.Settings{}), agent.ErrInvalidArgument)
	for name, s := range map[string]agent.Settings{
		"empty name":        {Name: agent.Ptr("")},
		"33-character name": {Name: agent.Ptr(strings.Repeat("名", 33))},
		"short description": {Description: agent.Ptr("短短短")},
		"long description":  {Description: agent.Ptr(strings.Repeat("长", 121))},
		"home URL":          {HomeURL: agent.Ptr("example.com/home")},
	} {
		require.ErrorIs(t, f.agent.Set(ctx, agentID, s), agent.ErrInvalidArgument, name)
	}
	_, err = f.agent.Get(ctx, 0)
	require.ErrorIs(t, err, agent.ErrInvalidArgument)
	require.Equal(t, calls, f.srv.Calls("/cgi-bin/agent/set"))
}

func validMenu() agent.Menu {
	return agent.Menu{Buttons: []agent.Button{
		{Type: agent.Click, Name: "今日待办", Key: "TODO"},
		{Name: "工具", SubButtons: []agent.Button{
			{Type: agent.View, Name: "官网", URL: "https://example.com"},
			{Type: agent.ScancodePush, Name: "扫一扫", Key: "SCAN"},
			{Type: agent.PicPhotoOrAlbum, Name: "拍照或相册", Key: "PIC"},
			{Type: agent.LocationSelect, Name: "发送位置", Key: "LOC"},
			{Type: agent.ViewMiniprogram, Name: "小程序", AppID: "wx286b93c14bbf93aa", PagePath: "pages/index"},
		}},
	}}
}

func TestMenus(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.agent.Menu(ctx, agentID)
	require.Equal(t, 46003, wecom.ErrorCode(err), "no menu yet")

	m := validMenu()
	require.NoError(t, f.agent.CreateMenu(ctx, agentID, m))
	stored, ok := f.srv.AgentMenu(corpID, agentID)
	require.True(t, ok)
	var buttons []map[string]any
	require.NoError(t, json.Unmarshal(stored, &buttons))
	require.Len(t, buttons, 2)
	require.Equal(t, "click", buttons[0]["type"])
	require.NotContains(t, buttons[1], "type", "a parent button has no type")

	got, err := f.agent.Menu(ctx, agentID)
	require.NoError(t, err)
	require.Equal(t, &m, got)

	require.NoError(t, f.agent.DeleteMenu(ctx, agentID))
	_, ok = f.srv.AgentMenu(corpID, agentID)
	require.False(t, ok)
	_, err = f.agent.Menu(ctx, agentID)
	require.Equal(t, 46003, wecom.ErrorCode(err))
	require.Equal(t, 40056, wecom.ErrorCode(f.agent.CreateMenu(ctx, 1000003, m)))
}

func TestMenuLimitsAreCheckedBeforeSending(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	click := agent.Button{Type: agent.Click, Name: "a", Key: "k"}
	cases := []struct {
		name string
		menu agent.Menu
		code int
	}{
		{"no buttons", agent.Menu{}, 40016},
		{"four buttons", agent.Menu{Buttons: []agent.Button{click, click, click, click}}, 40016},
		{"six sub-buttons", agent.Menu{Buttons: []agent.Button{{Name: "p", SubButtons: []agent.Button{click, click, click, click, click, click}}}}, 40023},
		{"unknown type", agent.Menu{Buttons: []agent.Button{{Type: "miniprogram", Name: "a"}}}, 40017},
		{"long name", agent.Menu{Buttons: []agent.Button{{Type: agent.Click, Name: strings.Repeat("菜", 6), Key: "k"}}}, 40018},
		{"click without key", agent.Menu{Buttons: []agent.Button{{Type: agent.Click, Name: "a"}}}, 40019},
		{"long url", agent.Menu{Buttons: []agent.Button{{Type: agent.View, Name: "a", URL: "https://x/" + strings.Repeat("a", 1024)}}}, 40020},
		{"three levels", agent.Menu{Buttons: []agent.Button{{Name: "p", SubButtons: []agent.Button{{Name: "q", SubButtons: []agent.Button{click}}}}}}, 40022},
		{"sub view without url", agent.Menu{Buttons: []agent.Button{{Name: "p", SubButtons: []agent.Button{{Type: agent.View, Name: "v"}}}}}, 40027},
		{"long sub name", agent.Menu{Buttons: []agent.Button{{Name: "p", SubButtons: []agent.Button{{Type: agent.Click, Name: strings.Repeat("a", 41), Key: "k"}}}}}, 40025},
		{"long sub key", agent.Menu{Buttons: []agent.Button{{Name: "p", SubButtons: []agent.Button{{Type: agent.Click, Name: "a", Key: strings.Repeat("k", 129)}}}}}, 40026},
		{"parent with a type", agent.Menu{Buttons: []agent.Button{{Type: agent.Click, Name: "p", Key: "k", SubButtons: []agent.Button{click}}}}, 40017},
	}
	for _, c := range cases {
		err := f.agent.CreateMenu(ctx, agentID, c.menu)
		var me *agent.MenuError
		require.ErrorAs(t, err, &me, c.name)
		require.ErrorIs(t, err, agent.ErrMenu)
		require.Equal(t, c.code, me.Errcode, c.name)
	}
	require.Zero(t, f.srv.Calls("/cgi-bin/menu/create"), "nothing WeCom would refuse was sent")

	// The fake answers the same codes when the checks are bypassed.
	for _, c := range cases[:4] {
		body, _ := json.Marshal(map[string]any{"button": c.menu.Buttons})
		err := f.client.Do(ctx, &wecom.Request{Method: "POST", Path: "/cgi-bin/menu/create", Query: map[string][]string{"agentid": {"1000002"}}, Body: json.RawMessage(body)}, nil)
		require.Equal(t, c.code, wecom.ErrorCode(err), c.name)
	}
	err := f.client.Do(ctx, &wecom.Request{Method: "GET", Path: "/cgi-bin/menu/get"}, nil)
	require.Equal(t, 41011, wecom.ErrorCode(err), "agentid missing")
}

func TestWrongTokenKindFailsBeforeAnyRequest(t *testing.T) {
	f := newFixture(t)
	svc, err := wecom.NewServiceClient(wecom.SuiteAccessToken, wecom.StaticToken("suite-token"), wecom.WithBaseURL(f.srv.URL))
	require.NoError(t, err)
	_, err = agent.New(svc).Get(context.Background(), agentID)
	require.True(t, errors.Is(err, wecom.ErrWrongTokenKind), err)
	require.Zero(t, f.srv.Calls("/cgi-bin/agent/get"))
}

func TestEndpointDeclarations(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range agent.Endpoints() {
		require.NoError(t, e.Check(), e.Path)
		require.False(t, seen[e.Path], "declared twice: %s", e.Path)
		seen[e.Path] = true
	}
	require.Len(t, seen, 9)
}
