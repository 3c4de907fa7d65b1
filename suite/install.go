package suite

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"time"

	"github.com/wecomkit/wecomkit/internal/jobqueue"
	"github.com/wecomkit/wecomkit/jssdk"
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
	// ExtraInfo is the create_auth push's ExtraInfo element, "额外信息,
	// 部分场景会携带" (https://developer.work.weixin.qq.com/document/path/90642):
	// its text when it is plain, its inner XML verbatim when it holds child
	// elements; empty when the push had none or the install was not pushed.
	ExtraInfo string `json:"extra_info,omitempty"`
	// RegisterCode is set when the corporation installed by scanning a
	// promotion QR code (推广二维码): register_code_info of
	// get_permanent_code (https://developer.work.weixin.qq.com/document/path/100776).
	// Only the install's exchange answers it; nil otherwise.
	RegisterCode *RegisterCode `json:"register_code_info,omitempty"`
	// Dealer is the reseller (代理服务商) through which the app was
	// installed, when it was sold through one: dealer_corp_info of
	// get_auth_info (https://developer.work.weixin.qq.com/document/path/100795).
	Dealer *DealerCorp `json:"dealer_corp_info,omitempty"`
	// AuthorizedAt is when the suite stored the permanent code.
	AuthorizedAt time.Time `json:"authorized_at"`
}

// RegisterCode is register_code_info: how a corporation that scanned a
// promotion QR code (推广二维码) installed the app.
type RegisterCode struct {
	Code       string `json:"register_code"`
	TemplateID string `json:"template_id"` // the promotion package (推广包) id
	// State is the state given when the register code was requested, if any.
	State string `json:"state,omitempty"`
}

// DealerCorp is dealer_corp_info: the reseller an app was sold through.
type DealerCorp struct {
	CorpID   string `json:"corpid"`
	CorpName string `json:"corp_name"`
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
	// SharedFrom is set when the app came to the corporation shared by
	// another one (企业互联 or 上下游) rather than installed by it.
	SharedFrom *SharedFrom `json:"shared_from,omitempty"`
	// Edition is the agent's entry of edition_info, for a paid app
	// (https://developer.work.weixin.qq.com/document/path/91912); nil
	// when WeCom sends none.
	Edition *Edition `json:"edition,omitempty"`
}

// SharedFrom is an agent's shared_from: the corporation that shared the
// app, and how.
type SharedFrom struct {
	CorpID    string    `json:"corpid"`
	ShareType ShareType `json:"share_type"`
}

// ShareType is how an app was shared with a corporation.
type ShareType int

// The share types (shared_from.share_type, doc 90603).
const (
	ShareCorpGroup          ShareType = 0 // 企业互联
	ShareUpstreamDownstream ShareType = 1 // 上下游
)

// Edition is an agent's entry of edition_info: the edition of a paid app
// the corporation has (https://developer.work.weixin.qq.com/document/path/91911,
// https://developer.work.weixin.qq.com/document/path/91912).
type Edition struct {
	ID        string    `json:"edition_id"`
	Name      string    `json:"edition_name"`
	AppStatus AppStatus `json:"app_status"`
	// UserLimit is meaningless for a fixed-price purchase and during
	// trials (except an unlimited trial of an app free for small corps).
	UserLimit int64 `json:"user_limit"`
	// ExpiredTime is when the edition (or its trial) ends, Unix seconds;
	// meaningless for AppUnlimitedTrial.
	ExpiredTime         int64 `json:"expired_time"`
	Virtual             bool  `json:"is_virtual_version,omitempty"`
	SharedFromOtherCorp bool  `json:"is_shared_from_other_corp,omitempty"`
}

// AppStatus is a paid app's state in a corporation (edition_info's
// app_status, doc 91911).
type AppStatus int

// The app states.
const (
	AppUnpaid                 AppStatus = 0 // 没有付费
	AppTrial                  AppStatus = 1 // 限时试用
	AppTrialExpired           AppStatus = 2 // 试用过期
	AppPaid                   AppStatus = 3 // 付费版本有效期内
	AppPaidExpired            AppStatus = 4 // 付费版本过期
	AppUnlimitedTrial         AppStatus = 5 // 不限时试用
	AppOverLimit              AppStatus = 6 // 有效期内, 人数超标未超过7天
	AppOverLimitMoreThan7Days AppStatus = 7 // 有效期内, 人数持续超标超过7天
)

// PrivilegeLevel is an agent's permission on the corporation's contacts
// (privilege.level; doc 90603's parameter table, see the API notes).
type PrivilegeLevel int

// The privilege levels.
const (
	LevelBaseReadOnly       PrivilegeLevel = 1 // 通讯录基本信息只读
	LevelAllReadOnly        PrivilegeLevel = 2 // 通讯录全部信息只读
	LevelAllReadWrite       PrivilegeLevel = 3 // 通讯录全部信息读写
	LevelSingleBaseReadOnly PrivilegeLevel = 4 // 单个基本信息只读
	LevelAllWriteOnly       PrivilegeLevel = 5 // 通讯录全部信息只写
)

// Privilege is an agent's visible range and permission level.
type Privilege struct {
	// Level: 1 contacts' basic information read-only, 2 all of it
	// read-only, 3 read-write, 4 a single member's basic information
	// read-only, 5 write-only (the Level constants).
	Level      PrivilegeLevel `json:"level,omitempty"`
	AllowParty []int64        `json:"allow_party,omitempty"`
	AllowUser  []string       `json:"allow_user,omitempty"`
	AllowTag   []int64        `json:"allow_tag,omitempty"`
	ExtraParty []int64        `json:"extra_party,omitempty"`
	ExtraUser  []string       `json:"extra_user,omitempty"`
	ExtraTag   []int64        `json:"extra_tag,omitempty"`
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
	DealerCorpInfo *DealerCorp `json:"dealer_corp_info,omitempty"`
	EditionInfo    *struct {
		Agent []struct {
			AgentID int64 `json:"agentid"`
			Edition
		} `json:"agent"`
	} `json:"edition_info,omitempty"`
}

type permanentCodeAnswer struct {
	authInfoAnswer
	PermanentCode    string        `json:"permanent_code"`
	AuthUserInfo     AuthUser      `json:"auth_user_info"`
	State            string        `json:"state"`
	RegisterCodeInfo *RegisterCode `json:"register_code_info,omitempty"`
}

// apply copies what get_auth_info (or v1 get_permanent_code) answered:
// the corporation, the agents with their editions, and the dealer.
func (a *authInfoAnswer) apply(to *Authorization) {
	to.CorpID = a.AuthCorpInfo.CorpID
	to.CorpName = a.AuthCorpInfo.CorpName
	to.CorpFullName = a.AuthCorpInfo.CorpFullName
	to.CorpType = a.AuthCorpInfo.CorpType
	to.Agents = a.AuthInfo.Agent
	to.Customized = false
	for i, ag := range to.Agents {
		to.Customized = to.Customized || ag.Customized
		if a.EditionInfo != nil {
			for _, e := range a.EditionInfo.Agent {
				if e.AgentID == ag.AgentID {
					ed := e.Edition
					to.Agents[i].Edition = &ed
				}
			}
		}
	}
	if len(to.Agents) > 0 || a.DealerCorpInfo != nil {
		to.Dealer = a.DealerCorpInfo // an answer with agents says whether there is one
	}
}

// apply copies an exchange's answer: what [authInfoAnswer.apply] copies
// (v2 answers no agents), and register_code_info.
func (a *permanentCodeAnswer) apply(to *Authorization) {
	a.authInfoAnswer.apply(to)
	if a.RegisterCodeInfo != nil {
		to.RegisterCode = a.RegisterCodeInfo
	}
}

// PreAuthCode returns a pre-auth code for one install link
// (https://developer.work.weixin.qq.com/document/path/90601); it lives 20
// minutes and serves one install.
func (s *Suite) PreAuthCode(ctx context.Context) (string, error) {
	out, err := getPreAuthCode.Call(ctx, s.suiteCall, struct{}{})
	if err != nil {
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
	req := sessionInfoRequest{PreAuthCode: preAuthCode, SessionInfo: sessionInfo{AuthType: int(authType)}}
	if err := setSessionInfo.CallInto(ctx, s.suiteCall, req, nil); err != nil {
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

// DefaultExchangeTimeout bounds one get_permanent_code call unless
// [WithExchangeTimeout] says otherwise. WeCom can be slow, and giving up
// early spends the auth code without its result, so it is generous.
const DefaultExchangeTimeout = 60 * time.Second

// errInstallCancelled: the corporation cancelled the installation (a
// cancel_auth newer than the install) before its code was exchanged.
var errInstallCancelled = errors.New("suite: the corporation cancelled this installation before it was completed")

// Authorize exchanges an install's auth code for the corporation's
// permanent code, stores it durably the moment WeCom returns it, and
// returns the authorization, with the agents when WeCom answered
// get_auth_info in time (they are otherwise filled in on the suite's job
// queue, with retries). It is idempotent: an auth code this suite already
// exchanged — delivered twice, by the install redirect and by a create_auth
// push, or by a reload of the redirect — returns the stored authorization
// without calling WeCom, and a 40078 for such a code counts as done.
// [OnAuthorized] runs on the suite's job queue once the agents are known:
// once per installation, however many times the code is delivered.
func (s *Suite) Authorize(ctx context.Context, authCode string) (*Authorization, error) {
	if authCode == "" {
		return nil, fmt.Errorf("%w: empty auth code", ErrInvalidArgument)
	}
	in := installInfo{source: InstallWebsite}
	a, err := s.exchange(ctx, authCode, in, s.now().Unix(), false)
	if err != nil {
		return nil, err
	}
	if len(a.Agents) == 0 {
		if full, err := s.fillDetails(ctx, a); err == nil {
			a = full
		}
	}
	if err := s.addJob(ctx, installJobID(authCode), jobqueue.Urgent, jobPayload{Exchanged: codeHash(authCode)}); err != nil {
		return nil, err // the code is stored: a retry of Authorize finds it
	}
	return a, nil
}

func installJobID(authCode string) string { return "code-" + codeHash(authCode) }

// exchange turns an auth code into a stored authorization, by the rules
// that keep a permanent code from being lost:
//
//   - before the call, a record says the exchange started (kept from the
//     first attempt on);
//   - WeCom's answer, permanent code included, is the first thing written
//     after the call, to the code's record, retried while the store fails
//     (and kept in memory meanwhile);
//   - a code whose record holds an answer is never exchanged again;
//   - a 40078 ("code used") for a code this suite started exchanging is
//     resolved from the record: done by another process (or an earlier
//     attempt), still in flight (waited for), or lost — an ERROR and a
//     count, never a quiet drop.
//
// installedAt is the install's TimeStamp (a create_auth push's, or now).
func (s *Suite) exchange(ctx context.Context, authCode string, in installInfo, installedAt int64, reset bool) (*Authorization, error) {
	h := codeHash(authCode)
	v, err := s.shared(ctx, "code:"+h, 3*s.opts.exchangeTimeout, func(ctx context.Context) (any, error) {
		rec, err := s.exchangeRecord(ctx, h)
		if err != nil {
			return nil, err
		}
		fresh, started := false, "" // no earlier attempt: a 40078 is not ours
		if rec == nil {
			rec = &exchangeRecord{State: exchangeStarted, Started: time.Now().UnixMilli(), Reset: reset,
				Source: in.source, ExtraInfo: in.extra, InstalledAt: installedAt}
			if fresh, started, err = s.repo.startExchange(ctx, h, rec); err != nil {
				return nil, err
			}
			if !fresh {
				if rec, err = s.exchangeRecord(ctx, h); err != nil || rec == nil {
					return nil, cmp.Or(err, storeErr(errors.New("exchange record vanished")))
				}
			}
		}
		switch rec.State {
		case exchangeDone:
			return s.completeInstall(ctx, rec)
		case exchangeRefused:
			return nil, errInstallCancelled
		}
		ans, err := s.getPermanentCode(ctx, authCode)
		if wecom.ErrorCode(err) == 40078 {
			if fresh {
				// Not ours: forget the start, unless a concurrent exchange
				// (another process) has stored its answer over it.
				s.repo.forgetStart(ctx, h, started)
			}
			return s.resolveUsedCode(ctx, h, rec, fresh, err)
		}
		if err != nil {
			return nil, err
		}
		rec.State, rec.Answer = exchangeDone, ans
		corp := ans.AuthCorpInfo.CorpID
		if !reset {
			if ts, ok, err := s.repo.cancelledAt(ctx, corp); err == nil && ok && ts > rec.InstalledAt {
				rec.State = exchangeRefused
			}
		}
		if err := s.persistExchange(ctx, h, rec); err != nil {
			return nil, err
		}
		if rec.State == exchangeRefused {
			s.stats.cancelledInstalls.Add(1)
			s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: install cancelled before it was completed; not stored",
				slog.String("suite_id", s.cfg.SuiteID), slog.String("corpid", corp))
			return nil, errInstallCancelled
		}
		return s.completeInstall(ctx, rec)
	})
	if err != nil {
		return nil, err
	}
	return v.(*Authorization), nil
}

// exchangeRecord returns the record of the code hashed h: the one in memory
// whose write failed, written now, or the stored one; nil if none.
func (s *Suite) exchangeRecord(ctx context.Context, h string) (*exchangeRecord, error) {
	if v, ok := s.unsaved.Load(h); ok {
		rec := v.(*exchangeRecord)
		if err := s.repo.saveExchange(ctx, h, rec); err != nil {
			return nil, err
		}
		s.unsaved.Delete(h)
		return rec, nil
	}
	rec, ok, err := s.repo.exchange(ctx, h)
	if err != nil || !ok {
		return nil, err
	}
	return rec, nil
}

// persistExchange writes rec, retrying with backoff while the store fails;
// if it still cannot, rec stays in memory for the next attempt.
func (s *Suite) persistExchange(ctx context.Context, h string, rec *exchangeRecord) error {
	var err error
	wait := 20 * time.Millisecond
	for range 6 {
		if err = s.repo.saveExchange(ctx, h, rec); err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
			wait = min(2*wait, 500*time.Millisecond)
			continue
		}
		break
	}
	s.unsaved.Store(h, rec)
	s.logger.LogAttrs(ctx, slog.LevelError, "suite: cannot store a permanent code WeCom just issued; kept in memory and retried",
		slog.String("suite_id", s.cfg.SuiteID), slog.String("corpid", rec.Answer.AuthCorpInfo.CorpID), slog.Any("error", err))
	return err
}

// resolveUsedCode handles WeCom's 40078 ("invalid, expired or used"). When
// this call was the code's first exchange (fresh), the code was never ours
// to lose: it expired or another system used it — unless a concurrent
// exchange (another process) just finished. Otherwise an earlier attempt
// may have spent it: its answer is waited for until no attempt can still be
// waiting for WeCom; then the install is lost, loudly.
func (s *Suite) resolveUsedCode(ctx context.Context, h string, rec *exchangeRecord, fresh bool, werr error) (*Authorization, error) {
	deadline := time.UnixMilli(rec.Started).Add(s.opts.exchangeTimeout + s.opts.exchangeTimeout/10)
	if fresh {
		deadline = time.Now()
	}
	for {
		cur, err := s.exchangeRecord(ctx, h)
		if err != nil {
			return nil, err
		}
		if cur != nil && cur.State == exchangeDone {
			return s.completeInstall(ctx, cur)
		}
		if cur != nil && cur.State == exchangeRefused {
			return nil, errInstallCancelled
		}
		if !time.Now().Before(deadline) {
			break
		}
		// Another call for this code may still be waiting for WeCom.
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(min(200*time.Millisecond, time.Until(deadline))):
		}
	}
	if fresh {
		s.logger.LogAttrs(ctx, slog.LevelWarn, "suite: WeCom refused an auth code (40078): it expired (10 minutes) or was used by another system",
			slog.String("suite_id", s.cfg.SuiteID), slog.String("source", string(rec.Source)))
		return nil, fmt.Errorf("%w: %w", ErrAuthCodeUsed, werr)
	}
	s.stats.lostInstalls.Add(1)
	s.logger.LogAttrs(ctx, slog.LevelError, "suite: an auth code this suite started exchanging was spent, but its permanent code never reached the suite: the installation cannot be completed; ask the corporation to reinstall, or reset its permanent code from the provider admin console",
		slog.String("suite_id", s.cfg.SuiteID), slog.String("source", string(rec.Source)), slog.Int("errcode", 40078))
	return nil, fmt.Errorf("%w: %w", ErrAuthCodeUsed, werr)
}

// completeInstall makes an exchanged code the corporation's authorization:
// the permanent code, the details known so far and the corp's place in the
// index. It is idempotent, and refuses an install cancelled since.
func (s *Suite) completeInstall(ctx context.Context, rec *exchangeRecord) (*Authorization, error) {
	ans := rec.Answer
	corp := ans.AuthCorpInfo.CorpID
	if ts, ok, err := s.repo.cancelledAt(ctx, corp); err != nil {
		return nil, err
	} else if ok && ts > rec.InstalledAt && !rec.Reset {
		return nil, errInstallCancelled
	}
	a := &Authorization{PermanentCode: wecom.Secret(ans.PermanentCode), AuthUser: ans.AuthUserInfo, State: ans.State,
		Source: rec.Source, ExtraInfo: rec.ExtraInfo, AuthorizedAt: time.Unix(rec.InstalledAt, 0)}
	ans.apply(a)
	old, had, err := s.repo.details(ctx, corp)
	if err != nil {
		return nil, err
	}
	if had && rec.Reset {
		a.Source, a.ExtraInfo, a.AuthorizedAt = old.Source, old.ExtraInfo, old.AuthorizedAt
		a.RegisterCode = cmp.Or(a.RegisterCode, old.RegisterCode)
	}
	if had && len(a.Agents) == 0 && !old.AuthorizedAt.Before(a.AuthorizedAt) {
		// Filled in by an earlier run's get_auth_info; a v2 exchange answers
		// none of them.
		a.Agents, a.Customized, a.Dealer = old.Agents, old.Customized, old.Dealer
		a.CorpFullName, a.CorpType = cmp.Or(a.CorpFullName, old.CorpFullName), cmp.Or(a.CorpType, old.CorpType)
	}
	storedCode, _, err := s.repo.code(ctx, corp)
	if err != nil {
		return nil, err
	}
	if storedCode != ans.PermanentCode {
		if err := s.repo.saveCode(ctx, corp, ans.PermanentCode); err != nil {
			return nil, err
		}
		if rec.Reset {
			if err := s.corpSt.Delete(ctx, corpTokenKey(corp)); err != nil {
				return nil, fmt.Errorf("suite: forget old corp token: %w", err)
			}
		}
		s.dropClient(corp) // the next Corp call builds one with the new code
	}
	if err := s.repo.saveDetails(ctx, a); err != nil {
		return nil, err
	}
	if err := s.repo.addCorp(ctx, corp, a.AuthorizedAt); err != nil {
		return nil, err
	}
	return a, nil
}

// fillDetails asks WeCom for a's agents and visible range and stores them.
func (s *Suite) fillDetails(ctx context.Context, a *Authorization) (*Authorization, error) {
	info, err := s.getAuthInfo(ctx, a.CorpID, a.PermanentCode.Reveal())
	if err != nil {
		return nil, err
	}
	full := *a
	info.apply(&full)
	if err := s.repo.saveDetails(ctx, &full); err != nil {
		return nil, err
	}
	s.dropClient(a.CorpID) // the agentid may have changed
	return &full, nil
}

// finishInstall is the install job: the code exchanged (or found), the
// agents filled in, then the hook — once per installation.
func (s *Suite) finishInstall(ctx context.Context, a *Authorization, reset bool) error {
	if len(a.Agents) == 0 || reset {
		full, err := s.fillDetails(ctx, a)
		if err != nil {
			return err
		}
		a = full
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
	return nil
}

func (s *Suite) getPermanentCode(ctx context.Context, authCode string) (*permanentCodeAnswer, error) {
	ep := getPermanentCodeV2
	if s.opts.permanentV1 {
		ep = getPermanentCodeV1
	}
	// The auth code is single use (the declaration says so): never repeated
	// after the request may have reached WeCom.
	out, err := ep.Call(ctx, s.suiteCall, permanentCodeRequest{AuthCode: authCode}, wecom.WithCallTimeout(s.opts.exchangeTimeout))
	if err != nil {
		return nil, fmt.Errorf("suite: get_permanent_code: %w", err)
	}
	if out.PermanentCode == "" || out.AuthCorpInfo.CorpID == "" {
		return nil, errors.New("suite: get_permanent_code: answer has no permanent_code or corpid")
	}
	return out, nil
}

func (s *Suite) getAuthInfo(ctx context.Context, corpID, permanentCode string) (*authInfoAnswer, error) {
	ep := getAuthInfoV2
	if s.opts.permanentV1 {
		ep = getAuthInfoV1
	}
	out, err := ep.Call(ctx, s.suiteCall, authInfoRequest{AuthCorpID: corpID, PermanentCode: permanentCode})
	if err != nil {
		return nil, fmt.Errorf("suite: get_auth_info: %w", err)
	}
	if out.AuthCorpInfo.CorpID == "" {
		out.AuthCorpInfo.CorpID = corpID
	}
	return out, nil
}

// AuthInfo returns the stored authorization of corpID, with its permanent
// code; [ErrNotAuthorized] when the corporation has not installed the app
// or uninstalled it. When the details are not stored yet (get_auth_info
// failed after the exchange and its retry is pending), they are asked for
// now; if WeCom fails again, what is known is returned.
func (s *Suite) AuthInfo(ctx context.Context, corpID string) (*Authorization, error) {
	code, ok, err := s.repo.code(ctx, corpID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNotAuthorized, corpID)
	}
	a, ok, err := s.repo.details(ctx, corpID)
	if err != nil {
		return nil, err
	}
	if !ok {
		a = &Authorization{CorpID: corpID, AuthorizedAt: s.now()}
	}
	a.PermanentCode = wecom.Secret(code)
	if len(a.Agents) == 0 {
		if full, err := s.fillDetails(ctx, a); err == nil {
			return full, nil
		} else if !ok {
			return nil, err
		}
	}
	return a, nil
}

// RefreshAuthInfo asks WeCom for corpID's current authorization (agents,
// visible range) and stores it: what a change_auth push triggers.
func (s *Suite) RefreshAuthInfo(ctx context.Context, corpID string) (*Authorization, error) {
	a, err := s.AuthInfo(ctx, corpID)
	if err != nil {
		return nil, err
	}
	return s.fillDetails(ctx, a)
}

// CorpCount returns how many corporations have authorized the app, in one
// store read: for metrics, which should not list them all.
func (s *Suite) CorpCount(ctx context.Context) (int, error) {
	n, err := s.st.IndexLen(ctx, s.keys.corps())
	return int(n), storeErr(err)
}

// Corps returns the corporations that have authorized the app, sorted.
func (s *Suite) Corps(ctx context.Context) ([]string, error) {
	corps, err := s.repo.corps(ctx)
	slices.Sort(corps)
	return corps, err
}

// revoke records a cancel_auth of ts for corpID and deletes the corp's
// permanent code, unless the corporation installed the app again after the
// cancel was sent (pushes may arrive late or out of order). From then on
// the corporation is not authorized; an install older than the cancel that
// is still being exchanged is refused.
func (s *Suite) revoke(ctx context.Context, corpID string, ts int64) (*Authorization, error) {
	if err := s.repo.markCancelled(ctx, corpID, ts); err != nil {
		return nil, err
	}
	code, ok, err := s.repo.code(ctx, corpID)
	if err != nil || !ok {
		return nil, err
	}
	a, _, err := s.repo.details(ctx, corpID)
	if err != nil {
		return nil, err
	}
	if a == nil {
		a = &Authorization{CorpID: corpID}
	}
	if ts != 0 && a.AuthorizedAt.Unix() > ts {
		s.logger.LogAttrs(ctx, slog.LevelInfo, "suite: cancel_auth older than the installation ignored",
			slog.String("corpid", corpID))
		return nil, nil
	}
	a.PermanentCode = wecom.Secret(code)
	if err := s.repo.deleteCode(ctx, corpID); err != nil {
		return nil, err
	}
	s.dropClient(corpID)
	return a, nil
}

// cancel deletes everything the suite keeps for corpID after a cancel_auth
// of ts: the permanent code first (from then on the corp is not
// authorized), then the authorization, the corp token and the corp's jssdk
// tickets. It reports false when the corporation installed again since.
func (s *Suite) cancel(ctx context.Context, corpID string, ts int64) (bool, error) {
	if _, err := s.revoke(ctx, corpID, ts); err != nil {
		return false, err
	}
	if _, live, err := s.repo.code(ctx, corpID); err != nil || live {
		return false, err // installed again
	}
	a, ok, err := s.repo.details(ctx, corpID)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, nil // cleaned up already: a duplicate cancel_auth
	}
	if a.AuthorizedAt.Unix() > ts && ts != 0 {
		return false, nil
	}
	agents := make([]int64, 0, len(a.Agents))
	for _, ag := range a.Agents {
		agents = append(agents, ag.AgentID)
	}
	for _, k := range append([]string{corpTokenKey(corpID)}, jssdk.TicketKeys(corpID, agents...)...) {
		if err := s.corpSt.Delete(ctx, k); err != nil {
			return false, fmt.Errorf("suite: delete corp data: %w", err)
		}
	}
	if err := s.repo.removeCorp(ctx, corpID); err != nil {
		return false, err
	}
	return true, s.repo.deleteDetails(ctx, corpID)
}
