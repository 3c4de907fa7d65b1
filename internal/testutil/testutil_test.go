package testutil

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/store"
)

func TestRecordingStoreForwardsTheLocker(t *testing.T) {
	ctx := context.Background()
	locking, rec := NewRecordingStore(store.NewMemory())
	_, ok := locking.(store.Locker)
	require.True(t, ok, "a Memory store is a Locker, and so is its recording wrapper")
	unlock, err := locking.(store.Locker).Lock(ctx, "k:lock", 1e9)
	require.NoError(t, err)
	require.NoError(t, unlock(ctx))

	plain, rec2 := NewRecordingStore(WithoutLocker(store.NewMemory()))
	_, ok = plain.(store.Locker)
	require.False(t, ok)

	require.NoError(t, locking.Set(ctx, "b", "1", 0))
	require.NoError(t, locking.Set(ctx, "a", "1", 0))
	require.NoError(t, plain.Set(ctx, "c", "1", 0))
	require.Equal(t, []string{"a", "b"}, rec.Keys())
	require.Equal(t, []string{"c"}, rec2.Keys())
	v, ok, err := locking.Get(ctx, "a")
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, "1", v)
}

func TestJSONLines(t *testing.T) {
	got, err := JSONLines("{\"msg\":\"a\"}\n\n{\"msg\":\"b\",\"n\":1}\n")
	require.NoError(t, err)
	require.Equal(t, []map[string]any{{"msg": "a"}, {"msg": "b", "n": float64(1)}}, got)
	_, err = JSONLines("{\"msg\":\"a\"}\nnot json\n")
	require.ErrorContains(t, err, `"not json"`)
}
