package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/wecomkit/wecomkit/store"
)

// indexSuffix names the bucket holding the indexes: the values' bucket
// name followed by it.
const indexSuffix = ".index"

// Each index is a sub-bucket, named after it, of the indexes bucket. In it
// every member has two records, and the index one count:
//
//	'm' member              → score (8 bytes, see encodeScore)
//	's' score (8) member    → empty: the members in (score, member) order
//	'n'                     → how many members (8 bytes, big-endian)
//
// An index left without members is deleted.
const (
	memberTag = 'm'
	scoreTag  = 's'
	scoreSize = 8
)

var countKey = []byte{'n'}

// encodeScore writes score so that the bytes of two scores compare as the
// scores do: big-endian, with the sign bit flipped so that negative scores
// come before positive ones.
func encodeScore(dst []byte, score int64) {
	binary.BigEndian.PutUint64(dst, uint64(score)^(1<<63))
}

func decodeScore(b []byte) int64 {
	return int64(binary.BigEndian.Uint64(b) ^ (1 << 63))
}

func memberKey(member string) []byte {
	k := make([]byte, 1+len(member))
	k[0] = memberTag
	copy(k[1:], member)
	return k
}

func scoreKey(score int64, member string) []byte {
	k := make([]byte, 1+scoreSize+len(member))
	k[0] = scoreTag
	encodeScore(k[1:], score)
	copy(k[1+scoreSize:], member)
	return k
}

// errNotIndex is returned when the record named after an index is not a
// bucket: a file the Store did not write.
var errNotIndex = errors.New("not an index bucket")

// index returns the bucket of the index named name, or nil when the index
// has no member. With create, it creates the bucket (and the indexes
// bucket) if needed; tx must then be writable.
func (s *Store) index(tx *bolt.Tx, name string, create bool) (*bolt.Bucket, error) {
	if !create {
		top := tx.Bucket(s.indexes)
		if top == nil {
			return nil, nil
		}
		return top.Bucket([]byte(name)), nil
	}
	top, err := tx.CreateBucketIfNotExists(s.indexes)
	if err != nil {
		return nil, err
	}
	b, err := top.CreateBucketIfNotExists([]byte(name))
	if errors.Is(err, bolterrors.ErrIncompatibleValue) {
		return nil, fmt.Errorf("index %q: %w", name, errNotIndex)
	}
	return b, err
}

func count(b *bolt.Bucket) int64 {
	if v := b.Get(countKey); len(v) == 8 {
		return int64(binary.BigEndian.Uint64(v))
	}
	return 0
}

func setCount(b *bolt.Bucket, n int64) error {
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(n))
	return b.Put(countKey, v[:])
}

// put stores member with score in b, replacing its old score if it has
// one; move false keeps an old score instead. It reports whether member
// was absent.
func put(b *bolt.Bucket, member string, score int64, move bool) (added bool, err error) {
	mk := memberKey(member)
	var enc [scoreSize]byte
	encodeScore(enc[:], score)
	if old := b.Get(mk); old != nil {
		if !move || len(old) != scoreSize || decodeScore(old) == score {
			return false, nil
		}
		if err := b.Delete(scoreKey(decodeScore(old), member)); err != nil {
			return false, err
		}
	} else {
		added = true
		if err := setCount(b, count(b)+1); err != nil {
			return false, err
		}
	}
	if err := b.Put(mk, enc[:]); err != nil {
		return false, err
	}
	return added, b.Put(scoreKey(score, member), nil)
}

// IndexAdd implements [store.Index]. The write is committed to disk before
// IndexAdd returns. The index's name must not be empty.
func (s *Store) IndexAdd(ctx context.Context, index, member string, score int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("boltstore: index-add: %w", err)
	}
	var added bool
	err := s.write(func(tx *bolt.Tx) error {
		added = false // the function may run again after a rolled-back batch
		b, err := s.index(tx, index, true)
		if err != nil {
			return err
		}
		added, err = put(b, member, score, false)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("boltstore: index-add: %w", err)
	}
	return added, nil
}

// IndexSet implements [store.Index]. The write is committed to disk before
// IndexSet returns. The index's name must not be empty.
func (s *Store) IndexSet(ctx context.Context, index, member string, score int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("boltstore: index-set: %w", err)
	}
	err := s.write(func(tx *bolt.Tx) error {
		b, err := s.index(tx, index, true)
		if err != nil {
			return err
		}
		_, err = put(b, member, score, true)
		return err
	})
	if err != nil {
		return fmt.Errorf("boltstore: index-set: %w", err)
	}
	return nil
}

// IndexRemove implements [store.Index]. The write is committed to disk
// before IndexRemove returns; an index left empty is deleted from the file.
func (s *Store) IndexRemove(ctx context.Context, index, member string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("boltstore: index-remove: %w", err)
	}
	err := s.write(func(tx *bolt.Tx) error {
		b, err := s.index(tx, index, false)
		if b == nil || err != nil {
			return err
		}
		mk := memberKey(member)
		old := b.Get(mk)
		if len(old) != scoreSize {
			return nil
		}
		if err := b.Delete(scoreKey(decodeScore(old), member)); err != nil {
			return err
		}
		if err := b.Delete(mk); err != nil {
			return err
		}
		if n := count(b) - 1; n > 0 {
			return setCount(b, n)
		}
		return tx.Bucket(s.indexes).DeleteBucket([]byte(index))
	})
	if err != nil {
		return fmt.Errorf("boltstore: index-remove: %w", err)
	}
	return nil
}

// IndexRange implements [store.Index]. It reads the members in order from
// the lowest score, and stops at the first above max: its cost is that of
// the members it returns, however many the index holds.
func (s *Store) IndexRange(ctx context.Context, index string, max int64, limit int) ([]store.Scored, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("boltstore: index-range: %w", err)
	}
	if limit <= 0 {
		return nil, nil
	}
	var out []store.Scored
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := s.index(tx, index, false)
		if b == nil || err != nil {
			return err
		}
		out = make([]store.Scored, 0, min(int64(limit), count(b)))
		c := b.Cursor()
		for k, _ := c.Seek([]byte{scoreTag}); len(k) > scoreSize && k[0] == scoreTag && len(out) < limit; k, _ = c.Next() {
			score := decodeScore(k[1 : 1+scoreSize])
			if score > max {
				break
			}
			// k is only valid inside the transaction: string copies it.
			out = append(out, store.Scored{Member: string(k[1+scoreSize:]), Score: score})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: index-range: %w", err)
	}
	return out, nil
}

// IndexLen implements [store.Index]: one read of the index's count.
func (s *Store) IndexLen(ctx context.Context, index string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("boltstore: index-len: %w", err)
	}
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		b, err := s.index(tx, index, false)
		if b != nil {
			n = count(b)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: index-len: %w", err)
	}
	return n, nil
}
