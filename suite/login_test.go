package suite_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/suite"
)

// get_login_info for an external administrator (usertype 3), who is not a
// member of the corporation, names no userid: the login is still the
// corporation's, and LoginInfo accepts it.
func TestLoginInfoOfAnExternalAdmin(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	p, err := suite.NewProvider(providerCorpID, providerSecret, suite.WithTransport(f.transport()), suite.WithClock(f.clock.Now), suite.WithLogger(f.log))
	require.NoError(t, err)
	s := f.start(nil)
	f.install(s, corpA)

	info, err := p.LoginInfo(ctx, f.srv.NewExternalAdminLoginCode(corpA))
	require.NoError(t, err)
	require.Equal(t, suite.LoginExternalAdmin, info.UserType)
	require.Equal(t, corpA, info.Corp.CorpID)
	require.Empty(t, info.User.UserID)
	require.Empty(t, info.User.OpenUserID)
	require.NotEmpty(t, info.Agents)

	member, err := p.LoginInfo(ctx, f.srv.NewLoginCode(corpA, "lisi"))
	require.NoError(t, err)
	require.Equal(t, suite.LoginCreator, member.UserType)
	require.Equal(t, "lisi", member.User.UserID)
}

// An answer that names neither a user nor a corporation is refused.
func TestLoginInfoNamingNobody(t *testing.T) {
	for body, ok := range map[string]bool{
		`{"usertype":3,"user_info":{},"corp_info":{}}`:                              false,
		`{"usertype":3,"user_info":{"email":"a@b.c"},"corp_info":{"corpid":"wwx"}}`: true,
	} {
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/cgi-bin/service/get_provider_token":
				_, _ = w.Write([]byte(`{"errcode":0,"provider_access_token":"ptok","expires_in":7200}`))
			default:
				_, _ = w.Write([]byte(body))
			}
		}))
		p, err := suite.NewProvider(providerCorpID, providerSecret, suite.WithBaseURL(hs.URL))
		require.NoError(t, err)
		info, err := p.LoginInfo(context.Background(), "code")
		hs.Close()
		if !ok {
			require.Error(t, err, body)
			continue
		}
		require.NoError(t, err, body)
		require.Equal(t, "wwx", info.Corp.CorpID)
		require.Equal(t, "a@b.c", info.User.Email)
	}
}
