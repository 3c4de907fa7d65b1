package suite_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// recordingTransport is the fixture's transport with every request's token
// parameters recorded.
func (f *fixture) recordingTransport() (*wecom.Transport, *testutil.TokenParams) {
	f.t.Helper()
	params := &testutil.TokenParams{}
	tr, err := wecom.NewTransport(wecom.WithBaseURL(f.srv.URL), wecom.WithHTTPClient(&http.Client{Transport: params}),
		wecom.WithBackoff(time.Millisecond, 5*time.Millisecond), wecom.WithLogger(f.log))
	require.NoError(f.t, err)
	return tr, params
}

// tokens returns a live suite token and corp token of corpA.
func (f *fixture) tokens(s *suite.Suite) (suiteTok, corpTok string) {
	f.t.Helper()
	ctx := context.Background()
	suiteTok, err := s.SuiteToken(ctx)
	require.NoError(f.t, err)
	c, err := s.Corp(ctx, corpA)
	require.NoError(f.t, err)
	corpTok, err = c.AccessToken(ctx)
	require.NoError(f.t, err)
	return suiteTok, corpTok
}

func TestOpenCorpID(t *testing.T) {
	f := newFixture(t)
	tr, params := f.recordingTransport()
	s := f.start(nil, suite.WithTransport(tr))
	ctx := context.Background()
	f.install(s, corpA)
	p, err := suite.NewProvider(providerCorpID, providerSecret, suite.WithTransport(tr), suite.WithClock(f.clock.Now), suite.WithLogger(f.log))
	require.NoError(t, err)
	open, err := p.OpenCorpID(ctx, corpA)
	require.NoError(t, err)
	require.Equal(t, wecomtest.OpenCorpID(providerCorpID, corpA), open)
	_, err = p.OpenCorpID(ctx, corpB)
	require.Equal(t, 40013, wecom.ErrorCode(err), "a corp that never installed")
	_, err = p.OpenCorpID(ctx, "")
	require.ErrorIs(t, err, suite.ErrInvalidArgument)

	const path = "/cgi-bin/service/corpid_to_opencorpid"
	require.Equal(t, []string{"provider_access_token"}, params.Seen(path))
	suiteTok, corpTok := f.tokens(s)
	require.Equal(t, 40082, testutil.ErrCodeFor(f.srv.URL, path, "provider_access_token", suiteTok))
	require.Equal(t, 40082, testutil.ErrCodeFor(f.srv.URL, path, "provider_access_token", corpTok))
	require.Equal(t, 41001, testutil.ErrCodeFor(f.srv.URL, path, "access_token", corpTok))
}

func TestOpenUserIDsInBatches(t *testing.T) {
	f := newFixture(t)
	tr, params := f.recordingTransport()
	s := f.start(nil, suite.WithTransport(tr))
	ctx := context.Background()
	f.install(s, corpA)
	var ids []string
	for i := range 2400 {
		id := fmt.Sprintf("user%04d", i)
		f.srv.AddMember(corpA, wecomtest.Member{UserID: id, Name: id})
		ids = append(ids, id)
	}
	// Unknown ids in the first and the last batch, and a duplicate.
	ids = append([]string{"ghost1"}, ids...)
	ids = append(ids, "user0001", "ghost2")
	conv, err := s.OpenUserIDs(ctx, corpA, ids)
	require.NoError(t, err)
	require.Equal(t, 3, f.srv.Calls("/cgi-bin/batch/userid_to_openuserid"), "2402 distinct ids: three calls")
	require.Len(t, conv.Converted, 2400)
	require.Equal(t, wecomtest.OpenUserID(corpA, "user0042"), conv.Converted["user0042"])
	require.Equal(t, []string{"ghost1", "ghost2"}, conv.Invalid)

	// A failing batch returns what converted before it.
	f.srv.Inject("/cgi-bin/batch/userid_to_openuserid", 1, wecomtest.Fault{Latency: time.Millisecond})
	f.srv.Inject("/cgi-bin/batch/userid_to_openuserid", 1, wecomtest.Fault{ErrCode: 45009})
	conv, err = s.OpenUserIDs(ctx, corpA, ids)
	require.Equal(t, 45009, wecom.ErrorCode(err))
	require.ErrorContains(t, err, "ids 1001 to 2000 of 2402")
	require.Len(t, conv.Converted, 999, "the first batch (with ghost1) converted")

	_, err = s.OpenUserIDs(ctx, corpB, []string{"x"})
	require.ErrorIs(t, err, suite.ErrNotAuthorized)
	_, err = s.OpenUserIDs(ctx, corpA, nil)
	require.ErrorIs(t, err, suite.ErrInvalidArgument)

	const path = "/cgi-bin/batch/userid_to_openuserid"
	require.Equal(t, []string{"access_token"}, params.Seen(path))
	suiteTok, _ := f.tokens(s)
	require.Equal(t, 40014, testutil.ErrCodeFor(f.srv.URL, path, "access_token", suiteTok), "a suite token is not a corp token")
	require.Equal(t, 41001, testutil.ErrCodeFor(f.srv.URL, path, "suite_access_token", suiteTok))
}

func TestUserIDsFromOpenUserIDs(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.install(s, corpA)
	f.srv.AddMember(corpA, wecomtest.Member{UserID: "zhangsan"})
	f.srv.AddApp(corpA, wecomtest.App{AgentID: 3010001, Secret: "self-built-secret"})
	params := &testutil.TokenParams{}
	self, err := wecom.New(corpA, "self-built-secret", wecom.WithAgentID(3010001), wecom.WithBaseURL(f.srv.URL),
		wecom.WithHTTPClient(&http.Client{Transport: params}))
	require.NoError(t, err)
	open := wecomtest.OpenUserID(corpA, "zhangsan")
	agent := f.srv.SuiteAgentID(suiteID, corpA)
	conv, err := suite.UserIDs(ctx, self, agent, []string{open, "nobody"})
	require.NoError(t, err)
	require.Equal(t, map[string]string{open: "zhangsan"}, conv.Converted)
	require.Equal(t, []string{"nobody"}, conv.Invalid)
	require.Equal(t, []string{"access_token"}, params.Seen("/cgi-bin/batch/openuserid_to_userid"))

	// A self-built app may not call the forward conversion.
	err = self.Post(ctx, "/cgi-bin/batch/userid_to_openuserid", nil, map[string]any{"userid_list": []string{"zhangsan"}}, nil)
	require.Equal(t, 48002, wecom.ErrorCode(err))

	service, err := wecom.NewServiceClient(wecom.SuiteAccessToken, wecom.StaticToken("x"), wecom.WithBaseURL(f.srv.URL))
	require.NoError(t, err)
	_, err = suite.UserIDs(ctx, service, agent, []string{open})
	require.ErrorIs(t, err, suite.ErrInvalidArgument, "a service client cannot be passed")
	_, err = suite.UserIDs(ctx, self, 0, []string{open})
	require.ErrorIs(t, err, suite.ErrInvalidArgument)
}
