package main

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wecomkit/wecomkit/examples/internal/appmetrics"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
)

// Route labels. Requests that match no route count as "other", so a
// scanner cannot grow the label set.
const (
	routeCommand = iota
	routeData
	routeInstall
	routeInstallCallback
	routeSign
	routeOAuth
	routeProviderLogin
	routeLicenseReport
	routeQRCode
	routeHealthz
	routeReadyz
	routeMetricsEndpoint
	routeOther
	numRoutes
)

var routeNames = [numRoutes]string{
	"/callback/command", "/callback/data", "/install", "/install/callback", "/sign",
	"/oauth/callback", "/provider/login", "/license/report", "/qrcode", "/healthz", "/readyz", "/metrics", "other",
}

func routeName(i int) string { return routeNames[i] }

// routeOf maps the pattern the mux matched to a route label.
func routeOf(pattern string) int {
	switch pattern {
	case "/callback/command":
		return routeCommand
	case "/callback/data":
		return routeData
	case "GET /install":
		return routeInstall
	case "GET /install/callback":
		return routeInstallCallback
	case "GET /sign":
		return routeSign
	case "GET /oauth/callback":
		return routeOAuth
	case "GET /provider/login":
		return routeProviderLogin
	case "GET /license/report":
		return routeLicenseReport
	case "GET /qrcode":
		return routeQRCode
	case "GET /healthz":
		return routeHealthz
	case "GET /readyz":
		return routeReadyz
	case "GET /metrics":
		return routeMetricsEndpoint
	}
	return routeOther
}

// Lifecycle events counted from the suite's hooks.
const (
	eventAuthorized = iota
	eventAuthChanged
	eventCancelled
	eventContactChange
	eventOther
	eventData
	eventUnlicensed
	numEvents
)

// metrics are the server's Prometheus collectors on a registry of its own
// (never the process-wide default). The per-request counters are resolved
// at start, so counting a request costs a few atomic adds.
type metrics struct {
	reg *prometheus.Registry

	requests   *prometheus.CounterVec
	wecomCalls *appmetrics.WeComCalls
	byRoute    [numRoutes]routeMetrics
	events     [numEvents]prometheus.Counter
}

type routeMetrics struct {
	name    string
	codes   map[int]prometheus.Counter // read-only after newMetrics
	latency prometheus.Observer
}

// gauges reads the suite's state for the gauges at scrape time.
type gauges struct {
	ticketAge func(context.Context) (float64, bool)
	pending   func(context.Context) (int, error)
	corps     func(context.Context) (int, error)
	stats     func() suite.Stats // counters in memory: no store call
}

func newMetrics(g gauges) *metrics {
	m := &metrics{wecomCalls: appmetrics.NewWeComCalls("suite_server", true)}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "suite_server_requests_total",
		Help: "Requests answered, by route and HTTP status.",
	}, []string{"route", "status"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "suite_server_request_duration_seconds",
		Help:    "Time to answer a request, by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route"})
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "suite_server_events_total",
		Help: "Lifecycle events handled (authorized, auth_changed, cancelled, contact_change, other instruction), data callbacks received (data) and members without a license who opened the app (unlicensed).",
	}, []string{"event"})
	scrape := func(f func(ctx context.Context) float64) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			return f(ctx)
		}
	}
	ticketAge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "suite_server_suite_ticket_age_seconds",
		Help: "Age of the newest stored suite_ticket (WeCom pushes one every 10 minutes; valid 30); -1 when none is stored.",
	}, scrape(func(ctx context.Context) float64 {
		if age, ok := g.ticketAge(ctx); ok {
			return age
		}
		return -1
	}))
	pending := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "suite_server_pending_pushes",
		Help: "Pushes answered but not yet handled (create_auth exchanges waiting or being retried); -1 when the store does not answer.",
	}, scrape(func(ctx context.Context) float64 {
		n, err := g.pending(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	corps := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "suite_server_authorized_corps",
		Help: "Corporations that have the app installed; -1 when the store does not answer.",
	}, scrape(func(ctx context.Context) float64 {
		n, err := g.corps(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	cs := []prometheus.Collector{m.requests, latency, m.wecomCalls, events, ticketAge, pending, corps}
	m.reg = appmetrics.NewRegistry(append(cs, statsCollectors(g.stats)...)...)

	for i, name := range routeNames {
		rm := routeMetrics{name: name, codes: map[int]prometheus.Counter{}, latency: latency.WithLabelValues(name)}
		for _, c := range []int{200, 302, 400, 401, 403, 404, 405, 429, 500, 502, 503} {
			rm.codes[c] = m.requests.WithLabelValues(name, strconv.Itoa(c))
		}
		m.byRoute[i] = rm
	}
	for i, name := range [numEvents]string{"authorized", "auth_changed", "cancelled", "contact_change", "other", "data", "unlicensed"} {
		m.events[i] = events.WithLabelValues(name)
	}
	return m
}

// statsCollectors exposes the suite's counters ([suite.Stats]): what
// went wrong with pushes and installs since the process started, read
// from memory at scrape time. Alert on lost installs, unhandleable pushes,
// dropped jobs and store write errors; slow starts and retries say the
// workers fall behind or WeCom fails.
func statsCollectors(stats func() suite.Stats) []prometheus.Collector {
	counter := func(name, help string, v func(suite.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "suite_server_" + name, Help: help},
			func() float64 { return float64(v(stats())) })
	}
	return []prometheus.Collector{
		counter("unhandleable_pushes_total", "Signed pushes that can never be handled (malformed, for another suite, missing fields): answered success, logged and dropped.",
			func(s suite.Stats) uint64 { return s.Unhandleable }),
		counter("lost_installs_total", "Auth codes WeCom spent whose permanent code never reached the suite: each is an installation the corporation must redo. Alert on any.",
			func(s suite.Stats) uint64 { return s.LostInstalls }),
		counter("refused_tickets_total", "suite_tickets refused because they were stamped in the future (a clock is wrong).",
			func(s suite.Stats) uint64 { return s.RefusedTickets }),
		counter("dropped_tickets_total", "Stored suite_tickets WeCom refused (40085) and that were dropped so that the next push replaces them.",
			func(s suite.Stats) uint64 { return s.DroppedTickets }),
		counter("cancelled_installs_total", "Installs whose cancel_auth arrived before their exchange finished; not stored.",
			func(s suite.Stats) uint64 { return s.CancelledInstalls }),
		counter("jobs_added_total", "Pushes recorded as jobs.",
			func(s suite.Stats) uint64 { return s.Jobs.Added }),
		counter("jobs_duplicates_total", "Pushes that repeated a job pending or handled already (WeCom's retries).",
			func(s suite.Stats) uint64 { return s.Jobs.Duplicates }),
		counter("jobs_done_total", "Jobs handled.",
			func(s suite.Stats) uint64 { return s.Jobs.Done }),
		counter("jobs_retried_total", "Job runs that failed and will run again.",
			func(s suite.Stats) uint64 { return s.Jobs.Retried }),
		counter("jobs_dropped_total", "Jobs given up: an error no retry can fix, or out of attempts or age.",
			func(s suite.Stats) uint64 { return s.Jobs.Dropped }),
		counter("jobs_slow_starts_total", "Jobs that waited more than a minute for a worker.",
			func(s suite.Stats) uint64 { return s.Jobs.SlowStarts }),
		counter("store_write_errors_total", "Job outcomes or leases the store refused to write.",
			func(s suite.Stats) uint64 { return s.Jobs.WriteErrors }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "suite_server_store_last_write_error_timestamp_seconds",
			Help: "When the store last refused a job's write (Unix seconds); 0 if it never did since the start.",
		}, func() float64 {
			t := stats().Jobs.LastWriteError
			if t.IsZero() {
				return 0
			}
			return float64(t.UnixNano()) / 1e9
		}),
	}
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler { return appmetrics.Handler(m.reg) }

// observeRequest counts one answered request (the access log calls it).
func (m *metrics) observeRequest(r *http.Request, st *reqState, elapsed time.Duration) {
	rm := &m.byRoute[routeOf(r.Pattern)]
	c, ok := rm.codes[st.Status]
	if !ok {
		c = m.requests.WithLabelValues(rm.name, strconv.Itoa(st.Status))
	}
	c.Inc()
	rm.latency.Observe(elapsed.Seconds())
}

// observeCall is the wecom call hook: every HTTP attempt to WeCom.
func (m *metrics) observeCall(ctx context.Context, info wecom.CallInfo) {
	m.wecomCalls.Observe(ctx, info)
}

func (m *metrics) event(i int) { m.events[i].Inc() }
