// Package jsonlog is a slog.Handler that writes what slog.JSONHandler
// writes — one JSON object per record with time, level, msg and the
// attributes — for a fraction of its cost, and can add an attribute taken
// from the record's context (a request id) to every line.
//
// A server's access log writes one record per request; with the standard
// handler that record cost more than signing the request's answer.
package jsonlog

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/wecomkit/wecomkit/internal/jsonenc"
)

// Options configures a [Handler].
type Options struct {
	// Level is the minimum level written; nil means slog.LevelInfo.
	Level slog.Leveler
	// ContextKey and ContextValue add an attribute from each record's
	// context: when ContextValue returns a non-empty string and the record
	// (with the handler's own attributes) has no attribute named
	// ContextKey, the line gets ContextKey: value. A server uses it to put
	// the request id on every line logged while serving a request,
	// including the lines of libraries that log with the request's context.
	ContextKey   string
	ContextValue func(ctx context.Context) string
}

// Handler is a slog.Handler writing JSON lines to one io.Writer, each
// record in a single Write call. Groups (WithGroup) are rare in the
// servers; they are handed to slog.JSONHandler, so the output stays the same
// either way (without the context attribute).
type Handler struct {
	out      io.Writer
	level    slog.Leveler
	ctxKey   string
	ctxValue func(context.Context) string
	preHas   bool        // pre already holds ctxKey
	attrs    []slog.Attr // from WithAttrs, for the fallback
	pre      []byte      // the same attributes, encoded, each led by a comma
	bufs     *sync.Pool  // of *[]byte, shared by the handlers WithAttrs derives
}

// New returns a handler writing to out. opts may be nil.
func New(out io.Writer, opts *Options) *Handler {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Level == nil {
		o.Level = slog.LevelInfo
	}
	if o.ContextKey == "" {
		o.ContextValue = nil
	}
	return &Handler{out: out, level: o.Level, ctxKey: o.ContextKey, ctxValue: o.ContextValue,
		bufs: &sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}}
}

// Enabled reports whether l is at or above the handler's level.
func (h *Handler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

// WithAttrs returns a handler that adds attrs to every record.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	c.pre = append([]byte(nil), h.pre...)
	for _, a := range attrs {
		c.pre = appendAttr(c.pre, a)
		if a.Key == h.ctxKey && h.ctxKey != "" {
			c.preHas = true
		}
	}
	return &c
}

// WithGroup returns a slog.JSONHandler with the handler's level and
// attributes, opened on the group.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return slog.NewJSONHandler(h.out, &slog.HandlerOptions{Level: h.level}).WithAttrs(h.attrs).WithGroup(name)
}

// Handle writes r as one JSON line.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	bp, b := h.begin(r.Time, r.Level, r.Message)
	has := h.preHas
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == h.ctxKey {
			has = true
		}
		b = appendAttr(b, a)
		return true
	})
	return h.end(ctx, bp, b, has)
}

// HandleAttrs writes what Handle writes for a record of t, level, msg and
// attrs, without building a slog.Record: attrs may live on the caller's
// stack, so a hot path logs any number of attributes without allocating.
// The level is not checked; call Enabled first.
func (h *Handler) HandleAttrs(ctx context.Context, t time.Time, level slog.Level, msg string, attrs []slog.Attr) error {
	bp, b := h.begin(t, level, msg)
	has := h.preHas
	for _, a := range attrs {
		if a.Key == h.ctxKey {
			has = true
		}
		b = appendAttr(b, a)
	}
	return h.end(ctx, bp, b, has)
}

func (h *Handler) begin(t time.Time, level slog.Level, msg string) (*[]byte, []byte) {
	bp := h.bufs.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, '{')
	if !t.IsZero() {
		b = append(b, `"time":"`...)
		b = appendRFC3339Nano(b, t)
		b = append(b, `",`...)
	}
	b = append(b, `"level":"`...)
	b = append(b, level.String()...)
	b = append(b, `","msg":`...)
	b = jsonenc.AppendString(b, msg)
	return bp, append(b, h.pre...)
}

func (h *Handler) end(ctx context.Context, bp *[]byte, b []byte, has bool) error {
	if !has && h.ctxValue != nil && ctx != nil {
		if v := h.ctxValue(ctx); v != "" {
			b = append(b, ',')
			b = jsonenc.AppendString(b, h.ctxKey)
			b = append(b, ':')
			b = jsonenc.AppendString(b, v)
		}
	}
	b = append(b, '}', '\n')
	_, err := h.out.Write(b)
	if cap(b) <= 16<<10 { // do not keep the odd huge record's buffer
		*bp = b
		h.bufs.Put(bp)
	}
	return err
}

// appendRFC3339Nano appends t as t.AppendFormat(b, time.RFC3339Nano) does,
// several times faster.
func appendRFC3339Nano(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, time.RFC3339Nano)
	}
	hour, minute, sec := t.Clock()
	b = appendDigits(b, year, 4)
	b = append(b, '-')
	b = appendDigits(b, int(month), 2)
	b = append(b, '-')
	b = appendDigits(b, day, 2)
	b = append(b, 'T')
	b = appendDigits(b, hour, 2)
	b = append(b, ':')
	b = appendDigits(b, minute, 2)
	b = append(b, ':')
	b = appendDigits(b, sec, 2)
	if ns := t.Nanosecond(); ns != 0 {
		b = append(b, '.')
		digits := 9
		for ns%10 == 0 {
			ns /= 10
			digits--
		}
		b = appendDigits(b, ns, digits)
	}
	_, offset := t.Zone()
	if offset == 0 {
		return append(b, 'Z')
	}
	sign := byte('+')
	if offset < 0 {
		sign, offset = '-', -offset
	}
	b = append(b, sign)
	b = appendDigits(b, offset/3600, 2)
	b = append(b, ':')
	return appendDigits(b, offset/60%60, 2)
}

// appendDigits appends n zero-padded to width digits.
func appendDigits(b []byte, n, width int) []byte {
	var tmp [9]byte
	for i := width - 1; i >= 0; i-- {
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, tmp[:width]...)
}

// appendAttr appends ,"key":value the way slog.JSONHandler renders a.
func appendAttr(b []byte, a slog.Attr) []byte {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return b
	}
	if a.Value.Kind() == slog.KindGroup {
		attrs := a.Value.Group()
		if len(attrs) == 0 {
			return b
		}
		if a.Key == "" { // an unnamed group is inlined
			for _, ga := range attrs {
				b = appendAttr(b, ga)
			}
			return b
		}
		b = append(b, ',')
		b = jsonenc.AppendString(b, a.Key)
		b = append(b, ':', '{')
		start := len(b)
		for _, ga := range attrs {
			b = appendAttr(b, ga)
		}
		if len(b) > start && b[start] == ',' {
			b = append(b[:start], b[start+1:]...)
		}
		return append(b, '}')
	}
	b = append(b, ',')
	b = jsonenc.AppendString(b, a.Key)
	b = append(b, ':')
	return appendValue(b, a.Value)
}

func appendValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return jsonenc.AppendString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return jsonenc.AppendFloat(b, v.Float64())
	case slog.KindBool:
		return strconv.AppendBool(b, v.Bool())
	case slog.KindDuration:
		return strconv.AppendInt(b, int64(v.Duration()), 10)
	case slog.KindTime:
		b = append(b, '"')
		b = v.Time().AppendFormat(b, time.RFC3339Nano)
		return append(b, '"')
	}
	x := v.Any()
	if err, ok := x.(error); ok {
		return jsonenc.AppendString(b, err.Error())
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return jsonenc.AppendString(b, "!ERROR:"+err.Error())
	}
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}
