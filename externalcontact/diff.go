package externalcontact

import (
	"slices"
	"strings"

	"github.com/wecomkit/wecomkit/internal/mergediff"
)

// Op says what happened to a follower or a relation between two
// snapshots.
type Op string

// The operations.
const (
	OpAdded   Op = "added"
	OpChanged Op = "changed"
	OpRemoved Op = "removed"
)

// ChangeKind says whether a [Change] is about a follower (a member allowed to
// have customers) or a follow relation.
type ChangeKind string

// The kinds.
const (
	ChangeOfFollower ChangeKind = "follower" // a member joined or left get_follow_user_list
	ChangeOfRelation ChangeKind = "relation" // a member gained, lost or re-noted a customer
)

// Change is one difference between two snapshots.
type Change struct {
	Op   Op
	Kind ChangeKind
	// UserID is the member; ExternalUserID the customer ("" for
	// ChangeOfFollower).
	UserID         string
	ExternalUserID string
	// Fields names what a changed relation changed, by WeCom's JSON names
	// ("add_way", "createtime", "description", "remark",
	// "remark_corp_name", "remark_mobiles", "state", "tag_id"), sorted;
	// nil for added and removed ones.
	Fields []string
	// Old and New are the relation before and after (nil when added,
	// respectively removed; both nil for ChangeOfFollower). They point into
	// the snapshots given to Diff.
	Old, New *Follow
}

// TagsAdded returns the tag ids a changed relation gained, sorted.
func (c *Change) TagsAdded() []string {
	if c.Old == nil || c.New == nil {
		return nil
	}
	return setMinus(c.New.TagIDs, c.Old.TagIDs)
}

// TagsRemoved returns the tag ids a changed relation lost, sorted.
func (c *Change) TagsRemoved() []string {
	if c.Old == nil || c.New == nil {
		return nil
	}
	return setMinus(c.Old.TagIDs, c.New.TagIDs)
}

// setMinus returns the sorted a without the sorted b.
func setMinus(a, b []string) []string {
	var out []string
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			out = append(out, x)
		}
	}
	return out
}

// Changes is what [Diff] found, in its deterministic order.
type Changes []Change

// Count returns how many changes have op and kind.
func (cs Changes) Count(op Op, kind ChangeKind) int {
	n := 0
	for i := range cs {
		if cs[i].Op == op && cs[i].Kind == kind {
			n++
		}
	}
	return n
}

// followFields is sorted by name, so a change's Fields come out sorted.
var followFields = []struct {
	name string
	eq   func(a, b *Follow) bool
}{
	{"add_way", func(a, b *Follow) bool { return a.AddWay == b.AddWay }},
	{"createtime", func(a, b *Follow) bool { return a.CreateTime == b.CreateTime }},
	{"description", func(a, b *Follow) bool { return a.Description == b.Description }},
	{"remark", func(a, b *Follow) bool { return a.Remark == b.Remark }},
	{"remark_corp_name", func(a, b *Follow) bool { return a.RemarkCorpName == b.RemarkCorpName }},
	{"remark_mobiles", func(a, b *Follow) bool { return slices.Equal(a.RemarkMobiles, b.RemarkMobiles) }},
	{"state", func(a, b *Follow) bool { return a.State == b.State }},
	{"tag_id", func(a, b *Follow) bool { return slices.Equal(a.TagIDs, b.TagIDs) }},
}

func changedFields(old, new *Follow) []string {
	var out []string
	for _, f := range followFields {
		if !f.eq(old, new) {
			out = append(out, f.name)
		}
	}
	return out
}

func followDiffers(old, new *Follow) bool {
	for _, f := range followFields {
		if !f.eq(old, new) {
			return true
		}
	}
	return false
}

// Diff returns what changed from old to new; either may be nil, meaning
// nobody follows anybody, so Diff(nil, s) reports everything in s as
// added.
//
// The order is deterministic: followers before relations; within each
// kind added, then changed (relations only), then removed; within each
// of those by userid, then (relations) by external userid, as byte
// strings. A follower who left (ChangeOfFollower, OpRemoved) has each of its
// relations reported removed as well, when they are gone. Snapshots out
// of order are sorted first (on copies); well-formed ones cost no sorting
// and Diff allocates only the changes.
func Diff(old, new *Snapshot) Changes {
	if old == nil {
		old = &Snapshot{}
	}
	if new == nil {
		new = &Snapshot{}
	}
	oldM, newM := sortedStrings(old.Followers), sortedStrings(new.Followers)
	oldF, newF := sortedFollows(old.Follows), sortedFollows(new.Follows)

	// A first pass counts, so that the changes are allocated once, at
	// their final size.
	followers := mergediff.Lists[string]{Old: oldM, New: newM, Cmp: func(a, b *string) int { return strings.Compare(*a, *b) }}
	follows := mergediff.Lists[Follow]{Old: oldF, New: newF, Cmp: cmpFollow, Differs: followDiffers}
	nm, nf := followers.Count(), follows.Count()
	out := make(Changes, nm.Total()+nf.Total())
	mergediff.Fill(followers, nm, out[:nm.Total()], followerChange)
	mergediff.Fill(follows, nf, out[nm.Total():], followChange)
	return out
}

// followerChange describes a member who joined (old nil) or left (new nil)
// get_follow_user_list.
func followerChange(old, new *string) Change {
	if old == nil {
		return Change{Op: OpAdded, Kind: ChangeOfFollower, UserID: *new}
	}
	return Change{Op: OpRemoved, Kind: ChangeOfFollower, UserID: *old}
}

// followChange describes a relation added (old nil), removed (new nil) or
// changed.
func followChange(old, new *Follow) Change {
	switch {
	case old == nil:
		return Change{Op: OpAdded, Kind: ChangeOfRelation, UserID: new.UserID, ExternalUserID: new.ExternalUserID, New: new}
	case new == nil:
		return Change{Op: OpRemoved, Kind: ChangeOfRelation, UserID: old.UserID, ExternalUserID: old.ExternalUserID, Old: old}
	default:
		return Change{Op: OpChanged, Kind: ChangeOfRelation, UserID: new.UserID, ExternalUserID: new.ExternalUserID,
			Fields: changedFields(old, new), Old: old, New: new}
	}
}

func sortedStrings(ss []string) []string {
	if slices.IsSorted(ss) {
		return ss
	}
	c := slices.Clone(ss)
	slices.Sort(c)
	return slices.Compact(c)
}

func sortedFollows(fs []Follow) []Follow {
	if followsSorted(fs) {
		return fs
	}
	c := slices.Clone(fs)
	slices.SortStableFunc(c, func(a, b Follow) int { return cmpFollow(&a, &b) })
	return c
}
