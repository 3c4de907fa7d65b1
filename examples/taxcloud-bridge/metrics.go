package main

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/wecomkit/wecomkit/examples/internal/appmetrics"
	"github.com/wecomkit/wecomkit/signer"
	"github.com/wecomkit/wecomkit/wecom"
)

// Route labels of the request metrics. Requests that match no route (404,
// redirects of unclean paths) count as "other", so a scanner cannot grow
// the label set.
const (
	routeUserinfo = iota
	routeJSSDK
	routeHealthz
	routeReadyz
	routeMetricsEndpoint
	routeVerifyFile
	routeDemo
	routeOther
	numRoutes
)

func routeNames() [numRoutes]string {
	return [numRoutes]string{"/userinfo", "/js-sdk", "/healthz", "/readyz", "/metrics", "/WW_verify", "/demo", "other"}
}

// answerLabels are the "code" label values counted without a lookup: the
// contract's result codes and the HTTP statuses the bridge answers without
// an envelope.
func answerLabels() []string {
	return []string{
		codeOK, codeBadParam, codeBadSignature, codeExpired, codeWrongAppID, codeInvalidCode,
		codeNotMember, codeNoContact, codeWeComError, codeInternal,
		"200", "301", "307", "308", "400", "404", "405", "500", "503",
	}
}

// Signature-form labels.
const (
	formAll = iota
	formAppIDTS
	formFields
	formNone
	formDisabled
	numForms
)

// metrics are the bridge's Prometheus collectors, on a registry of its own
// (never the process-wide default). Everything on the request path is
// resolved to a counter or observer at start, so counting a request costs
// a few atomic adds and no allocation.
type metrics struct {
	reg *prometheus.Registry

	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	wecomCalls *appmetrics.WeComCalls
	fetches    *prometheus.CounterVec

	byRoute   [numRoutes]routeMetrics
	forms     [numForms]prometheus.Counter
	cacheHit  prometheus.Counter
	cacheMiss prometheus.Counter

	// fetchSeq counts credential fetches (gettoken, jsapi and agent
	// tickets), successful or not: a request during which it did not move
	// was served from the token and ticket caches.
	fetchSeq atomic.Uint64
}

type routeMetrics struct {
	name    string
	byCode  [numCodes + 1]prometheus.Counter // the contract's codes by codeIndex; the last is nil
	codes   map[string]prometheus.Counter    // read-only after newMetrics
	latency prometheus.Observer
}

func newMetrics() *metrics {
	m := &metrics{wecomCalls: appmetrics.NewWeComCalls("taxcloud_bridge", true)}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "taxcloud_bridge_requests_total",
		Help: "Requests answered, by route and answer code (the envelope's code, or the HTTP status when the answer had no envelope).",
	}, []string{"route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "taxcloud_bridge_request_duration_seconds",
		Help:    "Time to answer a request, by route.",
		Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route"})
	m.fetches = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "taxcloud_bridge_credential_fetches_total",
		Help: "Fetches of an access token or ticket from WeCom, by credential and result (ok, error).",
	}, []string{"credential", "result"})
	cache := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "taxcloud_bridge_credential_cache_total",
		Help: "Signed requests that reached WeCom's part of the work, by whether they were served from the token and ticket caches (hit: no credential fetch happened in the process while they ran) or not (miss).",
	}, []string{"result"})
	forms := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "taxcloud_bridge_signature_forms_total",
		Help: `Signed requests by the signature form that matched: "all" parameters, "appid+ts" only (compatible mode), "fields", "none" (rejected) or "disabled" (checks off).`,
	}, []string{"form"})
	m.reg = appmetrics.NewRegistry(m.requests, m.latency, m.wecomCalls, m.fetches, cache, forms)

	for i, name := range routeNames() {
		labels := answerLabels()
		rm := routeMetrics{name: name, codes: make(map[string]prometheus.Counter, len(labels)), latency: m.latency.WithLabelValues(name)}
		for _, c := range labels {
			rm.codes[c] = m.requests.WithLabelValues(name, c)
			if i := codeIndex(c); i < numCodes {
				rm.byCode[i] = rm.codes[c]
			}
		}
		m.byRoute[i] = rm
	}
	for i, name := range [numForms]string{"all", "appid+ts", "fields", "none", "disabled"} {
		m.forms[i] = forms.WithLabelValues(name)
	}
	m.cacheHit = cache.WithLabelValues("hit")
	m.cacheMiss = cache.WithLabelValues("miss")
	for _, c := range []string{"access_token", "jsapi_ticket", "agent_ticket"} {
		for _, r := range []string{"ok", "error"} {
			m.fetches.WithLabelValues(c, r) // show zeros before the first fetch
		}
	}
	return m
}

// handler serves the registry in the Prometheus text format.
func (m *metrics) handler() http.Handler { return appmetrics.Handler(m.reg) }

// routeOf maps the pattern the mux matched to a route label.
func routeOf(pattern string) int {
	switch pattern {
	case "GET /userinfo", "HEAD /userinfo":
		return routeUserinfo
	case "GET /js-sdk":
		return routeJSSDK
	case "GET /healthz":
		return routeHealthz
	case "GET /readyz":
		return routeReadyz
	case "GET /metrics":
		return routeMetricsEndpoint
	case "GET /demo":
		return routeDemo
	}
	if len(pattern) > len("GET /WW_verify_") && pattern[:len("GET /WW_verify_")] == "GET /WW_verify_" {
		return routeVerifyFile
	}
	return routeOther
}

// observeRequest counts one answered request (the access log calls it).
func (m *metrics) observeRequest(r *http.Request, st *reqState, elapsed time.Duration) {
	rm := &m.byRoute[routeOf(r.Pattern)]
	code := st.Data.result
	if code == "" {
		code = statusLabel(st.Status)
	}
	c := rm.byCode[codeIndex(code)]
	if c == nil {
		c = rm.codes[code]
	}
	if c == nil {
		c = m.requests.WithLabelValues(rm.name, code)
	}
	c.Inc()
	rm.latency.Observe(elapsed.Seconds())
	if st.Data.signed {
		m.forms[formIndex(st)].Inc()
	}
}

func formIndex(st *reqState) int {
	switch {
	case st.Data.noSign:
		return formDisabled
	case st.Data.form == signer.FormAll:
		return formAll
	case st.Data.form == signer.FormAppIDTS:
		return formAppIDTS
	case st.Data.form == signer.FormFields:
		return formFields
	}
	return formNone
}

// numCodes is the number of the contract's result codes.
const numCodes = 10

// codeIndex numbers the contract's result codes 0…numCodes-1 (a switch is
// cheaper than hashing the string); anything else is numCodes.
func codeIndex(code string) int {
	switch code {
	case codeOK:
		return 0
	case codeBadParam:
		return 1
	case codeBadSignature:
		return 2
	case codeExpired:
		return 3
	case codeWrongAppID:
		return 4
	case codeInvalidCode:
		return 5
	case codeNotMember:
		return 6
	case codeNoContact:
		return 7
	case codeWeComError:
		return 8
	case codeInternal:
		return 9
	}
	return numCodes
}

// statusLabel returns the HTTP status as a label without allocating for
// the usual ones.
func statusLabel(status int) string {
	switch status {
	case 0, 200:
		return "200"
	case 404:
		return "404"
	case 405:
		return "405"
	case 503:
		return "503"
	}
	return strconv.Itoa(status)
}

// credentialOf names the credential a WeCom API path fetches, or "".
func credentialOf(path string) string {
	switch path {
	case "/cgi-bin/gettoken":
		return "access_token"
	case "/cgi-bin/get_jsapi_ticket":
		return "jsapi_ticket"
	case "/cgi-bin/ticket/get":
		return "agent_ticket"
	}
	return ""
}

// observeCall is the wecom.WithCallHook: every HTTP attempt to WeCom.
func (m *metrics) observeCall(ctx context.Context, info wecom.CallInfo) {
	m.wecomCalls.Observe(ctx, info)
	if cred := credentialOf(info.Path); cred != "" {
		m.fetchSeq.Add(1)
		result := "ok"
		if info.Err != nil || info.ErrCode != 0 {
			result = "error"
		}
		m.fetches.WithLabelValues(cred, result).Inc()
	}
}

// cacheMark starts watching one request for credential fetches; pass the
// mark to cacheDone when the request's WeCom part is done.
func (m *metrics) cacheMark() uint64 { return m.fetchSeq.Load() }

// cacheDone counts the request as a cache hit when no credential fetch
// happened since mark.
func (m *metrics) cacheDone(mark uint64) {
	if m.fetchSeq.Load() == mark {
		m.cacheHit.Inc()
	} else {
		m.cacheMiss.Inc()
	}
}
