package main

import (
	"io"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/settings"
	"github.com/wecomkit/wecomkit/wecom"
)

// config is what the flags and the environment say. Every setting is a
// flag with an environment fallback; a flag given on the command line
// wins. -once and -demo are flags only: they choose the mode.
type config struct {
	CorpID        string       // WECOM_CORP_ID
	ContactSecret wecom.Secret // WECOM_CONTACT_SECRET: the contact-sync secret (structure)
	Secret        wecom.Secret // WECOM_SECRET: the app's secret (details, messages); optional
	AgentID       int64        // WECOM_AGENT_ID: the app's agentid; needed for -notify
	BaseURL       string       // WECOM_BASE_URL

	Listen   string        // LISTEN_ADDR: /healthz, /readyz and /metrics while syncing ("" off)
	Data     string        // CONTACTS_DATA
	Interval time.Duration // CONTACTS_INTERVAL
	Notify   bool          // CONTACTS_NOTIFY
	// NotifyInitial also notifies on the first sync (an empty data file),
	// which adds every member: without it that baseline notifies nobody.
	NotifyInitial bool // CONTACTS_NOTIFY_INITIAL
	Once          bool // -once
	Demo          bool // -demo

	dataGiven, intervalGiven bool
}

const (
	defaultData     = "./contacts.db"
	defaultInterval = 10 * time.Minute
	minInterval     = time.Second
	maxInterval     = 24 * time.Hour
)

// declare declares the settings, -once and -demo on a new flag set.
func declare(stderr io.Writer, cfg *config) *settings.Set {
	set := settings.Declare("contacts-sync", "Keeps a WeCom directory in step: prints one JSON line per change on standard\n"+
		"output, logs on standard error (one line per sync).", stderr,
		&cfg.Demo, "run against an in-process fake WeCom whose directory changes every few seconds",
		settings.Var{Flag: "corp-id", Env: "WECOM_CORP_ID", Usage: "WeCom corpid; required"},
		settings.Var{Flag: "contact-secret", Env: "WECOM_CONTACT_SECRET", Usage: "the contact-sync secret (管理工具 → 通讯录同步): departments and members by id; required (prefer the environment variable)"},
		settings.Var{Flag: "secret", Env: "WECOM_SECRET", Usage: "the app's secret: names, positions, messages; without it only ids and structure (prefer the environment variable)"},
		settings.Var{Flag: "agent-id", Env: "WECOM_AGENT_ID", Usage: "the app's agentid; required with -notify"},
		settings.Var{Flag: "wecom-base-url", Env: "WECOM_BASE_URL", Usage: "WeCom API base URL (default " + wecom.DefaultBaseURL + ")"},
		settings.Var{Flag: "data", Env: "CONTACTS_DATA", Usage: "bbolt file keeping the last snapshot (default " + defaultData + ")"},
		settings.Var{Flag: "interval", Env: "CONTACTS_INTERVAL", Usage: "time between syncs, jittered by ±10% (default 10m)"},
		settings.Var{Flag: "notify", Env: "CONTACTS_NOTIFY", Usage: "send a textcard to each added or changed member; the first sync (an empty data file) notifies nobody (needs -secret and -agent-id)", Bool: true},
		settings.Var{Flag: "notify-initial", Env: "CONTACTS_NOTIFY_INITIAL", Usage: "with -notify, also notify on the first sync — every member of the company", Bool: true},
		settings.Var{Flag: "listen", Env: "LISTEN_ADDR", Usage: "address to serve /healthz, /readyz and /metrics on while syncing, e.g. 127.0.0.1:9090 (default off; not with -once)"},
	)
	set.FlagSet().BoolVar(&cfg.Once, "once", false, "sync once, print the changes and exit: 0 on success, 1 on a failed sync (the old snapshot is kept)")
	return set
}

// loadConfig reads args (without the program name) and the environment.
// Every problem is reported at once, in one error matching
// settings.ErrUsage; -h gives flag.ErrHelp.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	set := declare(stderr, &cfg)
	if err := set.Parse(args, getenv); err != nil {
		return config{}, err
	}
	get := set.Get
	cfg.CorpID = get("corp-id")
	cfg.ContactSecret = wecom.Secret(get("contact-secret"))
	cfg.Secret = wecom.Secret(get("secret"))
	cfg.Listen = get("listen")
	cfg.BaseURL = set.BaseURL("wecom-base-url", wecom.DefaultBaseURL)
	cfg.AgentID = set.Int64("agent-id")
	cfg.Data, cfg.dataGiven = get("data"), get("data") != ""
	if !cfg.dataGiven {
		cfg.Data = defaultData
	}
	cfg.intervalGiven = get("interval") != ""
	cfg.Interval = set.Duration("interval", defaultInterval, minInterval, maxInterval)
	cfg.Notify = set.Bool("notify")
	cfg.NotifyInitial = set.Bool("notify-initial")
	if cfg.NotifyInitial && !cfg.Notify {
		set.Bad("notify-initial", "only with -notify")
	}
	if !cfg.Demo { // the demo brings its corporation, app and secrets
		required := []string{"corp-id", "contact-secret"}
		if cfg.Notify {
			required = append(required, "secret", "agent-id")
		}
		set.Require(required...)
	}
	if err := set.Err(); err != nil {
		return config{}, err
	}
	return cfg, nil
}
