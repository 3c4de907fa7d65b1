package jssdk_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/wecom"
)

func TestEndpoints(t *testing.T) {
	seen := map[string]bool{}
	for _, info := range jssdk.Endpoints() {
		require.NoError(t, info.Check(), info.Path)
		require.False(t, seen[info.Path], "%s declared twice", info.Path)
		seen[info.Path] = true
		require.Equal(t, wecom.AccessToken, info.Kind, info.Path)
	}
	require.Equal(t, map[string]bool{"/cgi-bin/get_jsapi_ticket": true, "/cgi-bin/ticket/get": true}, seen)
}
