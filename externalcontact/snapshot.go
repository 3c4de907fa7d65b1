package externalcontact

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/internal/binenc"
)

// Follow is one follow relation: member UserID follows customer
// ExternalUserID, with what the member noted about them. It is the unit a
// [Snapshot] holds and a [Change] reports.
type Follow struct {
	UserID         string
	ExternalUserID string
	Remark         string
	Description    string
	RemarkCorpName string
	RemarkMobiles  []string
	// TagIDs are the member's tags on the customer (corp and rule-group
	// tags, by id), sorted.
	TagIDs     []string
	CreateTime int64 // unix seconds the member added the customer
	AddWay     int
	State      string
}

// followFrom makes the relation of member f with customer ext; tag ids
// come from TagIDs (batch/get_by_user) or, when it is empty, from Tags
// (externalcontact/get).
func followFrom(ext string, f *FollowUser) Follow {
	out := Follow{UserID: f.UserID, ExternalUserID: ext, Remark: f.Remark, Description: f.Description,
		RemarkCorpName: f.RemarkCorpName, CreateTime: f.CreateTime, AddWay: f.AddWay, State: f.State}
	if len(f.RemarkMobiles) > 0 {
		out.RemarkMobiles = f.RemarkMobiles
	}
	ids := f.TagIDs
	if len(ids) == 0 && len(f.Tags) > 0 {
		for _, t := range f.Tags {
			if t.TagID != "" {
				ids = append(ids, t.TagID)
			}
		}
	}
	if len(ids) > 0 {
		out.TagIDs = slices.Compact(slices.Sorted(slices.Values(ids)))
	}
	return out
}

// Snapshot is who follows which customer at one moment. [Source.Fetch]
// makes them, [Diff] compares two, [Syncer] keeps the last one in a
// store.
type Snapshot struct {
	// Taken is when the snapshot was made.
	Taken time.Time
	// Followers are the members allowed to have customers
	// (get_follow_user_list), sorted, each once.
	Followers []string
	// Follows are sorted by UserID, then ExternalUserID; each pair once.
	Follows []Follow
	// Unfetched are followers whose relations could not be read — WeCom
	// left them out of batch/get_by_user for want of an interface license
	// ([UnlicensedError]) — sorted, each once. A [Syncer] gives them their
	// relations from the previous snapshot, so that what was not read is
	// never reported removed; they stay listed here until a sync reads
	// them.
	Unfetched []string
}

func cmpFollow(a, b *Follow) int {
	if c := strings.Compare(a.UserID, b.UserID); c != 0 {
		return c
	}
	return strings.Compare(a.ExternalUserID, b.ExternalUserID)
}

// Sort puts Followers and Follows in the order [Snapshot] promises and
// drops repeated entries (the later of two follows of one pair wins).
// Code that builds a snapshot by hand calls it once before [Diff].
func (s *Snapshot) Sort() {
	slices.Sort(s.Followers)
	s.Followers = slices.Compact(s.Followers)
	slices.Sort(s.Unfetched)
	s.Unfetched = slices.Compact(s.Unfetched)
	if !followsSorted(s.Follows) {
		slices.SortStableFunc(s.Follows, func(a, b Follow) int { return cmpFollow(&a, &b) })
	}
	if len(s.Follows) < 2 {
		return
	}
	out := s.Follows[:1]
	for i := 1; i < len(s.Follows); i++ {
		if cmpFollow(&out[len(out)-1], &s.Follows[i]) == 0 {
			out[len(out)-1] = s.Follows[i]
			continue
		}
		out = append(out, s.Follows[i])
	}
	clear(s.Follows[len(out):])
	s.Follows = out
}

// followsSorted reports whether fs is in order (repeats allowed).
func followsSorted(fs []Follow) bool {
	for i := 1; i < len(fs); i++ {
		if cmpFollow(&fs[i-1], &fs[i]) > 0 {
			return false
		}
	}
	return true
}

// Follow returns the relation of member userID with customer
// externalUserID, or nil.
func (s *Snapshot) Follow(userID, externalUserID string) *Follow {
	key := Follow{UserID: userID, ExternalUserID: externalUserID}
	i, ok := slices.BinarySearchFunc(s.Follows, &key, func(f Follow, k *Follow) int { return cmpFollow(&f, k) })
	if !ok {
		return nil
	}
	return &s.Follows[i]
}

// CustomersOf returns member userID's relations, a sub-slice of Follows.
func (s *Snapshot) CustomersOf(userID string) []Follow {
	lo, _ := slices.BinarySearchFunc(s.Follows, userID, func(f Follow, u string) int { return strings.Compare(f.UserID, u) })
	hi := lo
	for hi < len(s.Follows) && s.Follows[hi].UserID == userID {
		hi++
	}
	return s.Follows[lo:hi:hi]
}

// ErrCorruptSnapshot is matched by the error of [Snapshot.UnmarshalBinary]
// for data that is not a snapshot this package wrote.
var ErrCorruptSnapshot = errors.New("externalcontact: corrupt snapshot")

// The encoding: a magic and version, then a deflate stream of varints and
// length-prefixed strings. 100,000 relations take a few megabytes.
// Version 2 added Unfetched after the follows; version 1 is still read.
const (
	snapshotMagic   = "WKES\x02"
	snapshotMagicV1 = "WKES\x01"
	maxSnapshotSize = 1 << 30 // decoded; guards against a deflate bomb
)

// MarshalBinary encodes the snapshot compactly, for a store. It
// implements encoding.BinaryMarshaler.
func (s *Snapshot) MarshalBinary() ([]byte, error) {
	return binenc.Compress(snapshotMagic, func(w *binenc.Encoder) {
		w.Varint(s.Taken.UnixNano())
		w.Strs(s.Followers)
		w.Uvarint(uint64(len(s.Follows)))
		for i := range s.Follows {
			f := &s.Follows[i]
			for _, p := range [...]*string{&f.UserID, &f.ExternalUserID, &f.Remark, &f.Description, &f.RemarkCorpName, &f.State} {
				w.Str(*p)
			}
			w.Strs(f.RemarkMobiles)
			w.Strs(f.TagIDs)
			w.Varint(f.CreateTime)
			w.Varint(int64(f.AddWay))
		}
		w.Strs(s.Unfetched)
	})
}

// UnmarshalBinary decodes what [Snapshot.MarshalBinary] wrote; anything
// else is refused with an error matching [ErrCorruptSnapshot]. It
// implements encoding.BinaryUnmarshaler.
func (s *Snapshot) UnmarshalBinary(data []byte) error {
	rest, ok := bytes.CutPrefix(data, []byte(snapshotMagic))
	v1 := false
	if !ok {
		if rest, v1 = bytes.CutPrefix(data, []byte(snapshotMagicV1)); !v1 {
			return fmt.Errorf("%w: unknown format", ErrCorruptSnapshot)
		}
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
	out.Followers = d.Strs()
	for i := 1; i < len(out.Followers) && d.Err() == nil; i++ {
		if out.Followers[i] <= out.Followers[i-1] {
			d.Fail("followers out of order")
		}
	}
	n := d.Count(10)
	out.Follows = make([]Follow, n)
	for i := range out.Follows {
		f := &out.Follows[i]
		for _, p := range [...]*string{&f.UserID, &f.ExternalUserID, &f.Remark, &f.Description, &f.RemarkCorpName, &f.State} {
			*p = d.Str()
		}
		f.RemarkMobiles = d.Strs()
		f.TagIDs = d.Strs()
		f.CreateTime = d.Varint()
		f.AddWay = int(d.Varint())
		if i > 0 && d.Err() == nil && cmpFollow(&out.Follows[i-1], f) >= 0 {
			d.Fail("follows out of order")
		}
		if d.Err() != nil {
			break
		}
	}
	if !v1 {
		out.Unfetched = d.Strs()
		for i := 1; i < len(out.Unfetched) && d.Err() == nil; i++ {
			if out.Unfetched[i] <= out.Unfetched[i-1] {
				d.Fail("unfetched followers out of order")
			}
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
