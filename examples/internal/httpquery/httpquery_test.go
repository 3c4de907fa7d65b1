package httpquery

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

func TestParseMatchesNetURL(t *testing.T) {
	for _, q := range queryCases {
		checkParse(t, q)
	}
}

func FuzzParse(f *testing.F) {
	for _, q := range queryCases {
		f.Add(q)
	}
	f.Fuzz(checkParse)
}

func checkParse(t *testing.T, q string) {
	want, wantErr := url.ParseQuery(q)
	got, gotErr := Parse(q)
	require.Equal(t, wantErr == nil, gotErr == nil, "query %q: errors %v / %v", q, wantErr, gotErr)
	require.Equal(t, wantErr == nil, Valid(q) == nil, "query %q: Valid %v, url.ParseQuery %v", q, Valid(q), wantErr)
	if len(want) == 0 {
		require.Empty(t, got, "query %q", q)
		return
	}
	require.Equal(t, want, got, "query %q", q)
	checkLookup(t, q, want)
	// Appending to one parameter must not clobber another's value.
	for k := range got {
		got[k] = append(got[k], "extra")
	}
	for k, vs := range want {
		require.Equal(t, append(append([]string(nil), vs...), "extra"), got[k])
	}
}

// checkLookup: for a valid query, Lookup agrees with url.ParseQuery for
// every key present and for one that is not.
func checkLookup(t *testing.T, q string, want url.Values) {
	t.Helper()
	if Valid(q) != nil {
		return
	}
	for k, vs := range want {
		first, n := Lookup(q, k)
		require.Equal(t, len(vs), n, "query %q key %q", q, k)
		require.Equal(t, vs[0], first, "query %q key %q", q, k)
	}
	first, n := Lookup(q, "surely-absent-key")
	require.Zero(t, n)
	require.Empty(t, first)
}

func TestLookup(t *testing.T) {
	const q = "appid=ww1&pageUrl=https%3A%2F%2Fa.com%2Fx%3Fy%3D1&p%61ge=2&ts=1&ts=2&sp=a+b"
	for _, tc := range []struct {
		key, first string
		n          int
	}{
		{"appid", "ww1", 1}, {"pageUrl", "https://a.com/x?y=1", 1}, {"page", "2", 1},
		{"ts", "1", 2}, {"sp", "a b", 1}, {"code", "", 0},
	} {
		first, n := Lookup(q, tc.key)
		require.Equal(t, tc.first, first, tc.key)
		require.Equal(t, tc.n, n, tc.key)
	}
	const hot = "appid=ww1&pageUrl=https%3A%2F%2Fa.com%2Fx%3Fy%3D1&sign=abc&ts=1"
	allocs := testing.AllocsPerRun(100, func() {
		_ = Valid(hot)
		_, _ = Lookup(hot, "appid")
		_, _ = Lookup(hot, "ts")
	})
	require.Zero(t, allocs, "nothing to decode, nothing allocated")
}
