package wecom

import (
	"errors"
	"fmt"
)

// TokenKind is the kind of token an [Endpoint] takes and a [Caller]
// holds: [CorpToken], [SuiteToken], [ProviderToken] or [NoToken]. It is
// only ever a type parameter, never a value anyone passes: because
// [Endpoint.Call] takes a Caller of the endpoint's own kind, code that
// would send a corporation's access_token to a suite endpoint — WeCom's
// 41001, 40082 or 42009, found only in production — does not compile.
type TokenKind interface {
	CorpToken | SuiteToken | ProviderToken | NoToken
	// Param is the query parameter the kind's token travels in ("" for
	// NoToken).
	Param() TokenParam
}

// CorpToken is the kind of a corporation's access_token: a self-built
// app's, a customised (代开发) app's, or a third-party app's token for one
// authorized corporation. Most of WeCom's API takes it.
type CorpToken struct{}

// SuiteToken is the kind of a third-party app's suite_access_token, taken
// by the service APIs under /cgi-bin/service/.
type SuiteToken struct{}

// ProviderToken is the kind of a service provider's
// provider_access_token, taken by the provider APIs (login, licenses,
// id conversions).
type ProviderToken struct{}

// NoToken is the kind of the calls that take no token: the credential
// fetches themselves (gettoken, get_suite_token, get_provider_token).
type NoToken struct{}

// Param returns [AccessToken].
func (CorpToken) Param() TokenParam { return AccessToken }

// Param returns [SuiteAccessToken].
func (SuiteToken) Param() TokenParam { return SuiteAccessToken }

// Param returns [ProviderAccessToken].
func (ProviderToken) Param() TokenParam { return ProviderAccessToken }

// Param returns "": the call carries no token.
func (NoToken) Param() TokenParam { return "" }

// ErrWrongTokenKind is wrapped by the [*TokenKindError] a [Caller] of the
// wrong kind returns.
var ErrWrongTokenKind = errors.New("wecom: wrong kind of token")

// TokenKindError reports a [Client] bound as a [Caller] of a kind other
// than the one it holds — a suite client used where a corporation's token
// is needed. It is returned by [Bind] and by every call of such a Caller,
// before any request is sent.
type TokenKindError struct {
	Want TokenParam // the kind the Caller was asked for
	Have TokenParam // the kind the client holds
}

func (e *TokenKindError) Error() string {
	return fmt.Sprintf("wecom: the client holds a %s, the calls need a %s", kindName(e.Have), kindName(e.Want))
}

// Unwrap returns [ErrWrongTokenKind].
func (e *TokenKindError) Unwrap() error { return ErrWrongTokenKind }

func kindName(p TokenParam) string {
	if p == "" {
		return "no token"
	}
	return string(p)
}

// Caller is a [Client] seen as holding a token of kind K: what
// [Endpoint.Call] takes. It is a small value; copy it freely.
//
// A Caller's kind is checked once, when it is made ([Bind]); every call
// through it is then checked by the compiler. Packages built on wecom bind
// in their constructors, so their hundreds of calls cannot send the wrong
// kind of token.
type Caller[K TokenKind] struct {
	t    *Transport
	cred *credential // nil for NoToken
	err  error       // the Bind error, returned by every call
}

// Bind returns c as a Caller of kind K, or a [*TokenKindError] if c holds
// another kind of token. The returned Caller is usable either way: when
// the kinds differ, each of its calls fails with the same error before any
// request, so a constructor that cannot return an error may keep it and
// report the mistake on first use.
func Bind[K TokenKind](c *Client) (Caller[K], error) {
	var k K
	if c == nil {
		err := fmt.Errorf("%w: nil Client", ErrInvalidConfig)
		return Caller[K]{err: err}, err
	}
	if have := TokenParam(c.cred.param); have != k.Param() {
		err := &TokenKindError{Want: k.Param(), Have: have}
		return Caller[K]{t: c.transport, err: err}, err
	}
	return Caller[K]{t: c.transport, cred: &c.cred}, nil
}

// NewCaller returns a Caller of kind K whose tokens come from ts, sent
// through t: for code that holds a token source of a known kind rather
// than a [Client] (package suite's suite and provider tokens). For
// [NoToken], ts is ignored.
func NewCaller[K TokenKind](t *Transport, ts TokenSource) Caller[K] {
	var k K
	if k.Param() == "" {
		return Caller[K]{t: t}
	}
	return Caller[K]{t: t, cred: &credential{param: string(k.Param()), source: ts}}
}

// Caller returns a Caller for the endpoints that take no token, sent
// through t.
func (t *Transport) Caller() Caller[NoToken] { return Caller[NoToken]{t: t} }

// Err returns the error [Bind] returned for this Caller, or nil.
func (c Caller[K]) Err() error { return c.err }

// Transport returns the Transport the Caller's calls go through.
func (c Caller[K]) Transport() *Transport { return c.t }

// TokenSource returns the source of the Caller's tokens (nil for
// [NoToken]).
func (c Caller[K]) TokenSource() TokenSource {
	if c.cred == nil {
		return nil
	}
	return c.cred.source
}
