package externalcontact

import (
	"slices"
)

// carry gives the unfetched followers of s their relations from prev and
// drops any s holds for them, so that a sync which could not read a
// member reports nothing about that member's customers: no removal, no
// addition, no change. s must be sorted; it stays sorted.
func (s *Snapshot) carry(prev *Snapshot) {
	if len(s.Unfetched) == 0 {
		return
	}
	unfetched := func(u string) bool {
		_, ok := slices.BinarySearch(s.Unfetched, u)
		return ok
	}
	s.Follows = slices.DeleteFunc(s.Follows, func(f Follow) bool { return unfetched(f.UserID) })
	if prev == nil {
		return
	}
	n := len(s.Follows)
	for _, u := range s.Unfetched {
		n += len(prev.CustomersOf(u))
	}
	out := make([]Follow, 0, n)
	out = append(out, s.Follows...)
	for _, u := range s.Unfetched {
		out = append(out, prev.CustomersOf(u)...)
	}
	s.Follows = out
	s.Sort()
}
