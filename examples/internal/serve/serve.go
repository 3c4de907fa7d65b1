// Package serve is the start-up every example server shares: Main (the
// process, its signals and exit status), Open (settings problems and a
// port in use reported together, exit 2), OpenWithLog (Open and the
// buffered JSON log), and Run (serve, the demo's steps, graceful
// shutdown). Underneath: a
// listener opened before anything else, an http.Server with bounded
// timeouts and headers whose own errors go to the JSON log, and a graceful
// shutdown that lets in-flight requests finish when the context ends
// (SIGTERM, SIGINT).
package serve

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// The limits of every server: their routes are small GETs and callbacks
// of a few kilobytes answered within seconds, so generous but bounded
// values suffice. The header limit counts the request line, query
// included.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 10 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 2 * time.Minute
	MaxHeaderBytes    = 16 << 10
)

// Listen opens a TCP listener on addr. Its error names the address and
// the cause ("cannot listen on \":80\": bind: permission denied"), ready
// to follow a setting's label in a report.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		cause := errors.Unwrap(err) // net.OpError repeats the address
		if cause == nil {
			cause = err
		}
		return nil, fmt.Errorf("cannot listen on %q: %w", addr, cause)
	}
	return ln, nil
}

// Server is an http.Server serving one listener until shut down.
type Server struct {
	srv    *http.Server
	logger *slog.Logger
	done   chan error
}

// Start serves h on ln in a goroutine, with the limits above; the
// server's own errors (a bad TLS handshake, a panicking handler without
// recovery) are logged at warning level.
func Start(ln net.Listener, h http.Handler, logger *slog.Logger) *Server {
	s := &Server{
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: ReadHeaderTimeout,
			ReadTimeout:       ReadTimeout,
			WriteTimeout:      WriteTimeout,
			IdleTimeout:       IdleTimeout,
			MaxHeaderBytes:    MaxHeaderBytes,
			ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		},
		logger: logger,
		done:   make(chan error, 1),
	}
	go func() { s.done <- s.srv.Serve(ln) }()
	return s
}

// Wait blocks until ctx ends (true) or the server fails (false, logged as
// "server failed").
func (s *Server) Wait(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return true
	case err := <-s.done:
		s.logger.Error("server failed", slog.String("error", err.Error()))
		return false
	}
}

// Shutdown stops accepting connections and waits up to timeout for the
// requests in flight. It logs "shutting down: finishing in-flight
// requests" and, when they did not finish in time, "shutdown incomplete"
// (false).
func (s *Server) Shutdown(timeout time.Duration) bool {
	s.logger.Info("shutting down: finishing in-flight requests")
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.logger.Error("shutdown incomplete", slog.String("error", err.Error()))
		return false
	}
	return true
}

// BaseURL is the URL a local client uses to reach addr: an unspecified
// host (":8080", "0.0.0.0") becomes 127.0.0.1.
func BaseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
