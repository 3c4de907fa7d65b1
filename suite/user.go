package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecom"
)

// UserInfo3rd is who opened a third-party app's OAuth link
// (https://developer.work.weixin.qq.com/document/path/91121). A member of
// an authorized corporation has CorpID and UserID (and, with
// snsapi_userinfo or snsapi_privateinfo, a UserTicket); anyone else has
// only OpenID.
type UserInfo3rd struct {
	CorpID     string
	UserID     string
	OpenUserID string
	DeviceID   string
	// UserTicket is for [Suite.UserDetail3rd]. It never prints.
	UserTicket wecom.Secret
	// UserTicketExpiresIn is how long UserTicket is valid from the answer,
	// as WeCom said (expires_in, "user_ticket的有效时间(秒)"; 7200 s in the
	// page's example); 0 when the answer did not say.
	UserTicketExpiresIn time.Duration
	OpenID              string
}

// IsMember reports whether the visitor is a member of an authorized
// corporation.
func (u *UserInfo3rd) IsMember() bool { return u.UserID != "" }

// UnmarshalJSON accepts the current lowercase keys and the capitalised ones
// of the legacy getuserinfo3rd (CorpId, UserId, DeviceId, OpenId).
func (u *UserInfo3rd) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	str := func(keys ...string) string {
		for _, k := range keys {
			var v string
			if raw, ok := m[k]; ok && json.Unmarshal(raw, &v) == nil && v != "" {
				return v
			}
		}
		return ""
	}
	var expires int64
	if raw, ok := m["expires_in"]; ok && json.Unmarshal(raw, &expires) == nil && expires > 0 {
		expires = min(expires, math.MaxInt64/int64(time.Second))
	} else {
		expires = 0
	}
	*u = UserInfo3rd{
		CorpID:              str("corpid", "CorpId"),
		UserID:              str("userid", "UserId"),
		OpenUserID:          str("open_userid"),
		DeviceID:            str("deviceid", "DeviceId"),
		UserTicket:          wecom.Secret(str("user_ticket")),
		UserTicketExpiresIn: time.Duration(expires) * time.Second,
		OpenID:              str("openid", "OpenId"),
	}
	return nil
}

// LogValue logs the ids, never the ticket.
func (u UserInfo3rd) LogValue() slog.Value {
	return slog.GroupValue(slog.String("corpid", u.CorpID), slog.String("userid", u.UserID), slog.Bool("ticket", u.UserTicket != ""))
}

// UserInfo3rd exchanges the code of a third-party app's OAuth link for the
// visitor's identity: GET /cgi-bin/service/auth/getuserinfo3rd. The code
// is single use (40029 after) and never appears in errors or logs.
func (s *Suite) UserInfo3rd(ctx context.Context, code string) (*UserInfo3rd, error) {
	if code == "" {
		return nil, fmt.Errorf("%w: empty code", ErrInvalidArgument)
	}
	var out UserInfo3rd
	if err := getUserInfo3rd.CallInto(ctx, s.suiteCall, userInfo3rdRequest{Code: code}, &out); err != nil {
		if wecom.ErrorCode(err) == 40029 {
			return nil, fmt.Errorf("suite: getuserinfo3rd: %w: %w", oauth.ErrInvalidCode, err)
		}
		return nil, fmt.Errorf("suite: getuserinfo3rd: %w", err)
	}
	if out.UserID == "" && out.OpenID == "" {
		return nil, errors.New("suite: getuserinfo3rd: answer has neither userid nor openid")
	}
	return &out, nil
}

// UserDetail3rd is a member's details behind a user ticket
// (https://developer.work.weixin.qq.com/document/path/91122). Third-party
// apps receive no mobile or email.
type UserDetail3rd struct {
	CorpID string       `json:"corpid"`
	UserID string       `json:"userid"`
	Name   string       `json:"name"`
	Gender oauth.Gender `json:"gender"`
	Avatar string       `json:"avatar"`
	QRCode string       `json:"qr_code"`
}

// UserDetail3rd exchanges a user ticket from [Suite.UserInfo3rd]:
// POST /cgi-bin/service/auth/getuserdetail3rd.
func (s *Suite) UserDetail3rd(ctx context.Context, userTicket wecom.Secret) (*UserDetail3rd, error) {
	if userTicket == "" {
		return nil, fmt.Errorf("%w: empty user ticket", ErrInvalidArgument)
	}
	out, err := getUserDetail3rd.Call(ctx, s.suiteCall, userDetail3rdRequest{UserTicket: userTicket.Reveal()})
	if err != nil {
		return nil, fmt.Errorf("suite: getuserdetail3rd: %w", err)
	}
	return out, nil
}

// Admin is an administrator of the app in an authorized corporation.
type Admin struct {
	UserID     string `json:"userid"`
	OpenUserID string `json:"open_userid"`
	AuthType   int    `json:"auth_type"` // 0 may use, 1 may manage
}

// AdminList returns the app's administrators in corpID
// (https://developer.work.weixin.qq.com/document/path/100072), with that
// corporation's token.
func (s *Suite) AdminList(ctx context.Context, corpID string, agentID int64) ([]Admin, error) {
	c, err := s.Corp(ctx, corpID)
	if err != nil {
		return nil, err
	}
	corp, err := wecom.Bind[wecom.CorpToken](c)
	if err != nil {
		return nil, fmt.Errorf("suite: get_admin_list: %w", err)
	}
	out, err := getAdminList.Call(ctx, corp, adminListRequest{AgentID: agentID})
	if err != nil {
		return nil, fmt.Errorf("suite: get_admin_list: %w", err)
	}
	return out.Admin, nil
}
