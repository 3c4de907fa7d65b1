package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/internal/redact"
)

// Transport is the half of a [Client] that knows no corporation and no
// credential: HTTP, size limits, errcode decoding, WeCom's retry policy and
// the scrubbing of secrets from errors. It also fetches the credentials
// themselves (gettoken, get_suite_token, get_provider_token,
// get_corp_token), which WeCom exposes as calls that take no token.
//
// A Transport is safe for concurrent use. Clients made with [New] or
// [NewWithTokenSource] get one of their own; give many clients one
// Transport with [WithTransport] — a service provider serving hundreds of
// corporations then keeps one connection pool to WeCom, not hundreds.
type Transport struct {
	http             *http.Client
	baseURL          string
	logger           *slog.Logger
	requestTimeout   time.Duration
	maxRetries       int
	backoffBase      time.Duration
	backoffMax       time.Duration
	maxResponseBytes int64
	callHook         func(context.Context, CallInfo)
}

// NewTransport returns a Transport configured by the HTTP-level options:
// [WithBaseURL], [WithHTTPClient], [WithLogger], [WithRequestTimeout],
// [WithRetries], [WithBackoff], [WithMaxResponseBytes] and [WithCallHook].
// Other options are ignored.
func NewTransport(opts ...Option) (*Transport, error) {
	cfg := defaultClientConfig()
	for _, o := range opts {
		o.applyClient(&cfg)
	}
	return newTransport(&cfg)
}

func newTransport(cfg *clientConfig) (*Transport, error) {
	base, err := ParseBaseURL(cfg.baseURL)
	if err != nil {
		return nil, err
	}
	var hc http.Client
	if cfg.httpClient != nil {
		hc = *cfg.httpClient // a copy: never touch the caller's value
	} else {
		hc = http.Client{Transport: defaultTransport()}
	}
	return &Transport{
		http:             &hc,
		baseURL:          base,
		logger:           cfg.logger,
		requestTimeout:   cfg.requestTimeout,
		maxRetries:       cfg.maxRetries,
		backoffBase:      cfg.backoffBase,
		backoffMax:       cfg.backoffMax,
		maxResponseBytes: cfg.maxResponseBytes,
		callHook:         cfg.callHook,
	}, nil
}

// BaseURL returns the API's base URL, without a trailing slash.
func (t *Transport) BaseURL() string { return t.baseURL }

// Do sends r without any token — for the calls that issue credentials —
// and decodes a successful answer into out. Errors and retries are as for
// [Client.Do], but for the token retry, which needs a token.
func (t *Transport) Do(ctx context.Context, r *Request, out any) error {
	if r == nil {
		return t.do(ctx, r, nil, out)
	}
	return t.do(ctx, r, nil, out, r.Secrets...)
}

// credential is what an authenticated call carries: a token from source in
// the query parameter param.
type credential struct {
	param  string
	source TokenSource
}

// do sends r, with cred's token when cred is not nil, and decodes the
// answer into out. secrets are further strings to scrub from errors.
func (t *Transport) do(ctx context.Context, r *Request, cred *credential, out any, secrets ...string) error {
	if r == nil {
		return errors.New("wecom: nil Request")
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		return fmt.Errorf("wecom: %s: unsupported method %q", r.Path, r.Method)
	}
	if !strings.HasPrefix(r.Path, "/") || strings.ContainsAny(r.Path, "?#") {
		return fmt.Errorf("wecom: path %q must start with / and carry no query", r.Path)
	}
	var body []byte
	var up *uploadBody
	switch {
	case r.Upload != nil:
		if r.Body != nil || r.Method != http.MethodPost {
			return fmt.Errorf("wecom: %s: an upload is a POST without a JSON Body", r.Path)
		}
		var err error
		if up, err = prepareUpload(r.Upload); err != nil {
			return fmt.Errorf("wecom: %s: %w", r.Path, err)
		}
	case r.Body != nil:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // message text may hold <a href> that WeCom renders
		if err := enc.Encode(r.Body); err != nil {
			return fmt.Errorf("wecom: %s: encode request: %w", r.Path, err)
		}
		body = bytes.TrimRight(buf.Bytes(), "\n")
	}
	file, wantFile := out.(*File)
	idempotent := (r.Method == http.MethodGet || r.Idempotent) && !r.SingleUse
	param := ""
	if cred != nil {
		param = cred.param
		if r.TokenParam != "" {
			param = string(r.TokenParam)
		}
	}

	retries, attempt := 0, 0
	tokenRetried := false
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var tok string
		if cred != nil {
			var err error
			if tok, err = cred.source.Token(ctx); err != nil {
				return fmt.Errorf("wecom: %s: %s: %w", r.Path, param, err)
			}
		}
		attempt++
		start := time.Now()
		data, got, err := t.send(ctx, r, body, up, wantFile, param, tok, secrets)
		if err != nil {
			t.hook(ctx, r, attempt, start, 0, err)
			if ctx.Err() == nil && retries < t.maxRetries && (idempotent || neverSent(err)) && retryableTransport(err) && (up == nil || up.rewindable()) {
				retries++
				if t.backoff(ctx, retries) {
					continue
				}
			}
			return err
		}
		if got != nil {
			t.hook(ctx, r, attempt, start, 0, nil)
			*file = *got
			return nil
		}
		var apiErr *APIError
		if wantFile {
			if apiErr, err = t.decode(r.Path, data, nil); err == nil && apiErr == nil {
				// A JSON success where a file may come (get_app_qrcode
				// answers JSON or an image, by a request field): handed
				// over as it is, for the caller to decode.
				t.hook(ctx, r, attempt, start, 0, nil)
				*file = File{ContentType: "application/json", Size: int64(len(data)), Body: io.NopCloser(bytes.NewReader(data))}
				return nil
			}
		} else {
			apiErr, err = t.decode(r.Path, data, out)
		}
		code := 0
		if apiErr != nil {
			code = apiErr.Code
		}
		t.hook(ctx, r, attempt, start, code, err)
		if err != nil {
			return err
		}
		if apiErr == nil {
			return nil
		}
		apiErr.Msg = redact.String(apiErr.Msg, append(secrets, tok)...)
		switch {
		case tok != "" && !tokenRetried && isTokenInvalidCode(apiErr.Code):
			tokenRetried = true
			t.logger.LogAttrs(ctx, slog.LevelInfo, "wecom: token rejected; retrying with a new one",
				slog.String("path", r.Path), slog.Int("errcode", apiErr.Code))
			if err := cred.source.Invalidate(ctx, tok); err != nil {
				return fmt.Errorf("wecom: %s: invalidate %s: %w (after %w)", r.Path, param, err, apiErr)
			}
			if up != nil && !up.rewindable() {
				return apiErr // the next call gets a new token; this body is spent
			}
			continue
		case apiErr.Code == codeSystemBusy && retries < t.maxRetries && (up == nil || up.rewindable()):
			retries++
			if t.backoff(ctx, retries) {
				continue
			}
		}
		return apiErr
	}
}

// hook reports one attempt to the WithCallHook function, if any.
func (t *Transport) hook(ctx context.Context, r *Request, attempt int, start time.Time, code int, err error) {
	if t.callHook != nil {
		t.callHook(ctx, CallInfo{Method: r.Method, Path: r.Path, Attempt: attempt, Latency: time.Since(start), ErrCode: code, Err: err})
	}
}

// send performs one HTTP attempt and returns the body of a 2xx response,
// or the file a download answered. Its errors are scrubbed of tok and
// secrets before they are logged or returned: net/http quotes the full
// URL, query and all.
func (t *Transport) send(ctx context.Context, r *Request, body []byte, up *uploadBody, wantFile bool, param, tok string, secrets []string) ([]byte, *File, error) {
	start := time.Now()
	data, file, err := t.attempt(ctx, r, body, up, wantFile, param, tok)
	err = redact.Error(err, append(secrets, tok)...)
	t.logCall(ctx, r, time.Since(start), err)
	return data, file, err
}

const userAgent = "wecomkit (+https://github.com/wecomkit/wecomkit)"

func (t *Transport) attempt(ctx context.Context, r *Request, body []byte, up *uploadBody, wantFile bool, param, tok string) ([]byte, *File, error) {
	timeout := t.requestTimeout
	if r.Timeout > 0 {
		timeout = r.Timeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	streaming := false
	defer func() {
		if !streaming {
			cancel()
		}
	}()

	var rd io.Reader
	size := int64(0)
	ctype := ""
	switch {
	case up != nil:
		var err error
		if rd, size, err = up.reader(); err != nil {
			return nil, nil, err
		}
		ctype = up.contentType
	case body != nil:
		rd, size, ctype = bytes.NewReader(body), int64(len(body)), "application/json; charset=utf-8"
	}
	req, err := http.NewRequestWithContext(actx, r.Method, t.requestURL(r, param, tok), rd)
	if err != nil {
		return nil, nil, fmt.Errorf("wecom: %s %s: %w", r.Method, r.Path, err)
	}
	req.ContentLength = size
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	req.Header["User-Agent"] = []string{userAgent}
	if ctype != "" {
		req.Header["Content-Type"] = []string{ctype}
	}
	resp, err := t.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("wecom: %s %s: %w", r.Method, r.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
		resp.Body.Close()
		return nil, nil, &HTTPError{StatusCode: resp.StatusCode, Method: r.Method, Path: r.Path}
	}
	if wantFile && !strings.Contains(resp.Header.Get("Content-Type"), "json") {
		body := io.ReadCloser(resp.Body)
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			// WeCom's errors have come as text/plain; so do text files.
			// A short body that is a JSON object with an errcode is an
			// error, anything else the file.
			head, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10+1))
			if err != nil {
				resp.Body.Close()
				return nil, nil, fmt.Errorf("wecom: %s %s: read response: %w", r.Method, r.Path, err)
			}
			var env envelope
			if len(head) <= 4<<10 && json.Unmarshal(head, &env) == nil && env.ErrCode != nil {
				resp.Body.Close()
				return head, nil, nil
			}
			body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
		}
		streaming = true
		f := &File{ContentType: resp.Header.Get("Content-Type"), Size: resp.ContentLength, Body: &cancelOnClose{ReadCloser: body, cancel: cancel}}
		if _, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
			f.Filename = params["filename"]
		}
		return nil, f, nil
	}
	defer resp.Body.Close()
	data, err := readLimited(resp.Body, resp.ContentLength, t.maxResponseBytes)
	if err != nil {
		if errors.Is(err, ErrResponseTooLarge) {
			return nil, nil, &kindError{
				msg:  fmt.Sprintf("wecom: %s %s: response larger than %d bytes", r.Method, r.Path, t.maxResponseBytes),
				kind: ErrResponseTooLarge,
			}
		}
		return nil, nil, fmt.Errorf("wecom: %s %s: read response: %w", r.Method, r.Path, err)
	}
	return data, nil, nil
}

// readLimited reads a whole answer of at most limit bytes, sized by its
// Content-Length when known.
func readLimited(r io.Reader, length, limit int64) ([]byte, error) {
	if length > limit {
		return nil, ErrResponseTooLarge
	}
	if length < 0 {
		data, err := io.ReadAll(io.LimitReader(r, limit+1))
		if err == nil && int64(len(data)) > limit {
			return nil, ErrResponseTooLarge
		}
		return data, err
	}
	data := make([]byte, length)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, err
	}
	return data, nil
}

// cancelOnClose ends a streamed answer's attempt context when its body is
// closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// requestURL is the base URL, path and query of one attempt, the token
// first.
func (t *Transport) requestURL(r *Request, param, tok string) string {
	n := len(t.baseURL) + len(r.Path) + 1 + len(param) + len(tok) + 1
	for k, vs := range r.Query {
		for _, v := range vs {
			n += len(k) + len(v) + 2
		}
	}
	var b strings.Builder
	b.Grow(n + 16)
	b.WriteString(t.baseURL)
	b.WriteString(r.Path)
	sep := byte('?')
	if tok != "" {
		b.WriteByte(sep)
		b.WriteString(param)
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(tok))
		sep = '&'
	}
	if len(r.Query) == 1 {
		for k, vs := range r.Query {
			if k != param || tok == "" {
				writeQuery(&b, &sep, k, vs)
			}
		}
		return b.String()
	}
	for _, k := range slices.Sorted(maps.Keys(r.Query)) {
		if k == param && tok != "" {
			continue // the token wins, as url.Values.Set did
		}
		writeQuery(&b, &sep, k, r.Query[k])
	}
	return b.String()
}

func writeQuery(b *strings.Builder, sep *byte, k string, vs []string) {
	for _, v := range vs {
		b.WriteByte(*sep)
		*sep = '&'
		b.WriteString(url.QueryEscape(k))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(v))
	}
}

// logCall logs one attempt: method, path, latency in milliseconds and
// outcome, never the query. The context goes to the handler, so a server's
// handler can add its request id.
func (t *Transport) logCall(ctx context.Context, r *Request, latency time.Duration, err error) {
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
	}
	if !t.logger.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.Path),
		slog.Float64("latency_ms", float64(latency.Microseconds())/1000),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	t.logger.LogAttrs(ctx, level, "wecom: call", attrs...)
}

// envelope is the part of every response the transport reads itself.
type envelope struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// decode returns the APIError the body carries, or decodes it into out. A
// missing errcode is success: get_corp_token, get_provider_token,
// get_suite_token and get_login_info send one only on failure.
func (t *Transport) decode(path string, data []byte, out any) (*APIError, error) {
	var env envelope
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, malformed(path, "response is not a JSON object", err)
	}
	if env.ErrCode != nil && *env.ErrCode != 0 {
		return &APIError{Code: *env.ErrCode, Msg: env.ErrMsg, Path: path}, nil
	}
	if out == nil {
		return nil, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return nil, malformed(path, "decode response", err)
	}
	return nil, nil
}

// defaultTransport is http.DefaultTransport's configuration with more idle
// connections per host: every call goes to the same WeCom host.
func defaultTransport() *http.Transport {
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:   true,
		MaxIdleConns:        128,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
		TLSHandshakeTimeout: 5 * time.Second,
		// No ResponseHeaderTimeout: each attempt's context bounds the wait
		// (WithRequestTimeout, or a Request's own Timeout for a slow
		// one-time exchange).
		ExpectContinueTimeout: time.Second,
	}
}
