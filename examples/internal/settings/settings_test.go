package settings

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func newSet(w io.Writer) *Set {
	fs := flag.NewFlagSet("prog", flag.ContinueOnError)
	fs.SetOutput(w)
	return New(fs,
		Var{Flag: "listen", Env: "LISTEN_ADDR", Usage: "address to listen on"},
		Var{Flag: "agent-id", Env: "AGENT_ID", Usage: "agentid; required"},
		Var{Flag: "strict", Env: "STRICT", Usage: "strict mode (default false)", Bool: true},
		Var{Flag: "window", Env: "WINDOW", Usage: "window (default 300s)"},
	)
}

func TestFlagWinsOverEnvironment(t *testing.T) {
	s := newSet(io.Discard)
	require.NoError(t, s.Parse([]string{"-listen", ":9090", "-strict"}, env(map[string]string{"LISTEN_ADDR": ":1", "AGENT_ID": " 7 ", "STRICT": "false"})))
	require.Equal(t, ":9090", s.Get("listen"))
	require.Equal(t, "7", s.Get("agent-id"), "trimmed")
	require.True(t, s.Bool("strict"), "a boolean flag alone means true")
	require.Equal(t, int64(7), s.Int64("agent-id"))
	require.Equal(t, 300*time.Second, s.Duration("window", 300*time.Second, time.Second, 24*time.Hour))
	require.Equal(t, "", s.Get("nope"))
	require.NoError(t, s.Err())
	require.Len(t, s.Vars(), 4)
	require.Equal(t, "prog", s.FlagSet().Name())
}

func TestProblemsAreCollected(t *testing.T) {
	s := newSet(io.Discard)
	require.NoError(t, s.Parse(nil, env(map[string]string{"STRICT": "maybe", "WINDOW": "2d"})))
	s.Bool("strict")
	s.Duration("window", time.Second, time.Second, 24*time.Hour)
	s.Problem("free-standing problem")
	s.Require("listen", "agent-id", "strict")
	err := s.Err()
	require.ErrorIs(t, err, ErrUsage)
	var e *Error
	require.True(t, errors.As(err, &e))
	require.Equal(t, []string{
		"missing required settings: LISTEN_ADDR (-listen), AGENT_ID (-agent-id)",
		`STRICT (-strict): "maybe" is not a boolean (true, false, 1, 0)`,
		`WINDOW (-window): "2d" is not a duration between 1s and 24h`,
		"free-standing problem",
	}, e.Problems)
	require.Equal(t, e.Problems, s.Problems())
	require.True(t, strings.HasPrefix(err.Error(), "invalid configuration:\n  - missing required settings:"))

	s = newSet(io.Discard)
	require.NoError(t, s.Parse(nil, env(map[string]string{"AGENT_ID": "-3", "WINDOW": "50ms"})))
	require.Equal(t, int64(-3), s.Int64("agent-id"))
	require.Equal(t, 50*time.Millisecond, s.Duration("window", time.Second, 100*time.Millisecond, 2*time.Minute))
	require.Equal(t, []string{`AGENT_ID (-agent-id): "-3" is not a positive integer`, `WINDOW (-window): "50ms" is not a duration between 100ms and 2m`}, s.Problems())
}

func TestParseErrors(t *testing.T) {
	err := newSet(io.Discard).Parse([]string{"-bogus"}, env(nil))
	require.ErrorIs(t, err, ErrUsage)
	err = newSet(io.Discard).Parse([]string{"stray"}, env(nil))
	require.ErrorIs(t, err, ErrUsage)
	require.Contains(t, err.Error(), `unexpected arguments ["stray"]`)
	var help bytes.Buffer
	s := newSet(&help)
	s.SetUsage(&help, "Does one thing.")
	require.ErrorIs(t, s.Parse([]string{"-h"}, env(nil)), flag.ErrHelp)
	out := help.String()
	require.True(t, strings.HasPrefix(out, "Usage: prog [flags]\n\nDoes one thing.\nEvery flag falls back to the environment variable in brackets.\n"+
		"Exit status: 0 after a graceful stop, 2 for invalid settings (all named together), 1 for a failure at run time.\n\n"), out)
	require.Contains(t, out, "  -listen value\n    \taddress to listen on [$LISTEN_ADDR]\n")
	require.Contains(t, out, "  -strict\n    \tstrict mode (default false) [$STRICT]\n")
	require.NotContains(t, out, `(default "")`)
}

func TestParseSeconds(t *testing.T) {
	for in, want := range map[string]time.Duration{"300": 300 * time.Second, "5m": 5 * time.Minute, "100ms": 100 * time.Millisecond, "0": 0} {
		d, err := ParseSeconds(in)
		require.NoError(t, err, in)
		require.Equal(t, want, d, in)
	}
	for _, in := range []string{"-1", "99999999999", "soon", ""} {
		_, err := ParseSeconds(in)
		require.Error(t, err, in)
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{24 * time.Hour: "24h", 2 * time.Minute: "2m", time.Second: "1s", 100 * time.Millisecond: "100ms", 90 * time.Second: "1m30s"} {
		require.Equal(t, want, shortDuration(d))
	}
}

func TestProblemsOfAndReport(t *testing.T) {
	require.Nil(t, ProblemsOf(nil))
	require.Equal(t, []string{"boom"}, ProblemsOf(errors.New("boom")))
	require.Equal(t, []string{"a", "b"}, ProblemsOf(fmt.Errorf("wrapped: %w", &Error{Problems: []string{"a", "b"}})))
	var out bytes.Buffer
	Report(&out, "prog", []string{"a", "b"})
	require.Equal(t, "prog: invalid configuration:\n  - a\n  - b\nRun with -h to list the settings.\n", out.String())
}
