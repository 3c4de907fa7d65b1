package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wecomkit/wecomkit/examples/internal/appmetrics"
	"github.com/wecomkit/wecomkit/wecom"
)

// metrics are the server's Prometheus collectors, on a registry of its own
// (never the process-wide default).
type metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	logins     *prometheus.CounterVec
	wecomCalls *appmetrics.WeComCalls
}

func newMetrics() *metrics {
	m := &metrics{wecomCalls: appmetrics.NewWeComCalls("oauth_login", false)}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "oauth_login_requests_total",
		Help: `Requests answered, by route ("other" for none) and HTTP status.`,
	}, []string{"route", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "oauth_login_request_duration_seconds",
		Help:    "Time to answer a request, by route.",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route"})
	m.logins = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "oauth_login_signins_total",
		Help: "Callbacks by flow (h5, pc) and result (ok, retry, invalid_code, bad_state, expired_state, replayed_state, no_code, not_member, wecom_error, bad_request, too_many, signed_in: a session already, to /me).",
	}, []string{"flow", "result"})
	m.reg = appmetrics.NewRegistry(m.requests, m.latency, m.logins, m.wecomCalls)
	for _, f := range []string{flowH5, flowPC} {
		m.logins.WithLabelValues(f, resultOK) // zeros before the first sign-in
	}
	return m
}

func (m *metrics) handler() http.Handler { return appmetrics.Handler(m.reg) }

// routeOf maps the pattern the mux matched to a route label; anything
// else is "other", so that a scanner cannot grow the label set.
func routeOf(pattern string) string {
	switch pattern {
	case "GET /{$}":
		return "/"
	case "GET /oauth/callback", "GET /login", "GET /login/callback", "GET /me", "GET /healthz", "GET /readyz", "GET /metrics":
		return pattern[len("GET "):]
	case "POST /logout":
		return "/logout"
	}
	return "other"
}

// observeRequest counts one answered request.
func (m *metrics) observeRequest(r *http.Request, st *reqState, elapsed time.Duration) {
	route := routeOf(r.Pattern)
	m.requests.WithLabelValues(route, strconv.Itoa(st.Status)).Inc()
	m.latency.WithLabelValues(route).Observe(elapsed.Seconds())
}

// login counts one callback's result.
func (m *metrics) login(flow, result string) { m.logins.WithLabelValues(flow, result).Inc() }

// observeCall is the wecom.WithCallHook: every HTTP attempt to WeCom.
func (m *metrics) observeCall(ctx context.Context, info wecom.CallInfo) {
	m.wecomCalls.Observe(ctx, info)
}
