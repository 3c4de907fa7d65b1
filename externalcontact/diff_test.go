package externalcontact_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
)

func rel(u, x, remark string, tags ...string) externalcontact.Follow {
	return externalcontact.Follow{UserID: u, ExternalUserID: x, Remark: remark, TagIDs: tags}
}

// Diff's order is fixed — followers before relations; added, changed,
// removed; by userid then external userid — whatever order the
// snapshots' slices are in.
func TestDiffOrder(t *testing.T) {
	old := &externalcontact.Snapshot{
		Followers: []string{"zhao", "amy", "bob"},
		Follows: []externalcontact.Follow{
			rel("bob", "wm2", "b"), rel("amy", "wm9", "a"), rel("zhao", "wm1", ""), rel("amy", "wm1", "x", "et1"),
			rel("bob", "wm1", "same"),
		},
	}
	new := &externalcontact.Snapshot{
		Followers: []string{"bob", "amy", "carl"},
		Follows: []externalcontact.Follow{
			rel("carl", "wm3", ""), rel("amy", "wm1", "y", "et2"), rel("bob", "wm1", "same"), rel("amy", "wm0", ""),
			{UserID: "bob", ExternalUserID: "wm2", Remark: "b", Description: "d", RemarkMobiles: []string{"1"}, CreateTime: 5, AddWay: 2, State: "s", RemarkCorpName: "c"},
		},
	}
	want := []string{
		"added follower carl",
		"removed follower zhao",
		"added relation amy/wm0",
		"added relation carl/wm3",
		"changed relation amy/wm1 [remark tag_id]",
		"changed relation bob/wm2 [add_way createtime description remark_corp_name remark_mobiles state]",
		"removed relation amy/wm9",
		"removed relation zhao/wm1",
	}
	cs := externalcontact.Diff(old, new)
	require.Equal(t, want, summary(cs))
	require.Equal(t, []string{"et2"}, cs[4].TagsAdded())
	require.Equal(t, []string{"et1"}, cs[4].TagsRemoved())
	require.Equal(t, "x", cs[4].Old.Remark)
	require.Equal(t, "y", cs[4].New.Remark)

	// The inputs were not reordered, and shuffling them changes nothing.
	require.Equal(t, "bob", old.Follows[0].UserID)
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		r.Shuffle(len(new.Follows), func(i, j int) { new.Follows[i], new.Follows[j] = new.Follows[j], new.Follows[i] })
		r.Shuffle(len(old.Followers), func(i, j int) { old.Followers[i], old.Followers[j] = old.Followers[j], old.Followers[i] })
		require.Equal(t, want, summary(externalcontact.Diff(old, new)))
	}

	require.Empty(t, externalcontact.Diff(nil, nil))
	all := externalcontact.Diff(nil, new)
	require.Equal(t, 3, all.Count(externalcontact.OpAdded, externalcontact.ChangeOfFollower))
	require.Equal(t, 5, all.Count(externalcontact.OpAdded, externalcontact.ChangeOfRelation))
	gone := externalcontact.Diff(old, nil)
	require.Equal(t, 5, gone.Count(externalcontact.OpRemoved, externalcontact.ChangeOfRelation))
	require.Empty(t, externalcontact.Diff(new, new))
}

func TestSnapshotSortAndLookups(t *testing.T) {
	s := &externalcontact.Snapshot{
		Followers: []string{"b", "a", "b"},
		Follows:   []externalcontact.Follow{rel("b", "wm1", "first"), rel("a", "wm2", ""), rel("b", "wm1", "later"), rel("a", "wm1", "")},
	}
	s.Sort()
	require.Equal(t, []string{"a", "b"}, s.Followers)
	require.Len(t, s.Follows, 3)
	require.Equal(t, "later", s.Follow("b", "wm1").Remark, "the later of two wins")
	require.Nil(t, s.Follow("b", "wm2"))
	require.Equal(t, []string{"wm1", "wm2"}, []string{s.CustomersOf("a")[0].ExternalUserID, s.CustomersOf("a")[1].ExternalUserID})
	require.Empty(t, s.CustomersOf("nobody"))
	require.Len(t, s.CustomersOf("b"), 1)
}

func TestSnapshotEncoding(t *testing.T) {
	s := &externalcontact.Snapshot{
		Taken:     time.Unix(1700000000, 123),
		Followers: []string{"amy", "bob"},
		Follows: []externalcontact.Follow{
			{UserID: "amy", ExternalUserID: "wm1", Remark: "李部长", Description: "大客户", RemarkCorpName: "腾讯",
				RemarkMobiles: []string{"13800000000"}, TagIDs: []string{"etA", "etB"}, CreateTime: 1600000000, AddWay: 1, State: "qr"},
			{UserID: "bob", ExternalUserID: "wm1"},
		},
	}
	raw, err := s.MarshalBinary()
	require.NoError(t, err)
	var back externalcontact.Snapshot
	require.NoError(t, back.UnmarshalBinary(raw))
	require.True(t, s.Taken.Equal(back.Taken))
	require.Equal(t, s.Followers, back.Followers)
	require.Equal(t, s.Follows, back.Follows)
	require.Empty(t, externalcontact.Diff(s, &back))

	for _, bad := range [][]byte{nil, []byte("WKCS\x01"), raw[:len(raw)-3], append(slices.Clone(raw[:5]), 0xff, 0x00)} {
		require.ErrorIs(t, back.UnmarshalBinary(bad), externalcontact.ErrCorruptSnapshot)
	}
	// Out of order is refused: a snapshot this package did not write.
	unsorted := &externalcontact.Snapshot{Follows: []externalcontact.Follow{rel("b", "wm", ""), rel("a", "wm", "")}}
	raw, err = unsorted.MarshalBinary()
	require.NoError(t, err)
	require.ErrorContains(t, back.UnmarshalBinary(raw), "out of order")
}

// FuzzSnapshotUnmarshal feeds arbitrary stored bytes to the decoder: it
// must never panic, and what it accepts must encode back to an equal
// snapshot.
func FuzzSnapshotUnmarshal(f *testing.F) {
	s := &externalcontact.Snapshot{Taken: time.Unix(1700000000, 0), Followers: []string{"a", "b"},
		Follows: []externalcontact.Follow{{UserID: "a", ExternalUserID: "wm", Remark: "r", TagIDs: []string{"et"}, RemarkMobiles: []string{"1"}, AddWay: 3}}}
	raw, err := s.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte("WKES\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var got externalcontact.Snapshot
		if err := got.UnmarshalBinary(data); err != nil {
			return
		}
		again, err := got.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back externalcontact.Snapshot
		if err := back.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded snapshot does not decode: %v", err)
		}
		if d := externalcontact.Diff(&got, &back); len(d) != 0 {
			t.Fatalf("round trip changed the snapshot: %v", summary(d))
		}
	})
}
