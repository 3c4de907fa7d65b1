package signer

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// get calls srv over loopback with the raw query and returns status and body.
func get(t *testing.T, srv *httptest.Server, raw string) (int, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + "/userinfo?" + raw)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(body)
}

func TestMiddleware(t *testing.T) {
	v := mustVerifier(testSecret, WithClock(fixedClock(testNow)))
	var (
		mu      sync.Mutex
		calls   int
		gotErrs []error
	)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		mu.Unlock()
		_, _ = io.WriteString(w, "hello "+r.URL.Query().Get("code"))
	})
	onError := func(w http.ResponseWriter, r *http.Request, err error) {
		mu.Lock()
		gotErrs = append(gotErrs, err)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, `{"code":"4002"}`)
	}
	var forms []Form
	onVerified := func(r *http.Request, f Form) {
		mu.Lock()
		forms = append(forms, f)
		mu.Unlock()
	}
	srv := httptest.NewServer(v.Middleware(next, OnError(onError), OnVerified(onVerified)))
	defer srv.Close()

	good := SignQuery(url.Values{"appid": {"ww1"}, "code": {"c 1"}}, testSecret, time.Unix(testNow, 0))
	status, body := get(t, srv, good.Encode())
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "hello c 1", body)
	require.Equal(t, 1, calls)
	require.Empty(t, gotErrs)
	require.Equal(t, []Form{FormAll}, forms)

	pair := SignQuery(url.Values{"appid": {"ww1"}}, testSecret, time.Unix(testNow, 0))
	pair.Set("code", "c 2") // unsigned, as in the tax cloud's own example
	status, body = get(t, srv, pair.Encode())
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "hello c 2", body)
	require.Equal(t, []Form{FormAll, FormAppIDTS}, forms)

	bad := SignQuery(url.Values{"appid": {"ww1"}, "code": {"c 1"}}, "wrong", time.Unix(testNow, 0))
	status, body = get(t, srv, bad.Encode())
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, `{"code":"4002"}`, body)
	require.Equal(t, 2, calls, "next must not run")
	require.Len(t, gotErrs, 1)
	require.ErrorIs(t, gotErrs[0], ErrBadSignature)
}

func TestMiddlewareDefaultOnError(t *testing.T) {
	v := mustVerifier(testSecret, WithClock(fixedClock(testNow)))
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok") })
	srv := httptest.NewServer(v.Middleware(next, OnError(nil)))
	defer srv.Close()

	signed := func(sec int64) url.Values {
		return SignQuery(url.Values{"appid": {"ww1"}, "code": {"c"}}, testSecret, time.Unix(sec, 0))
	}
	good := signed(testNow)
	tests := []struct {
		name   string
		raw    string
		status int
		want   error
	}{
		{"good", good.Encode(), http.StatusOK, nil},
		{"missing sign", "appid=ww1&ts=" + ts(testNow), http.StatusUnauthorized, ErrMissingSignature},
		{"wrong sign", strings.Replace(good.Encode(), "code=c", "code=d", 1), http.StatusUnauthorized, ErrBadSignature},
		{"stale", signed(testNow - 301).Encode(), http.StatusUnauthorized, ErrExpired},
		{"future", signed(testNow + 301).Encode(), http.StatusUnauthorized, ErrExpired},
		{"missing ts", "appid=ww1&sign=" + good.Get("sign"), http.StatusBadRequest, ErrMissingTimestamp},
		{"malformed ts", "appid=ww1&ts=soon&sign=" + good.Get("sign"), http.StatusBadRequest, ErrBadTimestamp},
		{"duplicate", good.Encode() + "&code=e", http.StatusBadRequest, ErrDuplicateParam},
		{"malformed query", good.Encode() + "&x=%zz", http.StatusBadRequest, ErrMalformedQuery},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(t, srv, tt.raw)
			require.Equal(t, tt.status, status)
			if tt.want == nil {
				require.Equal(t, "ok", body)
				return
			}
			require.True(t, strings.HasPrefix(body, tt.want.Error()), "body %q", body)
			require.NotContains(t, body, testSecret)
			require.NotContains(t, body, good.Get("sign"))
		})
	}
}

func TestMiddlewareOnErrorSeesRequest(t *testing.T) {
	v := mustVerifier(testSecret)
	var seen *http.Request
	h := v.Middleware(http.NotFoundHandler(), OnError(func(w http.ResponseWriter, r *http.Request, err error) {
		seen = r
		if errors.Is(err, ErrMissingSignature) {
			w.WriteHeader(http.StatusTeapot)
		}
	}))
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/js-sdk?appid=a", nil)
	h.ServeHTTP(rec, req)
	require.Equal(t, http.StatusTeapot, rec.Code)
	require.Same(t, req, seen)
}

func TestMiddlewareNilHandlerPanics(t *testing.T) {
	require.PanicsWithValue(t, "signer: Middleware: nil handler", func() { mustVerifier("x").Middleware(nil) })
}
