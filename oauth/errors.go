package oauth

import (
	"errors"
	"fmt"
	"log/slog"
)

// Errors callers branch on. Compare with errors.Is; the [*wecom.APIError]
// WeCom returned, if any, stays in the chain for errors.As.
var (
	// ErrInvalidCode: WeCom answered 40029 — the code is invalid, has
	// expired (codes live 5 minutes) or was already used (codes work
	// once). The user has to open the link again.
	ErrInvalidCode = errors.New("oauth: invalid, expired or already used code")

	// ErrNotMember: the code belongs to someone who is not a member of the
	// corporation (getuserinfo returned an openid and no userid). The
	// error is a [*NotMemberError] carrying the visitor's openid.
	ErrNotMember = errors.New("oauth: not a member of the corporation")

	// ErrInvalidArgument: an empty code, ticket or userid, or an unusable
	// state key or TTL — refused before WeCom is called.
	ErrInvalidArgument = errors.New("oauth: invalid argument")

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

// NotMemberError is the error [Client.Identify] returns for someone outside
// the corporation: WeCom told the app only who they are to WeCom, not who
// they are in the directory. It matches [ErrNotMember] with errors.Is; use
// errors.As to read the ids.
type NotMemberError struct {
	// OpenID identifies the visitor to this app.
	OpenID string
	// ExternalUserID is set when the visitor is one of the corporation's
	// customers (客户联系).
	ExternalUserID string
}

func (e *NotMemberError) Error() string { return ErrNotMember.Error() }

// Is makes errors.Is(err, ErrNotMember) true.
func (e *NotMemberError) Is(target error) bool { return target == ErrNotMember }

// LogValue logs the error's text only: an openid is personal data.
func (e *NotMemberError) LogValue() slog.Value { return slog.StringValue(e.Error()) }

// argumentError is an ErrInvalidArgument with its own message.
type argumentError struct{ msg string }

func (e *argumentError) Error() string        { return e.msg }
func (e *argumentError) Is(target error) bool { return target == ErrInvalidArgument }

func invalidArgument(format string, args ...any) error {
	return &argumentError{msg: fmt.Sprintf(format, args...)}
}
