package wecomtest_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestPushApp(t *testing.T) {
	srv := wecomtest.NewServer()
	defer srv.Close()
	const token, key = "apptoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	mc, err := crypto.New(token, key, "ww1")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	cb := httptest.NewServer(crypto.NewHandler(mc, crypto.HandlerFunc(func(ctx context.Context, ev *crypto.Event) ([]byte, error) {
		got <- ev.Event
		return nil, nil
	})))
	defer cb.Close()
	ctx := context.Background()
	if err := srv.PushApp(ctx, "ww1", 1000002, []byte("<xml><MsgType>event</MsgType><Event>enter_agent</Event></xml>")); err == nil {
		t.Fatal("PushApp without a callback: no error")
	}
	srv.SetAppCallback("ww1", 1000002, wecomtest.AppCallback{URL: cb.URL, Token: token, EncodingAESKey: key})
	if err := srv.PushApp(ctx, "ww1", 1000002, []byte("<xml><ToUserName><![CDATA[ww1]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event></xml>")); err != nil {
		t.Fatal(err)
	}
	if ev := <-got; ev != "enter_agent" {
		t.Fatalf("event %q", ev)
	}
}
