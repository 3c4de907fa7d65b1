package externalcontact_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/externalcontact"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// seenRequest is a request as the fake received it.
type seenRequest struct {
	Method string
	Query  map[string][]string
	Body   map[string]any
}

// recorder is a RoundTripper that keeps every request, by path, before
// passing it on.
type recorder struct {
	mu   sync.Mutex
	seen map[string][]seenRequest
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	s := seenRequest{Method: req.Method, Query: req.URL.Query()}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(b))
		_ = json.Unmarshal(b, &s.Body)
	}
	r.mu.Lock()
	r.seen[req.URL.Path] = append(r.seen[req.URL.Path], s)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

// last returns the last request to path.
func (r *recorder) last(t *testing.T, path string) seenRequest {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.seen[path]
	require.NotEmpty(t, list, "no request to %s", path)
	return list[len(list)-1]
}

type opsFixture struct {
	srv   *wecomtest.Server
	clock *wecomtest.Clock
	rec   *recorder
	ec    *externalcontact.Client
}

// start is the fake clock's start: 2026-03-10 10:00 China time.
var start = time.Date(2026, 3, 10, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func newOpsFixture(t *testing.T) *opsFixture {
	t.Helper()
	clock := wecomtest.NewClock(start)
	srv := wecomtest.NewServer(wecomtest.WithApp(corpID, wecomtest.App{AgentID: agentID, Secret: secret}), wecomtest.WithClock(clock.Now),
		wecomtest.WithTokenTTL(1000*time.Hour))
	t.Cleanup(srv.Close)
	rec := &recorder{seen: map[string][]seenRequest{}}
	c, err := wecom.New(corpID, secret, wecom.WithAgentID(agentID), wecom.WithBaseURL(srv.URL),
		wecom.WithHTTPClient(&http.Client{Transport: rec}), wecom.WithRetries(0))
	require.NoError(t, err)
	return &opsFixture{srv: srv, clock: clock, rec: rec, ec: externalcontact.New(c)}
}

// client returns a Client whose token is tok (another app's).
func (f *opsFixture) client(t *testing.T, tok string) *externalcontact.Client {
	t.Helper()
	c, err := wecom.NewWithTokenSource(corpID, wecom.StaticToken(tok), wecom.WithBaseURL(f.srv.URL),
		wecom.WithHTTPClient(&http.Client{Transport: f.rec}))
	require.NoError(t, err)
	return externalcontact.New(c)
}

// collect drains a sequence, failing on an error.
func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

// seqErr returns the first error of a sequence.
func seqErr[T any](seq func(func(T, error) bool)) error {
	for _, err := range seq {
		if err != nil {
			return err
		}
	}
	return nil
}
