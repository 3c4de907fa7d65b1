package suite

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/wecomkit/wecomkit/crypto"
	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
)

// DefaultOpenBaseURL is where WeCom serves its pages for people: the install
// page (3rdapp/install).
const DefaultOpenBaseURL = "https://open.work.weixin.qq.com"

// Option configures a [Suite] or a [Provider]. Options are built only by
// this package's With… and On… functions.
type Option interface{ apply(*config) }

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// suiteOnly makes an option that configures a Suite and means nothing to a
// Provider, which refuses it rather than ignore it.
func suiteOnly(name string, f func(*config)) Option {
	return optionFunc(func(c *config) {
		c.suiteOnly = append(c.suiteOnly, name)
		f(c)
	})
}

type config struct {
	store           store.Store
	ephemeral       bool
	openBaseURL     string
	transport       *wecom.Transport
	logger          *slog.Logger
	now             func() time.Time
	workers         int
	urgentWorkers   int
	slowStart       time.Duration
	exchangeTimeout time.Duration
	retryBase       time.Duration
	retryMax        time.Duration
	permanentV1     bool
	provider        *Provider
	onAuthorized    func(context.Context, *Authorization)
	onAuthChanged   func(context.Context, *Authorization)
	onCancelled     func(ctx context.Context, corpID string)
	onContact       func(context.Context, *crypto.Event)
	onEvent         func(context.Context, *crypto.Event)
	lic             licenseHooks // licevents.go
	wecomOpts       []wecom.Option
	suiteOnly       []string // names of the Suite-only options given
}

func defaultConfig() config {
	return config{
		openBaseURL:     DefaultOpenBaseURL,
		workers:         2,
		urgentWorkers:   1,
		slowStart:       time.Minute,
		exchangeTimeout: DefaultExchangeTimeout,
		retryBase:       time.Second,
		retryMax:        time.Minute,
	}
}

// WithStore keeps the suite's state in s: the suite_ticket, the permanent
// codes and authorization of every corporation, the pushes not yet handled,
// and the tokens. It must be durable — store/boltstore for one process,
// store/redisstore for several — because losing a permanent code loses a
// customer's installation; [New] refuses a [store.Memory] unless
// [WithEphemeralStore] says that is intended.
func WithStore(s store.Store) Option { return optionFunc(func(c *config) { c.store = s }) }

// WithEphemeralStore lets [New] accept a [store.Memory] (or no store at
// all, then one is made): for tests and demos, which may forget everything.
func WithEphemeralStore() Option { return optionFunc(func(c *config) { c.ephemeral = true }) }

// WithBaseURL points the suite at another server speaking WeCom's API, such
// as wecomtest. Default https://qyapi.weixin.qq.com.
//
// It is shorthand for WithWeCom(wecom.WithBaseURL(u)).
func WithBaseURL(u string) Option { return WithWeCom(wecom.WithBaseURL(u)) }

// WithOpenBaseURL sets where the install page lives (default
// https://open.work.weixin.qq.com); tests point it at wecomtest.
func WithOpenBaseURL(u string) Option {
	return suiteOnly("WithOpenBaseURL", func(c *config) { c.openBaseURL = u })
}

// WithHTTPClient sends every call through hc (never modified).
//
// It is shorthand for WithWeCom(wecom.WithHTTPClient(hc)).
func WithHTTPClient(hc *http.Client) Option { return WithWeCom(wecom.WithHTTPClient(hc)) }

// WithWeCom builds the suite's transport with wecom's own options
// (wecom.WithBaseURL, wecom.WithRequestTimeout, wecom.WithBackoff,
// wecom.WithCallHook …): the suite composes them rather than re-declaring
// each. They apply in the order given, after the suite's logger, so a later
// one wins. [WithBaseURL], [WithHTTPClient] and [WithCallHook] are
// shorthands for it. Ignored with [WithTransport], whose transport is
// already built.
func WithWeCom(opts ...wecom.Option) Option {
	return optionFunc(func(c *config) { c.wecomOpts = append(c.wecomOpts, opts...) })
}

// WithTransport sends every call through t, shared with other clients; the
// HTTP options above are then t's.
func WithTransport(t *wecom.Transport) Option { return optionFunc(func(c *config) { c.transport = t }) }

// WithLogger sets where the suite logs (default: nowhere). Tickets, codes,
// tokens and secrets are never logged.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) {
		if l != nil {
			c.logger = l
		}
	})
}

// WithClock sets the clock for token lifetimes and the age of tickets and
// pushes; tests inject wecomtest.Clock. Default time.Now.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *config) {
		if now != nil {
			c.now = now
		}
	})
}

// WithWorkers sets how many pushes are handled at once after they were
// answered (default 2). Installs (create_auth, reset_permanent_code, a
// website install's follow-up) have workers of their own
// ([WithInstallWorkers]), so a backlog of other pushes never delays them.
func WithWorkers(n int) Option {
	return suiteOnly("WithWorkers", func(c *config) {
		if n > 0 {
			c.workers = n
		}
	})
}

// WithInstallWorkers sets how many installs are handled at once (default
// 1): an auth code lives 10 minutes, so installs never wait behind other
// pushes.
func WithInstallWorkers(n int) Option {
	return suiteOnly("WithInstallWorkers", func(c *config) {
		if n > 0 {
			c.urgentWorkers = n
		}
	})
}

// WithExchangeTimeout sets how long one get_permanent_code call may take
// (default [DefaultExchangeTimeout]). Keep it generous: a call given up on
// may still have spent the auth code at WeCom, and then its permanent code
// is lost (the suite detects it and reports it in [Stats.LostInstalls]).
// Tests shorten it.
func WithExchangeTimeout(d time.Duration) Option {
	return suiteOnly("WithExchangeTimeout", func(c *config) {
		if d > 0 {
			c.exchangeTimeout = d
		}
	})
}

// WithSlowStart sets how long a push may wait for a worker before its
// start is logged as a warning and counted in [Stats] (default 1 min).
func WithSlowStart(d time.Duration) Option {
	return suiteOnly("WithSlowStart", func(c *config) {
		if d > 0 {
			c.slowStart = d
		}
	})
}

// WithRetryBackoff sets the wait before handling a failed push again — base
// for the first retry, doubling up to max (defaults 1 s and 1 min).
func WithRetryBackoff(base, max time.Duration) Option {
	return suiteOnly("WithRetryBackoff", func(c *config) {
		if base > 0 {
			c.retryBase = base
		}
		if max >= c.retryBase {
			c.retryMax = max
		}
	})
}

// WithPermanentCodeV1 exchanges auth codes with the original
// get_permanent_code (https://developer.work.weixin.qq.com/document/path/90603),
// which answers the agents in one call, instead of the recommended v2
// (https://developer.work.weixin.qq.com/document/path/100776) followed by v2
// get_auth_info.
func WithPermanentCodeV1() Option {
	return suiteOnly("WithPermanentCodeV1", func(c *config) { c.permanentV1 = true })
}

// WithProvider gives the suite the service provider's credentials, for the
// calls that need the provider token ([Suite.CustomizedAuthURL]).
func WithProvider(p *Provider) Option {
	return suiteOnly("WithProvider", func(c *config) { c.provider = p })
}

// WithCallHook reports every HTTP attempt to f, as [wecom.WithCallHook].
func WithCallHook(f func(context.Context, wecom.CallInfo)) Option {
	return WithWeCom(wecom.WithCallHook(f))
}

// OnAuthorized calls f once for every corporation that installed the app,
// after its permanent code and agents are stored, on the suite's job queue
// (also for an install completed by [Suite.Authorize]). An error is not
// possible here by design: the authorization is already durable. f runs
// exactly once per installation while no process crashes; a process killed
// after f ran and before the job's outcome was stored runs it again after
// a restart, so make f idempotent (key it by CorpID).
func OnAuthorized(f func(ctx context.Context, a *Authorization)) Option {
	return suiteOnly("OnAuthorized", func(c *config) { c.onAuthorized = f })
}

// OnAuthChanged calls f after a change_auth push (the admin changed the
// app's visible range or permissions) or a reset_permanent_code was handled
// and the stored authorization refreshed.
func OnAuthChanged(f func(ctx context.Context, a *Authorization)) Option {
	return suiteOnly("OnAuthChanged", func(c *config) { c.onAuthChanged = f })
}

// OnAuthCancelled calls f after a corporation uninstalled the app and its
// data was deleted.
func OnAuthCancelled(f func(ctx context.Context, corpID string)) Option {
	return suiteOnly("OnAuthCancelled", func(c *config) { c.onCancelled = f })
}

// OnContactChange calls f for each change_contact push (members,
// departments or tags of an authorized corporation changed).
func OnContactChange(f func(ctx context.Context, ev *crypto.Event)) Option {
	return suiteOnly("OnContactChange", func(c *config) { c.onContact = f })
}

// OnEvent calls f for every other InfoType the command URL receives
// (share_agent_change, change_app_admin …), and for the license pushes
// whose typed hook ([OnLicensePaid] and the like) is not set.
func OnEvent(f func(ctx context.Context, ev *crypto.Event)) Option {
	return suiteOnly("OnEvent", func(c *config) { c.onEvent = f })
}
