package contact_test

import (
	"testing"
	"time"

	"github.com/wecomkit/wecomkit/contact"
)

// FuzzSnapshotUnmarshal feeds arbitrary stored bytes to the decoder: it
// must never panic or allocate beyond the data, and what it accepts must
// encode back to an equal snapshot.
func FuzzSnapshotUnmarshal(f *testing.F) {
	s := &contact.Snapshot{
		Taken:       time.Unix(1700000000, 0),
		Departments: []contact.Department{{ID: 1, Name: "总部", Leaders: []string{"a"}, Known: contact.FieldName | contact.FieldLeaders}, {ID: 2, ParentID: 1}},
		Users:       []contact.User{{UserID: "a", Department: []int64{1, 2}, Name: "甲", DirectLeader: []string{}, Known: contact.FieldName | contact.FieldDepartment}},
	}
	raw, err := s.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add([]byte("WKCS\x01"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var got contact.Snapshot
		if err := got.UnmarshalBinary(data); err != nil {
			return
		}
		again, err := got.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back contact.Snapshot
		if err := back.UnmarshalBinary(again); err != nil {
			t.Fatalf("re-encoded snapshot does not decode: %v", err)
		}
		if d := contact.Diff(&got, &back); len(d) != 0 {
			t.Fatalf("round trip changed the snapshot: %v", d)
		}
	})
}
