package license_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/wecomkit/wecomkit/internal/testutil"
	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/suite/license"
	"github.com/wecomkit/wecomkit/wecom"
	"github.com/wecomkit/wecomkit/wecomtest"
)

const (
	suiteID        = "wwsuite0000000001"
	suiteSecret    = "suite-secret-never-logged"
	cbToken        = "callbacktoken"
	aesKey         = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	providerCorpID = "wwprovider0000001"
	providerSecret = "provider-secret-never-logged"
	corpA          = "wwcorpa0000000001"
)

var t0 = time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)

type fixture struct {
	t      *testing.T
	srv    *wecomtest.Server
	clock  *wecomtest.Clock
	params *testutil.TokenParams
	logs   *testutil.SyncBuffer
	lic    *license.Client
	s      *suite.Suite
}

// newFixture starts a fake WeCom with a provider and a suite installed in
// corpA, and a license client whose requests are recorded. Its cleanup
// proves that no credential, activation codes included, reached the log.
func newFixture(t *testing.T) *fixture { t.Helper(); return newFixtureOf(t, false) }

// newFixtureOf is newFixture with the suite a 代开发 template when
// customized.
func newFixtureOf(t *testing.T, customized bool) *fixture {
	t.Helper()
	f := &fixture{t: t, clock: wecomtest.NewClock(t0), params: &testutil.TokenParams{}, logs: &testutil.SyncBuffer{}}
	log := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var handler http.Handler = http.NotFoundHandler()
	cb := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(cb.Close)
	f.srv = wecomtest.NewServer(wecomtest.WithClock(f.clock.Now),
		wecomtest.WithSuite(wecomtest.Suite{ID: suiteID, Secret: suiteSecret, Token: cbToken, EncodingAESKey: aesKey, CommandURL: cb.URL, Customized: customized}),
		wecomtest.WithProvider(providerCorpID, providerSecret))
	t.Cleanup(f.srv.Close)
	tr, err := wecom.NewTransport(wecom.WithBaseURL(f.srv.URL), wecom.WithHTTPClient(&http.Client{Transport: f.params}),
		wecom.WithBackoff(time.Millisecond, 5*time.Millisecond), wecom.WithLogger(log))
	require.NoError(t, err)
	p, err := suite.NewProvider(providerCorpID, providerSecret, suite.WithTransport(tr), suite.WithClock(f.clock.Now), suite.WithLogger(log))
	require.NoError(t, err)
	f.lic, err = license.New(p, license.WithClock(f.clock.Now))
	require.NoError(t, err)
	f.s, err = suite.New(suite.Config{SuiteID: suiteID, SuiteSecret: suiteSecret, Token: cbToken, EncodingAESKey: aesKey},
		suite.WithEphemeralStore(), suite.WithTransport(tr), suite.WithClock(f.clock.Now), suite.WithLogger(log))
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.s.Close() })
	handler = f.s.CommandHandler()
	ctx := context.Background()
	_, err = f.srv.PushSuiteTicket(ctx, suiteID)
	require.NoError(t, err)
	_, err = f.s.Authorize(ctx, f.srv.NewAuthCode(suiteID, corpA, "s"))
	require.NoError(t, err)
	t.Cleanup(func() {
		logs := f.logs.String()
		secrets := append([]string{suiteSecret, providerSecret}, f.srv.ActivationCodes()...)
		secrets = append(secrets, f.srv.ProviderTokens(providerCorpID)...)
		for _, s := range secrets {
			require.NotContains(t, logs, s, "a credential reached the log")
		}
	})
	return f
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

// wrongTokens checks that every path was called with the provider token
// only, and that the endpoint refuses a suite or corp token in its place.
func (f *fixture) wrongTokens(paths ...string) {
	f.t.Helper()
	ctx := context.Background()
	suiteTok, err := f.s.SuiteToken(ctx)
	require.NoError(f.t, err)
	corp, err := f.s.Corp(ctx, corpA)
	require.NoError(f.t, err)
	corpTok, err := corp.AccessToken(ctx)
	require.NoError(f.t, err)
	for _, p := range paths {
		require.Equal(f.t, []string{"provider_access_token"}, f.params.Seen(p), "%s: token parameter sent", p)
		require.Equal(f.t, 40082, testutil.ErrCodeFor(f.srv.URL, p, "provider_access_token", suiteTok), "%s: a suite token is refused", p)
		require.Equal(f.t, 40082, testutil.ErrCodeFor(f.srv.URL, p, "provider_access_token", corpTok), "%s: a corp token is refused", p)
		require.Equal(f.t, 41001, testutil.ErrCodeFor(f.srv.URL, p, "suite_access_token", suiteTok), "%s: the suite token's parameter is not read", p)
	}
}

// batch_transfer_license (doc 97192): a successor who holds an account of
// the kind already takes the handover's only when theirs has at most 20
// days left; theirs then ends, replaced by the one handed over.
func TestTransferToMemberWithAccount(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	lic := f.lic
	id, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss",
		Accounts: license.AccountCount{Base: 2}, Duration: license.Duration{Months: 2}})
	require.NoError(t, err)
	require.NoError(t, f.srv.PayOrder(ctx, id))
	accounts := collect(t, lic.OrderAccounts(ctx, id, 0))
	require.Len(t, accounts, 2)
	require.NoError(t, lic.Activate(ctx, corpA, accounts[0].Code, "lisi"))
	f.clock.Advance(30 * 24 * time.Hour)
	require.NoError(t, lic.Activate(ctx, corpA, accounts[1].Code, "zhangsan"))

	// lisi's account, bought for 62 days, has 32 left: refused.
	tr, err := lic.Transfer(ctx, corpA, []license.Transfer{{HandoverUserID: "zhangsan", TakeoverUserID: "lisi"}})
	require.NoError(t, err)
	require.NotZero(t, tr[0].ErrCode, "the successor's account has more than 20 days left")

	// 12 days on, 20 left: the transfer goes through.
	f.clock.Advance(12 * 24 * time.Hour)
	tr, err = lic.Transfer(ctx, corpA, []license.Transfer{{HandoverUserID: "zhangsan", TakeoverUserID: "lisi"}})
	require.NoError(t, err)
	require.Zero(t, tr[0].ErrCode)
	ua, err := lic.UserActivation(ctx, corpA, "lisi")
	require.NoError(t, err)
	require.True(t, ua.Active)
	require.Len(t, ua.Accounts, 1)
	require.Equal(t, f.clock.Now().Add(-12*24*time.Hour).Add(62*24*time.Hour).Unix(), ua.Accounts[0].ExpireTime,
		"lisi now holds zhangsan's account, with its own expiry")
	ua, err = lic.UserActivation(ctx, corpA, "zhangsan")
	require.NoError(t, err)
	require.False(t, ua.Active)
}

// get_app_license_info answers license_status 0 for a 代开发 app, which
// WeCom does not check (doc 97194), and 1 for a third-party app.
func TestAppLicenseInfoOfCustomizedApp(t *testing.T) {
	ctx := context.Background()
	for customized, want := range map[bool]int{false: 1, true: 0} {
		f := newFixtureOf(t, customized)
		app, err := f.lic.AppLicenseInfo(ctx, corpA, suiteID)
		require.NoError(t, err)
		require.Equal(t, want, app.LicenseStatus, "customized %v", customized)
	}
}

func TestLicenseLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	lic := f.lic

	// Order new accounts: unpaid, no codes yet.
	id, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss",
		Accounts: license.AccountCount{Base: 3, ExternalContact: 1}, Duration: license.Duration{Months: 1}})
	require.NoError(t, err)
	o, err := lic.Order(ctx, id)
	require.NoError(t, err)
	require.Equal(t, license.OrderUnpaid, o.Status)
	require.Equal(t, license.OrderBuy, o.Type)
	require.Equal(t, corpA, o.CorpID)
	require.Equal(t, license.AccountCount{Base: 3, ExternalContact: 1}, o.Accounts)
	require.Equal(t, 1, o.Duration.Months)
	require.Equal(t, t0.Unix(), o.CreateTime)
	require.Zero(t, o.PayTime)
	require.Empty(t, collect(t, lic.OrderAccounts(ctx, id, 0)))

	// A second order, cancelled while unpaid.
	other, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss",
		Accounts: license.AccountCount{Base: 1}, Duration: license.Duration{Days: 40}})
	require.NoError(t, err)
	require.NoError(t, lic.CancelOrder(ctx, corpA, other))
	require.Equal(t, 2, f.srv.OrderStatus(other))

	orders := collect(t, lic.Orders(ctx, license.OrderQuery{CorpID: corpA, PageSize: 1}))
	require.Equal(t, []license.OrderSummary{{OrderID: id, Type: license.OrderBuy}, {OrderID: other, Type: license.OrderBuy}}, orders)
	require.Len(t, collect(t, lic.Orders(ctx, license.OrderQuery{Start: t0.Add(-time.Hour), End: t0.Add(time.Hour)})), 2)
	require.Empty(t, collect(t, lic.Orders(ctx, license.OrderQuery{Start: t0.Add(time.Hour), End: t0.Add(2 * time.Hour)})))

	// Payment: the codes appear (two pages of two), and a paid order cannot be cancelled.
	require.NoError(t, f.srv.PayOrder(ctx, id))
	require.Error(t, lic.CancelOrder(ctx, corpA, id))
	o, err = lic.Order(ctx, id)
	require.NoError(t, err)
	require.Equal(t, license.OrderPaid, o.Status)
	require.Equal(t, t0.Unix(), o.PayTime)
	accounts := collect(t, lic.OrderAccounts(ctx, id, 2))
	require.Len(t, accounts, 4)
	var base, ext []wecom.Secret
	for _, a := range accounts {
		require.NotEmpty(t, a.Code.Reveal())
		require.NotContains(t, fmt.Sprintf("%v %+v", a, a), a.Code.Reveal(), "an activation code never prints")
		if a.Type == license.Base {
			base = append(base, a.Code)
		} else {
			ext = append(ext, a.Code)
		}
	}
	require.Len(t, base, 3)
	require.Len(t, ext, 1)

	// Activation, one and in batch; a refused member is reported, not an error.
	require.NoError(t, lic.Activate(ctx, corpA, base[0], "zhangsan"))
	err = lic.Activate(ctx, corpA, base[0], "someone")
	require.Error(t, err, "a used code")
	require.NotContains(t, err.Error(), base[0].Reveal(), "the code is not part of the error")
	results, err := lic.BatchActivate(ctx, corpA, []license.Activation{{Code: base[1], UserID: "lisi"}, {Code: base[2], UserID: "wangwu"}, {Code: "LACbogus", UserID: "x"}})
	require.NoError(t, err)
	require.Len(t, results, 3)
	require.Equal(t, []int{0, 0, 40058}, []int{results[0].ErrCode, results[1].ErrCode, results[2].ErrCode})
	require.Equal(t, "lisi", results[0].UserID)

	info, err := lic.CodeInfo(ctx, corpA, base[0])
	require.NoError(t, err)
	require.Equal(t, license.CodeActive, info.Status)
	require.Equal(t, "zhangsan", info.UserID)
	require.Equal(t, t0.Add(31*24*time.Hour).Unix(), info.ExpireTime)
	infos, invalid, err := lic.BatchCodeInfo(ctx, corpA, []wecom.Secret{base[1], ext[0], "LACbogus"})
	require.NoError(t, err)
	require.Len(t, infos, 2)
	require.Equal(t, license.CodeActive, infos[0].Status)
	require.Equal(t, license.CodeUnbound, infos[1].Status)
	require.Equal(t, []wecom.Secret{"LACbogus"}, invalid)

	listed := collect(t, lic.ActivatedAccounts(ctx, corpA, 1))
	require.Equal(t, []string{"lisi", "wangwu", "zhangsan"}, userIDs(listed))
	require.Equal(t, t0.Add(31*24*time.Hour), listed[0].Expires().UTC())

	ua, err := lic.UserActivation(ctx, corpA, "zhangsan")
	require.NoError(t, err)
	require.True(t, ua.Active)
	require.Len(t, ua.Accounts, 1)
	require.Equal(t, license.Base, ua.Accounts[0].Type)

	// Transfer: zhangsan leaves, zhaoliu takes over; a second transfer of
	// zhangsan has nothing left to move.
	tr, err := lic.Transfer(ctx, corpA, []license.Transfer{{HandoverUserID: "zhangsan", TakeoverUserID: "zhaoliu"}})
	require.NoError(t, err)
	require.Equal(t, []license.TransferResult{{HandoverUserID: "zhangsan", TakeoverUserID: "zhaoliu"}}, tr)
	tr, err = lic.Transfer(ctx, corpA, []license.Transfer{{HandoverUserID: "zhangsan", TakeoverUserID: "lisi"}})
	require.NoError(t, err)
	require.NotZero(t, tr[0].ErrCode)
	ua, err = lic.UserActivation(ctx, corpA, "zhangsan")
	require.NoError(t, err)
	require.False(t, ua.Active)
	ua, err = lic.UserActivation(ctx, corpA, "zhaoliu")
	require.NoError(t, err)
	require.True(t, ua.Active)

	// Auto-activation.
	on, err := lic.AutoActive(ctx, corpA)
	require.NoError(t, err)
	require.False(t, on)
	require.NoError(t, lic.SetAutoActive(ctx, corpA, true))
	on, err = lic.AutoActive(ctx, corpA)
	require.NoError(t, err)
	require.True(t, on)

	// Renewal of lisi; nobody has no account to renew.
	job, err := lic.CreateRenewOrderJob(ctx, corpA, "", []license.RenewAccount{{UserID: "lisi", Type: license.Base}, {UserID: "nobody", Type: license.Base}})
	require.NoError(t, err)
	require.NotEmpty(t, job.JobID)
	require.Len(t, job.Invalid, 1)
	require.Equal(t, "nobody", job.Invalid[0].UserID)
	again, err := lic.CreateRenewOrderJob(ctx, corpA, job.JobID, []license.RenewAccount{{UserID: "wangwu", Type: license.Base}})
	require.NoError(t, err)
	require.Equal(t, job.JobID, again.JobID)
	renewal, err := lic.SubmitOrderJob(ctx, job.JobID, "boss", license.Duration{Months: 1})
	require.NoError(t, err)
	o, err = lic.Order(ctx, renewal)
	require.NoError(t, err)
	require.Equal(t, license.OrderRenew, o.Type)
	require.Equal(t, license.AccountCount{Base: 2}, o.Accounts)
	require.NoError(t, f.srv.PayOrder(ctx, renewal))
	renewed := collect(t, lic.OrderAccounts(ctx, renewal, 0))
	require.Equal(t, []string{"lisi", "wangwu"}, []string{renewed[0].UserID, renewed[1].UserID})
	info, err = lic.CodeInfo(ctx, corpA, base[1])
	require.NoError(t, err)
	require.Equal(t, t0.Add(62*24*time.Hour).Unix(), info.ExpireTime, "renewed by 31 days")

	// The app's license state.
	app, err := lic.AppLicenseInfo(ctx, corpA, suiteID)
	require.NoError(t, err)
	require.Equal(t, 1, app.LicenseStatus)
	f.srv.SetAppLicenseInfo(corpA, suiteID, wecomtest.AppLicense{LicenseStatus: 1, TrialStart: t0, TrialEnd: t0.Add(90 * 24 * time.Hour), LicenseCheckTime: t0.Add(90 * 24 * time.Hour)})
	app, err = lic.AppLicenseInfo(ctx, corpA, suiteID)
	require.NoError(t, err)
	require.Equal(t, t0.Add(90*24*time.Hour).Unix(), app.Trial.EndTime)
	require.False(t, app.Checked(t0))
	require.True(t, app.Checked(t0.Add(91*24*time.Hour)))

	f.wrongTokens("/cgi-bin/license/create_new_order", "/cgi-bin/license/get_order", "/cgi-bin/license/list_order",
		"/cgi-bin/license/list_order_account", "/cgi-bin/license/cancel_order", "/cgi-bin/license/active_account",
		"/cgi-bin/license/batch_active_account", "/cgi-bin/license/get_active_info_by_code",
		"/cgi-bin/license/batch_get_active_info_by_code", "/cgi-bin/license/list_actived_account",
		"/cgi-bin/license/get_active_info_by_user", "/cgi-bin/license/batch_transfer_license",
		"/cgi-bin/license/get_auto_active_status", "/cgi-bin/license/set_auto_active_status",
		"/cgi-bin/license/create_renew_order_job", "/cgi-bin/license/submit_order_job",
		"/cgi-bin/license/get_app_license_info")

	// Expiry by the clock: 25 days on, zhaoliu's account (bought at t0)
	// expires within 10 days; lisi and wangwu were renewed.
	f.clock.Advance(25 * 24 * time.Hour)
	r, err := lic.Reconcile(ctx, corpA, []string{"zhaoliu", "lisi", "wangwu", "nobody", "lisi", ""}, 10*24*time.Hour)
	require.NoError(t, err)
	require.Equal(t, corpA, r.CorpID)
	require.Equal(t, []string{"lisi", "wangwu"}, licensedIDs(r.Active))
	require.Equal(t, []string{"zhaoliu"}, licensedIDs(r.Expiring))
	require.Equal(t, []string{"nobody"}, r.Missing)
	f.clock.Advance(7 * 24 * time.Hour)
	info, err = lic.CodeInfo(ctx, corpA, base[0])
	require.NoError(t, err)
	require.Equal(t, license.CodeExpired, info.Status, "expired by the server's clock")
	r, err = lic.Reconcile(ctx, corpA, []string{"zhaoliu"}, 0)
	require.NoError(t, err)
	require.Equal(t, []string{"zhaoliu"}, r.Missing)

}

func userIDs(as []license.Account) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.UserID
	}
	return out
}

func licensedIDs(ls []license.Licensed) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.UserID
	}
	return out
}

func TestArgumentsCheckedBeforeTheCall(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	lic := f.lic
	before := f.srv.CallCounts()
	_, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "b", Duration: license.Duration{Months: 1}})
	require.ErrorIs(t, err, license.ErrInvalidArgument, "no accounts")
	_, err = lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "b", Accounts: license.AccountCount{Base: 1}, Duration: license.Duration{Days: 30}})
	require.ErrorIs(t, err, license.ErrInvalidArgument, "under a month")
	_, err = lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, Accounts: license.AccountCount{Base: 1}, Duration: license.Duration{Months: 61}})
	require.ErrorIs(t, err, license.ErrInvalidArgument)
	_, err = lic.CreateRenewOrderJob(ctx, corpA, "", make([]license.RenewAccount, license.MaxBatch+1))
	require.ErrorIs(t, err, license.ErrInvalidArgument, "over the batch limit")
	_, err = lic.CreateRenewOrderJob(ctx, corpA, "", []license.RenewAccount{{UserID: "u", Type: 3}})
	require.ErrorIs(t, err, license.ErrInvalidArgument)
	_, err = lic.SubmitOrderJob(ctx, "j", "b", license.Duration{Months: 1, NewExpireTime: 1})
	require.ErrorIs(t, err, license.ErrInvalidArgument)
	_, err = lic.BatchActivate(ctx, corpA, nil)
	require.ErrorIs(t, err, license.ErrInvalidArgument)
	_, _, err = lic.BatchCodeInfo(ctx, corpA, make([]wecom.Secret, license.MaxBatch+1))
	require.ErrorIs(t, err, license.ErrInvalidArgument)
	_, err = lic.Transfer(ctx, corpA, []license.Transfer{{HandoverUserID: "a", TakeoverUserID: "a"}})
	require.ErrorIs(t, err, license.ErrInvalidArgument)
	require.ErrorIs(t, lic.Activate(ctx, "", "c", "u"), license.ErrInvalidArgument)
	for _, q := range []license.OrderQuery{{Start: t0}, {Start: t0, End: t0.Add(32 * 24 * time.Hour)}, {PageSize: 1001}} {
		for _, err := range lic.Orders(ctx, q) {
			require.ErrorIs(t, err, license.ErrInvalidArgument)
		}
	}
	for _, err := range lic.ActivatedAccounts(ctx, corpA, -1) {
		require.ErrorIs(t, err, license.ErrInvalidArgument)
	}
	_, err = lic.Reconcile(ctx, corpA, nil, -time.Hour)
	require.ErrorIs(t, err, license.ErrInvalidArgument)
	_, err = license.New(nil)
	require.ErrorIs(t, err, suite.ErrInvalidConfig)
	require.Equal(t, before, f.srv.CallCounts(), "nothing was sent")
}

func TestIteratorStopsAsking(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for range 3 {
		_, err := f.lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "b", Accounts: license.AccountCount{Base: 1}, Duration: license.Duration{Months: 1}})
		require.NoError(t, err)
	}
	n := 0
	for _, err := range f.lic.Orders(ctx, license.OrderQuery{PageSize: 1}) {
		require.NoError(t, err)
		n++
		if n == 2 {
			break
		}
	}
	require.Equal(t, 2, f.srv.Calls("/cgi-bin/license/list_order"), "no page is fetched after break")
	f.srv.FailNext("/cgi-bin/license/list_order", 1, 45009)
	var errs []error
	for _, err := range f.lic.Orders(ctx, license.OrderQuery{}) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	require.Equal(t, 45009, wecom.ErrorCode(errs[0]))
}

func TestActivationStacksAndMerges(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id, err := f.lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "b", Accounts: license.AccountCount{Base: 2}, Duration: license.Duration{Months: 1}})
	require.NoError(t, err)
	require.NoError(t, f.srv.PayOrder(ctx, id))
	codes := collect(t, f.lic.OrderAccounts(ctx, id, 0))
	require.NoError(t, f.lic.Activate(ctx, corpA, codes[0].Code, "u1"))
	f.clock.Advance(20 * 24 * time.Hour)
	require.NoError(t, f.lic.Activate(ctx, corpA, codes[1].Code, "u1"))
	old, err := f.lic.CodeInfo(ctx, corpA, codes[0].Code)
	require.NoError(t, err)
	require.Equal(t, license.CodeMerged, old.Status)
	require.Equal(t, codes[1].Code, old.Merge.To)
	cur, err := f.lic.CodeInfo(ctx, corpA, codes[1].Code)
	require.NoError(t, err)
	require.Equal(t, t0.Add(62*24*time.Hour).Unix(), cur.ExpireTime, "the old code's remaining time is added")
}

func TestReconcileAccountsIsDeterministic(t *testing.T) {
	now := t0
	day := 24 * time.Hour
	accounts := []license.Account{
		{UserID: "c", Type: license.Base, ExpireTime: now.Add(3 * day).Unix()},
		{UserID: "c", Type: license.ExternalContact, ExpireTime: now.Add(40 * day).Unix()},
		{UserID: "b", Type: license.Base, ExpireTime: now.Add(2 * day).Unix()},
		{UserID: "a", Type: license.Base, ExpireTime: now.Add(2 * day).Unix()},
		{UserID: "d", Type: license.Base, ExpireTime: now.Unix()}, // expired at now
		{UserID: "z", Type: license.Base, ExpireTime: now.Add(99 * day).Unix()},
	}
	want := []string{"d", "c", "b", "a", "e", "a"}
	var first *license.Report
	for range 5 {
		shuffled := slices.Clone(accounts)
		slices.Reverse(shuffled)
		r := license.ReconcileAccounts(shuffled, want, now, 7*day)
		if first == nil {
			first = license.ReconcileAccounts(accounts, want, now, 7*day)
		}
		require.Equal(t, first, r)
	}
	require.Equal(t, []string{"c"}, licensedIDs(first.Active))
	require.Equal(t, []license.AccountType{license.Base, license.ExternalContact}, first.Active[0].Types)
	require.Equal(t, []string{"a", "b"}, licensedIDs(first.Expiring), "same expiry: by userid")
	require.Equal(t, []string{"d", "e"}, first.Missing)
	require.Equal(t, 7, first.WithinDays)
}

// rawErrCode posts body to path with a live provider token, bypassing the
// client's checks, and returns WeCom's errcode: what the fake itself
// accepts.
func (f *fixture) rawErrCode(path string, body any) int {
	f.t.Helper()
	toks := f.srv.ProviderTokens(providerCorpID)
	require.NotEmpty(f.t, toks, "a provider token was issued")
	b, err := json.Marshal(body)
	require.NoError(f.t, err)
	resp, err := http.Post(f.srv.URL+path+"?provider_access_token="+url.QueryEscape(toks[len(toks)-1]), "application/json", bytes.NewReader(b))
	require.NoError(f.t, err)
	defer resp.Body.Close()
	var out struct {
		ErrCode int `json:"errcode"`
	}
	require.NoError(f.t, json.NewDecoder(resp.Body).Decode(&out))
	return out.ErrCode
}

// A renewal (submit_order_job) takes months (at most 60) or a new expiry
// time, never days (docs 97183, 97185): the client refuses days before the
// call, and the fake refuses them too.
func TestRenewalTakesMonthsOrNewExpireTime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	lic := f.lic
	id, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss",
		Accounts: license.AccountCount{Base: 2}, Duration: license.Duration{Months: 1}})
	require.NoError(t, err)
	require.NoError(t, f.srv.PayOrder(ctx, id))
	codes := collect(t, lic.OrderAccounts(ctx, id, 0))
	require.NoError(t, lic.Activate(ctx, corpA, codes[0].Code, "u1"))
	require.NoError(t, lic.Activate(ctx, corpA, codes[1].Code, "u2"))

	job, err := lic.CreateRenewOrderJob(ctx, corpA, "", []license.RenewAccount{{UserID: "u1", Type: license.Base}})
	require.NoError(t, err)
	before := f.srv.Calls("/cgi-bin/license/submit_order_job")
	for _, d := range []license.Duration{{Days: 40}, {Months: 1, Days: 5}, {Months: 61}, {Months: -1}, {}, {Months: 1, NewExpireTime: t0.Add(90 * 24 * time.Hour).Unix()}, {Days: 31, NewExpireTime: t0.Add(90 * 24 * time.Hour).Unix()}, {NewExpireTime: -5}} {
		_, err := lic.SubmitOrderJob(ctx, job.JobID, "boss", d)
		require.ErrorIs(t, err, license.ErrInvalidArgument, "%+v", d)
	}
	require.Equal(t, before, f.srv.Calls("/cgi-bin/license/submit_order_job"), "nothing was sent")

	// The fake refuses days as WeCom would.
	const submit = "/cgi-bin/license/submit_order_job"
	require.Equal(t, 40058, f.rawErrCode(submit, map[string]any{"jobid": job.JobID, "buyer_userid": "boss", "account_duration": map[string]any{"days": 40}}))
	require.Equal(t, 40058, f.rawErrCode(submit, map[string]any{"jobid": job.JobID, "buyer_userid": "boss", "account_duration": map[string]any{"months": 1, "days": 5}}))
	require.Equal(t, 40058, f.rawErrCode(submit, map[string]any{"jobid": job.JobID, "buyer_userid": "boss", "account_duration": map[string]any{"months": 61}}))

	// Months: the account runs 31 days a month longer.
	renewal, err := lic.SubmitOrderJob(ctx, job.JobID, "boss", license.Duration{Months: 60})
	require.NoError(t, err)
	o, err := lic.Order(ctx, renewal)
	require.NoError(t, err)
	require.Equal(t, license.Duration{Months: 60}, o.Duration)
	require.NoError(t, f.srv.PayOrder(ctx, renewal))
	info, err := lic.CodeInfo(ctx, corpA, codes[0].Code)
	require.NoError(t, err)
	require.Equal(t, t0.Add(31*24*time.Hour+60*31*24*time.Hour).Unix(), info.ExpireTime)

	// A new expire time: the account expires exactly then.
	newExpiry := t0.Add(400 * 24 * time.Hour).Unix()
	job2, err := lic.CreateRenewOrderJob(ctx, corpA, "", []license.RenewAccount{{UserID: "u2", Type: license.Base}})
	require.NoError(t, err)
	renewal2, err := lic.SubmitOrderJob(ctx, job2.JobID, "boss", license.Duration{NewExpireTime: newExpiry})
	require.NoError(t, err)
	o, err = lic.Order(ctx, renewal2)
	require.NoError(t, err)
	require.Equal(t, license.Duration{NewExpireTime: newExpiry}, o.Duration)
	require.NoError(t, f.srv.PayOrder(ctx, renewal2))
	info, err = lic.CodeInfo(ctx, corpA, codes[1].Code)
	require.NoError(t, err)
	require.Equal(t, newExpiry, info.ExpireTime)

	// A purchase names months and days, never a new expire time.
	_, err = lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss", Accounts: license.AccountCount{Base: 1},
		Duration: license.Duration{Months: 1, NewExpireTime: newExpiry}})
	require.ErrorIs(t, err, license.ErrInvalidArgument)
}

// active_account_by_type (doc 97188, 指定账号类型激活): WeCom picks the
// corporation's unbound code of the type with the earliest deadline for a
// member who holds no unexpired account of that type.
func TestActivateByType(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	lic := f.lic
	buy := func(base, ext int) []license.OrderAccount {
		t.Helper()
		id, err := lic.CreateNewOrder(ctx, license.NewOrder{CorpID: corpA, BuyerUserID: "boss",
			Accounts: license.AccountCount{Base: base, ExternalContact: ext}, Duration: license.Duration{Months: 1}})
		require.NoError(t, err)
		require.NoError(t, f.srv.PayOrder(ctx, id))
		return collect(t, lic.OrderAccounts(ctx, id, 0))
	}
	first := buy(2, 0)
	f.clock.Advance(time.Hour)
	second := buy(1, 1)
	codesOf := func(accounts []license.OrderAccount, typ license.AccountType) []wecom.Secret {
		var out []wecom.Secret
		for _, a := range accounts {
			if a.Type == typ {
				out = append(out, a.Code)
			}
		}
		return out
	}
	held := func(userID string, typ license.AccountType) wecom.Secret {
		t.Helper()
		ua, err := lic.UserActivation(ctx, corpA, userID)
		require.NoError(t, err)
		for _, a := range ua.Accounts {
			if a.Type == typ {
				return a.Code
			}
		}
		return ""
	}

	require.NoError(t, lic.ActivateByType(ctx, corpA, "u1", license.Base))
	require.Contains(t, codesOf(first, license.Base), held("u1", license.Base), "a code of the oldest order")
	err := lic.ActivateByType(ctx, corpA, "u1", license.Base)
	require.Error(t, err, "u1 holds an unexpired base account")
	require.NotZero(t, wecom.ErrorCode(err))
	require.NoError(t, lic.ActivateByType(ctx, corpA, "u1", license.ExternalContact))
	require.Equal(t, codesOf(second, license.ExternalContact)[0], held("u1", license.ExternalContact))

	require.NoError(t, lic.ActivateByType(ctx, corpA, "u2", license.Base))
	require.NoError(t, lic.ActivateByType(ctx, corpA, "u3", license.Base))
	require.Equal(t, codesOf(second, license.Base)[0], held("u3", license.Base), "the newer order's code last")
	require.Error(t, lic.ActivateByType(ctx, corpA, "u4", license.Base), "no unbound base code left")

	// Once u1's base account expired, a new code may take over.
	f.clock.Advance(32 * 24 * time.Hour)
	old := held("u1", license.Base)
	third := buy(1, 0)
	require.NoError(t, lic.ActivateByType(ctx, corpA, "u1", license.Base))
	require.Equal(t, codesOf(third, license.Base)[0], held("u1", license.Base))
	info, err := lic.CodeInfo(ctx, corpA, old)
	require.NoError(t, err)
	require.Equal(t, license.CodeMerged, info.Status)

	before := f.srv.Calls("/cgi-bin/license/active_account_by_type")
	require.ErrorIs(t, lic.ActivateByType(ctx, corpA, "u1", 3), license.ErrInvalidArgument)
	require.ErrorIs(t, lic.ActivateByType(ctx, corpA, "", license.Base), license.ErrInvalidArgument)
	require.ErrorIs(t, lic.ActivateByType(ctx, "", "u1", license.Base), license.ErrInvalidArgument)
	require.Equal(t, before, f.srv.Calls("/cgi-bin/license/active_account_by_type"), "nothing was sent")
	require.Equal(t, 40058, f.rawErrCode("/cgi-bin/license/active_account_by_type", map[string]any{"corpid": corpA, "userid": "u9", "type": 3}))
	require.Equal(t, 41009, f.rawErrCode("/cgi-bin/license/active_account_by_type", map[string]any{"corpid": corpA, "type": 1}), "WeCom's missing-userid code, from the declaration's required field")

	_, err = f.srv.PushSuiteTicket(ctx, suiteID) // the clock moved past the last ticket
	require.NoError(t, err)
	f.wrongTokens("/cgi-bin/license/active_account_by_type")
}
