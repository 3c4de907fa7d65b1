package redact

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestURL(t *testing.T) {
	got := URL("https://qyapi.weixin.qq.com/cgi-bin/gettoken?corpid=ww1&corpsecret=S3CRET&x=1")
	require.NotContains(t, got, "S3CRET")
	require.Contains(t, got, "corpid=ww1")
	require.Contains(t, got, "x=1")

	got = URL("http://u:pw@h/cgi-bin/user/get?access_token=TOK&userid=zhangsan")
	require.NotContains(t, got, "TOK")
	require.NotContains(t, got, "pw")
	require.Contains(t, got, "userid=zhangsan")

	require.Equal(t, Placeholder, URL("http://[::1:bad"))
	require.NotContains(t, URL("http://h/p?access_token=%zzTOK"), "TOK")
}

func TestError(t *testing.T) {
	inner := &url.Error{Op: "Get", URL: "https://h/cgi-bin/x?access_token=TOKEN123&a=b", Err: context.DeadlineExceeded}
	err := Error(fmt.Errorf("wecom: %w", inner), "EXTRA")
	require.NotContains(t, err.Error(), "TOKEN123")
	require.Contains(t, err.Error(), "a=b")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	var ue *url.Error
	require.True(t, errors.As(err, &ue))

	plain := errors.New("nothing to hide")
	require.Same(t, plain, Error(plain))
	require.NoError(t, Error(nil))
	require.NotContains(t, Error(errors.New("bad TOKEN9"), "TOKEN9").Error(), "TOKEN9")
}

// A toy secret shorter than MinSecretLen is not scrubbed as a substring
// everywhere: it used to turn the placeholder URL leaves into
// "%5Bred[redacted]cted%5D" and "dial" into "di[redacted]l".
func TestStringToySecret(t *testing.T) {
	msg := `Get "http://127.0.0.1:1/cgi-bin/gettoken?corpid=wwcorp&corpsecret=%5Bredacted%5D": dial tcp 127.0.0.1:1: connect: connection refused`
	require.Equal(t, msg, String(msg, "a"))
	require.Equal(t, msg, String(msg, "e", "", "dial"))
	err := Error(&url.Error{Op: "Get", URL: "http://127.0.0.1:1/cgi-bin/gettoken?corpid=wwcorp&corpsecret=a", Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}, "a")
	require.Equal(t, msg, err.Error())
}

// The placeholder is never scrubbed into, plain or percent-encoded, even by
// a secret that is a word of it.
func TestStringNeverInsidePlaceholder(t *testing.T) {
	require.Equal(t, "[redacted] %5Bredacted%5D [redacted]", String("[redacted] %5Bredacted%5D redacted", "redacted"))
	require.Equal(t, "x=[redacted]", String("x=redacted", "redacted", "redact"))
}

// Only whole tokens are scrubbed: a secret inside a longer word is left
// alone; next to punctuation, quotes, escapes or non-ASCII text it goes.
func TestStringWholeTokens(t *testing.T) {
	const sec = "Tok3n-99"
	for in, want := range map[string]string{
		"corpsecret=secret&secretive=1": "corpsecret=[redacted]&secretive=1", // sec "secret", below
		"bad " + sec:                    "bad [redacted]",
		sec + ", hint":                  "[redacted], hint",
		`"` + sec + `"`:                 `"[redacted]"`,
		"q=%22" + sec + "%22":           "q=%22[redacted]%22",
		`{"m":"\u0026` + sec + `\n"}`:   `{"m":"\u0026[redacted]\n"}`,
		`a\n` + sec:                     `a\n[redacted]`,
		"密钥" + sec + "无效":               "密钥[redacted]无效",
		"x" + sec:                       "x" + sec,
		sec + "x":                       sec + "x",
		sec + "_1 " + sec + "-2":        sec + "_1 " + sec + "-2",
	} {
		require.Equal(t, want, String(in, sec, "secret"), "%q", in)
	}
	// The longer of two overlapping secrets goes whole.
	require.Equal(t, "[redacted] [redacted]", String(sec+"-extra "+sec, sec, sec+"-extra"))
	require.Equal(t, "short1", String("short1", "short"), "shorter than MinSecretLen: ignored")
	require.Equal(t, "[redacted]", String("short1", "short1"), "MinSecretLen bytes: scrubbed")
}
