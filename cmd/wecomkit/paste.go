package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// errNoQuery is returned by parsePasted for text without a query string.
var errNoQuery = errors.New("no query string (nothing like ?a=1&b=2) in it")

// parsePasted extracts query parameters from text a user pastes: a full
// URL, a path with a query, "?query", a bare query, or an HTTP request
// line ("GET /cb?x=1 HTTP/1.1"). Surrounding whitespace and quotes are
// removed and a #fragment is dropped. A query that does not parse is an
// error (as it is for signer.VerifyRequest): the pairs url.ParseQuery
// would drop could be the very ones that matter.
func parsePasted(s string) (url.Values, error) {
	s = strings.TrimSpace(s)
	for len(s) >= 2 && (s[0] == '\'' && s[len(s)-1] == '\'' || s[0] == '"' && s[len(s)-1] == '"' || s[0] == '<' && s[len(s)-1] == '>') {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if target, ok := requestTarget(s); ok {
		s = target
	}
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	raw := s
	if i := strings.IndexByte(s, '?'); i >= 0 {
		raw = s[i+1:]
	} else if strings.Contains(s, "://") || strings.HasPrefix(s, "/") || !strings.Contains(s, "=") {
		return nil, errNoQuery
	}
	if raw == "" {
		return nil, errNoQuery
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, fmt.Errorf("the query string does not parse: %w", err)
	}
	return q, nil
}

// httpMethods are the methods requestTarget recognises.
var httpMethods = []string{"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "PATCH ", "OPTIONS "}

// requestTarget returns the target of an HTTP request line at the start of
// s ("POST /cb?x=1 HTTP/1.1" → "/cb?x=1").
func requestTarget(s string) (string, bool) {
	line, _, _ := strings.Cut(s, "\n")
	line = strings.TrimRight(line, "\r")
	for _, m := range httpMethods {
		rest, ok := strings.CutPrefix(line, m)
		if !ok {
			continue
		}
		target, proto, _ := strings.Cut(strings.TrimSpace(rest), " ")
		if target == "" || proto != "" && !strings.HasPrefix(proto, "HTTP/") {
			return "", false
		}
		return target, true
	}
	return "", false
}

// splitCapture separates a captured HTTP request — request line, headers,
// a blank line, the body — into its request target and body. For any
// other input ok is false and the whole input is the body.
func splitCapture(data []byte) (target string, body []byte, ok bool) {
	t, isRequest := requestTarget(string(data[:min(len(data), 8<<10)]))
	if !isRequest {
		return "", data, false
	}
	best, size := -1, 0
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(data, []byte(sep)); i >= 0 && (best < 0 || i < best) {
			best, size = i, len(sep)
		}
	}
	if best >= 0 {
		return t, data[best+size:], true
	}
	return t, nil, true // a request line and headers, no body
}
