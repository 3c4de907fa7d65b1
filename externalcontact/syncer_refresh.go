package externalcontact

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Mark asks for the relation of member userID with customer
// externalUserID to be read again at the next refresh
// ([Syncer.Refresh]; [Syncer.Run] refreshes soon after). It never blocks.
// Beyond the marks limit ([WithMaxMarks]) the marks are dropped and a full
// sync is triggered instead.
func (s *Syncer) Mark(userID, externalUserID string) {
	if userID == "" || externalUserID == "" {
		return
	}
	s.mu.Lock()
	s.marks[relKey{userID, externalUserID}] = struct{}{}
	over := len(s.marks) > s.maxMarks
	if over {
		clear(s.marks)
	}
	s.mu.Unlock()
	if over {
		s.Trigger()
		return
	}
	select {
	case s.marked <- struct{}{}:
	default:
	}
}

// Observe applies a customer-contact event to the Syncer: add, edit,
// delete and half-add events (change_external_contact) mark the relation
// they name; a deleted corp tag (change_external_tag delete) triggers a
// full sync, since any relation may have carried it. Other events —
// transfer_fail, customer groups, tag creation and renames, acquisition —
// change no relation and are ignored. It never blocks, so a callback may
// call it directly, for instance through [EventRouter.Tap].
func (s *Syncer) Observe(_ context.Context, ev *Event) {
	switch {
	case ev == nil:
	case ev.Customer != nil:
		switch ev.Change {
		case ChangeAddCustomer, ChangeEditCustomer, ChangeAddHalfCustomer, ChangeDeleteCustomer, ChangeDeleteFollower:
			s.Mark(ev.Customer.UserID, ev.Customer.ExternalUserID)
		}
	case ev.Tag != nil && ev.Change == ChangeDelete:
		s.Trigger()
	}
}

// Pending returns how many relations wait for a refresh.
func (s *Syncer) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.marks)
}

func (s *Syncer) takeMarks() map[relKey]struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.marks)
}

// dropMarks forgets the marks done covered; marks made since stay.
func (s *Syncer) dropMarks(done map[relKey]struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range done {
		delete(s.marks, k)
	}
}

// Refresh reads again the relations marked since the last sync or
// refresh — one externalcontact/get per customer — applies them to the
// stored snapshot, and returns and hands over the changes as [Syncer.Sync]
// does. With no stored snapshot yet it runs a full sync instead. On error
// nothing was stored and the marks stay.
func (s *Syncer) Refresh(ctx context.Context) (Changes, error) {
	ctx, end, err := s.loop.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	marks := s.takeMarks()
	if len(marks) == 0 {
		return nil, nil
	}
	prev, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	if prev == nil {
		return s.syncLocked(ctx)
	}
	byCustomer := make(map[string][]string)
	for k := range marks {
		byCustomer[k.externalUserID] = append(byCustomer[k.externalUserID], k.userID)
	}
	var fresh []Follow
	for _, ext := range slices.Sorted(maps.Keys(byCustomer)) {
		rels, err := s.src.Relations(ctx, ext)
		if err != nil {
			return nil, fmt.Errorf("externalcontact: refresh customer %s: %w", ext, err)
		}
		for _, r := range rels {
			if _, ok := marks[relKey{r.UserID, ext}]; ok {
				fresh = append(fresh, r)
			}
		}
	}
	next := prev.apply(prev.readable(marks, fresh), fresh, s.now())
	changes, err := s.commit(ctx, prev, next)
	if err != nil {
		return changes, err
	}
	s.dropMarks(marks)
	return changes, nil
}

// readable returns the marks a refresh may apply: all of them, except
// the relations of unfetched followers ([Snapshot.Unfetched]) that fresh
// lacks — a member WeCom would not list for want of a license keeps what
// the snapshot knew, as in a full sync. marks is not modified.
func (s *Snapshot) readable(marks map[relKey]struct{}, fresh []Follow) map[relKey]struct{} {
	if len(s.Unfetched) == 0 {
		return marks
	}
	out := make(map[relKey]struct{}, len(marks))
	for k := range marks {
		if _, unfetched := slices.BinarySearch(s.Unfetched, k.userID); unfetched &&
			!slices.ContainsFunc(fresh, func(f Follow) bool { return f.UserID == k.userID && f.ExternalUserID == k.externalUserID }) {
			continue
		}
		out[k] = struct{}{}
	}
	return out
}

// apply returns a copy of s in which the relations marked are replaced by
// fresh (a marked relation not in fresh is gone); a member of fresh not
// yet among the followers becomes one. s is not modified.
func (s *Snapshot) apply(marked map[relKey]struct{}, fresh []Follow, now time.Time) *Snapshot {
	out := &Snapshot{Taken: now, Followers: slices.Clone(s.Followers), Unfetched: slices.Clone(s.Unfetched)}
	out.Follows = make([]Follow, 0, len(s.Follows)+len(fresh))
	for i := range s.Follows {
		if _, ok := marked[relKey{s.Follows[i].UserID, s.Follows[i].ExternalUserID}]; !ok {
			out.Follows = append(out.Follows, s.Follows[i])
		}
	}
	out.Follows = append(out.Follows, fresh...)
	for _, f := range fresh {
		if _, ok := slices.BinarySearch(s.Followers, f.UserID); !ok {
			out.Followers = append(out.Followers, f.UserID)
		}
	}
	out.Sort()
	return out
}
