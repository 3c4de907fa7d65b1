package suite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// get_permanent_code and get_auth_info carry more than the agents:
// register_code_info (a promotion QR install), dealer_corp_info (a
// reseller), edition_info (a paid app) and each agent's shared_from and
// privilege level (docs 90603, 100776, 100795, 91911). The suite keeps
// them, and they survive the store's JSON, with the v2 and the v1 calls.
func TestAuthorizationDetails(t *testing.T) {
	for _, v1 := range []bool{false, true} {
		t.Run(fmt.Sprintf("v1=%v", v1), func(t *testing.T) {
			f := newFixture(t)
			var opts []suite.Option
			if v1 {
				opts = append(opts, suite.WithPermanentCodeV1())
			}
			s := f.start(nil, opts...)
			ctx := context.Background()
			expires := t0.Add(365 * 24 * time.Hour)
			f.srv.SetInstallExtras(suiteID, corpA, wecomtest.InstallExtras{
				PrivilegeLevel: 4,
				DealerCorpID:   "wwdealer000000001", DealerCorpName: "代理商",
				RegisterCode: "REGCODE1", RegisterTemplateID: "tpl111", RegisterState: "fair",
				SharedFromCorpID: "wwupstream0000001", ShareType: 1,
				Edition: &wecomtest.Edition{ID: "RLS65535", Name: "协同版", AppStatus: 3, UserLimit: 200, Expires: expires, SharedFromOtherCorp: true},
			})
			_, err := f.srv.PushSuiteTicket(ctx, suiteID)
			require.NoError(t, err)
			code := f.srv.NewAuthCode(suiteID, corpA, "fair")
			a, err := s.Authorize(ctx, code)
			require.NoError(t, err)
			settle(t, s)
			got, err := s.AuthInfo(ctx, corpA) // read back from the store (JSON)
			require.NoError(t, err)
			for _, a := range []*suite.Authorization{a, got} {
				require.Equal(t, &suite.RegisterCode{Code: "REGCODE1", TemplateID: "tpl111", State: "fair"}, a.RegisterCode)
				require.Equal(t, &suite.DealerCorp{CorpID: "wwdealer000000001", CorpName: "代理商"}, a.Dealer)
				require.Len(t, a.Agents, 1)
				ag := a.Agents[0]
				require.Equal(t, suite.LevelSingleBaseReadOnly, ag.Privilege.Level)
				require.Equal(t, &suite.SharedFrom{CorpID: "wwupstream0000001", ShareType: suite.ShareUpstreamDownstream}, ag.SharedFrom)
				require.Equal(t, &suite.Edition{ID: "RLS65535", Name: "协同版", AppStatus: suite.AppPaid, UserLimit: 200,
					ExpiredTime: expires.Unix(), SharedFromOtherCorp: true}, ag.Edition)
			}

			// A second delivery of the same auth code, and a change_auth,
			// keep them.
			_, err = s.Authorize(ctx, code)
			require.NoError(t, err)
			settle(t, s)
			again, err := s.AuthInfo(ctx, corpA)
			require.NoError(t, err)
			require.Equal(t, got, again)
			require.NoError(t, f.srv.PushChangeAuth(ctx, suiteID, corpA))
			settle(t, s)
			again, err = s.AuthInfo(ctx, corpA)
			require.NoError(t, err)
			require.Equal(t, got, again)

			// JSON round trip of the whole authorization.
			b, err := json.Marshal(got)
			require.NoError(t, err)
			var back suite.Authorization
			require.NoError(t, json.Unmarshal(b, &back))
			back.PermanentCode = got.PermanentCode
			back.AuthorizedAt = back.AuthorizedAt.In(got.AuthorizedAt.Location())
			require.Equal(t, *got, back)
		})
	}
}

// An install without extras has none: no empty structs.
func TestAuthorizationWithoutDetails(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	a := f.install(s, corpA)
	require.Nil(t, a.RegisterCode)
	require.Nil(t, a.Dealer)
	require.Nil(t, a.Agents[0].SharedFrom)
	require.Nil(t, a.Agents[0].Edition)
	require.Equal(t, suite.LevelBaseReadOnly, a.Agents[0].Privilege.Level)
	b, err := json.Marshal(a)
	require.NoError(t, err)
	require.NotContains(t, string(b), "register_code")
	require.NotContains(t, string(b), "dealer")
	require.NotContains(t, string(b), "shared_from")
	require.NotContains(t, string(b), "edition")
}

// create_auth's ExtraInfo is "额外信息,部分场景会携带" (doc 90642), its
// shape described elsewhere: one with child elements is kept as its inner
// XML, verbatim, not lost.
func TestCreateAuthExtraInfoWithChildren(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	_, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	inner := "<Channel><![CDATA[partner & co]]></Channel>\n\t<Level>2</Level><Nested><A x=\"1\">a</A></Nested>"
	for corp, extra := range map[string]string{corpA: inner, corpB: "<![CDATA[plain]]>"} {
		code := f.srv.NewAuthCode(suiteID, corp, "")
		push := fmt.Sprintf("<xml><SuiteId><![CDATA[%s]]></SuiteId><AuthCode><![CDATA[%s]]></AuthCode><InfoType><![CDATA[create_auth]]></InfoType><TimeStamp>%d</TimeStamp><State><![CDATA[]]></State><ExtraInfo>%s</ExtraInfo></xml>",
			suiteID, code, t0.Unix(), extra)
		require.NoError(t, f.srv.PushRaw(ctx, suiteID, []byte(push)))
	}
	settle(t, s)
	a, err := s.AuthInfo(ctx, corpA)
	require.NoError(t, err)
	require.Equal(t, inner, a.ExtraInfo)
	b, err := s.AuthInfo(ctx, corpB)
	require.NoError(t, err)
	require.Equal(t, "plain", b.ExtraInfo)
}
