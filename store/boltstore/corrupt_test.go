package boltstore_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/wecomkit/wecomkit/store/boltstore"
)

// Layout of a bbolt page, as far as the tests below corrupt it: a 16-byte
// header (id uint64, flags uint16, count uint16, overflow uint32), then
// the elements. A meta page's checksum is at offset 72; a leaf element is
// 16 bytes (flags, pos, ksize, vsize: uint32 each), a branch element too
// (pos, ksize uint32, child page id uint64).
const (
	pageHeader   = 16
	metaChecksum = 72
	elementSize  = 16
)

// page describes one page of a bbolt file.
type page struct {
	id    int
	typ   string // "meta", "freelist", "branch", "leaf" or "free"
	count int
}

// fixture writes a store with enough values and index members to fill
// several leaf pages under a branch page, closes it, and returns its path
// and pages.
func fixture(t *testing.T) (path string, pageSize int, pages []page) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "wecomkit.db")
	s, err := boltstore.Open(path, boltstore.WithNoSync())
	require.NoError(t, err)
	for i := range 300 {
		k := fmt.Sprintf("permanent_code:corp%04d", i)
		require.NoError(t, s.Set(ctx, k, strings.Repeat("v", 100), 0))
		_, err := s.IndexAdd(ctx, "jobs:due", k, int64(i))
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())

	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, PreLoadFreelist: true})
	require.NoError(t, err)
	defer db.Close()
	pageSize = db.Info().PageSize
	require.NoError(t, db.View(func(tx *bolt.Tx) error {
		for id := 0; ; id++ {
			p, err := tx.Page(id)
			if err != nil || p == nil {
				return err
			}
			pages = append(pages, page{id: p.ID, typ: p.Type, count: p.Count})
		}
	}))
	return path, pageSize, pages
}

// firstPage returns the first page of type typ.
func firstPage(t *testing.T, pages []page, typ string) page {
	t.Helper()
	for _, p := range pages {
		if p.typ == typ {
			return p
		}
	}
	t.Fatalf("no %s page in %v", typ, pages)
	return page{}
}

// damaged returns a copy of the file at path with damage done to its
// bytes.
func damaged(t *testing.T, path string, damage func(b []byte)) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	damage(b)
	out := filepath.Join(t.TempDir(), "damaged.db")
	require.NoError(t, os.WriteFile(out, b, 0o600))
	return out
}

func fill(b []byte, v byte) {
	for i := range b {
		b[i] = v
	}
}

func TestOpenRefusesDamagedFile(t *testing.T) {
	path, size, pages := fixture(t)
	leaf, branch, freelist := firstPage(t, pages, "leaf"), firstPage(t, pages, "branch"), firstPage(t, pages, "freelist")
	at := func(p page) int { return p.id * size }
	require.Greater(t, leaf.count, 2)

	for _, tc := range []struct {
		name   string
		damage func(b []byte)
	}{
		{"both meta checksums", func(b []byte) {
			b[metaChecksum] ^= 0xff
			b[size+metaChecksum] ^= 0xff
		}},
		{"both meta pages zeroed", func(b []byte) { fill(b[:2*size], 0) }},
		{"leaf page's id", func(b []byte) { binary.LittleEndian.PutUint64(b[at(leaf):], 12345) }},
		{"leaf page's type", func(b []byte) { binary.LittleEndian.PutUint16(b[at(leaf)+8:], 0x40) }},
		{"leaf page's element table", func(b []byte) {
			// A span in the middle of the page's elements: positions and
			// sizes pointing far outside the page.
			o := at(leaf) + pageHeader + elementSize
			fill(b[o:o+elementSize*2], 0x7f)
		}},
		{"leaf page's element count", func(b []byte) { binary.LittleEndian.PutUint16(b[at(leaf)+10:], 0xffff) }},
		{"keys swapped", func(b []byte) {
			// The first two keys of a leaf exchange places: same bytes,
			// wrong order.
			e0, e1 := at(leaf)+pageHeader, at(leaf)+pageHeader+elementSize
			for i := 4; i < 16; i++ { // pos, ksize, vsize; pos is relative to the element
				b[e0+i], b[e1+i] = b[e1+i], b[e0+i]
			}
			p0 := binary.LittleEndian.Uint32(b[e0+4:])
			p1 := binary.LittleEndian.Uint32(b[e1+4:])
			binary.LittleEndian.PutUint32(b[e0+4:], p0+elementSize)
			binary.LittleEndian.PutUint32(b[e1+4:], p1-elementSize)
		}},
		{"branch page's child beyond the file", func(b []byte) {
			binary.LittleEndian.PutUint64(b[at(branch)+pageHeader+8:], 1<<40)
		}},
		{"branch page's child is itself", func(b []byte) {
			binary.LittleEndian.PutUint64(b[at(branch)+pageHeader+8:], uint64(branch.id))
		}},
		{"branch page's child is a meta page", func(b []byte) {
			binary.LittleEndian.PutUint64(b[at(branch)+pageHeader+8:], 1)
		}},
		{"freelist page's type", func(b []byte) { binary.LittleEndian.PutUint16(b[at(freelist)+8:], 0x02) }},
		{"freelist page's count", func(b []byte) {
			binary.LittleEndian.PutUint16(b[at(freelist)+10:], 0xffff)
			fill(b[at(freelist)+pageHeader:at(freelist)+pageHeader+8], 0xff)
		}},
		{"freelist lists a page beyond the file", func(b []byte) {
			require.Positive(t, freelist.count, "the fixture has free pages")
			binary.LittleEndian.PutUint64(b[at(freelist)+pageHeader:], 1<<20)
		}},
		{"freelist lists a meta page", func(b []byte) {
			binary.LittleEndian.PutUint64(b[at(freelist)+pageHeader:], 0)
		}},
		{"freelist lists one more page, beyond the file", func(b []byte) {
			n := binary.LittleEndian.Uint16(b[at(freelist)+10:])
			binary.LittleEndian.PutUint16(b[at(freelist)+10:], n+1)
			binary.LittleEndian.PutUint64(b[at(freelist)+pageHeader+8*int(n):], 1<<20)
		}},
		{"freelist lists one more page, a meta page", func(b []byte) {
			n := binary.LittleEndian.Uint16(b[at(freelist)+10:])
			binary.LittleEndian.PutUint16(b[at(freelist)+10:], n+1)
			binary.LittleEndian.PutUint64(b[at(freelist)+pageHeader+8*int(n):], 1)
		}},
		{"truncated", func(b []byte) { fill(b[len(b)/2:], 0) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := damaged(t, path, tc.damage)
			s, err := boltstore.Open(bad, boltstore.WithLockTimeout(100*time.Millisecond))
			if s != nil {
				_ = s.Close()
			}
			require.ErrorIs(t, err, boltstore.ErrCorrupt)
			require.Contains(t, err.Error(), bad, "the error names the file")
			require.Contains(t, err.Error(), "restore it from a backup")
			require.True(t, strings.HasPrefix(err.Error(), "boltstore: open "), err.Error())
			require.NotContains(t, err.Error(), "vvvvvvvv", "the error quotes a value")
			t.Log(err)
		})
	}
}

func TestOpenTruncatedFile(t *testing.T) {
	path, size, pages := fixture(t)
	bad := filepath.Join(t.TempDir(), "truncated.db")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(bad, b[:len(pages)/2*size], 0o600))
	_, err = boltstore.Open(bad)
	require.ErrorIs(t, err, boltstore.ErrCorrupt)
}

func TestOpenDamagedPagesNeverPanics(t *testing.T) {
	// Every page damaged in a few ways, then random spans of random bytes
	// anywhere: Open refuses the file with ErrCorrupt or, when the damage
	// is where bbolt cannot see it (a free page, a value's bytes), serves
	// it — and never panics, nor does serving it.
	path, size, pages := fixture(t)
	type damage struct {
		name string
		do   func(b []byte)
	}
	var damages []damage
	for _, p := range pages {
		page := func(b []byte) []byte { return b[p.id*size : (p.id+1)*size] }
		for name, do := range map[string]func(p []byte){
			"header zeroed":      func(p []byte) { fill(p[:pageHeader], 0) },
			"elements 0xff":      func(p []byte) { fill(p[pageHeader:pageHeader+4*elementSize], 0xff) },
			"middle 0x41":        func(p []byte) { fill(p[len(p)/2-32:len(p)/2+32], 0x41) },
			"count and elements": func(p []byte) { binary.LittleEndian.PutUint16(p[10:], 0x7fff); fill(p[pageHeader:pageHeader+8], 0x10) },
			"overflow bogus":     func(p []byte) { binary.LittleEndian.PutUint32(p[12:], 0x7fffffff) },
		} {
			damages = append(damages, damage{fmt.Sprintf("page %d (%s): %s", p.id, p.typ, name), func(b []byte) { do(page(b)) }})
		}
	}
	rng := rand.New(rand.NewPCG(1, 2)) // the same damage on every run
	for i := range 200 {
		damages = append(damages, damage{fmt.Sprintf("random %d", i), func(b []byte) {
			for range 1 + rng.IntN(3) {
				at, n := rng.IntN(len(b)), 1+rng.IntN(64)
				for j := at; j < min(at+n, len(b)); j++ {
					b[j] = byte(rng.Uint32())
				}
			}
		}})
	}

	ctx := context.Background()
	refused := 0
	for _, d := range damages {
		bad := damaged(t, path, d.do)
		s, err := boltstore.Open(bad, boltstore.WithLockTimeout(100*time.Millisecond), boltstore.WithNoSync())
		if err != nil {
			require.ErrorIs(t, err, boltstore.ErrCorrupt, d.name)
			refused++
			continue
		}
		// Served: what it serves is whatever survived, and it can be
		// written to.
		for i := range 300 {
			_, _, err := s.Get(ctx, fmt.Sprintf("permanent_code:corp%04d", i))
			require.NoError(t, err, d.name)
		}
		_, err = s.IndexRange(ctx, "jobs:due", 1<<40, 1000)
		require.NoError(t, err, d.name)
		require.NoError(t, s.Set(ctx, "after", "v", 0), d.name)
		_, err = s.IndexAdd(ctx, "jobs:due", "after", 1)
		require.NoError(t, err, d.name)
		require.NoError(t, s.Close())
	}
	t.Logf("%d of %d damaged files refused", refused, len(damages))
	require.Positive(t, refused)
}
