package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// flags is a command's flag set with wecomkit's conventions: --help prints
// the command's help with an example on stdout, flags may follow
// positional arguments, and secret flags fall back to the environment.
type flags struct {
	*flag.FlagSet
	e        *env
	usage    string // "wecomkit sign [flags] key=value ..."
	about    string // what the command does
	examples string
	json     bool
}

func newFlags(e *env, name, usage, about, examples string) *flags {
	e.cmd = name
	fs := flag.NewFlagSet("wecomkit "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := &flags{FlagSet: fs, e: e, usage: usage, about: about, examples: examples}
	fs.BoolVar(&f.json, "json", false, "print one JSON object instead of text")
	return f
}

// secret defines a flag carrying a secret, which falls back to its
// environment variable.
func (f *flags) secret(p *string, name, what string) {
	f.StringVar(p, name, "", what+" (or $"+envFor(name)+", which keeps it out of the shell history)")
}

// negativeNumber matches arguments like -40001 that are values, not flags.
var negativeNumber = regexp.MustCompile(`^-[0-9]+$`)

// parse parses args, allowing flags after positional arguments, and
// returns the positional ones. A negative number is a value, not a flag
// ("errcode -40001"); "-" is a positional argument (stdin); everything
// after "--" is positional. Secret flags left unset are filled from the
// environment.
func (f *flags) parse(args []string) ([]string, error) {
	var flagArgs, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case a == "-" || !strings.HasPrefix(a, "-") || negativeNumber.MatchString(a):
			pos = append(pos, a)
		default:
			flagArgs = append(flagArgs, a)
			name := strings.TrimLeft(a, "-")
			if strings.Contains(name, "=") {
				continue
			}
			if fl := f.Lookup(name); fl != nil && !isBoolFlag(fl) && i+1 < len(args) {
				flagArgs = append(flagArgs, args[i+1])
				i++
			}
		}
	}
	if err := f.Parse(flagArgs); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			f.writeHelp(f.e.stdout)
			return nil, errHelp
		}
		return nil, usagef("%v", err)
	}
	set := map[string]bool{}
	f.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	f.VisitAll(func(fl *flag.Flag) {
		if name := envFor(fl.Name); name != "" && !set[fl.Name] {
			if v := f.e.getenv(name); v != "" {
				_ = fl.Value.Set(v)
			}
		}
	})
	return pos, nil
}

func (f *flags) writeHelp(w io.Writer) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n\nFlags:\n", f.usage, strings.TrimSpace(f.about))
	f.SetOutput(w)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
	fmt.Fprintf(w, "\nExample:\n%s\n", formatExamples(f.examples))
}

// formatExamples lays out example command lines: each command starts two
// spaces in, and a line continuing one that ends in a backslash six, however
// the lines were indented in the source.
func formatExamples(s string) string {
	var b strings.Builder
	continued := false
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		if continued {
			b.WriteString("      ")
		} else {
			b.WriteString("  ")
		}
		b.WriteString(line)
		continued = strings.HasSuffix(line, "\\")
	}
	return b.String()
}

// printJSON writes v as indented JSON, without HTML escaping (URLs stay
// readable).
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// fail reports a failure — as {"ok": false, "error": …} plus fields with
// --json, as text on stderr otherwise — and returns errReported.
func (f *flags) fail(msg string, jsonFields map[string]any) error {
	if f.json {
		out := map[string]any{"ok": false, "error": msg}
		for k, v := range jsonFields {
			out[k] = v
		}
		_ = printJSON(f.e.stdout, out)
		return errReported
	}
	fmt.Fprintf(f.e.stderr, "error: %s\n", msg)
	return errReported
}

type flagT = flag.Flag

func isBoolFlag(fl *flag.Flag) bool {
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}
