package main

import (
	"context"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/examples/internal/settings"
)

// README's settings table and the binary's flags are the same list: every
// row names a flag that exists, with the same environment variable, and a
// row whose default is `false` is a boolean flag (and only those are).
func TestREADMESettingsMatchFlags(t *testing.T) {
	readme, err := os.ReadFile("../../docs/operations.md")
	require.NoError(t, err)
	row := regexp.MustCompile("(?m)^\\| (?:`([A-Z_]+)` )?\\(`-([a-z-]+)`\\) \\| ([^|]+) \\|")
	rows := row.FindAllStringSubmatch(string(readme), -1)
	require.NotEmpty(t, rows)

	var demo bool
	set := declare(io.Discard, &demo)
	fs := set.FlagSet()
	var table []settings.Var
	for _, r := range rows {
		env, name, def := r[1], r[2], strings.TrimSpace(r[3])
		table = append(table, settings.Var{Flag: name, Env: env})
		f := fs.Lookup(name)
		if f == nil {
			continue // Differences names it
		}
		bf, isBool := f.Value.(interface{ IsBoolFlag() bool })
		require.Equal(t, strings.HasPrefix(def, "`false`"), isBool && bf.IsBoolFlag(), "-%s: README's default %s vs the flag's kind", name, def)
		if env != "" {
			require.Contains(t, f.Usage, "[$"+env+"]", "-h names the variable of -%s", name)
		}
	}
	require.Empty(t, set.Differences(table), "README's settings table")

	// -h says what README says about exit statuses.
	var help strings.Builder
	require.Equal(t, 0, run(context.Background(), []string{"-h"}, env(nil), io.Discard, &help, nil))
	require.Contains(t, help.String(), "0 after a graceful stop, 2 for invalid settings (all named together), 1 for a failure at run time")
	require.Contains(t, string(readme), "**Exit status**: `0` after a graceful stop; `2` for invalid settings")
	for _, v := range set.Vars() {
		require.Contains(t, help.String(), "-"+v.Flag)
	}
}
