package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/examples/internal/appmetrics"
)

// syncState is what -listen reports: whether syncs succeed, for /readyz,
// and the counters of /metrics. It is safe for concurrent use.
type syncState struct {
	interval time.Duration
	now      func() time.Time

	mu         sync.Mutex
	lastOK     time.Time // the last successful sync; zero before the first
	lastFailed bool      // the last sync failed

	reg        *prometheus.Registry
	syncs      *prometheus.CounterVec
	changes    *prometheus.CounterVec
	lastOKUnix prometheus.Gauge
	wecomCalls *appmetrics.WeComCalls
}

// Sync outcomes, the "outcome" label of contacts_sync_syncs_total.
const (
	outcomeOK     = "ok"
	outcomeFailed = "failed"
)

func newSyncState(interval time.Duration, now func() time.Time) *syncState {
	s := &syncState{interval: interval, now: now, wecomCalls: appmetrics.NewWeComCalls("contacts_sync", true)}
	s.syncs = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "contacts_sync_syncs_total",
		Help: "Syncs by outcome: ok (the snapshot was taken and stored, changes or not) or failed (the previous snapshot is kept).",
	}, []string{"outcome"})
	s.changes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "contacts_sync_changes_total",
		Help: "Changes printed, by op (added, changed, removed) and kind (department, user).",
	}, []string{"op", "kind"})
	s.lastOKUnix = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "contacts_sync_last_success_timestamp_seconds",
		Help: "Unix time of the last successful sync; 0 before the first.",
	})
	s.reg = appmetrics.NewRegistry(s.syncs, s.changes, s.lastOKUnix, s.wecomCalls)
	for _, o := range []string{outcomeOK, outcomeFailed} {
		s.syncs.WithLabelValues(o) // zeros before the first sync
	}
	for _, op := range []contact.Op{contact.Added, contact.Changed, contact.Removed} {
		for _, k := range []contact.Kind{contact.KindDepartment, contact.KindUser} {
			s.changes.WithLabelValues(string(op), string(k))
		}
	}
	return s
}

// succeeded records a successful sync.
func (s *syncState) succeeded() {
	t := s.now()
	s.mu.Lock()
	s.lastOK, s.lastFailed = t, false
	s.mu.Unlock()
	s.syncs.WithLabelValues(outcomeOK).Inc()
	s.lastOKUnix.Set(float64(t.UnixNano()) / 1e9)
}

// failed records a failed sync.
func (s *syncState) failed() {
	s.mu.Lock()
	s.lastFailed = true
	s.mu.Unlock()
	s.syncs.WithLabelValues(outcomeFailed).Inc()
}

// printed counts changes written to standard output.
func (s *syncState) printed(changes contact.Changes) {
	for _, c := range changes {
		s.changes.WithLabelValues(string(c.Op), string(c.Kind)).Inc()
	}
}

// ready reports whether the directory the process mirrors is current
// enough: not before the first successful sync, and not after a failed one
// once the last good snapshot is older than two intervals. It says why not.
func (s *syncState) ready() (bool, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.lastOK.IsZero():
		return false, "no successful sync yet"
	case s.lastFailed && s.now().Sub(s.lastOK) > 2*s.interval:
		return false, "the last sync failed and the last good snapshot is older than two intervals"
	}
	return true, ""
}

// handler serves GET /healthz (the process runs), GET /readyz (see ready)
// and GET /metrics.
func (s *syncState) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeStatus(w, http.StatusOK, "ok", "")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if ok, why := s.ready(); !ok {
			writeStatus(w, http.StatusServiceUnavailable, "not ready", why)
			return
		}
		writeStatus(w, http.StatusOK, "ready", "")
	})
	mux.Handle("GET /metrics", appmetrics.Handler(s.reg))
	return mux
}

// writeStatus answers {"status":…} with an optional "reason". Probes are
// no hot path: encoding/json writes the answer.
func writeStatus(w http.ResponseWriter, code int, status, reason string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Status string `json:"status"`
		Reason string `json:"reason,omitempty"`
	}{status, reason})
}
