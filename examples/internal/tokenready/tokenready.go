// Package tokenready is the readiness probe of the servers in examples/
// whose requests need a WeCom access token: /readyz answers 200 once a token
// can be had (from memory, the shared store or WeCom) and 503 with the cause
// and a hint from wecom.Diagnose otherwise — without asking WeCom more than
// once every RetryAfter after a failure, however often probes come.
package tokenready

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/wecom"
)

// Readiness timing: a probe waits at most CheckTimeout for a token, and
// after a failure the next attempt is made no sooner than RetryAfter later,
// however often the probes come — a wrong secret retried too often gets the
// server's IP blocked by WeCom for an hour.
const (
	CheckTimeout = 2 * time.Second
	RetryAfter   = 10 * time.Second
)

// Readiness answers GET /readyz for a server whose work needs a WeCom
// access token: ready once a token was obtained
// (from WeCom, or from the shared store), and as long as one can be had —
// which with a warm cache costs nothing, and with a cold cache needs the
// shared store (and WeCom) to answer.
type Readiness struct {
	client *wecom.Client
	logger *slog.Logger
	now    func() time.Time

	mu    sync.Mutex
	known bool // a check was made
	ok    bool // the last check succeeded
	last  time.Time
	diag  wecom.Diagnosis // of the last failure
}

// New returns the readiness of client; now is the clock for the retry
// delay (time.Now outside tests).
func New(c *wecom.Client, logger *slog.Logger, now func() time.Time) *Readiness {
	return &Readiness{client: c, logger: logger, now: now}
}

// Check asks for a token, waiting at most timeout,, unless the last attempt failed less than
// RetryAfter ago, and logs changes of state.
func (rd *Readiness) Check(ctx context.Context, timeout time.Duration) (bool, wecom.Diagnosis) {
	rd.mu.Lock()
	defer rd.mu.Unlock()
	if rd.known && !rd.ok && rd.now().Sub(rd.last) < RetryAfter {
		return false, rd.diag
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := rd.client.AccessToken(ctx)
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		// The caller gave up (a probe hung up, or the server is shutting
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
func (rd *Readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ok, d := rd.Check(r.Context(), CheckTimeout)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if ok {
		_, _ = w.Write([]byte("{\"status\":\"ready\"}\n"))
		return
	}
	w.WriteHeader(http.StatusServiceUnavailable)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(notReady{Status: "not ready", Cause: string(d.Cause), Errcode: d.Code, Hint: d.Hint})
}

// notReady is /readyz's answer when no token can be had. A probe is no hot
// path: encoding/json writes it.
type notReady struct {
	Status  string `json:"status"`
	Cause   string `json:"cause"`
	Errcode int    `json:"errcode,omitempty"`
	Hint    string `json:"hint"`
}
