package externalcontact_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// The welcome flow: a member adds a customer, WeCom pushes
// add_external_contact to the app's callback with a WelcomeCode, and the
// app answers with a welcome message (externalcontact/send_welcome_msg,
// within 20 seconds). The router hands the code over typed; sending is
// left to the welcome-message call. Real code leaves out the fake and
// serves the handler on its callback URL.
func ExampleEventRouter_OnAddCustomer() {
	const corp, token, aesKey = "ww-corp", "cbtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	srv := wecomtest.NewServer(wecomtest.WithApp(corp, wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()

	welcome := make(chan *externalcontact.CustomerEvent, 1)
	router := externalcontact.NewEventRouter().
		OnAddCustomer(func(ctx context.Context, ev *externalcontact.CustomerEvent) error {
			if ev.WelcomeCode != "" {
				welcome <- ev // answer quickly; send the welcome message from a worker
			}
			return nil
		}).
		OnDeleteFollower(func(ctx context.Context, ev *externalcontact.CustomerEvent) error {
			fmt.Println("customer", ev.ExternalUserID, "deleted", ev.UserID)
			return nil
		})
	mc, err := crypto.New(token, aesKey, corp)
	if err != nil {
		fmt.Println(err)
		return
	}
	cb := httptest.NewServer(crypto.NewHandler(mc, router))
	defer cb.Close()
	srv.SetAppCallback(corp, 1000002, wecomtest.AppCallback{URL: cb.URL, Token: token, EncodingAESKey: aesKey})

	// WeCom's side: zhangsan adds a customer through a contact way.
	app := wecomtest.Target{CorpID: corp, AgentID: 1000002}
	ctx := context.Background()
	err = srv.AddCustomerAndPush(ctx, app, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", State: "expo-2026"}, "WELCOME-CODE-1")
	if err != nil {
		fmt.Println(err)
		return
	}
	ev := <-welcome
	fmt.Println(ev.CorpID, ev.UserID, ev.ExternalUserID, ev.State, ev.WelcomeCode)
	// Here the worker would send the welcome message with ev.WelcomeCode.

	err = srv.PushExternalContactEvent(ctx, app, wecomtest.ExternalContactEvent{
		ChangeType: externalcontact.ChangeDeleteFollower, UserID: "zhangsan", ExternalUserID: "wmA"})
	fmt.Println(err)
	// Output:
	// ww-corp zhangsan wmA expo-2026 WELCOME-CODE-1
	// customer wmA deleted zhangsan
	// <nil>
}
