package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Memory is an in-process [Store], [Locker], [Adder] and [Index]. It
// starts no goroutine: expired entries are dropped when they are read, and
// swept in bulk as the map grows, so an idle Memory costs nothing and needs
// no Close.
//
// Memory shares nothing between processes; use store/redisstore for that.
type Memory struct {
	now func() time.Time

	mu        sync.Mutex
	items     map[string]memoryItem
	sweepAt   int // sweep expired items once len(items) reaches this
	locks     map[string]*memoryLock
	lockOwner atomic.Uint64
	indexes   map[string]*memoryIndex // a namespace of its own, apart from items
}

type memoryItem struct {
	value   string
	expires time.Time // zero: never
}

type memoryLock struct {
	owner    uint64
	expires  time.Time
	released chan struct{} // closed when the lock is released or taken over
}

// MemoryOption configures a [Memory].
type MemoryOption interface{ applyMemory(*Memory) }

type memoryOptionFunc func(*Memory)

func (f memoryOptionFunc) applyMemory(m *Memory) { f(m) }

// WithClock sets the clock Memory uses for expiry. Tests inject a fake clock
// to move through token lifetimes without sleeping. The default is time.Now.
func WithClock(now func() time.Time) MemoryOption {
	return memoryOptionFunc(func(m *Memory) {
		if now != nil {
			m.now = now
		}
	})
}

const minSweep = 64

// NewMemory returns an empty in-memory store.
func NewMemory(opts ...MemoryOption) *Memory {
	m := &Memory{
		now:     time.Now,
		items:   make(map[string]memoryItem),
		sweepAt: minSweep,
		locks:   make(map[string]*memoryLock),
		indexes: make(map[string]*memoryIndex),
	}
	for _, o := range opts {
		o.applyMemory(m)
	}
	return m
}

var (
	_ Store  = (*Memory)(nil)
	_ Locker = (*Memory)(nil)
	_ Adder  = (*Memory)(nil)
	_ Index  = (*Memory)(nil)
)

// newItem is value stored at now for ttl (0: forever).
func newItem(value string, ttl time.Duration, now time.Time) memoryItem {
	it := memoryItem{value: value}
	if ttl > 0 {
		it.expires = now.Add(ttl)
	}
	return it
}

func (it memoryItem) live(now time.Time) bool {
	return it.expires.IsZero() || now.Before(it.expires)
}

// Get implements [Store].
func (m *Memory) Get(ctx context.Context, key string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, err
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[key]
	if !ok {
		return "", false, nil
	}
	if !it.live(now) {
		delete(m.items, key)
		return "", false, nil
	}
	return it.value, true, nil
}

// Set implements [Store].
func (m *Memory) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if ttl < 0 {
		return ErrNegativeTTL
	}
	now := m.now()
	it := newItem(value, ttl, now)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[key] = it
	if len(m.items) >= m.sweepAt {
		m.sweepLocked(now)
	}
	return nil
}

// Add implements [Adder]: an expired value counts as absent, and is
// replaced.
func (m *Memory) Add(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if ttl < 0 {
		return false, ErrNegativeTTL
	}
	now := m.now()
	it := newItem(value, ttl, now)
	m.mu.Lock()
	defer m.mu.Unlock()
	if old, ok := m.items[key]; ok && old.live(now) {
		return false, nil
	}
	m.items[key] = it
	if len(m.items) >= m.sweepAt {
		m.sweepLocked(now)
	}
	return true, nil
}

// sweepLocked drops expired items and sets the next sweep to twice the
// surviving size, so sweeping costs amortised O(1) per Set.
func (m *Memory) sweepLocked(now time.Time) {
	for k, it := range m.items {
		if !it.live(now) {
			delete(m.items, k)
		}
	}
	m.sweepAt = max(2*len(m.items), minSweep)
}

// Delete implements [Store].
func (m *Memory) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	delete(m.items, key)
	m.mu.Unlock()
	return nil
}

// CompareAndDelete implements [Store].
func (m *Memory) CompareAndDelete(ctx context.Context, key, old string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	now := m.now()
	m.mu.Lock()
	defer m.mu.Unlock()
	it, ok := m.items[key]
	if !ok || !it.live(now) || it.value != old {
		return false, nil
	}
	delete(m.items, key)
	return true, nil
}

// lockPoll bounds how long a waiter sleeps before it looks at the clock
// again, so an injected clock that jumps past a lock's expiry is noticed.
const lockPoll = 20 * time.Millisecond

// Lock implements [Locker] within one process. It is what lets the token
// machinery be tested for cross-process behaviour without a Redis.
func (m *Memory) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	if ttl <= 0 {
		return nil, ErrInvalidTTL
	}
	owner := m.lockOwner.Add(1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		now := m.now()
		m.mu.Lock()
		l, held := m.locks[key]
		if !held || !now.Before(l.expires) {
			if held {
				close(l.released) // expired: wake its other waiters too
			}
			m.locks[key] = &memoryLock{owner: owner, expires: now.Add(ttl), released: make(chan struct{})}
			m.mu.Unlock()
			return func(context.Context) error { m.unlock(key, owner); return nil }, nil
		}
		wait := min(l.expires.Sub(now), lockPoll)
		released := l.released
		m.mu.Unlock()

		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-released:
			t.Stop()
		case <-t.C:
		}
	}
}

func (m *Memory) unlock(key string, owner uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.locks[key]; ok && l.owner == owner {
		delete(m.locks, key)
		close(l.released)
	}
}

// Len reports how many entries the store holds, expired ones not yet swept
// included. It exists for tests and metrics.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}
