package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
)

func TestUsedStates(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	u := newUsedStates(100, 3, time.Minute)

	// Once per state.
	require.Equal(t, useNew, u.use("s1", "b1", now))
	require.Equal(t, useAgain, u.use("s1", "b1", now))
	require.Equal(t, useAgain, u.use("s1", "b2", now), "whatever binding brings it")

	// A cap per binding cookie; other bindings are not affected.
	require.Equal(t, useNew, u.use("s2", "b1", now))
	require.Equal(t, useNew, u.use("s3", "b1", now))
	require.Equal(t, useTooMany, u.use("s4", "b1", now))
	require.Equal(t, useNew, u.use("s4", "b2", now))
	require.Equal(t, useAgain, u.use("s4", "b2", now), "a refused use is not recorded, an accepted one is")

	// Expiry frees both the states and the binding's share.
	later := now.Add(time.Minute + time.Second)
	require.Equal(t, useNew, u.use("s5", "b1", later))
	require.Equal(t, 1, u.len(), "the expired entries are gone")
	require.Equal(t, map[string]int{"b1": 1}, u.perBinding)
	require.Equal(t, useNew, u.use("s1", "b3", later), "forgotten after its TTL")

	// Full: the oldest is forgotten, one at a time.
	u = newUsedStates(3000, 5, time.Hour)
	for i := 0; i < 5000; i++ {
		require.Equal(t, useNew, u.use("s"+strconv.Itoa(i), "b"+strconv.Itoa(i), now))
		require.LessOrEqual(t, u.len(), 3000)
	}
	require.Len(t, u.seen, 3000)
	require.Len(t, u.perBinding, 3000)
	require.LessOrEqual(t, len(u.queue), 2*3000, "the queue's front is reclaimed")
	require.Equal(t, useNew, u.use("s1999", "x", now), "the oldest were forgotten")
	require.Equal(t, useAgain, u.use("s4999", "x", now), "the newest are remembered")
}

// One binding cookie cannot bring back states without end: after
// maxUsedPerBinding it gets 429 and a new binding.
func TestUsedStatesCapPerBinding(t *testing.T) {
	a := benchApp(t)
	b := browserBinding{id: randomHex(bindingLen / 2)}
	var last *httptest.ResponseRecorder
	for i := 0; i <= maxUsedPerBinding; i++ {
		last = noCodeCallback(a, &b)
		if i < maxUsedPerBinding {
			require.Equal(t, http.StatusBadRequest, last.Code, last.Body.String())
			require.Contains(t, last.Body.String(), "declined")
		}
	}
	require.Equal(t, http.StatusTooManyRequests, last.Code)
	require.Contains(t, last.Body.String(), "Too many sign-ins")
	require.Contains(t, last.Header().Get("Set-Cookie"), bindingCookie+"=;")
}

// benchApp is a server that is never asked to reach WeCom.
func benchApp(tb testing.TB) *app {
	tb.Helper()
	a, err := newApp(config{CorpID: "wwbench", AgentID: 1, Secret: "bench-secret", BaseURL: "http://127.0.0.1:1",
		PublicURL: "http://app.example", SessionKey: wecom.Secret(testSessionKey)}, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	require.NoError(tb, err)
	tb.Cleanup(func() { _ = a.Close() })
	return a
}

// noCodeCallback brings back a new state of b without a code (the member
// declined): the state is checked and recorded as used, and nothing asks
// WeCom.
func noCodeCallback(a *app, b *browserBinding) *httptest.ResponseRecorder {
	state := a.start(b, flowH5, false)
	req := httptest.NewRequest(http.MethodGet, "/oauth/callback?state="+state, nil)
	req.AddCookie(&http.Cookie{Name: bindingCookie, Value: b.id + "." + pendingID(state)})
	req.Header.Set("Accept-Language", "en")
	rec := httptest.NewRecorder()
	a.handler.ServeHTTP(rec, req)
	b.pending = nil
	return rec
}

// The callback with 100,000 used states remembered (the table full, as
// an unauthenticated client can make it).
func BenchmarkCallbackUsedStatesFull(b *testing.B) {
	a := benchApp(b)
	now := a.now()
	for i := 0; i < maxUsedStates; i++ {
		a.used.use(randomHex(32), randomHex(16), now)
	}
	bb := browserBinding{id: randomHex(bindingLen / 2)}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%maxUsedPerBinding == 0 {
			bb.id = randomHex(bindingLen / 2)
		}
		if rec := noCodeCallback(a, &bb); rec.Code != http.StatusBadRequest {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}
