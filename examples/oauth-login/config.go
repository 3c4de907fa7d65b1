package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
)

// config is the server's configuration. Every setting is a flag with an
// environment fallback; a flag given on the command line wins.
type config struct {
	CorpID     string       // WECOM_CORP_ID: the corporation's corpid (the links' appid)
	AgentID    int64        // WECOM_AGENT_ID: the self-built app's agentid
	Secret     wecom.Secret // WECOM_SECRET: the app's secret
	BaseURL    string       // WECOM_BASE_URL: WeCom's API
	PublicURL  string       // PUBLIC_URL: what browsers see; the redirect URIs start with it
	SessionKey wecom.Secret // SESSION_KEY: signs states and session cookies
	ListenAddr string       // LISTEN_ADDR
	RedisURL   wecom.Secret // REDIS_URL: optional token store shared by instances
	Demo       bool         // -demo: an in-process fake WeCom

	// The login pages' bases: "" for WeCom's, the fake's in the demo.
	AuthorizeBase, WebLoginBase string
}

// Defaults and bounds of the settings.
const (
	defaultListenAddr     = ":8080"
	defaultDemoListenAddr = "127.0.0.1:8080" // the demo's app secret is printed: loopback only unless LISTEN_ADDR says otherwise
	minSessionKeyLen      = 32
)

// setting is one flag and its environment variable.
type setting struct {
	flag, env, usage string
	value            *string
}

// rawValue is a flag.Value keeping the text given, so that a flag and its
// environment variable go through the same parsing.
type rawValue struct{ v *string }

func (r rawValue) String() string {
	if r.v == nil {
		return ""
	}
	return *r.v
}

func (r rawValue) Set(s string) error { *r.v = s; return nil }

// errUsage marks configuration errors; the server exits with 2 on them.
var errUsage = errors.New("invalid configuration")

// configError lists every configuration problem found.
type configError struct{ problems []string }

func (e *configError) Error() string {
	return errUsage.Error() + ":\n  - " + strings.Join(e.problems, "\n  - ")
}

func (e *configError) Is(target error) bool { return target == errUsage }

// newFlagSet declares every setting, so that -h and README's table can be
// checked against one list.
func newFlagSet(stderr io.Writer, demo *bool) (*flag.FlagSet, []setting) {
	settings := []setting{
		{flag: "corp-id", env: "WECOM_CORP_ID", usage: "WeCom corpid; required"},
		{flag: "agent-id", env: "WECOM_AGENT_ID", usage: "agentid of the self-built app; required"},
		{flag: "secret", env: "WECOM_SECRET", usage: "secret of the self-built app; required (prefer the environment variable)"},
		{flag: "wecom-base-url", env: "WECOM_BASE_URL", usage: "WeCom API base URL (default " + wecom.DefaultBaseURL + ")"},
		{flag: "public-url", env: "PUBLIC_URL", usage: "externally visible base URL, e.g. https://app.example.com; the redirect URIs start with it; required (with -demo: the listen address)"},
		{flag: "session-key", env: "SESSION_KEY", usage: "HMAC key for states and session cookies, at least 32 bytes; required (with -demo: generated); prefer the environment variable"},
		{flag: "listen", env: "LISTEN_ADDR", usage: "address to listen on (default " + defaultListenAddr + "; with -demo " + defaultDemoListenAddr + ")"},
		{flag: "redis-url", env: "REDIS_URL", usage: "redis:// or rediss:// URL to share tokens between instances (optional)"},
	}
	fs := flag.NewFlagSet("oauth-login", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for i := range settings {
		s := &settings[i]
		s.value = new(string)
		fs.Var(rawValue{v: s.value}, s.flag, s.usage+" [$"+s.env+"]")
	}
	fs.BoolVar(demo, "demo", false, "run against an in-process fake WeCom on "+defaultDemoListenAddr+" and print what to open")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: oauth-login [flags]\n\nSigns members in through WeCom: H5 entry (OAuth2 in the WeCom client) and PC web login (QR code).\n"+
			"Every flag falls back to the environment variable in brackets.\n"+
			"Exit status: 0 after a graceful stop, 2 for invalid settings (all named together), 1 for a failure at run time.\n\n")
		fs.PrintDefaults()
	}
	return fs, settings
}

// loadConfig parses args and getenv into a config. Problems are reported
// together, naming every flag and variable involved, and match errUsage.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fs, settings := newFlagSet(stderr, &cfg.Demo)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, &configError{[]string{err.Error()}}
	}
	if fs.NArg() > 0 {
		return config{}, &configError{[]string{fmt.Sprintf("unexpected arguments %q", fs.Args())}}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	values := map[string]string{}
	envOf := map[string]string{}
	for _, s := range settings {
		if !given[s.flag] {
			*s.value = strings.TrimSpace(getenv(s.env))
		}
		values[s.flag] = *s.value
		envOf[s.flag] = s.env
	}
	var problems []string
	bad := func(name, format string, a ...any) {
		problems = append(problems, fmt.Sprintf("%s (-%s): %s", envOf[name], name, fmt.Sprintf(format, a...)))
	}

	cfg.CorpID = values["corp-id"]
	cfg.Secret = wecom.Secret(values["secret"])
	cfg.SessionKey = wecom.Secret(values["session-key"])
	cfg.RedisURL = wecom.Secret(values["redis-url"])
	cfg.ListenAddr = values["listen"]
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = defaultListenAddr
		if cfg.Demo {
			cfg.ListenAddr = defaultDemoListenAddr
		}
	}
	cfg.BaseURL = wecom.DefaultBaseURL
	if v := values["wecom-base-url"]; v != "" {
		u, err := wecom.ParseBaseURL(v)
		if err != nil {
			bad("wecom-base-url", "%v", err)
		}
		cfg.BaseURL = u
	}
	if v := values["public-url"]; v != "" {
		u, err := parsePublicURL(v)
		if err != nil {
			bad("public-url", "%v", err)
		}
		cfg.PublicURL = u
	}
	if k := cfg.SessionKey.Reveal(); k != "" && len(k) < minSessionKeyLen {
		bad("session-key", "must be at least %d bytes, got %d (e.g. openssl rand -hex 32)", minSessionKeyLen, len(k))
	}
	if u := cfg.RedisURL.Reveal(); u != "" {
		s, err := redisstore.FromURL(u) // parses only; connects on first use
		if err != nil {
			bad("redis-url", "%v", err)
		} else {
			_ = s.Close()
		}
	}
	if v := values["agent-id"]; v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			bad("agent-id", "%q is not a positive integer", v)
		}
		cfg.AgentID = id
	}
	if !cfg.Demo { // the demo brings its corporation, app, key and URL
		var missing []string
		for _, name := range []string{"corp-id", "agent-id", "secret", "public-url", "session-key"} {
			if values[name] == "" {
				missing = append(missing, envOf[name]+" (-"+name+")")
			}
		}
		if len(missing) > 0 {
			problems = append([]string{"missing required settings: " + strings.Join(missing, ", ")}, problems...)
		}
	}
	if len(problems) > 0 {
		return config{ListenAddr: cfg.ListenAddr}, &configError{problems}
	}
	return cfg, nil
}

// parsePublicURL accepts an absolute http or https URL without query or
// fragment (a path prefix is kept, a trailing slash dropped).
func parsePublicURL(v string) (string, error) {
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return "", fmt.Errorf("not a URL: %w", err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return "", fmt.Errorf("%q is not an absolute http or https URL", v)
	case u.User != nil:
		return "", errors.New("must not carry user information")
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(v, "?#"):
		return "", fmt.Errorf("%q must have no query or fragment", v)
	}
	return strings.TrimRight(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}
