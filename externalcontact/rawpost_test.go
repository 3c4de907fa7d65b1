package externalcontact_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/wecomtest"
)

// rawPost sends body to path with a token of the fixture's app, as a
// client that skips this package's checks would, and returns the errcode.
func rawPost(t *testing.T, srv *wecomtest.Server, path, body string) int {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + "/cgi-bin/gettoken?" + url.Values{"corpid": {corpID}, "corpsecret": {secret}}.Encode())
	require.NoError(t, err)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&tok))
	resp.Body.Close()
	resp, err = srv.Client().Post(srv.URL+path+"?access_token="+tok.AccessToken, "application/json", strings.NewReader(body))
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var a struct {
		ErrCode int `json:"errcode"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	return a.ErrCode
}
