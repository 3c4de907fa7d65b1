// Package testutil holds helpers that several packages' tests share. It is
// imported only from _test.go files.
package testutil

import (
	"bytes"
	"context"
	"sort"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/store"
)

// SyncBuffer is a bytes.Buffer safe for concurrent writers: a log
// destination for tests that check what was (and was not) logged.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// RecordingStore wraps a store.Store and remembers every key written, so
// that tests can check which keys wecomkit uses (and that none holds a
// secret).
type RecordingStore struct {
	store.Store
	mu   sync.Mutex
	seen map[string]bool
}

// NewRecordingStore wraps s.
func NewRecordingStore(s store.Store) *RecordingStore {
	return &RecordingStore{Store: s, seen: map[string]bool{}}
}

// Set records key and passes the call on.
func (r *RecordingStore) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	r.mu.Lock()
	r.seen[key] = true
	r.mu.Unlock()
	return r.Store.Set(ctx, key, value, ttl)
}

// Keys returns the keys written so far, sorted.
func (r *RecordingStore) Keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.seen))
	for k := range r.seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
