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
	"log/slog"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/serve"
	"github.com/wecomkit/wecomkit/examples/internal/tokenready"
)

func main() { serve.Main(start) }

// Server limits beyond serve's: every route is a small GET.
const (
	shutdownTimeout  = 15 * time.Second
	logFlushInterval = 100 * time.Millisecond
)

// start runs the server until ctx ends and returns the exit status: 0
// after a graceful stop, 1 for a failure at run time, 2 for invalid
// settings. p.Now, when not nil, is the clock of states and sessions.
func start(ctx context.Context, p serve.Process) int {
	cfg, err := loadConfig(p.Args, p.Getenv, p.Stderr)
	up, status, ok := serve.OpenWithLog(p, "oauth-login", cfg.ListenAddr, err, logFlushInterval)
	if !ok {
		return status
	}
	defer up.Close()
	demo, cfg := withDemo(cfg, up)
	defer demo.Close()
	a, err := newApp(cfg, up.Log.Logger, p.Now)
	if err != nil {
		up.Log.Error("cannot start", slog.String("error", err.Error()))
		return serve.ExitFailed
	}
	defer a.Close()

	return serve.Run(ctx, p, up.Listener, up.Log.Logger, serve.Service{
		Handler:         a.handler,
		ShutdownTimeout: shutdownTimeout,
		Attrs: []slog.Attr{slog.String("public_url", cfg.PublicURL), slog.String("corpid", cfg.CorpID),
			slog.Int64("agentid", cfg.AgentID)},
		Started: func(ctx context.Context, _ string) error {
			go func() { _, _ = a.ready.Check(ctx, tokenready.CheckTimeout) }() // a wrong secret shows in the log at once
			if demo != nil {
				up.Log.Flush()
				demo.printInstructions(p.Stdout, cfg.PublicURL)
			}
			return nil
		},
	})
}
