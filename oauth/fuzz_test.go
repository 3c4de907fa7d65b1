package oauth_test

import (
	"errors"
	"testing"
	"time"

	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// FuzzStateCheck feeds arbitrary state values, as they arrive in a
// redirect's query, to Check. It must never panic and must answer only nil,
// ErrInvalidState or ErrStateExpired. What it accepts must have WeCom's
// shape, and be refused for any other binding and after any change of one
// character. (The fuzzer's workers are separate processes, so "what this
// codec issued" cannot be a set of values; the MAC is what decides.)
func FuzzStateCheck(f *testing.F) {
	clock := wecomtest.NewClock(t0)
	c := newCodec(f, clock, 10*time.Minute)
	valid := c.Issue("bind")
	f.Add(valid, "bind")
	f.Add(valid, "")
	f.Add(valid[:63]+"g", "bind")
	f.Add("", "")
	f.Add("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "bind")
	f.Add("0000000000000000000000000000000000000000000000000000000000000000", "")
	f.Add("é", "bind")

	f.Fuzz(func(t *testing.T, state, binding string) {
		err := c.Check(state, binding)
		switch {
		case err == nil:
			if !wecomState.MatchString(state) || len(state) != 64 {
				t.Fatalf("accepted a malformed state %q", state)
			}
			if c.Check(state, binding+"x") == nil {
				t.Fatalf("state %q accepted for another binding", state)
			}
			for i := range state {
				b := []byte(state)
				b[i] ^= 1
				if c.Check(string(b), binding) == nil {
					t.Fatalf("state %q accepted after changing digit %d", b, i)
				}
			}
		case errors.Is(err, oauth.ErrInvalidState), errors.Is(err, oauth.ErrStateExpired):
		default:
			t.Fatalf("unexpected error %v", err)
		}
		// Whatever the binding, a fresh state for it checks.
		if err := c.Check(c.Issue(binding), binding); err != nil {
			t.Fatalf("fresh state for %q: %v", binding, err)
		}
	})
}
