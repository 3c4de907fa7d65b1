package boltstore_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/wecomkit/wecomkit/store/boltstore"
)

// A permanent code stored with no expiry survives a restart.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "boltstore-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "wecomkit.db")
	ctx := context.Background()

	s, err := boltstore.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Set(ctx, "permanent_code:ww-corp", "example-permanent-code", 0); err != nil {
		log.Fatal(err)
	}
	if err := s.Close(); err != nil {
		log.Fatal(err)
	}

	// Later, in the next run of the process:
	s, err = boltstore.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	code, ok, err := s.Get(ctx, "permanent_code:ww-corp")
	fmt.Println(code, ok, err)
	// Output: example-permanent-code true <nil>
}
