package jsonenc

import (
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quo"te`, `back\slash`, "new\nline\r\ttab", "\x00\x01\x1f\x7f",
		"张三", "emoji 🧾", "\u2028\u2029", "bad \xff utf8 \xc3", "<a href='x'>&</a>"} {
		checkString(t, s)
	}
	require.Equal(t, `"<a>&"`, string(AppendString(nil, "<a>&")), "no HTML escaping")
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "张三", "a\"b\\c\n", "\xff\xfe", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(checkString)
}

// checkString: the output is valid JSON that decodes to s (with invalid
// UTF-8 replaced, as encoding/json does).
func checkString(t *testing.T, s string) {
	out := AppendString(nil, s)
	var got string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%q → invalid JSON %s: %v", s, out, err)
	}
	want := s
	if !utf8.ValidString(s) {
		want = string([]rune(s)) // invalid bytes become U+FFFD
	}
	if got != want {
		t.Fatalf("%q → %s decodes to %q", s, out, got)
	}
}

func TestAppendFloat(t *testing.T) {
	for _, f := range []float64{0, 1, -1.5, 1.454, 1e-9, 1e-7, 1e20, 1e21, 1e22, 123456.789, math.SmallestNonzeroFloat64, math.MaxFloat64} {
		want, err := json.Marshal(f)
		require.NoError(t, err)
		require.Equal(t, string(want), string(AppendFloat(nil, f)), "%v", f)
	}
	require.Equal(t, `"NaN"`, string(AppendFloat(nil, math.NaN())))
	require.Equal(t, `"-Inf"`, string(AppendFloat(nil, math.Inf(-1))))
	require.Equal(t, `"+Inf"`, string(AppendFloat(nil, math.Inf(1))))
}
