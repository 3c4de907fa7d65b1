package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/internal/redact"
	"github.com/wecomkit/wecomkit/wecom"
)

// config is the bridge's configuration. Every setting is a flag with an
// environment fallback (taxcloud-spec.md, "Operating the bridge"); a flag
// given on the command line wins over the environment.
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
	WeComTimeout time.Duration // WECOM_TIMEOUT: deadline for the WeCom calls of one request
	Demo         bool          // -demo: run against an in-process fake WeCom
}

const defaultBaseURL = "https://qyapi.weixin.qq.com"

// setting describes one flag and its environment variable.
type setting struct {
	flag, env, usage string
	value            *string
}

// errUsage marks configuration errors; the bridge exits with 2 on them.
var errUsage = errors.New("invalid configuration")

// loadConfig parses args (without the program name) and getenv into a
// config. Problems are reported together, naming every flag and variable
// involved, and wrap errUsage.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var raw struct {
		corpID, agentID, secret, signSecret, listen, baseURL, verifyFile,
		redisURL, signWindow, signDisabled, timeout string
	}
	settings := []setting{
		{"corp-id", "WECOM_CORP_ID", "WeCom corpid (the tax cloud's appid)", &raw.corpID},
		{"agent-id", "WECOM_AGENT_ID", "agentid of the self-built app", &raw.agentID},
		{"secret", "WECOM_SECRET", "secret of the self-built app (prefer the environment variable)", &raw.secret},
		{"sign-secret", "TAXCLOUD_SIGN_SECRET", "signing secret agreed with the tax cloud (prefer the environment variable)", &raw.signSecret},
		{"listen", "LISTEN_ADDR", "address to listen on (default :8080)", &raw.listen},
		{"wecom-base-url", "WECOM_BASE_URL", "WeCom API base URL (default " + defaultBaseURL + ")", &raw.baseURL},
		{"verify-file", "WECOM_VERIFY_FILE", "path of the WW_verify_*.txt file, served at /<its name>", &raw.verifyFile},
		{"redis-url", "REDIS_URL", "redis:// URL to share tokens and tickets between instances", &raw.redisURL},
		{"sign-window", "TAXCLOUD_SIGN_WINDOW", "allowed clock difference for ts (default 300s)", &raw.signWindow},
		{"sign-disabled", "TAXCLOUD_SIGN_DISABLED", "true to skip signature checks (joint testing only)", &raw.signDisabled},
		{"wecom-timeout", "WECOM_TIMEOUT", "deadline for the WeCom calls of one request (default 8s)", &raw.timeout},
	}

	fs := flag.NewFlagSet("taxcloud-bridge", flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, s := range settings {
		fs.StringVar(s.value, s.flag, "", s.usage+" [$"+s.env+"]")
	}
	var cfg config
	fs.BoolVar(&cfg.Demo, "demo", false, "run against an in-process fake WeCom and print ready-to-paste curl commands")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: taxcloud-bridge [flags]\n\nThe tax cloud's /userinfo and /js-sdk bridge for a WeCom self-built app.\nEvery flag falls back to the environment variable in brackets.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("%w: unexpected arguments %q", errUsage, fs.Args())
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for _, s := range settings {
		if !given[s.flag] {
			*s.value = strings.TrimSpace(getenv(s.env))
		}
	}

	var problems []string
	bad := func(s string, format string, a ...any) {
		problems = append(problems, fmt.Sprintf("%s (-%s): %s", settingEnv(settings, s), s, fmt.Sprintf(format, a...)))
	}

	cfg.CorpID = raw.corpID
	cfg.Secret = wecom.Secret(raw.secret)
	cfg.SignSecret = wecom.Secret(raw.signSecret)
	cfg.ListenAddr = orDefault(raw.listen, ":8080")
	cfg.BaseURL = orDefault(raw.baseURL, defaultBaseURL)
	cfg.VerifyFile = raw.verifyFile
	cfg.RedisURL = wecom.Secret(raw.redisURL)

	if raw.signDisabled != "" {
		b, err := strconv.ParseBool(raw.signDisabled)
		if err != nil {
			bad("sign-disabled", "%q is not a boolean", raw.signDisabled)
		}
		cfg.SignDisabled = b
	}
	cfg.SignWindow = 300 * time.Second
	if raw.signWindow != "" {
		d, err := parseSeconds(raw.signWindow)
		if err != nil || d < time.Second || d > 24*time.Hour {
			bad("sign-window", "%q is not a duration between 1s and 24h", raw.signWindow)
		}
		cfg.SignWindow = d
	}
	cfg.WeComTimeout = 8 * time.Second
	if raw.timeout != "" {
		d, err := parseSeconds(raw.timeout)
		if err != nil || d < 100*time.Millisecond || d > 2*time.Minute {
			bad("wecom-timeout", "%q is not a duration between 100ms and 2m", raw.timeout)
		}
		cfg.WeComTimeout = d
	}
	if u, err := url.Parse(cfg.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("wecom-base-url", "%q is not an http(s) URL", redact.URL(cfg.BaseURL))
	}

	if cfg.Demo {
		// The demo brings its own corporation, app and secrets.
		if len(problems) > 0 {
			return config{}, configError(problems)
		}
		return cfg, nil
	}

	var missing []string
	need := func(flagName, v string) {
		if v == "" {
			missing = append(missing, settingEnv(settings, flagName)+" (-"+flagName+")")
		}
	}
	need("corp-id", raw.corpID)
	need("agent-id", raw.agentID)
	need("secret", raw.secret)
	if !cfg.SignDisabled {
		need("sign-secret", raw.signSecret)
	}
	if len(missing) > 0 {
		problems = append([]string{"missing required settings: " + strings.Join(missing, ", ")}, problems...)
	}
	if raw.agentID != "" {
		id, err := strconv.ParseInt(raw.agentID, 10, 64)
		if err != nil || id <= 0 {
			bad("agent-id", "%q is not a positive integer", raw.agentID)
		}
		cfg.AgentID = id
	}
	if len(problems) > 0 {
		return config{}, configError(problems)
	}
	return cfg, nil
}

func configError(problems []string) error {
	return fmt.Errorf("%w: %s", errUsage, strings.Join(problems, "; "))
}

func settingEnv(settings []setting, flagName string) string {
	for _, s := range settings {
		if s.flag == flagName {
			return s.env
		}
	}
	return flagName
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
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
