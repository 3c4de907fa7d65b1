// Package internal's tests guard the repository as a whole: what the
// library packages may import, and what no file may speak of.
package internal

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot is the module's root directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	require.True(t, ok)
	return filepath.Dir(filepath.Dir(file))
}

// The library packages stay free of the servers' dependencies: metrics
// (Prometheus) and browser automation (chromedp) belong to the servers
// built from them, which register collectors fed by the library's hooks.
func TestLibraryDependencies(t *testing.T) {
	libs := []string{"./wecom/...", "./oauth/...", "./jssdk/...", "./crypto/...", "./signer/...", "./store/...",
		"./suite/...", "./contact/...", "./message/...", "./wecomtest/..."}
	cmd := exec.Command("go", append([]string{"list", "-deps", "-f", "{{.ImportPath}}"}, libs...)...)
	cmd.Dir = repoRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/wecomkit/wecomkit/wecom", "go list listed the library")
	for _, d := range deps {
		for _, banned := range []string{"github.com/prometheus/", "github.com/chromedp/"} {
			require.False(t, strings.HasPrefix(d, banned), "a library package depends on %s", d)
		}
	}
}

// The library imports internal/ (redact, jobqueue, and testutil in its
// tests), so internal/ must not import the library back: a helper that
// needs wecom or oauth belongs to what is built on them — the servers'
// helpers live in examples/internal. store is the exception: it is the
// bottom layer, importing nothing of ours, so jobqueue and testutil can
// sit on it. internal/cmd holds commands (generators), which import
// whatever they render and are imported by nothing.
func TestInternalImportsNoLibrary(t *testing.T) {
	const module = "github.com/wecomkit/wecomkit/"
	cmd := exec.Command("go", "list", "-f",
		`{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}`, "./internal/...")
	cmd.Dir = repoRoot(t)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := fields[0]
		if strings.HasPrefix(pkg, module+"internal/cmd/") {
			continue
		}
		checked++
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			rel := strings.TrimPrefix(imp, module)
			if strings.HasPrefix(rel, "internal/") || rel == "store" {
				continue
			}
			t.Errorf("%s imports %s: the library imports internal/, so internal/ must not import the library", pkg, imp)
		}
	}
	require.Greater(t, checked, 3, "go list listed internal/")
}

// The repository stands on its own: no file points at documents a user of
// the module does not have. (The words are assembled so that this file
// does not contain them either.)
func TestNoReferencesToOutsideDocuments(t *testing.T) {
	banned := []string{"se" + "ed", "taxcloud-" + "spec.md", "wecom-" + "api.md", "../" + "shared"}
	cmd := exec.Command("git", "ls-files")
	cmd.Dir = repoRoot(t)
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	for _, name := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		lower := strings.ToLower(name)
		for _, w := range banned {
			require.NotContains(t, lower, w, "file name %s", name)
		}
		b, err := os.ReadFile(filepath.Join(repoRoot(t), name))
		if err != nil {
			continue // deleted in the working tree
		}
		text := strings.ToLower(string(b))
		for _, w := range banned {
			if i := strings.Index(text, w); i >= 0 {
				line := strings.Count(text[:i], "\n") + 1
				t.Errorf("%s:%d mentions %q", name, line, w)
			}
		}
	}
}
