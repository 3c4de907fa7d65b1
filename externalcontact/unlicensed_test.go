package externalcontact_test

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// CustomersOf yields every customer of the licensed members, then an
// UnlicensedError naming the members WeCom left out.
func TestCustomersOfUnlicensed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmB", Name: "王五"})
	f.srv.AddCustomer(corpID, "wangwu", wecomtest.Customer{ExternalUserID: "wmC", Name: "赵六"})
	f.srv.SetUnlicensed(corpID, "wangwu", "lisi")

	var rows []string
	var last error
	for d, err := range f.ec.CustomersOf(ctx, []string{"zhangsan", "lisi", "wangwu"}) {
		if err != nil {
			last = err
			break
		}
		rows = append(rows, d.FollowUsers[0].UserID+"/"+d.Customer.ExternalUserID)
	}
	require.Equal(t, []string{"zhangsan/wmA"}, rows, "the licensed member's customers")
	require.ErrorIs(t, last, externalcontact.ErrUnlicensed)
	var ue *externalcontact.UnlicensedError
	require.True(t, errors.As(last, &ue))
	require.Equal(t, []string{"lisi", "wangwu"}, ue.UserIDs, "sorted, each once, though listed on every page")
	require.Contains(t, last.Error(), "lisi, wangwu")
}

// A call of 100 members none of whom is licensed is refused (701008);
// those members are listed and the next call goes on.
func TestCustomersOfWholeCallUnlicensed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	members := f.srv.GenerateCustomers(corpID, 150, 2)
	f.srv.SetUnlicensed(corpID, members[:100]...)

	n := 0
	var last error
	for d, err := range f.ec.CustomersOf(ctx, members) {
		if err != nil {
			last = err
			break
		}
		require.GreaterOrEqual(t, d.FollowUsers[0].UserID, "u0100")
		n++
	}
	require.Equal(t, 50*2, n, "the second call's rows")
	var ue *externalcontact.UnlicensedError
	require.True(t, errors.As(last, &ue))
	require.Equal(t, members[:100], ue.UserIDs)
	require.Equal(t, "externalcontact: customers of 100 members left out, no interface license: "+
		"u0000, u0001, u0002, u0003, u0004, u0005, u0006, u0007, u0008, u0009 and 90 more", ue.Error())
}

// A member without a license is not read, so a sync keeps their
// relations — whatever happened to them meanwhile — and reports nothing
// about them; the others are synced as usual.
func TestSyncerKeepsUnlicensedMembers(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四"})
	f.srv.AddCustomer(corpID, "zhangsan", wecomtest.Customer{ExternalUserID: "wmB", Name: "王五"})
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmA", Name: "李四", Remark: "老李"})
	f.srv.AddCustomer(corpID, "lisi", wecomtest.Customer{ExternalUserID: "wmC", Name: "赵六"})
	s := f.syncer(t, nil)
	cs, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Len(t, cs, 2+4)

	// lisi loses the license; one of lisi's customers goes, and zhangsan
	// loses one too.
	f.srv.SetUnlicensed(corpID, "lisi")
	require.True(t, f.srv.RemoveCustomer(corpID, "lisi", "wmC"))
	require.True(t, f.srv.RemoveCustomer(corpID, "zhangsan", "wmB"))
	cs, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"removed relation zhangsan/wmB"}, summary(cs), "nothing about lisi")

	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"lisi"}, snap.Unfetched)
	require.NotNil(t, snap.Follow("lisi", "wmA"), "kept")
	require.NotNil(t, snap.Follow("lisi", "wmC"), "kept: not read is not removed")
	require.Equal(t, "老李", snap.Follow("lisi", "wmA").Remark)

	// Nothing changed since: no changes, and the snapshot still says so.
	cs, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Empty(t, cs)
}

// Every member of the only call is unlicensed (701008): the sync
// succeeds, keeps them all and reports nothing.
func TestSyncerAllUnlicensed(t *testing.T) {
	f := newSyncFixture(t)
	ctx := context.Background()
	members := f.srv.GenerateCustomers(corpID, 3, 2)
	s := f.syncer(t, nil)
	_, err := s.Sync(ctx)
	require.NoError(t, err)
	f.srv.SetUnlicensed(corpID, members...)
	require.True(t, f.srv.RemoveCustomer(corpID, "u0001", "wm0001-0001"))
	cs, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Empty(t, cs)
	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.Equal(t, members, snap.Unfetched)
	require.Len(t, snap.Follows, 6)
}

// fetcherFunc is a Fetcher from a function, for snapshots made by hand;
// customers have no relations when a refresh asks.
type fetcherFunc func(context.Context) (*externalcontact.Snapshot, error)

func (f fetcherFunc) Fetch(ctx context.Context) (*externalcontact.Snapshot, error) { return f(ctx) }
func (f fetcherFunc) Relations(context.Context, string) ([]externalcontact.Follow, error) {
	return nil, nil
}

// A refresh that does not find an unfetched member's relation keeps it;
// a licensed member's is removed as usual.
func TestSyncerRefreshKeepsUnfetched(t *testing.T) {
	ctx := context.Background()
	snaps := []*externalcontact.Snapshot{
		{Followers: []string{"a", "b"}, Unfetched: []string{"b"},
			Follows: []externalcontact.Follow{{UserID: "a", ExternalUserID: "w1"}}},
	}
	src := fetcherFunc(func(context.Context) (*externalcontact.Snapshot, error) { return snaps[0], nil })
	st := store.NewMemory()
	s, err := externalcontact.NewSyncer(src, st, nil)
	require.NoError(t, err)
	prev := &externalcontact.Snapshot{Followers: []string{"a", "b"},
		Follows: []externalcontact.Follow{{UserID: "a", ExternalUserID: "w1"}, {UserID: "b", ExternalUserID: "w2"}}}
	_, err = s.Sync(ctx) // nothing stored yet: b has no relations to keep
	require.NoError(t, err)
	raw, err := (&externalcontact.Snapshot{Followers: prev.Followers, Follows: prev.Follows, Unfetched: []string{"b"}}).MarshalBinary()
	require.NoError(t, err)
	require.NoError(t, st.Set(ctx, s.Key(), string(raw), 0))

	s.Mark("b", "w2")
	s.Mark("a", "w1")
	cs, err := s.Refresh(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"removed relation a/w1"}, summary(cs), "b/w2 kept")
	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.NotNil(t, snap.Follow("b", "w2"))
	require.Equal(t, []string{"b"}, snap.Unfetched)
}

// Once a member is read again, the sync reports what changed while they
// were not, and the snapshot no longer lists them as unfetched.
func TestSyncerUnfetchedRecovers(t *testing.T) {
	ctx := context.Background()
	rel := func(u, x, remark string) externalcontact.Follow {
		return externalcontact.Follow{UserID: u, ExternalUserID: x, Remark: remark}
	}
	snaps := []*externalcontact.Snapshot{
		{Followers: []string{"a", "b"}, Follows: []externalcontact.Follow{rel("a", "w1", ""), rel("b", "w2", ""), rel("b", "w3", "")}},
		// b unread: whatever the fetcher says of b is ignored.
		{Followers: []string{"a", "b"}, Unfetched: []string{"b"}, Follows: []externalcontact.Follow{rel("a", "w1", "x"), rel("b", "w9", "")}},
		// b read again: w3 went, w2 was re-remarked.
		{Followers: []string{"a", "b"}, Follows: []externalcontact.Follow{rel("a", "w1", "x"), rel("b", "w2", "y")}},
	}
	i := 0
	src := fetcherFunc(func(context.Context) (*externalcontact.Snapshot, error) { i++; return snaps[i-1], nil })
	s, err := externalcontact.NewSyncer(src, store.NewMemory(), nil)
	require.NoError(t, err)
	_, err = s.Sync(ctx)
	require.NoError(t, err)

	cs, err := s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"changed relation a/w1 [remark]"}, summary(cs))
	snap, err := s.Snapshot(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"b"}, snap.Unfetched)
	require.Len(t, snap.Follows, 3)

	cs, err = s.Sync(ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"changed relation b/w2 [remark]", "removed relation b/w3"}, summary(cs))
	snap, err = s.Snapshot(ctx)
	require.NoError(t, err)
	require.Empty(t, snap.Unfetched)
}

// Unfetched survives the store; a snapshot of the first format still
// loads.
func TestSnapshotUnfetchedEncoding(t *testing.T) {
	in := &externalcontact.Snapshot{Taken: time.Unix(1700000000, 0), Followers: []string{"a", "b"}, Unfetched: []string{"b"},
		Follows: []externalcontact.Follow{{UserID: "b", ExternalUserID: "w1"}}}
	raw, err := in.MarshalBinary()
	require.NoError(t, err)
	var out externalcontact.Snapshot
	require.NoError(t, out.UnmarshalBinary(raw))
	require.Equal(t, []string{"b"}, out.Unfetched)

	// Version 1: taken 0, followers ["u"], no follows.
	var v1 bytes.Buffer
	v1.WriteString("WKES\x01")
	fw, err := flate.NewWriter(&v1, flate.BestSpeed)
	require.NoError(t, err)
	_, err = fw.Write([]byte{0, 1, 1, 'u', 0})
	require.NoError(t, err)
	require.NoError(t, fw.Close())
	var old externalcontact.Snapshot
	require.NoError(t, old.UnmarshalBinary(v1.Bytes()))
	require.Equal(t, []string{"u"}, old.Followers)
	require.Empty(t, old.Unfetched)

	// Unfetched out of order is refused.
	bad := &externalcontact.Snapshot{Unfetched: []string{"b", "a"}}
	raw, err = bad.MarshalBinary()
	require.NoError(t, err)
	require.ErrorIs(t, out.UnmarshalBinary(raw), externalcontact.ErrCorruptSnapshot)
}
