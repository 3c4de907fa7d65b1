package message_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wecomkit/wecomkit/message"
	"github.com/wecomkit/wecomkit/wecom"
)

// cannedTransport answers every request at once without a network: a
// token for gettoken and a message/send answer for the rest.
type cannedTransport struct{}

func (cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	body := `{"errcode":0,"errmsg":"ok","invaliduser":"","msgid":"m1"}`
	if strings.HasSuffix(r.URL.Path, "/gettoken") {
		body = `{"errcode":0,"errmsg":"ok","access_token":"tok","expires_in":7200}`
	}
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

func benchClient(b *testing.B) *wecom.Client {
	c, err := wecom.New("wwbench", "s", wecom.WithAgentID(1000002), wecom.WithBaseURL("http://wecom.invalid"),
		wecom.WithHTTPClient(&http.Client{Transport: cannedTransport{}}))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := c.AccessToken(context.Background()); err != nil {
		b.Fatal(err)
	}
	return c
}

// BenchmarkSendText is Send of a text message over a transport that
// answers at once; compare its allocs with BenchmarkBarePost, the same
// call made with Client.Post (target: ≤ 5 allocs more).
func BenchmarkSendText(b *testing.B) {
	m := message.New(benchClient(b), 1000002)
	msg := &message.Message{To: message.ToUsers("zhangsan"), Content: &message.Text{Content: "您有一份合同待签署"}}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := m.Send(ctx, msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBarePost(b *testing.B) {
	c := benchClient(b)
	type text struct {
		Content string `json:"content"`
	}
	type body struct {
		ToUser  string `json:"touser"`
		MsgType string `json:"msgtype"`
		AgentID int64  `json:"agentid"`
		Text    *text  `json:"text"`
	}
	var out struct {
		MsgID string `json:"msgid"`
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		bd := &body{ToUser: "zhangsan", MsgType: "text", AgentID: 1000002, Text: &text{Content: "您有一份合同待签署"}}
		if err := c.Post(ctx, "/cgi-bin/message/send", nil, bd, &out); err != nil {
			b.Fatal(err)
		}
	}
}
