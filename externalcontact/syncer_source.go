package externalcontact

import (
	"context"
	"errors"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// Fetcher reads follow relations for a [Syncer]. [*Source] is the one
// that asks WeCom; tests and other systems can bring their own.
type Fetcher interface {
	// Fetch returns a complete snapshot, or an error: never a part of
	// one, which a sync would take for removals. The one exception is
	// explicit: followers whose relations could not be read are listed in
	// the snapshot's Unfetched, and the sync keeps what it knew of them.
	Fetch(ctx context.Context) (*Snapshot, error)
	// Relations returns every relation customer externalUserID has now
	// (none, and no error, when WeCom no longer knows the customer), for
	// a targeted refresh.
	Relations(ctx context.Context, externalUserID string) ([]Follow, error)
}

// Source fetches snapshots from WeCom with a customer-contact client:
// the followers (externalcontact/get_follow_user_list, doc 92571), then
// every follower's customers (externalcontact/batch/get_by_user, doc
// 92994, 100 userids and 100 rows a call, cursors followed); one
// customer's relations come from externalcontact/get (doc 92114).
type Source struct {
	c      *Client
	corpID string
	now    func() time.Time
}

// SourceOption configures [NewSource].
type SourceOption interface{ applySource(*Source) }

type sourceOptionFunc func(*Source)

func (f sourceOptionFunc) applySource(s *Source) { f(s) }

// WithSourceClock sets the clock that stamps [Snapshot.Taken].
func WithSourceClock(now func() time.Time) SourceOption {
	return sourceOptionFunc(func(s *Source) {
		if now != nil {
			s.now = now
		}
	})
}

// NewSource returns a Source reading through c, which must hold a
// corporation's access_token from an app configured for customer contact
// (as for [New]).
func NewSource(c *wecom.Client, opts ...SourceOption) *Source {
	s := &Source{c: New(c), now: time.Now}
	if c != nil {
		s.corpID = c.CorpID()
	}
	for _, o := range opts {
		o.applySource(s)
	}
	return s
}

// Fetch reads every follower and every relation. Any error — on any
// page — fails the whole fetch, except one: members WeCom leaves out for
// want of an interface license ([UnlicensedError]) are listed in the
// snapshot's Unfetched, and the Syncer keeps their previous relations.
func (s *Source) Fetch(ctx context.Context) (*Snapshot, error) {
	taken := s.now()
	members, err := s.c.FollowUsers(ctx)
	if err != nil {
		return nil, err
	}
	snap := &Snapshot{Taken: taken, Followers: members}
	if len(members) == 0 {
		return snap, nil
	}
	// Rows are gathered in fixed-size chunks and copied once into a slice
	// of the exact size: appending to one slice would allocate about five
	// times the final size (large slices grow by a quarter) and hold the
	// old and the new array at once while growing.
	var chunks [][]Follow
	cur := make([]Follow, 0, followChunk)
	n := 0
	for row, err := range s.c.CustomersOf(ctx, members) {
		var unlicensed *UnlicensedError
		if errors.As(err, &unlicensed) {
			// The last thing CustomersOf yields: every other row is in.
			snap.Unfetched = unlicensed.UserIDs
			break
		}
		if err != nil {
			return nil, err
		}
		if len(row.FollowUsers) == 0 || row.Customer.ExternalUserID == "" {
			continue
		}
		if len(cur) == cap(cur) {
			chunks = append(chunks, cur)
			cur = make([]Follow, 0, followChunk)
		}
		cur = append(cur, followFrom(row.Customer.ExternalUserID, &row.FollowUsers[0]))
		n++
	}
	snap.Follows = make([]Follow, 0, n)
	for i, c := range chunks {
		snap.Follows = append(snap.Follows, c...)
		chunks[i] = nil
	}
	snap.Follows = append(snap.Follows, cur...)
	snap.Sort()
	return snap, nil
}

// followChunk is how many relations Fetch gathers per allocation.
const followChunk = 4096

// Relations reads customer externalUserID with every follower; a
// customer WeCom does not know (40096) has none.
func (s *Source) Relations(ctx context.Context, externalUserID string) ([]Follow, error) {
	d, err := s.c.Customer(ctx, externalUserID)
	if wecom.ErrorCode(err) == 40096 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]Follow, 0, len(d.FollowUsers))
	for i := range d.FollowUsers {
		out = append(out, followFrom(externalUserID, &d.FollowUsers[i]))
	}
	return out, nil
}

// CorpID returns the corporation the source reads, which names the
// Syncer's default store key.
func (s *Source) CorpID() string { return s.corpID }

var _ Fetcher = (*Source)(nil)
