// Package redistest starts a real redis-server for tests.
//
// [Start] runs redis-server on a free loopback port with a temporary
// directory and no persistence, waits until it answers PING, and stops it
// when the test ends. When redis-server is not installed the test is
// skipped — unless the environment has CI=true, where a missing Redis
// fails the test, so that CI can never pass by skipping.
//
//	func TestWithRedis(t *testing.T) {
//		srv := redistest.Start(t)
//		s, err := redisstore.FromURL(srv.URL())
//		...
//	}
//
// [StartCluster] starts a Redis Cluster (masters, optionally with
// replicas) and [StartSentinel] a master, a replica and three Sentinels,
// the same way: loopback ports, temporary directories, ready when they
// return, stopped (SIGKILL) when the test ends, skipped or failed when
// redis-server is missing. Every process also dies with the test process
// on Linux, should the test binary die without running its cleanups.
package redistest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Binary is the name of the executable Start looks up on PATH.
const Binary = "redis-server"

// startTimeout bounds how long Start waits for redis-server to answer PING.
const startTimeout = 10 * time.Second

// Server is a redis-server process owned by one test. Its methods are safe
// for concurrent use.
type Server struct {
	// Addr is the server's host:port, always on 127.0.0.1. It stays the
	// same across [Server.Restart].
	Addr string

	t    testing.TB
	bin  string
	dir  string
	port int
	// conf is written to redis.conf in dir, which the server is started
	// with (Sentinel rewrites it); args follow the common arguments.
	conf string
	args []string

	mu      sync.Mutex
	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has been waited for
	log     *os.File
	clients []*redis.Client
}

// Available reports whether redis-server is on PATH.
func Available() bool {
	_, err := exec.LookPath(Binary)
	return err == nil
}

// SkipIfUnavailable skips tb when redis-server is not installed, or fails
// it when the environment variable CI is "true".
func SkipIfUnavailable(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath(Binary)
	if err == nil {
		return bin
	}
	msg := fmt.Sprintf("redis-server not installed: %v (Debian: apt-get install redis-server)", err)
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg + "; CI=true, so this is a failure, not a skip")
		return ""
	}
	tb.Skip(msg)
	return ""
}

// Start runs a redis-server for tb and stops it when tb ends. It skips or
// fails tb as [SkipIfUnavailable] does when redis-server is missing.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin := SkipIfUnavailable(tb)
	if bin == "" {
		return nil
	}
	return startServer(tb, bin, nil)
}

// startServer runs a redis-server for tb on a free port; configure, when
// not nil, sets s.conf and s.args for that port before each attempt.
func startServer(tb testing.TB, bin string, configure func(s *Server) error) *Server {
	tb.Helper()
	s := &Server{t: tb, bin: bin, dir: tb.TempDir()}
	tb.Cleanup(s.cleanup)

	// A free port found by listening can be taken by someone else before
	// redis-server binds it; try a few.
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if s.port, err = freePort(); err != nil {
			continue
		}
		s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
		if configure != nil {
			if err = configure(s); err != nil {
				continue
			}
		}
		if err = s.start(); err == nil {
			return s
		}
	}
	tb.Fatalf("redistest: cannot start redis-server: %v", err)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start launches redis-server on s.port and waits for PING.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("already running")
	}
	logf, err := os.OpenFile(filepath.Join(s.dir, "redis.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	conf := filepath.Join(s.dir, "redis.conf")
	if err := os.WriteFile(conf, []byte(s.conf), 0o600); err != nil {
		logf.Close()
		return err
	}
	cmd := exec.Command(s.bin, append([]string{conf,
		"--port", strconv.Itoa(s.port),
		"--bind", "127.0.0.1",
		"--save", "",
		"--appendonly", "no",
		"--dir", s.dir,
		"--daemonize", "no",
		"--logfile", "",
		"--loglevel", "notice",
		// A replica syncs at once, not after the default 5 s wait for others.
		"--repl-diskless-sync-delay", "0",
	}, s.args...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	setDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return err
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()

	deadline := time.Now().Add(startTimeout)
	for {
		if err := ping(s.Addr); err == nil {
			s.cmd, s.exited, s.log = cmd, exited, logf
			return nil
		}
		select {
		case <-exited:
			logf.Close()
			return fmt.Errorf("redis-server exited during start-up: %s", s.tail())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			logf.Close()
			return fmt.Errorf("redis-server did not answer PING within %v: %s", startTimeout, s.tail())
		}
	}
}

// ping sends one inline PING and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "+PONG" {
		return fmt.Errorf("unexpected answer %q", line) // e.g. -LOADING
	}
	return nil
}

// tail returns the end of the server's log, for error messages.
func (s *Server) tail() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	b = bytes.TrimSpace(b)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// URL returns a redis:// URL for the server, suitable for
// redisstore.FromURL and redis.ParseURL.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Client returns a new go-redis client connected to the server. It is
// closed when the test ends.
func (s *Server) Client() *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	s.mu.Lock()
	s.clients = append(s.clients, c)
	s.mu.Unlock()
	return c
}

// Running reports whether the server process is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// Port returns the server's TCP port.
func (s *Server) Port() int { return s.port }

// Dir returns the server's temporary directory (its log and config).
func (s *Server) Dir() string { return s.dir }

// Stop kills the server at once (SIGKILL), as a crash would; its data (held only in
// memory) is lost. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *Server) stopLocked() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	s.log.Close()
	s.cmd, s.exited, s.log = nil, nil, nil
}

// Restart starts a stopped server again on the same port (stopping it
// first if it is running), with an empty data set.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatalf("redistest: restart on %s: %v", s.Addr, err)
	}
}

// FlushAll removes every key from the server.
func (s *Server) FlushAll() {
	s.t.Helper()
	c := redis.NewClient(&redis.Options{Addr: s.Addr})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.FlushAll(ctx).Err(); err != nil {
		s.t.Fatalf("redistest: FLUSHALL: %v", err)
	}
}

func (s *Server) cleanup() {
	s.mu.Lock()
	clients := s.clients
	s.clients = nil
	s.mu.Unlock()
	for _, c := range clients {
		_ = c.Close()
	}
	if s.t.Failed() {
		if tail := s.tail(); tail != "" {
			s.t.Logf("redis-server log (%s):\n%s", s.Addr, tail)
		}
	}
	s.Stop()
}
