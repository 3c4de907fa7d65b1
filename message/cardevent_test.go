package message_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/message"
)

// The sample is the shape on WeCom's page (doc 90240).
func TestParseCardEvent(t *testing.T) {
	ev, err := crypto.ParseEvent([]byte(`<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName>
<CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event>
<EventKey><![CDATA[key111]]></EventKey><TaskId><![CDATA[taskid111]]></TaskId><CardType><![CDATA[vote_interaction]]></CardType>
<ResponseCode><![CDATA[ResponseCode]]></ResponseCode><AgentID>1</AgentID>
<SelectedItems><SelectedItem><QuestionKey><![CDATA[QuestionKey1]]></QuestionKey><OptionIds><OptionId><![CDATA[OptionId1]]></OptionId><OptionId><![CDATA[OptionId2]]></OptionId></OptionIds></SelectedItem>
<SelectedItem><QuestionKey><![CDATA[QuestionKey2]]></QuestionKey><OptionIds><OptionId><![CDATA[OptionId3]]></OptionId></OptionIds></SelectedItem></SelectedItems></xml>`))
	require.NoError(t, err)
	e, err := message.ParseCardEvent(ev)
	require.NoError(t, err)
	require.Equal(t, &message.CardEvent{
		UserID: "FromUser", CorpID: "toUser", AgentID: 1, At: time.Unix(123456789, 0),
		TaskID: "taskid111", CardType: "vote_interaction", EventKey: "key111", ResponseCode: "ResponseCode",
		Selected: []message.CardSelection{
			{QuestionKey: "QuestionKey1", OptionIDs: []string{"OptionId1", "OptionId2"}},
			{QuestionKey: "QuestionKey2", OptionIDs: []string{"OptionId3"}},
		},
	}, e)
	require.NotContains(t, fmt.Sprint(e), "ResponseCode", "the one-time code (here the text ResponseCode) stays out of logs")

	ev, err = crypto.ParseEvent([]byte(`<xml><Event>template_card_menu_event</Event><TaskId>t</TaskId><EventKey>cancel</EventKey><ResponseCode>rc</ResponseCode></xml>`))
	require.NoError(t, err)
	e, err = message.ParseCardEvent(ev)
	require.NoError(t, err)
	require.True(t, e.Menu)
	require.Equal(t, "cancel", e.EventKey)

	ev, err = crypto.ParseEvent([]byte(`<xml><MsgType>event</MsgType><Event>enter_agent</Event></xml>`))
	require.NoError(t, err)
	_, err = message.ParseCardEvent(ev)
	require.ErrorIs(t, err, message.ErrNotCardEvent)
	_, err = message.ParseCardEvent(nil)
	require.ErrorIs(t, err, message.ErrNotCardEvent)
}
