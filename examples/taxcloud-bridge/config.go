package main

import (
	"io"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/settings"
	"github.com/wecomkit/wecomkit/jssdk"
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
	defaultSignWindow   = 300 * time.Second
	defaultWeComTimeout = 8 * time.Second
)

// errUsage marks configuration errors; the bridge exits with 2 on them.
var errUsage = settings.ErrUsage

// declare declares the settings and -demo on a new flag set. A boolean
// setting is a boolean flag: "-sign-disabled" alone means true.
func declare(stderr io.Writer, demo *bool) *settings.Set {
	return settings.Declare("taxcloud-bridge", "The tax cloud's /userinfo and /js-sdk bridge for a WeCom self-built app.", stderr,
		demo, "run against an in-process fake WeCom on "+settings.DefaultDemoListen+" and print ready-to-paste curl commands",
		settings.Var{Flag: "corp-id", Env: "WECOM_CORP_ID", Usage: "WeCom corpid (the tax cloud's appid); required"},
		settings.Var{Flag: "agent-id", Env: "WECOM_AGENT_ID", Usage: "agentid of the self-built app; required"},
		settings.Var{Flag: "secret", Env: "WECOM_SECRET", Usage: "secret of the self-built app; required (prefer the environment variable)"},
		settings.Var{Flag: "sign-secret", Env: "TAXCLOUD_SIGN_SECRET", Usage: "signing secret agreed with the tax cloud; required unless signing is disabled (prefer the environment variable)"},
		settings.Listen(),
		settings.Var{Flag: "wecom-base-url", Env: "WECOM_BASE_URL", Usage: "WeCom API base URL (default " + wecom.DefaultBaseURL + ")"},
		settings.Var{Flag: "verify-file", Env: "WECOM_VERIFY_FILE", Usage: "path of the WW_verify_*.txt file, served at /<its name>"},
		settings.Var{Flag: "redis-url", Env: "REDIS_URL", Usage: "redis:// or rediss:// URL to share tokens and tickets between instances"},
		settings.Var{Flag: "sign-window", Env: "TAXCLOUD_SIGN_WINDOW", Usage: "allowed clock difference for ts (default 300s)"},
		settings.Var{Flag: "sign-strict", Env: "TAXCLOUD_SIGN_STRICT", Usage: "accept only signatures over every parameter, not over appid+ts alone (default false)", Bool: true},
		settings.Var{Flag: "sign-disabled", Env: "TAXCLOUD_SIGN_DISABLED", Usage: "skip signature checks: joint testing only (default false)", Bool: true},
		settings.Var{Flag: "wecom-timeout", Env: "WECOM_TIMEOUT", Usage: "deadline for the WeCom calls of one request (default 8s)"},
	)
}

// loadConfig parses args (without the program name) and getenv into a
// config, and checks what can be checked before starting: values, the
// verify file, the Redis URL. Problems are reported together, naming every
// flag and variable involved, and match errUsage.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	set := declare(stderr, &cfg.Demo)
	if err := set.Parse(args, getenv); err != nil {
		return config{}, err
	}
	get := set.Get

	cfg.CorpID = get("corp-id")
	cfg.Secret = wecom.Secret(get("secret"))
	cfg.SignSecret = wecom.Secret(get("sign-secret"))
	cfg.ListenAddr = set.ListenAddr(cfg.Demo)
	cfg.VerifyFile = get("verify-file")
	cfg.RedisURL = set.RedisURL("redis-url")
	cfg.SignDisabled = set.Bool("sign-disabled")
	cfg.SignStrict = set.Bool("sign-strict")
	cfg.SignWindow = set.Duration("sign-window", defaultSignWindow, time.Second, 24*time.Hour)
	cfg.WeComTimeout = set.Duration("wecom-timeout", defaultWeComTimeout, 100*time.Millisecond, 2*time.Minute)
	cfg.BaseURL = set.BaseURL("wecom-base-url", wecom.DefaultBaseURL)
	if cfg.VerifyFile != "" {
		if _, err := jssdk.LoadVerifyFile(cfg.VerifyFile); err != nil {
			set.Bad("verify-file", "%v", err)
		}
	}

	if !cfg.Demo { // the demo brings its own corporation, app and secrets
		required := []string{"corp-id", "agent-id", "secret"}
		if !cfg.SignDisabled {
			required = append(required, "sign-secret")
		}
		set.Require(required...)
		cfg.AgentID = set.Int64("agent-id")
	}
	if err := set.Err(); err != nil {
		// The listen address still comes back, so that the caller can add
		// a port in use to the same report.
		return config{ListenAddr: cfg.ListenAddr}, err
	}
	return cfg, nil
}
