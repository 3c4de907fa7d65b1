package main

import (
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// Limits of the routes that spend the provider's WeCom quota: each /install
// asks WeCom for a pre-auth code, each /qrcode for the app's QR code.
const (
	quotaBurst     = 10               // requests a client may make at once
	quotaEvery     = 6 * time.Second  // then one more per interval (10 a minute)
	maxQuotaKeys   = 100_000          // clients tracked at once
	quotaKeyPrefix = 64               // IPv6 clients are limited per /64
	quotaSweep     = 10 * time.Minute // how often full buckets are forgotten
)

// limiter is a token bucket per client address. Buckets are kept in one
// map: a full bucket is dropped at the next sweep, and once maxQuotaKeys
// clients are tracked a new one is refused until a sweep makes room.
type limiter struct {
	burst int
	every time.Duration
	now   func() time.Time

	mu        sync.Mutex
	buckets   map[netip.Addr]bucket
	lastSweep time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(burst int, every time.Duration) *limiter {
	return &limiter{burst: burst, every: every, now: time.Now, buckets: map[netip.Addr]bucket{}}
}

// allow takes one token of key's bucket; when there is none it returns
// how long until there is.
func (l *limiter) allow(key netip.Addr) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if now.Sub(l.lastSweep) >= quotaSweep {
		l.sweep(now)
	}
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxQuotaKeys {
			return false, l.every
		}
		b = bucket{tokens: float64(l.burst), at: now}
	}
	b.tokens = min(float64(l.burst), b.tokens+float64(now.Sub(b.at))/float64(l.every))
	b.at = now
	if b.tokens < 1 {
		l.buckets[key] = b
		return false, time.Duration((1 - b.tokens) * float64(l.every))
	}
	b.tokens--
	l.buckets[key] = b
	return true, 0
}

// sweep forgets the buckets that have refilled.
func (l *limiter) sweep(now time.Time) {
	l.lastSweep = now
	full := time.Duration(l.burst) * l.every
	for k, b := range l.buckets {
		if now.Sub(b.at) >= full {
			delete(l.buckets, k)
		}
	}
}

// clientKey is the address a request came from (the TCP peer: behind a
// proxy, every client shares the proxy's address), IPv6 cut to its /64.
func clientKey(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(quotaKeyPrefix); err == nil {
			a = p.Addr()
		}
	}
	return a
}

// limited wraps h: a client over its quota is answered 429 with
// Retry-After, and h does not run.
func (l *limiter) limited(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := l.allow(clientKey(r)); !ok {
			secs := int((wait + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
			writeJSONError(w, http.StatusTooManyRequests, "too many requests from this address: each one spends the provider's WeCom quota; try again later")
			return
		}
		h(w, r)
	}
}
