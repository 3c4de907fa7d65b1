package jssdk_test

import (
	"crypto/sha1"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/jssdk"
)

// The official example of doc 90506 (https://developer.work.weixin.qq.com/document/path/90506).
const (
	vectorTicket    = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
	vectorNonce     = "Wm3WZYTPz0wzccnW"
	vectorTimestamp = int64(1414587457)
	vectorURL       = "http://mp.weixin.qq.com?params=value"
	vectorSignature = "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
)

func TestSignOfficialVector(t *testing.T) {
	require.Equal(t, vectorSignature, jssdk.Sign(vectorTicket, vectorNonce, vectorTimestamp, vectorURL))
}

// string1 as doc 90506 spells it out, hashed independently of Sign.
func string1SHA1(ticket, nonce string, ts int64, page string) string {
	return fmt.Sprintf("%x", sha1.Sum([]byte("jsapi_ticket="+ticket+"&noncestr="+nonce+fmt.Sprintf("&timestamp=%d", ts)+"&url="+page)))
}

func TestSignUsesRawValues(t *testing.T) {
	for _, page := range []string{
		"https://app.example.com/发票/夹?名字=张三",
		"https://app.example.com/%E5%8F%91%E7%A5%A8?q=%E4%B8%AD%20x&y=a+b",
		"https://app.example.com/p?q=a b&x=<>\"'",
		"https://app.example.com:8443/p;param?x=%zz",
		"", // not a URL Config would accept, but Sign itself is total
	} {
		got := jssdk.Sign(vectorTicket, vectorNonce, vectorTimestamp, page)
		require.Equal(t, string1SHA1(vectorTicket, vectorNonce, vectorTimestamp, page), got, page)
		require.Regexp(t, `^[0-9a-f]{40}$`, got)
	}
	// A long URL (past the internal buffer) and a negative timestamp.
	long := "https://app.example.com/?" + string(make([]byte, 5000))
	require.Equal(t, string1SHA1("t", "n", -5, long), jssdk.Sign("t", "n", -5, long))

	// Escaped and unescaped forms of one URL are different pages to WeCom.
	require.NotEqual(t,
		jssdk.Sign(vectorTicket, vectorNonce, vectorTimestamp, "https://h/%E5%8F%91"),
		jssdk.Sign(vectorTicket, vectorNonce, vectorTimestamp, "https://h/发"))
}
