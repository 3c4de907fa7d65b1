package oauth

import (
	"context"
	"errors"
	"log/slog"

	"github.com/wecomkit/wecomkit/wecom"
)

// Identity is who opened an OAuth2 or web-login link, merged from
// everything WeCom tells an app about them (see [Client.Identify]).
type Identity struct {
	UserID  string
	Name    string // from user/get; empty if it failed but mobile or email were known
	Mobile  string
	Email   string // falls back to BizMail when the member has no personal email
	BizMail string
	Avatar  string
	Gender  Gender // "" when WeCom said nothing

	// IsMember is always true for an Identity that Identify returns:
	// someone outside the corporation is reported as a [*NotMemberError].
	// It is kept so that an Identity built elsewhere can say otherwise.
	IsMember       bool
	OpenID         string // unused for members; see NotMemberError
	ExternalUserID string // unused for members; see NotMemberError
}

// Identify resolves a code the way WeCom's rules since 2022-06-20 require
// (doc 90196): apps created after that date no longer get mobile and
// email from user/get, only through OAuth2 with snsapi_privateinfo.
//
//  1. GET /cgi-bin/auth/getuserinfo: code → userid, plus a user_ticket when
//     the link asked for snsapi_privateinfo ([WithPrivateInfo]).
//  2. With a user_ticket, POST /cgi-bin/auth/getuserdetail → mobile, email,
//     biz_mail, avatar, gender.
//  3. GET /cgi-bin/user/get → name; for apps created before 2022-06-20 also
//     mobile, email, biz_mail, avatar, gender.
//
// Non-empty values from getuserdetail win (a gender of "0" counts as
// empty: WeCom sends it when it will not say); Email falls back to
// BizMail.
//
// Outcomes:
//   - an invalid, expired or reused code: an error matching [ErrInvalidCode];
//   - a non-member: a nil Identity and a [*NotMemberError], which matches
//     [ErrNotMember] and carries the visitor's OpenID (and ExternalUserID
//     for a customer);
//   - a member with neither email nor mobile visible to the app: the
//     Identity and a nil error — what that means is the caller's decision;
//   - getuserdetail failing is logged, and the member is still identified
//     if user/get provides a mobile or an email; user/get failing is
//     logged, and the Identity returned without Name, if getuserdetail
//     provided a mobile or an email (biz_mail counts). Otherwise the
//     failure is returned.
//
// An empty code fails at once, without calling WeCom (and does not match
// ErrInvalidCode; it matches [ErrInvalidArgument]). Failures are logged on the wecom.Client's logger,
// without codes or tickets.
func (c *Client) Identify(ctx context.Context, code string) (*Identity, error) {
	if code == "" {
		return nil, invalidArgument("oauth: identify: empty code")
	}
	info, err := c.UserInfo(ctx, code)
	if err != nil {
		return nil, err
	}
	if !info.IsMember() {
		return nil, &NotMemberError{OpenID: info.OpenID, ExternalUserID: info.ExternalUserID}
	}
	id := &Identity{UserID: info.UserID, IsMember: true}

	var detailErr error
	var detailGender Gender
	if info.UserTicket != "" {
		d, err := c.UserDetail(ctx, info.UserTicket)
		if err != nil {
			detailErr = err
			c.logFailure(ctx, "oauth: identify: getuserdetail failed; trying user/get", err)
		} else {
			id.Mobile, id.Email, id.BizMail, id.Avatar = d.Mobile, d.Email, d.BizMail, d.Avatar
			detailGender = d.Gender
			if d.Gender != GenderUnknown {
				id.Gender = d.Gender
			}
		}
	}

	u, err := c.User(ctx, info.UserID)
	switch {
	case err != nil && id.hasContact():
		c.logFailure(ctx, "oauth: identify: user/get failed; returning the member without a name", err)
	case err != nil && detailErr != nil:
		return nil, errors.Join(detailErr, err)
	case err != nil:
		return nil, err
	default:
		id.Name = u.Name
		id.Mobile = firstNonEmpty(id.Mobile, u.Mobile)
		id.Email = firstNonEmpty(id.Email, u.Email)
		id.BizMail = firstNonEmpty(id.BizMail, u.BizMail)
		id.Avatar = firstNonEmpty(id.Avatar, u.Avatar)
		id.Gender = firstNonEmpty(id.Gender, u.Gender)
		if detailErr != nil && !id.hasContact() {
			// Without getuserdetail we cannot tell "has none" from "could
			// not ask": do not report a member without contact data.
			return nil, detailErr
		}
	}
	if id.Email == "" {
		id.Email = id.BizMail
	}
	if id.Gender == "" {
		id.Gender = detailGender
	}
	return id, nil
}

// hasContact reports whether a mobile or an email (biz_mail included,
// since Email falls back to it) is known.
func (id *Identity) hasContact() bool {
	return id.Mobile != "" || id.Email != "" || id.BizMail != ""
}

func (c *Client) logFailure(ctx context.Context, msg string, err error) {
	c.wc.Logger().LogAttrs(ctx, slog.LevelWarn, msg,
		slog.Int("errcode", wecom.ErrorCode(err)),
		slog.String("error", err.Error()))
}

func firstNonEmpty[S ~string](a, b S) S {
	if a != "" {
		return a
	}
	return b
}
