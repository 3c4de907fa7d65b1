package main

import (
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/examples/internal/settings"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
)

// config is the server's configuration. Every setting is a flag with an
// environment fallback; a flag given on the command line wins.
type config struct {
	SuiteID        string        // SUITE_ID
	SuiteSecret    wecom.Secret  // SUITE_SECRET
	Token          wecom.Secret  // SUITE_TOKEN: the callback Token
	EncodingAESKey wecom.Secret  // SUITE_AES_KEY: the callback EncodingAESKey
	ProviderCorpID string        // PROVIDER_CORP_ID (optional, with PROVIDER_SECRET)
	ProviderSecret wecom.Secret  // PROVIDER_SECRET
	BaseURL        string        // WECOM_BASE_URL
	OpenBaseURL    string        // WECOM_OPEN_BASE_URL: where the install page lives
	PublicURL      string        // PUBLIC_URL: how browsers reach this server; required outside -demo ("": from the request)
	ListenAddr     string        // LISTEN_ADDR
	DataFile       string        // SUITE_DATA: the bbolt file
	RedisURL       wecom.Secret  // REDIS_URL: may carry a password
	AdminToken     wecom.Secret  // ADMIN_TOKEN: the bearer token of /license/report ("": refused, open with -demo)
	LogFlush       time.Duration // LOG_FLUSH_INTERVAL: how long log lines may wait in the buffer (0: none)
	Demo           bool          // -demo
}

// Defaults and bounds of the settings that have one.
const (
	defaultDataFile = "./suite.db"
	minAdminToken   = 16
	defaultLogFlush = 100 * time.Millisecond
)

// declare declares the settings and -demo on a new flag set.
func declare(stderr io.Writer, demo *bool) *settings.Set {
	return settings.Declare("suite-server", "A WeCom third-party app (suite) server: command and data callbacks, installs, JS-SDK signatures per corporation.", stderr,
		demo, "drive a complete install against an in-process fake WeCom on "+settings.DefaultDemoListen+" and print each step",
		settings.Var{Flag: "suite-id", Env: "SUITE_ID", Usage: "the app's suite_id; required"},
		settings.Var{Flag: "suite-secret", Env: "SUITE_SECRET", Usage: "the app's suite secret; required (prefer the environment variable)"},
		settings.Var{Flag: "suite-token", Env: "SUITE_TOKEN", Usage: "the callback Token of the command and data URLs; required"},
		settings.Var{Flag: "suite-aes-key", Env: "SUITE_AES_KEY", Usage: "the callback EncodingAESKey (43 characters); required"},
		settings.Var{Flag: "provider-corp-id", Env: "PROVIDER_CORP_ID", Usage: "the service provider's corpid; optional, with PROVIDER_SECRET (enables /provider/login)"},
		settings.Var{Flag: "provider-secret", Env: "PROVIDER_SECRET", Usage: "the provider secret; optional, with PROVIDER_CORP_ID"},
		settings.Var{Flag: "wecom-base-url", Env: "WECOM_BASE_URL", Usage: "WeCom API base URL (default " + wecom.DefaultBaseURL + ")"},
		settings.Var{Flag: "wecom-open-base-url", Env: "WECOM_OPEN_BASE_URL", Usage: "base URL of WeCom's install page (default " + suite.DefaultOpenBaseURL + ")"},
		settings.Var{Flag: "public-url", Env: "PUBLIC_URL", Usage: "this server's URL as browsers reach it, for the install redirect and the cookie's Secure flag; required (with -demo: from the request's Host)"},
		settings.Listen(),
		settings.Var{Flag: "data", Env: "SUITE_DATA", Usage: "bbolt file keeping tickets and permanent codes, unless REDIS_URL is set (default " + defaultDataFile + ")"},
		settings.Var{Flag: "redis-url", Env: "REDIS_URL", Usage: "redis:// or rediss:// URL: one store shared by several instances, instead of the bbolt file"},
		settings.Var{Flag: "log-flush", Env: "LOG_FLUSH_INTERVAL", Usage: "how long log lines may wait in a buffer before they are written (default " + defaultLogFlush.String() + "); 0 writes each line at once, so that a crash or kill -9 loses none"},
		settings.Var{Flag: "admin-token", Env: "ADMIN_TOKEN", Usage: "bearer token of the admin route /license/report, at least 16 characters (unset: the route is refused, except with -demo; prefer the environment variable)"},
	)
}

// loadConfig parses args (without the program name) and getenv into a
// config and checks every value it can without side effects. Problems are
// reported together, each naming its variable and flag, and match
// settings.ErrUsage. The listen address and data file come back even
// then, so that the caller can add the problems of opening them to the
// same report.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	set := declare(stderr, &cfg.Demo)
	if err := set.Parse(args, getenv); err != nil {
		return config{}, err
	}
	raw := set.Get

	cfg.SuiteID = raw("suite-id")
	cfg.SuiteSecret = wecom.Secret(raw("suite-secret"))
	cfg.Token = wecom.Secret(raw("suite-token"))
	cfg.EncodingAESKey = wecom.Secret(raw("suite-aes-key"))
	cfg.ProviderCorpID = raw("provider-corp-id")
	cfg.ProviderSecret = wecom.Secret(raw("provider-secret"))
	cfg.ListenAddr = set.ListenAddr(cfg.Demo)
	cfg.DataFile = raw("data")
	if cfg.DataFile == "" {
		cfg.DataFile = defaultDataFile
	}
	cfg.RedisURL = set.RedisURL("redis-url")
	cfg.LogFlush = defaultLogFlush
	if v := raw("log-flush"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Minute {
			set.Bad("log-flush", "%q is not a duration from 0 to 1m (such as 100ms, or 0)", v)
		} else {
			cfg.LogFlush = d
		}
	}
	cfg.AdminToken = wecom.Secret(raw("admin-token"))
	if n := len(cfg.AdminToken.Reveal()); n > 0 && n < minAdminToken {
		set.Bad("admin-token", "too short: at least %d characters (for example: openssl rand -hex 16)", minAdminToken)
	}

	cfg.BaseURL = set.BaseURL("wecom-base-url", wecom.DefaultBaseURL)
	cfg.OpenBaseURL = set.BaseURL("wecom-open-base-url", suite.DefaultOpenBaseURL)
	if v := raw("public-url"); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			set.Bad("public-url", "%q is not an http(s) URL without query, fragment or user info", v)
		} else {
			cfg.PublicURL = strings.TrimRight(u.String(), "/")
		}
	}
	if (cfg.ProviderCorpID == "") != (cfg.ProviderSecret == "") {
		set.Problem("PROVIDER_CORP_ID (-provider-corp-id) and PROVIDER_SECRET (-provider-secret) go together: set both or neither")
	}

	if !cfg.Demo { // the demo brings its own suite
		// PUBLIC_URL too: built from the Host header, the install redirect
		// would go wherever a request's Host says, and the install cookie
		// would lack Secure behind a TLS proxy.
		set.Require("suite-id", "suite-secret", "suite-token", "suite-aes-key", "public-url")
		if k := cfg.EncodingAESKey.Reveal(); k != "" {
			if _, err := crypto.New("x", k, "x"); err != nil {
				set.Bad("suite-aes-key", "not an EncodingAESKey: 43 characters of base64, as the admin console shows it")
			}
		}
	}
	if err := set.Err(); err != nil {
		return config{ListenAddr: cfg.ListenAddr, DataFile: cfg.DataFile, RedisURL: cfg.RedisURL, Demo: cfg.Demo}, err
	}
	return cfg, nil
}
