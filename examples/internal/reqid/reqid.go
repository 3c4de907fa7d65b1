// Package reqid makes and checks request ids, the X-Request-Id a server
// puts on every answer and every log line of a request: ids unique across
// processes and restarts without reading crypto/rand per request, and a
// check that a caller's own id is safe to keep as it is.
package reqid

import (
	"crypto/rand"
	"encoding/binary"
	"sync/atomic"
)

// MaxLen is the longest caller-sent id IsSafe accepts.
const MaxLen = 64

// IsSafe reports whether id is 1 to MaxLen characters of [A-Za-z0-9._-],
// so that a caller's id can go into logs and headers as it is.
func IsSafe(id string) bool {
	if id == "" || len(id) > MaxLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Generator hands out ids unique across processes and restarts: a random
// 32-bit prefix chosen by New and a counter, as 16 hex digits. (Reading
// crypto/rand for every request cost more than the rest of the id.) It is
// safe for concurrent use.
type Generator struct {
	prefix uint64
	n      atomic.Uint32
}

// New returns a Generator with a fresh random prefix.
func New() *Generator {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &Generator{prefix: uint64(binary.BigEndian.Uint32(b[:])) << 32}
}

// Next returns the next id: 16 lower-case hex digits.
func (g *Generator) Next() string {
	var b [16]byte
	v := g.prefix | uint64(g.n.Add(1))
	for i := 15; i >= 0; i-- {
		b[i] = "0123456789abcdef"[v&0xf]
		v >>= 4
	}
	return string(b[:])
}

// Keep returns the caller's id when IsSafe accepts it, and a new id
// otherwise: a request keeps the id its caller (a proxy, another service)
// gave it, so that their logs and ours can be joined.
func (g *Generator) Keep(id string) string {
	if IsSafe(id) {
		return id
	}
	return g.Next()
}
