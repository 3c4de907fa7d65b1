package settings

import (
	"bytes"
	"flag"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecom"
)

func declared(w io.Writer, demo *bool) *Set {
	return Declare("prog", "Does one thing.", w, demo, "run against a fake",
		Var{Flag: "corp-id", Env: "CORP_ID", Usage: "corpid"},
		Listen(),
		Var{Flag: "base", Env: "BASE_URL", Usage: "base URL"},
		Var{Flag: "redis-url", Env: "REDIS_URL", Usage: "redis URL"},
	)
}

func TestDeclare(t *testing.T) {
	var help bytes.Buffer
	var demo bool
	s := declared(&help, &demo)
	require.NoError(t, s.Parse([]string{"-demo"}, env(nil)))
	require.True(t, demo)
	require.Equal(t, DefaultDemoListen, s.ListenAddr(demo), "the demo listens on loopback")
	require.Equal(t, DefaultListen, s.ListenAddr(false))

	s = declared(&help, &demo)
	require.ErrorIs(t, s.Parse([]string{"-h"}, env(nil)), flag.ErrHelp)
	require.Contains(t, help.String(), "Usage: prog [flags]\n\nDoes one thing.")
	require.Contains(t, help.String(), "[$LISTEN_ADDR]")
	require.Contains(t, help.String(), "-demo")

	s = declared(io.Discard, &demo)
	require.NoError(t, s.Parse([]string{"-listen", "127.0.0.1:1"}, env(map[string]string{"LISTEN_ADDR": ":2"})))
	require.Equal(t, "127.0.0.1:1", s.ListenAddr(true), "a given address wins, demo or not")
}

func TestBaseURL(t *testing.T) {
	for value, problem := range map[string]string{
		"":                                       "",
		"https://proxy.example.com/":             "",
		"ftp://x":                                `BASE_URL (-base): "ftp://x" is not an http(s) URL`,
		"https://qyapi.weixin.qq.com/?debug=1":   `BASE_URL (-base): "https://qyapi.weixin.qq.com/?debug=1" must not carry a query, fragment or user info`,
		"https://ops:pa55word@proxy.example.com": `BASE_URL (-base): "https://proxy.example.com" must not carry a query, fragment or user info`,
		"http://ops:pa55word@[::1":               `BASE_URL (-base): "http://…@[::1" is not an http(s) URL`,
	} {
		var demo bool
		s := declared(io.Discard, &demo)
		require.NoError(t, s.Parse(nil, env(map[string]string{"BASE_URL": value})))
		got := s.BaseURL("base", wecom.DefaultBaseURL)
		if problem == "" {
			require.Empty(t, s.Problems(), value)
			if value == "" {
				require.Equal(t, wecom.DefaultBaseURL, got)
			} else {
				require.Equal(t, "https://proxy.example.com", got)
			}
			continue
		}
		require.Equal(t, []string{problem}, s.Problems(), value)
		require.NotContains(t, s.Problems()[0], "pa55word")
	}
}

func TestRedisURL(t *testing.T) {
	var demo bool
	s := declared(io.Discard, &demo)
	require.NoError(t, s.Parse(nil, env(map[string]string{"REDIS_URL": "redis://:pa55word@127.0.0.1:6379/0"})))
	require.Equal(t, wecom.Secret("redis://:pa55word@127.0.0.1:6379/0"), s.RedisURL("redis-url"))
	require.Empty(t, s.Problems(), "parsed, not connected")

	s = declared(io.Discard, &demo)
	require.NoError(t, s.Parse(nil, env(map[string]string{"REDIS_URL": "mysql://user:hunter2@db/0"})))
	s.RedisURL("redis-url")
	require.Len(t, s.Problems(), 1)
	require.Contains(t, s.Problems()[0], "REDIS_URL (-redis-url): ")
	require.NotContains(t, s.Problems()[0], "hunter2")

	s = declared(io.Discard, &demo)
	require.NoError(t, s.Parse(nil, env(nil)))
	require.Empty(t, s.RedisURL("redis-url"))
}

func TestDifferences(t *testing.T) {
	var demo bool
	s := declared(io.Discard, &demo)
	table := []Var{{Flag: "corp-id", Env: "CORP_ID"}, {Flag: "listen", Env: "LISTEN_ADDR"}, {Flag: "base", Env: "BASE_URL"}, {Flag: "redis-url", Env: "REDIS_URL"}}
	require.Empty(t, s.Differences(table, "demo"))
	require.Equal(t, []string{"-demo is missing from the table"}, s.Differences(table))
	bad := append([]Var{{Flag: "nope", Env: "NOPE"}, {Flag: "corp-id", Env: "CORPID"}}, table[1:3]...)
	require.Equal(t, []string{
		"the table lists -nope, which is not declared",
		"-corp-id: the table says $CORPID, the flag $CORP_ID",
		"-redis-url is missing from the table",
	}, s.Differences(bad, "demo"))
}
