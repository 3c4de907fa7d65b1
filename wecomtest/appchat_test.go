package wecomtest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func chatServer(t *testing.T) (*wecomtest.Server, *wecom.Client, *wecom.Client) {
	t.Helper()
	srv := wecomtest.NewServer(
		wecomtest.WithApp("wwa", wecomtest.App{AgentID: 7, Secret: "app"}),
		wecomtest.WithApp("wwa", wecomtest.App{AgentID: 8, Secret: "other"}),
	)
	t.Cleanup(srv.Close)
	srv.GenerateDirectory("wwa", 2, 5)
	app, err := wecom.New("wwa", "app", wecom.WithAgentID(7), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	other, err := wecom.New("wwa", "other", wecom.WithAgentID(8), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return srv, app, other
}

func chatPost(c *wecom.Client, path string, body any) (map[string]any, error) {
	var out map[string]any
	err := c.Post(context.Background(), path, nil, body, &out)
	return out, err
}

// The app-chat model's errcodes, call by call.
func TestAppChatErrcodes(t *testing.T) {
	srv, app, other := chatServer(t)
	users := []string{"user000001", "user000002"}
	for name, tc := range map[string]struct {
		body map[string]any
		code int
	}{
		"no userlist":      {map[string]any{"name": "x"}, 40058},
		"one member":       {map[string]any{"userlist": users[:1]}, 86006},
		"duplicates count": {map[string]any{"userlist": []string{"user000001", "USER000001"}}, 86006},
		"unknown member":   {map[string]any{"userlist": []string{"user000001", "ghost"}}, 86007},
		"owner outside":    {map[string]any{"userlist": users, "owner": "user000003"}, 86207},
		"bad chatid":       {map[string]any{"userlist": users, "chatid": "a-b"}, 86001},
		"long chatid":      {map[string]any{"userlist": users, "chatid": strings.Repeat("a", 33)}, 86001},
	} {
		_, err := chatPost(app, "/cgi-bin/appchat/create", tc.body)
		require.Equal(t, tc.code, wecom.ErrorCode(err), name)
	}
	out, err := chatPost(app, "/cgi-bin/appchat/create", map[string]any{"userlist": users, "chatid": "c1"})
	require.NoError(t, err)
	require.Equal(t, "c1", out["chatid"])
	_, err = chatPost(app, "/cgi-bin/appchat/create", map[string]any{"userlist": users, "chatid": "c1"})
	require.Equal(t, 86215, wecom.ErrorCode(err), "chatid in use")
	chats := srv.AppChats("wwa")
	require.Len(t, chats, 1)
	require.Equal(t, "user000001", chats[0].Owner, "the first member when no owner is named")

	// Another app may not touch it.
	_, err = chatPost(other, "/cgi-bin/appchat/update", map[string]any{"chatid": "c1", "name": "x"})
	require.Equal(t, 86008, wecom.ErrorCode(err))
	_, err = chatPost(other, "/cgi-bin/appchat/send", map[string]any{"chatid": "c1", "msgtype": "text", "text": map[string]string{"content": "x"}})
	require.Equal(t, 86008, wecom.ErrorCode(err))

	// Updates keep 2–2000 members and an owner among them.
	_, err = chatPost(app, "/cgi-bin/appchat/update", map[string]any{"chatid": "c1", "del_user_list": []string{"user000002"}})
	require.Equal(t, 86006, wecom.ErrorCode(err))
	_, err = chatPost(app, "/cgi-bin/appchat/update", map[string]any{"chatid": "c1", "owner": "user000004"})
	require.Equal(t, 86207, wecom.ErrorCode(err))
	_, err = chatPost(app, "/cgi-bin/appchat/update", map[string]any{"chatid": "c1", "add_user_list": []string{"ghost"}})
	require.Equal(t, 86007, wecom.ErrorCode(err))
	_, err = chatPost(app, "/cgi-bin/appchat/update", map[string]any{"chatid": "nope", "name": "x"})
	require.Equal(t, 86001, wecom.ErrorCode(err))

	// Sends: the msgtypes a chat takes, media ids checked.
	for body, code := range map[string]int{
		`{"chatid":"c1","msgtype":"template_card","template_card":{"card_type":"text_notice"}}`:               40008,
		`{"chatid":"c1","msgtype":"miniprogram_notice","miniprogram_notice":{"appid":"wx","title":"t"}}`:      40008,
		`{"chatid":"c1","msgtype":"image","image":{"media_id":"nope"}}`:                                       40007,
		`{"chatid":"c1","msgtype":"image","image":{}}`:                                                        41006,
		`{"chatid":"c1","msgtype":"text","text":{"content":""}}`:                                              44004,
		`{"chatid":"c1","msgtype":"news","news":{"articles":[{"title":"t","url":"https://e.com"}]},"safe":1}`: 40074,
	} {
		var raw map[string]any
		require.NoError(t, chatJSON(body, &raw))
		_, err := chatPost(app, "/cgi-bin/appchat/send", raw)
		require.Equal(t, code, wecom.ErrorCode(err), body)
	}
	_, err = chatPost(app, "/cgi-bin/appchat/send", map[string]any{"chatid": "c1", "msgtype": "markdown", "markdown": map[string]string{"content": "**x**"}})
	require.NoError(t, err)
	msgs := srv.ChatMessages("wwa", "c1")
	require.Len(t, msgs, 1)
	require.Equal(t, "**x**", msgs[0].Fields["markdown.content"])
}

// update_template_card on an interactive card: the buttons made
// unclickable, once per response_code.
func TestUpdateTemplateCardButtons(t *testing.T) {
	srv, app, other := chatServer(t)
	out, err := chatPost(app, "/cgi-bin/message/send", map[string]any{
		"touser": "user000001", "msgtype": "template_card", "agentid": 7,
		"template_card": map[string]any{"card_type": "button_interaction", "task_id": "t1"},
	})
	require.NoError(t, err)
	code, _ := out["response_code"].(string)
	require.NotEmpty(t, code)
	update := map[string]any{"agentid": 7, "userids": []string{"user000001"}, "response_code": code, "button": map[string]string{"replace_name": "已处理"}}
	otherUpdate := map[string]any{"agentid": 8, "atall": 1, "response_code": code, "button": map[string]string{"replace_name": "x"}}
	_, err = chatPost(other, "/cgi-bin/message/update_template_card", otherUpdate)
	require.Equal(t, 60140, wecom.ErrorCode(err), "another app's code")
	_, err = chatPost(app, "/cgi-bin/message/update_template_card", update)
	require.NoError(t, err)
	_, err = chatPost(app, "/cgi-bin/message/update_template_card", update)
	require.Equal(t, 60140, wecom.ErrorCode(err), "used")
	_, err = chatPost(app, "/cgi-bin/message/update_template_card", map[string]any{"agentid": 7, "atall": 1, "button": map[string]string{"replace_name": "x"}})
	require.Equal(t, 40058, wecom.ErrorCode(err), "no response_code (the declaration's required field)")
	m := srv.Messages("wwa")[0]
	require.Len(t, m.Updates, 1)
	require.Equal(t, "已处理", m.Updates[0].ReplaceName)

	// A plain text_notice card gets no response_code.
	out, err = chatPost(app, "/cgi-bin/message/send", map[string]any{
		"touser": "user000001", "msgtype": "template_card", "agentid": 7,
		"template_card": map[string]any{"card_type": "text_notice"},
	})
	require.NoError(t, err)
	require.Empty(t, out["response_code"])
	_, ok := srv.CardResponseCode("wwa", out["msgid"].(string))
	require.False(t, ok)
}

func chatJSON(s string, v any) error { return json.Unmarshal([]byte(s), v) }
