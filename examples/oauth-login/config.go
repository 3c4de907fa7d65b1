package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/wecomkit/wecomkit/examples/internal/settings"
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

	// The login pages' bases: "" for WeCom's; WECOM_OAUTH_BASE_URL sets
	// both (a fake WeCom serves both pages), and the demo's fake does.
	AuthorizeBase, WebLoginBase string
}

// minSessionKeyLen bounds SESSION_KEY.
const minSessionKeyLen = 32

// declare declares the settings and -demo on a new flag set.
func declare(stderr io.Writer, demo *bool) *settings.Set {
	return settings.Declare("oauth-login", "Signs members in through WeCom: H5 entry (OAuth2 in the WeCom client) and PC web login (QR code).", stderr,
		demo, "run against an in-process fake WeCom on "+settings.DefaultDemoListen+" and print what to open",
		settings.Var{Flag: "corp-id", Env: "WECOM_CORP_ID", Usage: "WeCom corpid; required"},
		settings.Var{Flag: "agent-id", Env: "WECOM_AGENT_ID", Usage: "agentid of the self-built app; required"},
		settings.Var{Flag: "secret", Env: "WECOM_SECRET", Usage: "secret of the self-built app; required (prefer the environment variable)"},
		settings.Var{Flag: "wecom-base-url", Env: "WECOM_BASE_URL", Usage: "WeCom API base URL (default " + wecom.DefaultBaseURL + ")"},
		settings.Var{Flag: "wecom-oauth-base-url", Env: "WECOM_OAUTH_BASE_URL", Usage: "base URL of the sign-in pages, for a fake WeCom such as wecomfake (default WeCom's: open.weixin.qq.com and login.work.weixin.qq.com)"},
		settings.Var{Flag: "public-url", Env: "PUBLIC_URL", Usage: "externally visible base URL, e.g. https://app.example.com; the redirect URIs start with it; required (with -demo: the listen address)"},
		settings.Var{Flag: "session-key", Env: "SESSION_KEY", Usage: "HMAC key for states and session cookies, at least 32 bytes; required (with -demo: generated); prefer the environment variable"},
		settings.Listen(),
		settings.Var{Flag: "redis-url", Env: "REDIS_URL", Usage: "redis:// or rediss:// URL to share tokens between instances (optional)"},
	)
}

// loadConfig parses args and getenv into a config. Problems are reported
// together, naming every flag and variable involved, and match
// settings.ErrUsage.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	set := declare(stderr, &cfg.Demo)
	if err := set.Parse(args, getenv); err != nil {
		return config{}, err
	}
	cfg.CorpID = set.Get("corp-id")
	cfg.Secret = wecom.Secret(set.Get("secret"))
	cfg.SessionKey = wecom.Secret(set.Get("session-key"))
	cfg.RedisURL = set.RedisURL("redis-url")
	cfg.ListenAddr = set.ListenAddr(cfg.Demo)
	cfg.BaseURL = set.BaseURL("wecom-base-url", wecom.DefaultBaseURL)
	if set.Get("wecom-oauth-base-url") != "" {
		cfg.AuthorizeBase = set.BaseURL("wecom-oauth-base-url", "")
		cfg.WebLoginBase = cfg.AuthorizeBase
	}
	if v := set.Get("public-url"); v != "" {
		u, err := parsePublicURL(v)
		if err != nil {
			set.Bad("public-url", "%v", err)
		}
		cfg.PublicURL = u
	}
	if k := cfg.SessionKey.Reveal(); k != "" && len(k) < minSessionKeyLen {
		set.Bad("session-key", "must be at least %d bytes, got %d (e.g. openssl rand -hex 32)", minSessionKeyLen, len(k))
	}
	cfg.AgentID = set.Int64("agent-id")
	if !cfg.Demo { // the demo brings its corporation, app, key and URL
		set.Require("corp-id", "agent-id", "secret", "public-url", "session-key")
	}
	if err := set.Err(); err != nil {
		return config{ListenAddr: cfg.ListenAddr}, err
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
