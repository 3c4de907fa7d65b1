package serve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wecomkit/wecomkit/examples/internal/accesslog"
	"github.com/wecomkit/wecomkit/examples/internal/logbuf"
)

// Exit statuses of every server (their -h says the same).
const (
	ExitOK       = 0 // a graceful stop
	ExitFailed   = 1 // a failure at run time
	ExitSettings = 2 // invalid settings, all named together
)

// Process is what a server takes from its process: arguments (without the
// program name), the environment, output streams. Tests give their own.
type Process struct {
	Args           []string
	Getenv         func(string) string
	Stdout, Stderr io.Writer
	// Ready, when not nil, receives the server's base URL once it serves.
	Ready chan<- string
	// OnLogger, when not nil, receives the server's logger once made.
	OnLogger func(*slog.Logger)
	// Now, when not nil, replaces time.Now as the server's clock (tests).
	Now func() time.Time
}

// Clock returns p.Now, or time.Now.
func (p Process) Clock() func() time.Time {
	if p.Now != nil {
		return p.Now
	}
	return time.Now
}

// Main runs start until SIGINT or SIGTERM with the process's arguments,
// environment and streams, and exits with the status start returns.
// go-redis logs pool failures through a process-wide logger: Main routes
// them into the server's JSON log (they carry no password). Only Main
// does: it is process-wide.
func Main(start func(ctx context.Context, p Process) int) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := start(ctx, Process{
		Args: os.Args[1:], Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr,
		OnLogger: func(l *slog.Logger) { redis.SetLogger(RedisLog{l}) },
	})
	stop()
	os.Exit(code)
}

// Log is a server's JSON log on its standard error: buffered, so that a
// line is not a write(2) of its own, and every line logged with a
// request's context carries its request_id (accesslog.NewLogger).
type Log struct {
	*slog.Logger
	buf *logbuf.Writer // nil: unbuffered
}

// newLog returns p's log, buffered for at most flush (0: every line is
// written at once, so that a crash loses none), and hands the logger to
// p.OnLogger. Close it.
func newLog(p Process, flush time.Duration) *Log {
	l := &Log{}
	out := p.Stderr
	if flush > 0 {
		l.buf = logbuf.New(p.Stderr, flush)
		out = l.buf
	}
	l.Logger = accesslog.NewLogger(out, slog.LevelInfo)
	if p.OnLogger != nil {
		p.OnLogger(l.Logger)
	}
	return l
}

// Flush writes out what is buffered (before printing to standard output,
// so that the start-up lines come first).
func (l *Log) Flush() {
	if l.buf != nil {
		l.buf.Flush()
	}
}

// Close writes out what is left; later lines are written at once.
func (l *Log) Close() error {
	if l.buf != nil {
		return l.buf.Close()
	}
	return nil
}

// Demo logs that the server runs in demo mode against the fake WeCom at
// wecomURL.
func (l *Log) Demo(wecomURL string) {
	l.Info("demo mode: a fake WeCom runs in-process; nothing reaches the real WeCom", slog.String("wecom", wecomURL))
}

// RedisLog adapts go-redis's logger to slog.
type RedisLog struct{ L *slog.Logger }

// Printf logs go-redis's message at warning level, once prefixed with
// "redis: " (its own messages often carry the prefix already) and capped
// like any field from outside.
func (r RedisLog) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimPrefix(fmt.Sprintf(format, v...), "redis: ")
	r.L.WarnContext(ctx, "redis: "+accesslog.Field(msg))
}
