package contact

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
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
	var buf bytes.Buffer
	buf.WriteString(snapshotMagic)
	fw, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	w := &encoder{w: bufio.NewWriterSize(fw, 64<<10)}
	w.varint(s.Taken.UnixNano())
	w.uvarint(uint64(len(s.Departments)))
	for i := range s.Departments {
		d := &s.Departments[i]
		w.varint(d.ID)
		w.uvarint(uint64(d.Known))
		w.varint(d.ParentID)
		w.varint(d.Order)
		w.str(d.Name)
		w.str(d.NameEn)
		w.strs(d.Leaders)
	}
	w.uvarint(uint64(len(s.Users)))
	for i := range s.Users {
		u := &s.Users[i]
		w.str(u.UserID)
		w.uvarint(uint64(u.Known))
		w.uvarint(uint64(len(u.Department)))
		for _, d := range u.Department {
			w.varint(d)
		}
		for _, p := range [...]*string{&u.Name, &u.Alias, &u.Position, &u.Mobile, &u.Gender, &u.Email, &u.BizMail,
			&u.Telephone, &u.Address, &u.Avatar, &u.OpenUserID, &u.ExternalPosition} {
			w.str(*p)
		}
		w.varint(u.MainDepartment)
		w.varint(int64(u.Status))
		w.strs(u.DirectLeader)
	}
	if err := w.w.Flush(); err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type encoder struct {
	w   *bufio.Writer
	tmp [binary.MaxVarintLen64]byte
}

func (e *encoder) uvarint(v uint64) { e.w.Write(binary.AppendUvarint(e.tmp[:0], v)) }
func (e *encoder) varint(v int64)   { e.w.Write(binary.AppendVarint(e.tmp[:0], v)) }
func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.w.WriteString(s)
}
func (e *encoder) strs(ss []string) {
	if ss == nil {
		e.uvarint(0)
		return
	}
	e.uvarint(uint64(len(ss)) + 1) // 0: nil, n+1: n strings
	for _, s := range ss {
		e.str(s)
	}
}

// UnmarshalBinary decodes what [Snapshot.MarshalBinary] wrote; anything
// else is refused with an error matching [ErrCorruptSnapshot]. It
// implements encoding.BinaryUnmarshaler.
func (s *Snapshot) UnmarshalBinary(data []byte) error {
	rest, ok := bytes.CutPrefix(data, []byte(snapshotMagic))
	if !ok {
		return fmt.Errorf("%w: unknown format", ErrCorruptSnapshot)
	}
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(rest)), maxSnapshotSize+1))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorruptSnapshot, err)
	}
	if len(raw) > maxSnapshotSize {
		return fmt.Errorf("%w: larger than %d bytes", ErrCorruptSnapshot, maxSnapshotSize)
	}
	d := decoder{b: string(raw)}
	var out Snapshot
	if taken := d.varint(); taken != 0 {
		out.Taken = time.Unix(0, taken)
	}
	n := d.count(4)
	out.Departments = make([]Department, n)
	for i := range out.Departments {
		dp := &out.Departments[i]
		dp.ID = d.varint()
		dp.Known = Field(d.uvarint()) & (fieldEnd - 1)
		dp.ParentID = d.varint()
		dp.Order = d.varint()
		dp.Name = d.str()
		dp.NameEn = d.str()
		dp.Leaders = d.strs()
		if i > 0 && d.err == nil && dp.ID <= out.Departments[i-1].ID {
			d.fail("departments out of order")
		}
	}
	n = d.count(16)
	out.Users = make([]User, n)
	for i := range out.Users {
		u := &out.Users[i]
		u.UserID = d.str()
		u.Known = Field(d.uvarint()) & (fieldEnd - 1)
		nd := d.count(1)
		if nd > 0 {
			u.Department = make([]int64, nd)
			for j := range u.Department {
				u.Department[j] = d.varint()
			}
		}
		for _, p := range [...]*string{&u.Name, &u.Alias, &u.Position, &u.Mobile, &u.Gender, &u.Email, &u.BizMail,
			&u.Telephone, &u.Address, &u.Avatar, &u.OpenUserID, &u.ExternalPosition} {
			*p = d.str()
		}
		u.MainDepartment = d.varint()
		u.Status = int(d.varint())
		u.DirectLeader = d.strs()
		if i > 0 && d.err == nil && u.UserID <= out.Users[i-1].UserID {
			d.fail("users out of order")
		}
		if d.err != nil {
			break
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return fmt.Errorf("%w: %s", ErrCorruptSnapshot, d.err)
	}
	*s = out
	return nil
}

// decoder reads the encoding from one string, so that every decoded
// string is a substring of it and costs no allocation; the first problem
// sticks in err and every later read returns zero values.
type decoder struct {
	b   string
	err error
}

func (d *decoder) fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
	}
	d.b = ""
}

func (d *decoder) uvarint() uint64 {
	var v uint64
	for i := 0; i < len(d.b) && i < binary.MaxVarintLen64; i++ {
		c := d.b[i]
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.b = d.b[i+1:]
			return v
		}
	}
	d.fail("truncated")
	return 0
}

func (d *decoder) varint() int64 {
	u := d.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

// count reads a length whose elements take at least minBytes each, so a
// corrupt length cannot make the decoder allocate more than the data.
func (d *decoder) count(minBytes int) int {
	v := d.uvarint()
	if v > uint64(len(d.b)/minBytes) {
		d.fail("bad length")
		return 0
	}
	return int(v)
}

func (d *decoder) str() string {
	n := d.count(1)
	s := d.b[:n]
	d.b = d.b[n:]
	return s
}

func (d *decoder) strs() []string {
	v := d.uvarint()
	if v == 0 || d.err != nil {
		return nil
	}
	if v-1 > uint64(len(d.b)) {
		d.fail("bad length")
		return nil
	}
	out := make([]string, v-1)
	for i := range out {
		out[i] = d.str()
	}
	return out
}
