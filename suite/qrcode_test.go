package suite_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecomtest"
)

func TestAppQRCode(t *testing.T) {
	f := newFixture(t)
	tr, params := f.recordingTransport()
	s := f.start(nil, suite.WithTransport(tr), suite.WithHTTPClient(&http.Client{Transport: params}))
	ctx := context.Background()
	f.install(s, corpA)

	img, err := s.AppQRCodePNG(ctx, suite.WithQRState("fair2026"), suite.WithQRStyle(suite.QRMedium))
	require.NoError(t, err)
	require.Equal(t, wecomtest.AppQRCodePNG(suiteID, "fair2026", 3), img)
	_, err = png.Decode(bytes.NewReader(img))
	require.NoError(t, err, "a valid PNG")

	link, err := s.AppQRCode(ctx, suite.WithQRState("fair2026"))
	require.NoError(t, err)
	resp, err := http.Get(link)
	require.NoError(t, err)
	body := readAll(t, resp)
	require.Equal(t, string(wecomtest.AppQRCodePNG(suiteID, "fair2026", 2)), body, "the URL serves the default (small) style")

	// A revoked suite token is replaced once.
	tok, err := s.SuiteToken(ctx)
	require.NoError(t, err)
	f.srv.RevokeToken(tok)
	before := f.srv.Calls(pSuiteToken)
	img, err = s.AppQRCodePNG(ctx)
	require.NoError(t, err)
	require.Equal(t, wecomtest.AppQRCodePNG(suiteID, "", 2), img)
	require.Equal(t, before+1, f.srv.Calls(pSuiteToken))
	newTok, err := s.SuiteToken(ctx)
	require.NoError(t, err)

	// WeCom's errors come back as APIErrors, without the token.
	f.srv.FailNext("/cgi-bin/service/get_app_qrcode", 1, 45009)
	_, err = s.AppQRCodePNG(ctx)
	require.ErrorContains(t, err, "45009")
	require.NotContains(t, err.Error(), newTok)

	_, err = s.AppQRCodePNG(ctx, suite.WithQRState("not valid!"))
	require.ErrorIs(t, err, suite.ErrInvalidArgument)
	_, err = s.AppQRCode(ctx, suite.WithQRStyle(9))
	require.ErrorIs(t, err, suite.ErrInvalidArgument)

	const path = "/cgi-bin/service/get_app_qrcode"
	require.Equal(t, []string{"suite_access_token"}, params.Seen(path))
	_, corpTok := f.tokens(s)
	p, err := suite.NewProvider(providerCorpID, providerSecret, suite.WithTransport(tr))
	require.NoError(t, err)
	provTok, err := p.Token(ctx)
	require.NoError(t, err)
	require.Equal(t, 40082, testutil.ErrCodeFor(f.srv.URL, path, "suite_access_token", provTok), "a provider token is refused")
	require.Equal(t, 40082, testutil.ErrCodeFor(f.srv.URL, path, "suite_access_token", corpTok), "a corp token is refused")
	require.Equal(t, 41022, testutil.ErrCodeFor(f.srv.URL, path, "access_token", corpTok), "缺少suite_access_token参数")
}

func TestInstallSource(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	a := f.install(s, corpA)
	require.Equal(t, suite.InstallWebsite, a.Source)

	_, err := f.srv.InstallQR(ctx, suiteID, corpB, "fair2026") // scanned our QR code
	require.NoError(t, err)
	const corpC, corpD = "wwcorpc0000000003", "wwcorpd0000000004"
	_, err = f.srv.InstallQR(ctx, suiteID, corpC, "") // the App Market, or a code without state
	require.NoError(t, err)
	code := f.srv.NewAuthCode(suiteID, corpD, "")
	push := fmt.Sprintf("<xml><SuiteId><![CDATA[%s]]></SuiteId><AuthCode><![CDATA[%s]]></AuthCode><InfoType><![CDATA[create_auth]]></InfoType><TimeStamp>%d</TimeStamp><State><![CDATA[]]></State><ExtraInfo><![CDATA[channel=partner]]></ExtraInfo></xml>",
		suiteID, code, t0.Unix())
	require.NoError(t, f.srv.PushRaw(ctx, suiteID, []byte(push)))
	settle(t, s)
	for corp, want := range map[string]suite.InstallSource{corpA: suite.InstallWebsite, corpB: suite.InstallQRCode, corpC: suite.InstallMarketOrQR, corpD: suite.InstallMarketOrQR} {
		got, err := s.AuthInfo(ctx, corp)
		require.NoError(t, err)
		require.Equal(t, want, got.Source, corp)
	}
	b, err := s.AuthInfo(ctx, corpB)
	require.NoError(t, err)
	require.Equal(t, "fair2026", b.State)
	d, err := s.AuthInfo(ctx, corpD)
	require.NoError(t, err)
	require.Equal(t, "channel=partner", d.ExtraInfo)

	// A change_auth keeps what the suite knew.
	require.NoError(t, f.srv.PushChangeAuth(ctx, suiteID, corpB))
	settle(t, s)
	b, err = s.AuthInfo(ctx, corpB)
	require.NoError(t, err)
	require.Equal(t, suite.InstallQRCode, b.Source)
}
