package testutil

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
)

// tokenParams are the query parameters WeCom's credentials travel in.
var tokenParams = []string{"access_token", "suite_access_token", "provider_access_token"}

// TokenParams is an http.RoundTripper that records, per API path, which
// token parameters each request carried, so a test can check that a call
// sends the kind of token its endpoint wants. Use it as the Transport of
// the *http.Client given to wecom.WithHTTPClient.
type TokenParams struct {
	Next http.RoundTripper // nil: http.DefaultTransport

	mu   sync.Mutex
	seen map[string][]string
}

// RoundTrip records r's token parameters and forwards it.
func (p *TokenParams) RoundTrip(r *http.Request) (*http.Response, error) {
	q := r.URL.Query()
	var names []string
	for _, n := range tokenParams {
		if q.Has(n) {
			names = append(names, n)
		}
	}
	p.mu.Lock()
	if p.seen == nil {
		p.seen = map[string][]string{}
	}
	for _, n := range names {
		if !slices.Contains(p.seen[r.URL.Path], n) {
			p.seen[r.URL.Path] = append(p.seen[r.URL.Path], n)
		}
	}
	if len(names) == 0 && p.seen[r.URL.Path] == nil {
		p.seen[r.URL.Path] = []string{}
	}
	p.mu.Unlock()
	next := p.Next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

// Seen returns the token parameters requests to path carried, sorted; nil
// when path was never called.
func (p *TokenParams) Seen(path string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	v, ok := p.seen[path]
	if !ok {
		return nil
	}
	out := slices.Clone(v)
	slices.Sort(out)
	return out
}

// ErrCodeFor POSTs an empty JSON object to baseURL+path with the token
// value in the query parameter param, bypassing any client, and returns
// the errcode of the answer (-2 when it is not WeCom's JSON). It shows what
// an endpoint answers to the wrong kind of token.
func ErrCodeFor(baseURL, path, param, value string) int {
	u := baseURL + path + "?" + url.Values{param: {value}}.Encode()
	resp, err := http.Post(u, "application/json", strings.NewReader("{}"))
	if err != nil {
		return -2
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var env struct {
		ErrCode *int `json:"errcode"`
	}
	if json.Unmarshal(b, &env) != nil || env.ErrCode == nil {
		return -2
	}
	return *env.ErrCode
}
