package wecom

import (
	"context"
	"fmt"
	"time"
)

// TokenSource supplies a credential WeCom issued: an access_token, a
// suite_access_token, a provider_access_token, a jsapi ticket … Every one
// of them has the same life — fetched from WeCom, valid about 7200 s, and
// possibly revoked early — so one mechanism, [NewCachedToken], serves all.
type TokenSource interface {
	// Token returns a valid credential, fetching one if needed.
	Token(ctx context.Context) (string, error)

	// Invalidate forgets tok if it is still the current value
	// (compare-and-delete), so a caller holding an old token cannot evict
	// a fresh one that another caller or process has already fetched.
	Invalidate(ctx context.Context, tok string) error
}

// FetchFunc obtains a new credential from WeCom and reports how long it is
// valid (WeCom's expires_in). It must return an error rather than an empty
// value or a non-positive ttl.
type FetchFunc func(ctx context.Context) (value string, ttl time.Duration, err error)

// StaticToken returns a TokenSource that always returns value: a token
// obtained elsewhere, or a fixed one in tests. Invalidate does nothing, so a
// call whose token WeCom rejects fails after the one retry. An empty value
// is returned as an error by Token.
func StaticToken(value string) TokenSource { return staticToken(value) }

type staticToken string

func (s staticToken) Token(context.Context) (string, error) {
	if s == "" {
		return "", fmt.Errorf("%w: empty static token", ErrInvalidConfig)
	}
	return string(s), nil
}

func (staticToken) Invalidate(context.Context, string) error { return nil }
