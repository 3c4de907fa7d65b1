// Package mergediff compares two lists sorted by the same key in one
// walk, the way contact and externalcontact diff their snapshots: entries
// only in the new list are added, entries only in the old one removed, and
// entries in both changed when they differ.
//
// A diff is made in two passes over the same lists — [Lists.Count], then
// [Fill] — so that the caller can allocate every change of several lists
// once, at its final size, and grouped: added, then changed, then removed,
// each group in list order.
package mergediff

// Counts is how many entries a walk found added, changed and removed.
type Counts struct{ Added, Changed, Removed int }

// Total returns the number of changes.
func (c Counts) Total() int { return c.Added + c.Changed + c.Removed }

// Lists is two lists sorted by Cmp, without duplicate keys.
type Lists[T any] struct {
	Old, New []T
	// Cmp orders entries by key: negative when a's key sorts before b's,
	// zero for the same key.
	Cmp func(a, b *T) int
	// Differs reports whether an entry in both lists changed; nil means
	// entries with the same key never differ.
	Differs func(old, new *T) bool
}

// walk calls visit for every key in either list, in key order: (old, nil)
// for a key only in Old, (nil, new) for one only in New, both otherwise.
func (l *Lists[T]) walk(visit func(old, new *T)) {
	i, j := 0, 0
	for i < len(l.Old) || j < len(l.New) {
		var c int
		switch {
		case j == len(l.New):
			c = -1
		case i == len(l.Old):
			c = 1
		default:
			c = l.Cmp(&l.Old[i], &l.New[j])
		}
		switch {
		case c < 0:
			visit(&l.Old[i], nil)
			i++
		case c > 0:
			visit(nil, &l.New[j])
			j++
		default:
			visit(&l.Old[i], &l.New[j])
			i++
			j++
		}
	}
}

// differs reports whether two entries with the same key differ.
func (l *Lists[T]) differs(old, new *T) bool { return l.Differs != nil && l.Differs(old, new) }

// Count returns how many entries were added, changed and removed. It
// allocates nothing.
func (l Lists[T]) Count() Counts {
	var n Counts
	l.walk(func(old, new *T) {
		switch {
		case new == nil:
			n.Removed++
		case old == nil:
			n.Added++
		case l.differs(old, new):
			n.Changed++
		}
	})
	return n
}

// Fill writes the changes of l into out, which holds exactly n.Total()
// of them, where n is what l.Count returned: the added ones first, then
// the changed ones, then the removed ones, each in key order. change
// makes one: old is nil for an added entry, new nil for a removed one;
// it is called for an entry in both lists only when they differ.
func Fill[T, C any](l Lists[T], n Counts, out []C, change func(old, new *T) C) {
	added, changed, removed := 0, n.Added, n.Added+n.Changed
	l.walk(func(old, new *T) {
		switch {
		case new == nil:
			out[removed] = change(old, nil)
			removed++
		case old == nil:
			out[added] = change(nil, new)
			added++
		case l.differs(old, new):
			out[changed] = change(old, new)
			changed++
		}
	})
}
