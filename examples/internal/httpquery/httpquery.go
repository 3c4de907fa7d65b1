// Package httpquery parses URL query strings with fewer allocations than
// net/url, for servers that parse one on every request.
package httpquery

import (
	"errors"
	"net/url"
	"strings"
)

// Parse is url.ParseQuery with fewer allocations: one map sized for the
// query and one backing array for all first values, instead of a slice per
// parameter. Its results match url.ParseQuery's, and it fails exactly when
// url.ParseQuery does (a fuzz test holds it to that).
func Parse(query string) (url.Values, error) {
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

// Valid reports the error url.ParseQuery would report for query (a
// semicolon separator, a bad percent-escape), without building anything:
// it allocates nothing. A query Valid accepts can be read with [Lookup].
func Valid(query string) error {
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if strings.Contains(pair, ";") {
			return errors.New("invalid semicolon separator in query")
		}
		if err := checkEscapes(pair); err != nil {
			return err
		}
	}
	return nil
}

// checkEscapes reports a '%' not followed by two hex digits, as
// url.QueryUnescape does (its error text is not kept).
func checkEscapes(s string) error {
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return errors.New("invalid URL escape in query")
		}
		i += 2
	}
	return nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// Lookup returns the first value of key in a query that [Valid] accepted,
// decoded, and how many times key occurs, as url.ParseQuery(query)[key]
// would say. It allocates only to decode a key or value that holds '%' or
// '+' — on the hot path, usually just the one value that needs it.
func Lookup(query, key string) (first string, n int) {
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if !sameKey(k, key) {
			continue
		}
		if n == 0 {
			first = unescape(v)
		}
		n++
	}
	return first, n
}

// sameKey reports whether the raw key k decodes to key.
func sameKey(k, key string) bool {
	if !strings.ContainsAny(k, "%+") {
		return k == key
	}
	return unescape(k) == key
}

func unescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	d, err := url.QueryUnescape(s)
	if err != nil {
		return "" // Valid rejected it already
	}
	return d
}
