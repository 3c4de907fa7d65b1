package store

import (
	"cmp"
	"context"
	"slices"
)

// memoryIndex is one sorted set of a [Memory]: the score of each member,
// and the members kept in (score, member) order, so that a range costs a
// binary search plus the members it returns, and a write a binary search
// plus moving the slice's tail.
type memoryIndex struct {
	scores map[string]int64
	sorted []Scored
}

func compareScored(a, b Scored) int {
	if c := cmp.Compare(a.Score, b.Score); c != 0 {
		return c
	}
	return cmp.Compare(a.Member, b.Member)
}

// put adds member with score, or moves it there, and reports whether it
// was absent. The caller holds the Memory's lock.
func (ix *memoryIndex) put(member string, score int64) (added bool) {
	if old, ok := ix.scores[member]; ok {
		if old == score {
			return false
		}
		ix.remove(member, old)
	}
	ix.scores[member] = score
	e := Scored{Member: member, Score: score}
	i, _ := slices.BinarySearchFunc(ix.sorted, e, compareScored)
	ix.sorted = slices.Insert(ix.sorted, i, e)
	return true
}

// remove takes member, whose score is score, out of the index.
func (ix *memoryIndex) remove(member string, score int64) {
	delete(ix.scores, member)
	if i, found := slices.BinarySearchFunc(ix.sorted, Scored{Member: member, Score: score}, compareScored); found {
		ix.sorted = slices.Delete(ix.sorted, i, i+1)
	}
}

// indexLocked returns the index named name, creating it when create is
// true; otherwise it returns nil for an index with no member.
func (m *Memory) indexLocked(name string, create bool) *memoryIndex {
	ix := m.indexes[name]
	if ix == nil && create {
		ix = &memoryIndex{scores: make(map[string]int64)}
		m.indexes[name] = ix
	}
	return ix
}

// IndexAdd implements [Index].
func (m *Memory) IndexAdd(ctx context.Context, index, member string, score int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ix := m.indexLocked(index, true)
	if _, ok := ix.scores[member]; ok {
		return false, nil
	}
	ix.put(member, score)
	return true, nil
}

// IndexSet implements [Index].
func (m *Memory) IndexSet(ctx context.Context, index, member string, score int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.indexLocked(index, true).put(member, score)
	return nil
}

// IndexRemove implements [Index]. An index left without members is
// forgotten, so that indexes cost nothing once emptied.
func (m *Memory) IndexRemove(ctx context.Context, index, member string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ix := m.indexLocked(index, false)
	if ix == nil {
		return nil
	}
	if score, ok := ix.scores[member]; ok {
		ix.remove(member, score)
		if len(ix.scores) == 0 {
			delete(m.indexes, index)
		}
	}
	return nil
}

// IndexRange implements [Index].
func (m *Memory) IndexRange(ctx context.Context, index string, max int64, limit int) ([]Scored, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	ix := m.indexLocked(index, false)
	if ix == nil {
		return nil, nil
	}
	// The first member scored above max: every member before it is in range.
	end, _ := slices.BinarySearchFunc(ix.sorted, max, func(e Scored, bound int64) int {
		if e.Score <= bound {
			return -1
		}
		return 1
	})
	n := min(end, limit)
	if n == 0 {
		return nil, nil
	}
	return slices.Clone(ix.sorted[:n]), nil
}

// IndexLen implements [Index].
func (m *Memory) IndexLen(ctx context.Context, index string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if ix := m.indexLocked(index, false); ix != nil {
		return int64(len(ix.scores)), nil
	}
	return 0, nil
}
