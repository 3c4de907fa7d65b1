package externalcontact_test

import (
	"context"
	"fmt"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// A CRM's copy of who follows which customer: a full sync, then the
// changes since. Real code keeps the snapshot in a durable store
// (store/boltstore, store/redisstore), calls Run instead of Sync and feeds
// the callback's events to Observe (EventRouter.Tap), so that relations
// are refreshed between full syncs.
func ExampleSyncer() {
	srv := wecomtest.NewServer(wecomtest.WithApp("ww-corp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}))
	defer srv.Close()
	srv.AddCustomer("ww-corp", "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Remark: "李部长"})
	client, err := wecom.New("ww-corp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	if err != nil {
		fmt.Println(err)
		return
	}
	report := func(_ context.Context, changes externalcontact.Changes) error {
		for _, c := range changes {
			fmt.Println(c.Op, c.Kind, c.UserID, c.ExternalUserID, c.Fields)
		}
		return nil // an error here keeps the old snapshot: the changes come again
	}
	syncer, err := externalcontact.NewSyncer(externalcontact.NewSource(client), store.NewMemory(), report)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	if _, err := syncer.Sync(ctx); err != nil {
		fmt.Println(err)
		return
	}

	// Meanwhile: lisi adds the customer too, zhangsan re-notes them.
	srv.AddCustomer("ww-corp", "lisi", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	remark := "李总"
	if err := externalcontact.New(client).Remark(ctx, "zhangsan", "wmA", externalcontact.RemarkUpdate{Remark: &remark}); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := syncer.Sync(ctx); err != nil {
		fmt.Println(err)
	}
	// Output:
	// added follower zhangsan  []
	// added relation zhangsan wmA []
	// added follower lisi  []
	// added relation lisi wmA []
	// changed relation zhangsan wmA [remark]
}
