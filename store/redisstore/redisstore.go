package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/wecomkit/wecomkit/store"
)

// DefaultPrefix is put before every key unless [WithPrefix] says otherwise.
const DefaultPrefix = "wecomkit:"

// Default bounds of the wait between two attempts to take a held lock; see
// [WithLockPoll].
const (
	DefaultLockPollMin = 10 * time.Millisecond
	DefaultLockPollMax = 250 * time.Millisecond
)

// Store is a [store.Store], [store.Locker], [store.Adder] and [store.Index]
// on Redis. It is safe for concurrent use by many goroutines and many
// processes.
type Store struct {
	client redis.UniversalClient
	owned  bool // created by FromURL: Close closes it
	desc   string

	prefix      string
	lockPollMin time.Duration
	lockPollMax time.Duration

	closeOnce sync.Once
	closeErr  error
}

var (
	_ store.Store  = (*Store)(nil)
	_ store.Locker = (*Store)(nil)
	_ store.Adder  = (*Store)(nil)
	_ store.Index  = (*Store)(nil)
)

// Option configures a [Store]. Options are built only by this package's
// With… functions.
type Option interface{ apply(*config) }

type config struct {
	prefix        string
	lockPollMin   time.Duration
	lockPollMax   time.Duration
	clientOptions []func(*redis.Options)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithPrefix sets the string put before every key, lock and index name,
// so that several applications (or several environments) can share one
// Redis database without seeing each other's values. The default is
// [DefaultPrefix]; an empty prefix is allowed.
func WithPrefix(prefix string) Option {
	return optionFunc(func(c *config) { c.prefix = prefix })
}

// WithLockPoll sets how long [Store.Lock] waits between two attempts to
// take a lock someone else holds: it starts at min and doubles up to max,
// each wait drawn at random between half and all of that bound so that
// waiting processes do not retry in step, and never waits past the moment
// the holder's lock expires. Defaults: [DefaultLockPollMin] and
// [DefaultLockPollMax]. Values below 1 ms are raised to 1 ms, so that a
// waiter never spins; max < min is ignored.
func WithLockPoll(min, max time.Duration) Option {
	return optionFunc(func(c *config) {
		if max >= min {
			c.lockPollMin, c.lockPollMax = atLeastMillisecond(min), atLeastMillisecond(max)
		}
	})
}

func atLeastMillisecond(d time.Duration) time.Duration { return max(d, time.Millisecond) }

// WithClientOptions lets [FromURL] adjust the go-redis options parsed from
// the URL before it creates the client: a TLS configuration with a private
// CA, pool sizes, timeouts, hooks. It has no effect on [New], whose client
// the caller configured already.
func WithClientOptions(fn func(*redis.Options)) Option {
	return optionFunc(func(c *config) {
		if fn != nil {
			c.clientOptions = append(c.clientOptions, fn)
		}
	})
}

func newConfig(opts []Option) config {
	c := config{prefix: DefaultPrefix, lockPollMin: DefaultLockPollMin, lockPollMax: DefaultLockPollMax}
	for _, o := range opts {
		o.apply(&c)
	}
	return c
}

// New returns a Store on client, which may be a single-node *redis.Client,
// a Sentinel-backed failover client or a *redis.ClusterClient (anything
// [redis.NewUniversalClient] returns). The caller keeps owning client:
// [Store.Close] does not close it.
//
// go-redis ignores context deadlines on network reads and writes unless
// [redis.Options.ContextTimeoutEnabled] is set; set it (FromURL does) so
// that a context bounds a call to an unresponsive Redis, not only the
// client's ReadTimeout and WriteTimeout.
func New(client redis.UniversalClient, opts ...Option) *Store {
	if client == nil {
		panic("redisstore: New: nil client")
	}
	cfg := newConfig(opts)
	return newStore(client, false, describe(client), cfg)
}

func newStore(client redis.UniversalClient, owned bool, desc string, cfg config) *Store {
	return &Store{
		client:      client,
		owned:       owned,
		desc:        desc,
		prefix:      cfg.prefix,
		lockPollMin: cfg.lockPollMin,
		lockPollMax: cfg.lockPollMax,
	}
}

// FromURL returns a Store on a new single-node client configured from a
// URL, as [redis.ParseURL] reads it:
//
//	redis://[user:password@]host:port[/db][?dial_timeout=3s&pool_size=20…]
//	rediss://…   (TLS)
//	unix://[user:password@]/path/to/redis.sock[?db=N]
//
// The client respects context deadlines ([redis.Options.ContextTimeoutEnabled]);
// [WithClientOptions] adjusts anything else. The Store owns the client:
// call [Store.Close] when done. For Sentinel or Cluster, build a
// [redis.UniversalClient] yourself and use [New].
//
// Errors never contain the URL's password.
func FromURL(rawURL string, opts ...Option) (*Store, error) {
	if misplacedAt(rawURL) {
		return nil, fmt.Errorf("redisstore: parse URL: %w", errMisplacedAt)
	}
	cfg := newConfig(opts)
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redisstore: parse URL: %w", scrubURLError(err, rawURL))
	}
	o.ContextTimeoutEnabled = true
	for _, fn := range cfg.clientOptions {
		fn(o)
	}
	client := redis.NewClient(o)
	return newStore(client, true, describeOptions(o), cfg), nil
}

// scrubURLError keeps the credentials of rawURL out of an error from
// parsing it. net/url quotes the URL, or pieces of it, in its errors; when
// the URL does not even parse, where its password ends cannot be known, so
// no piece of it is repeated.
func scrubURLError(err error, rawURL string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if strings.Contains(rawURL, "@") {
			return errors.New("malformed URL (details withheld: it may carry a password)")
		}
		return ue.Err
	}
	// go-redis's own errors (scheme, database, options) quote parts of a
	// URL that parsed. An '@' outside the user info means the URL did not
	// parse as its author meant — a password with an unescaped '/', say —
	// and the quoted path may hold part of the password.
	if misplacedAt(rawURL) {
		return errMisplacedAt
	}
	// Otherwise the password is not among the quoted parts; remove it all
	// the same should that ever change.
	msg := err.Error()
	if u, perr := url.Parse(rawURL); perr == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "[redacted]")
		}
	}
	return errors.New(msg)
}

var errMisplacedAt = errors.New("malformed URL: an '@' outside the user info (details withheld: it may carry a password; percent-encode '/', '@', '?' and '#' in it)")

// misplacedAt reports whether rawURL has an '@' that did not end up in its
// user info: a password with an unescaped '/' or '#', say. Such a URL does
// not mean what its author meant, and its path — which errors and String
// would show — may hold part of the password.
func misplacedAt(rawURL string) bool {
	if !strings.Contains(rawURL, "@") {
		return false
	}
	u, err := url.Parse(rawURL)
	return err != nil || u.User == nil || strings.Contains(u.Host+u.Path+u.RawQuery+u.Fragment, "@")
}

func describe(c redis.UniversalClient) string {
	switch c := c.(type) {
	case *redis.Client:
		return describeOptions(c.Options())
	case *redis.ClusterClient:
		return "cluster " + strings.Join(c.Options().Addrs, ",")
	default:
		return fmt.Sprintf("%T", c)
	}
}

func describeOptions(o *redis.Options) string {
	scheme := "redis"
	if o.TLSConfig != nil {
		scheme = "rediss"
	}
	if o.Network == "unix" {
		scheme = "unix"
	}
	return fmt.Sprintf("%s %s db %d", scheme, o.Addr, o.DB)
}

// String describes the store — address, database and prefix — without any
// credential.
func (s *Store) String() string {
	return fmt.Sprintf("redisstore(%s, prefix %q)", s.desc, s.prefix)
}

// Prefix returns the string put before every key.
func (s *Store) Prefix() string { return s.prefix }

// Client returns the go-redis client the store uses.
func (s *Store) Client() redis.UniversalClient { return s.client }

// Ping checks that Redis answers, for readiness probes.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	return nil
}

// Close closes the client if [FromURL] created it, and does nothing for a
// client passed to [New], which its owner closes. Calling Close more than
// once returns the first result.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	s.closeOnce.Do(func() {
		if err := s.client.Close(); err != nil {
			s.closeErr = fmt.Errorf("redisstore: close: %w", err)
		}
	})
	return s.closeErr
}

// Get implements [store.Store].
func (s *Store) Get(ctx context.Context, key string) (string, bool, error) {
	if err := ctx.Err(); err != nil {
		return "", false, fmt.Errorf("redisstore: get: %w", err)
	}
	v, err := s.client.Get(ctx, s.prefix+key).Result()
	if errors.Is(err, redis.Nil) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("redisstore: get: %w", err)
	}
	return v, true, nil
}

// Set implements [store.Store]. A ttl of 0 stores the value without
// expiry; a positive ttl is rounded up to whole milliseconds, Redis's
// resolution.
func (s *Store) Set(ctx context.Context, key, value string, ttl time.Duration) error {
	if ttl < 0 {
		return store.ErrNegativeTTL
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: set: %w", err)
	}
	if err := s.client.Set(ctx, s.prefix+key, value, roundMillis(ttl)).Err(); err != nil {
		return fmt.Errorf("redisstore: set: %w", err)
	}
	return nil
}

// roundMillis rounds a positive d up to a whole number of milliseconds, so
// that go-redis neither truncates it to 0 nor complains about it.
func roundMillis(d time.Duration) time.Duration {
	if r := d % time.Millisecond; r != 0 {
		d += time.Millisecond - r
	}
	return d
}

// Delete implements [store.Store].
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("redisstore: delete: %w", err)
	}
	if err := s.client.Del(ctx, s.prefix+key).Err(); err != nil {
		return fmt.Errorf("redisstore: delete: %w", err)
	}
	return nil
}

// deleteIfEquals deletes KEYS[1] only if it holds ARGV[1], atomically: a
// GET followed by a DEL from the client could delete a value another
// process wrote in between. It serves both CompareAndDelete and unlock.
var deleteIfEquals = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0
`)

// CompareAndDelete implements [store.Store] atomically, with a Lua script
// run by Redis.
func (s *Store) CompareAndDelete(ctx context.Context, key, old string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("redisstore: compare-and-delete: %w", err)
	}
	n, err := deleteIfEquals.Run(ctx, s.client, []string{s.prefix + key}, old).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: compare-and-delete: %w", err)
	}
	return n == 1, nil
}
