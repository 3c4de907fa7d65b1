package crypto

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
)

// Handler handles one decrypted callback. It returns the plaintext of a
// passive reply (an XML message such as
// <xml><ToUserName/><FromUserName/><CreateTime/><MsgType>text</MsgType><Content/></xml>),
// which [NewHandler] encrypts, or nil to answer "success".
//
// A returned error makes the handler answer 500, so that WeCom pushes the
// callback again; handlers must therefore be idempotent. They should also be
// fast: WeCom expects the answer within a second (doc 90930), so slow work
// belongs in a queue. ctx is the request's context; the error is logged, so
// it should not carry secrets.
type Handler interface {
	HandleEvent(ctx context.Context, ev *Event) (reply []byte, err error)
}

// HandlerFunc adapts a function to [Handler].
type HandlerFunc func(ctx context.Context, ev *Event) (reply []byte, err error)

// HandleEvent calls f(ctx, ev).
func (f HandlerFunc) HandleEvent(ctx context.Context, ev *Event) ([]byte, error) {
	return f(ctx, ev)
}

// DefaultMaxBodyBytes is the default limit on a callback's body. WeCom's
// envelopes are a few kilobytes.
const DefaultMaxBodyBytes = 1 << 20

// HandlerOption configures [NewHandler]. Options are built only by this
// package's With… functions.
type HandlerOption interface {
	applyHandlerOption(*handler)
}

type handlerOptionFunc func(*handler)

func (f handlerOptionFunc) applyHandlerOption(h *handler) { f(h) }

// WithLogger sets the logger for rejected callbacks, handler errors and
// panics. Nothing logged contains the token, the key or decrypted content.
// The default logs nothing.
func WithLogger(l *slog.Logger) HandlerOption {
	return handlerOptionFunc(func(h *handler) { h.log = l })
}

// WithMaxBodyBytes sets the largest body accepted; larger ones get 413.
// n ≤ 0 keeps [DefaultMaxBodyBytes].
func WithMaxBodyBytes(n int64) HandlerOption {
	return handlerOptionFunc(func(h *handler) {
		if n > 0 {
			h.maxBody = n
		}
	})
}

// WithUnparsable makes a message that verified and decrypted but is not an
// event [ParseEvent] can read go to f and be answered like a handled one
// ("success"), instead of 400. The sender proved it holds the key, so the
// message is not an attack; it is one no retry will fix, and WeCom repeats
// unanswered pushes for hours. f receives the parse error, never the
// message.
func WithUnparsable(f func(ctx context.Context, err error)) HandlerOption {
	return handlerOptionFunc(func(h *handler) { h.unparsable = f })
}

type handler struct {
	c          *MsgCrypt
	h          Handler
	log        *slog.Logger // nil: no logging
	maxBody    int64
	unparsable func(context.Context, error)
}

// NewHandler returns an [http.Handler] for a WeCom callback URL:
//
//   - GET is the URL verification (doc 90930): the answer is the decrypted
//     echostr and nothing else — no quotes, BOM or newline;
//   - POST verifies and decrypts the envelope (XML or JSON), parses it with
//     [ParseEvent], sets [Event.ReceiveID] and calls h. A reply from h is
//     encrypted with the request's timestamp and nonce (as the official
//     samples do) and the receive id of the request, in the request's envelope
//     form; no reply answers "success" (XML) or an empty body (JSON, doc
//     101033).
//
// Failures: a body over the limit → 413; a bad signature → 401 with no detail;
// any other bad request → 400; an error or a panic in h → 500, logged (the
// server keeps running); other methods → 405. NewHandler panics if c or h is
// nil.
func NewHandler(c *MsgCrypt, h Handler, opts ...HandlerOption) http.Handler {
	if c == nil || h == nil {
		panic("crypto: NewHandler needs a MsgCrypt and a Handler")
	}
	s := &handler{c: c, h: h, maxBody: DefaultMaxBodyBytes}
	for _, o := range opts {
		if o != nil {
			o.applyHandlerOption(s)
		}
	}
	return s
}

func (s *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.verifyURL(w, r)
	case http.MethodPost:
		s.receive(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		httpError(w, http.StatusMethodNotAllowed)
	}
}

func (s *handler) verifyURL(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// A '+' the sender left unescaped arrives as a space after form decoding;
	// base64 has no spaces, so restore it.
	echo := strings.ReplaceAll(q.Get("echostr"), " ", "+")
	msg, err := s.c.VerifyURL(q.Get("msg_signature"), q.Get("timestamp"), q.Get("nonce"), echo)
	if err != nil {
		s.reject(w, r, "URL verification", err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(msg)
}

func (s *handler) receive(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.logWarn(r, "callback body too large", "limit", s.maxBody)
			httpError(w, http.StatusRequestEntityTooLarge)
			return
		}
		s.logWarn(r, "reading callback body", "err", err)
		httpError(w, http.StatusBadRequest)
		return
	}
	q := r.URL.Query()
	timestamp, nonce := q.Get("timestamp"), q.Get("nonce")
	msg, rid, isJSON, err := s.c.decryptMsg(q.Get("msg_signature"), timestamp, nonce, body)
	if err != nil {
		s.reject(w, r, "callback", err)
		return
	}
	ev, err := ParseEvent(msg)
	if err != nil && s.unparsable != nil {
		s.unparsable(r.Context(), err)
		if !isJSON {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = io.WriteString(w, "success")
		}
		return
	}
	if err != nil {
		s.reject(w, r, "callback", err)
		return
	}
	ev.ReceiveID = string(rid)

	reply, err := s.call(r.Context(), ev)
	if err != nil {
		if s.log != nil {
			s.log.ErrorContext(r.Context(), "crypto: callback handler failed", "remote", r.RemoteAddr, "err", err)
		}
		httpError(w, http.StatusInternalServerError)
		return
	}
	if len(reply) == 0 {
		if !isJSON {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = io.WriteString(w, "success")
		}
		return
	}
	out, err := s.c.encryptMsg(reply, timestamp, nonce, ev.ReceiveID, isJSON)
	if err != nil {
		if s.log != nil {
			s.log.ErrorContext(r.Context(), "crypto: encrypting the callback reply", "remote", r.RemoteAddr, "err", err)
		}
		httpError(w, http.StatusInternalServerError)
		return
	}
	if isJSON {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	} else {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	}
	_, _ = w.Write(out)
}

// errPanicked stands for a panic in the user's handler once it is logged.
var errPanicked = errors.New("crypto: the callback handler panicked")

// call runs the user's handler, turning a panic into an error after logging
// it with its stack. http.ErrAbortHandler is re-panicked, as net/http expects.
func (s *handler) call(ctx context.Context, ev *Event) (reply []byte, err error) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if v == http.ErrAbortHandler {
			panic(v)
		}
		if s.log != nil {
			s.log.ErrorContext(ctx, "crypto: callback handler panicked",
				"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		}
		reply, err = nil, errPanicked
	}()
	return s.h.HandleEvent(ctx, ev)
}

// reject answers a request that failed verification, decryption or parsing:
// 401 for a bad signature, 400 otherwise. The body never explains why.
func (s *handler) reject(w http.ResponseWriter, r *http.Request, what string, err error) {
	code := 0
	var e *Error
	if errors.As(err, &e) {
		code = e.Code
	}
	s.logWarn(r, "crypto: "+what+" rejected", "code", code, "err", err)
	if errors.Is(err, ErrInvalidSignature) {
		httpError(w, http.StatusUnauthorized)
		return
	}
	httpError(w, http.StatusBadRequest)
}

func (s *handler) logWarn(r *http.Request, msg string, args ...any) {
	if s.log != nil {
		s.log.WarnContext(r.Context(), msg, append([]any{"remote", r.RemoteAddr}, args...)...)
	}
}

// httpError writes the status and its standard text, nothing more.
func httpError(w http.ResponseWriter, status int) {
	http.Error(w, http.StatusText(status), status)
}
