package contact

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/internal/binenc"
)

// Snapshot is a corporation's directory at one moment: its departments,
// sorted by ID, and its members, sorted by UserID, each member with the
// departments it belongs to. [Source.Fetch] makes them; [Diff] compares
// two; [Syncer] keeps the last one in a store.
type Snapshot struct {
	// Taken is when the snapshot was made.
	Taken time.Time
	// Departments are sorted by ID, each ID once.
	Departments []Department
	// Users are sorted by UserID, each UserID once.
	Users []User
}

// Sort puts Departments and Users in the order [Snapshot] promises. Code
// that builds a snapshot by hand calls it once before [Diff].
func (s *Snapshot) Sort() {
	slices.SortFunc(s.Departments, func(a, b Department) int { return cmpInt(a.ID, b.ID) })
	slices.SortFunc(s.Users, func(a, b User) int { return strings.Compare(a.UserID, b.UserID) })
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// User returns the member with userID, or nil.
func (s *Snapshot) User(userID string) *User {
	i, ok := slices.BinarySearchFunc(s.Users, userID, func(u User, id string) int { return strings.Compare(u.UserID, id) })
	if !ok {
		return nil
	}
	return &s.Users[i]
}

// Department returns the department with id, or nil.
func (s *Snapshot) Department(id int64) *Department {
	i, ok := slices.BinarySearchFunc(s.Departments, id, func(d Department, id int64) int { return cmpInt(d.ID, id) })
	if !ok {
		return nil
	}
	return &s.Departments[i]
}

// Inherit copies into s, for every member and department present in both,
// each field prev knows and s does not. A sync uses it so that a field
// WeCom stops returning (a member who left the app's visible scope, say)
// keeps its last known value instead of becoming unknown, and becoming
// known again with that value is no change.
func (s *Snapshot) Inherit(prev *Snapshot) {
	if prev == nil {
		return
	}
	j := 0
	for i := range s.Users {
		u := &s.Users[i]
		for j < len(prev.Users) && prev.Users[j].UserID < u.UserID {
			j++
		}
		if j < len(prev.Users) && prev.Users[j].UserID == u.UserID {
			inheritUser(u, &prev.Users[j])
		}
	}
	j = 0
	for i := range s.Departments {
		d := &s.Departments[i]
		for j < len(prev.Departments) && prev.Departments[j].ID < d.ID {
			j++
		}
		if j < len(prev.Departments) && prev.Departments[j].ID == d.ID {
			inheritDepartment(d, &prev.Departments[j])
		}
	}
}

func inheritUser(u, p *User) {
	missing := p.Known &^ u.Known
	if missing == 0 {
		return
	}
	for _, f := range userFields {
		if missing&f.bit != 0 {
			f.copy(u, p)
		}
	}
	u.Known |= missing
}

func inheritDepartment(d, p *Department) {
	missing := p.Known &^ d.Known
	if missing == 0 {
		return
	}
	for _, f := range departmentFields {
		if missing&f.bit != 0 {
			f.copy(d, p)
		}
	}
	d.Known |= missing
}

// ErrCorruptSnapshot is matched by the error of [Snapshot.UnmarshalBinary]
// for data that is not a snapshot this package wrote.
var ErrCorruptSnapshot = errors.New("contact: corrupt snapshot")

// The encoding: a magic and version, then a deflate stream of varints and
// length-prefixed strings. A 100,000-member directory takes a few
// megabytes.
const (
	snapshotMagic   = "WKCS\x01"
	maxSnapshotSize = 1 << 30 // decoded; guards against a deflate bomb
)

// MarshalBinary encodes the snapshot compactly (a few megabytes for
// 100,000 members), for a store. It implements encoding.BinaryMarshaler.
func (s *Snapshot) MarshalBinary() ([]byte, error) {
	return binenc.Compress(snapshotMagic, func(w *binenc.Encoder) {
		w.Varint(s.Taken.UnixNano())
		w.Uvarint(uint64(len(s.Departments)))
		for i := range s.Departments {
			d := &s.Departments[i]
			w.Varint(d.ID)
			w.Uvarint(uint64(d.Known))
			w.Varint(d.ParentID)
			w.Varint(d.Order)
			w.Str(d.Name)
			w.Str(d.NameEn)
			w.NilStrs(d.Leaders)
		}
		w.Uvarint(uint64(len(s.Users)))
		for i := range s.Users {
			u := &s.Users[i]
			w.Str(u.UserID)
			w.Uvarint(uint64(u.Known))
			w.Uvarint(uint64(len(u.Department)))
			for _, d := range u.Department {
				w.Varint(d)
			}
			for _, p := range [...]*string{&u.Name, &u.Alias, &u.Position, &u.Mobile, &u.Gender, &u.Email, &u.BizMail,
				&u.Telephone, &u.Address, &u.Avatar, &u.OpenUserID, &u.ExternalPosition} {
				w.Str(*p)
			}
			w.Varint(u.MainDepartment)
			w.Varint(int64(u.Status))
			w.NilStrs(u.DirectLeader)
		}
	})
}

// UnmarshalBinary decodes what [Snapshot.MarshalBinary] wrote; anything
// else is refused with an error matching [ErrCorruptSnapshot]. It
// implements encoding.BinaryUnmarshaler.
func (s *Snapshot) UnmarshalBinary(data []byte) error {
	rest, ok := bytes.CutPrefix(data, []byte(snapshotMagic))
	if !ok {
		return fmt.Errorf("%w: unknown format", ErrCorruptSnapshot)
	}
	raw, err := binenc.Inflate(rest, maxSnapshotSize)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorruptSnapshot, err)
	}
	d := binenc.NewDecoder(string(raw))
	var out Snapshot
	if taken := d.Varint(); taken != 0 {
		out.Taken = time.Unix(0, taken)
	}
	n := d.Count(4)
	out.Departments = make([]Department, n)
	for i := range out.Departments {
		dp := &out.Departments[i]
		dp.ID = d.Varint()
		dp.Known = Field(d.Uvarint()) & (fieldEnd - 1)
		dp.ParentID = d.Varint()
		dp.Order = d.Varint()
		dp.Name = d.Str()
		dp.NameEn = d.Str()
		dp.Leaders = d.NilStrs()
		if i > 0 && d.Err() == nil && dp.ID <= out.Departments[i-1].ID {
			d.Fail("departments out of order")
		}
	}
	n = d.Count(16)
	out.Users = make([]User, n)
	for i := range out.Users {
		u := &out.Users[i]
		u.UserID = d.Str()
		u.Known = Field(d.Uvarint()) & (fieldEnd - 1)
		nd := d.Count(1)
		if nd > 0 {
			u.Department = make([]int64, nd)
			for j := range u.Department {
				u.Department[j] = d.Varint()
			}
		}
		for _, p := range [...]*string{&u.Name, &u.Alias, &u.Position, &u.Mobile, &u.Gender, &u.Email, &u.BizMail,
			&u.Telephone, &u.Address, &u.Avatar, &u.OpenUserID, &u.ExternalPosition} {
			*p = d.Str()
		}
		u.MainDepartment = d.Varint()
		u.Status = int(d.Varint())
		u.DirectLeader = d.NilStrs()
		if i > 0 && d.Err() == nil && u.UserID <= out.Users[i-1].UserID {
			d.Fail("users out of order")
		}
		if d.Err() != nil {
			break
		}
	}
	if d.Err() == nil && d.Len() != 0 {
		d.Fail("trailing bytes")
	}
	if d.Err() != nil {
		return fmt.Errorf("%w: %s", ErrCorruptSnapshot, d.Err())
	}
	*s = out
	return nil
}
