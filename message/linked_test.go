package message_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func linkedServer(t *testing.T) (*wecomtest.Server, *message.Client) {
	srv, c := newServer(t, nil, 3)
	srv.AddLinkedCorp(corpID, wecomtest.LinkedCorp{
		CorpID: "wwlinked", LinkedID: "lk",
		Departments: []wecomtest.Department{{ID: 1, Name: "总部"}, {ID: 2, ParentID: 1, Name: "研发"}, {ID: 3, ParentID: 1, Name: "销售"}},
		Members: []wecomtest.LinkedMember{
			{UserID: "zhangsan", Name: "张三", Department: []int64{2}},
			{UserID: "lisi", Name: "李四", Department: []int64{2}},
			{UserID: "wangwu", Name: "王五", Department: []int64{3}},
		},
		ScopeDepartments: []int64{2},
	})
	return srv, message.New(c, agentID)
}

func TestSendLinked(t *testing.T) {
	srv, m := linkedServer(t)
	ctx := context.Background()
	res, err := m.SendLinked(ctx, &message.LinkedMessage{
		To: message.LinkedRecipients{
			Users:   []string{"wwlinked/zhangsan", "wwlinked/wangwu", "user000001", "wwother/x"},
			Parties: []string{"lk/2", "lk/3"},
			Tags:    []string{"lk/9"},
		},
		Content: &message.Text{Content: "你好" + strings.Repeat("a", 2100)},
		Safe:    true,
	})
	require.NoError(t, err)
	require.Equal(t, []string{"wwlinked/wangwu", "wwother/x"}, res.InvalidUsers, "outside the scope, unknown")
	require.Equal(t, []string{"lk/3"}, res.InvalidParties)
	require.Equal(t, []string{"lk/9"}, res.InvalidTags)
	require.True(t, res.Partial())
	require.Equal(t, []string{"text.content"}, res.Truncated)

	sent := srv.LinkedMessages(corpID)
	require.Len(t, sent, 1)
	require.Equal(t, "text", sent[0].MsgType)
	require.Equal(t, agentID, sent[0].AgentID)
	require.Equal(t, []string{"wwlinked/zhangsan", "user000001", "wwlinked/lisi"}, sent[0].Delivered)
	var body map[string]any
	require.NoError(t, json.Unmarshal(sent[0].Body, &body))
	require.Equal(t, []any{"wwlinked/zhangsan", "wwlinked/wangwu", "user000001", "wwother/x"}, body["touser"], "ids as arrays, not joined by |")
	require.EqualValues(t, 1, body["safe"])
	require.NotContains(t, body, "toall")
	require.Empty(t, srv.Messages(corpID), "not a message/send")

	res, err = m.SendLinked(ctx, &message.LinkedMessage{To: message.LinkedRecipients{All: true, Users: []string{"ignored"}},
		Content: &message.Markdown{Content: "**hi**"}})
	require.NoError(t, err)
	require.False(t, res.Partial())
	sent = srv.LinkedMessages(corpID)
	require.Len(t, sent, 2)
	require.Equal(t, []string{"wwlinked/lisi", "wwlinked/zhangsan"}, sent[1].Delivered, "toall: the whole scope")
	require.Equal(t, "**hi**", sent[1].Fields["markdown.content"])

	_, err = m.SendLinked(ctx, &message.LinkedMessage{To: message.LinkedRecipients{Users: []string{"wwlinked/nobody"}},
		Content: &message.Text{Content: "x"}})
	require.Equal(t, 81013, wecom.ErrorCode(err))
	require.ErrorContains(t, err, "message: send to linked corporations: ")

	for name, msg := range map[string]*message.LinkedMessage{
		"no content":    {To: message.LinkedRecipients{All: true}},
		"no recipients": {Content: &message.Text{Content: "x"}},
		"template card": {To: message.LinkedRecipients{All: true}, Content: &message.TemplateCard{CardType: "text_notice"}},
		"empty id":      {To: message.LinkedRecipients{Parties: []string{""}}, Content: &message.Text{Content: "x"}},
		"101 parties":   {To: message.LinkedRecipients{Parties: make([]string, 101)}, Content: &message.Text{Content: "x"}},
		"empty text":    {To: message.LinkedRecipients{All: true}, Content: &message.Text{}},
	} {
		_, err := m.SendLinked(ctx, msg)
		require.ErrorIs(t, err, message.ErrInvalidMessage, name)
	}
	_, err = message.New(nil, agentID).SendLinked(ctx, &message.LinkedMessage{To: message.LinkedRecipients{All: true}, Content: &message.Text{Content: "x"}})
	require.Error(t, err)
	require.Len(t, srv.LinkedMessages(corpID), 2)
}

func TestSendLinkedStrict(t *testing.T) {
	_, c := newServer(t, nil, 1)
	m := message.New(c, agentID, message.Strict())
	_, err := m.SendLinked(context.Background(), &message.LinkedMessage{To: message.LinkedRecipients{All: true},
		Content: &message.Text{Content: strings.Repeat("a", 2049)}})
	require.ErrorIs(t, err, message.ErrTooLong)
}
