package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// clientTimeout bounds one control call; pushes inside it are bounded
// by pushTimeout.
const clientTimeout = pushTimeout + 5*time.Second

// maxAnswer bounds a control answer.
const maxAnswer = 1 << 20

// client calls a running fake's control surface.
type client struct {
	base string
	hc   *http.Client
}

// newClient checks the fake's URL.
func newClient(addr string) (*client, error) {
	if !strings.Contains(addr, "://") {
		addr = "http://" + addr // -addr 127.0.0.1:8399
	}
	u, err := url.Parse(addr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not the fake's URL, such as http://127.0.0.1:8399", addr)
	}
	return &client{base: strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/"), hc: &http.Client{Timeout: clientTimeout}}, nil
}

// call POSTs in as JSON to path (GET when in is nil) and decodes the
// answer into out (ignored when nil).
func (c *client) call(ctx context.Context, path string, in, out any) error {
	method, body := http.MethodGet, io.Reader(nil)
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		method, body = http.MethodPost, bytes.NewReader(b)
	}
	resp, err := c.do(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("reading the fake's answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e errorAnswer
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return errors.New(e.Error)
		}
		return fmt.Errorf("the fake at %s answered %s: is it a wecomfake?", c.base, resp.Status)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("the fake at %s answered something else than its control surface: %w", c.base, err)
	}
	return nil
}

// text GETs path and copies the answer to w.
func (c *client) text(ctx context.Context, path string, w io.Writer) error {
	resp, err := c.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the fake at %s answered %s", c.base, resp.Status)
	}
	_, err = io.Copy(w, io.LimitReader(resp.Body, maxAnswer))
	return err
}

func (c *client) do(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the fake at %s (is it running? set -addr or %s): %w", c.base, controlURLEnv, err)
	}
	return resp, nil
}
