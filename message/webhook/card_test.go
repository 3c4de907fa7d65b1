package webhook_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/message/webhook"
)

func TestSendTemplateCard(t *testing.T) {
	srv, bot := newRobot(t)
	ctx := context.Background()
	card := &message.TemplateCard{
		CardType:   message.CardTextNotice,
		MainTitle:  message.CardTitle{Title: "发布成功", Desc: "v1.4.2"},
		CardAction: message.CardAction{Type: 1, URL: "https://example.com/releases/1.4.2"},
	}
	require.NoError(t, bot.SendTemplateCard(ctx, card))
	got := srv.RobotMessages(key)
	require.Len(t, got, 1)
	require.Equal(t, "text_notice", got[0].CardType)
	require.JSONEq(t, `{"msgtype":"template_card","template_card":{"card_type":"text_notice","main_title":{"title":"发布成功","desc":"v1.4.2"},"card_action":{"type":1,"url":"https://example.com/releases/1.4.2"}}}`, string(got[0].Raw))

	// What a robot's card cannot have is refused before sending.
	interactive := *card
	interactive.TaskID = "t1"
	require.ErrorIs(t, bot.SendTemplateCard(ctx, &interactive), webhook.ErrInvalidArgument)
	noAction := *card
	noAction.CardAction = message.CardAction{}
	require.ErrorIs(t, bot.SendTemplateCard(ctx, &noAction), message.ErrInvalidMessage)
	require.ErrorIs(t, bot.SendTemplateCard(ctx, nil), webhook.ErrInvalidArgument)
	require.Equal(t, 1, srv.Calls("/cgi-bin/webhook/send"))
}
