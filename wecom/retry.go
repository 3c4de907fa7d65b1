package wecom

// WeCom's retry advice (https://developer.work.weixin.qq.com/document/path/90313):
// repeat only what may succeed when repeated, a bounded number of times,
// with jittered backoff so that many clients do not retry in step.

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"time"
)

// retryableTransport reports whether a failed attempt may succeed if
// repeated: connection failures, timeouts of the attempt and 5xx answers.
func retryableTransport(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.StatusCode >= 500
	}
	return !errors.Is(err, ErrResponseTooLarge)
}

// neverSent reports whether err happened before the request could reach
// the server (dialling failed), so that even a POST may be repeated.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff waits before retry number n (1-based) and reports whether to go
// on; it gives up at once if ctx would end before the wait does.
func (t *Transport) backoff(ctx context.Context, n int) bool {
	d := t.backoffBase << (n - 1)
	if d > t.backoffMax || d <= 0 {
		d = t.backoffMax
	}
	d = d/2 + rand.N(d/2+1)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}
