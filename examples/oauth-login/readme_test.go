package main

import (
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// README's settings table for this server and its flags are the same list.
func TestREADMESettingsMatchFlags(t *testing.T) {
	readme, err := os.ReadFile("../../docs/operations.md")
	require.NoError(t, err)
	text := string(readme)
	start := strings.Index(text, "\n## examples/oauth-login\n")
	require.GreaterOrEqual(t, start, 0)
	section := text[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	rows := regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\| `-([a-z-]+)` \\|").FindAllStringSubmatch(section, -1)
	require.NotEmpty(t, rows)

	var demo bool
	fs, settings := newFlagSet(io.Discard, &demo)
	envOf := map[string]string{}
	for _, s := range settings {
		envOf[s.flag] = s.env
	}
	seen := map[string]bool{}
	for _, r := range rows {
		env, name := r[1], r[2]
		require.NotNil(t, fs.Lookup(name), "README lists -%s, which the server does not have", name)
		require.Equal(t, envOf[name], env, "-%s's environment variable", name)
		seen[name] = true
	}
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name != "demo" {
			require.True(t, seen[f.Name], "-%s is missing from README's settings table", f.Name)
		}
	})
	require.Contains(t, section, "go run ./examples/oauth-login -demo")
	for _, route := range []string{"GET /oauth/callback", "GET /login/callback", "POST /logout", "GET /readyz", "GET /metrics"} {
		require.Contains(t, section, route)
	}
}
