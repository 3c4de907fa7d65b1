// Package testutil holds helpers that several packages' tests share. It is
// imported only from _test.go files.
package testutil

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
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

// Recorder remembers every key written through the store
// [NewRecordingStore] returned, so that tests can check which keys
// wecomkit uses (and that none holds a secret).
type Recorder struct {
	mu   sync.Mutex
	seen map[string]bool
}

// Keys returns the keys written so far, sorted.
func (r *Recorder) Keys() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.seen))
	for k := range r.seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (r *Recorder) note(key string) {
	r.mu.Lock()
	r.seen[key] = true
	r.mu.Unlock()
}

// NewRecordingStore wraps s so that its writes are recorded. The store it
// returns is a [store.Locker] exactly when s is one: a wrapper that hid the
// lock would make every test through it exercise only the lock-free path.
func NewRecordingStore(s store.Store) (store.Store, *Recorder) {
	rec := &Recorder{seen: map[string]bool{}}
	rs := &recordingStore{Store: s, rec: rec}
	if l, ok := s.(store.Locker); ok {
		return &recordingLocker{recordingStore: rs, Locker: l}, rec
	}
	return rs, rec
}

type recordingStore struct {
	store.Store
	rec *Recorder
}

func (r *recordingStore) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	r.rec.note(key)
	return r.Store.Set(ctx, key, value, ttl)
}

type recordingLocker struct {
	*recordingStore
	store.Locker
}

// WithoutLocker returns s as a plain store.Store that is not a
// [store.Locker] even when s is, so a test can run both the locked and the
// lock-free path over one implementation.
func WithoutLocker(s store.Store) store.Store {
	return struct{ store.Store }{s}
}

// JSONLines decodes a JSON log, one object a line (blank lines skipped);
// a line that is not a JSON object is an error naming it.
func JSONLines(logs string) ([]map[string]any, error) {
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(logs), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			return out, fmt.Errorf("log line %q: %w", l, err)
		}
		out = append(out, m)
	}
	return out, nil
}
