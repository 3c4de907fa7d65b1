package externalcontact_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const batchPath = "/cgi-bin/externalcontact/batch/get_by_user"

type syncFixture struct {
	*fixture
	client *wecom.Client
	st     store.Store
	src    *externalcontact.Source
	clock  time.Time
}

func newSyncFixture(t *testing.T) *syncFixture {
	t.Helper()
	f := newFixture(t)
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(f.srv.URL))
	require.NoError(t, err)
	t0 := time.Unix(1700000000, 0)
	return &syncFixture{fixture: f, client: c, st: store.NewMemory(), clock: t0,
		src: externalcontact.NewSource(c, externalcontact.WithSourceClock(func() time.Time { return t0 }))}
}

func (f *syncFixture) syncer(t *testing.T, onChange func(context.Context, externalcontact.Changes) error, opts ...externalcontact.SyncerOption) *externalcontact.Syncer {
	t.Helper()
	s, err := externalcontact.NewSyncer(f.src, f.st, onChange, opts...)
	require.NoError(t, err)
	return s
}

// summary renders changes one per line, in their order.
func summary(cs externalcontact.Changes) []string {
	var out []string
	for _, c := range cs {
		line := fmt.Sprintf("%s %s %s", c.Op, c.Kind, c.UserID)
		if c.ExternalUserID != "" {
			line += "/" + c.ExternalUserID
		}
		if c.Fields != nil {
			line += fmt.Sprint(" ", c.Fields)
		}
		out = append(out, line)
	}
	return out
}

func TestSyncerFullSync(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Remark: "李部长", State: "qr1", AddWay: 1})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "王五"})
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Remark: "老李"})
	var got []externalcontact.Changes
	s := f.syncer(t, func(_ context.Context, cs externalcontact.Changes) error { got = append(got, cs); return nil })
	require.Equal(t, "externalcontact:snapshot:"+corpID, s.Key())

	cs, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{
		"added follower lisi", "added follower zhangsan",
		"added relation lisi/wmA", "added relation zhangsan/wmA", "added relation zhangsan/wmB",
	}, summary(cs))
	require.Len(t, got, 1)
	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"lisi", "zhangsan"}, snap.Followers)
	a := snap.Follow("zhangsan", "wmA")
	require.NotNil(t, a)
	require.Equal(t, "李部长", a.Remark)
	require.Equal(t, "qr1", a.State)
	require.Equal(t, 1, a.AddWay)
	require.Len(t, snap.CustomersOf("zhangsan"), 2)
	require.Nil(t, snap.Follow("lisi", "wmB"))

	// Nothing changed: no changes, no callback.
	cs, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Empty(t, cs)
	require.Len(t, got, 1)

	// Remarks, tags, a new customer, a lost customer, a follower gone.
	g, err := f.ec.AddCorpTags(ctx, externalcontact.NewTags{GroupName: "等级", Tags: []externalcontact.NewTag{{Name: "金"}, {Name: "银"}}})
	require.NoError(t, err)
	require.NoError(t, f.ec.MarkTags(ctx, "zhangsan", "wmB", []string{g.Tags[1].ID, g.Tags[0].ID}, nil))
	d := "大客户"
	require.NoError(t, f.ec.Remark(ctx, "zhangsan", "wmA", externalcontact.RemarkUpdate{Description: &d}))
	require.True(t, f.srv.RemoveCustomer(corpID, "lisi", "wmA"))
	f.srv.AddCustomer(corpID, "wangwu", wecomtest.Customer{ExternalUserID: "wmC", Name: "赵六"})
	cs, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{
		"added follower wangwu",
		"removed follower lisi",
		"added relation wangwu/wmC",
		"changed relation zhangsan/wmA [description]",
		"changed relation zhangsan/wmB [tag_id]",
		"removed relation lisi/wmA",
	}, summary(cs))
	tagged := cs[4]
	require.Equal(t, []string{g.Tags[0].ID, g.Tags[1].ID}, tagged.TagsAdded(), "sorted")
	require.Empty(t, tagged.TagsRemoved())
	require.Equal(t, "老李", cs[5].Old.Remark)
	require.Nil(t, cs[5].New)
	require.Equal(t, 2, cs.Count(externalcontact.OpAdded, externalcontact.ChangeOfRelation)+cs.Count(externalcontact.OpRemoved, externalcontact.ChangeOfRelation))
}

// A failure on a later page of batch/get_by_user fails the whole sync:
// no removals reported, nothing handed over, the stored snapshot kept.
func TestSyncerFailureMidPaging(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	members := f.srv.GenerateCustomers(corpID, 150, 3) // 450 rows: 100 userids, then 50; several pages
	calls := 0
	s := f.syncer(t, func(context.Context, externalcontact.Changes) error { calls++; return nil })
	cs, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Len(t, cs, 150+450)
	before, ok, err := f.st.Get(ctx, s.Key())
	require.NoError(t, err)
	require.True(t, ok)
	pages := f.srv.Calls(batchPath)
	require.Greater(t, pages, 3)

	// Relations go away; then the second page fails.
	require.True(t, f.srv.RemoveCustomer(corpID, members[0], "wm0000-0000"))
	require.True(t, f.srv.RemoveCustomer(corpID, members[149], "wm0149-0002"))
	f.srv.Inject(batchPath, 2, wecomtest.Fault{}) // two pages answer normally …
	f.srv.FailNext(batchPath, 1, 45033)           // … the third fails
	cs, err = s.Sync(ctx)
	require.Error(t, err)
	require.Equal(t, 45033, wecom.ErrorCode(err))
	require.Empty(t, cs, "no removals from a partial read")
	require.Equal(t, 1, calls, "nothing handed over")
	after, _, err := f.st.Get(ctx, s.Key())
	require.NoError(t, err)
	require.Equal(t, before, after, "the stored snapshot stands")
	require.Equal(t, pages+3, f.srv.Calls(batchPath), "the sync stopped at the failure")

	// The next sync reports exactly what went.
	cs, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"removed relation u0000/wm0000-0000", "removed relation u0149/wm0149-0002"}, summary(cs))
}

// A changes callback that fails leaves the snapshot, so the changes come
// again.
func TestSyncerCallbackFailure(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	fail := true
	s := f.syncer(t, func(context.Context, externalcontact.Changes) error {
		if fail {
			return fmt.Errorf("crm down")
		}
		return nil
	})
	cs, err := s.Sync(ctx)
	require.ErrorContains(t, err, "crm down")
	require.Len(t, cs, 2)
	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.Nil(t, snap)
	fail = false
	cs, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Len(t, cs, 2, "the same changes again")
}

// A new Syncer on the same store diffs against the stored snapshot.
func TestSyncerRestart(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	f.srv.GenerateCustomers(corpID, 20, 5)
	first := f.syncer(t, nil)
	cs, err := first.Sync(ctx)
	require.NoError(t, err)
	require.Len(t, cs, 20+100)

	// While no process runs: one customer gone, one re-remarked, one new.
	require.True(t, f.srv.RemoveCustomer(corpID, "u0003", "wm0003-0004"))
	r := "新"
	require.NoError(t, f.ec.Remark(ctx, "u0010", "wm0010-0000", externalcontact.RemarkUpdate{Remark: &r}))
	f.srv.AddCustomer(corpID, "u0019", wecomtest.Customer{ExternalUserID: "wmNew", Name: "新客户"})

	second := f.syncer(t, nil) // a restarted process
	cs, err = second.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{
		"added relation u0019/wmNew",
		"changed relation u0010/wm0010-0000 [remark]",
		"removed relation u0003/wm0003-0004",
	}, summary(cs))
	require.Equal(t, "备注", cs[1].Old.Remark)
	require.Equal(t, "新", cs[1].New.Remark)
}

// Events mark relations; a refresh reads just those customers.
func TestSyncerRefreshFromEvents(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmB", Name: "王五"})
	t1 := f.clock.Add(time.Hour)
	s := f.syncer(t, nil, externalcontact.WithSyncClock(func() time.Time { return t1 }))

	// No snapshot yet: a refresh is a full sync.
	s.Mark("zhangsan", "wmA")
	cs, err := s.Refresh(ctx)
	require.NoError(t, err)
	require.Len(t, cs, 4)
	require.Zero(t, s.Pending(), "the full sync covered the mark")

	// The app's callback: the router hands every event to the Syncer.
	r := externalcontact.NewEventRouter().Tap(s.Observe)
	mc, err := crypto.New(cbToken, cbKey, corpID)
	require.NoError(t, err)
	cb := httptest.NewServer(crypto.NewHandler(mc, r))
	t.Cleanup(cb.Close)
	f.srv.SetAppCallback(corpID, agentID, wecomtest.AppCallback{URL: cb.URL, Token: cbToken, EncodingAESKey: cbKey})
	app := wecomtest.Target{CorpID: corpID, AgentID: agentID}
	observe := func(ev wecomtest.ExternalContactEvent) {
		t.Helper()
		require.NoError(t, f.srv.PushExternalContactEvent(ctx, app, ev))
	}

	// A new customer, a remark, a deletion — each announced by its event.
	require.NoError(t, f.srv.AddCustomerAndPush(ctx, app, "zhangsan", wecomtest.Customer{ExternalUserID: "wmC", Name: "赵六", State: "qr9"}, "WC"))
	rem := "老王"
	require.NoError(t, f.ec.Remark(ctx, "lisi", "wmB", externalcontact.RemarkUpdate{Remark: &rem}))
	observe(wecomtest.ExternalContactEvent{ChangeType: externalcontact.ChangeEditCustomer, UserID: "lisi", ExternalUserID: "wmB"})
	require.True(t, f.srv.RemoveCustomer(corpID, "zhangsan", "wmA"))
	observe(wecomtest.ExternalContactEvent{ChangeType: externalcontact.ChangeDeleteCustomer, UserID: "zhangsan", ExternalUserID: "wmA"})
	observe(wecomtest.ExternalContactEvent{ChangeType: externalcontact.ChangeTransferFail, UserID: "x", ExternalUserID: "wmZ"})
	require.Equal(t, 3, s.Pending(), "transfer_fail changes no relation")

	// A refresh that fails keeps its marks and the snapshot.
	before, _, _ := f.st.Get(ctx, s.Key())
	f.srv.FailNext("/cgi-bin/externalcontact/get", 1, 45033)
	_, err = s.Refresh(ctx)
	require.Equal(t, 45033, wecom.ErrorCode(err))
	require.Equal(t, 3, s.Pending())
	after, _, _ := f.st.Get(ctx, s.Key())
	require.Equal(t, before, after)

	gets, batches := f.srv.Calls("/cgi-bin/externalcontact/get"), f.srv.Calls(batchPath)
	cs, err = s.Refresh(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{
		"added relation zhangsan/wmC",
		"changed relation lisi/wmB [remark]",
		"removed relation zhangsan/wmA",
	}, summary(cs))
	require.Equal(t, "qr9", cs[0].New.State)
	require.Equal(t, gets+3, f.srv.Calls("/cgi-bin/externalcontact/get"), "one get per marked customer")
	require.Equal(t, batches, f.srv.Calls(batchPath), "no full sync")
	require.Zero(t, s.Pending())
	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.Equal(t, t1, snap.Taken)

	// A full sync finds the copy already in step.
	cs, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Empty(t, cs)

	// A deleted tag asks for a full sync; too many marks too.
	observe(wecomtest.ExternalContactEvent{Kind: externalcontact.KindTag, ChangeType: externalcontact.ChangeDelete, ID: "et1"})
	small := f.syncer(t, nil, externalcontact.WithMaxMarks(2))
	small.Mark("a", "wm1")
	small.Mark("a", "wm2")
	require.Equal(t, 2, small.Pending())
	small.Mark("a", "wm3")
	require.Zero(t, small.Pending(), "over the limit: a full sync instead")
}

// Run syncs at once, then refreshes after marks.
func TestSyncerRun(t *testing.T) {
	f := newSyncFixture(t)
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	done := make(chan externalcontact.Changes, 4)
	var mu sync.Mutex
	var errs []error
	s := f.syncer(t, nil, externalcontact.WithRefreshDelay(0), externalcontact.WithSyncInterval(time.Hour),
		externalcontact.WithSyncOnSuccess(func(cs externalcontact.Changes) { done <- cs }),
		externalcontact.WithSyncOnError(func(err error) { mu.Lock(); errs = append(errs, err); mu.Unlock() }))
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- s.Run(ctx) }()
	wait := func() externalcontact.Changes {
		t.Helper()
		select {
		case cs := <-done:
			return cs
		case <-time.After(30 * time.Second):
			t.Fatal("Run did not finish a sync")
			return nil
		}
	}
	require.Len(t, wait(), 2, "the first full sync")
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "王五"})
	s.Mark("zhangsan", "wmB")
	require.Equal(t, []string{"added relation zhangsan/wmB"}, summary(wait()))
	cancel()
	require.NoError(t, <-stopped)
	mu.Lock()
	require.Empty(t, errs)
	mu.Unlock()
}

func TestNewSyncerRefuses(t *testing.T) {
	_, err := externalcontact.NewSyncer(nil, store.NewMemory(), nil)
	require.ErrorIs(t, err, externalcontact.ErrInvalidSyncer)
}
