package main

import (
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/settings"
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
	var table []settings.Var
	for _, r := range rows {
		table = append(table, settings.Var{Env: r[1], Flag: r[2]})
	}
	require.Empty(t, declare(io.Discard, &demo).Differences(table, "demo"), "README's settings table")
	require.Contains(t, section, "go run ./examples/oauth-login -demo")
	for _, route := range []string{"GET /oauth/callback", "GET /login/callback", "POST /logout", "GET /readyz", "GET /metrics"} {
		require.Contains(t, section, route)
	}
}
