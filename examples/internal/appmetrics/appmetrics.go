// Package appmetrics holds the Prometheus pieces the servers share: a
// registry of the server's own (never the process-wide default, so that
// tests and several servers in one process do not collide) and the
// counters of the HTTP attempts to WeCom fed by wecom.WithCallHook. Each
// server keeps its own request and domain metrics.
package appmetrics

import (
	"context"
	"net/http"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/wecomkit/wecomkit/wecom"
)

// NewRegistry returns a new registry holding cs and the Go runtime and
// process collectors. It panics, like prometheus.MustRegister, when two
// collectors clash: that is a programming error found by any test.
func NewRegistry(cs ...prometheus.Collector) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(cs...)
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// Handler serves reg in the Prometheus text format.
func Handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// WeComCalls counts the HTTP attempts to WeCom, by API path and errcode,
// as <prefix>_wecom_calls_total and, when asked for,
// <prefix>_wecom_call_duration_seconds. It is a prometheus.Collector:
// register it, and give Observe to wecom.WithCallHook.
type WeComCalls struct {
	calls   *prometheus.CounterVec
	latency *prometheus.HistogramVec // nil without durations
}

// NewWeComCalls returns the WeCom call counters named after prefix (the
// server's metric namespace, such as "suite_server"); withDurations adds
// the histogram of each attempt's duration.
func NewWeComCalls(prefix string, withDurations bool) *WeComCalls {
	c := &WeComCalls{calls: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: prefix + "_wecom_calls_total",
		Help: `HTTP attempts to WeCom, by API path and errcode ("0" success, "transport" when WeCom did not answer).`,
	}, []string{"api", "errcode"})}
	if withDurations {
		c.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    prefix + "_wecom_call_duration_seconds",
			Help:    "Duration of one HTTP attempt to WeCom, by API path.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"api"})
	}
	return c
}

// Observe counts one attempt; its signature is wecom.WithCallHook's.
func (c *WeComCalls) Observe(_ context.Context, info wecom.CallInfo) {
	c.calls.WithLabelValues(info.Path, ErrcodeLabel(info)).Inc()
	if c.latency != nil {
		c.latency.WithLabelValues(info.Path).Observe(info.Latency.Seconds())
	}
}

// Describe implements prometheus.Collector.
func (c *WeComCalls) Describe(ch chan<- *prometheus.Desc) {
	c.calls.Describe(ch)
	if c.latency != nil {
		c.latency.Describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (c *WeComCalls) Collect(ch chan<- prometheus.Metric) {
	c.calls.Collect(ch)
	if c.latency != nil {
		c.latency.Collect(ch)
	}
}

// ErrcodeLabel is the errcode label of an attempt: WeCom's errcode, or
// "transport" when WeCom did not answer.
func ErrcodeLabel(info wecom.CallInfo) string {
	if info.Err != nil {
		return "transport"
	}
	return strconv.Itoa(info.ErrCode)
}
