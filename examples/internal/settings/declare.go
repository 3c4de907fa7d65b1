package settings

import (
	"flag"
	"io"
	"net/url"
	"strings"

	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
)

// Declare returns program's settings on a new flag set whose errors and
// -h go to stderr (see SetUsage: synopsis leads -h). demoUsage, when not
// "", adds the flag -demo (a flag only: it chooses the mode), set into
// demo.
func Declare(program, synopsis string, stderr io.Writer, demo *bool, demoUsage string, vars ...Var) *Set {
	fs := flag.NewFlagSet(program, flag.ContinueOnError)
	fs.SetOutput(stderr)
	s := New(fs, vars...)
	if demoUsage != "" {
		fs.BoolVar(demo, "demo", false, demoUsage)
	}
	s.SetUsage(stderr, synopsis)
	return s
}

// The listen address of every server: all interfaces, except with -demo,
// whose secrets are public or printed: loopback unless LISTEN_ADDR says
// otherwise.
const (
	DefaultListen     = ":8080"
	DefaultDemoListen = "127.0.0.1:8080"
)

// Listen is the LISTEN_ADDR setting (-listen) of a server with a -demo.
func Listen() Var {
	return Var{Flag: "listen", Env: "LISTEN_ADDR", Usage: "address to listen on (default " + DefaultListen + "; with -demo " + DefaultDemoListen + ")"}
}

// ListenAddr returns the -listen setting, or its default for the mode.
func (s *Set) ListenAddr(demo bool) string {
	switch v := s.Get("listen"); {
	case v != "":
		return v
	case demo:
		return DefaultDemoListen
	}
	return DefaultListen
}

// BaseURL returns the base URL the setting name gives (wecom.ParseBaseURL:
// http or https, no query, fragment or user info), or def when unset. A
// bad value is a problem naming it as typed — with any user info, which
// may hold a password, left out.
func (s *Set) BaseURL(name, def string) string {
	v := s.Get(name)
	if v == "" {
		return def
	}
	u, err := wecom.ParseBaseURL(v)
	if err != nil {
		// wecom's error shows "[redacted]" for a URL that does not parse:
		// name it as typed instead, since a base URL holds no secret
		// outside user info.
		if p, perr := url.Parse(v); perr == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != "" {
			p.User = nil
			s.Bad(name, "%q must not carry a query, fragment or user info", p.String())
		} else {
			s.Bad(name, "%q is not an http(s) URL", asTyped(v))
		}
	}
	return u
}

// asTyped is a setting's value as the operator typed it, for an error
// message, with anything before an '@' after the scheme (user info, which
// may hold a password) shown as "…".
func asTyped(v string) string {
	at := strings.LastIndexByte(v, '@')
	if at < 0 {
		return v
	}
	start := 0
	if i := strings.Index(v, "://"); i >= 0 && i < at {
		start = i + 3
	}
	return v[:start] + "…" + v[at:]
}

// RedisURL returns the redis:// or rediss:// URL the setting name gives
// ("" when unset), a problem when redisstore.FromURL refuses it. Nothing
// connects: FromURL only parses, and its errors never show the password.
func (s *Set) RedisURL(name string) wecom.Secret {
	u := wecom.Secret(s.Get(name))
	if u == "" {
		return ""
	}
	rs, err := redisstore.FromURL(u.Reveal())
	if err != nil {
		s.Bad(name, "%v", err)
		return u
	}
	_ = rs.Close()
	return u
}

// Differences compares a table of settings (a README's: each row's Flag
// and Env) with the settings declared, and says how they differ: a row
// naming a flag that is not declared or with another variable, a
// declared flag without a row. flagsOnly names flags (such as "demo")
// that need no row.
func (s *Set) Differences(table []Var, flagsOnly ...string) []string {
	var diffs []string
	seen := map[string]bool{}
	for _, row := range table {
		seen[row.Flag] = true
		if s.fs.Lookup(row.Flag) == nil {
			diffs = append(diffs, "the table lists -"+row.Flag+", which is not declared")
			continue
		}
		if env := s.env[row.Flag]; env != row.Env {
			diffs = append(diffs, "-"+row.Flag+": the table says $"+row.Env+", the flag $"+env)
		}
	}
	for _, f := range flagsOnly {
		seen[f] = true
	}
	s.fs.VisitAll(func(f *flag.Flag) {
		if !seen[f.Name] {
			diffs = append(diffs, "-"+f.Name+" is missing from the table")
		}
	})
	return diffs
}
