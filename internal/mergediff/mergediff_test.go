package mergediff_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/mergediff"
)

type entry struct {
	key string
	val int
}

func lists(old, new []entry) mergediff.Lists[entry] {
	return mergediff.Lists[entry]{
		Old: old, New: new,
		Cmp:     func(a, b *entry) int { return strings.Compare(a.key, b.key) },
		Differs: func(a, b *entry) bool { return a.val != b.val },
	}
}

func diff(l mergediff.Lists[entry]) []string {
	n := l.Count()
	out := make([]string, n.Total())
	mergediff.Fill(l, n, out, func(old, new *entry) string {
		switch {
		case old == nil:
			return "+" + new.key
		case new == nil:
			return "-" + old.key
		default:
			return fmt.Sprintf("~%s:%d>%d", new.key, old.val, new.val)
		}
	})
	return out
}

func TestDiffGroupsAddedChangedRemovedInKeyOrder(t *testing.T) {
	old := []entry{{"a", 1}, {"b", 1}, {"d", 1}, {"f", 1}, {"g", 1}}
	new := []entry{{"b", 2}, {"c", 1}, {"d", 1}, {"e", 1}, {"g", 3}, {"h", 1}}
	l := lists(old, new)
	require.Equal(t, mergediff.Counts{Added: 3, Changed: 2, Removed: 2}, l.Count())
	require.Equal(t, []string{"+c", "+e", "+h", "~b:1>2", "~g:1>3", "-a", "-f"}, diff(l))
}

func TestDiffEmptyAndIdentical(t *testing.T) {
	some := []entry{{"a", 1}, {"b", 2}}
	require.Equal(t, []string{"+a", "+b"}, diff(lists(nil, some)))
	require.Equal(t, []string{"-a", "-b"}, diff(lists(some, nil)))
	require.Empty(t, diff(lists(some, some)))
	require.Empty(t, diff(lists(nil, nil)))
}

func TestNilDiffersNeverChanges(t *testing.T) {
	l := lists([]entry{{"a", 1}}, []entry{{"a", 2}})
	l.Differs = nil
	require.Equal(t, mergediff.Counts{}, l.Count())
}

func TestCountAllocatesNothing(t *testing.T) {
	l := lists([]entry{{"a", 1}, {"c", 1}}, []entry{{"a", 2}, {"b", 1}})
	require.Zero(t, testing.AllocsPerRun(100, func() { _ = l.Count() }))
}

func TestFillWithWrongCountsPanics(t *testing.T) {
	l := lists(nil, []entry{{"a", 1}, {"b", 1}})
	require.Panics(t, func() {
		mergediff.Fill(l, mergediff.Counts{Added: 1}, make([]string, 1), func(_, new *entry) string { return new.key })
	})
}
