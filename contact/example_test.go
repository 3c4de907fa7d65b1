package contact_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func ExampleDiff() {
	old := &contact.Snapshot{
		Departments: []contact.Department{{ID: 1, Name: "总部", Known: contact.FieldName}},
		Users: []contact.User{
			{UserID: "lisi", Name: "李四", Department: []int64{1}, Known: contact.FieldName | contact.FieldDepartment},
			{UserID: "zhangsan", Name: "张三", Position: "工程师", Department: []int64{1}, Known: contact.FieldName | contact.FieldPosition | contact.FieldDepartment},
		},
	}
	new := &contact.Snapshot{
		Departments: []contact.Department{
			{ID: 1, Name: "总部", Known: contact.FieldName},
			{ID: 2, ParentID: 1, Name: "研发部", Known: contact.FieldName | contact.FieldParentID},
		},
		Users: []contact.User{
			// The position is not known this time: that is no change.
			{UserID: "zhangsan", Name: "张三", Department: []int64{1, 2}, Known: contact.FieldName | contact.FieldDepartment},
			{UserID: "wangwu", Name: "王五", Department: []int64{2}, Known: contact.FieldName | contact.FieldDepartment},
		},
	}
	new.Sort()
	for _, c := range contact.Diff(old, new) {
		line, _ := json.Marshal(c)
		fmt.Println(string(line))
	}
	// Output:
	// {"op":"added","kind":"department","id":"2"}
	// {"op":"added","kind":"user","id":"wangwu"}
	// {"op":"changed","kind":"user","id":"zhangsan","fields":["department"]}
	// {"op":"removed","kind":"user","id":"lisi"}
}

func ExampleSyncer() {
	// A fake WeCom with a small directory; real code leaves out WithBaseURL.
	srv := wecomtest.NewServer(
		wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1000002, Secret: "app-secret"}),
		wecomtest.WithContactSyncSecret("wwcorp", "contact-sync-secret"),
	)
	defer srv.Close()
	srv.GenerateDirectory("wwcorp", 2, 3)

	structure, _ := wecom.New("wwcorp", "contact-sync-secret", wecom.WithBaseURL(srv.URL))
	app, _ := wecom.New("wwcorp", "app-secret", wecom.WithAgentID(1000002), wecom.WithBaseURL(srv.URL))
	st := store.NewMemory() // boltstore or redisstore in production: the snapshot survives restarts

	syncer, _ := contact.NewSyncer(contact.NewSource(structure, app), st, func(_ context.Context, changes contact.Changes) error {
		for _, c := range changes {
			fmt.Println(c.Op, c.Kind, c.ID, c.Fields)
		}
		return nil
	})
	ctx := context.Background()
	_, _ = syncer.Sync(ctx) // the first sync: everything is added

	m := srv.Members("wwcorp")[0]
	m.Position = "架构师"
	srv.AddMember("wwcorp", m)
	fmt.Println("-- after a change:")
	_, _ = syncer.Sync(ctx) // Run does this every 10 minutes and after Trigger
	// Output:
	// added department 1 []
	// added department 2 []
	// added user user000001 []
	// added user user000002 []
	// added user user000003 []
	// -- after a change:
	// changed user user000001 [position]
}
