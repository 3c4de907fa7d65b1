// Command suite-server runs a WeCom (企业微信) third-party app — a suite,
// installed by many corporations — on package suite: the command callback
// (suite_ticket, create_auth, change_auth, cancel_auth … stored before the
// answer, handled after it), the data callback, installs from the
// provider's website with a state bound to the browser, wx.config and
// wx.agentConfig signatures for any authorized corporation, the OAuth and
// provider-login callbacks, /healthz, /readyz and /metrics.
//
// Configuration comes from flags with environment fallbacks (run with -h).
// Invalid settings exit with status 2, all named together; failures at run
// time exit with 1, and so does a damaged bbolt file (a file to restore
// from a backup, not a setting to change). With -demo it needs no WeCom at
// all: a fake WeCom runs in-process, the server listens on 127.0.0.1:8080,
// a complete install is driven step by step and ready-to-paste commands
// are printed.
//
//	go run ./examples/suite-server -demo
//
// # Faults
//
// What the end-to-end tests show, running the built binary against a fake
// WeCom that pushes over HTTP (the test names are in process_test.go,
// faults_test.go and handlers_test.go):
//
//   - WeCom repeats a push, at once or after it was handled, or sends an
//     older suite_ticket after a newer one: handled once; the newer ticket
//     stays (TestDuplicateReplayedOutOfOrderAndForgedPushes). A forged push
//     is refused with 401 and changes nothing (same test).
//   - Two instances on one Redis, a load balancer alternating 2,000
//     distinct change_contact pushes between them, 50 in flight:
//     OnContactChange ran exactly once per push across both processes, and
//     the queue drained (TestPushesHandledOnceAcrossInstancesOnRedis).
//   - One instance on its bbolt file (fsync on), the same 2,000 pushes:
//     exactly once per push (TestPushesHandledOnceOnBolt).
//   - 1,000 jobs pending and every worker waiting on a slow WeCom: a push
//     is answered once it is recorded; in the runs measured, as fast as
//     with an empty queue (the figures are logged, not asserted:
//     TestPushAckUnderBacklogOnBolt against TestPushesHandledOnceOnBolt).
//   - WeCom fails the exchange: the push is answered "success" and the
//     exchange retried until WeCom recovers (TestCreateAuthWhileWeComDown).
//   - SIGKILL after a create_auth was answered, before its exchange
//     succeeded: the next process on the file exchanges the code
//     (TestKilledBetweenAnswerAndExchange).
//   - SIGKILL four times at random moments between installs' exchanges and
//     their details, 50 installs pushed meanwhile and repeated while
//     unanswered: every corp is authorized and signs, no code is exchanged
//     twice, none is lost, each OnAuthorized ran at least once — twice at
//     most, never more often than kills explain (TestKilledDuringInstalls).
//     An install a killed process was handling finishes when that
//     process's lease on it ends: 3.5 minutes with the suite's defaults.
//   - The store reads but refuses writes: /readyz answers 503, cause "the
//     store refuses writes", and pushes are not answered "success", so
//     WeCom repeats them; a store that does not answer: 503, "the store
//     does not answer" (TestReadyz).
//   - A damaged bbolt file: exit 1, naming the file to restore from a
//     backup; the file is left as it was (TestProcessCorruptDataFileExit1).
//   - Redis stops: a /sign that needs the store answers 503 "this
//     server's store is failing (WeCom was not asked)", logged with cause
//     "store" — not 502 "WeCom could not be reached"
//     (TestRedisDownIsNotBlamedOnWeCom).
//
// Not shown here, by design of WeCom's single-use auth codes: a process
// killed between WeCom spending an auth code and the suite storing the
// answer loses that install — logged as an ERROR and counted in
// suite_server_lost_installs_total (alert on it); the corporation must
// reinstall. A process killed after a hook ran and before its job's
// outcome was recorded runs the hook again after a restart: hooks are
// at least once across kills, exactly once otherwise, so make them
// idempotent.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/examples/internal/settings"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/boltstore"
	"github.com/wecomkit/wecomkit/suite"
)

func main() { serve.Main(start) }

// shutdownTimeout bounds the wait for requests in flight at shutdown
// (every route is a small GET or a callback of a few kilobytes; the
// callback handlers cap bodies themselves).
const shutdownTimeout = 20 * time.Second

// start runs the server until ctx ends and returns the exit status (0
// after a graceful shutdown, 1 on a failure at run time, 2 on invalid
// settings).
func start(ctx context.Context, p serve.Process) int {
	cfg, err := loadConfig(p.Args, p.Getenv, p.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return serve.ExitOK
	}
	problems := settings.ProblemsOf(err)

	var demo *demoEnv
	if cfg.Demo && len(problems) == 0 {
		if demo, err = startDemo(); err != nil {
			fmt.Fprintf(p.Stderr, "suite-server: demo: %v\n", err)
			return serve.ExitFailed
		}
		defer demo.Close()
		cfg = demo.configure(cfg)
	}

	// The store is a setting to fix like the others: a bbolt file another
	// process holds, a directory that does not exist.
	var st store.Store
	var backend string
	if len(problems) == 0 {
		st, backend, err = openStore(cfg)
		if errors.Is(err, boltstore.ErrCorrupt) {
			// Not a setting to fix: the file is broken, and it holds the
			// permanent codes. Nothing is served from it or written to it.
			accesslog.NewLogger(p.Stderr, slog.LevelInfo).LogAttrs(ctx, slog.LevelError,
				"cannot start: the data file is damaged: restore it from a backup (it holds the permanent codes: deleting it loses every installation)",
				slog.String("file", cfg.DataFile), slog.String("error", err.Error()))
			return serve.ExitFailed
		}
		if err != nil {
			problems = append(problems, err.Error())
		}
	} else if cfg.RedisURL == "" && !cfg.Demo {
		// Not opened (nothing is created while other settings are wrong),
		// but a missing directory is named with the rest.
		if fi, err := os.Stat(filepath.Dir(cfg.DataFile)); err != nil || !fi.IsDir() {
			problems = append(problems, fmt.Sprintf("SUITE_DATA (-data): directory of %q does not exist", cfg.DataFile))
		}
	}
	closeStore := func() {
		if c, ok := st.(io.Closer); ok {
			_ = c.Close()
		}
	}
	defer closeStore()
	up, status, ok := serve.OpenWithLog(p, "suite-server", cfg.ListenAddr, nil, cfg.LogFlush, problems...)
	if !ok {
		return status
	}
	defer up.Close()
	ln, log := up.Listener, up.Log
	if demo != nil {
		log.Demo(cfg.BaseURL)
	}
	a, err := newApp(cfg, st, backend, log.Logger)
	if err != nil {
		log.Error("cannot start", slog.String("error", err.Error()))
		if errors.Is(err, suite.ErrInvalidConfig) {
			return serve.ExitSettings
		}
		return serve.ExitFailed
	}
	svc := serve.Service{
		Handler:         a.handler,
		ShutdownTimeout: shutdownTimeout,
		Attrs: []slog.Attr{slog.String("suite_id", cfg.SuiteID), slog.String("store", backend),
			slog.Bool("provider", cfg.ProviderCorpID != "")},
		// After the HTTP server: no handler can record a push any more;
		// the push being handled is finished, the others wait in the store.
		Stopped: func() { _ = a.Close() },
	}
	if demo != nil {
		svc.Started = func(ctx context.Context, base string) error {
			if err := demo.run(ctx, a, base, p.Stdout, log.Flush); err != nil {
				log.Error("demo failed", slog.String("error", err.Error()))
				return err
			}
			return nil
		}
		svc.Stopping = demo.stopTicker // no pushes into a server shutting down
	}
	return serve.Run(ctx, p, ln, log.Logger, svc)
}
