package jssdk

import (
	"crypto/sha1"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/require"
)

// The official vector of doc 90506.
const (
	docTicket    = "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg"
	docNonce     = "Wm3WZYTPz0wzccnW"
	docTimestamp = 1414587457
	docURL       = "http://mp.weixin.qq.com?params=value"
	docSignature = "0f9de62fce790f9a083d5c99e95740ceb90c27ed"
)

func TestStringToSign(t *testing.T) {
	s := StringToSign(docTicket, docNonce, docTimestamp, docURL)
	require.Equal(t, "jsapi_ticket="+docTicket+"&noncestr="+docNonce+"&timestamp=1414587457&url="+docURL, s)
	sum := sha1.Sum([]byte(s))
	require.Equal(t, docSignature, hex.EncodeToString(sum[:]))
	require.Equal(t, docSignature, Sign(docTicket, docNonce, docTimestamp, docURL))
}

func TestCheckPageURL(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		signed string
		codes  []URLWarningCode
		err    bool
	}{
		{name: "plain", in: docURL, signed: docURL},
		{name: "fragment", in: "https://a.example/p?x=1#/route", signed: "https://a.example/p?x=1", codes: []URLWarningCode{WarnFragment}},
		{name: "double encoded", in: "https://a.example/p?u=https%253A%252F%252Fb", signed: "https://a.example/p?u=https%253A%252F%252Fb", codes: []URLWarningCode{WarnDoubleEncoded}},
		{name: "single encoded is fine", in: "https://a.example/p?u=https%3A%2F%2Fb&pct=100%25", signed: "https://a.example/p?u=https%3A%2F%2Fb&pct=100%25"},
		{name: "encoded whole", in: "https%3A%2F%2Fa.example%2Fp", codes: []URLWarningCode{WarnEncodedURL}, err: true},
		{name: "both", in: "https://a.example/%2541#x", signed: "https://a.example/%2541", codes: []URLWarningCode{WarnFragment, WarnDoubleEncoded}},
		{name: "empty", in: "", err: true},
		{name: "ftp", in: "ftp://a.example/", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signed, warnings, err := CheckPageURL(tt.in)
			var codes []URLWarningCode
			for _, w := range warnings {
				codes = append(codes, w.Code)
				require.NotEmpty(t, w.Message)
			}
			require.Equal(t, tt.codes, codes)
			if tt.err {
				require.ErrorIs(t, err, ErrInvalidURL)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tt.signed, signed)
			want, err := signingURL(tt.in)
			require.NoError(t, err)
			require.Equal(t, want, signed, "the URL Config signs")
		})
	}
}
