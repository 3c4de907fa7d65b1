package message_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/wecom"
)

func TestEndpoints(t *testing.T) {
	seen := map[string]bool{}
	for _, info := range message.Endpoints() {
		require.NoError(t, info.Check(), info.Path)
		require.False(t, seen[info.Path], "%s declared twice", info.Path)
		seen[info.Path] = true
		require.Equal(t, wecom.AccessToken, info.Kind, info.Path)
		if info.Method == http.MethodPost {
			require.False(t, info.Idempotent, "%s sends: it must not be repeated after a transport failure", info.Path)
		}
	}
	require.Equal(t, map[string]bool{
		"/cgi-bin/message/send": true, "/cgi-bin/message/recall": true, "/cgi-bin/message/update_template_card": true,
		"/cgi-bin/appchat/create": true, "/cgi-bin/appchat/update": true, "/cgi-bin/appchat/get": true, "/cgi-bin/appchat/send": true,
		"/cgi-bin/linkedcorp/message/send": true,
	}, seen)
}

func TestWrongTokenKind(t *testing.T) {
	sc, err := wecom.NewServiceClient(wecom.SuiteAccessToken, wecom.StaticToken("st"), wecom.WithBaseURL("http://wecom.invalid"))
	require.NoError(t, err)
	m := message.New(sc, 1000002)
	_, err = m.Send(context.Background(), &message.Message{To: message.ToUsers("zhangsan"), Content: &message.Text{Content: "hi"}})
	require.ErrorIs(t, err, wecom.ErrWrongTokenKind)
	require.ErrorContains(t, err, "message: send: ")
	err = m.Recall(context.Background(), "m1")
	require.ErrorIs(t, err, wecom.ErrWrongTokenKind)
	require.ErrorContains(t, err, "message: recall: ")
}
