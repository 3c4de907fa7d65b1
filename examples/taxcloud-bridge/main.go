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
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/serve"
)

func main() {
	// The bridge's live heap is a few megabytes, so with Go's default GOGC
	// of 100 it collects every few thousand requests under load. Four times
	// the headroom costs a few megabytes and buys about a tenth more
	// requests per second. An explicit GOGC (or GOMEMLIMIT) still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	serve.Main(start)
}

// Server limits. Both interfaces are small GETs answered from WeCom within
// the WeCom timeout, so generous but bounded values suffice.
const (
	shutdownTimeout  = 20 * time.Second
	preflightTimeout = 10 * time.Second
	logFlushInterval = 100 * time.Millisecond
)

// run is start with the process's parts as arguments (tests).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, ready chan<- string) int {
	return start(ctx, serve.Process{Args: args, Getenv: getenv, Stdout: stdout, Stderr: stderr, Ready: ready})
}

// start runs the bridge until ctx ends and returns the exit status (0
// after a graceful shutdown, 1 on a failure at run time, 2 on invalid
// settings).
func start(ctx context.Context, p serve.Process) int {
	cfg, err := loadConfig(p.Args, p.Getenv, p.Stderr)
	up, status, ok := serve.OpenWithLog(p, "taxcloud-bridge", cfg.ListenAddr, err, logFlushInterval)
	if !ok {
		return status
	}
	defer up.Close()
	ln, log := up.Listener, up.Log
	demo, cfg := withDemo(cfg, log)
	defer demo.Close()
	a, err := newApp(cfg, log.Logger)
	if err != nil {
		log.Error("cannot start", slog.String("error", err.Error()))
		return serve.ExitFailed
	}
	defer a.Close()

	switch {
	case cfg.SignDisabled:
		log.Warn("TAXCLOUD_SIGN_DISABLED is set: requests are NOT authenticated; use this only for joint testing")
	case !cfg.SignStrict:
		log.Warn("signature compatibility mode: a signature over appid+ts alone is accepted, so code and pageUrl are not covered " +
			"and a captured URL can be replayed with another code or pageUrl within the time window; once the tax cloud signs " +
			"every parameter, set TAXCLOUD_SIGN_STRICT=true (each request's log line says which form matched in sign_form)")
	}
	if demo != nil {
		demo.routes(a.mux, serve.BaseURL(ln.Addr()))
	}
	return serve.Run(ctx, p, ln, log.Logger, serve.Service{
		Handler:         a.handler,
		ShutdownTimeout: shutdownTimeout,
		Attrs:           []slog.Attr{slog.String("corpid", cfg.CorpID), slog.Int64("agentid", cfg.AgentID)},
		Started: func(ctx context.Context, base string) error {
			// A wrong corpid or secret shows up in the log at once rather
			// than on the first user's request; /readyz reports it too. It
			// does not stop the bridge: WeCom or Redis may just be away.
			go func() { _, _ = a.ready.Check(ctx, preflightTimeout) }()
			if demo != nil {
				log.Flush() // the start-up lines first, then the commands
				demo.printCommands(p.Stdout, base)
			}
			return nil
		},
	})
}
