package serve

import (
	"context"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/settings"
)

// Open is the start-up step every server takes once it read its
// settings, err being what that returned: flag.ErrHelp (-h was answered),
// or the settings' problems (settings.ProblemsOf), to which more adds
// those found since. It tries the listen address (a port in use is a
// setting to fix, like the others) and reports every problem together on
// p.Stderr as name's. It returns the listener (nil for addr ""), or false
// and the exit status: ExitOK after -h, ExitSettings once it reported.
func Open(p Process, name, addr string, err error, more ...string) (net.Listener, int, bool) {
	if errors.Is(err, flag.ErrHelp) {
		return nil, ExitOK, false
	}
	problems := append(settings.ProblemsOf(err), more...)
	var ln net.Listener
	if addr != "" {
		if ln, err = Listen(addr); err != nil {
			problems = append(problems, "LISTEN_ADDR (-listen): "+err.Error())
		}
	}
	if len(problems) > 0 {
		if ln != nil {
			_ = ln.Close()
		}
		settings.Report(p.Stderr, name, problems)
		return nil, ExitSettings, false
	}
	return ln, ExitOK, true
}

// Up is a server past its start-up checks: the listener [Open] returned
// and the log newLog made.
type Up struct {
	Listener net.Listener // nil when Open was given no address
	Log      *Log
}

// OpenWithLog is [Open] followed by newLog(p, flush), the start-up every
// HTTP server takes once it read its settings. Close the Up it returns.
func OpenWithLog(p Process, name, addr string, err error, flush time.Duration, more ...string) (*Up, int, bool) {
	ln, status, ok := Open(p, name, addr, err, more...)
	if !ok {
		return nil, status, false
	}
	return &Up{Listener: ln, Log: newLog(p, flush)}, ExitOK, true
}

// Close writes out the log and closes the listener.
func (u *Up) Close() {
	_ = u.Log.Close()
	if u.Listener != nil {
		_ = u.Listener.Close()
	}
}

// CloseAll closes each of cs, in order, and returns the first error.
func CloseAll(cs []io.Closer) error {
	var first error
	for _, c := range cs {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Service is what Run serves and the server's steps around it.
type Service struct {
	Handler         http.Handler
	ShutdownTimeout time.Duration
	// Attrs follow addr on the "listening" line.
	Attrs []slog.Attr
	// Started, when not nil, runs once the server serves, before
	// p.Ready learns the base URL: the demo prints what to try, or drives
	// its steps. An error (Started logs it) ends the run with ExitFailed.
	Started func(ctx context.Context, base string) error
	// Stopping, when not nil, runs before the server shuts down (the
	// demo stops pushing, the syncs stop).
	Stopping func()
	// Stopped, when not nil, runs once the requests in flight finished,
	// before "stopped" is logged (the suite stops its workers).
	Stopped func()
}

// Run serves s.Handler on ln until ctx ends or the server fails, as every
// server does: it logs "listening" (addr and s.Attrs), runs s.Started,
// hands the base URL to p.Ready, waits, shuts down within
// s.ShutdownTimeout letting in-flight requests finish, and logs
// "stopped". It returns ExitOK after a graceful stop, ExitFailed when the
// server failed, Started failed or requests were still in flight at the
// deadline.
func Run(ctx context.Context, p Process, ln net.Listener, logger *slog.Logger, s Service) int {
	srv := Start(ln, s.Handler, logger)
	base := BaseURL(ln.Addr())
	logger.LogAttrs(ctx, slog.LevelInfo, "listening", append([]slog.Attr{slog.String("addr", ln.Addr().String())}, s.Attrs...)...)
	status := ExitOK
	if s.Started != nil && s.Started(ctx, base) != nil {
		status = ExitFailed
	}
	if status == ExitOK {
		if p.Ready != nil {
			p.Ready <- base
		}
		if !srv.Wait(ctx) {
			status = ExitFailed
		}
	}
	if s.Stopping != nil {
		s.Stopping()
	}
	if !srv.Shutdown(s.ShutdownTimeout) {
		status = ExitFailed
	}
	if s.Stopped != nil {
		s.Stopped()
	}
	logger.Info("stopped")
	return status
}

// Healthz answers liveness probes: the process serves HTTP. It never
// depends on WeCom or a store, so a restart cannot fix what it reports.
func Healthz(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("{\"status\":\"ok\"}\n"))
}
