// Command taxcloud-bridge connects a WeCom (企业微信) self-built app to the
// Yonyou tax cloud's personal invoice folder: it serves the tax cloud's
// GET /userinfo (OAuth code → the member's email, mobile and name) and
// GET /js-sdk (wx.config parameters for a page), both signed with a secret
// agreed with the tax cloud, plus the WW_verify_*.txt domain-ownership file
// and /healthz.
//
// Configuration comes from flags with environment fallbacks (run with -h).
// With -demo it needs no WeCom at all: a fake WeCom runs in-process and the
// bridge prints ready-to-paste curl commands.
//
//	go run ./examples/taxcloud-bridge -demo
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wecomkit/wecomkit/wecom"
)

func main() {
	// The bridge's live heap is a few megabytes, so with Go's default GOGC
	// of 100 it collects every few thousand requests under load. Four times
	// the headroom costs a few megabytes and buys about a tenth more
	// requests per second. An explicit GOGC (or GOMEMLIMIT) still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	// go-redis logs pool failures through a process-wide logger; route them
	// into the same JSON log as everything else (they carry no password).
	redis.SetLogger(redisLog{slog.New(newJSONLogHandler(os.Stderr, slog.LevelInfo))})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, nil)
	stop()
	os.Exit(code)
}

// Server limits. Both interfaces are small GETs answered from WeCom within
// the WeCom timeout, so generous but bounded values suffice.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 16 << 10 // the request line (query included) counts
	shutdownTimeout   = 20 * time.Second
	preflightTimeout  = 10 * time.Second
	logFlushInterval  = 100 * time.Millisecond
)

// run is main without the process: it returns the exit status (0 after a
// graceful shutdown, 1 on a runtime failure, 2 on a configuration error).
// ready, when not nil, receives the base URL once the server listens.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- string) int {
	cfg, err := loadConfig(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "taxcloud-bridge: %v\nRun with -h to list the settings.\n", err)
		return 2
	}
	logs := newLogWriter(stderr, logFlushInterval)
	defer logs.Close()
	logger := slog.New(newJSONLogHandler(logs, slog.LevelInfo))

	var demo *demoEnv
	if cfg.Demo {
		demo = startDemo()
		defer demo.Close()
		cfg = demo.configure(cfg)
		logger.Info("demo mode: a fake WeCom runs in-process; nothing reaches the real WeCom", slog.String("wecom", cfg.BaseURL))
	}

	a, err := newApp(cfg, logger)
	if err != nil {
		logger.Error("cannot start", slog.String("error", err.Error()))
		return 1
	}
	defer a.Close()

	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		logger.Error("cannot listen", slog.String("addr", cfg.ListenAddr), slog.String("error", err.Error()))
		return 1
	}
	base := baseURL(ln.Addr())
	handler := a.handler
	if demo != nil {
		handler = demo.routes(base, handler)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	if cfg.SignDisabled {
		logger.Warn("TAXCLOUD_SIGN_DISABLED is set: requests are NOT authenticated; use this only for joint testing")
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("corpid", cfg.CorpID), slog.Int64("agentid", cfg.AgentID))
	go preflight(ctx, a.client, logger)
	if demo != nil {
		logs.Flush() // the start-up lines first, then the commands
		demo.printCommands(stdout, base)
	}
	if ready != nil {
		ready <- base
	}

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		logger.Error("server failed", slog.String("error", err.Error()))
		return 1
	}
	logger.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		logger.Error("shutdown incomplete", slog.String("error", err.Error()))
		return 1
	}
	logger.Info("stopped")
	return 0
}

// preflight fetches a token once at start so that a wrong corpid or secret
// shows up in the log at once rather than on the first user's request. It
// does not stop the bridge: WeCom may just be unreachable for a moment.
func preflight(ctx context.Context, c *wecom.Client, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	if _, err := c.AccessToken(ctx); err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return // shutting down before WeCom answered
		}
		logger.Error("cannot get an access token from WeCom; check WECOM_CORP_ID, WECOM_SECRET, WECOM_BASE_URL and the app's trusted IPs (errcode 60020)",
			slog.Int("errcode", wecom.ErrorCode(err)), slog.String("error", err.Error()))
		return
	}
	logger.Info("WeCom access token obtained")
}

// redisLog adapts go-redis's logger to slog.
type redisLog struct{ l *slog.Logger }

func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	r.l.WarnContext(ctx, "redis: "+fmt.Sprintf(format, v...))
}

// baseURL is the URL a local client uses to reach addr: an unspecified host
// (":8080", "0.0.0.0") becomes 127.0.0.1.
func baseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
