package wecomtest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestJSAPITickets(t *testing.T) {
	f := newDirFixture(t)
	corpTicket := func(agent int64) map[string]any {
		return f.call(t, http.MethodGet, "/cgi-bin/get_jsapi_ticket", f.tok[agent], nil, nil)
	}
	agentTicket := func(agent int64, typ string) map[string]any {
		return f.call(t, http.MethodGet, "/cgi-bin/ticket/get", f.tok[agent], url.Values{"type": {typ}}, nil)
	}

	r := corpTicket(newApp)
	require.Equal(t, 0, errcode(r))
	require.EqualValues(t, 7200, r["expires_in"])
	t1 := r["ticket"].(string)
	require.Equal(t, []string{t1}, f.srv.JSAPITickets(dirCorp))
	f.clock.Advance(time.Second)
	t2 := corpTicket(legacyApp)["ticket"].(string)
	require.Equal(t, []string{t1, t2}, f.srv.JSAPITickets(dirCorp), "one corp ticket list, oldest first")
	require.Empty(t, f.srv.JSAPITickets("ww-other"))

	a := agentTicket(newApp, "agent_config")
	require.Equal(t, 0, errcode(a))
	require.Equal(t, []string{a["ticket"].(string)}, f.srv.AgentTickets(dirCorp, newApp))
	require.Empty(t, f.srv.AgentTickets(dirCorp, legacyApp), "agent tickets belong to the app")
	require.Equal(t, 40058, errcode(agentTicket(newApp, "")))
	require.Equal(t, 40058, errcode(agentTicket(newApp, "jsapi")))

	// A ticket is not an access token.
	require.Equal(t, 40014, errcode(f.call(t, http.MethodGet, "/cgi-bin/get_jsapi_ticket", t1, nil, nil)))

	f.srv.RevokeToken(t1)
	require.Equal(t, []string{t2}, f.srv.JSAPITickets(dirCorp))
	f.clock.Advance(7200 * time.Second)
	require.Empty(t, f.srv.JSAPITickets(dirCorp), "tickets expire with the token TTL")
	require.Empty(t, f.srv.AgentTickets(dirCorp, newApp))

	require.Equal(t, 3, f.srv.Calls("/cgi-bin/get_jsapi_ticket"))
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/ticket/get"))

	f.srv.FailNext("/cgi-bin/ticket/get", 1, -1)
	require.Equal(t, -1, errcode(agentTicket(newApp, "agent_config")))
}

func TestTicketHourlyLimits(t *testing.T) {
	f := newDirFixture(t)
	fetch := func(path string, agent int64) int {
		q := url.Values{}
		if path == "/cgi-bin/ticket/get" {
			q.Set("type", "agent_config")
		}
		return errcode(f.call(t, http.MethodGet, path, f.tok[agent], q, nil))
	}
	for _, path := range []string{"/cgi-bin/get_jsapi_ticket", "/cgi-bin/ticket/get"} {
		for i := 0; i < 100; i++ {
			require.Equal(t, 0, fetch(path, newApp))
			f.clock.Advance(time.Second)
		}
		require.Equal(t, 45009, fetch(path, newApp), "%s: 100 per app per hour", path)
		require.Equal(t, 0, fetch(path, legacyApp), "%s: the other app has its own quota", path)
	}
	// The corporation as a whole: 400 corp tickets an hour.
	f.clock.Advance(time.Hour)
	n, tok := 0, ""
	for i := 0; i < 5; i++ {
		app := int64(2000000 + i)
		secret := fmt.Sprintf("s%d", app)
		f.srv.AddApp(dirCorp, wecomtest.App{AgentID: app, Secret: secret})
		_, r, _ := get(t, f.srv, "/cgi-bin/gettoken", url.Values{"corpid": {dirCorp}, "corpsecret": {secret}})
		tok = r.AccessToken
		for j := 0; j < 100; j++ {
			if errcode(f.call(t, http.MethodGet, "/cgi-bin/get_jsapi_ticket", tok, nil, nil)) == 0 {
				n++
			}
		}
	}
	require.Equal(t, 400, n)
	require.Equal(t, 45009, errcode(f.call(t, http.MethodGet, "/cgi-bin/get_jsapi_ticket", tok, nil, nil)))
	f.clock.Advance(time.Hour)
	require.Equal(t, 0, errcode(f.call(t, http.MethodGet, "/cgi-bin/get_jsapi_ticket", tok, nil, nil)), "the window slides")
}
