package main

import (
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// The Dockerfile's build command makes a static binary, which is what lets
// the image be distroless/static (no container runtime is needed to check
// this). The command is taken from the Dockerfile itself.
func TestDockerBuildIsStatic(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if runtime.GOOS != "linux" {
		t.Skip("checks an ELF binary")
	}
	df, err := os.ReadFile("Dockerfile")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*) -o \S+ (\./examples/taxcloud-bridge)$`).FindStringSubmatch(string(df))
	require.NotNil(t, m, "the Dockerfile's build line")
	require.Contains(t, string(df), "USER nonroot")

	out := filepath.Join(t.TempDir(), "taxcloud-bridge")
	cmd := exec.Command("sh", "-c", m[1]+" -o '"+out+"' "+m[2]) // exactly the Dockerfile's command
	cmd.Dir = filepath.Join("..", "..")                         // the build context: the repository's root
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", b)

	f, err := elf.Open(out)
	require.NoError(t, err)
	defer f.Close()
	for _, p := range f.Progs {
		require.NotEqual(t, elf.PT_INTERP, p.Type, "the binary asks for a dynamic loader")
	}
	libs, err := f.ImportedLibraries()
	require.NoError(t, err)
	require.Empty(t, libs, "the binary needs shared libraries")
}
