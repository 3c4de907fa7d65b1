package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/wecomkit/wecomkit/oauth"
	"github.com/wecomkit/wecomkit/wecom"
)

// Authorization is what the suite knows of one corporation's installation:
// who installed the app, which agent it got and what it may see.
type Authorization struct {
	CorpID       string `json:"corpid"`
	CorpName     string `json:"corp_name"`
	CorpFullName string `json:"corp_full_name,omitempty"`
	CorpType     string `json:"corp_type,omitempty"` // verified, unverified
	// PermanentCode is the corporation's permanent code (永久授权码). It
	// never prints and is not part of the JSON form; the suite keeps it in
	// its store.
	PermanentCode wecom.Secret `json:"-"`
	// Agents are the app's agents in the corporation: one for every app
	// installed since multi-app suites ended.
	Agents []Agent `json:"agents"`
	// Customized is true for a 代开发 (customised) app: its corp token comes
	// from gettoken with the permanent code as the secret.
	Customized bool `json:"customized,omitempty"`
	// AuthUser is the administrator who installed the app (WeCom may leave
	// it empty).
	AuthUser AuthUser `json:"auth_user"`
	// State is the state given to the install URL, or pushed with
	// create_auth (the state of the app QR code scanned, [WithQRState]).
	State string `json:"state,omitempty"`
	// Source is how the corporation installed the app, as far as the
	// suite can tell (see [InstallSource]); empty for authorizations stored
	// before wecomkit recorded it.
	Source InstallSource `json:"source,omitempty"`
	// ExtraInfo is the create_auth push's ExtraInfo element, when WeCom
	// sends one (not confirmed on WeCom's pages: see the API notes).
	ExtraInfo string `json:"extra_info,omitempty"`
	// AuthorizedAt is when the suite stored the permanent code.
	AuthorizedAt time.Time `json:"authorized_at"`
}

// AgentID returns the first agent's id, or 0: the agentid a corp client
// uses for wx.agentConfig and messages.
func (a *Authorization) AgentID() int64 {
	if len(a.Agents) == 0 {
		return 0
	}
	return a.Agents[0].AgentID
}

// Agent is one agent (app) of the suite in an authorized corporation, as
// auth_info.agent[] describes it
// (https://developer.work.weixin.qq.com/document/path/100795).
type Agent struct {
	AgentID    int64     `json:"agentid"`
	Name       string    `json:"name"`
	Customized bool      `json:"is_customized_app,omitempty"`
	AuthMode   int       `json:"auth_mode,omitempty"` // 0 authorized by an admin, 1 by a member
	Privilege  Privilege `json:"privilege"`
}

// Privilege is an agent's visible range and permission level.
type Privilege struct {
	Level      int      `json:"level,omitempty"` // 1 read, 2 read and write (contacts)
	AllowParty []int64  `json:"allow_party,omitempty"`
	AllowUser  []string `json:"allow_user,omitempty"`
	AllowTag   []int64  `json:"allow_tag,omitempty"`
	ExtraParty []int64  `json:"extra_party,omitempty"`
	ExtraUser  []string `json:"extra_user,omitempty"`
	ExtraTag   []int64  `json:"extra_tag,omitempty"`
}

// AuthUser is the administrator who installed the app.
type AuthUser struct {
	UserID     string `json:"userid,omitempty"`
	OpenUserID string `json:"open_userid,omitempty"`
	Name       string `json:"name,omitempty"`
	Avatar     string `json:"avatar,omitempty"`
}

// corpInfo is auth_corp_info in WeCom's answers.
type corpInfo struct {
	CorpID       string `json:"corpid"`
	CorpName     string `json:"corp_name"`
	CorpFullName string `json:"corp_full_name"`
	CorpType     string `json:"corp_type"`
}

type authInfoAnswer struct {
	AuthCorpInfo corpInfo `json:"auth_corp_info"`
	AuthInfo     struct {
		Agent []Agent `json:"agent"`
	} `json:"auth_info"`
}

type permanentCodeAnswer struct {
	authInfoAnswer
	PermanentCode string   `json:"permanent_code"`
	AuthUserInfo  AuthUser `json:"auth_user_info"`
	State         string   `json:"state"`
}

func (a *authInfoAnswer) apply(to *Authorization) {
	to.CorpID = a.AuthCorpInfo.CorpID
	to.CorpName = a.AuthCorpInfo.CorpName
	to.CorpFullName = a.AuthCorpInfo.CorpFullName
	to.CorpType = a.AuthCorpInfo.CorpType
	to.Agents = a.AuthInfo.Agent
	to.Customized = false
	for _, ag := range to.Agents {
		to.Customized = to.Customized || ag.Customized
	}
}

// PreAuthCode returns a pre-auth code for one install link
// (https://developer.work.weixin.qq.com/document/path/90601); it lives 20
// minutes and serves one install.
func (s *Suite) PreAuthCode(ctx context.Context) (string, error) {
	var out struct {
		PreAuthCode string `json:"pre_auth_code"`
	}
	if err := s.service.Get(ctx, "/cgi-bin/service/get_pre_auth_code", nil, &out); err != nil {
		return "", fmt.Errorf("suite: get_pre_auth_code: %w", err)
	}
	if out.PreAuthCode == "" {
		return "", errors.New("suite: get_pre_auth_code: answer has no pre_auth_code")
	}
	return out.PreAuthCode, nil
}

// AuthType says whether an install is real or a test.
type AuthType int

// The install kinds set_session_info knows.
const (
	AuthTypeOfficial AuthType = 0 // 正式授权
	AuthTypeTest     AuthType = 1 // 测试授权: apps not yet released can only be installed so
)

// SetSessionInfo sets the install kind for a pre-auth code
// (https://developer.work.weixin.qq.com/document/path/90602).
func (s *Suite) SetSessionInfo(ctx context.Context, preAuthCode string, authType AuthType) error {
	body := map[string]any{"pre_auth_code": preAuthCode, "session_info": map[string]any{"auth_type": int(authType)}}
	if err := s.service.Do(ctx, &wecom.Request{Method: http.MethodPost, Path: "/cgi-bin/service/set_session_info", Body: body, Idempotent: true}, nil); err != nil {
		return fmt.Errorf("suite: set_session_info: %w", err)
	}
	return nil
}

// InstallOption configures [Suite.InstallURL].
type InstallOption interface{ applyInstall(*installConfig) }

type installConfig struct{ authType AuthType }

type installOptionFunc func(*installConfig)

func (f installOptionFunc) applyInstall(c *installConfig) { f(c) }

// TestInstall makes the link a test install (set_session_info with
// auth_type 1), which is how an app not yet on the market is installed.
func TestInstall() InstallOption {
	return installOptionFunc(func(c *installConfig) { c.authType = AuthTypeTest })
}

// InstallURL returns a link that installs the app from the provider's own
// website (https://developer.work.weixin.qq.com/document/path/90597): a new
// pre-auth code, then open.work.weixin.qq.com/3rdapp/install. After the
// administrator confirms, WeCom redirects to
// redirectURI?auth_code=…&expires_in=600&state=…; pass the auth_code to
// [Suite.Authorize] at once — it lives 10 minutes, and no create_auth push
// follows an install started this way. state must be 1–128 letters and
// digits; redirectURI must be on the app's registered install domain.
func (s *Suite) InstallURL(ctx context.Context, redirectURI, state string, opts ...InstallOption) (string, error) {
	var ic installConfig
	for _, o := range opts {
		if o != nil {
			o.applyInstall(&ic)
		}
	}
	if err := checkState(state, 128); err != nil {
		return "", err
	}
	if u, err := url.Parse(redirectURI); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: redirect URI must be an absolute http(s) URL", ErrInvalidArgument)
	}
	pre, err := s.PreAuthCode(ctx)
	if err != nil {
		return "", err
	}
	if ic.authType != AuthTypeOfficial {
		if err := s.SetSessionInfo(ctx, pre, ic.authType); err != nil {
			return "", err
		}
	}
	var base []oauth.URLOption
	if s.opts.openBaseURL != DefaultOpenBaseURL {
		base = append(base, oauth.WithInstallBase(s.opts.openBaseURL))
	}
	return oauth.InstallURL(s.cfg.SuiteID, pre, redirectURI, state, base...), nil
}

// ErrInvalidArgument: an argument that WeCom would refuse, caught before the
// call.
var ErrInvalidArgument = errors.New("suite: invalid argument")

func checkState(state string, max int) error {
	if len(state) > max {
		return fmt.Errorf("%w: state longer than %d bytes", ErrInvalidArgument, max)
	}
	for i := 0; i < len(state); i++ {
		c := state[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return fmt.Errorf("%w: state may hold only letters and digits", ErrInvalidArgument)
		}
	}
	return nil
}

// Authorize exchanges an install's auth code for the corporation's
// permanent code, stores it durably, and returns the authorization (with
// the agents, from get_auth_info). It is idempotent: an auth code this suite
// already exchanged — delivered twice, by the install redirect and by a
// create_auth push, or by a WeCom retry — returns the stored authorization
// without calling WeCom, and a 40078 for such a code counts as done.
// [OnAuthorized] runs once, after the first exchange.
func (s *Suite) Authorize(ctx context.Context, authCode string) (*Authorization, error) {
	return s.exchange(ctx, authCode, false, installInfo{source: InstallWebsite})
}

func (s *Suite) exchange(ctx context.Context, authCode string, reset bool, from installInfo) (*Authorization, error) {
	if authCode == "" {
		return nil, fmt.Errorf("%w: empty auth code", ErrInvalidArgument)
	}
	marker := s.keys.authCode(authCode)
	v, err, _ := s.flight.Do("code:"+marker, func() (any, error) {
		if a, ok, err := s.exchanged(ctx, marker); err != nil || ok {
			return a, err
		}
		a, err := s.getPermanentCode(ctx, authCode)
		if err == nil {
			s.noteSource(ctx, a, reset, from)
		}
		if wecom.ErrorCode(err) == 40078 {
			// Another process may have won the race for this code.
			if a, ok, err2 := s.exchanged(ctx, marker); err2 == nil && ok {
				return a, nil
			}
			return nil, fmt.Errorf("%w: %w", ErrAuthCodeUsed, err)
		}
		if err != nil {
			return nil, err
		}
		if err := s.saveAuthorization(ctx, a, marker, reset); err != nil {
			return nil, err
		}
		s.logger.LogAttrs(ctx, slog.LevelInfo, "suite: corporation authorized",
			slog.String("suite_id", s.cfg.SuiteID), slog.String("corpid", a.CorpID), slog.Bool("reset", reset))
		hook := s.opts.onAuthorized
		if reset {
			hook = s.opts.onAuthChanged
		}
		if hook != nil {
			hook(ctx, a)
		}
		return a, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*Authorization), nil
}

// exchanged returns the authorization an auth code was already exchanged
// for, if any.
func (s *Suite) exchanged(ctx context.Context, marker string) (*Authorization, bool, error) {
	corp, ok, err := s.store.Get(ctx, marker)
	if err != nil || !ok {
		return nil, false, storeErr(err)
	}
	a, err := s.AuthInfo(ctx, corp)
	if errors.Is(err, ErrNotAuthorized) {
		return nil, false, nil // cancelled since: a new exchange is needed
	}
	return a, err == nil, err
}

func (s *Suite) getPermanentCode(ctx context.Context, authCode string) (*Authorization, error) {
	path := "/cgi-bin/service/v2/get_permanent_code"
	if s.opts.permanentV1 {
		path = "/cgi-bin/service/get_permanent_code"
	}
	var out permanentCodeAnswer
	// The auth code is single use: never repeated after the request may
	// have reached WeCom.
	req := &wecom.Request{Method: http.MethodPost, Path: path, Body: map[string]string{"auth_code": authCode},
		SingleUse: true, Secrets: []string{authCode}}
	if err := s.service.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("suite: get_permanent_code: %w", err)
	}
	if out.PermanentCode == "" || out.AuthCorpInfo.CorpID == "" {
		return nil, errors.New("suite: get_permanent_code: answer has no permanent_code or corpid")
	}
	a := &Authorization{PermanentCode: wecom.Secret(out.PermanentCode), AuthUser: out.AuthUserInfo, State: out.State}
	out.apply(a)
	if !s.opts.permanentV1 || len(a.Agents) == 0 {
		// v2 answers no agents: they come from v2 get_auth_info.
		info, err := s.getAuthInfo(ctx, a.CorpID, out.PermanentCode)
		if err != nil {
			return nil, err
		}
		info.apply(a)
	}
	a.AuthorizedAt = s.now()
	return a, nil
}

func (s *Suite) getAuthInfo(ctx context.Context, corpID, permanentCode string) (*authInfoAnswer, error) {
	path := "/cgi-bin/service/v2/get_auth_info"
	if s.opts.permanentV1 {
		path = "/cgi-bin/service/get_auth_info"
	}
	var out authInfoAnswer
	req := &wecom.Request{Method: http.MethodPost, Path: path, Idempotent: true,
		Body: map[string]string{"auth_corpid": corpID, "permanent_code": permanentCode}, Secrets: []string{permanentCode}}
	if err := s.service.Do(ctx, req, &out); err != nil {
		return nil, fmt.Errorf("suite: get_auth_info: %w", err)
	}
	if out.AuthCorpInfo.CorpID == "" {
		out.AuthCorpInfo.CorpID = corpID
	}
	return &out, nil
}

// saveAuthorization makes a durable: the permanent code first (what must
// never be lost), then the auth code's marker, the authorization and the
// corporation's place in the list. A reset also forgets the corp token
// obtained with the old code.
func (s *Suite) saveAuthorization(ctx context.Context, a *Authorization, marker string, reset bool) error {
	if err := s.store.Set(ctx, s.keys.permanentCode(a.CorpID), a.PermanentCode.Reveal(), 0); err != nil {
		return fmt.Errorf("suite: store permanent code: %w", err)
	}
	if err := s.store.Set(ctx, marker, a.CorpID, time.Hour); err != nil {
		return fmt.Errorf("suite: store auth code marker: %w", err)
	}
	if err := s.saveAuthInfo(ctx, a); err != nil {
		return err
	}
	if err := s.editCorps(ctx, func(corps []string) []string {
		if !slices.Contains(corps, a.CorpID) {
			corps = append(corps, a.CorpID)
			slices.Sort(corps)
		}
		return corps
	}); err != nil {
		return err
	}
	if reset {
		if err := s.corpSt.Delete(ctx, corpTokenKey(a.CorpID)); err != nil {
			return fmt.Errorf("suite: forget old corp token: %w", err)
		}
	}
	s.dropClient(a.CorpID) // the next Corp call builds one with the new code
	return nil
}

func (s *Suite) saveAuthInfo(ctx context.Context, a *Authorization) error {
	b, err := json.Marshal(a)
	if err != nil {
		return fmt.Errorf("suite: encode authorization: %w", err)
	}
	if err := s.store.Set(ctx, s.keys.auth(a.CorpID), string(b), 0); err != nil {
		return fmt.Errorf("suite: store authorization: %w", err)
	}
	return nil
}

// AuthInfo returns the stored authorization of corpID, with its permanent
// code; [ErrNotAuthorized] when the corporation has not installed the app
// or uninstalled it. A corporation whose permanent code is stored but whose
// details are not (another process is still storing them) is asked for
// with get_auth_info.
func (s *Suite) AuthInfo(ctx context.Context, corpID string) (*Authorization, error) {
	code, ok, err := s.store.Get(ctx, s.keys.permanentCode(corpID))
	if err != nil {
		return nil, storeErr(err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotAuthorized, corpID)
	}
	raw, ok, err := s.store.Get(ctx, s.keys.auth(corpID))
	if err != nil {
		return nil, storeErr(err)
	}
	a := &Authorization{CorpID: corpID}
	if !ok || json.Unmarshal([]byte(raw), a) != nil {
		info, err := s.getAuthInfo(ctx, corpID, code)
		if err != nil {
			return nil, err
		}
		info.apply(a)
		a.AuthorizedAt = s.now()
		if err := s.saveAuthInfo(ctx, a); err != nil {
			return nil, err
		}
	}
	a.PermanentCode = wecom.Secret(code)
	return a, nil
}

// RefreshAuthInfo asks WeCom for corpID's current authorization (agents,
// visible range) and stores it: what a change_auth push triggers.
func (s *Suite) RefreshAuthInfo(ctx context.Context, corpID string) (*Authorization, error) {
	a, err := s.AuthInfo(ctx, corpID)
	if err != nil {
		return nil, err
	}
	info, err := s.getAuthInfo(ctx, corpID, a.PermanentCode.Reveal())
	if err != nil {
		return nil, err
	}
	info.apply(a)
	if err := s.saveAuthInfo(ctx, a); err != nil {
		return nil, err
	}
	s.dropClient(corpID) // the agentid may have changed
	return a, nil
}

// Corps returns the corporations that have authorized the app, sorted.
func (s *Suite) Corps(ctx context.Context) ([]string, error) {
	raw, ok, err := s.store.Get(ctx, s.keys.corps())
	if err != nil {
		return nil, storeErr(err)
	}
	var corps []string
	if ok {
		if err := json.Unmarshal([]byte(raw), &corps); err != nil {
			return nil, fmt.Errorf("suite: stored corp list: %w", err)
		}
	}
	return corps, nil
}

func (s *Suite) editCorps(ctx context.Context, edit func([]string) []string) error {
	return s.locked(ctx, "corps", func(ctx context.Context) error {
		corps, err := s.Corps(ctx)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(edit(corps))
		if err := s.store.Set(ctx, s.keys.corps(), string(b), 0); err != nil {
			return fmt.Errorf("suite: store corp list: %w", err)
		}
		return nil
	})
}

// revoke deletes corpID's permanent code, unless the corporation installed
// the app again after the cancel_auth of ts was sent (pushes may arrive late
// or out of order). From then on the corporation is not authorized.
func (s *Suite) revoke(ctx context.Context, corpID string, ts int64) (*Authorization, error) {
	a, err := s.AuthInfo(ctx, corpID)
	if errors.Is(err, ErrNotAuthorized) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ts != 0 && a.AuthorizedAt.Unix() > ts {
		s.logger.LogAttrs(ctx, slog.LevelInfo, "suite: cancel_auth older than the installation ignored",
			slog.String("corpid", corpID))
		return nil, nil
	}
	if err := s.store.Delete(ctx, s.keys.permanentCode(corpID)); err != nil {
		return nil, fmt.Errorf("suite: delete permanent code: %w", err)
	}
	s.dropClient(corpID)
	return a, nil
}

// cancel deletes everything the suite keeps for corpID after a cancel_auth
// of ts: the permanent code first (from then on the corp is not
// authorized), then the authorization, the corp token and the corp's jssdk
// tickets. It reports false when the corporation installed again since.
func (s *Suite) cancel(ctx context.Context, corpID string, ts int64) (bool, error) {
	a, err := s.revoke(ctx, corpID, ts)
	if err != nil {
		return false, err
	}
	if a == nil {
		// Revoked before the answer (or reinstalled since): read what is
		// left of the authorization for the agent ids.
		raw, ok, err := s.store.Get(ctx, s.keys.auth(corpID))
		if err != nil {
			return false, storeErr(err)
		}
		if _, live, _ := s.store.Get(ctx, s.keys.permanentCode(corpID)); live {
			return false, nil // installed again
		}
		if !ok {
			return false, nil // cleaned up already: a duplicate cancel_auth
		}
		a = &Authorization{CorpID: corpID}
		_ = json.Unmarshal([]byte(raw), a)
	}
	keys := []string{corpTokenKey(corpID), "jsapi_ticket:" + corpID}
	for _, ag := range a.Agents {
		keys = append(keys, fmt.Sprintf("agent_ticket:%s:%d", corpID, ag.AgentID))
	}
	for _, k := range keys {
		if err := s.corpSt.Delete(ctx, k); err != nil {
			return false, fmt.Errorf("suite: delete corp data: %w", err)
		}
	}
	if err := s.store.Delete(ctx, s.keys.auth(corpID)); err != nil {
		return false, fmt.Errorf("suite: delete authorization: %w", err)
	}
	return true, s.editCorps(ctx, func(corps []string) []string {
		return slices.DeleteFunc(corps, func(c string) bool { return c == corpID })
	})
}

func storeErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("suite: store: %w", err)
}
