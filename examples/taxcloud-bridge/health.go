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

// Readiness timing: a probe waits at most readyCheckTimeout for a token,
// and after a failure the next attempt is made no sooner than
// readyRetryAfter later, however often the probes come — a wrong secret
// retried too often gets the server's IP blocked by WeCom for an hour.
const (
	readyCheckTimeout = 2 * time.Second
	readyRetryAfter   = 10 * time.Second
)

// healthz answers liveness probes: the process serves HTTP. It never
// depends on WeCom or Redis, so a restart cannot fix what it reports.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("{\"status\":\"ok\"}\n"))
}

// readiness answers GET /readyz: ready once an access token was obtained
// (from WeCom, or from the shared store), and as long as one can be had —
// which with a warm cache costs nothing, and with a cold cache needs the
// shared store (and WeCom) to answer.
type readiness struct {
	client *wecom.Client
	logger *slog.Logger
	now    func() time.Time

	mu    sync.Mutex
	known bool // a check was made
	ok    bool // the last check succeeded
	last  time.Time
	diag  wecom.Diagnosis // of the last failure
}

func newReadiness(c *wecom.Client, logger *slog.Logger, now func() time.Time) *readiness {
	return &readiness{client: c, logger: logger, now: now}
}

// check asks for a token, unless the last attempt failed less than
// readyRetryAfter ago, and logs changes of state.
func (rd *readiness) check(ctx context.Context, timeout time.Duration) (bool, wecom.Diagnosis) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.known && !rd.ok && rd.now().Sub(rd.last) < readyRetryAfter {
		return false, rd.diag
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := rd.client.AccessToken(ctx)
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		// The caller gave up (a probe hung up, or the bridge is shutting
		// down before WeCom answered): that says nothing about readiness.
		return false, wecom.Diagnose(err)
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
		attrs := []slog.Attr{slog.String("cause", string(rd.diag.Cause))}
		if rd.diag.Code != 0 {
			attrs = append(attrs, slog.Int("errcode", rd.diag.Code))
		}
		attrs = append(attrs, slog.String("hint", rd.diag.Hint), slog.String("error", err.Error()))
		msg := "not ready: cannot get an access token"
		if !wasKnown {
			msg = "cannot get an access token at start-up; not ready until one is obtained"
		}
		rd.logger.LogAttrs(ctx, slog.LevelError, msg, attrs...)
	}
	return false, rd.diag
}

// ServeHTTP answers 200 {"status":"ready"} or 503 with the cause and a hint.
func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ok, d := rd.check(r.Context(), readyCheckTimeout)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
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
