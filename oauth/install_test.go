package oauth_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/oauth"
)

func TestInstallURLBase(t *testing.T) {
	got := oauth.InstallURL("wwsuite", "pac", "https://p.example.com/cb?x=1", "s1", oauth.WithInstallBase("http://127.0.0.1:8081/"))
	require.Equal(t, "http://127.0.0.1:8081/3rdapp/install?suite_id=wwsuite&pre_auth_code=pac&redirect_uri=https%3A%2F%2Fp.example.com%2Fcb%3Fx%3D1&state=s1", got)
	require.True(t, strings.HasPrefix(oauth.InstallURL("wwsuite", "pac", "https://p.example.com/cb", "", oauth.WithInstallBase("")), oauth.InstallEndpoint+"?"))
}
