package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/internal/jsonenc"
	"github.com/wecomkit/wecomkit/wecom"
)

// Readiness timing: a probe waits at most readyCheckTimeout for a token;
// after a failure the next attempt comes no sooner than readyRetryAfter
// later, however often probes come (a wrong secret retried too often gets
// the server's IP blocked by WeCom for a while).
const (
	readyCheckTimeout = 2 * time.Second
	readyRetryAfter   = 10 * time.Second
)

// healthz answers liveness probes: the process serves HTTP. It never
// depends on WeCom or Redis.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write([]byte("{\"status\":\"ok\"}\n"))
}

// readiness answers GET /readyz: ready while an access token can be had
// (from memory, the shared store or WeCom), which a sign-in needs.
type readiness struct {
	client *wecom.Client
	logger *slog.Logger
	now    func() time.Time

	mu    sync.Mutex
	known bool
	ok    bool
	last  time.Time
	diag  wecom.Diagnosis
}

func newReadiness(c *wecom.Client, logger *slog.Logger, now func() time.Time) *readiness {
	return &readiness{client: c, logger: logger, now: now}
}

// check asks for a token, unless the last attempt failed less than
// readyRetryAfter ago, and logs changes of state.
func (rd *readiness) check(ctx context.Context) (bool, wecom.Diagnosis) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.known && !rd.ok && rd.now().Sub(rd.last) < readyRetryAfter {
		return false, rd.diag
	}
	ctx, cancel := context.WithTimeout(ctx, readyCheckTimeout)
	defer cancel()
	_, err := rd.client.AccessToken(ctx)
	if err != nil && errors.Is(err, context.Canceled) {
		return false, wecom.Diagnose(err) // the caller gave up: says nothing
	}
	wasOK, wasKnown := rd.ok, rd.known
	rd.known, rd.ok, rd.last = true, err == nil, rd.now()
	if err == nil {
		rd.diag = wecom.Diagnosis{}
		if !wasOK {
			rd.logger.LogAttrs(ctx, slog.LevelInfo, "ready: WeCom access token obtained")
		}
		return true, rd.diag
	}
	rd.diag = wecom.Diagnose(err)
	if wasOK || !wasKnown {
		rd.logger.LogAttrs(ctx, slog.LevelError, "not ready: cannot get an access token",
			slog.String("cause", string(rd.diag.Cause)), slog.Int("errcode", rd.diag.Code),
			slog.String("hint", rd.diag.Hint), slog.String("error", err.Error()))
	}
	return false, rd.diag
}

// ServeHTTP answers 200 {"status":"ready"} or 503 with the cause and a hint.
func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ok, d := rd.check(r.Context())
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if ok {
		_, _ = w.Write([]byte("{\"status\":\"ready\"}\n"))
		return
	}
	b := append([]byte(nil), `{"status":"not ready","cause":`...)
	b = jsonenc.AppendString(b, string(d.Cause))
	if d.Code != 0 {
		b = append(b, `,"errcode":`...)
		b = strconv.AppendInt(b, int64(d.Code), 10)
	}
	b = append(b, `,"hint":`...)
	b = jsonenc.AppendString(b, d.Hint)
	b = append(b, '}', '\n')
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(b)
}
