package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/wecomkit/wecomkit/contact"
	"github.com/wecomkit/wecomkit/internal/redact"
	"github.com/wecomkit/wecomkit/wecom"
)

// Client turns OAuth2 and web-login codes into members. It calls WeCom
// through a [wecom.Client] — a self-built app's, or a per-corporation
// client of a custom-developed app — and is safe for concurrent use.
type Client struct {
	wc      *wecom.Client
	corp    wecom.Caller[wecom.CorpToken] // wc, bound once: a client of another kind fails each call
	members *contact.Client               // user/get, declared by package contact
}

// New returns a Client calling WeCom through c, which must not be nil.
func New(c *wecom.Client) *Client {
	if c == nil {
		panic("oauth: New: nil *wecom.Client")
	}
	corp, _ := wecom.Bind[wecom.CorpToken](c) // the error comes back from each call
	return &Client{wc: c, corp: corp, members: contact.New(c)}
}

// UserInfo is what GET /cgi-bin/auth/getuserinfo returns for a code (doc
// 91023): a member's userid (and, for snsapi_privateinfo, a user_ticket),
// or a non-member's openid.
//
// UserTicket is a credential: String, GoString and LogValue print it as
// [redacted], so a UserInfo can be logged or formatted safely.
type UserInfo struct {
	UserID     string `json:"userid"`      // members
	UserTicket string `json:"user_ticket"` // snsapi_privateinfo only; valid 1800 s; for UserDetail
	// OpenID identifies a non-member (unique per corporation).
	OpenID string `json:"openid"`
	// ExternalUserID is set for a non-member who is a customer (客户) of
	// a member in the app's visibility.
	ExternalUserID string `json:"external_userid"`
}

// IsMember reports whether the code belonged to a member.
func (u UserInfo) IsMember() bool { return u.UserID != "" }

// String implements fmt.Stringer without the user ticket.
func (u UserInfo) String() string {
	var b strings.Builder
	b.WriteString("{UserID:")
	b.WriteString(u.UserID)
	b.WriteString(" UserTicket:")
	if u.UserTicket != "" {
		b.WriteString(redact.Placeholder)
	}
	b.WriteString(" OpenID:")
	b.WriteString(u.OpenID)
	b.WriteString(" ExternalUserID:")
	b.WriteString(u.ExternalUserID)
	b.WriteByte('}')
	return b.String()
}

// GoString implements fmt.GoStringer, so %#v does not show the ticket.
func (u UserInfo) GoString() string { return "oauth.UserInfo" + u.String() }

// LogValue implements slog.LogValuer without the user ticket.
func (u UserInfo) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("userid", u.UserID),
		slog.Bool("user_ticket", u.UserTicket != ""),
		slog.String("openid", u.OpenID),
		slog.String("external_userid", u.ExternalUserID),
	)
}

// UserInfo exchanges an OAuth2 (or CorpApp web-login) code for the
// identity of whoever opened the link: GET /cgi-bin/auth/getuserinfo (doc
// 91023). A code works once, within 5 minutes; WeCom's 40029 comes back
// as an error matching [ErrInvalidCode]. An empty code fails at once,
// without calling WeCom.
func (c *Client) UserInfo(ctx context.Context, code string) (*UserInfo, error) {
	if code == "" {
		return nil, invalidArgument("oauth: getuserinfo: empty code")
	}
	var out UserInfo
	if err := authGetUserInfo.CallInto(ctx, c.corp, userInfoRequest{Code: code}, &out); err != nil {
		if wecom.ErrorCode(err) == codeInvalidCode {
			return nil, fmt.Errorf("oauth: getuserinfo: %w: %w", ErrInvalidCode, err)
		}
		return nil, fmt.Errorf("oauth: getuserinfo: %w", err)
	}
	if out.UserID == "" && out.OpenID == "" {
		return nil, errors.New("oauth: getuserinfo: response has neither userid nor openid")
	}
	return &out, nil
}

// UserDetail is what POST /cgi-bin/auth/getuserdetail returns for a user
// ticket (doc 95833): the sensitive fields a member agreed to share through
// snsapi_privateinfo, if the administrator enabled them for the app.
// Third-party apps never receive Mobile, Email, BizMail or Address.
type UserDetail struct {
	UserID  string `json:"userid"`
	Gender  Gender `json:"gender"` // GenderUnknown also when the member did not agree to share it
	Avatar  string `json:"avatar"`
	QRCode  string `json:"qr_code"`
	Mobile  string `json:"mobile"`
	Email   string `json:"email"`
	BizMail string `json:"biz_mail"` // the corporation's own mailbox (企业邮箱)
	Address string `json:"address"`
}

// UserDetail exchanges a user ticket from [Client.UserInfo] for the
// member's sensitive fields: POST /cgi-bin/auth/getuserdetail (doc
// 95833). Tickets live 1800 s (84014 when expired, 84015 when invalid).
// An empty ticket fails at once, without calling WeCom. The ticket never
// appears in errors or logs.
func (c *Client) UserDetail(ctx context.Context, userTicket string) (*UserDetail, error) {
	if userTicket == "" {
		return nil, invalidArgument("oauth: getuserdetail: empty user ticket")
	}
	var out UserDetail
	if err := authGetUserDetail.CallInto(ctx, c.corp, &userDetailRequest{UserTicket: userTicket}, &out); err != nil {
		return nil, fmt.Errorf("oauth: getuserdetail: %w", err)
	}
	return &out, nil
}

// User is what GET /cgi-bin/user/get returns (doc 90196). Apps created
// after 2022-06-20 20:00 no longer receive Gender, Avatar, ThumbAvatar,
// Mobile, Email, BizMail, QRCode or Address here; they come from
// [Client.UserDetail] instead. Third-party apps receive no Name.
type User struct {
	UserID         string  `json:"userid"`
	Name           string  `json:"name"`
	Department     []int64 `json:"department"`
	MainDepartment int64   `json:"main_department"`
	Position       string  `json:"position"`
	Mobile         string  `json:"mobile"`
	Gender         Gender  `json:"gender"`
	Email          string  `json:"email"`
	BizMail        string  `json:"biz_mail"`
	Avatar         string  `json:"avatar"`
	ThumbAvatar    string  `json:"thumb_avatar"`
	Telephone      string  `json:"telephone"`
	Alias          string  `json:"alias"`
	Address        string  `json:"address"`
	OpenUserID     string  `json:"open_userid"`
	QRCode         string  `json:"qr_code"`
	// Status: 1 active, 2 disabled, 4 not yet activated, 5 left the corporation.
	Status int `json:"status"`
}

// User reads a member of the directory: GET /cgi-bin/user/get (doc 90196).
// An unknown userid is WeCom's 60111; one outside the app's visibility,
// 60011. An empty userID fails at once, without calling WeCom.
func (c *Client) User(ctx context.Context, userID string) (*User, error) {
	if userID == "" {
		return nil, invalidArgument("oauth: user/get: empty userid")
	}
	var out User
	if err := c.members.UserInto(ctx, userID, &out); err != nil {
		return nil, fmt.Errorf("oauth: user/get: %w", err)
	}
	return &out, nil
}

// Gender is a member's gender as WeCom reports it. WeCom documents it as a
// string ("0", "1", "2"); not every answer keeps to that, so a JSON number
// is accepted too. Empty means WeCom sent nothing.
type Gender string

// The genders WeCom reports.
const (
	GenderUnknown Gender = "0" // not set, or not shared with the app
	GenderMale    Gender = "1"
	GenderFemale  Gender = "2"
)

// UnmarshalJSON accepts a JSON string, a number or null.
func (g *Gender) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*g = Gender(s)
	case string(b) == "null":
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err // a bool, object or array: *json.UnmarshalTypeError
		}
		*g = Gender(n)
	}
	return nil
}
