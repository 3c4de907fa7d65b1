package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// stateStore keeps the fake's state in a file (-state). Writes are
// atomic: a temporary file in the same directory, synced, then renamed
// over the old one, so that a crash leaves the old state or the new one,
// never half of either. Without a path it does nothing.
type stateStore struct {
	path string
	srv  *wecomtest.Server

	mu   sync.Mutex
	last []byte // the document last written, to skip unchanged writes
}

// load reads the file into the server and reports whether there was one.
// A missing file is a first start.
func (s *stateStore) load() (bool, error) {
	if s.path == "" {
		return false, nil
	}
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := s.srv.LoadState(bytes.NewReader(b)); err != nil {
		return false, err
	}
	return true, nil
}

// save writes the server's state unless it is what the file holds.
func (s *stateStore) save() error {
	if s.path == "" {
		return nil
	}
	var buf bytes.Buffer
	if err := s.srv.SaveState(&buf); err != nil {
		return err
	}
	doc := withoutSaved(buf.Bytes())
	s.mu.Lock()
	defer s.mu.Unlock()
	if bytes.Equal(doc, s.last) {
		return nil
	}
	if err := writeAtomic(s.path, buf.Bytes()); err != nil {
		return err
	}
	s.last = doc
	return nil
}

// withoutSaved drops the "saved" line SaveState writes, which changes at
// every save, so that two states compare equal when only it differs.
func withoutSaved(doc []byte) []byte {
	const key = "\n  \"saved\": "
	i := bytes.Index(doc, []byte(key))
	if i < 0 {
		return doc
	}
	j := bytes.IndexByte(doc[i+1:], '\n')
	if j < 0 {
		return doc
	}
	out := append([]byte(nil), doc[:i]...)
	return append(out, doc[i+1+j:]...)
}

// writeAtomic replaces path with b: temporary file, fsync, rename, and a
// sync of the directory so that the rename itself survives a crash. The
// file is readable by its owner only: it holds the fake's secrets and
// permanent codes.
func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up after a failure
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("state file: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("state file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("state file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("state file: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
