// Command wecomkit debugs WeCom (企业微信) and tax-cloud integrations: it
// signs and verifies tax-cloud requests, signs JS-SDK pages, verifies,
// decrypts and encrypts callbacks, builds and checks login links, fetches
// a token to check credentials and IP allow-listing, and explains WeCom's
// error codes. It is built only on wecomkit's public packages.
//
// Install it with
//
//	go install github.com/wecomkit/wecomkit/cmd/wecomkit@latest
//
// and run "wecomkit help" for the commands. Exit status: 0 success, 1
// failure (a check failed, WeCom refused), 2 usage (bad flags or
// arguments). Every command prints plain text, or one JSON object with
// --json. Secrets never appear in any output; each can come from the
// environment instead of a flag (WECOMKIT_SECRET, WECOMKIT_TOKEN,
// WECOMKIT_AES_KEY, WECOMKIT_TICKET, WECOMKIT_PRE_AUTH_CODE) so that it
// stays out of the shell's history.
package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"time"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

// env is everything a command may touch of the outside world, so that
// tests run commands in-process with fixed clocks and random sources.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	random         io.Reader

	// cmd is the (sub)command being run, "url authorize" say, for the
	// pointer to its --help in usage errors.
	cmd string
}

// run runs the command line args (without the program name) and returns
// the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	return runEnv(&env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, now: time.Now, random: rand.Reader}, args)
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

// commands lists the subcommands in the order help shows them.
func commands() []command {
	return []command{
		{"sign", "sign tax-cloud parameters: the string that is signed and sign", runSign},
		{"verify", "verify a signed tax-cloud request, or say exactly why it fails", runVerify},
		{"jssdk", "sign a JS-SDK page: string1 and the signature", runJSSDK},
		{"callback", "verify-url, decrypt or encrypt a WeCom callback", runCallback},
		{"url", "build (authorize, weblogin, install) or check a login link", runURL},
		{"token", "fetch an access token to check credentials and IP allow-listing", runToken},
		{"errcode", "explain a WeCom or callback error code", runErrcode},
		{"version", "print wecomkit's version, commit and Go version (also --version)", runVersion},
	}
}

func runEnv(e *env, args []string) int {
	if len(args) == 0 {
		writeMainUsage(e.stderr)
		return exitUsage
	}
	name, rest := args[0], args[1:]
	if name == "--version" || name == "-version" {
		name = "version"
	}
	if isHelpWord(name) {
		// "help sign" is "sign --help"; "help", "help help" and "--help
		// --help" are the main usage (the fuzzer found that a help word
		// after a help word recursed forever).
		if len(rest) > 0 && rest[0] != "" && !isHelpWord(rest[0]) {
			return runEnv(e, []string{rest[0], "--help"})
		}
		writeMainUsage(e.stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name {
			return report(e, c.name, c.run(e, rest))
		}
	}
	fmt.Fprintf(e.stderr, "wecomkit: unknown command %q\n\n", name)
	writeMainUsage(e.stderr)
	return exitUsage
}

func isHelpWord(s string) bool {
	switch s {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

func writeMainUsage(w io.Writer) {
	fmt.Fprint(w, "wecomkit debugs WeCom (企业微信) and tax-cloud integrations.\n\nUsage:\n  wecomkit <command> [flags] [arguments]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "wecomkit <command> --help" for a command's flags and an example.
Exit status: 0 success, 1 failure, 2 usage. --json prints one JSON object.
Secrets can come from the environment (WECOMKIT_SECRET, WECOMKIT_TOKEN,
WECOMKIT_AES_KEY, WECOMKIT_TICKET, WECOMKIT_PRE_AUTH_CODE) instead of flags.
`)
}

// usageError is bad usage: a missing or malformed flag or argument. It
// exits with status 2.
type usageError struct{ msg string }

func (u *usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// errReported is returned by a command that has already told the user
// why it failed; it exits with status 1.
var errReported = errors.New("failure reported")

// errHelp is returned after --help printed the command's help.
var errHelp = errors.New("help printed")

// report turns a command's error into an exit status, printing what has
// not been printed yet.
func report(e *env, name string, err error) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, errHelp):
		return exitOK
	case errors.Is(err, errReported):
		return exitFailure
	case errors.As(err, &ue):
		if e.cmd != "" {
			name = e.cmd
		}
		fmt.Fprintf(e.stderr, "wecomkit %s: %s\nRun 'wecomkit %s --help' for usage.\n", name, ue.msg, name)
		return exitUsage
	}
	fmt.Fprintf(e.stderr, "wecomkit %s: %v\n", name, err)
	return exitFailure
}

// secretEnv maps the flags that carry secrets to the environment
// variables they fall back to.
var secretEnv = map[string]string{
	"secret":        "WECOMKIT_SECRET",
	"token":         "WECOMKIT_TOKEN",
	"aes-key":       "WECOMKIT_AES_KEY",
	"ticket":        "WECOMKIT_TICKET",
	"pre-auth-code": "WECOMKIT_PRE_AUTH_CODE",
}

// envFor returns the environment variable a flag falls back to, or "".
func envFor(flagName string) string { return secretEnv[flagName] }

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
