package suite

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/wecomkit/wecomkit/store"
	"github.com/wecomkit/wecomkit/wecom"
)

// Provider is the service provider's own credential: the
// provider_access_token (https://developer.work.weixin.qq.com/document/path/91200),
// for the provider-level APIs — login from the provider's website,
// customised-app install links, and (in package suite's later parts)
// interface licenses.
type Provider struct {
	corpID string
	tokens wecom.TokenSource
	call   wecom.Caller[wecom.ProviderToken] // provider_access_token calls (endpoints.go)
	client *wecom.Client                     // the same token as a client, for Client
}

// NewProvider returns a Provider for the provider's corp id and its
// provider secret (服务商管理后台 → 服务商信息 → 基本信息 → Secret). The
// options that apply are the store, clock, logger, base URL, HTTP client,
// transport, call hook and [WithWeCom]; a Suite-only option (WithWorkers,
// OnAuthorized …) is refused with [ErrInvalidConfig] rather than ignored.
// Its token needs no durable store.
func NewProvider(providerCorpID, providerSecret string, opts ...Option) (*Provider, error) {
	if providerCorpID == "" || providerSecret == "" {
		return nil, fmt.Errorf("%w: provider corp id and secret are required", ErrInvalidConfig)
	}
	o := defaultConfig()
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&o)
		}
	}
	if len(o.suiteOnly) > 0 {
		return nil, fmt.Errorf("%w: %s configure a Suite, not a Provider", ErrInvalidConfig, strings.Join(o.suiteOnly, ", "))
	}
	if o.logger == nil {
		o.logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.store == nil {
		o.store = store.NewMemory(store.WithClock(o.now))
	}
	t, err := newTransport(&o)
	if err != nil {
		return nil, err
	}
	ts := wecom.NewCachedToken("provider_access_token:"+providerCorpID,
		t.GetProviderToken(providerCorpID, wecom.Secret(providerSecret)),
		wecom.WithStore(o.store), wecom.WithClock(o.now), wecom.WithLogger(o.logger))
	c, err := wecom.NewServiceClient(wecom.ProviderAccessToken, ts,
		wecom.WithTransport(t), wecom.WithStore(o.store), wecom.WithClock(o.now), wecom.WithLogger(o.logger))
	if err != nil {
		return nil, err
	}
	return &Provider{corpID: providerCorpID, tokens: ts, call: wecom.NewCaller[wecom.ProviderToken](t, ts), client: c}, nil
}

// CorpID returns the provider's corp id.
func (p *Provider) CorpID() string { return p.corpID }

// Token returns a valid provider_access_token, cached until shortly before it
// expires; a rejected one (40082) is replaced on the next call.
func (p *Provider) Token(ctx context.Context) (string, error) { return p.tokens.Token(ctx) }

// Client returns the client for provider-level calls: its token travels as
// provider_access_token.
func (p *Provider) Client() *wecom.Client { return p.client }

// LoginInfo is who logged in to the provider's website with WeCom
// (https://developer.work.weixin.qq.com/document/path/91125).
//
// Corp.CorpID names the corporation the login is for; it is always set.
// User holds the userid and open_userid of an administrator or member of
// that corporation; an external administrator (UserType
// [LoginExternalAdmin]) is not a member and may come with neither — the
// corporation is then all the login names (and User.Email, if WeCom sent
// one). Agents and AuthInfo are what the user may use and see.
type LoginInfo struct {
	UserType LoginUserType `json:"usertype"`
	User     struct {
		UserID     string `json:"userid"`
		OpenUserID string `json:"open_userid"`
		Name       string `json:"name"`
		Avatar     string `json:"avatar"`
		// Email is sent, by older versions of the page, for the creator
		// and external administrators instead of a userid (see the API
		// notes: not confirmed on the current page).
		Email string `json:"email,omitempty"`
	} `json:"user_info"`
	Corp struct {
		CorpID string `json:"corpid"`
	} `json:"corp_info"`
	Agents []struct {
		AgentID  int64 `json:"agentid"`
		AuthType int   `json:"auth_type"` // 0 use, 1 manage
	} `json:"agent"`
	AuthInfo struct {
		Departments []struct {
			ID       int64 `json:"id"`
			Writable bool  `json:"writable"`
		} `json:"department"`
	} `json:"auth_info"`
}

// LoginUserType is who logged in (get_login_info's usertype).
type LoginUserType int

// The login user types.
const (
	LoginCreator       LoginUserType = 1 // the corporation's creator
	LoginInternalAdmin LoginUserType = 2 // an internal system administrator
	LoginExternalAdmin LoginUserType = 3 // an external system administrator: not a member
	LoginSubAdmin      LoginUserType = 4 // a sub-administrator (分级管理员)
	LoginMember        LoginUserType = 5 // a member
)

// LoginInfo exchanges the auth_code of a login from the provider's website
// (the "business settings" login) for who logged in. The endpoint takes the
// provider token under the name access_token and answers without an
// errcode on success; the code is single use. An answer is refused only
// when it names neither a user nor a corporation.
func (p *Provider) LoginInfo(ctx context.Context, authCode string) (*LoginInfo, error) {
	if authCode == "" {
		return nil, fmt.Errorf("%w: empty auth code", ErrInvalidArgument)
	}
	out, err := getLoginInfo.Call(ctx, p.call, loginInfoRequest{AuthCode: authCode})
	if err != nil {
		return nil, fmt.Errorf("suite: get_login_info: %w", err)
	}
	if out.Corp.CorpID == "" && out.User.UserID == "" && out.User.OpenUserID == "" {
		return nil, errors.New("suite: get_login_info: answer names neither a user nor a corporation")
	}
	return out, nil
}

// CustomizedAuthURL returns the QR-code link through which a corporation
// authorizes 代开发 (customised) apps built from the given templates
// (https://developer.work.weixin.qq.com/document/path/98744), and how long
// it stays valid. state: up to 32 letters and digits; at most 9 templates.
// It needs the provider ([WithProvider]).
func (s *Suite) CustomizedAuthURL(ctx context.Context, state string, templateIDs []string) (string, time.Duration, error) {
	if s.opts.provider == nil {
		return "", 0, fmt.Errorf("%w: CustomizedAuthURL needs WithProvider", ErrInvalidConfig)
	}
	return s.opts.provider.CustomizedAuthURL(ctx, state, templateIDs)
}

// CustomizedAuthURL is [Suite.CustomizedAuthURL] on the provider itself.
func (p *Provider) CustomizedAuthURL(ctx context.Context, state string, templateIDs []string) (string, time.Duration, error) {
	if err := checkState(state, 32); err != nil {
		return "", 0, err
	}
	if len(templateIDs) == 0 || len(templateIDs) > 9 {
		return "", 0, fmt.Errorf("%w: 1 to 9 template ids", ErrInvalidArgument)
	}
	out, err := getCustomizedAuthURL.Call(ctx, p.call, customizedAuthURLRequest{State: state, TemplateIDs: templateIDs})
	if err != nil {
		return "", 0, fmt.Errorf("suite: get_customized_auth_url: %w", err)
	}
	if out.QRCodeURL == "" {
		return "", 0, errors.New("suite: get_customized_auth_url: answer has no qrcode_url")
	}
	return out.QRCodeURL, time.Duration(out.ExpiresIn) * time.Second, nil
}
