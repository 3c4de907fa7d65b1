// Package accesslog is the example servers' one access log: Handler gives
// each request an id, carries it in the request's context, recovers
// panics, records the status and writes one line per request with the
// fields every server logs plus the server's own (Options.Fields, one
// hook for all three servers). Beside it: the response writer that
// remembers the status, the cap on fields taken from a request, and a
// line writer that skips slog.Logger's overhead on the hot path.
package accesslog

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/jsonlog"
)

// Recorder is an http.ResponseWriter that remembers the status of the
// answer for the access log. Embed it in a request's state so that both
// come in one allocation.
type Recorder struct {
	http.ResponseWriter
	// Status is the status written first: 0 until the handler writes,
	// http.StatusOK when it wrote a body without a header.
	Status int
}

// WriteHeader records the first status and passes it on.
func (r *Recorder) WriteHeader(status int) {
	if r.Status == 0 {
		r.Status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

// Write records an implicit 200 and passes p on.
func (r *Recorder) Write(p []byte) (int, error) {
	if r.Status == 0 {
		r.Status = http.StatusOK
	}
	return r.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *Recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Cap cuts s to max bytes (on a UTF-8 boundary) and says how much was cut,
// so that a 15 KB path does not make a 15 KB log line.
func Cap(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…[" + strconv.Itoa(len(s)-cut) + " more bytes]"
}

// Writer writes access-log lines to a slog.Handler. On a jsonlog.Handler
// it hands the attributes straight over: slog.Logger would capture the
// caller's program counter, which costs more than the rest of the line,
// and a slog.Record holds only five attributes without an allocation.
type Writer struct {
	h    slog.Handler
	fast *jsonlog.Handler
}

// NewWriter returns a Writer for h.
func NewWriter(h slog.Handler) Writer {
	fast, _ := h.(*jsonlog.Handler)
	return Writer{h: h, fast: fast}
}

// Enabled reports whether a line at level would be written; check it
// before building the attributes.
func (w Writer) Enabled(ctx context.Context, level slog.Level) bool {
	return w.h.Enabled(ctx, level)
}

// Write writes one line with time t, level, msg and attrs. attrs may live
// on the caller's stack: it is not kept.
func (w Writer) Write(ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr) {
	if w.fast != nil {
		_ = w.fast.HandleAttrs(ctx, t, level, msg, attrs)
		return
	}
	rl := slog.NewRecord(t, level, msg, 0)
	rl.AddAttrs(attrs...)
	_ = w.h.Handle(ctx, rl)
}
