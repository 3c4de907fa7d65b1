package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

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
		reply(rec, httptest.NewRequest(http.MethodGet, "/", nil), tc.code, tc.msg, tc.d)
		require.Equal(t, tc.want+"\n", rec.Body.String(), "answers end with a newline")
		require.Equal(t, 200, rec.Code)
		require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	}
}

func BenchmarkReply(b *testing.B) {
	d := jsData{AppID: "ww86331f9cf933b4b8", Timestamp: "1700000000", NonceStr: "Wm3WZYTPz0wzccnW", Signature: "0f9de62fce790f9a083d5c99e95740ceb90c27ed"}
	w := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodGet, "/js-sdk", nil)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		w.Body.Reset()
		reply(w, r, codeOK, msgOK, d)
	}
}
