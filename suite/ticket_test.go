package suite_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/suite"
)

func TestTicketHealth(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	warnings := func() int { return strings.Count(f.logs.String(), "刷新ticket") }

	h, err := s.TicketHealth(ctx)
	require.NoError(t, err)
	require.False(t, h.Received)
	require.True(t, h.Degraded, "no ticket yet")
	require.Zero(t, warnings(), "just started: no warning")

	_, err = f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	h, err = s.TicketHealth(ctx)
	require.NoError(t, err)
	require.True(t, h.Received)
	require.False(t, h.Degraded)
	require.Equal(t, t0.Unix(), h.IssuedAt.Unix())
	require.Zero(t, h.Age)

	f.clock.Advance(19 * time.Minute)
	h, err = s.TicketHealth(ctx)
	require.NoError(t, err)
	require.False(t, h.Degraded)
	require.Equal(t, 19*time.Minute, h.Age)

	f.clock.Advance(2 * time.Minute) // two pushes missed
	for range 3 {
		h, err = s.TicketHealth(ctx)
		require.NoError(t, err)
		require.True(t, h.Degraded)
		require.Contains(t, h.Reason, "21m0s")
	}
	require.Equal(t, 1, warnings(), "warned once")
	_, err = s.SuiteToken(ctx)
	require.NoError(t, err, "still valid for 9 minutes")

	// A new ticket ends the silence; the next one is warned again.
	_, err = f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	h, err = s.TicketHealth(ctx)
	require.NoError(t, err)
	require.False(t, h.Degraded)
	f.clock.Advance(25 * time.Minute)
	_, err = s.TicketHealth(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, warnings())
}

func TestStaleTicketAtStartUp(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	first := f.start(nil)
	_, err := f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	require.NoError(t, first.Close())

	// The process was down 31 minutes; the callback URL got no push.
	f.clock.Advance(31 * time.Minute)
	s := f.start(nil)
	calls := f.srv.Calls(pSuiteToken)
	_, err = s.SuiteToken(ctx)
	require.ErrorIs(t, err, suite.ErrNoSuiteTicket)
	require.ErrorContains(t, err, "issued 31m0s ago")
	require.ErrorContains(t, err, "none has been pushed since this process started")
	require.ErrorContains(t, err, "刷新ticket")
	require.Equal(t, calls, f.srv.Calls(pSuiteToken), "WeCom was not asked")
	h, err := s.TicketHealth(ctx)
	require.NoError(t, err)
	require.True(t, h.Degraded)

	_, err = f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	_, err = s.SuiteToken(ctx)
	require.NoError(t, err)
}
