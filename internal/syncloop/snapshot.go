package syncloop

import (
	"context"
	"encoding"
	"fmt"
)

// Load returns the snapshot stored under l.Key, decoded into a new T, or
// nil when there is none yet.
func Load[T any, P interface {
	*T
	encoding.BinaryUnmarshaler
}, C ~[]E, E any](ctx context.Context, l *Loop[C, E]) (*T, error) {
	raw, ok, err := l.Store.Get(ctx, l.Key)
	if err != nil {
		return nil, fmt.Errorf("%sload snapshot: %w", l.Prefix, err)
	}
	if !ok {
		return nil, nil
	}
	var snap T
	if err := P(&snap).UnmarshalBinary([]byte(raw)); err != nil {
		return nil, fmt.Errorf("%sload snapshot %s (delete the key to start afresh): %w", l.Prefix, l.Key, err)
	}
	return &snap, nil
}

// Save encodes snap and stores it under l.Key, with no expiry.
func (l *Loop[C, E]) Save(ctx context.Context, snap encoding.BinaryMarshaler) error {
	raw, err := snap.MarshalBinary()
	if err != nil {
		return fmt.Errorf("%sencode snapshot: %w", l.Prefix, err)
	}
	if err := l.Store.Set(ctx, l.Key, string(raw), 0); err != nil {
		return fmt.Errorf("%sstore snapshot: %w", l.Prefix, err)
	}
	return nil
}
