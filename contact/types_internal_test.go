package contact

import (
	"encoding/json"
	"testing"
)

// FuzzOptString checks optString's fast path against encoding/json: a
// JSON string decodes to what json.Unmarshal makes of it.
func FuzzOptString(f *testing.F) {
	for _, s := range []string{`"张三"`, `""`, `"a\"b"`, `"a\\b"`, `"\u5f20"`, "\"\xff\xfe\"", `"line\nbreak"`, `"a b"`, `"\u2028"`, `null`, `12`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) || len(b) == 0 || b[0] != '"' {
			return
		}
		var o optString
		if err := o.UnmarshalJSON(b); err != nil {
			t.Fatalf("%q: %v", b, err)
		}
		var want string
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if !o.ok || o.v != want {
			t.Fatalf("%q: got %q, json.Unmarshal %q", b, o.v, want)
		}
	})
}
