package boltstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wecomkit/wecomkit/store/boltstore"
)

// FuzzOpenDamagedFile overwrites part of a valid data file with arbitrary
// bytes: Open either refuses the file or serves it, and a served file can
// be read and written; nothing panics (a data file is outside input once a
// disk or an operator has had it).
func FuzzOpenDamagedFile(f *testing.F) {
	ctx := context.Background()
	base := filepath.Join(f.TempDir(), "base.db")
	s, err := boltstore.Open(base, boltstore.WithNoSync())
	if err != nil {
		f.Fatal(err)
	}
	for i := range 40 {
		k := "corp:" + strings.Repeat("x", i%7) + string(rune('a'+i%26))
		if err := s.Set(ctx, k, strings.Repeat("v", 50+i), 0); err != nil {
			f.Fatal(err)
		}
		if _, err := s.IndexAdd(ctx, "jobs:urgent", k, int64(i)); err != nil {
			f.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		f.Fatal(err)
	}
	valid, err := os.ReadFile(base)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(uint32(0), []byte{0xff})
	f.Add(uint32(4096+16), []byte{1, 2, 3, 4})
	f.Add(uint32(2*4096+8), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add(uint32(3*4096), []byte("garbage garbage garbage"))
	f.Fuzz(func(t *testing.T, off uint32, patch []byte) {
		data := append([]byte(nil), valid...)
		at := int(off % uint32(len(data)))
		copy(data[at:], patch)
		path := filepath.Join(t.TempDir(), "damaged.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := boltstore.Open(path, boltstore.WithNoSync())
		if err != nil {
			if !errors.Is(err, boltstore.ErrCorrupt) && !strings.Contains(err.Error(), "boltstore: open") {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		defer s.Close()
		if _, _, err := s.Get(ctx, "corp:a"); err != nil {
			return
		}
		_ = s.Set(ctx, "corp:new", "v", 0)
		_, _ = s.IndexRange(ctx, "jobs:urgent", 100, 10)
	})
}
