package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/wecomkit/wecomkit/store"
)

// Defaults of the options.
const (
	DefaultBucket      = "wecomkit"
	DefaultLockTimeout = time.Second
	DefaultSweepEvery  = 256
	DefaultFileMode    = os.FileMode(0o600)
)

// ErrLocked is wrapped by the error [Open] returns when another process
// (or another Store in this one) has the file open: bbolt allows a single
// writer per file, so a second one is refused rather than left waiting.
var ErrLocked = errors.New("boltstore: database file is in use by another process")

// Store is a [store.Store], [store.Adder] and [store.Index] in a bbolt
// file: durable across restarts, for one process. It is safe for
// concurrent use by many goroutines.
type Store struct {
	db         *bolt.DB
	path       string
	bucket     []byte
	indexes    []byte // the bucket holding one sub-bucket per index
	now        func() time.Time
	sweepEvery int64
	writes     atomic.Int64
	commits    committer
}

var (
	_ store.Store = (*Store)(nil)
	_ store.Adder = (*Store)(nil)
	_ store.Index = (*Store)(nil)
)

// Option configures [Open]. Options are built only by this package's With…
// functions.
type Option interface{ apply(*config) }

type config struct {
	bucket      string
	now         func() time.Time
	lockTimeout time.Duration
	sweepEvery  int
	mode        os.FileMode
	noSync      bool
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithClock sets the clock used for expiry. Tests inject a fake clock; the
// default is time.Now.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *config) {
		if now != nil {
			c.now = now
		}
	})
}

// WithLockTimeout sets how long [Open] waits for the file lock held by
// another process before it fails with [ErrLocked]. Default
// [DefaultLockTimeout]; non-positive values are ignored (bbolt would wait
// forever).
func WithLockTimeout(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.lockTimeout = d
		}
	})
}

// WithBucket sets the bbolt bucket holding the values, so that a file can
// hold other buckets of the application too. The bucket belongs to the
// Store: records in it that the Store did not write are treated as absent,
// never returned. So does the bucket of the same name followed by
// ".index", which holds the Store's indexes ([Store.IndexAdd]) and is
// created when the first index is written. Default [DefaultBucket].
func WithBucket(name string) Option {
	return optionFunc(func(c *config) {
		if name != "" {
			c.bucket = name
		}
	})
}

// WithSweepEvery sets how many writes pass between two sweeps of expired
// values (they are also deleted when read). Default [DefaultSweepEvery];
// non-positive values are ignored.
func WithSweepEvery(n int) Option {
	return optionFunc(func(c *config) {
		if n > 0 {
			c.sweepEvery = n
		}
	})
}

// WithFileMode sets the permissions of a newly created file. The default,
// 0600, keeps the tokens and permanent codes it holds from other users.
func WithFileMode(mode os.FileMode) Option {
	return optionFunc(func(c *config) { c.mode = mode })
}

// WithNoSync skips the fsync after each write: faster, but a machine crash
// (not a process crash) may lose recent writes or corrupt the file. Only
// for tests and caches whose loss does not matter.
func WithNoSync() Option {
	return optionFunc(func(c *config) { c.noSync = true })
}

// Open opens the bbolt file at path, creating it (mode 0600) and its bucket
// if needed. Only one process can have a file open at a time: if another
// does, Open waits up to [WithLockTimeout] and then returns an error
// wrapping [ErrLocked]. Close the Store when done.
//
// Before serving anything, Open reads the whole file once and runs bbolt's
// consistency check on it. A damaged file is refused with an error that
// names it and wraps [ErrCorrupt] — never with a panic, and never by
// serving values from it.
func Open(path string, opts ...Option) (*Store, error) {
	cfg := config{
		bucket:      DefaultBucket,
		now:         time.Now,
		lockTimeout: DefaultLockTimeout,
		sweepEvery:  DefaultSweepEvery,
		mode:        DefaultFileMode,
	}
	for _, o := range opts {
		o.apply(&cfg)
	}
	db, err := openDB(path, cfg.mode, &bolt.Options{Timeout: cfg.lockTimeout, NoSync: cfg.noSync})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("boltstore: open %s: waited %v: %w", path, cfg.lockTimeout, ErrLocked)
	}
	if errors.Is(err, ErrCorrupt) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("boltstore: open %s: %w", path, err)
	}
	if err := checkDB(db, path); err != nil {
		_ = db.Close()
		return nil, err
	}
	s := &Store{
		db:         db,
		path:       path,
		bucket:     []byte(cfg.bucket),
		indexes:    []byte(cfg.bucket + indexSuffix),
		now:        cfg.now,
		sweepEvery: int64(cfg.sweepEvery),
		commits:    committer{db: db},
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(s.bucket)
		return err
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("boltstore: open %s: bucket %q: %w", path, cfg.bucket, err)
	}
	return s, nil
}

// Close closes the file. Operations after Close fail.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("boltstore: close: %w", err)
	}
	return nil
}

// Path returns the file's path.
func (s *Store) Path() string { return s.path }

// String describes the store by its path.
func (s *Store) String() string { return fmt.Sprintf("boltstore(%s)", s.path) }

// Stored form of a value: a format byte, the expiry in Unix nanoseconds
// (big-endian; 0 = never), then the value's bytes.
const (
	formatV1   = 1
	headerSize = 1 + 8
)

func encode(value string, expires int64) []byte {
	b := make([]byte, headerSize+len(value))
	b[0] = formatV1
	binary.BigEndian.PutUint64(b[1:headerSize], uint64(expires))
	copy(b[headerSize:], value)
	return b
}

// expiry returns the expiry of a stored record, or ok false if raw is not
// one.
func expiry(raw []byte) (expires int64, ok bool) {
	if len(raw) < headerSize || raw[0] != formatV1 {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(raw[1:headerSize])), true
}

// live reports whether a record is readable and unexpired at now.
func live(raw []byte, now int64) bool {
	exp, ok := expiry(raw)
	return ok && (exp == 0 || now < exp)
}

// Get implements [store.Store]. An expired value is deleted as it is
// found.
func (s *Store) Get(ctx context.Context, key string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("boltstore: get: %w", err)
	}
	now := s.now().UnixNano()
	var (
		value   string
		found   bool
		expired bool
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		raw := tx.Bucket(s.bucket).Get([]byte(key))
		exp, ok := expiry(raw)
		if !ok {
			return nil // absent, or not ours: left alone
		}
		if exp != 0 && now >= exp {
			expired = true
			return nil
		}
		// raw is only valid inside the transaction: copy it out.
		value, found = string(raw[headerSize:]), true
		return nil
	})
	if err != nil {
		return "", false, fmt.Errorf("boltstore: get: %w", err)
	}
	if expired {
		// Delete lazily, in a write of its own; someone may have stored a
		// fresh value since the read, so look again.
		err := s.write(func(tx *bolt.Tx) error {
			b := tx.Bucket(s.bucket)
			if exp, ok := expiry(b.Get([]byte(key))); ok && exp != 0 && now >= exp {
				return b.Delete([]byte(key))
			}
			return nil
		})
		if err != nil {
			return "", false, fmt.Errorf("boltstore: get: delete expired: %w", err)
		}
	}
	return value, found, nil
}

// Set implements [store.Store]. Every [WithSweepEvery] writes, the same
// transaction also deletes every expired value.
func (s *Store) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if ttl < 0 {
		return store.ErrNegativeTTL
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("boltstore: set: %w", err)
	}
	now := s.now().UnixNano()
	rec := encode(value, expiresAt(now, ttl))
	sweep := s.writes.Add(1)%s.sweepEvery == 0
	err := s.write(func(tx *bolt.Tx) error {
		b := tx.Bucket(s.bucket)
		if err := b.Put([]byte(key), rec); err != nil {
			return err
		}
		if sweep {
			_, err := sweepBucket(b, now)
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("boltstore: set: %w", err)
	}
	return nil
}

// expiresAt returns the expiry, in Unix nanoseconds, of a value stored at
// now for ttl (0: never).
func expiresAt(now int64, ttl time.Duration) int64 {
	if ttl <= 0 {
		return 0
	}
	expires := now + int64(ttl)
	if expires < now {
		return math.MaxInt64 // overflow: as good as never
	}
	return expires
}

// Add implements [store.Adder]: it stores value only if key holds no live
// value (an expired one, or a record the Store did not write, counts as
// absent and is replaced). Like Set, it commits to disk before it returns,
// and counts towards the next sweep.
func (s *Store) Add(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	if ttl < 0 {
		return false, store.ErrNegativeTTL
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("boltstore: add: %w", err)
	}
	now := s.now().UnixNano()
	rec := encode(value, expiresAt(now, ttl))
	sweep := s.writes.Add(1)%s.sweepEvery == 0
	var added bool
	err := s.write(func(tx *bolt.Tx) error {
		added = false // the function may run again after a rolled-back batch
		b := tx.Bucket(s.bucket)
		if !live(b.Get([]byte(key)), now) {
			if err := b.Put([]byte(key), rec); err != nil {
				return err
			}
			added = true
		}
		if sweep {
			_, err := sweepBucket(b, now)
			return err
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("boltstore: add: %w", err)
	}
	return added, nil
}

// Sweep deletes every expired value now and reports how many it deleted.
// Set does this on its own every [WithSweepEvery] writes; Sweep is for
// callers that write rarely and want the file kept small.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("boltstore: sweep: %w", err)
	}
	now := s.now().UnixNano()
	var n int
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		n, err = sweepBucket(tx.Bucket(s.bucket), now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("boltstore: sweep: %w", err)
	}
	return n, nil
}

// sweepBucket deletes the records of b that have expired at now. Keys are
// collected first: deleting while a cursor walks the bucket skips keys.
func sweepBucket(b *bolt.Bucket, now int64) (int, error) {
	var dead [][]byte
	err := b.ForEach(func(k, v []byte) error {
		if exp, ok := expiry(v); ok && exp != 0 && now >= exp {
			dead = append(dead, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(dead), nil
}

// Delete implements [store.Store].
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("boltstore: delete: %w", err)
	}
	err := s.write(func(tx *bolt.Tx) error {
		return tx.Bucket(s.bucket).Delete([]byte(key))
	})
	if err != nil {
		return fmt.Errorf("boltstore: delete: %w", err)
	}
	return nil
}

// CompareAndDelete implements [store.Store]. The comparison and the
// deletion happen in one write transaction, and bbolt runs one at a time,
// which makes them atomic.
func (s *Store) CompareAndDelete(ctx context.Context, key, old string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("boltstore: compare-and-delete: %w", err)
	}
	now := s.now().UnixNano()
	var deleted bool
	err := s.write(func(tx *bolt.Tx) error {
		deleted = false // the function may run again after a rolled-back batch
		b := tx.Bucket(s.bucket)
		raw := b.Get([]byte(key))
		if raw == nil || !live(raw, now) || string(raw[headerSize:]) != old {
			return nil
		}
		deleted = true
		return b.Delete([]byte(key))
	})
	if err != nil {
		return false, fmt.Errorf("boltstore: compare-and-delete: %w", err)
	}
	return deleted, nil
}

// write runs fn in a write transaction shared with concurrent writes; see
// [committer.write].
func (s *Store) write(fn func(*bolt.Tx) error) error { return s.commits.write(fn) }
