package signer

import (
	"fmt"
	"net/http"
	"net/url"
)

// WithQueryParser makes [Verifier.Middleware] verify the parameters parse
// returns for a request instead of parsing r.URL.RawQuery itself with
// url.ParseQuery. A server that has already parsed (and checked) the query
// passes its result on, so that the query is parsed once and the values
// verified are exactly the values its handler uses. parse must return what
// url.ParseQuery would for the request's query; its error is reported to
// [OnError] as [ErrMalformedQuery]. A nil parse keeps the default.
func WithQueryParser(parse func(r *http.Request) (url.Values, error)) MiddlewareOption {
	return middlewareOptionFunc(func(c *middlewareConfig) { c.parse = parse })
}

// match verifies r with the configured parser, or as MatchRequest does.
func (c *middlewareConfig) match(v *Verifier, r *http.Request) (Form, error) {
	if c.parse == nil {
		return v.MatchRequest(r)
	}
	params, err := c.parse(r)
	if err != nil {
		return FormNone, fmt.Errorf("%w: %v", ErrMalformedQuery, err)
	}
	return v.Match(params)
}
