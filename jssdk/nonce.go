package jssdk

import (
	"crypto/rand"
	"sync"
)

const (
	nonceLen      = 16
	nonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// nonceSource makes nonces of 16 characters of [A-Za-z0-9] from
// crypto/rand (about 95 bits each). Random bytes are read a kilobyte at a
// time into per-P buffers and each byte is used once: one system call per
// few dozen nonces instead of one per nonce, which is most of the cost of
// a nonce otherwise. Bytes of 248 and above are skipped so that every
// character is equally likely (248 = 4·62).
type nonceSource struct {
	pool sync.Pool // of *randomBytes
}

type randomBytes struct {
	b   [1024]byte
	off int
}

func (s *nonceSource) next() string {
	rb, _ := s.pool.Get().(*randomBytes)
	if rb == nil {
		rb = &randomBytes{}
		rb.off = len(rb.b)
	}
	var out [nonceLen]byte
	for n := 0; n < nonceLen; {
		if rb.off == len(rb.b) {
			if _, err := rand.Read(rb.b[:]); err != nil {
				panic("jssdk: crypto/rand failed: " + err.Error())
			}
			rb.off = 0
		}
		x := rb.b[rb.off]
		rb.off++
		if x < 248 {
			out[n] = nonceAlphabet[x%62]
			n++
		}
	}
	s.pool.Put(rb)
	return string(out[:])
}
