package suite_test

import (
	"testing"

	"github.com/wecomkit/wecomkit/suite"
)

// TestEndpoints checks every declaration and that each path is declared
// once.
func TestEndpoints(t *testing.T) {
	seen := map[string]bool{}
	for _, info := range suite.Endpoints() {
		if err := info.Check(); err != nil {
			t.Errorf("%s: %v", info.Path, err)
		}
		if seen[info.Path] {
			t.Errorf("%s declared twice", info.Path)
		}
		seen[info.Path] = true
	}
	if len(seen) == 0 {
		t.Fatal("no endpoints")
	}
}
