package oauth

import "errors"

// Errors callers branch on. Compare with errors.Is; the [*wecom.APIError]
// WeCom returned, if any, stays in the chain for errors.As.
var (
	// ErrInvalidCode: WeCom answered 40029 — the code is invalid, has
	// expired (codes live 5 minutes) or was already used (codes work
	// once). The user has to open the link again.
	ErrInvalidCode = errors.New("oauth: invalid, expired or already used code")

	// ErrNotMember: the code belongs to someone who is not a member of the
	// corporation (getuserinfo returned an openid and no userid).
	ErrNotMember = errors.New("oauth: not a member of the corporation")

	// ErrInvalidState: a state value that this StateCodec did not issue,
	// that was issued for another binding, or that was altered.
	ErrInvalidState = errors.New("oauth: invalid state")

	// ErrStateExpired: a state value older than the StateCodec's TTL. It
	// is deliberately not ErrInvalidState: an expired state is an
	// ordinary event (the user took too long), a forged one is not.
	ErrStateExpired = errors.New("oauth: state expired")
)

// codeInvalidCode is WeCom's "不合法的oauth_code" (doc 90313).
const codeInvalidCode = 40029
