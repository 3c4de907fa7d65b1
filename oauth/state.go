package oauth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"time"
)

// StateCodec issues and checks the state parameter of an OAuth2 or web
// login link: the defence against a forged redirect (CSRF). WeCom returns
// state unchanged with the code, and allows only [A-Za-z0-9], at most 128
// bytes (doc 91022).
//
// A state is 64 lowercase hex digits: the issue time (Unix seconds), 8
// random bytes and a 128-bit HMAC-SHA256 over both and a binding. Binding
// it to something only the user's browser has — typically a random value
// in a cookie set when the link is built — is what stops an attacker from
// sending a victim through the attacker's own login: a state merely
// signed by the server would be as good in the attacker's hands as in the
// victim's. Checking needs no storage, so a state can be replayed within
// its TTL by whoever holds the same binding; keep the TTL short (the code
// itself lives 5 minutes).
//
// A StateCodec is safe for concurrent use.
type StateCodec struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// StateOption configures a [StateCodec].
type StateOption interface{ applyState(*StateCodec) }

type stateOptionFunc func(*StateCodec)

func (f stateOptionFunc) applyState(c *StateCodec) { f(c) }

// WithClock sets the clock a [StateCodec] checks ages against; tests pass
// a fake clock's Now (wecomtest.Clock). The default is time.Now.
func WithClock(now func() time.Time) StateOption {
	return stateOptionFunc(func(c *StateCodec) {
		if now != nil {
			c.now = now
		}
	})
}

const (
	stateLen        = 64 // hex digits
	stateMACLen     = 16
	stateRawLen     = 8 + 8 + stateMACLen
	stateMinKeyLen  = 16
	stateMaxSkew    = time.Minute // a state issued by an instance whose clock runs ahead
	stateDomainSalt = "wecomkit/oauth/state/v1\x00"
)

// NewStateCodec returns a codec whose states are signed with key (at least
// 16 bytes; 32 random bytes are best, shared by every instance that checks
// the states) and accepted for ttl after they were issued. The key is
// copied.
func NewStateCodec(key []byte, ttl time.Duration, opts ...StateOption) (*StateCodec, error) {
	if len(key) < stateMinKeyLen {
		return nil, invalidArgument("oauth: state key must be at least %d bytes, got %d", stateMinKeyLen, len(key))
	}
	if ttl < time.Second {
		return nil, invalidArgument("oauth: state ttl must be at least 1s, got %v", ttl)
	}
	c := &StateCodec{key: append([]byte(nil), key...), ttl: ttl, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o.applyState(c)
		}
	}
	return c, nil
}

// Issue returns a new state bound to binding (which may be empty, but
// see [StateCodec] for why it should not be). It panics only if the
// system's random source fails.
func (c *StateCodec) Issue(binding string) string {
	var raw [stateRawLen]byte
	binary.BigEndian.PutUint64(raw[0:8], uint64(c.now().Unix()))
	if _, err := rand.Read(raw[8:16]); err != nil {
		panic("oauth: crypto/rand failed: " + err.Error())
	}
	var sum [sha256.Size]byte
	c.mac(raw[:16], binding, sum[:0])
	copy(raw[16:], sum[:stateMACLen])
	return hex.EncodeToString(raw[:])
}

// Check reports whether state was issued by a codec with the same key for
// the same binding and is younger than the TTL. It returns nil,
// [ErrInvalidState] (malformed, forged, other binding, or issued more than
// a minute in the future) or [ErrStateExpired].
func (c *StateCodec) Check(state, binding string) error {
	if len(state) != stateLen {
		return ErrInvalidState
	}
	var raw [stateRawLen]byte
	for i := 0; i < stateLen; i++ {
		if ch := state[i]; !('0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'f') {
			return ErrInvalidState
		}
	}
	if _, err := hex.Decode(raw[:], []byte(state)); err != nil {
		return ErrInvalidState
	}
	var want [sha256.Size]byte
	c.mac(raw[:16], binding, want[:0])
	if !hmac.Equal(raw[16:], want[:stateMACLen]) {
		return ErrInvalidState
	}
	issued := binary.BigEndian.Uint64(raw[0:8])
	if issued > math.MaxInt64/2 {
		return ErrInvalidState // cannot come from Issue
	}
	age := c.now().Sub(time.Unix(int64(issued), 0))
	switch {
	case age < -stateMaxSkew:
		return fmt.Errorf("%w: issued in the future", ErrInvalidState)
	case age > c.ttl:
		return ErrStateExpired
	}
	return nil
}

// mac appends HMAC-SHA256(key, salt ‖ head ‖ binding) to dst. head has a
// fixed length, so the binding cannot be shifted into it.
func (c *StateCodec) mac(head []byte, binding string, dst []byte) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(stateDomainSalt))
	m.Write(head)
	m.Write([]byte(binding))
	return m.Sum(dst)
}
