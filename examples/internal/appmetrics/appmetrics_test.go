package appmetrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
)

func scrape(t *testing.T, h http.Handler) string {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, w.Code)
	b, err := io.ReadAll(w.Body)
	require.NoError(t, err)
	return string(b)
}

func TestWeComCallsWithDurations(t *testing.T) {
	c := NewWeComCalls("app", true)
	h := Handler(NewRegistry(c))
	ctx := context.Background()
	c.Observe(ctx, wecom.CallInfo{Path: "/cgi-bin/gettoken", Latency: 20 * time.Millisecond})
	c.Observe(ctx, wecom.CallInfo{Path: "/cgi-bin/gettoken", ErrCode: 40001})
	c.Observe(ctx, wecom.CallInfo{Path: "/cgi-bin/user/get", Err: errors.New("dial: refused")})
	text := scrape(t, h)
	for _, want := range []string{
		`app_wecom_calls_total{api="/cgi-bin/gettoken",errcode="0"} 1`,
		`app_wecom_calls_total{api="/cgi-bin/gettoken",errcode="40001"} 1`,
		`app_wecom_calls_total{api="/cgi-bin/user/get",errcode="transport"} 1`,
		`app_wecom_call_duration_seconds_bucket{api="/cgi-bin/gettoken",le="0.025"} 2`,
		`app_wecom_call_duration_seconds_count{api="/cgi-bin/user/get"} 1`,
		`# HELP app_wecom_calls_total HTTP attempts to WeCom, by API path and errcode ("0" success, "transport" when WeCom did not answer).`,
		"go_goroutines", "process_", // the runtime and process collectors
	} {
		require.Contains(t, text, want)
	}
}

func TestWeComCallsWithoutDurations(t *testing.T) {
	c := NewWeComCalls("app", false)
	h := Handler(NewRegistry(c))
	c.Observe(context.Background(), wecom.CallInfo{Path: "/cgi-bin/gettoken", Latency: time.Second})
	text := scrape(t, h)
	require.Contains(t, text, `app_wecom_calls_total{api="/cgi-bin/gettoken",errcode="0"} 1`)
	require.NotContains(t, text, "app_wecom_call_duration_seconds")
}

func TestRegistriesAreSeparate(t *testing.T) {
	a, b := NewWeComCalls("app", false), NewWeComCalls("app", false)
	ha, hb := Handler(NewRegistry(a)), Handler(NewRegistry(b))
	a.Observe(context.Background(), wecom.CallInfo{Path: "/a"})
	require.Contains(t, scrape(t, ha), `api="/a"`)
	require.NotContains(t, scrape(t, hb), `api="/a"`)
}

func TestErrcodeLabel(t *testing.T) {
	require.Equal(t, "0", ErrcodeLabel(wecom.CallInfo{}))
	require.Equal(t, "60011", ErrcodeLabel(wecom.CallInfo{ErrCode: 60011}))
	require.Equal(t, "transport", ErrcodeLabel(wecom.CallInfo{ErrCode: 60011, Err: errors.New("x")}))
}
