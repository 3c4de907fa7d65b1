package suite_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/jssdk"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
)

type signerKey struct{}

// A value made per corporation lives as long as its client: made once
// however many callers race for it, made again after the corporation
// uninstalls and reinstalls.
func TestCorpValue(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.install(s, corpA)
	var made atomic.Int32
	newSigner := func(c *wecom.Client) (*jssdk.Signer, error) {
		made.Add(1)
		return jssdk.New(c), nil
	}
	var wg sync.WaitGroup
	got := make([]*jssdk.Signer, 20)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := suite.CorpValue(ctx, s, corpA, signerKey{}, newSigner)
			require.NoError(t, err)
			got[i] = v
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, made.Load())
	for _, v := range got {
		require.Same(t, got[0], v)
	}
	allocs := testing.AllocsPerRun(1000, func() { _, _ = suite.CorpValue(ctx, s, corpA, signerKey{}, newSigner) })
	require.Zero(t, allocs, "a warm call does not allocate")

	// Another key is another value; an error is not kept.
	_, err := suite.CorpValue(ctx, s, corpA, "other", func(*wecom.Client) (int, error) { return 0, errors.New("boom") })
	require.Error(t, err)
	n, err := suite.CorpValue(ctx, s, corpA, "other", func(*wecom.Client) (int, error) { return 7, nil })
	require.NoError(t, err)
	require.Equal(t, 7, n)

	// Uninstalled: no value; reinstalled: a new one.
	require.NoError(t, f.srv.PushCancelAuth(ctx, suiteID, corpA))
	_, err = suite.CorpValue(ctx, s, corpA, signerKey{}, newSigner)
	require.ErrorIs(t, err, suite.ErrNotAuthorized)
	settle(t, s)
	f.install(s, corpA)
	again, err := suite.CorpValue(ctx, s, corpA, signerKey{}, newSigner)
	require.NoError(t, err)
	require.NotSame(t, got[0], again)
	require.EqualValues(t, 2, made.Load())
}

// NewProvider refuses the options that configure a Suite instead of
// ignoring them.
func TestNewProviderRefusesSuiteOptions(t *testing.T) {
	_, err := suite.NewProvider(providerCorpID, providerSecret, suite.WithWorkers(4),
		suite.OnAuthorized(func(context.Context, *suite.Authorization) {}))
	require.ErrorIs(t, err, suite.ErrInvalidConfig)
	require.ErrorContains(t, err, "WithWorkers, OnAuthorized")
	_, err = suite.NewProvider(providerCorpID, providerSecret, suite.WithClock(nil), suite.WithLogger(nil))
	require.NoError(t, err)
}

// WithWeCom's options reach the suite's transport and win over the
// package's own.
func TestWithWeCom(t *testing.T) {
	f := newFixture(t)
	var calls atomic.Int32
	s, err := suite.New(cfg, suite.WithEphemeralStore(), suite.WithClock(f.clock.Now),
		suite.WithBaseURL("http://127.0.0.1:1"), // overridden below
		suite.WithWeCom(wecom.WithBaseURL(f.srv.URL), wecom.WithCallHook(func(context.Context, wecom.CallInfo) { calls.Add(1) })))
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	h := s.CommandHandler()
	f.handle.Store(&h)
	f.pushTicket()
	_, err = s.SuiteToken(context.Background())
	require.NoError(t, err)
	require.EqualValues(t, 1, calls.Load())
}
