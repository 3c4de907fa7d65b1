package kf_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/kf"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The pump wired to an app's callback URL: WeCom pushes kf_msg_or_event,
// the pump reads the customer's messages and the handler replies. Real
// code leaves out WithBaseURL and keeps the cursor in a durable store
// (store/boltstore, store/redisstore).
func ExamplePump() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	c := kf.New(client)
	done := make(chan struct{})
	pump := kf.NewPump(c, store.NewMemory(), kf.HandlerFunc(func(ctx context.Context, m *kf.Message) error {
		if m.MsgType == "text" {
			fmt.Println(m.ExternalUserID, "wrote", m.Text.Content)
			close(done)
		}
		return nil
	}))
	defer pump.Close()

	mc, err := crypto.New("callback-token", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "ww-corp")
	if err != nil {
		fmt.Println(err)
		return
	}
	callback := httptest.NewServer(crypto.NewHandler(mc, pump)) // your app's callback URL
	defer callback.Close()
	srv.SetAppCallback("ww-corp", 1000002, wecomtest.AppCallback{URL: callback.URL, Token: "callback-token",
		EncodingAESKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"})

	kfID := srv.AddKFAccount("ww-corp", "售后")
	srv.CustomerWrites("ww-corp", kfID, "wmCustomer", "我的订单到哪了?")
	if _, err := srv.PushKFEvent(context.Background(), "ww-corp", 1000002, kfID); err != nil {
		fmt.Println(err)
		return
	}
	<-done
	// Output:
	// wmCustomer wrote 我的订单到哪了?
}

// Reply to a customer with a text message.
func ExampleClient_Send() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	kfID := srv.AddKFAccount("ww-corp", "售后")
	srv.CustomerWrites("ww-corp", kfID, "wmCustomer", "在吗?") // opens the 48-hour window

	c := kf.New(client)
	msgID, err := c.Send(context.Background(), kfID, "wmCustomer", &kf.Text{Content: "在的,请问有什么可以帮您?"}, kf.WithMsgID("reply-001"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(msgID, srv.KFSent("ww-corp", kfID)[0].Text)
	// Output:
	// reply-001 在的,请问有什么可以帮您?
}
