package reqid

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestGeneratorIDsAreUnique(t *testing.T) {
	a, b := New(), New()
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		for _, g := range []*Generator{a, b} {
			id := g.Next()
			require.Regexp(t, `^[0-9a-f]{16}$`, id)
			require.True(t, IsSafe(id))
			require.False(t, seen[id], "duplicate id %s", id)
			seen[id] = true
		}
	}
}

func TestIsSafe(t *testing.T) {
	for _, id := range []string{"a", "caller-id-1", "A.b_c-9", strings.Repeat("x", MaxLen)} {
		require.True(t, IsSafe(id), id)
	}
	for _, id := range []string{"", strings.Repeat("x", MaxLen+1), "a b", "a\nb", "é", "a/b", "a\"b"} {
		require.False(t, IsSafe(id), id)
	}
}

func TestKeep(t *testing.T) {
	g := New()
	require.Equal(t, "caller-id-1", g.Keep("caller-id-1"))
	for _, bad := range []string{"", "a b", strings.Repeat("x", MaxLen+1)} {
		id := g.Keep(bad)
		require.Regexp(t, `^[0-9a-f]{16}$`, id, bad)
	}
}

func BenchmarkNext(b *testing.B) {
	g := New()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		_ = g.Next()
	}
}
