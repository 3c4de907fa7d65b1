package oauth_test

import (
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	corpID    = "ww-oauth-corp"
	newApp    = int64(1000002) // created after 2022-06-20
	legacyApp = int64(1000003) // created before
	newSecret = "new-app-secret-never-logged"
	oldSecret = "old-app-secret-never-logged"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// The directory every fixture starts with.
var (
	zhangsan = wecomtest.Member{UserID: "zhangsan", Name: "张三", Mobile: "13800000001", Email: "zhangsan@example.com",
		BizMail: "zhangsan@corp.wecom.work", Avatar: "https://avatar/zs", Gender: "1", Department: []int64{1}}
	lisi    = wecomtest.Member{UserID: "lisi", Name: "李四", Mobile: "13800000002", Gender: "2"}
	wangwu  = wecomtest.Member{UserID: "wangwu", Name: "王五", BizMail: "wangwu@corp.wecom.work"}
	zhaoliu = wecomtest.Member{UserID: "zhaoliu", Name: "赵六"} // neither email nor mobile
)

// fixture is a fake WeCom with a new and a legacy app, and an oauth.Client
// for each. Whatever a test does, its cleanup proves that no secret, token,
// code or user ticket reached the log.
type fixture struct {
	srv    *wecomtest.Server
	clock  *wecomtest.Clock
	logs   *testutil.SyncBuffer
	oauth  map[int64]*oauth.Client
	mu     sync.Mutex
	issued []string // codes and user tickets handed out
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := wecomtest.NewClock(t0)
	srv := wecomtest.NewServer(wecomtest.WithClock(clock.Now),
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: newApp, Secret: newSecret}),
		wecomtest.WithApp(corpID, wecomtest.App{AgentID: legacyApp, Secret: oldSecret, Legacy: true}))
	t.Cleanup(srv.Close)
	for _, m := range []wecomtest.Member{zhangsan, lisi, wangwu, zhaoliu} {
		srv.AddMember(corpID, m)
	}
	f := &fixture{srv: srv, clock: clock, logs: &testutil.SyncBuffer{}, oauth: map[int64]*oauth.Client{}}
	logger := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for agent, secret := range map[int64]string{newApp: newSecret, legacyApp: oldSecret} {
		c, err := wecom.New(corpID, secret, wecom.WithAgentID(agent), wecom.WithBaseURL(srv.URL),
			wecom.WithClock(clock.Now), wecom.WithLogger(logger), wecom.WithBackoff(time.Millisecond, 2*time.Millisecond))
		require.NoError(t, err)
		f.oauth[agent] = oauth.New(c)
	}
	t.Cleanup(func() {
		logs := f.logs.String()
		for _, s := range f.secrets() {
			require.NotContains(t, logs, s)
		}
	})
	return f
}

// code issues a code for a member through the given app and remembers it.
func (f *fixture) code(agent int64, userID string, scope wecomtest.Scope) string {
	return f.remember(f.srv.NewCode(corpID, agent, userID, scope))
}

func (f *fixture) remember(s string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issued = append(f.issued, s)
	return s
}

// secrets lists everything that must never be logged or shown in an error.
func (f *fixture) secrets() []string {
	f.mu.Lock()
	out := append([]string{newSecret, oldSecret}, f.issued...)
	f.mu.Unlock()
	for _, agent := range []int64{newApp, legacyApp} {
		out = append(out, f.srv.Tokens(corpID, agent)...)
	}
	for _, m := range []string{"zhangsan", "lisi", "wangwu", "zhaoliu"} {
		out = append(out, f.srv.UserTickets(corpID, m)...)
	}
	return out
}

// requireClean fails if err's text holds a secret.
func (f *fixture) requireClean(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range f.secrets() {
		require.False(t, strings.Contains(err.Error(), s), "error leaks %q: %v", s, err)
	}
}
