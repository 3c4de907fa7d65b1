package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// Defaults of the serve flags.
const (
	defaultListen    = "127.0.0.1:8399"
	defaultSaveEvery = 10 * time.Second
	ticketCheckEvery = time.Minute // how often due suite_tickets are looked for; each is pushed every 10 minutes
	pushTimeout      = 15 * time.Second
)

// serveConfig is what the serve flags say.
type serveConfig struct {
	listen            string
	stateFile         string
	saveEvery         time.Duration
	suiteCallback     string // the suite's command URL
	suiteDataCallback string // the suite's data URL
	appCallback       string // the app's callback URL
	pushTickets       bool
}

// serveFlags declares the serve flags on fs.
func serveFlags(fs *flag.FlagSet, cfg *serveConfig) {
	fs.StringVar(&cfg.listen, "listen", defaultListen, "address to serve on; 127.0.0.1:0 picks a free port (the address is printed)")
	fs.StringVar(&cfg.stateFile, "state", "", "JSON file keeping the fake's corporations, directory, suites, installs, customers and kf accounts across restarts (loaded at start, written after each change made through the control surface, every -save-every and on exit)")
	fs.DurationVar(&cfg.saveEvery, "save-every", defaultSaveEvery, "how often the -state file is written when the state changed (API calls change it too)")
	fs.StringVar(&cfg.suiteCallback, "suite-callback", "", "the suite's command URL (指令回调), where suite_ticket, create_auth, cancel_auth and change_contact are pushed, e.g. http://127.0.0.1:8080/callback/command")
	fs.StringVar(&cfg.suiteDataCallback, "suite-data-callback", "", "the suite's data URL (数据回调)")
	fs.StringVar(&cfg.appCallback, "app-callback", "", "the self-built app's callback URL, where wecomfake message (and kf_msg_or_event), change_contact and sys_approval_change are pushed")
	fs.BoolVar(&cfg.pushTickets, "push-tickets", true, "push a suite_ticket every 10 minutes to the suite's command URL, as WeCom does")
}

// serve runs the fake until ctx ends: it prints the environment lines on
// stdout and logs on stderr. The exit status is 0 after a clean stop, 1
// on a failure, 2 on bad flags.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wecomfake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(stderr, fs) }
	var cfg serveConfig
	serveFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "wecomfake: unknown command %q (run wecomfake -h)\n", fs.Arg(0))
		return exitUsage
	}
	for name, u := range map[string]string{"suite-callback": cfg.suiteCallback, "suite-data-callback": cfg.suiteDataCallback, "app-callback": cfg.appCallback} {
		if err := checkCallbackURL(u); u != "" && err != nil {
			fmt.Fprintf(stderr, "wecomfake: -%s: %v\n", name, err)
			return exitUsage
		}
	}
	if cfg.saveEvery < time.Second {
		fmt.Fprintln(stderr, "wecomfake: -save-every: at least 1s")
		return exitUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))

	ln, err := net.Listen("tcp", cfg.listen)
	if err != nil {
		fmt.Fprintf(stderr, "wecomfake: -listen: %v\n", err)
		return exitUsage
	}
	ctl := newControl(logger)
	srv := wecomtest.NewServer(append(fakeOptions(), wecomtest.WithListener(ln), wecomtest.WithMiddleware(ctl.middleware))...)
	defer srv.Close()

	store := &stateStore{path: cfg.stateFile, srv: srv}
	loaded, err := store.load()
	if err != nil {
		ctl.abort()
		logger.Error("cannot load the state file", slog.String("file", cfg.stateFile), slog.String("error", err.Error()))
		return exitFailure
	}
	if !loaded {
		addFirstDirectory(srv)
	}
	if cfg.suiteCallback != "" {
		srv.SetCommandURL(fakeSuiteID, cfg.suiteCallback)
	}
	if cfg.suiteDataCallback != "" {
		srv.SetDataURL(fakeSuiteID, cfg.suiteDataCallback)
	}
	if cfg.appCallback != "" {
		srv.SetAppCallback(fakeCorpID, fakeAgentID, appCallback(cfg.appCallback))
	}
	kfID := defaultKFAccount(srv)
	ctl.start(srv, store, kfID)
	if err := store.save(); err != nil {
		logger.Error("cannot write the state file", slog.String("file", cfg.stateFile), slog.String("error", err.Error()))
		return exitFailure
	}

	printEnv(stdout, srv.URL, kfID)
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("url", srv.URL),
		slog.Bool("state_loaded", loaded), slog.String("state", cfg.stateFile))

	save := time.NewTicker(cfg.saveEvery)
	defer save.Stop()
	tickets := time.NewTicker(ticketCheckEvery)
	defer tickets.Stop()
	if cfg.pushTickets {
		pushDueTickets(ctx, srv, logger)
	}
	for {
		select {
		case <-ctx.Done():
			// Requests first, so that the last state file has their changes.
			srv.Close()
			status := exitOK
			if err := store.save(); err != nil {
				logger.Error("cannot write the state file", slog.String("error", err.Error()))
				status = exitFailure
			}
			logger.Info("stopped")
			return status
		case <-save.C:
			if err := store.save(); err != nil {
				logger.Warn("cannot write the state file", slog.String("error", err.Error()))
			}
		case <-tickets.C:
			if cfg.pushTickets {
				pushDueTickets(ctx, srv, logger)
			}
		}
	}
}

// pushDueTickets pushes the suite_tickets due, as WeCom does every ten
// minutes, when the suite has a command URL.
func pushDueTickets(ctx context.Context, srv *wecomtest.Server, logger *slog.Logger) {
	if srv.CommandURLOf(fakeSuiteID) == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, pushTimeout)
	defer cancel()
	if err := srv.PushDueSuiteTickets(ctx); err != nil {
		logger.Warn("suite_ticket push failed", slog.String("error", err.Error()))
	}
}

// checkCallbackURL accepts an absolute http or https URL.
func checkCallbackURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an absolute http or https URL", v)
	}
	return nil
}

// appCallback is the fake app's callback at u, with the fake's Token and
// EncodingAESKey.
func appCallback(u string) wecomtest.AppCallback {
	return wecomtest.AppCallback{URL: u, Token: fakeAppToken, EncodingAESKey: fakeAppAESKey}
}
