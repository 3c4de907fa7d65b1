package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"strconv"
	"sync"
	"time"
)

// jsonLogHandler is a slog.Handler that writes what slog.JSONHandler
// writes — one JSON object per record with time, level, msg and the
// attributes — for a fraction of its cost. The access log writes one record
// per request, and with the standard handler that record cost more than
// signing the request's answer. Groups (WithGroup) are rare here; they are
// handed to slog.JSONHandler, so the output stays the same either way.
type jsonLogHandler struct {
	out   io.Writer
	level slog.Leveler
	attrs []slog.Attr // from WithAttrs, for the fallback
	pre   []byte      // the same attributes, encoded, each led by a comma
	bufs  *sync.Pool  // of *[]byte, shared by the handlers WithAttrs derives
}

func newJSONLogHandler(out io.Writer, level slog.Leveler) *jsonLogHandler {
	if level == nil {
		level = slog.LevelInfo
	}
	return &jsonLogHandler{out: out, level: level, bufs: &sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}}
}

func (h *jsonLogHandler) Enabled(_ context.Context, l slog.Level) bool {
	return l >= h.level.Level()
}

func (h *jsonLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return h
	}
	c := *h
	c.attrs = append(append([]slog.Attr(nil), h.attrs...), attrs...)
	c.pre = append([]byte(nil), h.pre...)
	for _, a := range attrs {
		c.pre = appendLogAttr(c.pre, a)
	}
	return &c
}

func (h *jsonLogHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return slog.NewJSONHandler(h.out, &slog.HandlerOptions{Level: h.level}).WithAttrs(h.attrs).WithGroup(name)
}

func (h *jsonLogHandler) Handle(_ context.Context, r slog.Record) error {
	bp := h.bufs.Get().(*[]byte)
	b := (*bp)[:0]
	b = append(b, '{')
	if !r.Time.IsZero() {
		b = append(b, `"time":"`...)
		b = appendRFC3339Nano(b, r.Time)
		b = append(b, `",`...)
	}
	b = append(b, `"level":"`...)
	b = append(b, r.Level.String()...)
	b = append(b, `","msg":`...)
	b = appendJSONString(b, r.Message)
	b = append(b, h.pre...)
	r.Attrs(func(a slog.Attr) bool {
		b = appendLogAttr(b, a)
		return true
	})
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

// appendLogAttr appends ,"key":value the way slog.JSONHandler renders a.
func appendLogAttr(b []byte, a slog.Attr) []byte {
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
				b = appendLogAttr(b, ga)
			}
			return b
		}
		b = append(b, ',')
		b = appendJSONString(b, a.Key)
		b = append(b, ':', '{')
		start := len(b)
		for _, ga := range attrs {
			b = appendLogAttr(b, ga)
		}
		if len(b) > start && b[start] == ',' {
			b = append(b[:start], b[start+1:]...)
		}
		return append(b, '}')
	}
	b = append(b, ',')
	b = appendJSONString(b, a.Key)
	b = append(b, ':')
	return appendLogValue(b, a.Value)
}

func appendLogValue(b []byte, v slog.Value) []byte {
	switch v.Kind() {
	case slog.KindString:
		return appendJSONString(b, v.String())
	case slog.KindInt64:
		return strconv.AppendInt(b, v.Int64(), 10)
	case slog.KindUint64:
		return strconv.AppendUint(b, v.Uint64(), 10)
	case slog.KindFloat64:
		return appendJSONFloat(b, v.Float64())
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
		return appendJSONString(b, err.Error())
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return appendJSONString(b, "!ERROR:"+err.Error())
	}
	return append(b, bytes.TrimRight(buf.Bytes(), "\n")...)
}

// appendJSONFloat formats f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return appendJSONString(b, strconv.FormatFloat(f, 'g', -1, 64))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-07 → e-7, as encoding/json writes it
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
