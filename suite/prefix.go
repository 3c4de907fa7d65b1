package suite

import (
	"context"
	"time"

	"github.com/wecomkit/wecomkit/store"
)

// prefixed returns s with every key under prefix, keeping s's Locker: the
// corp clients' tokens and tickets then live under the suite's own keys,
// apart from another suite's tickets for the same corporation.
func prefixed(s store.Store, prefix string) store.Store {
	p := &prefixStore{s: s, prefix: prefix}
	if l, ok := s.(store.Locker); ok {
		return &prefixLocker{prefixStore: p, l: l}
	}
	return p
}

type prefixStore struct {
	s      store.Store
	prefix string
}

func (p *prefixStore) Get(ctx context.Context, key string) (string, bool, error) {
	return p.s.Get(ctx, p.prefix+key)
}

func (p *prefixStore) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	return p.s.Set(ctx, p.prefix+key, value, ttl)
}

func (p *prefixStore) Delete(ctx context.Context, key string) error {
	return p.s.Delete(ctx, p.prefix+key)
}

func (p *prefixStore) CompareAndDelete(ctx context.Context, key, old string) (bool, error) {
	return p.s.CompareAndDelete(ctx, p.prefix+key, old)
}

type prefixLocker struct {
	*prefixStore
	l store.Locker
}

func (p *prefixLocker) Lock(ctx context.Context, key string, ttl time.Duration) (func(context.Context) error, error) {
	return p.l.Lock(ctx, p.prefix+key, ttl)
}
