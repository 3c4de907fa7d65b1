// Command taxcloud-bridge connects a WeCom (企业微信) self-built app to the
// Yonyou tax cloud's personal invoice folder: it serves the tax cloud's
// GET /userinfo (OAuth code → the member's email, mobile and name) and
// GET /js-sdk (wx.config parameters for a page), both signed with a secret
// agreed with the tax cloud, plus the WW_verify_*.txt domain-ownership file,
// /healthz (liveness), /readyz (readiness) and /metrics (Prometheus). The
// contract it implements is in CONTRACT.md next to this file.
//
// Configuration comes from flags with environment fallbacks (run with -h).
// Invalid settings exit with status 2, all named together; failures at run
// time exit with 1. With -demo it needs no WeCom at all: a fake WeCom runs
// in-process, the bridge listens on 127.0.0.1:8080 and prints
// ready-to-paste curl commands.
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
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/examples/internal/logbuf"
	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/examples/internal/settings"
)

func main() {
	// The bridge's live heap is a few megabytes, so with Go's default GOGC
	// of 100 it collects every few thousand requests under load. Four times
	// the headroom costs a few megabytes and buys about a tenth more
	// requests per second. An explicit GOGC (or GOMEMLIMIT) still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := start(ctx, process{
		args: os.Args[1:], getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr,
		// go-redis logs pool failures through a process-wide logger; route
		// them into the same buffered JSON log as everything else (they
		// carry no password). Only main sets it: it is process-wide.
		onLogger: func(l *slog.Logger) { redis.SetLogger(redisLog{l}) },
	})
	stop()
	os.Exit(code)
}

// Server limits. Both interfaces are small GETs answered from WeCom within
// the WeCom timeout, so generous but bounded values suffice.
const (
	shutdownTimeout  = 20 * time.Second
	preflightTimeout = 10 * time.Second
	logFlushInterval = 100 * time.Millisecond
)

// process is what the bridge takes from its process: arguments, the
// environment, output streams. ready, when not nil, receives the base URL
// once the server listens; onLogger, when not nil, receives the logger.
type process struct {
	args           []string
	getenv         func(string) string
	stdout, stderr io.Writer
	ready          chan<- string
	onLogger       func(*slog.Logger)
}

// run is main without the process: it returns the exit status (0 after a
// graceful shutdown, 1 on a failure at run time, 2 on invalid settings).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- string) int {
	return start(ctx, process{args: args, getenv: getenv, stdout: stdout, stderr: stderr, ready: ready})
}

func start(ctx context.Context, p process) int {
	cfg, err := loadConfig(p.args, p.getenv, p.stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	problems := settings.ProblemsOf(err)
	// A port in use is a setting to fix, like the others: try it now.
	var ln net.Listener
	if cfg.ListenAddr != "" {
		if ln, err = serve.Listen(cfg.ListenAddr); err != nil {
			problems = append(problems, "LISTEN_ADDR (-listen): "+err.Error())
		}
	}
	if len(problems) > 0 {
		if ln != nil {
			_ = ln.Close()
		}
		settings.Report(p.stderr, "taxcloud-bridge", problems)
		return 2
	}
	defer ln.Close()

	logs := logbuf.New(p.stderr, logFlushInterval)
	defer logs.Close()
	logger := accesslog.NewLogger(logs, slog.LevelInfo)
	if p.onLogger != nil {
		p.onLogger(logger)
	}

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

	base := serve.BaseURL(ln.Addr())
	if demo != nil {
		demo.routes(a.mux, base)
	}
	srv := serve.Start(ln, a.handler, logger)

	switch {
	case cfg.SignDisabled:
		logger.Warn("TAXCLOUD_SIGN_DISABLED is set: requests are NOT authenticated; use this only for joint testing")
	case !cfg.SignStrict:
		logger.Warn("signature compatibility mode: a signature over appid+ts alone is accepted, so code and pageUrl are not covered " +
			"and a captured URL can be replayed with another code or pageUrl within the time window; once the tax cloud signs " +
			"every parameter, set TAXCLOUD_SIGN_STRICT=true (each request's log line says which form matched in sign_form)")
	}
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("corpid", cfg.CorpID), slog.Int64("agentid", cfg.AgentID))
	go func() {
		// A wrong corpid or secret shows up in the log at once rather than
		// on the first user's request; /readyz reports it too. It does not
		// stop the bridge: WeCom or Redis may just be away for a moment.
		_, _ = a.ready.Check(ctx, preflightTimeout)
	}()
	if demo != nil {
		logs.Flush() // the start-up lines first, then the commands
		demo.printCommands(p.stdout, base)
	}
	if p.ready != nil {
		p.ready <- base
	}

	if !srv.Wait(ctx) || !srv.Shutdown(shutdownTimeout) {
		return 1
	}
	logger.Info("stopped")
	return 0
}

// redisLog adapts go-redis's logger to slog.
type redisLog struct{ l *slog.Logger }

// Printf logs go-redis's message once prefixed with "redis: " (its own
// messages often carry the prefix already).
func (r redisLog) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	r.l.WarnContext(ctx, "redis: "+msg)
}
