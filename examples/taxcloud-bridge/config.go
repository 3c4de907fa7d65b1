package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
)

// config is the bridge's configuration. Every setting is a flag with an
// environment fallback (CONTRACT.md, "Settings"); a flag given on the
// command line wins over the environment.
type config struct {
	CorpID       string        // WECOM_CORP_ID: the corporation's corpid, also the tax cloud's appid
	AgentID      int64         // WECOM_AGENT_ID: the self-built app's agentid
	Secret       wecom.Secret  // WECOM_SECRET: the app's secret
	SignSecret   wecom.Secret  // TAXCLOUD_SIGN_SECRET: the secret agreed with the tax cloud
	ListenAddr   string        // LISTEN_ADDR
	BaseURL      string        // WECOM_BASE_URL
	VerifyFile   string        // WECOM_VERIFY_FILE: path of WW_verify_*.txt
	RedisURL     wecom.Secret  // REDIS_URL: may carry a password
	SignWindow   time.Duration // TAXCLOUD_SIGN_WINDOW
	SignDisabled bool          // TAXCLOUD_SIGN_DISABLED: joint testing only
	SignStrict   bool          // TAXCLOUD_SIGN_STRICT: accept only signatures over every parameter
	WeComTimeout time.Duration // WECOM_TIMEOUT: deadline for the WeCom calls of one request
	Demo         bool          // -demo: run against an in-process fake WeCom
}

// Defaults of the settings that have one.
const (
	defaultListenAddr     = ":8080"
	defaultDemoListenAddr = "127.0.0.1:8080" // the demo's secret is public: loopback only unless LISTEN_ADDR says otherwise
	defaultSignWindow     = 300 * time.Second
	defaultWeComTimeout   = 8 * time.Second
)

// setting describes one flag and its environment variable. A boolean
// setting is a boolean flag: "-sign-disabled" alone means true.
type setting struct {
	flag, env, usage string
	value            *string
	boolean          bool
}

// rawValue is a flag.Value that keeps the text given, so that a flag and
// its environment variable go through the same parsing.
type rawValue struct {
	v       *string
	boolean bool
}

func (r rawValue) String() string {
	if r.v == nil {
		return ""
	}
	return *r.v
}

func (r rawValue) Set(s string) error { *r.v = s; return nil }

// IsBoolFlag makes a boolean setting's flag take no argument, as package
// flag does for its own boolean flags.
func (r rawValue) IsBoolFlag() bool { return r.boolean }

// errUsage marks configuration errors; the bridge exits with 2 on them.
var errUsage = errors.New("invalid configuration")

// configError lists every configuration problem found.
type configError struct{ problems []string }

func (e *configError) Error() string {
	return errUsage.Error() + ":\n  - " + strings.Join(e.problems, "\n  - ")
}

func (e *configError) Is(target error) bool { return target == errUsage }

// newFlagSet declares every setting on a flag set and returns them, so that
// -h and the README's settings table can be checked against one list.
func newFlagSet(stderr io.Writer, raw map[string]*string, demo *bool) (*flag.FlagSet, []setting) {
	str := func(name string) *string {
		s := new(string)
		raw[name] = s
		return s
	}
	settings := []setting{
		{flag: "corp-id", env: "WECOM_CORP_ID", usage: "WeCom corpid (the tax cloud's appid); required"},
		{flag: "agent-id", env: "WECOM_AGENT_ID", usage: "agentid of the self-built app; required"},
		{flag: "secret", env: "WECOM_SECRET", usage: "secret of the self-built app; required (prefer the environment variable)"},
		{flag: "sign-secret", env: "TAXCLOUD_SIGN_SECRET", usage: "signing secret agreed with the tax cloud; required unless signing is disabled (prefer the environment variable)"},
		{flag: "listen", env: "LISTEN_ADDR", usage: "address to listen on (default " + defaultListenAddr + "; with -demo " + defaultDemoListenAddr + ")"},
		{flag: "wecom-base-url", env: "WECOM_BASE_URL", usage: "WeCom API base URL (default " + wecom.DefaultBaseURL + ")"},
		{flag: "verify-file", env: "WECOM_VERIFY_FILE", usage: "path of the WW_verify_*.txt file, served at /<its name>"},
		{flag: "redis-url", env: "REDIS_URL", usage: "redis:// or rediss:// URL to share tokens and tickets between instances"},
		{flag: "sign-window", env: "TAXCLOUD_SIGN_WINDOW", usage: "allowed clock difference for ts (default 300s)"},
		{flag: "sign-strict", env: "TAXCLOUD_SIGN_STRICT", usage: "accept only signatures over every parameter, not over appid+ts alone (default false)", boolean: true},
		{flag: "sign-disabled", env: "TAXCLOUD_SIGN_DISABLED", usage: "skip signature checks: joint testing only (default false)", boolean: true},
		{flag: "wecom-timeout", env: "WECOM_TIMEOUT", usage: "deadline for the WeCom calls of one request (default 8s)"},
	}
	fs := flag.NewFlagSet("taxcloud-bridge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for i := range settings {
		s := &settings[i]
		s.value = str(s.flag)
		fs.Var(rawValue{v: s.value, boolean: s.boolean}, s.flag, s.usage+" [$"+s.env+"]")
	}
	fs.BoolVar(demo, "demo", false, "run against an in-process fake WeCom on "+defaultDemoListenAddr+" and print ready-to-paste curl commands")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: taxcloud-bridge [flags]\n\nThe tax cloud's /userinfo and /js-sdk bridge for a WeCom self-built app.\n"+
			"Every flag falls back to the environment variable in brackets.\n"+
			"Exit status: 0 after a graceful stop, 2 for invalid settings (all named together), 1 for a failure at run time.\n\n")
		fs.PrintDefaults()
	}
	return fs, settings
}

// loadConfig parses args (without the program name) and getenv into a
// config, and checks what can be checked before starting: values, the
// verify file, the Redis URL. Problems are reported together, naming every
// flag and variable involved, and match errUsage.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	raw := map[string]*string{}
	var cfg config
	fs, settings := newFlagSet(stderr, raw, &cfg.Demo)
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
	for _, s := range settings {
		if !given[s.flag] {
			*s.value = strings.TrimSpace(getenv(s.env))
		}
	}
	get := func(name string) string { return *raw[name] }

	var problems []string
	bad := func(s string, format string, a ...any) {
		problems = append(problems, fmt.Sprintf("%s (-%s): %s", settingEnv(settings, s), s, fmt.Sprintf(format, a...)))
	}
	boolean := func(name string) bool {
		v := get(name)
		if v == "" {
			return false
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad(name, "%q is not a boolean (true, false, 1, 0)", v)
		}
		return b
	}

	cfg.CorpID = get("corp-id")
	cfg.Secret = wecom.Secret(get("secret"))
	cfg.SignSecret = wecom.Secret(get("sign-secret"))
	cfg.ListenAddr = get("listen")
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = defaultListenAddr
		if cfg.Demo {
			cfg.ListenAddr = defaultDemoListenAddr
		}
	}
	cfg.VerifyFile = get("verify-file")
	cfg.RedisURL = wecom.Secret(get("redis-url"))
	cfg.SignDisabled = boolean("sign-disabled")
	cfg.SignStrict = boolean("sign-strict")
	cfg.SignWindow = defaultSignWindow
	if v := get("sign-window"); v != "" {
		d, err := parseSeconds(v)
		if err != nil || d < time.Second || d > 24*time.Hour {
			bad("sign-window", "%q is not a duration between 1s and 24h", v)
		}
		cfg.SignWindow = d
	}
	cfg.WeComTimeout = defaultWeComTimeout
	if v := get("wecom-timeout"); v != "" {
		d, err := parseSeconds(v)
		if err != nil || d < 100*time.Millisecond || d > 2*time.Minute {
			bad("wecom-timeout", "%q is not a duration between 100ms and 2m", v)
		}
		cfg.WeComTimeout = d
	}
	cfg.BaseURL = wecom.DefaultBaseURL
	if v := get("wecom-base-url"); v != "" {
		u, err := wecom.ParseBaseURL(v)
		if err != nil {
			bad("wecom-base-url", "%v", err)
		}
		cfg.BaseURL = u
	}
	if cfg.VerifyFile != "" {
		if _, err := jssdk.LoadVerifyFile(cfg.VerifyFile); err != nil {
			bad("verify-file", "%v", err)
		}
	}
	if u := cfg.RedisURL.Reveal(); u != "" {
		// FromURL only parses: it connects on first use.
		s, err := redisstore.FromURL(u)
		if err != nil {
			bad("redis-url", "%v", err)
		} else {
			_ = s.Close()
		}
	}

	if !cfg.Demo { // the demo brings its own corporation, app and secrets
		var missing []string
		need := func(flagName string) {
			if get(flagName) == "" {
				missing = append(missing, settingEnv(settings, flagName)+" (-"+flagName+")")
			}
		}
		need("corp-id")
		need("agent-id")
		need("secret")
		if !cfg.SignDisabled {
			need("sign-secret")
		}
		if len(missing) > 0 {
			problems = append([]string{"missing required settings: " + strings.Join(missing, ", ")}, problems...)
		}
		if v := get("agent-id"); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				bad("agent-id", "%q is not a positive integer", v)
			}
			cfg.AgentID = id
		}
	}
	if len(problems) > 0 {
		// The listen address still comes back, so that the caller can add
		// a port in use to the same report.
		return config{ListenAddr: cfg.ListenAddr}, &configError{problems}
	}
	return cfg, nil
}

func settingEnv(settings []setting, flagName string) string {
	for _, s := range settings {
		if s.flag == flagName {
			return s.env
		}
	}
	return flagName
}

// parseSeconds accepts a Go duration ("300s", "5m") or a plain number of
// seconds ("300").
func parseSeconds(s string) (time.Duration, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > 1<<31 {
			return 0, errors.New("out of range")
		}
		return time.Duration(n) * time.Second, nil
	}
	return time.ParseDuration(s)
}
