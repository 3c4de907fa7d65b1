package main

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"
)

// withBuildInfo makes the commands see bi as the binary's build
// information for the rest of the test.
func withBuildInfo(t *testing.T, bi *debug.BuildInfo) {
	t.Helper()
	saved := buildInfo
	buildInfo = func() (*debug.BuildInfo, bool) { return bi, bi != nil }
	t.Cleanup(func() { buildInfo = saved })
}

func TestVersion(t *testing.T) {
	withBuildInfo(t, &debug.BuildInfo{
		GoVersion: "go1.26.0",
		Main:      debug.Module{Path: "github.com/wecomkit/wecomkit", Version: "v0.9.1"},
		Settings: []debug.BuildSetting{
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"},
		},
	})
	runCases(t, []cliCase{
		{name: "version", args: []string{"version"}},
		{name: "version-flag", args: []string{"--version"}},
		{name: "version-json", args: []string{"--version", "--json"}},
		{name: "version-arg", args: []string{"version", "now"}, code: exitUsage},
	})
}

func TestVersionWithoutVCS(t *testing.T) {
	withBuildInfo(t, &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Path: "github.com/wecomkit/wecomkit", Version: "(devel)"}})
	code, stdout, stderr := runCLI(t, []string{"--version"}, nil, "")
	require.Equal(t, exitOK, code, stderr)
	require.Equal(t, "wecomkit (devel)\ngo:      go1.26.0\n", stdout)

	withBuildInfo(t, nil)
	code, stdout, _ = runCLI(t, []string{"version"}, nil, "")
	require.Equal(t, exitOK, code)
	require.Equal(t, "wecomkit unknown (the binary carries no build information)\n", stdout)
}

// The real build information of the test binary gives some version.
func TestVersionReal(t *testing.T) {
	code, stdout, _ := runCLI(t, []string{"-version"}, nil, "")
	require.Equal(t, exitOK, code)
	require.Regexp(t, `^wecomkit \S`, stdout)
}
