package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// docPath is docs/api-coverage.md, from this directory.
var docPath = filepath.Join("..", "..", "..", "docs", "api-coverage.md")

// The committed document is what the generator renders from the
// declarations.
func TestDocUpToDate(t *testing.T) {
	want := render(wecomtest.Endpoints())
	got, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatalf("%v: run go generate ./internal/cmd/apicoverage", err)
	}
	if string(got) != string(want) {
		t.Fatalf("docs/api-coverage.md is stale: run go generate ./internal/cmd/apicoverage")
	}
}

// Every declaration is whole, and no path is declared twice — by one
// package or by two.
func TestDeclarations(t *testing.T) {
	infos := wecomtest.Endpoints()
	if len(infos) == 0 {
		t.Fatal("no declarations")
	}
	seen := map[string]string{}
	for _, info := range infos {
		if err := info.Check(); err != nil {
			t.Errorf("%s (%s): %v", info.Path, info.Entry, err)
		}
		if prev, dup := seen[info.Path]; dup {
			t.Errorf("%s is declared twice: for %s and for %s", info.Path, prev, info.Entry)
		}
		seen[info.Path] = info.Entry
	}
}

// Each endpoint lands in the table of the package that calls it.
func TestDomainOf(t *testing.T) {
	for _, info := range wecomtest.Endpoints() {
		d := domainOf(info)
		if domainRank(d) == len(domains) {
			t.Errorf("%s: entry %q names no known package", info.Path, info.Entry)
		}
		if d == "suite/license" && !strings.HasPrefix(info.Entry, "license.") {
			t.Errorf("%s: %q", info.Path, info.Entry)
		}
	}
}
