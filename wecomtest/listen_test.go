package wecomtest_test

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestWithListenerAndMiddleware(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	own := func(api http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/mine" {
				_, _ = io.WriteString(w, "mine")
				return
			}
			api.ServeHTTP(w, r)
		})
	}
	srv := wecomtest.NewServer(wecomtest.WithListener(ln), wecomtest.WithMiddleware(own),
		wecomtest.WithApp("wwl", wecomtest.App{AgentID: 1, Secret: "s"}))
	defer srv.Close()
	require.Equal(t, "http://"+ln.Addr().String(), srv.URL)

	// The middleware's own route: answered, not counted, not faulted.
	srv.Inject(wecomtest.AnyPath, -1, wecomtest.Fault{ErrCode: -1})
	resp, err := http.Get(srv.URL + "/mine")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	require.Equal(t, "mine", string(b))
	require.Zero(t, srv.Calls("/mine"))
	srv.ClearFaults()

	// The API behind it, on the given listener.
	out := getJSON(t, http.MethodGet, srv.URL+"/cgi-bin/gettoken?corpid=wwl&corpsecret=s", nil)
	require.EqualValues(t, 0, out["errcode"], out)
	require.Equal(t, 1, srv.Calls("/cgi-bin/gettoken"))
}

func TestWithListenerOnUnspecifiedAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "0.0.0.0:0")
	require.NoError(t, err)
	srv := wecomtest.NewServer(wecomtest.WithListener(ln), wecomtest.WithApp("wwl", wecomtest.App{AgentID: 1, Secret: "s"}))
	defer srv.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	require.Equal(t, "http://"+net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), srv.URL)
	out := getJSON(t, http.MethodGet, srv.URL+"/cgi-bin/gettoken?corpid=wwl&corpsecret=s", nil)
	require.EqualValues(t, 0, out["errcode"], out)
}
