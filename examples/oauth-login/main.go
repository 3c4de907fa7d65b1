// Command oauth-login signs a company's members in to its own web product
// through WeCom (企业微信), with no password of its own:
//
//   - H5 entry, inside the WeCom client: GET / sends the member through
//     WeCom's OAuth2 link (https://developer.work.weixin.qq.com/document/path/91022);
//     GET /oauth/callback turns the code WeCom brings back into the member
//     (https://developer.work.weixin.qq.com/document/path/91023 and
//     https://developer.work.weixin.qq.com/document/path/95833) and a session
//     cookie; GET /me shows who they are.
//   - PC login, in any browser: GET /login shows WeCom's web login link and
//     QR panel (https://developer.work.weixin.qq.com/document/path/98152);
//     GET /login/callback exchanges the code the same way
//     (https://developer.work.weixin.qq.com/document/path/98176).
//   - POST /logout (a form on /me carrying a CSRF token), GET /healthz (liveness), GET /readyz (an access token can
//     be had) and GET /metrics (Prometheus).
//
// The state of every link is signed, bound to a cookie of the browser that
// started (which lists the few sign-ins it has under way), expires after
// ten minutes and works once; a forged, replayed or expired one gets a 400
// page, and a browser signed in already goes to /me. A code WeCom refuses
// sends the member through the link once more, never in a loop. GET / and
// GET /login take an optional next, a path of this server to land on after
// signing in.
//
// Pages are in Chinese, or in English when Accept-Language prefers it; /me
// names the member's departments (department/get, cached).
//
// Configuration comes from flags with environment fallbacks (run with -h);
// invalid settings exit with status 2, all named together. With -demo a
// fake WeCom runs in-process, with fake login pages that let you pick a demo
// member, so both flows work in a browser on 127.0.0.1:
//
//	go run ./examples/oauth-login -demo
package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/examples/internal/logbuf"
	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/examples/internal/settings"
	"github.com/wecomkit/wecomkit/examples/internal/tokenready"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := start(ctx, process{args: os.Args[1:], getenv: os.Getenv, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}

// Server limits beyond serve's: every route is a small GET.
const (
	shutdownTimeout  = 15 * time.Second
	logFlushInterval = 100 * time.Millisecond
)

// process is what the server takes from its process. ready, when not nil,
// receives the base URL once the server listens; now, when not nil,
// replaces the clock of states and sessions (tests).
type process struct {
	args           []string
	getenv         func(string) string
	stdout, stderr io.Writer
	ready          chan<- string
	now            func() time.Time
}

// start runs the server until ctx ends and returns the exit status: 0
// after a graceful stop, 1 for a failure at run time, 2 for invalid
// settings.
func start(ctx context.Context, p process) int {
	cfg, err := loadConfig(p.args, p.getenv, p.stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	problems := settings.ProblemsOf(err)
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
		settings.Report(p.stderr, "oauth-login", problems)
		return 2
	}
	defer ln.Close()

	logs := logbuf.New(p.stderr, logFlushInterval)
	defer logs.Close()
	logger := accesslog.NewLogger(logs, slog.LevelInfo)

	base := serve.BaseURL(ln.Addr())
	var demo *demoEnv
	if cfg.Demo {
		demo = startDemo()
		defer demo.Close()
		cfg = demo.configure(cfg, base)
		logger.Info("demo mode: a fake WeCom runs in-process; nothing reaches the real WeCom", slog.String("wecom", cfg.BaseURL))
	}

	a, err := newApp(cfg, logger, p.now)
	if err != nil {
		logger.Error("cannot start", slog.String("error", err.Error()))
		return 1
	}
	defer a.Close()

	srv := serve.Start(ln, a.handler, logger)
	logger.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("public_url", cfg.PublicURL),
		slog.String("corpid", cfg.CorpID), slog.Int64("agentid", cfg.AgentID))
	go func() { _, _ = a.ready.Check(ctx, tokenready.CheckTimeout) }() // a wrong secret shows in the log at once
	if demo != nil {
		logs.Flush()
		demo.printInstructions(p.stdout, cfg.PublicURL)
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
