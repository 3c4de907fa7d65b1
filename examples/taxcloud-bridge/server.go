package main

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/store/redisstore"
	"github.com/wecomkit/wecomkit/wecom"
)

// app is a configured bridge: its handler and what must be closed.
type app struct {
	handler http.Handler
	client  *wecom.Client
	closers []io.Closer
}

// Close releases the store connections.
func (a *app) Close() error {
	var first error
	for _, c := range a.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// newApp wires the bridge from cfg: the token store (in process, or Redis
// shared by every instance), the WeCom client, oauth and jssdk on it, the
// signature verifier and the routes.
func newApp(cfg config, logger *slog.Logger, extra ...wecom.Option) (*app, error) {
	a := &app{}
	var st store.Store = store.NewMemory()
	if url := cfg.RedisURL.Reveal(); url != "" {
		rs, err := redisstore.FromURL(url)
		if err != nil {
			return nil, fmt.Errorf("REDIS_URL: %w", err)
		}
		a.closers = append(a.closers, rs)
		st = rs
	}
	// Every fetch of a token or ticket — which requests wait for — ends
	// within the WeCom timeout, and so does every HTTP attempt.
	fetchDeadline := wecom.WithFetchTimeout(cfg.WeComTimeout)
	opts := append([]wecom.Option{
		wecom.WithAgentID(cfg.AgentID),
		wecom.WithBaseURL(cfg.BaseURL),
		wecom.WithStore(st),
		wecom.WithLogger(logger),
		wecom.WithRequestTimeout(min(cfg.WeComTimeout, 5*time.Second)),
		wecom.WithTokenOptions(fetchDeadline),
	}, extra...)
	client, err := wecom.New(cfg.CorpID, cfg.Secret.Reveal(), opts...)
	if err != nil {
		_ = a.Close()
		return nil, err
	}
	a.client = client

	b := &bridge{
		corpID:   cfg.CorpID,
		identity: oauth.New(client),
		js:       jssdk.New(client, jssdk.WithTokenOptions(fetchDeadline)),
		timeout:  cfg.WeComTimeout,
		logger:   logger,
	}
	if !cfg.SignDisabled {
		v, err := signer.NewVerifier(cfg.SignSecret.Reveal(), signer.WithWindow(cfg.SignWindow))
		if err != nil {
			_ = a.Close()
			return nil, fmt.Errorf("TAXCLOUD_SIGN_SECRET: %w", err)
		}
		b.verifier = v
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /userinfo", b.userinfo)
	mux.HandleFunc("GET /js-sdk", b.jsSDK)
	mux.HandleFunc("GET /healthz", healthz)
	if cfg.VerifyFile != "" {
		h, err := jssdk.LoadVerifyFile(cfg.VerifyFile)
		if err != nil {
			_ = a.Close()
			return nil, fmt.Errorf("WECOM_VERIFY_FILE: %w", err)
		}
		// LoadVerifyFile accepts only a WW_verify_<code>.txt file, so a
		// wrong path cannot publish another file.
		mux.Handle("GET /"+filepath.Base(cfg.VerifyFile), h)
	}
	a.handler = accessLog(logger, mux)
	return a, nil
}

// recorder carries a request's id and captures what the access log
// reports about its response.
type recorder struct {
	http.ResponseWriter
	id     string
	status int
	result string // the envelope's code, when the request was handled
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// requestID returns the id accessLog gave the request answered through w.
func requestID(w http.ResponseWriter) string {
	if rec, ok := w.(*recorder); ok {
		return rec.id
	}
	return ""
}

// accessLog gives each request an id (X-Request-Id, kept when the caller
// sent a sane one), turns a panic into a 5000 envelope, and logs one line
// per request: id, path, HTTP status, result code, latency, and the method
// when it is not GET. It never logs the query string, which carries code
// and sign. (Five attributes fit a slog.Record without an allocation.)
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	h := logger.Handler()
	ids := newRequestIDs()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !isSafeRequestID(id) {
			id = ids.next()
		}
		w.Header().Set("X-Request-Id", id)
		rec := &recorder{ResponseWriter: w, id: id}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
					slog.String("request_id", id), slog.String("path", r.URL.Path),
					slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				if rec.status == 0 {
					reply(rec, codeInternal, "内部错误 (internal error)", nil)
				}
			}
			level := slog.LevelInfo
			if rec.status >= 500 || rec.result == codeInternal {
				level = slog.LevelError
			}
			if !h.Enabled(r.Context(), level) {
				return
			}
			// The record goes straight to the handler: slog.Logger would
			// also capture the caller's program counter, which costs more
			// than the rest of the line and is the same on every request.
			rl := slog.NewRecord(time.Now(), level, "request", 0)
			rl.AddAttrs(
				slog.String("request_id", id),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.status),
				slog.Float64("latency_ms", latencyMillis(start)),
			)
			switch {
			case r.Method != http.MethodGet:
				rl.AddAttrs(slog.String("method", r.Method))
			case rec.result != "":
				rl.AddAttrs(slog.String("result", rec.result))
			}
			_ = h.Handle(r.Context(), rl)
		}()
		next.ServeHTTP(rec, r)
	})
}

func latencyMillis(start time.Time) float64 {
	return float64(time.Since(start).Microseconds()) / 1000
}

// isSafeRequestID accepts 1–64 characters of [A-Za-z0-9._-], so that a
// caller's id can go into logs and headers as it is.
func isSafeRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLength {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// requestIDs hands out ids unique across processes and restarts: a random
// 32-bit prefix chosen at start and a counter, as 16 hex digits. (Reading
// crypto/rand for every request cost more than the rest of the id.)
type requestIDs struct {
	prefix uint64
	n      atomic.Uint32
}

func newRequestIDs() *requestIDs {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &requestIDs{prefix: uint64(binary.BigEndian.Uint32(b[:])) << 32}
}

func (g *requestIDs) next() string {
	var b [16]byte
	v := g.prefix | uint64(g.n.Add(1))
	for i := 15; i >= 0; i-- {
		b[i] = "0123456789abcdef"[v&0xf]
		v >>= 4
	}
	return string(b[:])
}

// randomHex returns n random bytes from crypto/rand as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
