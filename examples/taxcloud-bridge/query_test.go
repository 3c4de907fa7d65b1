package main

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

var queryCases = []string{
	"", "a=1", "a=1&b=2&a=3", "appid=ww1&code=c0de&ts=1700000000&sign=abc",
	"pageUrl=https%3A%2F%2Fa.com%2Fx%3Fy%3D1%26z%3D%E5%8F%91", "a=%zz&b=2", "a=1;b=2", "&&a=&=b&c",
	"k+ey=va+lue", "a=1&a=1&a=1", "%41=%42", "x=%", "=",
}

func TestParseQueryMatchesNetURL(t *testing.T) {
	for _, q := range queryCases {
		checkParseQuery(t, q)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, q := range queryCases {
		f.Add(q)
	}
	f.Fuzz(checkParseQuery)
}

func checkParseQuery(t *testing.T, q string) {
	want, wantErr := url.ParseQuery(q)
	got, gotErr := parseQuery(q)
	require.Equal(t, wantErr == nil, gotErr == nil, "query %q: errors %v / %v", q, wantErr, gotErr)
	if len(want) == 0 {
		require.Empty(t, got, "query %q", q)
		return
	}
	require.Equal(t, want, got, "query %q", q)
	// Appending to one parameter must not clobber another's value.
	for k := range got {
		got[k] = append(got[k], "extra")
	}
	for k, vs := range want {
		require.Equal(t, append(append([]string(nil), vs...), "extra"), got[k])
	}
}
