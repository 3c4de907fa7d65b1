package oauth_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecomtest"
)

var stateKey = []byte("0123456789abcdef0123456789abcdef")

// WeCom's rule for state (doc 91022).
var wecomState = regexp.MustCompile(`^[A-Za-z0-9]{0,128}$`)

func newCodec(t testing.TB, clock *wecomtest.Clock, ttl time.Duration) *oauth.StateCodec {
	t.Helper()
	c, err := oauth.NewStateCodec(stateKey, ttl, oauth.WithClock(clock.Now))
	require.NoError(t, err)
	return c
}

func TestStateRoundTripAndShape(t *testing.T) {
	clock := wecomtest.NewClock(t0)
	c := newCodec(t, clock, 10*time.Minute)
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		s := c.Issue("session-cookie-value")
		require.Regexp(t, wecomState, s)
		require.Len(t, s, 64)
		require.False(t, seen[s], "states are unique")
		seen[s] = true
		require.NoError(t, c.Check(s, "session-cookie-value"))
		require.NoError(t, c.Check(s, "session-cookie-value"), "checking does not consume")
	}
	// The empty binding works too (but binds nothing).
	require.NoError(t, c.Check(c.Issue(""), ""))

	// The state fits into AuthorizeURL unescaped.
	s := c.Issue("b")
	require.Contains(t, oauth.AuthorizeURL("ww", "https://x/cb", s), "&state="+s+"#wechat_redirect")
}

func TestStateRejects(t *testing.T) {
	clock := wecomtest.NewClock(t0)
	c := newCodec(t, clock, 10*time.Minute)
	good := c.Issue("bind")
	other, err := oauth.NewStateCodec([]byte("another key, also long enough"), 10*time.Minute, oauth.WithClock(clock.Now))
	require.NoError(t, err)

	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == '0' {
			b[i] = '1'
		} else {
			b[i] = '0'
		}
		return string(b)
	}
	for name, tc := range map[string]struct {
		state, binding string
	}{
		"other binding":   {good, "bind2"},
		"binding prefix":  {good, "bin"},
		"empty":           {"", "bind"},
		"short":           {good[:63], "bind"},
		"long":            {good + "0", "bind"},
		"uppercase":       {strings.ToUpper(good), "bind"},
		"non-hex":         {"z" + good[1:], "bind"},
		"other key":       {other.Issue("bind"), "bind"},
		"time changed":    {flip(good, 15), "bind"},
		"nonce changed":   {flip(good, 20), "bind"},
		"mac changed":     {flip(good, 63), "bind"},
		"all zeros":       {strings.Repeat("0", 64), "bind"},
		"unicode padding": {good[:62] + "é", "bind"},
	} {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, c.Check(tc.state, tc.binding), oauth.ErrInvalidState)
		})
	}
	for i := range good {
		require.ErrorIs(t, c.Check(flip(good, i), "bind"), oauth.ErrInvalidState, "digit %d", i)
	}
}

func TestStateExpiry(t *testing.T) {
	clock := wecomtest.NewClock(t0)
	c := newCodec(t, clock, 10*time.Minute)
	s := c.Issue("b")
	clock.Advance(10 * time.Minute)
	require.NoError(t, c.Check(s, "b"), "valid for the whole TTL")
	clock.Advance(time.Second)
	err := c.Check(s, "b")
	require.ErrorIs(t, err, oauth.ErrStateExpired)
	require.NotErrorIs(t, err, oauth.ErrInvalidState)

	// Issued by an instance whose clock runs ahead: a minute is tolerated.
	ahead := wecomtest.NewClock(t0.Add(time.Minute))
	require.NoError(t, c.Check(newCodec(t, ahead, time.Minute).Issue("b"), "b"))
	clock.Set(t0)
	ahead.Set(t0.Add(time.Minute + 2*time.Second))
	require.ErrorIs(t, c.Check(newCodec(t, ahead, time.Minute).Issue("b"), "b"), oauth.ErrInvalidState)
}

func TestNewStateCodecValidates(t *testing.T) {
	_, err := oauth.NewStateCodec([]byte("short"), time.Minute)
	require.ErrorContains(t, err, "at least 16 bytes")
	_, err = oauth.NewStateCodec(stateKey, 0)
	require.ErrorContains(t, err, "ttl")

	// The key is copied: changing the caller's slice changes nothing.
	key := append([]byte(nil), stateKey...)
	c, err := oauth.NewStateCodec(key, time.Minute)
	require.NoError(t, err)
	s := c.Issue("b")
	key[0] ^= 1
	require.NoError(t, c.Check(s, "b"))
}
