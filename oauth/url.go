package oauth

import (
	"net/url"
	"strconv"
	"strings"
)

// Base URLs of WeCom's login pages.
const (
	// AuthorizeEndpoint is the in-client OAuth2 page (doc 91022).
	AuthorizeEndpoint = "https://open.weixin.qq.com/connect/oauth2/authorize"
	// WebLoginEndpoint is the current web (QR code) login page (doc 98152).
	WebLoginEndpoint = "https://login.work.weixin.qq.com/wwlogin/sso/login"
	// QRConnectEndpoint is the legacy QR login page (doc 91019).
	QRConnectEndpoint = "https://open.work.weixin.qq.com/wwopen/sso/qrConnect"
)

// OAuth2 scopes (doc 91022).
const (
	// ScopeBase (静默授权) identifies the member without asking: the code
	// yields the userid only.
	ScopeBase = "snsapi_base"
	// ScopePrivateInfo (手动授权) asks the member to agree; the code then
	// also yields a user_ticket for [Client.UserDetail] (mobile, email,
	// biz_mail, avatar, gender). WeCom requires the agentid with it.
	ScopePrivateInfo = "snsapi_privateinfo"
)

// LoginType selects who logs in through [WebLoginURL] (doc 98152).
type LoginType string

const (
	// CorpApp: a member logs in to a self-built (自建) or custom-developed
	// (代开发) app; appID is the corpid and agentID the app's agentid.
	// The code is exchanged with [Client.UserInfo].
	CorpApp LoginType = "CorpApp"
	// ServiceApp: a member logs in to a third-party (第三方) app; appID is
	// the login suite id and no agentid is sent. The code is exchanged
	// with the suite's service/auth/getuserinfo3rd.
	ServiceApp LoginType = "ServiceApp"
)

// URLOption adjusts a URL built by [AuthorizeURL], [WebLoginURL] or
// [QRConnectURL]. Options that do not apply to a URL are ignored.
type URLOption interface{ applyURL(*urlConfig) }

type urlConfig struct {
	scope   string
	agentID int64
	lang    string
	// Origins replacing WeCom's, for tests: "" keeps WeCom's.
	authorizeBase, webLoginBase, qrConnectBase, installBase string
}

type urlOptionFunc func(*urlConfig)

func (f urlOptionFunc) applyURL(c *urlConfig) { f(c) }

// WithPrivateInfo makes [AuthorizeURL] ask for snsapi_privateinfo, so
// that the member's mobile, email and the like can be read with
// [Client.UserDetail]. WeCom rejects the link without the app's agentid,
// so agentID must be the app's (a non-positive one is left out and the
// link fails at WeCom).
func WithPrivateInfo(agentID int64) URLOption {
	return urlOptionFunc(func(c *urlConfig) {
		c.scope = ScopePrivateInfo
		c.agentID = agentID
	})
}

// WithAgentID adds the app's agentid to an [AuthorizeURL] with the base
// scope, as WeCom recommends for links whose appid is a corp id
// (https://developer.work.weixin.qq.com/document/path/96441): self-built
// and 代开发 apps, where it also triggers the automatic activation of an
// interface license. A third-party app's link whose appid is the suite id
// takes no agentid (https://developer.work.weixin.qq.com/document/path/91120).
func WithAgentID(agentID int64) URLOption {
	return urlOptionFunc(func(c *urlConfig) { c.agentID = agentID })
}

// WithLang sets the language of the [WebLoginURL] and [QRConnectURL]
// pages: "zh" or "en". Empty leaves WeCom's default.
func WithLang(lang string) URLOption {
	return urlOptionFunc(func(c *urlConfig) { c.lang = lang })
}

// WithAuthorizeBase makes [AuthorizeURL] point at base instead of
// https://open.weixin.qq.com, keeping the page's path
// (/connect/oauth2/authorize), so that a test can send the link to a fake
// WeCom such as wecomtest's: WithAuthorizeBase(srv.URL). base is a scheme
// and host, optionally with a port and a path prefix; a trailing slash is
// dropped and "" keeps WeCom's page. Other builders ignore it, so one
// option list can carry the bases of every page.
func WithAuthorizeBase(base string) URLOption {
	return urlOptionFunc(func(c *urlConfig) { c.authorizeBase = base })
}

// WithWebLoginBase is [WithAuthorizeBase] for [WebLoginURL]: base replaces
// https://login.work.weixin.qq.com and the path /wwlogin/sso/login is
// kept.
func WithWebLoginBase(base string) URLOption {
	return urlOptionFunc(func(c *urlConfig) { c.webLoginBase = base })
}

// WithQRConnectBase is [WithAuthorizeBase] for [QRConnectURL]: base
// replaces https://open.work.weixin.qq.com and the path
// /wwopen/sso/qrConnect is kept.
func WithQRConnectBase(base string) URLOption {
	return urlOptionFunc(func(c *urlConfig) { c.qrConnectBase = base })
}

// WithInstallBase is [WithAuthorizeBase] for [InstallURL]: base replaces
// https://open.work.weixin.qq.com and the path /3rdapp/install is kept.
func WithInstallBase(base string) URLOption {
	return urlOptionFunc(func(c *urlConfig) { c.installBase = base })
}

// Paths of WeCom's login pages, which a replaced base keeps.
const (
	authorizePath = "/connect/oauth2/authorize"
	webLoginPath  = "/wwlogin/sso/login"
	qrConnectPath = "/wwopen/sso/qrConnect"
	installPath   = "/3rdapp/install"
)

// endpoint returns base+path, or def when base is empty.
func endpoint(base, path, def string) string {
	if base == "" {
		return def
	}
	return strings.TrimRight(base, "/") + path
}

func urlOptions(opts []URLOption) urlConfig {
	cfg := urlConfig{scope: ScopeBase}
	for _, o := range opts {
		if o != nil {
			o.applyURL(&cfg)
		}
	}
	return cfg
}

// AuthorizeURL returns the link that starts OAuth2 inside the WeCom client
// (doc 91022):
//
//	https://open.weixin.qq.com/connect/oauth2/authorize?appid=APPID&redirect_uri=…&response_type=code&scope=snsapi_base&state=STATE#wechat_redirect
//
// appID is the corpid for a self-built or custom-developed app, the suite
// id for a third-party app. After the member opens it, WeCom redirects to
// redirectURI with ?code=CODE&state=STATE; the code works once, within 5
// minutes ([Client.Identify]). redirectURI must be on the app's trusted
// domain (otherwise 50001) and is given as is: it is encoded exactly once
// here, its own query and fragment included. state must be at most 128
// bytes of [A-Za-z0-9] — [StateCodec] makes such values; empty leaves it
// out. The scope is snsapi_base unless [WithPrivateInfo] is given. The
// #wechat_redirect fragment WeCom's client looks for is always present.
// [WithAuthorizeBase] sends the link to a fake WeCom in tests.
func AuthorizeURL(appID, redirectURI, state string, opts ...URLOption) string {
	cfg := urlOptions(opts)
	var b urlBuilder
	b.start(endpoint(cfg.authorizeBase, authorizePath, AuthorizeEndpoint), 160+len(redirectURI))
	// The documented order: WeChat-family clients have been known to care.
	b.add("appid", appID)
	b.add("redirect_uri", redirectURI)
	b.add("response_type", "code")
	b.add("scope", cfg.scope)
	b.addOptional("state", state)
	if cfg.agentID > 0 {
		b.add("agentid", strconv.FormatInt(cfg.agentID, 10))
	}
	b.sb.WriteString("#wechat_redirect")
	return b.sb.String()
}

// WebLoginURL returns the link of WeCom's web login page (doc 98152), the
// page that shows a QR code to scan with the WeCom app (or logs in through
// the desktop client):
//
//	https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=CorpApp&appid=CORPID&agentid=AGENTID&redirect_uri=…&state=STATE
//
// For [CorpApp], appID is the corpid and agentID the app's; for
// [ServiceApp], appID is the login suite id and agentID is ignored. The
// redirect brings ?code=CODE&state=STATE. Options: [WithLang], and
// [WithWebLoginBase] for tests.
func WebLoginURL(loginType LoginType, appID string, agentID int64, redirectURI, state string, opts ...URLOption) string {
	cfg := urlOptions(opts)
	var b urlBuilder
	b.start(endpoint(cfg.webLoginBase, webLoginPath, WebLoginEndpoint), 160+len(redirectURI))
	b.add("login_type", string(loginType))
	b.add("appid", appID)
	if loginType != ServiceApp && agentID > 0 {
		b.add("agentid", strconv.FormatInt(agentID, 10))
	}
	b.add("redirect_uri", redirectURI)
	b.addOptional("state", state)
	b.addOptional("lang", cfg.lang)
	return b.sb.String()
}

// QRConnectURL returns the legacy QR login link (doc 91019, "构造扫码登录链接"),
// for self-built apps only:
//
//	https://open.work.weixin.qq.com/wwopen/sso/qrConnect?appid=CORPID&agentid=AGENTID&redirect_uri=…&state=STATE
//
// New integrations should prefer [WebLoginURL] with [CorpApp]; the code
// is exchanged the same way. Options: [WithLang], and [WithQRConnectBase]
// for tests.
func QRConnectURL(corpID string, agentID int64, redirectURI, state string, opts ...URLOption) string {
	cfg := urlOptions(opts)
	var b urlBuilder
	b.start(endpoint(cfg.qrConnectBase, qrConnectPath, QRConnectEndpoint), 120+len(redirectURI))
	b.add("appid", corpID)
	b.add("agentid", strconv.FormatInt(agentID, 10))
	b.add("redirect_uri", redirectURI)
	b.addOptional("state", state)
	b.addOptional("lang", cfg.lang)
	return b.sb.String()
}

// urlBuilder writes a query in a fixed parameter order (url.Values.Encode
// would sort it), escaping every value exactly once.
type urlBuilder struct {
	sb  strings.Builder
	sep byte
}

func (b *urlBuilder) start(base string, size int) {
	b.sb.Grow(len(base) + size)
	b.sb.WriteString(base)
	b.sep = '?'
}

func (b *urlBuilder) add(k, v string) {
	b.sb.WriteByte(b.sep)
	b.sep = '&'
	b.sb.WriteString(k)
	b.sb.WriteByte('=')
	b.sb.WriteString(queryEscape(v))
}

func (b *urlBuilder) addOptional(k, v string) {
	if v != "" {
		b.add(k, v)
	}
}

// queryEscape is url.QueryEscape with spaces as %20 rather than "+": both
// decode to a space in a query, but %20 also survives decoders that treat
// "+" literally. A literal "+" is already %2B, so every "+" left is a space.
func queryEscape(s string) string {
	e := url.QueryEscape(s)
	if strings.IndexByte(e, '+') < 0 {
		return e
	}
	return strings.ReplaceAll(e, "+", "%20")
}
