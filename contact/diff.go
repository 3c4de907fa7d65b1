package contact

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/wecomkit/wecomkit/internal/mergediff"
)

// Op says what happened to a member or department between two snapshots.
type Op string

// The operations, as the JSON of a [Change] names them.
const (
	Added   Op = "added"
	Changed Op = "changed"
	Removed Op = "removed"
)

// Kind says whether a [Change] is about a member or a department.
type Kind string

// The kinds, as the JSON of a [Change] names them.
const (
	KindDepartment Kind = "department"
	KindUser       Kind = "user"
)

// Change is one difference between two snapshots.
type Change struct {
	Op   Op
	Kind Kind
	// ID is the member's userid, or the department's id in decimal.
	ID string
	// Fields names the changed fields of a Changed change by their WeCom
	// JSON names ("department", "name", "parentid", "position", …),
	// sorted; nil for Added and Removed.
	Fields []string
	// OldUser and NewUser are the member before and after (nil when
	// added, respectively removed); set only for KindUser. They point
	// into the snapshots given to Diff.
	OldUser, NewUser *User
	// OldDepartment and NewDepartment are the same for KindDepartment.
	OldDepartment, NewDepartment *Department
}

// MarshalJSON encodes the change as one line of contacts-sync's output:
// {"op":…,"kind":…,"id":…} plus "fields" for a Changed change.
func (c Change) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 64+16*len(c.Fields))
	b = append(b, `{"op":`...)
	b = strconv.AppendQuote(b, string(c.Op))
	b = append(b, `,"kind":`...)
	b = strconv.AppendQuote(b, string(c.Kind))
	b = append(b, `,"id":`...)
	id, err := json.Marshal(c.ID) // JSON's escaping, not Go's
	if err != nil {
		return nil, err
	}
	b = append(b, id...)
	if c.Op == Changed {
		b = append(b, `,"fields":[`...)
		for i, f := range c.Fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, f) // field names are ASCII
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// Changes is what [Diff] found, in its deterministic order.
type Changes []Change

// Count returns how many changes have op and kind.
func (cs Changes) Count(op Op, kind Kind) int {
	n := 0
	for _, c := range cs {
		if c.Op == op && c.Kind == kind {
			n++
		}
	}
	return n
}

// userField describes one comparable attribute of a User.
type userField struct {
	bit  Field
	name string
	eq   func(a, b *User) bool
	copy func(dst, src *User)
}

// userFields is sorted by name, so a change's Fields come out sorted.
var userFields = []userField{
	{FieldAddress, "address", func(a, b *User) bool { return a.Address == b.Address }, func(d, s *User) { d.Address = s.Address }},
	{FieldAlias, "alias", func(a, b *User) bool { return a.Alias == b.Alias }, func(d, s *User) { d.Alias = s.Alias }},
	{FieldAvatar, "avatar", func(a, b *User) bool { return a.Avatar == b.Avatar }, func(d, s *User) { d.Avatar = s.Avatar }},
	{FieldBizMail, "biz_mail", func(a, b *User) bool { return a.BizMail == b.BizMail }, func(d, s *User) { d.BizMail = s.BizMail }},
	{FieldDepartment, "department", func(a, b *User) bool { return slices.Equal(a.Department, b.Department) }, func(d, s *User) { d.Department = s.Department }},
	{FieldDirectLeader, "direct_leader", func(a, b *User) bool { return slices.Equal(a.DirectLeader, b.DirectLeader) }, func(d, s *User) { d.DirectLeader = s.DirectLeader }},
	{FieldEmail, "email", func(a, b *User) bool { return a.Email == b.Email }, func(d, s *User) { d.Email = s.Email }},
	{FieldExternalPosition, "external_position", func(a, b *User) bool { return a.ExternalPosition == b.ExternalPosition }, func(d, s *User) { d.ExternalPosition = s.ExternalPosition }},
	{FieldGender, "gender", func(a, b *User) bool { return a.Gender == b.Gender }, func(d, s *User) { d.Gender = s.Gender }},
	{FieldMainDepartment, "main_department", func(a, b *User) bool { return a.MainDepartment == b.MainDepartment }, func(d, s *User) { d.MainDepartment = s.MainDepartment }},
	{FieldMobile, "mobile", func(a, b *User) bool { return a.Mobile == b.Mobile }, func(d, s *User) { d.Mobile = s.Mobile }},
	{FieldName, "name", func(a, b *User) bool { return a.Name == b.Name }, func(d, s *User) { d.Name = s.Name }},
	{FieldOpenUserID, "open_userid", func(a, b *User) bool { return a.OpenUserID == b.OpenUserID }, func(d, s *User) { d.OpenUserID = s.OpenUserID }},
	{FieldPosition, "position", func(a, b *User) bool { return a.Position == b.Position }, func(d, s *User) { d.Position = s.Position }},
	{FieldStatus, "status", func(a, b *User) bool { return a.Status == b.Status }, func(d, s *User) { d.Status = s.Status }},
	{FieldTelephone, "telephone", func(a, b *User) bool { return a.Telephone == b.Telephone }, func(d, s *User) { d.Telephone = s.Telephone }},
}

type departmentField struct {
	bit  Field
	name string
	eq   func(a, b *Department) bool
	copy func(dst, src *Department)
}

var departmentFields = []departmentField{
	{FieldLeaders, "department_leader", func(a, b *Department) bool { return slices.Equal(a.Leaders, b.Leaders) }, func(d, s *Department) { d.Leaders = s.Leaders }},
	{FieldName, "name", func(a, b *Department) bool { return a.Name == b.Name }, func(d, s *Department) { d.Name = s.Name }},
	{FieldNameEn, "name_en", func(a, b *Department) bool { return a.NameEn == b.NameEn }, func(d, s *Department) { d.NameEn = s.NameEn }},
	{FieldOrder, "order", func(a, b *Department) bool { return a.Order == b.Order }, func(d, s *Department) { d.Order = s.Order }},
	{FieldParentID, "parentid", func(a, b *Department) bool { return a.ParentID == b.ParentID }, func(d, s *Department) { d.ParentID = s.ParentID }},
}

// changedUserFields names the fields new knows whose value differs from
// old's — or that old did not know. A field new does not know is never a
// change: unknown is not "changed to empty".
func changedUserFields(old, new *User) []string {
	var out []string
	for _, f := range userFields {
		if new.Known&f.bit == 0 {
			continue
		}
		if old.Known&f.bit == 0 || !f.eq(old, new) {
			out = append(out, f.name)
		}
	}
	return out
}

func changedDepartmentFields(old, new *Department) []string {
	var out []string
	for _, f := range departmentFields {
		if new.Known&f.bit == 0 {
			continue
		}
		if old.Known&f.bit == 0 || !f.eq(old, new) {
			out = append(out, f.name)
		}
	}
	return out
}

// Diff returns what changed from old to new; either may be nil, meaning
// an empty directory, so Diff(nil, s) reports everything in s as added.
//
// The order is deterministic: departments before members; within each
// kind added, then changed, then removed; within each of those by id —
// departments numerically, members by userid as a byte string. A field
// counts as changed when new knows it and old either did not or held
// another value; a field new does not know is never reported (see
// [Snapshot.Inherit]). Snapshots out of order are sorted first (on
// copies); a well-formed snapshot costs no sorting and Diff allocates
// only the changes.
func Diff(old, new *Snapshot) Changes {
	if old == nil {
		old = &Snapshot{}
	}
	if new == nil {
		new = &Snapshot{}
	}
	oldD, newD := sortedDepartments(old.Departments), sortedDepartments(new.Departments)
	oldU, newU := sortedUsers(old.Users), sortedUsers(new.Users)

	// A first pass counts, so that the changes are allocated once, at
	// their final size.
	departments := mergediff.Lists[Department]{Old: oldD, New: newD, Cmp: func(a, b *Department) int { return cmpInt(a.ID, b.ID) }, Differs: departmentDiffers}
	users := mergediff.Lists[User]{Old: oldU, New: newU, Cmp: func(a, b *User) int { return strings.Compare(a.UserID, b.UserID) }, Differs: userDiffers}
	nd, nu := departments.Count(), users.Count()
	out := make(Changes, nd.Total()+nu.Total())
	mergediff.Fill(departments, nd, out[:nd.Total()], departmentChange)
	mergediff.Fill(users, nu, out[nd.Total():], userChange)
	return out
}

// departmentChange describes a department added (old nil), removed (new
// nil) or changed.
func departmentChange(old, new *Department) Change {
	switch {
	case old == nil:
		return Change{Op: Added, Kind: KindDepartment, ID: strconv.FormatInt(new.ID, 10), NewDepartment: new}
	case new == nil:
		return Change{Op: Removed, Kind: KindDepartment, ID: strconv.FormatInt(old.ID, 10), OldDepartment: old}
	default:
		return Change{Op: Changed, Kind: KindDepartment, ID: strconv.FormatInt(new.ID, 10), Fields: changedDepartmentFields(old, new), OldDepartment: old, NewDepartment: new}
	}
}

// userChange describes a member added (old nil), removed (new nil) or
// changed.
func userChange(old, new *User) Change {
	switch {
	case old == nil:
		return Change{Op: Added, Kind: KindUser, ID: new.UserID, NewUser: new}
	case new == nil:
		return Change{Op: Removed, Kind: KindUser, ID: old.UserID, OldUser: old}
	default:
		return Change{Op: Changed, Kind: KindUser, ID: new.UserID, Fields: changedUserFields(old, new), OldUser: old, NewUser: new}
	}
}

func userDiffers(old, new *User) bool {
	for _, f := range userFields {
		if new.Known&f.bit != 0 && (old.Known&f.bit == 0 || !f.eq(old, new)) {
			return true
		}
	}
	return false
}

func departmentDiffers(old, new *Department) bool {
	for _, f := range departmentFields {
		if new.Known&f.bit != 0 && (old.Known&f.bit == 0 || !f.eq(old, new)) {
			return true
		}
	}
	return false
}

func sortedDepartments(ds []Department) []Department {
	if slices.IsSortedFunc(ds, func(a, b Department) int { return cmpInt(a.ID, b.ID) }) {
		return ds
	}
	c := slices.Clone(ds)
	slices.SortStableFunc(c, func(a, b Department) int { return cmpInt(a.ID, b.ID) })
	return c
}

func sortedUsers(us []User) []User {
	if slices.IsSortedFunc(us, func(a, b User) int { return strings.Compare(a.UserID, b.UserID) }) {
		return us
	}
	c := slices.Clone(us)
	slices.SortStableFunc(c, func(a, b User) int { return strings.Compare(a.UserID, b.UserID) })
	return c
}
