package main

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

func TestReplyJSON(t *testing.T) {
	for _, tc := range []struct {
		code, msg string
		d         datas
		want      string
	}{
		{codeOK, msgOK, userData{Email: "a@b.c", Mobile: "138", Name: "张三"},
			`{"code":"0000","msg":"操作成功","datas":{"email":"a@b.c","mobile":"138","name":"张三"}}`},
		{codeOK, msgOK, userData{Mobile: "138"},
			`{"code":"0000","msg":"操作成功","datas":{"email":"","mobile":"138"}}`},
		{codeOK, msgOK, jsData{AppID: "ww1", Timestamp: "1700000000", NonceStr: "n", Signature: "s"},
			`{"code":"0000","msg":"操作成功","datas":{"appid":"ww1","timestamp":"1700000000","nonceStr":"n","signature":"s"}}`},
		{codeBadParam, `缺少参数 "code"`, nil, `{"code":"4001","msg":"缺少参数 \"code\""}`},
	} {
		rec := httptest.NewRecorder()
		reply(rec, tc.code, tc.msg, tc.d)
		require.Equal(t, tc.want, rec.Body.String())
		require.Equal(t, 200, rec.Code)
		require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `quo"te`, `back\slash`, "new\nline\r\ttab", "\x00\x01\x1f\x7f",
		"张三", "emoji 🧾", "\u2028\u2029", "bad \xff utf8 \xc3", "<a href='x'>&</a>"} {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "张三", "a\"b\\c\n", "\xff\xfe", "\u2028"} {
		f.Add(s)
	}
	f.Fuzz(checkJSONString)
}

// checkJSONString: the output is valid JSON that decodes to s (with
// invalid UTF-8 replaced, as encoding/json does).
func checkJSONString(t *testing.T, s string) {
	out := appendJSONString(nil, s)
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

func BenchmarkReply(b *testing.B) {
	d := jsData{AppID: "ww86331f9cf933b4b8", Timestamp: "1700000000", NonceStr: "Wm3WZYTPz0wzccnW", Signature: "0f9de62fce790f9a083d5c99e95740ceb90c27ed"}
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w.Body.Reset()
		reply(w, codeOK, msgOK, d)
	}
}
