package accesslog

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/wecomkit/wecomkit/examples/internal/jsonlog"
	"github.com/wecomkit/wecomkit/examples/internal/reqid"
)

// MaxField caps every log field a server takes from a request or a push
// (path, method, event types, corp ids): a 15 KB path must not make a
// 15 KB log line.
const MaxField = 256

// Field cuts s to MaxField bytes (see Cap).
func Field(s string) string { return Cap(s, MaxField) }

// Request is what the access log knows about every request, whatever the
// server. It travels in the request's context (see StateOf and
// RequestID), so that handlers can record on it and every line logged
// with that context carries the request id.
type Request struct {
	// Recorder is the response writer the handler gets; its Status is the
	// answer's status (200 once the handler wrote nothing).
	Recorder
	// ID is the request id: the caller's X-Request-Id when reqid.IsSafe
	// accepts it (so a proxy's logs and ours can be joined), a new one
	// otherwise. It is echoed in the answer's X-Request-Id.
	ID string
	// Failed marks an answer that reports a failure of the server although
	// its status does not (the bridge answers its internal error with HTTP
	// 200 and code 5000): the line is logged at error level, like a 5xx.
	Failed bool

	idHdr [1]string // the X-Request-Id header value, without another allocation
}

func (q *Request) request() *Request { return q }

// State is a request's Request and the server's own data about it (the
// bridge's answer buffer and result code, say), in one allocation.
type State[X any] struct {
	Request
	// Data is the server's own: the middleware only zeroes it.
	Data X
}

type stateKey struct{}

// StateOf returns the state Handler attached to ctx for a server whose
// data is X, or nil (a request that did not come through Handler).
func StateOf[X any](ctx context.Context) *State[X] {
	st, _ := ctx.Value(stateKey{}).(*State[X])
	return st
}

// RequestID returns the id of the request ctx belongs to, or "". It is
// the ContextValue of NewLogger's handler.
func RequestID(ctx context.Context) string {
	if q, ok := ctx.Value(stateKey{}).(interface{ request() *Request }); ok {
		return q.request().ID
	}
	return ""
}

// NewLogger returns a server's JSON logger writing to out: every line
// logged with a request's context carries its request_id, the wecom
// client's and the suite's included.
func NewLogger(out io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(jsonlog.New(out, &jsonlog.Options{Level: level, ContextKey: "request_id", ContextValue: RequestID}))
}

// MaxExtra is how many fields of its own a server may add to a line.
const MaxExtra = 4

// Extra is the fields a server adds to a request's line. It is a value
// returned by the Fields hook, not a slice handed to it, so that the
// line's attributes stay on the stack: a slice passed to a function value
// escapes to the heap, one allocation per request.
type Extra struct {
	attrs [MaxExtra]slog.Attr
	n     int
}

// Add adds a to the line. More than MaxExtra fields is a programming
// error, which any test of the server finds: it panics.
func (e *Extra) Add(a slog.Attr) {
	if e.n == MaxExtra {
		panic("accesslog: more than MaxExtra fields")
	}
	e.attrs[e.n] = a
	e.n++
}

// Fields returns a server's own fields for the line of a finished
// request: st.Status is final. It is called only when the line is written.
type Fields[X any] func(r *http.Request, st *State[X]) Extra

// Options are a server's hooks; each may be nil.
type Options[X any] struct {
	// Method adds the request's method to each line, after the fields
	// every server logs and before Fields'.
	Method bool
	// Fields adds the server's own fields to each line (result, route,
	// …) after the ones every server logs.
	Fields Fields[X]
	// Observe is told about every finished request, logged or not
	// (metrics); st.Status is final.
	Observe func(r *http.Request, st *State[X], elapsed time.Duration)
	// Panic answers a request whose handler panicked before writing
	// anything (nil: 500 with a short text body). It runs with the
	// request's context, so it may record on the state.
	Panic func(w http.ResponseWriter, r *http.Request)
}

// Handler wraps next in the servers' access log. For every request,
// whatever its method and route, it gives the request an id (see
// Request.ID) and puts it in the answer's X-Request-Id and the request's
// context with the State; turns a panic into an answer (opts.Panic) and
// an error line "panic serving request" with the stack; and logs one line
// "request" with request_id, path (capped at MaxField), status and
// latency_ms, then the fields of opts.Fields — at error level for a 5xx or
// a Failed request. The query string is never logged: it carries codes,
// states and signatures.
func Handler[X any](logger *slog.Logger, next http.Handler, opts Options[X]) http.Handler {
	m := &middleware[X]{logger: logger, lw: NewWriter(logger.Handler()), ids: reqid.New(), opts: opts}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := &State[X]{}
		st.ID = m.ids.Keep(r.Header.Get("X-Request-Id"))
		st.idHdr[0] = st.ID
		w.Header()["X-Request-Id"] = st.idHdr[:]
		st.ResponseWriter = w
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		defer m.done(r, st, start)
		next.ServeHTTP(&st.Recorder, r)
	})
}

type middleware[X any] struct {
	logger *slog.Logger
	lw     Writer
	ids    *reqid.Generator
	opts   Options[X]
}

// done finishes a request: it is deferred, so that it can recover.
func (m *middleware[X]) done(r *http.Request, st *State[X], start time.Time) {
	if p := recover(); p != nil {
		if p == http.ErrAbortHandler {
			panic(p)
		}
		m.logger.LogAttrs(r.Context(), slog.LevelError, "panic serving request",
			slog.String("path", Field(r.URL.Path)), slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
		if st.Status == 0 {
			if m.opts.Panic != nil {
				m.opts.Panic(&st.Recorder, r)
			} else {
				http.Error(&st.Recorder, "500 internal error", http.StatusInternalServerError)
			}
		}
	}
	if st.Status == 0 {
		st.Status = http.StatusOK // what net/http sends for a handler that wrote nothing
	}
	elapsed := time.Since(start)
	if m.opts.Observe != nil {
		m.opts.Observe(r, st, elapsed)
	}
	level := slog.LevelInfo
	if st.Status >= 500 || st.Failed {
		level = slog.LevelError
	}
	ctx := r.Context()
	if !m.lw.Enabled(ctx, level) {
		return
	}
	var buf [5 + MaxExtra]slog.Attr
	attrs := append(buf[:0],
		slog.String("request_id", st.ID),
		slog.String("path", Field(r.URL.Path)),
		slog.Int("status", st.Status),
		slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
	)
	if m.opts.Method {
		attrs = append(attrs, slog.String("method", Field(r.Method)))
	}
	if m.opts.Fields != nil {
		e := m.opts.Fields(r, st)
		attrs = append(attrs, e.attrs[:e.n]...)
	}
	m.lw.Write(ctx, start.Add(elapsed), level, "request", attrs) // attrs stay on the stack
}
