// Package settings reads a server's settings from flags with environment
// fallbacks — a flag given on the command line wins, otherwise the
// variable's trimmed value counts — and collects every problem found, so
// that the server names them all together, each with its variable and
// flag, and exits with status 2 instead of failing on the first.
//
// Each flag keeps the text given and goes through the same checks as its
// variable; the server declares them with Declare, turns the texts into
// its configuration with Get, Bool, Duration, ListenAddr, BaseURL and
// RedisURL, and reports with Bad, Problem and Require.
package settings

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ErrUsage marks configuration errors: every *Error matches it.
var ErrUsage = errors.New("invalid configuration")

// Error lists every configuration problem found. It matches ErrUsage.
type Error struct {
	Problems []string
}

// Error lists the problems one a line under "invalid configuration:".
func (e *Error) Error() string {
	return ErrUsage.Error() + ":\n  - " + strings.Join(e.Problems, "\n  - ")
}

// Is makes errors.Is(err, ErrUsage) hold.
func (e *Error) Is(target error) bool { return target == ErrUsage }

// ProblemsOf returns the problems err reports: an *Error's list, or err's
// text alone (nil for nil), so that a server can add the problems it finds
// later (a port in use) to the same report.
func ProblemsOf(err error) []string {
	var e *Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e):
		return e.Problems
	}
	return []string{err.Error()}
}

// Report writes the report of invalid settings a server prints before
// exiting with status 2: "<program>: invalid configuration:", the
// problems one a line, and a pointer to -h.
func Report(w io.Writer, program string, problems []string) {
	fmt.Fprintf(w, "%s: %v\nRun with -h to list the settings.\n", program, &Error{Problems: problems})
}

// Var is one setting: a flag and its environment variable.
type Var struct {
	Flag, Env, Usage string
	// Bool makes the flag a boolean one: "-name" alone means true.
	Bool bool
}

// Set is a program's settings, declared on one flag set. Use it from one
// goroutine.
type Set struct {
	fs       *flag.FlagSet
	vars     []Var
	values   map[string]*string
	env      map[string]string
	problems []string
}

// New declares every var on fs as a flag whose usage ends with the
// variable's name in brackets ("[$LISTEN_ADDR]").
func New(fs *flag.FlagSet, vars ...Var) *Set {
	s := &Set{fs: fs, vars: vars, values: make(map[string]*string, len(vars)), env: make(map[string]string, len(vars))}
	for _, v := range vars {
		p := new(string)
		s.values[v.Flag] = p
		s.env[v.Flag] = v.Env
		fs.Var(rawValue{v: p, boolean: v.Bool}, v.Flag, v.Usage+" [$"+v.Env+"]")
	}
	return s
}

// SetUsage makes fs's -h output print "Usage: <name> [flags]", the
// synopsis, how flags fall back to variables, the exit statuses, and the
// flags.
func (s *Set) SetUsage(w io.Writer, synopsis string) {
	s.fs.Usage = func() {
		fmt.Fprintf(w, "Usage: %s [flags]\n\n%s\n"+
			"Every flag falls back to the environment variable in brackets.\n"+
			"Exit status: 0 after a graceful stop, 2 for invalid settings (all named together), 1 for a failure at run time.\n\n",
			s.fs.Name(), synopsis)
		s.fs.PrintDefaults()
	}
}

// FlagSet returns the flag set the settings are declared on.
func (s *Set) FlagSet() *flag.FlagSet { return s.fs }

// Vars returns the settings in the order declared (for -h and README
// checks).
func (s *Set) Vars() []Var { return s.vars }

// Parse parses args (without the program name) and takes each setting not
// given as a flag from getenv. flag.ErrHelp comes back as it is; a flag
// error or a stray argument as an *Error.
func (s *Set) Parse(args []string, getenv func(string) string) error {
	if err := s.fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &Error{[]string{err.Error()}}
	}
	if s.fs.NArg() > 0 {
		return &Error{[]string{fmt.Sprintf("unexpected arguments %q", s.fs.Args())}}
	}
	given := map[string]bool{}
	s.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, v := range s.vars {
		if !given[v.Flag] {
			*s.values[v.Flag] = strings.TrimSpace(getenv(v.Env))
		}
	}
	return nil
}

// Get returns the text of the setting named by its flag ("" when unset).
func (s *Set) Get(name string) string {
	if p := s.values[name]; p != nil {
		return *p
	}
	return ""
}

// Label names a setting in a problem: "LISTEN_ADDR (-listen)".
func (s *Set) Label(name string) string {
	env, ok := s.env[name]
	if !ok {
		env = name
	}
	return env + " (-" + name + ")"
}

// Bad records a problem with one setting, led by its Label.
func (s *Set) Bad(name, format string, a ...any) {
	s.problems = append(s.problems, s.Label(name)+": "+fmt.Sprintf(format, a...))
}

// Problem records a problem that concerns no single setting.
func (s *Set) Problem(msg string) { s.problems = append(s.problems, msg) }

// Require puts "missing required settings: …" before the problems found
// so far, naming each of names that is unset.
func (s *Set) Require(names ...string) {
	var missing []string
	for _, name := range names {
		if s.Get(name) == "" {
			missing = append(missing, s.Label(name))
		}
	}
	if len(missing) > 0 {
		s.problems = append([]string{"missing required settings: " + strings.Join(missing, ", ")}, s.problems...)
	}
}

// Bool returns a boolean setting: false when unset, a problem when it is
// not one of strconv.ParseBool's spellings.
func (s *Set) Bool(name string) bool {
	v := s.Get(name)
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		s.Bad(name, "%q is not a boolean (true, false, 1, 0)", v)
	}
	return b
}

// Duration returns a duration setting (see ParseSeconds): def when unset,
// a problem when it is not a duration from min to max. The value parsed
// comes back even then.
func (s *Set) Duration(name string, def, min, max time.Duration) time.Duration {
	v := s.Get(name)
	if v == "" {
		return def
	}
	d, err := ParseSeconds(v)
	if err != nil || d < min || d > max {
		s.Bad(name, "%q is not a duration between %s and %s", v, shortDuration(min), shortDuration(max))
	}
	return d
}

// Int64 returns a positive integer setting: 0 when unset, a problem when
// it is not a positive integer.
func (s *Set) Int64(name string) int64 {
	v := s.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		s.Bad(name, "%q is not a positive integer", v)
	}
	return n
}

// Problems returns the problems recorded so far.
func (s *Set) Problems() []string { return s.problems }

// Err returns nil, or an *Error with every problem recorded.
func (s *Set) Err() error {
	if len(s.problems) == 0 {
		return nil
	}
	return &Error{Problems: s.problems}
}

// ParseSeconds accepts a Go duration ("300s", "5m") or a plain number of
// seconds ("300").
func ParseSeconds(v string) (time.Duration, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 || n > 1<<31 {
			return 0, errors.New("out of range")
		}
		return time.Duration(n) * time.Second, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("settings: %w", err)
	}
	return d, nil
}

// shortDuration prints d as people write it: 24h, 2m, 1s, 100ms.
func shortDuration(d time.Duration) string {
	s := d.String()
	for _, unit := range []string{"h", "m"} {
		s = strings.Replace(s, unit+"0m0s", unit, 1)
		s = strings.Replace(s, unit+"0s", unit, 1)
	}
	return s
}

// rawValue is a flag.Value keeping the text given, so that a flag and its
// environment variable go through the same checks.
type rawValue struct {
	v       *string
	boolean bool
}

// String returns the text given; "" for the zero value, which package flag
// makes to tell whether a default is worth printing.
func (r rawValue) String() string {
	if r.v == nil {
		return ""
	}
	return *r.v
}

// Set keeps s.
func (r rawValue) Set(s string) error { *r.v = s; return nil }

// IsBoolFlag makes a boolean setting's flag take no argument, as package
// flag does for its own boolean flags.
func (r rawValue) IsBoolFlag() bool { return r.boolean }
