package suite_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/suite/license"
)

// licenseClient returns a license client for the fixture's provider.
func (f *fixture) licenseClient() *license.Client {
	f.t.Helper()
	p, err := suite.NewProvider(providerCorpID, providerSecret, suite.WithTransport(f.transport()), suite.WithClock(f.clock.Now), suite.WithLogger(f.log))
	require.NoError(f.t, err)
	c, err := license.New(p, license.WithClock(f.clock.Now))
	require.NoError(f.t, err)
	return c
}

type licenseEvents struct {
	mu         sync.Mutex
	paid       []suite.LicensePaid
	refunded   []suite.LicenseRefunded
	activated  []suite.AutoActivated
	unlicensed []suite.Unlicensed
	other      []string
}

func (e *licenseEvents) options() []suite.Option {
	lock := func(f func()) { e.mu.Lock(); f(); e.mu.Unlock() }
	return []suite.Option{
		suite.OnLicensePaid(func(_ context.Context, ev suite.LicensePaid) { lock(func() { e.paid = append(e.paid, ev) }) }),
		suite.OnLicenseRefunded(func(_ context.Context, ev suite.LicenseRefunded) {
			lock(func() { e.refunded = append(e.refunded, ev) })
		}),
		suite.OnAutoActivated(func(_ context.Context, ev suite.AutoActivated) {
			lock(func() { e.activated = append(e.activated, ev) })
		}),
		suite.OnUnlicensed(func(_ context.Context, ev suite.Unlicensed) { lock(func() { e.unlicensed = append(e.unlicensed, ev) }) }),
		suite.OnEvent(func(_ context.Context, ev *crypto.Event) { lock(func() { e.other = append(e.other, ev.InfoType) }) }),
	}
}

func (e *licenseEvents) snapshot() licenseEvents {
	e.mu.Lock()
	defer e.mu.Unlock()
	return licenseEvents{paid: append(e.paid[:0:0], e.paid...), refunded: append(e.refunded[:0:0], e.refunded...),
		activated: append(e.activated[:0:0], e.activated...), unlicensed: append(e.unlicensed[:0:0], e.unlicensed...), other: append(e.other[:0:0], e.other...)}
}

func TestLicensePushes(t *testing.T) {
	f := newFixture(t)
	var ev licenseEvents
	s := f.start(nil, ev.options()...)
	ctx := context.Background()
	f.install(s, corpA)
	// The provider's system event URL is the suite's command callback.
	f.srv.SetSystemEventURL(providerCorpID, f.cb.URL, cbToken, aesKey)
	lic := f.licenseClient()

	order, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss",
		Accounts: license.AccountCount{Base: 2}, Duration: license.Duration{Months: 2}})
	require.NoError(t, err)
	require.NoError(t, f.srv.PayOrder(ctx, order), "license_pay_success is answered")
	settle(t, s)
	got := ev.snapshot()
	require.Equal(t, []suite.LicensePaid{{ProviderCorpID: providerCorpID, CorpID: corpA, OrderID: order, BuyerUserID: "boss", At: f.clock.Now().Truncate(time.Second)}}, utcPaid(got.paid))

	// Auto-activation: a member opens the app and gets a free code.
	require.NoError(t, lic.SetAutoActive(ctx, corpA, true))
	activated, err := f.srv.VisitApp(ctx, providerCorpID, corpA, "newbie")
	require.NoError(t, err)
	require.True(t, activated)
	settle(t, s)
	got = ev.snapshot()
	require.Len(t, got.activated, 1)
	a := got.activated[0]
	require.Equal(t, corpA, a.CorpID)
	require.Equal(t, 1, a.Scene)
	require.Len(t, a.Accounts, 1)
	require.Equal(t, "newbie", a.Accounts[0].UserID)
	require.Equal(t, 1, a.Accounts[0].PreviousStatus)
	require.Contains(t, f.srv.ActivationCodes(), a.Accounts[0].Code.Reveal())
	require.NotContains(t, fmt.Sprintf("%v %+v", a, a), a.Accounts[0].Code.Reveal(), "codes never print")
	require.Equal(t, f.clock.Now().Add(62*24*time.Hour).Unix(), a.Accounts[0].Expires.Unix())

	// Refund of a second paid order.
	second, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss",
		Accounts: license.AccountCount{Base: 1}, Duration: license.Duration{Months: 1}})
	require.NoError(t, err)
	require.NoError(t, f.srv.PayOrder(ctx, second))
	require.NoError(t, f.srv.RefundOrder(ctx, second))
	settle(t, s)
	got = ev.snapshot()
	require.Len(t, got.refunded, 1)
	require.Equal(t, second, got.refunded[0].OrderID)
	// license_refund's OrderStatus is 1 refunded, 2 refused (doc 95805) —
	// not get_order's order_status, which says 5 for the same order.
	require.Equal(t, suite.RefundSucceeded, got.refunded[0].OrderStatus)
	require.Equal(t, corpA, got.refunded[0].CorpID)
	o, err := lic.Order(ctx, second)
	require.NoError(t, err)
	require.Equal(t, license.OrderRefunded, o.Status)

	// A refund WeCom refuses: the order stays paid in effect (get_order 6).
	third, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss",
		Accounts: license.AccountCount{Base: 1}, Duration: license.Duration{Months: 1}})
	require.NoError(t, err)
	require.NoError(t, f.srv.PayOrder(ctx, third))
	require.NoError(t, f.srv.RefuseRefund(ctx, third))
	settle(t, s)
	got = ev.snapshot()
	require.Len(t, got.refunded, 2)
	require.Equal(t, third, got.refunded[1].OrderID)
	require.Equal(t, suite.RefundRefused, got.refunded[1].OrderStatus)
	o, err = lic.Order(ctx, third)
	require.NoError(t, err)
	require.Equal(t, license.OrderRefundRejected, o.Status)
	require.Len(t, collectSeq(t, lic.OrderAccounts(ctx, third, 0)), 1, "a refused refund keeps the codes")

	// unlicensed_notify on the data callback: queued for the hook, and
	// passed on to the app's own handler.
	var mu sync.Mutex
	var seen []string
	data := httptest.NewServer(s.DataHandler(crypto.HandlerFunc(func(_ context.Context, ev *crypto.Event) ([]byte, error) {
		mu.Lock()
		seen = append(seen, ev.Event)
		mu.Unlock()
		return nil, nil
	})))
	t.Cleanup(data.Close)
	f.srv.SetDataURL(suiteID, data.URL)
	require.NoError(t, f.srv.PushUnlicensed(ctx, suiteID, corpA, "nolicense"))
	settle(t, s)
	got = ev.snapshot()
	require.Equal(t, []suite.Unlicensed{{CorpID: corpA, UserID: "nolicense", AgentID: f.srv.SuiteAgentID(suiteID, corpA), At: f.clock.Now().Truncate(time.Second)}}, utcUnlicensed(got.unlicensed))
	mu.Lock()
	require.Equal(t, []string{"unlicensed_notify"}, seen)
	mu.Unlock()
	require.Empty(t, got.other, "typed hooks took every license push")
}

func utcPaid(in []suite.LicensePaid) []suite.LicensePaid {
	for i := range in {
		in[i].At = in[i].At.UTC()
	}
	return in
}

func utcUnlicensed(in []suite.Unlicensed) []suite.Unlicensed {
	for i := range in {
		in[i].At = in[i].At.UTC()
	}
	return in
}

func TestLicensePushWithoutHookGoesToOnEvent(t *testing.T) {
	f := newFixture(t)
	var mu sync.Mutex
	var other []string
	s := f.start(nil, suite.OnEvent(func(_ context.Context, ev *crypto.Event) {
		mu.Lock()
		other = append(other, ev.InfoType)
		mu.Unlock()
	}))
	ctx := context.Background()
	f.install(s, corpA)
	f.srv.SetSystemEventURL(providerCorpID, f.cb.URL, cbToken, aesKey)
	lic := f.licenseClient()
	order, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss",
		Accounts: license.AccountCount{Base: 1}, Duration: license.Duration{Months: 1}})
	require.NoError(t, err)
	require.NoError(t, f.srv.PayOrder(ctx, order))
	settle(t, s)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"license_pay_success"}, other)
}

func collectSeq[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}
