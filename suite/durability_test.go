package suite_test

// The faults that used to lose installations or run pushes twice, each
// injected: a rate limit between the exchange and get_auth_info, a store
// that fails for a moment, a WeCom slower than the client, a backlog,
// pushes out of order, malformed pushes, cancelled callers.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

// flakyStore is a store.Memory whose writes fail while failWrite says so,
// as a Redis that stops for a second or a full disk does.
type flakyStore struct {
	*store.Memory
	failWrite atomic.Pointer[func(key, value string) bool]
	failed    atomic.Int64
}

func newFlakyStore(f *fixture) *flakyStore {
	return &flakyStore{Memory: store.NewMemory(store.WithClock(f.clock.Now))}
}

func (s *flakyStore) fails(key, value string) bool {
	if p := s.failWrite.Load(); p != nil && (*p)(key, value) {
		s.failed.Add(1)
		return true
	}
	return false
}

func (s *flakyStore) setFailing(f func(key, value string) bool) { s.failWrite.Store(&f) }

var errDiskFull = errors.New("no space left on device")

func (s *flakyStore) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if s.fails(key, value) {
		return errDiskFull
	}
	return s.Memory.Set(ctx, key, value, ttl)
}

func (s *flakyStore) Add(ctx context.Context, key, value string, ttl time.Duration) (bool, error) {
	if s.fails(key, value) {
		return false, errDiskFull
	}
	return s.Memory.Add(ctx, key, value, ttl)
}

func (f *fixture) pushTicket() {
	f.t.Helper()
	_, err := f.srv.PushSuiteTicket(context.Background(), suiteID)
	require.NoError(f.t, err)
}

// A 45009 on get_auth_info, right after WeCom issued the permanent code,
// no longer loses the install: the code is stored first, the details are
// retried on their own, and the hook runs once.
func TestInstallSurvivesAFailureAfterTheExchange(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.pushTicket()
	f.srv.FailNext(pAuthInfo, 2, 45009)
	_, err := f.srv.InstallQR(ctx, suiteID, corpA, "qr")
	require.NoError(t, err)
	settle(t, s)
	require.Equal(t, 1, f.srv.Calls(pPermanent), "the auth code is exchanged once")
	a, err := s.AuthInfo(ctx, corpA)
	require.NoError(t, err)
	require.Equal(t, f.srv.PermanentCode(suiteID, corpA), a.PermanentCode.Reveal())
	require.Equal(t, f.srv.SuiteAgentID(suiteID, corpA), a.AgentID())
	require.Equal(t, []string{corpA}, f.hooks(&f.authorized))
	require.EqualValues(t, 0, s.Stats().LostInstalls)
}

// The same on the website path: Authorize returns the stored
// authorization even when get_auth_info fails, a reload with the same code
// does not spend it again, and the hook runs once the agents are known.
func TestWebsiteInstallSurvivesAFailureAfterTheExchange(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.pushTicket()
	code := f.srv.NewAuthCode(suiteID, corpA, "web")
	f.srv.FailNext(pAuthInfo, 1, 45009)
	a, err := s.Authorize(ctx, code)
	require.NoError(t, err)
	require.Equal(t, corpA, a.CorpID)
	again, err := s.Authorize(ctx, code) // the operator reloads the redirect
	require.NoError(t, err)
	require.Equal(t, a.PermanentCode, again.PermanentCode)
	settle(t, s)
	require.Equal(t, 1, f.srv.Calls(pPermanent))
	require.Equal(t, []string{corpA}, f.hooks(&f.authorized))
	got, err := s.AuthInfo(ctx, corpA)
	require.NoError(t, err)
	require.Equal(t, f.srv.SuiteAgentID(suiteID, corpA), got.AgentID())
}

// The store refuses writes just as WeCom answers the exchange (Redis
// stopped for a second): the answer is kept in memory and written when the
// store is back, and the code is never exchanged twice.
func TestInstallSurvivesAStoreOutageAfterTheExchange(t *testing.T) {
	f := newFixture(t)
	st := newFlakyStore(f)
	s := f.start(st)
	ctx := context.Background()
	f.pushTicket()
	var outage atomic.Bool
	outage.Store(true)
	st.setFailing(func(key, value string) bool {
		// Everything after WeCom's answer: its record, the corp's keys.
		return outage.Load() && (strings.Contains(value, `"state":"done"`) || strings.Contains(key, ":corp:"))
	})
	code := f.srv.NewAuthCode(suiteID, corpA, "")
	_, err := s.Authorize(ctx, code)
	require.ErrorIs(t, err, errDiskFull)
	require.ErrorIs(t, err, wecom.ErrStore, "a store failure, not a WeCom one")
	require.Equal(t, 1, f.srv.Calls(pPermanent))
	require.NotContains(t, err.Error(), f.srv.PermanentCode(suiteID, corpA))

	outage.Store(false)
	a, err := s.Authorize(ctx, code) // the reload, with the store back
	require.NoError(t, err)
	require.Equal(t, f.srv.PermanentCode(suiteID, corpA), a.PermanentCode.Reveal())
	settle(t, s)
	require.Equal(t, 1, f.srv.Calls(pPermanent), "never exchanged twice")
	require.Equal(t, []string{corpA}, f.hooks(&f.authorized))
}

// WeCom answers the exchange slower than the client's usual request
// timeout: the exchange has its own, generous one, and succeeds.
func TestSlowExchangeIsWaitedFor(t *testing.T) {
	f := newFixture(t)
	tr, err := wecom.NewTransport(wecom.WithBaseURL(f.srv.URL), wecom.WithRequestTimeout(50*time.Millisecond))
	require.NoError(t, err)
	s := f.start(nil, suite.WithTransport(tr))
	ctx := context.Background()
	f.pushTicket()
	f.srv.Inject(pPermanent, 1, wecomtest.Fault{Latency: 300 * time.Millisecond})
	_, err = f.srv.InstallQR(ctx, suiteID, corpA, "")
	require.NoError(t, err)
	settle(t, s)
	_, err = s.AuthInfo(ctx, corpA)
	require.NoError(t, err)
	require.Equal(t, []string{corpA}, f.hooks(&f.authorized))
}

// WeCom spends the code but its answer never arrives (slower than even the
// exchange timeout): the retry does not pretend, it asks WeCom, whose
// 40078 says the code is gone; the install is reported lost — an ERROR
// line and a count — and the push is not retried forever.
func TestLostExchangeIsReportedLoudly(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil, suite.WithExchangeTimeout(100*time.Millisecond))
	ctx := context.Background()
	f.pushTicket()
	f.srv.Inject(pPermanent, 1, wecomtest.Fault{AfterEffect: true, Latency: 2 * time.Second})
	_, err := f.srv.InstallQR(ctx, suiteID, corpA, "")
	require.NoError(t, err)
	settle(t, s)
	require.EqualValues(t, 1, s.Stats().LostInstalls)
	require.Equal(t, 2, f.srv.Calls(pPermanent), "asked once more, to learn whether the first took effect")
	require.Contains(t, f.logs.String(), `"level":"ERROR","msg":"suite: an auth code this suite started exchanging was spent`)
	require.Empty(t, f.hooks(&f.authorized))
}

// A create_auth waits for a worker of its own, not behind a backlog of
// other pushes while WeCom is slow.
func TestInstallsDoNotWaitBehindABacklog(t *testing.T) {
	f := newFixture(t)
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	s := f.start(nil, suite.WithWorkers(1), suite.OnContactChange(func(ctx context.Context, _ *crypto.Event) {
		select { // a slow hook: the backlog does not move
		case <-release:
		case <-ctx.Done():
		}
	}))
	ctx := context.Background()
	f.pushTicket()
	for i := range 300 {
		require.NoError(t, f.srv.PushChangeContact(ctx, suiteID, corpB, "update_user", fmt.Sprint("u", i)))
	}
	_, err := f.srv.InstallQR(ctx, suiteID, corpA, "")
	require.NoError(t, err)
	require.Eventually(t, func() bool { return len(f.hooks(&f.authorized)) == 1 }, 10*time.Second, time.Millisecond)
	n, err := s.Pending(ctx)
	require.NoError(t, err)
	require.Greater(t, n, 290, "the backlog is still waiting")
	once.Do(func() { close(release) })
}

// Pushes delivered to two instances sharing a store, concurrently and
// twice each: every hook runs exactly once.
func TestEveryPushHandledOnceAcrossInstances(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	runs := map[string]int{}
	count := suite.OnContactChange(func(_ context.Context, ev *crypto.Event) {
		mu.Lock()
		user, _ := ev.Field("UserID")
		runs[user]++
		mu.Unlock()
	})
	a := f.start(nil, count, suite.WithWorkers(4))
	b := f.start(nil, count, suite.WithWorkers(4))
	ha, hb := a.CommandHandler(), b.CommandHandler()
	var n atomic.Int64
	both := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			ha.ServeHTTP(w, r)
		} else {
			hb.ServeHTTP(w, r)
		}
	})
	var h http.Handler = both
	f.handle.Store(&h)
	ctx := context.Background()
	const pushes = 1000
	inParallel(25, pushes, func(i int) {
		require.NoError(t, f.srv.PushChangeContact(ctx, suiteID, corpA, "update_user", fmt.Sprint("u", i)))
	})
	settle(t, a)
	settle(t, b)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, runs, pushes)
	for u, c := range runs {
		require.Equal(t, 1, c, "hook for %s", u)
	}
}

// A cancel_auth that arrives before its create_auth leaves the corp
// unauthorized.
func TestCancelBeforeCreateLeavesTheCorpUninstalled(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.pushTicket()
	code := f.srv.NewAuthCode(suiteID, corpA, "")
	require.NoError(t, f.srv.PushCancelAuth(ctx, suiteID, corpA))
	create := fmt.Sprintf("<xml><SuiteId><![CDATA[%s]]></SuiteId><AuthCode><![CDATA[%s]]></AuthCode><InfoType><![CDATA[create_auth]]></InfoType><TimeStamp>%d</TimeStamp></xml>",
		suiteID, code, f.clock.Now().Add(-time.Minute).Unix())
	require.NoError(t, f.srv.PushRaw(ctx, suiteID, []byte(create))) // stamped before the cancel
	settle(t, s)
	_, err := s.Corp(ctx, corpA)
	require.ErrorIs(t, err, suite.ErrNotAuthorized)
	corps, err := s.Corps(ctx)
	require.NoError(t, err)
	require.Empty(t, corps)
	require.Empty(t, f.hooks(&f.authorized))
	require.EqualValues(t, 1, s.Stats().CancelledInstalls)
}

// A suite_ticket stamped far in the future is refused instead of pinning
// itself as the newest for good, and a ticket WeCom refuses (40085) is
// dropped so that the next push replaces it.
func TestTicketsFromTheFutureAndRefusedTickets(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	f.pushTicket()
	future := fmt.Sprintf("<xml><SuiteId><![CDATA[%s]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType><TimeStamp>%d</TimeStamp><SuiteTicket><![CDATA[future-ticket]]></SuiteTicket></xml>",
		suiteID, f.clock.Now().Add(24*time.Hour).Unix())
	require.NoError(t, f.srv.PushRaw(ctx, suiteID, []byte(future)), "answered success")
	require.EqualValues(t, 1, s.Stats().RefusedTickets)
	h, err := s.TicketHealth(ctx)
	require.NoError(t, err)
	require.False(t, h.Degraded)
	require.False(t, h.IssuedAt.After(f.clock.Now()))

	// A ticket WeCom no longer accepts is dropped, and an older-stamped
	// push then replaces it.
	f.clock.Advance(time.Minute)
	f.pushTicket()
	f.srv.FailNext(pSuiteToken, 1, 40085)
	_, err = s.SuiteToken(ctx)
	require.ErrorIs(t, err, suite.ErrNoSuiteTicket)
	require.EqualValues(t, 1, s.Stats().DroppedTickets)
	_, ok, err := s.LastTicket(ctx)
	require.NoError(t, err)
	require.False(t, ok, "the refused ticket is gone")
	f.pushTicket()
	tok, err := s.SuiteToken(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, tok)
}

// A future-stamped ticket stored before such tickets were refused makes
// TicketHealth degraded, and any real push replaces it.
func TestStoredFutureTicketIsNoticed(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	require.NoError(t, f.st.Set(ctx, "suite:"+suiteID+":ticket", fmt.Sprint(f.clock.Now().Add(48*time.Hour).Unix(), "|old-future"), 0))
	s := f.start(nil)
	h, err := s.TicketHealth(ctx)
	require.NoError(t, err)
	require.True(t, h.Degraded)
	require.Contains(t, h.Reason, "in the future")
	f.pushTicket()
	h, err = s.TicketHealth(ctx)
	require.NoError(t, err)
	require.False(t, h.Degraded)
}

// Signed pushes that can never be handled are answered success (WeCom
// would repeat them for hours), logged and counted; permanent errors are
// not retried.
func TestUnhandleablePushesAreAnsweredAndCounted(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	for _, raw := range []string{
		"<xml><SuiteId><![CDATA[" + suiteID + "]]></SuiteId><TimeStamp>1</TimeStamp></xml>",                                              // no InfoType
		`{"SuiteId":"` + suiteID + `","InfoType":"create_auth"}`,                                                                         // JSON
		"<xml><SuiteId><![CDATA[" + suiteID + "]]></SuiteId><InfoType><![CDATA[cancel_auth]]></InfoType><TimeStamp>1</TimeStamp></xml>",  // no AuthCorpId
		"<xml><SuiteId><![CDATA[" + suiteID + "]]></SuiteId><InfoType><![CDATA[create_auth]]></InfoType><TimeStamp>1</TimeStamp></xml>",  // no AuthCode
		"<xml><SuiteId><![CDATA[" + suiteID + "]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType><TimeStamp>1</TimeStamp></xml>", // no ticket
		"<xml><SuiteId><![CDATA[" + suiteID + "]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType><TimeStamp>x</TimeStamp></xml>", // unparsable
	} {
		require.NoError(t, f.srv.PushRaw(ctx, suiteID, []byte(raw)), "%s is answered success", raw)
	}
	require.EqualValues(t, 6, s.Stats().Unhandleable)

	// change_auth for a corporation that never installed: one attempt.
	f.pushTicket()
	require.NoError(t, f.srv.PushChangeAuth(ctx, suiteID, corpB))
	settle(t, s)
	st := s.Stats()
	require.EqualValues(t, 0, st.Jobs.Retried)
	require.EqualValues(t, 1, st.Jobs.Dropped)
}

// A callback body over 64 KiB is refused before anything is parsed.
func TestCallbackBodyIsCapped(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	for _, h := range []http.Handler{s.CommandHandler(), s.DataHandler(crypto.HandlerFunc(func(context.Context, *crypto.Event) ([]byte, error) { return nil, nil }))} {
		rec := httptest.NewRecorder()
		req, _ := http.NewRequest(http.MethodPost, "/?msg_signature=x&timestamp=1&nonce=n", strings.NewReader("<xml>"+strings.Repeat("a", 65<<10)+"</xml>"))
		h.ServeHTTP(rec, req)
		require.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	}
}

// One caller giving up does not fail the others waiting for the same
// exchange.
func TestCancelledCallerDoesNotFailTheOthers(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	f.pushTicket()
	code := f.srv.NewAuthCode(suiteID, corpA, "")
	f.srv.Inject(pPermanent, 1, wecomtest.Fault{Latency: 300 * time.Millisecond})
	first, cancel := context.WithCancel(context.Background())
	firstErr := make(chan error, 1)
	go func() {
		_, err := s.Authorize(first, code)
		firstErr <- err
	}()
	require.Eventually(t, func() bool { return f.srv.Calls(pPermanent) == 1 }, 10*time.Second, time.Millisecond)
	second := make(chan error, 1)
	go func() {
		_, err := s.Authorize(context.Background(), code)
		second <- err
	}()
	cancel()
	require.ErrorIs(t, <-firstErr, context.Canceled)
	require.NoError(t, <-second)
	require.Equal(t, 1, f.srv.Calls(pPermanent))
	settle(t, s)
	require.Equal(t, []string{corpA}, f.hooks(&f.authorized))
}

// CheckStore fails while the store refuses writes.
func TestCheckStoreProbesWrites(t *testing.T) {
	f := newFixture(t)
	st := newFlakyStore(f)
	s := f.start(st)
	ctx := context.Background()
	require.NoError(t, s.CheckStore(ctx))
	st.setFailing(func(string, string) bool { return true })
	err := s.CheckStore(ctx)
	require.ErrorIs(t, err, errDiskFull)
	require.ErrorIs(t, err, wecom.ErrStore)
	st.setFailing(func(string, string) bool { return false })
	require.NoError(t, s.CheckStore(ctx))
}

// dataPush posts an enter_agent event encrypted for corpID to h.
func dataPush(t *testing.T, h http.Handler, corpID string) int {
	t.Helper()
	mc, err := crypto.New(cbToken, aesKey, corpID)
	require.NoError(t, err)
	q, body := seal(t, mc, 1700000000, "<xml><ToUserName><![CDATA["+corpID+"]]></ToUserName><FromUserName><![CDATA[zhangsan]]></FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[enter_agent]]></Event><AgentID>1000001</AgentID></xml>")
	req := httptest.NewRequest(http.MethodPost, "/callback/data?"+q, strings.NewReader(body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// WeCom sends enter_agent right after an install, while its create_auth
// is still being exchanged: the data push is taken, not refused as from
// an unknown corporation; with no install pending, it is refused.
func TestDataPushDuringAPendingInstall(t *testing.T) {
	f := newFixture(t)
	s := f.start(nil)
	ctx := context.Background()
	var seen atomic.Int32
	h := s.DataHandler(crypto.HandlerFunc(func(_ context.Context, ev *crypto.Event) ([]byte, error) {
		if ev.ReceiveID == corpB && ev.Event == "enter_agent" {
			seen.Add(1)
		}
		return nil, nil
	}))
	require.Equal(t, http.StatusBadRequest, dataPush(t, h, corpB), "no install pending: an unknown corp")

	f.pushTicket()
	f.srv.Inject(pPermanent, -1, wecomtest.Fault{Status: http.StatusBadGateway}) // the exchange keeps failing
	_, err := f.srv.InstallQR(ctx, suiteID, corpB, "qr")
	require.NoError(t, err)
	pending, err := s.InstallPending(ctx)
	require.NoError(t, err)
	require.True(t, pending)
	require.Equal(t, http.StatusOK, dataPush(t, h, corpB))
	require.EqualValues(t, 1, seen.Load())

	f.srv.ClearFaults()
	settle(t, s)
	pending, err = s.InstallPending(ctx)
	require.NoError(t, err)
	require.False(t, pending)
	require.Equal(t, http.StatusOK, dataPush(t, h, corpB), "installed now")
	require.Equal(t, http.StatusBadRequest, dataPush(t, h, "wwunknowncorp0001"))
}
