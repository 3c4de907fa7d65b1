package wecomtest_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestAgentSettingsAnswerAsWeCom(t *testing.T) {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-a", wecomtest.App{AgentID: 1000002, Secret: "s"}))
	defer srv.Close()
	c, err := wecom.New("ww-a", "s", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	ctx := context.Background()
	post := func(path string, q url.Values, body string) int {
		return wecom.ErrorCode(c.Do(ctx, &wecom.Request{Method: "POST", Path: path, Query: q, Body: json.RawMessage(body)}, nil))
	}
	require.Equal(t, 0, post("/cgi-bin/agent/set", nil, `{"agentid":"1000002","name":"考勤"}`), "WeCom's example sends agentid as a string")
	require.Equal(t, 41011, post("/cgi-bin/agent/set", nil, `{"name":"考勤"}`))
	require.Equal(t, 40056, post("/cgi-bin/agent/set", nil, `{"agentid":1000009,"name":"考勤"}`))
	require.Equal(t, 40059, post("/cgi-bin/agent/set", nil, `{"agentid":1000002,"isreportenter":2}`))
	require.Equal(t, 45022, post("/cgi-bin/agent/set", nil, `{"agentid":1000002,"name":""}`))
	require.Equal(t, 45022, post("/cgi-bin/agent/set", nil, `{"agentid":1000002,"name":"`+strings.Repeat("名", 33)+`"}`))
	require.Equal(t, 45004, post("/cgi-bin/agent/set", nil, `{"agentid":1000002,"description":"短"}`))
	require.Equal(t, 45004, post("/cgi-bin/agent/set", nil, `{"agentid":1000002,"description":"`+strings.Repeat("长", 121)+`"}`))
	require.Equal(t, 40094, post("/cgi-bin/agent/set", nil, `{"agentid":1000002,"home_url":"example.com"}`))
	require.Equal(t, 0, post("/cgi-bin/agent/set", nil, `{"agentid":1000002,"description":"`+strings.Repeat("长", 120)+`","home_url":"https://example.com"}`))

	var info struct {
		Name string `json:"name"`
	}
	require.NoError(t, c.Do(ctx, &wecom.Request{Method: "GET", Path: "/cgi-bin/agent/get", Query: url.Values{"agentid": {"1000002"}}}, &info))
	require.Equal(t, "考勤", info.Name, "the failed calls changed nothing")

	q := url.Values{"agentid": {"1000002"}}
	require.Equal(t, 40016, post("/cgi-bin/menu/create", q, `{"button":[]}`))
	require.Equal(t, 40017, post("/cgi-bin/menu/create", q, `{"button":[{"type":"media_id","name":"a"}]}`))
	require.Equal(t, 40023, post("/cgi-bin/menu/create", q, `{"button":[{"name":"p","sub_button":[{},{},{},{},{},{}]}]}`))
	_, ok := srv.AgentMenu("ww-a", 1000002)
	require.False(t, ok)
	require.Equal(t, 0, post("/cgi-bin/menu/create", q, `{"button":[{"type":"click","name":"a","key":"k"}]}`))
	m, ok := srv.AgentMenu("ww-a", 1000002)
	require.True(t, ok)
	require.JSONEq(t, `[{"type":"click","name":"a","key":"k"}]`, string(m))
}
