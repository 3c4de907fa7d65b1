package suite_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
)

// getuserinfo3rd answers how long its user_ticket lives (expires_in, doc
// 91121; 7200 s in the page's example): the suite reports it rather than
// assuming 1800 s.
func TestUserTicket3rdExpiresIn(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.install(s, corpA)

	info, err := s.UserInfo3rd(ctx, f.srv.NewCode3rd(suiteID, corpA, "zhangsan"))
	require.NoError(t, err)
	require.Equal(t, 7200*time.Second, info.UserTicketExpiresIn)

	f.clock.Advance(1801 * time.Second) // past the 1800 s assumed before
	_, err = s.UserDetail3rd(ctx, info.UserTicket)
	require.NoError(t, err, "the ticket lives as long as expires_in said")
	f.clock.Advance(info.UserTicketExpiresIn)
	_, err = f.srv.PushSuiteTicket(ctx, suiteID) // the old ticket expired too
	require.NoError(t, err)
	_, err = s.UserDetail3rd(ctx, info.UserTicket)
	require.Equal(t, 84014, wecom.ErrorCode(err), "then it expires")

	var u suite.UserInfo3rd
	require.NoError(t, json.Unmarshal([]byte(`{"corpid":"wwc","userid":"u1","user_ticket":"tk","expires_in":600}`), &u))
	require.Equal(t, 600*time.Second, u.UserTicketExpiresIn)
	require.NoError(t, json.Unmarshal([]byte(`{"corpid":"wwc","userid":"u1","user_ticket":"tk"}`), &u))
	require.Zero(t, u.UserTicketExpiresIn, "not said: unknown")
	require.NoError(t, json.Unmarshal([]byte(`{"corpid":"wwc","userid":"u1","user_ticket":"tk","expires_in":"oops"}`), &u))
	require.Zero(t, u.UserTicketExpiresIn)
}
