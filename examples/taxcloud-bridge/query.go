package main

import (
	"errors"
	"net/url"
	"strings"
)

// parseQuery is url.ParseQuery with fewer allocations: one map sized for
// the query and one backing array for all first values, instead of a slice
// per parameter. Its results and errors match url.ParseQuery's (a fuzz
// test holds it to that); /js-sdk parses a query on every request.
func parseQuery(query string) (url.Values, error) {
	n := strings.Count(query, "&") + 1
	m := make(url.Values, n)
	backing := make([]string, n)
	used := 0
	var err error
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if strings.Contains(pair, ";") {
			if err == nil {
				err = errors.New("invalid semicolon separator in query")
			}
			continue
		}
		if pair == "" {
			continue
		}
		key, value, _ := strings.Cut(pair, "=")
		key, err1 := url.QueryUnescape(key)
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		value, err1 = url.QueryUnescape(value)
		if err1 != nil {
			if err == nil {
				err = err1
			}
			continue
		}
		if vs, ok := m[key]; ok {
			m[key] = append(vs, value)
			continue
		}
		backing[used] = value
		m[key] = backing[used : used+1 : used+1]
		used++
	}
	return m, err
}
