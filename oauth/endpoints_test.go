package oauth_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecom"
)

func TestEndpoints(t *testing.T) {
	seen := map[string]bool{}
	for _, info := range oauth.Endpoints() {
		require.NoError(t, info.Check(), info.Path)
		require.False(t, seen[info.Path], "%s declared twice", info.Path)
		seen[info.Path] = true
		require.Equal(t, wecom.AccessToken, info.Kind, info.Path)
	}
	require.Len(t, seen, 2)

	byPath := map[string]wecom.EndpointInfo{}
	for _, info := range oauth.Endpoints() {
		byPath[info.Path] = info
	}
	// The one-time credentials stay out of errors, and a code is not
	// spent twice.
	require.Equal(t, []string{"code"}, byPath["/cgi-bin/auth/getuserinfo"].Secrets)
	require.True(t, byPath["/cgi-bin/auth/getuserinfo"].SingleUse)
	require.Equal(t, []string{"user_ticket"}, byPath["/cgi-bin/auth/getuserdetail"].Secrets)
	require.True(t, byPath["/cgi-bin/auth/getuserdetail"].Idempotent)

	// user/get is contact's declaration, described there, not here.
	for _, info := range contact.Endpoints() {
		require.False(t, seen[info.Path], "%s is declared by contact and oauth", info.Path)
		if info.Path == "/cgi-bin/user/get" {
			require.Contains(t, info.Entry, "oauth.Client.User")
		}
	}
}
