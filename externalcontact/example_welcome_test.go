package externalcontact_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// Greet every new customer: WeCom pushes add_external_contact with a
// WelcomeCode, valid 20 seconds and once, and the app sends the welcome
// message with it. One call is well within the second a callback has to
// answer; slower work belongs on a queue. Real code leaves out the fake
// and serves the handler on its callback URL.
func Example_welcomeMessage() {
	const corp, token, aesKey = "ww-corp", "cbtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	srv := wecomtest.NewServer(wecomtest.WithApp(corp, wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	client, err := wecom.New(corp, "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	ec := externalcontact.New(client)

	router := externalcontact.NewEventRouter().
		OnAddCustomer(func(ctx context.Context, ev *externalcontact.CustomerEvent) error {
			if ev.WelcomeCode == "" {
				return nil // the member has a welcome message of their own, or they already talk
			}
			return ec.SendWelcome(ctx, ev.WelcomeCode, externalcontact.WelcomeMessage{Text: "你好，我是张三，有事随时找我"})
		})
	mc, err := crypto.New(token, aesKey, corp)
	if err != nil {
		fmt.Println(err)
		return
	}
	cb := httptest.NewServer(crypto.NewHandler(mc, router))
	defer cb.Close()
	srv.SetAppCallback(corp, 1000002, wecomtest.AppCallback{URL: cb.URL, Token: token, EncodingAESKey: aesKey})

	// WeCom's side: a customer adds zhangsan; the fake mints the code.
	app := wecomtest.Target{CorpID: corp, AgentID: 1000002}
	err = srv.AddCustomerAndPush(context.Background(), app, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"}, "")
	fmt.Println(err)
	for _, m := range srv.WelcomeMessages(corp) {
		fmt.Println(m.UserID, m.ExternalUserID, m.Text)
	}
	// Output:
	// <nil>
	// zhangsan wmA 你好，我是张三，有事随时找我
}
