package contact_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID        = "wwcontacttest"
	agentID       = int64(1000002)
	appSecret     = "app-secret"
	contactSecret = "contact-sync-secret"
)

type fixture struct {
	srv              *wecomtest.Server
	structure, app   *wecom.Client
	structureC, appC *contact.Client
}

func newFixture(t testing.TB, depts, users int) *fixture {
	t.Helper()
	srv := wecomtest.NewServer(
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: appSecret}),
		wecomtest.WithContactSyncSecret(corpID, contactSecret),
	)
	t.Cleanup(srv.Close)
	srv.GenerateDirectory(corpID, depts, users)
	structure, err := wecom.New(corpID, contactSecret, wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	app, err := wecom.New(corpID, appSecret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL))
	require.NoError(t, err)
	return &fixture{srv: srv, structure: structure, app: app, structureC: contact.New(structure), appC: contact.New(app)}
}

func TestUserIDsPaging(t *testing.T) {
	f := newFixture(t, 5, 95) // most tenth members are in two departments: 103 rows
	ctx := context.Background()
	var rows []contact.DeptUser
	for r, err := range f.structureC.UserIDs(ctx, contact.WithPageSize(10)) {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	require.Len(t, rows, 103)
	require.Equal(t, 11, f.srv.Calls("/cgi-bin/user/list_id"))
	seen := map[contact.DeptUser]bool{}
	for _, r := range rows {
		require.False(t, seen[r], "row %v twice", r)
		seen[r] = true
	}

	// Stopping early fetches no further page.
	f.srv.ResetCalls()
	n := 0
	for _, err := range f.structureC.UserIDs(ctx, contact.WithPageSize(10)) {
		require.NoError(t, err)
		if n++; n == 15 {
			break
		}
	}
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/user/list_id"))

	// Page sizes outside 1–10000 are refused before any call.
	for _, size := range []int{0, 10001} {
		for _, err := range f.structureC.UserIDs(ctx, contact.WithPageSize(size)) {
			require.ErrorIs(t, err, contact.ErrInvalidArgument)
		}
	}
}

func TestUserIDsNeedsTheContactSyncSecret(t *testing.T) {
	f := newFixture(t, 2, 3)
	for _, err := range f.appC.UserIDs(context.Background()) {
		require.Equal(t, 48002, wecom.ErrorCode(err))
	}
	// And the contact-sync secret may not read names.
	_, err := f.structureC.User(context.Background(), "user000001")
	require.Equal(t, 48002, wecom.ErrorCode(err))
}

func TestUserIDsFailureMidPaging(t *testing.T) {
	f := newFixture(t, 3, 100)
	f.srv.Inject("/cgi-bin/user/list_id", 3, wecomtest.Fault{}) // three pages go through
	f.srv.FailNext("/cgi-bin/user/list_id", 1, 45009)
	var n int
	var last error
	for _, err := range f.structureC.UserIDs(context.Background(), contact.WithPageSize(10)) {
		if err != nil {
			last = err
			continue
		}
		n++
	}
	require.Equal(t, 30, n)
	require.Equal(t, 45009, wecom.ErrorCode(last))
	require.Contains(t, last.Error(), "page 4")
}

func TestReadCalls(t *testing.T) {
	f := newFixture(t, 20, 60)
	ctx := context.Background()

	nodes, err := f.structureC.DepartmentIDs(ctx, 0)
	require.NoError(t, err)
	require.Len(t, nodes, 20)
	sub, err := f.structureC.DepartmentIDs(ctx, 2)
	require.NoError(t, err)
	require.Equal(t, []int64{2, 10, 11, 12, 13, 14, 15, 16, 17}, ids(sub))

	ds, err := f.appC.Departments(ctx, 0)
	require.NoError(t, err)
	require.Len(t, ds, 20)
	require.Equal(t, "总部", ds[0].Name)
	require.True(t, ds[0].Known.Has(contact.FieldName|contact.FieldParentID))

	d, err := f.appC.Department(ctx, 3)
	require.NoError(t, err)
	require.Equal(t, "部门3", d.Name)
	require.EqualValues(t, 1, d.ParentID)

	u, err := f.appC.User(ctx, "user000007")
	require.NoError(t, err)
	require.Equal(t, "成员7", u.Name)
	require.True(t, u.Known.Has(contact.FieldName|contact.FieldPosition))
	require.False(t, u.Known.Has(contact.FieldMobile), "a new app gets no mobile: unknown, not empty")

	direct, err := f.appC.UsersOfDepartment(ctx, 2)
	require.NoError(t, err)
	all, err := f.appC.UsersOfDepartment(ctx, 2, contact.Recursive())
	require.NoError(t, err)
	require.Greater(t, len(all), len(direct))
	seen := map[string]bool{}
	for _, u := range all {
		require.False(t, seen[u.UserID])
		seen[u.UserID] = true
	}

	_, err = f.appC.User(ctx, "")
	require.ErrorIs(t, err, contact.ErrInvalidArgument)
}

func ids(ns []contact.DepartmentNode) []int64 {
	var out []int64
	for _, n := range ns {
		out = append(out, n.ID)
	}
	return out
}

// lines renders changes as contacts-sync prints them.
func lines(t testing.TB, cs contact.Changes) []string {
	t.Helper()
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		b, err := json.Marshal(c)
		require.NoError(t, err)
		out = append(out, string(b))
	}
	return out
}

func TestSyncerReportsChangesAndSurvivesRestart(t *testing.T) {
	f := newFixture(t, 4, 12)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "contacts.db")
	open := func() (*boltstore.Store, *contact.Syncer) {
		st, err := boltstore.Open(path)
		require.NoError(t, err)
		s, err := contact.NewSyncer(contact.NewSource(f.structure, f.app), st, nil)
		require.NoError(t, err)
		return st, s
	}
	st, s := open()
	first, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, 4, first.Count(contact.Added, contact.KindDepartment))
	require.Equal(t, 12, first.Count(contact.Added, contact.KindUser))
	require.Len(t, first, 16)
	require.Equal(t, `{"op":"added","kind":"department","id":"1"}`, lines(t, first)[0])
	require.Equal(t, `{"op":"added","kind":"user","id":"user000001"}`, lines(t, first)[4])

	again, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Empty(t, again)
	require.NoError(t, st.Close())

	// A new process on the same file: no spurious changes.
	st, s = open()
	defer st.Close()
	restarted, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Empty(t, restarted)

	// Real changes, in the documented order.
	m := f.srv.Members(corpID)[4] // user000005
	m.Position = "架构师"
	m.Department = append(m.Department, 4)
	f.srv.AddMember(corpID, m)
	f.srv.RemoveMember(corpID, "user000002")
	f.srv.AddMember(corpID, wecomtest.Member{UserID: "zz-new", Name: "新人", Department: []int64{1}})
	f.srv.AddDepartment(corpID, wecomtest.Department{ID: 10, ParentID: 1, Name: "新部门"})
	d := f.srv.Departments(corpID)[2] // 3
	d.Name = "改名"
	f.srv.AddDepartment(corpID, d)
	f.srv.RemoveDepartment(corpID, 4)

	changes, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{
		`{"op":"added","kind":"department","id":"10"}`,
		`{"op":"changed","kind":"department","id":"3","fields":["name"]}`,
		`{"op":"removed","kind":"department","id":"4"}`,
		`{"op":"added","kind":"user","id":"zz-new"}`,
		`{"op":"changed","kind":"user","id":"user000005","fields":["department","position"]}`,
		`{"op":"removed","kind":"user","id":"user000002"}`,
	}, lines(t, changes))
	require.Equal(t, "架构师", changes[4].NewUser.Position)
	require.Equal(t, "成员5", changes[4].OldUser.Name)
}

func TestSyncerFailureMidPagingKeepsSnapshot(t *testing.T) {
	f := newFixture(t, 10, 500)
	ctx := context.Background()
	st := store.NewMemory()
	var delivered atomic.Int64
	s, err := contact.NewSyncer(contact.NewSource(f.structure, f.app, contact.WithSourcePageSize(10)), st,
		func(_ context.Context, ch contact.Changes) error { delivered.Add(int64(len(ch))); return nil })
	require.NoError(t, err)
	_, err = s.Sync(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 510, delivered.Load())
	before, _, _ := st.Get(ctx, s.Key())

	f.srv.AddMember(corpID, wecomtest.Member{UserID: "user000001", Name: "改名了", Position: "产品经理", Department: []int64{2}})
	f.srv.Inject("/cgi-bin/user/list_id", 36, wecomtest.Fault{})
	f.srv.FailNext("/cgi-bin/user/list_id", 1, 45009) // page 37 of 55
	changes, err := s.Sync(ctx)
	require.Error(t, err)
	require.Equal(t, 45009, wecom.ErrorCode(err))
	require.Contains(t, err.Error(), "page 37")
	require.Empty(t, changes)
	after, _, _ := st.Get(ctx, s.Key())
	require.Equal(t, before, after, "a failed sync keeps the previous snapshot")

	changes, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{`{"op":"changed","kind":"user","id":"user000001","fields":["name"]}`}, lines(t, changes))
}

func TestSyncerDetailsFailureFailsTheSync(t *testing.T) {
	f := newFixture(t, 10, 50)
	ctx := context.Background()
	s, err := contact.NewSyncer(contact.NewSource(f.structure, f.app), store.NewMemory(), nil)
	require.NoError(t, err)
	f.srv.Inject("/cgi-bin/user/list", 5, wecomtest.Fault{})
	f.srv.FailNext("/cgi-bin/user/list", 1, 45033)
	_, err = s.Sync(ctx)
	require.Equal(t, 45033, wecom.ErrorCode(err))
	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.Nil(t, snap)
}

func TestSyncerCallbackErrorRedelivers(t *testing.T) {
	f := newFixture(t, 2, 3)
	ctx := context.Background()
	fail := true
	s, err := contact.NewSyncer(contact.NewSource(f.structure, f.app), store.NewMemory(), func(context.Context, contact.Changes) error {
		if fail {
			return errors.New("database down")
		}
		return nil
	})
	require.NoError(t, err)
	ch, err := s.Sync(ctx)
	require.ErrorContains(t, err, "database down")
	require.Len(t, ch, 5)
	fail = false
	ch, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Len(t, ch, 5, "the changes come again")
}

// Members outside the app's visible scope are known by id and departments
// only, and leaving the scope is not a change into emptiness.
func TestUnknownIsNotEmpty(t *testing.T) {
	f := newFixture(t, 3, 9)
	ctx := context.Background()
	s, err := contact.NewSyncer(contact.NewSource(f.structure, f.app), store.NewMemory(), nil)
	require.NoError(t, err)
	_, err = s.Sync(ctx)
	require.NoError(t, err)

	f.srv.SetVisibleScope(corpID, agentID, []int64{2}, nil) // departments 1 and 3 vanish from the app's view
	ch, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Empty(t, ch)
	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.Equal(t, "成员3", snap.User("user000003").Name, "the last known name is kept")

	// A change the app cannot see is not reported; one it can see is.
	m := f.srv.Members(corpID)[2] // user000003, department 1
	m.Name = "看不见"
	f.srv.AddMember(corpID, m)
	m = f.srv.Members(corpID)[0] // user000001, department 2
	m.Name = "看得见"
	f.srv.AddMember(corpID, m)
	ch, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{`{"op":"changed","kind":"user","id":"user000001","fields":["name"]}`}, lines(t, ch))

	// Fresh: a snapshot made with the narrow scope knows no names outside it.
	fresh, err := contact.NewSource(f.structure, f.app).Fetch(ctx)
	require.NoError(t, err)
	u := fresh.User("user000003")
	require.NotNil(t, u)
	require.False(t, u.Known.Has(contact.FieldName))
	require.True(t, u.Known.Has(contact.FieldDepartment))
	require.Equal(t, 3, len(fresh.Departments))
}

func TestSyncerRunAndTrigger(t *testing.T) {
	f := newFixture(t, 2, 3)
	ctx, cancel := context.WithCancel(context.Background())
	synced := make(chan contact.Changes, 10)
	s, err := contact.NewSyncer(contact.NewSource(f.structure, f.app), store.NewMemory(),
		func(_ context.Context, ch contact.Changes) error { synced <- ch; return nil },
		contact.WithInterval(1<<40), contact.WithTriggerDelay(0))
	require.NoError(t, err)
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	require.Len(t, <-synced, 5) // the first sync runs at once

	f.srv.AddMember(corpID, wecomtest.Member{UserID: "late", Department: []int64{1}})
	s.Trigger()
	s.Trigger() // coalesced
	ch := <-synced
	require.Equal(t, []string{`{"op":"added","kind":"user","id":"late"}`}, lines(t, ch))
	cancel()
	require.NoError(t, <-done)
}

// WithOnSuccess hears of every successful sync, also one that found
// nothing; WithOnError of every failed one.
func TestSyncerRunReportsOutcomes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var fail atomic.Bool
	fetch := fetcherFunc(func(context.Context) (*contact.Snapshot, error) {
		if fail.Load() {
			return nil, errors.New("WeCom down")
		}
		return &contact.Snapshot{Users: []contact.User{{UserID: "a", Known: contact.FieldDepartment}}}, nil
	})
	outcomes := make(chan string, 10)
	s, err := contact.NewSyncer(fetch, store.NewMemory(), nil,
		contact.WithInterval(1<<40), contact.WithTriggerDelay(0),
		contact.WithOnSuccess(func(ch contact.Changes) { outcomes <- fmt.Sprintf("ok %d", len(ch)) }),
		contact.WithOnError(func(error) { outcomes <- "failed" }))
	require.NoError(t, err)
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	require.Equal(t, "ok 1", <-outcomes)
	s.Trigger()
	require.Equal(t, "ok 0", <-outcomes, "nothing changed, still a success")
	fail.Store(true)
	s.Trigger()
	require.Equal(t, "failed", <-outcomes)
	cancel()
	require.NoError(t, <-done)
}

// Two syncers on one store never run at once.
func TestSyncersDoNotOverlap(t *testing.T) {
	ctx := context.Background()
	st := store.NewMemory()
	var running, maxRunning atomic.Int32
	fetch := fetcherFunc(func(context.Context) (*contact.Snapshot, error) {
		n := running.Add(1)
		defer running.Add(-1)
		for {
			m := maxRunning.Load()
			if n <= m || maxRunning.CompareAndSwap(m, n) {
				break
			}
		}
		return &contact.Snapshot{Users: []contact.User{{UserID: "a", Known: contact.FieldDepartment}}}, nil
	})
	a, err := contact.NewSyncer(fetch, st, nil, contact.WithKey("k"))
	require.NoError(t, err)
	b, err := contact.NewSyncer(fetch, st, nil, contact.WithKey("k"))
	require.NoError(t, err)
	errs := make(chan error, 40)
	for i := range 40 {
		go func() {
			s := a
			if i%2 == 1 {
				s = b
			}
			_, err := s.Sync(ctx)
			errs <- err
		}()
	}
	for range 40 {
		require.NoError(t, <-errs)
	}
	require.EqualValues(t, 1, maxRunning.Load())
}

type fetcherFunc func(context.Context) (*contact.Snapshot, error)

func (f fetcherFunc) Fetch(ctx context.Context) (*contact.Snapshot, error) { return f(ctx) }

// A larger directory end to end: small enough for -race, large enough for
// several pages and hundreds of departments.
func TestSyncLargeDirectory(t *testing.T) {
	users, depts := 20000, 400
	if testing.Short() {
		users, depts = 2000, 40
	}
	f := newFixture(t, depts, users)
	ctx := context.Background()
	s, err := contact.NewSyncer(contact.NewSource(f.structure, f.app, contact.WithSourcePageSize(5000)), store.NewMemory(), nil)
	require.NoError(t, err)
	ch, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, users, ch.Count(contact.Added, contact.KindUser))
	require.Equal(t, depts, ch.Count(contact.Added, contact.KindDepartment))
	ch, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Empty(t, ch)
}

func TestSnapshotEncoding(t *testing.T) {
	f := newFixture(t, 5, 40)
	snap, err := contact.NewSource(f.structure, f.app).Fetch(context.Background())
	require.NoError(t, err)
	raw, err := snap.MarshalBinary()
	require.NoError(t, err)
	var back contact.Snapshot
	require.NoError(t, back.UnmarshalBinary(raw))
	require.Empty(t, contact.Diff(snap, &back))
	require.Equal(t, snap.Taken.UnixNano(), back.Taken.UnixNano())
	require.Equal(t, snap.Users, back.Users)
	require.Equal(t, snap.Departments, back.Departments)

	for _, bad := range [][]byte{nil, []byte("WKCS\x01"), []byte("nope"), raw[:len(raw)/2]} {
		require.ErrorIs(t, new(contact.Snapshot).UnmarshalBinary(bad), contact.ErrCorruptSnapshot)
	}
}

func TestFieldString(t *testing.T) {
	require.Equal(t, "name|position", (contact.FieldName | contact.FieldPosition).String())
	require.True(t, strings.HasPrefix(fmt.Sprint(contact.FieldDepartment), "department"))
}
