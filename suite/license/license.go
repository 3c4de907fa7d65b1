package license

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/suite"
	"github.com/wecomkit/wecomkit/wecom"
)

// Errors callers branch on; compare with errors.Is.
var (
	// ErrInvalidArgument: an argument WeCom would refuse, caught before the
	// call.
	ErrInvalidArgument = errors.New("license: invalid argument")
)

// Limits WeCom documents for one call.
const (
	// MaxBatch is the most members, codes or transfers one batch call
	// takes (docs 97183, 97188, 97189).
	MaxBatch = 1000
	// MaxPage is the most records one page of a list returns (docs 97186,
	// list_order, list_actived_account); WeCom's default is 500.
	MaxPage = 1000
	// MaxOrderRange is the longest span [Client.Orders] may ask for.
	MaxOrderRange = 31 * 24 * time.Hour
)

// Client makes the interface-license calls with a provider's
// provider_access_token. It is safe for concurrent use.
type Client struct {
	call wecom.Caller[wecom.ProviderToken]
	now  func() time.Time
}

// Option configures a [Client].
type Option interface{ apply(*Client) }

type optionFunc func(*Client)

func (f optionFunc) apply(c *Client) { f(c) }

// WithClock sets the clock [Client.Reconcile] judges expiry by; tests
// inject wecomtest.Clock. Default time.Now.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *Client) {
		if now != nil {
			c.now = now
		}
	})
}

// New returns a Client for the provider p: its calls carry p's
// provider_access_token (https://developer.work.weixin.qq.com/document/path/91200).
func New(p *suite.Provider, opts ...Option) (*Client, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: license.New needs a *suite.Provider", suite.ErrInvalidConfig)
	}
	call, err := wecom.Bind[wecom.ProviderToken](p.Client())
	if err != nil {
		return nil, fmt.Errorf("license: %w", err)
	}
	c := &Client{call: call, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o.apply(c)
		}
	}
	return c, nil
}

// AccountType is the kind of license account.
type AccountType int

// The account kinds (docs 97182, 97186).
const (
	// Base (基础账号) lets the app's API calls reach the member.
	Base AccountType = 1
	// ExternalContact (互通账号) also covers calls between the member and
	// their WeChat customers.
	ExternalContact AccountType = 2
)

func (t AccountType) valid() bool { return t == Base || t == ExternalContact }

// String names the kind.
func (t AccountType) String() string {
	switch t {
	case Base:
		return "base"
	case ExternalContact:
		return "external_contact"
	}
	return fmt.Sprintf("AccountType(%d)", int(t))
}

// call sends req to ep with c's provider token and decodes into out (nil
// to discard the answer). Whether a failed attempt is repeated is ep's
// (endpoints.go): reads are, orders and activations are not. Secret
// fields of req, and opts' secrets, are scrubbed from the error, which
// names the endpoint.
func call[Req, Resp any](ctx context.Context, c *Client, ep *wecom.Endpoint[wecom.ProviderToken, Req, Resp], req Req, out *Resp, opts ...wecom.CallOption) error {
	if err := ep.CallInto(ctx, c.call, req, out, opts...); err != nil {
		return fmt.Errorf("license: %s: %w", ep.Path[strings.LastIndexByte(ep.Path, '/')+1:], err)
	}
	return nil
}

func reveal(codes []wecom.Secret) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c.Reveal()
	}
	return out
}

func need(what, v string) error {
	if v == "" {
		return fmt.Errorf("%w: empty %s", ErrInvalidArgument, what)
	}
	return nil
}

func batchSize(n int) error {
	if n == 0 || n > MaxBatch {
		return fmt.Errorf("%w: 1 to %d entries per call, not %d", ErrInvalidArgument, MaxBatch, n)
	}
	return nil
}

// page is the cursor part of WeCom's list answers.
type page struct {
	NextCursor string `json:"next_cursor"`
	HasMore    int    `json:"has_more"`
}

// paginate yields the items of every page fetch returns, following the
// cursor until has_more is 0 (or a page brings no cursor, which would
// otherwise repeat it forever). An error is yielded once and ends the
// sequence.
func paginate[T any](ctx context.Context, fetch func(ctx context.Context, cursor string) ([]T, page, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		cursor := ""
		for {
			items, p, err := fetch(ctx, cursor)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if p.HasMore == 0 || p.NextCursor == "" || p.NextCursor == cursor {
				return
			}
			cursor = p.NextCursor
		}
	}
}

// Unix converts one of WeCom's Unix-second fields; 0 stays the zero time.
func Unix(sec int64) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0)
}
