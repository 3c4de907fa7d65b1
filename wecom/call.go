package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/internal/redact"
)

// Request describes one call for [Client.Do]. Most callers use
// [Client.Get] and [Client.Post] instead.
type Request struct {
	// Method is http.MethodGet or http.MethodPost.
	Method string
	// Path is the API path, such as "/cgi-bin/user/get".
	Path string
	// Query holds the query parameters; access_token is added by the client.
	Query url.Values
	// Body is encoded as JSON for a POST; nil sends no body.
	Body any
	// Idempotent marks a POST that is safe to send again after a transport
	// failure (a read such as get_auth_info). GETs are, unless SingleUse.
	Idempotent bool
	// SingleUse marks a request that spends a one-time credential, such as
	// an OAuth code for auth/getuserinfo: after a transport failure WeCom
	// may already have consumed it, and a repeat would turn a network
	// problem into "invalid code". Such a request is repeated only when the
	// connection was never made, or when WeCom answered -1.
	SingleUse bool
	// NoToken sends the request without an access token: for endpoints
	// that issue credentials, such as gettoken.
	NoToken bool
}

// Get calls a GET endpoint and decodes the response into out (which may be
// nil). See [Client.Do] for tokens, errors and retries.
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) error {
	return c.Do(ctx, &Request{Method: http.MethodGet, Path: path, Query: query}, out)
}

// Post calls a POST endpoint with body encoded as JSON and decodes the
// response into out (which may be nil). POSTs are not repeated after a
// transport failure unless the connection was never made; use [Client.Do]
// with Idempotent for reads that WeCom exposes as POST.
func (c *Client) Post(ctx context.Context, path string, query url.Values, body, out any) error {
	return c.Do(ctx, &Request{Method: http.MethodPost, Path: path, Query: query, Body: body}, out)
}

// Do sends r and decodes a successful response into out.
//
// The access token is added as the access_token query parameter. A
// response whose errcode is present and not 0 becomes an [*APIError]; a
// missing errcode means success (get_corp_token and get_provider_token omit
// it). Retries follow WeCom's advice (doc 90313):
//
//   - 40014, 42001 or 40001 (the token was not accepted): the token is
//     invalidated — only if it is still the current one — and the call is
//     repeated once with a fresh token;
//   - -1 (system busy), and transport failures or 5xx answers of idempotent
//     requests: repeated up to 3 times ([WithRetries]) with jittered
//     exponential backoff ([WithBackoff]);
//   - anything else, 45009 and 45033 included, is returned at once.
//
// ctx bounds the whole call, waits included; each attempt is further
// bounded by [WithRequestTimeout]. Errors never contain the token.
func (c *Client) Do(ctx context.Context, r *Request, out any) error {
	return c.do(ctx, r, out)
}

// do implements Do; secrets are extra strings to scrub from errors.
func (c *Client) do(ctx context.Context, r *Request, out any, secrets ...string) error {
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
	if r.Body != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // message text may hold <a href> that WeCom renders
		if err := enc.Encode(r.Body); err != nil {
			return fmt.Errorf("wecom: %s: encode request: %w", r.Path, err)
		}
		body = bytes.TrimRight(buf.Bytes(), "\n")
	}
	idempotent := (r.Method == http.MethodGet || r.Idempotent) && !r.SingleUse

	retries, attempt := 0, 0
	tokenRetried := false
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		var tok string
		if !r.NoToken {
			var err error
			if tok, err = c.tokens.Token(ctx); err != nil {
				return fmt.Errorf("wecom: %s: access token: %w", r.Path, err)
			}
		}
		attempt++
		start := time.Now()
		data, err := c.send(ctx, r, body, tok, secrets)
		if err != nil {
			c.hook(ctx, r, attempt, start, 0, err)
			if ctx.Err() == nil && retries < c.maxRetries && (idempotent || neverSent(err)) && retryableTransport(err) {
				retries++
				if c.backoff(ctx, retries) {
					continue
				}
			}
			return err
		}
		apiErr, err := c.decode(r.Path, data, out)
		if err != nil {
			c.hook(ctx, r, attempt, start, 0, err)
			return err
		}
		if apiErr == nil {
			c.hook(ctx, r, attempt, start, 0, nil)
			return nil
		}
		c.hook(ctx, r, attempt, start, apiErr.Code, nil)
		apiErr.Msg = redact.String(apiErr.Msg, append(secrets, tok)...)
		switch {
		case tok != "" && !tokenRetried && isTokenInvalidCode(apiErr.Code):
			tokenRetried = true
			c.logger.LogAttrs(ctx, slog.LevelInfo, "wecom: token rejected; retrying with a new one",
				slog.String("path", r.Path), slog.Int("errcode", apiErr.Code))
			if err := c.tokens.Invalidate(ctx, tok); err != nil {
				return fmt.Errorf("wecom: %s: invalidate token: %w (after %w)", r.Path, err, apiErr)
			}
			continue
		case apiErr.Code == codeSystemBusy && retries < c.maxRetries:
			retries++
			if c.backoff(ctx, retries) {
				continue
			}
		}
		return apiErr
	}
}

// hook reports one attempt to the WithCallHook function, if any.
func (c *Client) hook(ctx context.Context, r *Request, attempt int, start time.Time, code int, err error) {
	if c.callHook == nil {
		return
	}
	c.callHook(ctx, CallInfo{Method: r.Method, Path: r.Path, Attempt: attempt, Latency: time.Since(start), ErrCode: code, Err: err})
}

// send performs one HTTP attempt and returns the body of a 2xx response.
// Its errors are scrubbed of tok and secrets before they are logged or
// returned: net/http quotes the full URL, query and all.
func (c *Client) send(ctx context.Context, r *Request, body []byte, tok string, secrets []string) ([]byte, error) {
	start := time.Now()
	data, err := c.attempt(ctx, r, body, tok)
	err = redact.Error(err, append(secrets, tok)...)
	c.logCall(ctx, r, time.Since(start), err)
	return data, err
}

func (c *Client) attempt(ctx context.Context, r *Request, body []byte, tok string) ([]byte, error) {
	actx, cancel := context.WithTimeout(ctx, c.requestTimeout)
	defer cancel()

	q := make(url.Values, len(r.Query)+1)
	for k, v := range r.Query {
		q[k] = v
	}
	if tok != "" {
		q.Set("access_token", tok)
	}
	req := c.http.R().SetContext(actx).SetDoNotParseResponse(true).SetQueryParamsFromValues(q)
	if body != nil {
		req.SetHeader("Content-Type", "application/json; charset=utf-8").SetBody(body)
	}
	resp, err := req.Execute(r.Method, c.baseURL+r.Path)
	if err != nil {
		return nil, fmt.Errorf("wecom: %s %s: %w", r.Method, r.Path, err)
	}
	rb := resp.RawBody()
	defer rb.Close()
	if resp.StatusCode() < 200 || resp.StatusCode() > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(rb, 64<<10)) // let the connection be reused
		herr := &HTTPError{StatusCode: resp.StatusCode(), Method: r.Method, Path: r.Path}
		return nil, herr
	}
	data, err := io.ReadAll(io.LimitReader(rb, c.maxResponseBytes+1))
	if err != nil {
		return nil, fmt.Errorf("wecom: %s %s: read response: %w", r.Method, r.Path, err)
	}
	if int64(len(data)) > c.maxResponseBytes {
		return nil, &kindError{
			msg:  fmt.Sprintf("wecom: %s %s: response larger than %d bytes", r.Method, r.Path, c.maxResponseBytes),
			kind: ErrResponseTooLarge,
		}
	}
	return data, nil
}

// logCall logs one attempt: method, path and outcome, never the query.
func (c *Client) logCall(ctx context.Context, r *Request, latency time.Duration, err error) {
	level := slog.LevelDebug
	if err != nil {
		level = slog.LevelWarn
	}
	if !c.logger.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.Path),
		slog.Duration("latency", latency),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logger.LogAttrs(ctx, level, "wecom: call", attrs...)
}

// envelope is the part of every response the client reads itself.
type envelope struct {
	ErrCode *int   `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

// decode returns the APIError the body carries, or decodes it into out.
func (c *Client) decode(path string, data []byte, out any) (*APIError, error) {
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

// malformed reports an answer that does not decode.
func malformed(path, what string, err error) error {
	err = jsonSyntaxOnly(err)
	return &kindError{msg: "wecom: " + path + ": " + what + ": " + err.Error(), kind: ErrMalformedResponse, err: err}
}

// jsonSyntaxOnly keeps decoding errors from quoting response content, which
// may hold a credential: encoding/json's messages are about types and
// offsets, but a custom UnmarshalJSON could say anything.
func jsonSyntaxOnly(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) {
		return err
	}
	return errors.New("malformed response")
}

// retryableTransport reports whether a failed attempt may succeed if
// repeated: connection failures, timeouts of the attempt and 5xx answers.
func retryableTransport(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.StatusCode >= 500
	}
	if errors.Is(err, ErrResponseTooLarge) {
		return false
	}
	return true
}

// neverSent reports whether err happened before the request could reach
// the server (dialling failed), so that even a POST may be repeated.
func neverSent(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// backoff waits before retry number n (1-based) and reports whether to go
// on; it gives up at once if ctx would end before the wait does.
func (c *Client) backoff(ctx context.Context, n int) bool {
	d := c.backoffBase << (n - 1)
	if d > c.backoffMax || d <= 0 {
		d = c.backoffMax
	}
	d = d/2 + rand.N(d/2+1)
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
