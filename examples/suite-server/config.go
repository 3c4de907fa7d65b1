package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
)

// config is the server's configuration. Every setting is a flag with an
// environment fallback; a flag given on the command line wins.
type config struct {
	SuiteID        string       // SUITE_ID
	SuiteSecret    wecom.Secret // SUITE_SECRET
	Token          wecom.Secret // SUITE_TOKEN: the callback Token
	EncodingAESKey wecom.Secret // SUITE_AES_KEY: the callback EncodingAESKey
	ProviderCorpID string       // PROVIDER_CORP_ID (optional, with PROVIDER_SECRET)
	ProviderSecret wecom.Secret // PROVIDER_SECRET
	BaseURL        string       // WECOM_BASE_URL
	OpenBaseURL    string       // WECOM_OPEN_BASE_URL: where the install page lives
	PublicURL      string       // PUBLIC_URL: how browsers reach this server ("": from the request)
	ListenAddr     string       // LISTEN_ADDR
	DataFile       string       // SUITE_DATA: the bbolt file
	RedisURL       wecom.Secret // REDIS_URL: may carry a password
	Demo           bool         // -demo
}

// Defaults of the settings that have one.
const (
	defaultListenAddr     = ":8080"
	defaultDemoListenAddr = "127.0.0.1:8080" // the demo's secrets are printed: loopback only unless LISTEN_ADDR says otherwise
	defaultDataFile       = "./suite.db"
)

// setting describes one flag and its environment variable.
type setting struct {
	flag, env, usage string
	value            *string
}

// rawValue is a flag.Value keeping the text given, so that a flag and its
// environment variable go through the same checks.
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

// newFlagSet declares every setting and returns them, so that -h and the
// README's settings table can be checked against one list.
func newFlagSet(stderr io.Writer, demo *bool) (*flag.FlagSet, []setting) {
	settings := []setting{
		{flag: "suite-id", env: "SUITE_ID", usage: "the app's suite_id; required"},
		{flag: "suite-secret", env: "SUITE_SECRET", usage: "the app's suite secret; required (prefer the environment variable)"},
		{flag: "suite-token", env: "SUITE_TOKEN", usage: "the callback Token of the command and data URLs; required"},
		{flag: "suite-aes-key", env: "SUITE_AES_KEY", usage: "the callback EncodingAESKey (43 characters); required"},
		{flag: "provider-corp-id", env: "PROVIDER_CORP_ID", usage: "the service provider's corpid; optional, with PROVIDER_SECRET (enables /provider/login)"},
		{flag: "provider-secret", env: "PROVIDER_SECRET", usage: "the provider secret; optional, with PROVIDER_CORP_ID"},
		{flag: "wecom-base-url", env: "WECOM_BASE_URL", usage: "WeCom API base URL (default " + wecom.DefaultBaseURL + ")"},
		{flag: "wecom-open-base-url", env: "WECOM_OPEN_BASE_URL", usage: "base URL of WeCom's install page (default " + suite.DefaultOpenBaseURL + ")"},
		{flag: "public-url", env: "PUBLIC_URL", usage: "this server's URL as browsers reach it, for the install redirect (default: from the request's Host)"},
		{flag: "listen", env: "LISTEN_ADDR", usage: "address to listen on (default " + defaultListenAddr + "; with -demo " + defaultDemoListenAddr + ")"},
		{flag: "data", env: "SUITE_DATA", usage: "bbolt file keeping tickets and permanent codes, unless REDIS_URL is set (default " + defaultDataFile + ")"},
		{flag: "redis-url", env: "REDIS_URL", usage: "redis:// or rediss:// URL: one store shared by several instances, instead of the bbolt file"},
	}
	fs := flag.NewFlagSet("suite-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for i := range settings {
		s := &settings[i]
		s.value = new(string)
		fs.Var(rawValue{v: s.value}, s.flag, s.usage+" [$"+s.env+"]")
	}
	fs.BoolVar(demo, "demo", false, "drive a complete install against an in-process fake WeCom on "+defaultDemoListenAddr+" and print each step")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: suite-server [flags]\n\nA WeCom third-party app (suite) server: command and data callbacks, installs, JS-SDK signatures per corporation.\n"+
			"Every flag falls back to the environment variable in brackets.\n"+
			"Exit status: 0 after a graceful stop, 2 for invalid settings (all named together), 1 for a failure at run time.\n\n")
		fs.PrintDefaults()
	}
	return fs, settings
}

// loadConfig parses args (without the program name) and getenv into a
// config and checks every value it can without side effects. Problems are
// reported together, each naming its variable and flag, and match
// errUsage. The listen address and data file come back even then, so that
// the caller can add the problems of opening them to the same report.
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
	raw := map[string]string{}
	envOf := map[string]string{}
	for _, s := range settings {
		if !given[s.flag] {
			*s.value = strings.TrimSpace(getenv(s.env))
		}
		raw[s.flag] = *s.value
		envOf[s.flag] = s.env
	}
	var problems []string
	bad := func(name, format string, a ...any) {
		problems = append(problems, fmt.Sprintf("%s (-%s): %s", envOf[name], name, fmt.Sprintf(format, a...)))
	}

	cfg.SuiteID = raw["suite-id"]
	cfg.SuiteSecret = wecom.Secret(raw["suite-secret"])
	cfg.Token = wecom.Secret(raw["suite-token"])
	cfg.EncodingAESKey = wecom.Secret(raw["suite-aes-key"])
	cfg.ProviderCorpID = raw["provider-corp-id"]
	cfg.ProviderSecret = wecom.Secret(raw["provider-secret"])
	cfg.ListenAddr = raw["listen"]
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = defaultListenAddr
		if cfg.Demo {
			cfg.ListenAddr = defaultDemoListenAddr
		}
	}
	cfg.DataFile = raw["data"]
	if cfg.DataFile == "" {
		cfg.DataFile = defaultDataFile
	}
	cfg.RedisURL = wecom.Secret(raw["redis-url"])

	baseURL := func(name, def string) string {
		v := raw[name]
		if v == "" {
			return def
		}
		u, err := wecom.ParseBaseURL(v)
		if err != nil {
			bad(name, "%v", err)
		}
		return u
	}
	cfg.BaseURL = baseURL("wecom-base-url", wecom.DefaultBaseURL)
	cfg.OpenBaseURL = baseURL("wecom-open-base-url", suite.DefaultOpenBaseURL)
	if v := raw["public-url"]; v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			bad("public-url", "%q is not an http(s) URL without query, fragment or user info", v)
		} else {
			cfg.PublicURL = strings.TrimRight(u.String(), "/")
		}
	}
	if u := cfg.RedisURL.Reveal(); u != "" {
		// FromURL only parses: it connects on first use. Its errors never
		// show the password.
		s, err := redisstore.FromURL(u)
		if err != nil {
			bad("redis-url", "%v", err)
		} else {
			_ = s.Close()
		}
	}
	if (cfg.ProviderCorpID == "") != (cfg.ProviderSecret == "") {
		problems = append(problems, "PROVIDER_CORP_ID (-provider-corp-id) and PROVIDER_SECRET (-provider-secret) go together: set both or neither")
	}

	if !cfg.Demo { // the demo brings its own suite
		var missing []string
		for _, name := range []string{"suite-id", "suite-secret", "suite-token", "suite-aes-key"} {
			if raw[name] == "" {
				missing = append(missing, envOf[name]+" (-"+name+")")
			}
		}
		if len(missing) > 0 {
			problems = append([]string{"missing required settings: " + strings.Join(missing, ", ")}, problems...)
		}
		if k := cfg.EncodingAESKey.Reveal(); k != "" {
			if _, err := crypto.New("x", k, "x"); err != nil {
				bad("suite-aes-key", "not an EncodingAESKey: 43 characters of base64, as the admin console shows it")
			}
		}
	}
	if len(problems) > 0 {
		return config{ListenAddr: cfg.ListenAddr, DataFile: cfg.DataFile, RedisURL: cfg.RedisURL, Demo: cfg.Demo}, &configError{problems}
	}
	return cfg, nil
}
