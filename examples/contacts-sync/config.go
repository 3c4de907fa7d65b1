package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// config is what the environment and the flags say.
type config struct {
	CorpID        string       // WECOM_CORP_ID
	ContactSecret wecom.Secret // WECOM_CONTACT_SECRET: the contact-sync secret (structure)
	Secret        wecom.Secret // WECOM_SECRET: the app's secret (details, messages); optional
	AgentID       int64        // WECOM_AGENT_ID: the app's agentid; needed for -notify
	BaseURL       string       // WECOM_BASE_URL

	Listen   string        // -listen or LISTEN_ADDR: /healthz, /readyz and /metrics while syncing ("" off)
	Data     string        // -data
	Interval time.Duration // -interval
	Once     bool          // -once
	Notify   bool          // -notify
	// NotifyInitial also notifies on the first sync (an empty data file),
	// which adds every member: without it that baseline notifies nobody.
	NotifyInitial bool // -notify-initial
	Demo          bool // -demo

	dataGiven, intervalGiven, listenGiven bool
}

const (
	defaultData     = "./contacts.db"
	defaultInterval = 10 * time.Minute
	minInterval     = time.Second
)

// errUsage marks invalid settings; the program exits 2 on them.
var errUsage = errors.New("invalid settings")

// loadConfig reads args (without the program name) and the environment.
// Every problem is reported at once, in one error wrapping errUsage.
func loadConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("contacts-sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.Data, "data", defaultData, "bbolt file keeping the last snapshot")
	fs.DurationVar(&cfg.Interval, "interval", defaultInterval, "time between syncs (jittered by ±10%)")
	fs.BoolVar(&cfg.Once, "once", false, "sync once, print the changes and exit: 0 on success, 1 on a failed sync (the old snapshot is kept)")
	fs.BoolVar(&cfg.Notify, "notify", false, "send a textcard to each added or changed member (needs WECOM_SECRET and WECOM_AGENT_ID)")
	fs.BoolVar(&cfg.NotifyInitial, "notify-initial", false, "with -notify, also notify on the first sync (an empty data file), which adds every member — the whole company; without it that baseline notifies nobody")
	fs.StringVar(&cfg.Listen, "listen", "", "address to serve /healthz, /readyz and /metrics on while syncing, e.g. 127.0.0.1:9090 (default off; or LISTEN_ADDR; not with -once)")
	fs.BoolVar(&cfg.Demo, "demo", false, "run against an in-process fake WeCom whose directory changes every few seconds")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: contacts-sync [flags]

Keeps a WeCom directory in step: prints one JSON line per change on standard
output, logs on standard error.

Environment: WECOM_CORP_ID, WECOM_CONTACT_SECRET (the contact-sync secret),
WECOM_SECRET and WECOM_AGENT_ID (the app: names, positions, messages),
WECOM_BASE_URL (default https://qyapi.weixin.qq.com).

`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, err
		}
		return config{}, fmt.Errorf("%w: %w", errUsage, err)
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "data":
			cfg.dataGiven = true
		case "interval":
			cfg.intervalGiven = true
		case "listen":
			cfg.listenGiven = true
		}
	})
	var problems []string
	if fs.NArg() > 0 {
		problems = append(problems, fmt.Sprintf("unexpected arguments %q", fs.Args()))
	}
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }
	cfg.CorpID = env("WECOM_CORP_ID")
	cfg.ContactSecret = wecom.Secret(env("WECOM_CONTACT_SECRET"))
	cfg.Secret = wecom.Secret(env("WECOM_SECRET"))
	if !cfg.listenGiven {
		cfg.Listen = env("LISTEN_ADDR")
	}
	cfg.BaseURL = env("WECOM_BASE_URL")
	if cfg.BaseURL == "" {
		cfg.BaseURL = wecom.DefaultBaseURL
	}
	if _, err := wecom.ParseBaseURL(cfg.BaseURL); err != nil {
		problems = append(problems, "WECOM_BASE_URL: not an http(s) URL without query or user info")
	}
	if v := env("WECOM_AGENT_ID"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			problems = append(problems, fmt.Sprintf("WECOM_AGENT_ID: %q is not a positive integer", v))
		}
		cfg.AgentID = id
	}
	if cfg.Interval < minInterval {
		problems = append(problems, fmt.Sprintf("-interval: %v is shorter than %v", cfg.Interval, minInterval))
	}
	if cfg.NotifyInitial && !cfg.Notify {
		problems = append(problems, "-notify-initial: only with -notify")
	}
	if cfg.Data == "" {
		problems = append(problems, "-data: empty file name")
	}
	if !cfg.Demo {
		var missing []string
		if cfg.CorpID == "" {
			missing = append(missing, "WECOM_CORP_ID")
		}
		if cfg.ContactSecret.IsZero() {
			missing = append(missing, "WECOM_CONTACT_SECRET")
		}
		if cfg.Notify && cfg.Secret.IsZero() {
			missing = append(missing, "WECOM_SECRET (for -notify)")
		}
		if cfg.Notify && env("WECOM_AGENT_ID") == "" {
			missing = append(missing, "WECOM_AGENT_ID (for -notify)")
		}
		if len(missing) > 0 {
			problems = append([]string{"missing " + strings.Join(missing, ", ")}, problems...)
		}
	}
	if len(problems) > 0 {
		return config{}, fmt.Errorf("%w: %s", errUsage, strings.Join(problems, "; "))
	}
	return cfg, nil
}
