// Package readmetest checks README.md against the repository: its Go
// programs compile (and the one that runs against wecomtest runs and prints
// what README says it prints), its quick-start commands are the ones CI and
// newcomers use, every library package is in its table, and its links and
// those of docs/ lead somewhere.
package readmetest

import (
	"bytes"
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
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
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	require.NoError(t, err)
	return string(b)
}

// goBlocks returns the bodies of README's ```go blocks.
func goBlocks(text string) []string {
	re := regexp.MustCompile("(?ms)^```go\n(.*?)^```$")
	var out []string
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// The two commands a newcomer runs first, exactly, in one block.
func TestQuickStart(t *testing.T) {
	require.Contains(t, readme(t), "## Quick start\n\n```sh\ngo run ./examples/taxcloud-bridge -demo\ngo test ./...\n```\n")
}

// Every ```go block is a whole program: gofmt'ed, package main, and it
// compiles and passes go vet inside this module (so its imports are the
// module's packages as they are now). The programs that use wecomtest need
// nothing outside the process: they are run, and must print what README
// says they print ("`go run` prints `…`" right after the block).
func TestGoProgramsBuild(t *testing.T) {
	text := readme(t)
	blocks := goBlocks(text)
	require.GreaterOrEqual(t, len(blocks), 2, "README shows a self-built app and a third-party app")

	root := repoRoot(t)
	// Inside the module, so that imports resolve; a leading dot keeps
	// ./... patterns from finding it should the test die before cleanup.
	dir, err := os.MkdirTemp(root, ".readmetest-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })

	var pkgs []string
	for i, src := range blocks {
		formatted, err := format.Source([]byte(src))
		require.NoError(t, err, "block %d does not parse", i+1)
		require.Equal(t, string(formatted), src, "block %d is not gofmt'ed", i+1)
		require.Regexp(t, `(?m)^package main$`, src, "block %d is a whole program", i+1)
		pkg := filepath.Join(dir, "block"+string(rune('a'+i)))
		require.NoError(t, os.Mkdir(pkg, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(pkg, "main.go"), []byte(src), 0o644))
		pkgs = append(pkgs, "./"+filepath.ToSlash(rel(t, root, pkg)))
	}
	run(t, root, append([]string{"go", "vet"}, pkgs...)...)

	ran := 0
	for i, src := range blocks {
		if !strings.Contains(src, `"github.com/wecomkit/wecomkit/wecomtest"`) {
			continue
		}
		ran++
		bin := filepath.Join(dir, "bin"+string(rune('a'+i)))
		run(t, root, "go", "build", "-o", bin, pkgs[i])
		out := run(t, root, bin)
		after := text[strings.Index(text, src)+len(src):]
		want := regexp.MustCompile("^```\n\n`go run` prints `([^`]+)`").FindStringSubmatch(after)
		require.NotNil(t, want, "README says what block %d prints, right after it", i+1)
		require.Equal(t, want[1]+"\n", out, "block %d's output", i+1)
	}
	require.Equal(t, 1, ran, "the third-party scenario runs against wecomtest")
}

// Every library package is in README's table, linked to its documentation.
func TestPackageTable(t *testing.T) {
	text := readme(t)
	root := repoRoot(t)
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}} {{.Name}}", "./...")
	cmd.Dir = root
	out, err := cmd.Output()
	require.NoError(t, err)
	const module = "github.com/wecomkit/wecomkit/"
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, name, _ := strings.Cut(line, " ")
		rel := strings.TrimPrefix(path, module)
		if strings.HasPrefix(rel, "examples/") || rel == "internal" || strings.HasPrefix(rel, "internal/") ||
			strings.Contains(rel, "/internal/") || strings.HasPrefix(rel, "bench") ||
			(name == "main" && !strings.HasPrefix(rel, "cmd/")) {
			continue
		}
		n++
		require.Contains(t, text, "(https://pkg.go.dev/"+path+")", "README's package table links %s", rel)
	}
	require.Greater(t, n, 15)
	require.NotContains(t, text, "pkg.go.dev/"+module+"internal", "internal packages are not for users")
}

// Relative links in README and docs/ name files that exist, and their
// #anchors name headings there.
func TestLinks(t *testing.T) {
	root := repoRoot(t)
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	files := append([]string{filepath.Join(root, "README.md")}, docs...)
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		name := rel(t, root, f)
		for _, m := range link.FindAllStringSubmatch(stripCode(string(b)), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := f
			if file != "" {
				path = filepath.Join(filepath.Dir(f), file)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links %s, which does not exist", name, target)
				continue
			}
			if anchor != "" && strings.HasSuffix(path, ".md") {
				b, err := os.ReadFile(path)
				require.NoError(t, err)
				require.Contains(t, anchors(string(b)), anchor, "%s links %s: no such heading", name, target)
			}
		}
	}
}

// Every Mermaid diagram in README and docs/ has a sentence for readers of
// plain text ("In words: …") in the paragraph before it.
func TestDiagramsHaveWords(t *testing.T) {
	root := repoRoot(t)
	docs, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	require.NoError(t, err)
	for _, f := range append([]string{filepath.Join(root, "README.md")}, docs...) {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		parts := strings.Split(string(b), "```mermaid\n")
		for i := 1; i < len(parts); i++ {
			before := strings.TrimRight(parts[i-1], "\n")
			para := before[strings.LastIndex(before, "\n\n")+1:]
			require.Contains(t, para, "In words:", "%s: diagram %d has no sentence for text readers", filepath.Base(f), i)
		}
	}
}

// anchors returns the GitHub anchors of a Markdown file's headings.
func anchors(md string) []string {
	var out []string
	drop := regexp.MustCompile(`[^\p{L}\p{N}\- _]`)
	for _, line := range strings.Split(stripCode(md), "\n") {
		if !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(line, "#"))
		h = drop.ReplaceAllString(strings.ToLower(h), "")
		out = append(out, strings.ReplaceAll(h, " ", "-"))
	}
	return out
}

// stripCode removes fenced code blocks, whose text is not Markdown.
func stripCode(md string) string {
	return regexp.MustCompile("(?ms)^```.*?^```$").ReplaceAllString(md, "")
}

// rel is path relative to root.
func rel(t *testing.T, root, path string) string {
	t.Helper()
	r, err := filepath.Rel(root, path)
	require.NoError(t, err)
	return r
}

// run runs a command in dir and returns its standard output; it fails the
// test with the command's output when the command fails.
func run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s\n%s%s", strings.Join(args, " "), stdout.String(), stderr.String())
	return stdout.String()
}
