package main

import (
	"context"
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
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
	fs, settings := newFlagSet(io.Discard, map[string]*string{}, &demo)
	envOf := map[string]string{}
	for _, s := range settings {
		envOf[s.flag] = s.env
	}
	seen := map[string]bool{}
	for _, r := range rows {
		env, name, def := r[1], r[2], strings.TrimSpace(r[3])
		f := fs.Lookup(name)
		require.NotNil(t, f, "README lists -%s, which the binary does not have", name)
		seen[name] = true
		require.Equal(t, envOf[name], env, "-%s's environment variable", name)
		bf, isBool := f.Value.(interface{ IsBoolFlag() bool })
		require.Equal(t, strings.HasPrefix(def, "`false`"), isBool && bf.IsBoolFlag(), "-%s: README's default %s vs the flag's kind", name, def)
		if env != "" {
			require.Contains(t, f.Usage, "[$"+env+"]", "-h names the variable of -%s", name)
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		require.True(t, seen[f.Name], "-%s is missing from README's settings table", f.Name)
	})

	// -h says what README says about exit statuses.
	var help strings.Builder
	require.Equal(t, 0, run(context.Background(), []string{"-h"}, env(nil), io.Discard, &help, nil))
	require.Contains(t, help.String(), "0 after a graceful stop, 2 for invalid settings (all named together), 1 for a failure at run time")
	require.Contains(t, string(readme), "**Exit status**: `0` after a graceful stop; `2` for invalid settings")
	for _, s := range settings {
		require.Contains(t, help.String(), "-"+s.flag)
	}
}
