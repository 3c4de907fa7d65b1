package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"runtime/debug"
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
	opts := append([]wecom.Option{
		wecom.WithAgentID(cfg.AgentID),
		wecom.WithBaseURL(cfg.BaseURL),
		wecom.WithStore(st),
		wecom.WithLogger(logger),
		wecom.WithRequestTimeout(min(cfg.WeComTimeout, 5*time.Second)),
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
		js:       jssdk.New(client),
		timeout:  cfg.WeComTimeout,
		logger:   logger,
	}
	if !cfg.SignDisabled {
		b.verifier = signer.NewVerifier(cfg.SignSecret.Reveal(), signer.WithWindow(cfg.SignWindow))
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

// recorder captures what the access log reports about a response.
type recorder struct {
	http.ResponseWriter
	status int
	result string // the envelope's code, when the request was handled
	bytes  int
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
	n, err := r.ResponseWriter.Write(p)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

type requestIDKey struct{}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// accessLog gives each request an id (X-Request-Id, kept when the caller
// sent a sane one), turns a panic into a 5000 envelope, and logs one line
// per request: id, method, path, HTTP status, result code and latency. It
// never logs the query string, which carries code and sign.
func accessLog(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !safeRequestID.MatchString(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		rec := &recorder{ResponseWriter: w}
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				logger.LogAttrs(ctx, slog.LevelError, "panic serving request",
					slog.String("request_id", id), slog.String("path", r.URL.Path),
					slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				if rec.status == 0 {
					reply(rec, codeInternal, "内部错误 (internal error)", nil)
				}
			}
			attrs := []slog.Attr{
				slog.String("request_id", id),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", rec.status),
				slog.Float64("latency_ms", float64(time.Since(start).Microseconds())/1000),
				slog.Int("bytes", rec.bytes),
				slog.String("remote", r.RemoteAddr),
			}
			if rec.result != "" {
				attrs = append(attrs, slog.String("result", rec.result))
			}
			logger.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
		}()
		next.ServeHTTP(rec, r.WithContext(ctx))
	})
}

func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
