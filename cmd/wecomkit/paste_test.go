package main

import (
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParsePasted(t *testing.T) {
	want := url.Values{"a": {"1"}, "b": {"x y"}}
	for _, in := range []string{
		"https://h.example/p?a=1&b=x+y",
		"https://h.example/p?a=1&b=x%20y#frag",
		"  'https://h.example/p?a=1&b=x+y'\n",
		`"/p?a=1&b=x+y"`,
		"<https://h.example/p?a=1&b=x+y>",
		"?a=1&b=x+y",
		"a=1&b=x+y",
		"GET /p?a=1&b=x+y HTTP/1.1",
		"POST /p?a=1&b=x+y HTTP/1.1\r\nHost: h\r\n\r\nbody",
	} {
		got, err := parsePasted(in)
		require.NoError(t, err, "%q", in)
		require.Equal(t, want, got, "%q", in)
	}
	for _, in := range []string{"", "https://h.example/p", "/p", "hello", "https://h.example/p?", "GET /p HTTP/1.1"} {
		_, err := parsePasted(in)
		require.ErrorIs(t, err, errNoQuery, "%q", in)
	}
	_, err := parsePasted("a=%zz")
	require.ErrorContains(t, err, "does not parse")
}

func TestSplitCapture(t *testing.T) {
	for _, tt := range []struct {
		in, target, body string
		ok               bool
	}{
		{"POST /cb?x=1 HTTP/1.1\r\nHost: h\r\n\r\n<xml/>", "/cb?x=1", "<xml/>", true},
		{"POST /cb?x=1 HTTP/1.1\nHost: h\n\n<xml>\r\n\r\n</xml>", "/cb?x=1", "<xml>\r\n\r\n</xml>", true},
		{"POST /cb HTTP/1.1\r\nHost: h", "/cb", "", true},
		{"<xml/>", "", "<xml/>", false},
		{"POSTAL /x", "", "POSTAL /x", false},
		{"GET /x SPDY/3\n\nbody", "", "GET /x SPDY/3\n\nbody", false},
	} {
		target, body, ok := splitCapture([]byte(tt.in))
		require.Equal(t, tt.ok, ok, "%q", tt.in)
		require.Equal(t, tt.target, target, "%q", tt.in)
		require.Equal(t, tt.body, string(body), "%q", tt.in)
	}
}

// FuzzParsePasted: whatever is pasted, parsing never panics, and what it
// finds survives a round trip through Encode.
func FuzzParsePasted(f *testing.F) {
	for _, s := range []string{
		"https://h.example/p?a=1&b=x+y#f", "GET /p?a=1 HTTP/1.1", "'?sign=%zz'", "a=1;b=2", "<>", `""`, "POST  HTTP/1.1",
		"https://bridge.example.com/userinfo?appid=xxx&ts=241321&sign=b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := parsePasted(s)
		if err != nil {
			return
		}
		again, err := url.ParseQuery(q.Encode())
		if err != nil {
			t.Fatalf("re-encoded query does not parse: %v", err)
		}
		if len(again) != len(q) {
			t.Fatalf("round trip changed the parameters: %v → %v", q, again)
		}
		for k, vs := range q {
			if strings.Join(again[k], "\x00") != strings.Join(vs, "\x00") {
				t.Fatalf("round trip changed %q: %q → %q", k, vs, again[k])
			}
		}
	})
}

// FuzzSplitCapture: splitting never panics and the body is a suffix of
// the input.
func FuzzSplitCapture(f *testing.F) {
	f.Add([]byte("POST /cb?x=1 HTTP/1.1\r\nHost: h\r\n\r\n<xml/>"))
	f.Add([]byte("<xml><Encrypt>x</Encrypt></xml>"))
	f.Add([]byte("GET /\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, body, _ := splitCapture(data)
		if !strings.HasSuffix(string(data), string(body)) {
			t.Fatalf("body %q is not a suffix of the input", body)
		}
	})
}

// FuzzCommandLine: no command line makes wecomkit panic; every run ends
// with status 0, 1 or 2. (token is left out: it would contact WeCom; so
// are device files, which could block.)
func FuzzCommandLine(f *testing.F) {
	for _, s := range []string{
		"sign --secret pwd appid=xxx ts=241321", "verify --secret pwd ?a=1&sign=2&ts=3", "errcode -40001",
		"jssdk --ticket t --url http://a.example/#x", "url check https://open.weixin.qq.com/connect/oauth2/authorize?x",
		"url authorize --appid a --redirect-uri %zz --state -", "callback verify-url --token t --aes-key " + vecKey + " ?msg_signature=1&timestamp=2&nonce=3&echostr=4",
		"callback encrypt --token t --aes-key " + vecKey, "help url", "-- --",
	} {
		f.Add(s, "<xml><Encrypt>x</Encrypt></xml>")
	}
	f.Fuzz(func(t *testing.T, line, stdin string) {
		args := strings.Fields(line)
		for _, a := range args {
			if strings.Contains(a, "token") && !strings.HasPrefix(a, "--token") || strings.Contains(a, "/dev") || strings.Contains(a, "/proc") {
				return
			}
		}
		if len(args) > 0 && args[0] == "help" {
			args = args[:min(len(args), 2)]
		}
		code, _, _ := runCLI(t, args, nil, stdin)
		if code != exitOK && code != exitFailure && code != exitUsage {
			t.Fatalf("exit status %d", code)
		}
	})
}
