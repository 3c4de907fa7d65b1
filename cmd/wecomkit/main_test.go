package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testNow is the clock of every command run by the tests.
var testNow = time.Unix(1_700_000_000, 0)

// cliCase is one command line run in-process.
type cliCase struct {
	name    string
	args    []string
	env     map[string]string
	stdin   string
	code    int
	secrets []string // values that must not appear in any output
	setup   func(srv *wecomtest.Server)
}

// cycleReader returns 0, 1, 2, … 255, 0, …: a deterministic random source.
type cycleReader struct{ n byte }

func (r *cycleReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

// runCLI runs args as the wecomkit command line would.
func runCLI(t testing.TB, args []string, environ map[string]string, stdin string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	e := &env{
		stdin:  strings.NewReader(stdin),
		stdout: &out,
		stderr: &errOut,
		getenv: func(k string) string { return environ[k] },
		now:    func() time.Time { return testNow },
		random: &cycleReader{},
	}
	code = runEnv(e, args)
	return code, out.String(), errOut.String()
}

// normalize replaces what differs between runs: the fake server's port and
// the time stamp in its errmsg hints.
func normalize(s, baseURL string) string {
	if baseURL != "" {
		s = strings.ReplaceAll(s, baseURL, "BASE_URL")
	}
	return wecomtestHint.ReplaceAllString(s, "[HINT_wecomtest]")
}

var wecomtestHint = regexp.MustCompile(`\[[0-9]+_wecomtest\]`)

// checkGolden compares got with testdata/<name>.golden, or rewrites it
// with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./cmd/wecomkit -update to create it")
	require.Equal(t, string(want), got, "golden file %s (go test ./cmd/wecomkit -update rewrites it)", path)
}

// runCases runs each case, compares its output with its golden file and
// checks that none of its secrets leaked.
func runCases(t *testing.T, cases []cliCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := wecomtest.NewServer(wecomtest.WithApp("wwcorp", wecomtest.App{AgentID: 1000002, Secret: "app-secret-0123456789"}))
			defer srv.Close()
			if c.setup != nil {
				c.setup(srv)
			}
			args := make([]string, len(c.args))
			for i, a := range c.args {
				args[i] = strings.ReplaceAll(a, "BASE_URL", srv.URL)
			}
			code, stdout, stderr := runCLI(t, args, c.env, c.stdin)
			for _, s := range c.secrets {
				require.NotContains(t, stdout, s, "a secret in stdout")
				require.NotContains(t, stderr, s, "a secret in stderr")
			}
			var b strings.Builder
			b.WriteString("$")
			for _, k := range sortedKeys(c.env) {
				b.WriteString(" " + k + "=" + c.env[k])
			}
			b.WriteString(" wecomkit " + shellJoin(c.args) + "\n")
			if c.stdin != "" {
				b.WriteString("--- stdin\n" + c.stdin + "\n")
			}
			b.WriteString("--- exit " + string(rune('0'+code)) + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr)
			checkGolden(t, c.name, normalize(b.String(), srv.URL))
			require.Equal(t, c.code, code, "exit status\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
		})
	}
}

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(m.Run())
}

func TestTopLevel(t *testing.T) {
	runCases(t, []cliCase{
		{name: "no-args", code: exitUsage},
		{name: "help", args: []string{"help"}},
		{name: "help-command", args: []string{"help", "sign"}},
		{name: "unknown-command", args: []string{"frobnicate"}, code: exitUsage},
	})
}

// Every command and subcommand answers --help with an example, exit 0.
func TestHelpEverywhere(t *testing.T) {
	for _, args := range [][]string{
		{"sign"}, {"verify"}, {"jssdk"}, {"token"}, {"errcode"}, {"version"},
		{"callback"}, {"callback", "verify-url"}, {"callback", "decrypt"}, {"callback", "encrypt"},
		{"url"}, {"url", "authorize"}, {"url", "weblogin"}, {"url", "install"}, {"url", "check"},
	} {
		for _, h := range []string{"--help", "-h"} {
			code, stdout, stderr := runCLI(t, append(append([]string(nil), args...), h), nil, "")
			require.Equal(t, exitOK, code, "%v %s", args, h)
			require.Empty(t, stderr)
			require.Contains(t, stdout, "Usage: wecomkit "+args[0], "%v", args)
			if len(args) == 2 || args[0] != "callback" && args[0] != "url" {
				require.Regexp(t, `(?s)\nExample:\n  .*wecomkit `, stdout, "%v", args)
			}
		}
	}
}

// Every example line starts two spaces in, and a line continuing one that
// ends in a backslash six: the second example used to carry the indent of
// the Go source ("    WECOMKIT_SECRET=pwd wecomkit sign …").
func TestHelpExampleIndent(t *testing.T) {
	for _, args := range [][]string{
		{"sign"}, {"verify"}, {"jssdk"}, {"token"}, {"errcode"}, {"version"},
		{"callback", "verify-url"}, {"callback", "decrypt"}, {"callback", "encrypt"},
		{"url", "authorize"}, {"url", "weblogin"}, {"url", "install"}, {"url", "check"},
	} {
		code, stdout, _ := runCLI(t, append(append([]string(nil), args...), "--help"), nil, "")
		require.Equal(t, exitOK, code, "%v", args)
		_, example, ok := strings.Cut(stdout, "\nExample:\n")
		require.True(t, ok, "%v", args)
		continued := false
		for _, line := range strings.Split(strings.TrimRight(example, "\n"), "\n") {
			want := "  "
			if continued {
				want = "      "
			}
			require.True(t, strings.HasPrefix(line, want) && line[len(want)] != ' ', "%v: example line %q should start with %d spaces", args, line, len(want))
			continued = strings.HasSuffix(line, "\\")
		}
	}
	_, stdout, _ := runCLI(t, []string{"sign", "--help"}, nil, "")
	require.Contains(t, stdout, "\n  wecomkit sign --secret pwd appid=xxx ts=241321\n  WECOMKIT_SECRET=pwd wecomkit sign ")
}

// "help" followed by a help word shows the main usage (it used to recurse
// until the stack overflowed: found by FuzzCommandLine); "help sign" is
// "sign --help".
func TestHelpWords(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"help", "help"}, {"--help", "--help"}, {"-h", "help", "x"}, {"help", "-h"}} {
		code, stdout, stderr := runCLI(t, args, nil, "")
		require.Equal(t, exitOK, code, "%v", args)
		require.Empty(t, stderr)
		require.Contains(t, stdout, "Commands:", "%v", args)
	}
	code, stdout, _ := runCLI(t, []string{"help", "sign"}, nil, "")
	require.Equal(t, exitOK, code)
	require.Contains(t, stdout, "Usage: wecomkit sign")
}

// A flag the command does not know is a usage error, with a pointer to
// --help.
func TestUnknownFlag(t *testing.T) {
	for _, args := range [][]string{
		{"sign", "--nope"}, {"verify", "--nope"}, {"jssdk", "--nope"}, {"token", "--nope"}, {"errcode", "--nope"},
		{"callback", "decrypt", "--nope"}, {"url", "authorize", "--nope"}, {"callback", "nope"}, {"url", "nope"},
	} {
		code, stdout, stderr := runCLI(t, args, nil, "")
		require.Equal(t, exitUsage, code, "%v", args)
		require.Empty(t, stdout)
		require.Contains(t, stderr, "--help' for usage", "%v", args)
	}
}

// shellJoin quotes args as a POSIX shell would need them.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,/:@") == "" {
			out[i] = a
			continue
		}
		out[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}

func requireExit(t *testing.T, want, got int)     { t.Helper(); require.Equal(t, want, got, "exit status") }
func requireLen(t *testing.T, v []string, n int)  { t.Helper(); require.Len(t, v, n) }
func requireContains(t *testing.T, s, sub string) { t.Helper(); require.Contains(t, s, sub) }
func requireNotContains(t *testing.T, s, sub string) {
	t.Helper()
	require.NotContains(t, s, sub)
}

// run, which main calls, wires the real environment: a usage error
// without arguments, and a command that needs neither clock nor network.
func TestRun(t *testing.T) {
	var out, errOut strings.Builder
	require.Equal(t, exitUsage, run(nil, strings.NewReader(""), &out, &errOut, func(string) string { return "" }))
	require.Contains(t, errOut.String(), "Usage:")
	out.Reset()
	require.Equal(t, exitOK, run([]string{"errcode", "42001"}, strings.NewReader(""), &out, &errOut, func(string) string { return "" }))
	require.Contains(t, out.String(), "access_token expired")
}
