package oauth

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// MaxStateLen is the longest state WeCom accepts (doc 91022).
const MaxStateLen = 128

// ErrStateRejected is matched by the error of [CheckState] for a state
// WeCom would reject.
var ErrStateRejected = errors.New("oauth: state that WeCom rejects")

// CheckState reports whether WeCom accepts state in a login link: at most
// 128 bytes of a-z, A-Z and 0-9 (doc 91022,
// https://developer.work.weixin.qq.com/document/path/91022). The empty
// state is accepted (the parameter is optional). The error names the
// first offending byte's position, never the state itself.
func CheckState(state string) error {
	if len(state) > MaxStateLen {
		return fmt.Errorf("%w: %d bytes, at most %d allowed", ErrStateRejected, len(state), MaxStateLen)
	}
	for i := 0; i < len(state); i++ {
		if c := state[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return fmt.Errorf("%w: only a-z, A-Z and 0-9 are allowed; byte %d is %q", ErrStateRejected, i+1, c)
		}
	}
	return nil
}

// WarningCode names a kind of [Warning], stable for scripts.
type WarningCode string

// The warnings [CheckLink] gives.
const (
	// WarnMissingParam: a parameter the page needs is absent or empty.
	WarnMissingParam WarningCode = "missing-param"
	// WarnRedirectNotEncoded: redirect_uri is not percent-encoded in the
	// link, so its own query can be taken for the link's.
	WarnRedirectNotEncoded WarningCode = "redirect-not-encoded"
	// WarnRedirectDoubleEncoded: redirect_uri is still encoded after one
	// decoding: WeCom would redirect to "https%3A%2F%2F…".
	WarnRedirectDoubleEncoded WarningCode = "redirect-double-encoded"
	// WarnRedirectInvalid: redirect_uri is not an absolute http(s) URL.
	WarnRedirectInvalid WarningCode = "redirect-invalid"
	// WarnRedirectDomain: redirect_uri's host is not the trusted domain
	// given in [CheckOptions]; WeCom answers 50001.
	WarnRedirectDomain WarningCode = "redirect-domain"
	// WarnMissingWechatRedirect: an in-client OAuth2 link without the
	// #wechat_redirect fragment.
	WarnMissingWechatRedirect WarningCode = "missing-wechat-redirect"
	// WarnUnexpectedFragment: a fragment on a link that takes none (web
	// login, install) or another one than #wechat_redirect.
	WarnUnexpectedFragment WarningCode = "unexpected-fragment"
	// WarnState: a state WeCom rejects ([CheckState]).
	WarnState WarningCode = "state"
	// WarnNoState: no state, so nothing ties the redirect to the browser
	// that started the login (CSRF).
	WarnNoState WarningCode = "no-state"
	// WarnScope: a scope WeCom does not know, or a response_type other
	// than code.
	WarnScope WarningCode = "scope"
	// WarnMissingAgentID: snsapi_privateinfo or a CorpApp web login
	// without the app's agentid.
	WarnMissingAgentID WarningCode = "missing-agentid"
	// WarnUnexpectedAgentID: an agentid where none belongs (a third-party
	// link, a ServiceApp web login, an install link).
	WarnUnexpectedAgentID WarningCode = "unexpected-agentid"
	// WarnLoginType: a login_type other than CorpApp and ServiceApp, or a
	// lang other than zh and en.
	WarnLoginType WarningCode = "login-type"
)

// Warning is a likely mistake in a login link.
type Warning struct {
	// Code names the kind of warning.
	Code WarningCode
	// Message explains it in plain English and says what to do.
	Message string
}

// CheckOptions tells [CheckLink] what the link is for.
type CheckOptions struct {
	// TrustedDomain is the app's trusted domain (可信域名) as configured
	// in the admin console, e.g. "app.example.com" or "app.example.com:8443";
	// a scheme or path given with it is ignored. Empty skips the check.
	TrustedDomain string
	// ThirdParty marks an in-client OAuth2 link of a third-party app: its
	// appid is the suite id and it carries no agentid.
	ThirdParty bool
}

// LinkKind names the page a link opens.
type LinkKind string

// The links [CheckLink] knows.
const (
	LinkAuthorize LinkKind = "authorize" // [AuthorizeURL], doc 91022
	LinkWebLogin  LinkKind = "weblogin"  // [WebLoginURL], doc 98152
	LinkQRConnect LinkKind = "qrconnect" // [QRConnectURL], doc 91019
	LinkInstall   LinkKind = "install"   // [InstallURL], doc 90597
)

// ErrUnknownLink is matched by the error of [CheckLink] for a link that is
// not one of WeCom's login or install pages.
var ErrUnknownLink = errors.New("oauth: not a WeCom login or install link")

// CheckLink looks at a login or install link — built by this package or
// by someone else — for the mistakes that make WeCom refuse it or redirect
// wrongly: redirect_uri not encoded, encoded twice or on another domain
// than the trusted one (50001), a missing #wechat_redirect, a state WeCom
// rejects, an agentid missing or where none belongs (doc 91022,
// https://developer.work.weixin.qq.com/document/path/91022; doc 98152,
// https://developer.work.weixin.qq.com/document/path/98152; doc 90597,
// https://developer.work.weixin.qq.com/document/path/90597). It returns
// the kind of link and its warnings, none for a good link; the error is
// [ErrUnknownLink] (wrapped) for a link to any other page.
func CheckLink(link string, opts CheckOptions) (LinkKind, []Warning, error) {
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return "", nil, fmt.Errorf("%w: it does not parse as a URL", ErrUnknownLink)
	}
	var kind LinkKind
	switch strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.Path {
	case AuthorizeEndpoint:
		kind = LinkAuthorize
	case WebLoginEndpoint:
		kind = LinkWebLogin
	case QRConnectEndpoint:
		kind = LinkQRConnect
	case InstallEndpoint:
		kind = LinkInstall
	default:
		return "", nil, fmt.Errorf("%w: expected %s, %s, %s or %s", ErrUnknownLink,
			AuthorizeEndpoint, WebLoginEndpoint, QRConnectEndpoint, InstallEndpoint)
	}
	q, qerr := url.ParseQuery(u.RawQuery)
	c := linkChecker{q: q, opts: opts}
	if qerr != nil {
		c.warn(WarnRedirectNotEncoded, "the query does not parse ("+qerr.Error()+"): some value is not percent-encoded")
	}
	switch kind {
	case LinkAuthorize:
		c.authorize(u.Fragment)
	case LinkWebLogin:
		c.webLogin(u.Fragment)
	case LinkQRConnect:
		c.required("appid", "agentid")
		c.noFragment(u.Fragment)
	case LinkInstall:
		c.required("suite_id", "pre_auth_code")
		if q.Has("agentid") {
			c.warn(WarnUnexpectedAgentID, "an install link takes no agentid: the administrator picks the app by suite_id")
		}
		c.noFragment(u.Fragment)
	}
	c.redirect(rawParam(u.RawQuery, "redirect_uri"))
	c.state()
	return kind, c.warnings, nil
}

type linkChecker struct {
	q        url.Values
	opts     CheckOptions
	warnings []Warning
}

func (c *linkChecker) warn(code WarningCode, msg string) {
	c.warnings = append(c.warnings, Warning{Code: code, Message: msg})
}

func (c *linkChecker) required(names ...string) {
	for _, n := range names {
		if c.q.Get(n) == "" {
			c.warn(WarnMissingParam, n+" is missing or empty")
		}
	}
}

func (c *linkChecker) noFragment(frag string) {
	if frag != "" {
		c.warn(WarnUnexpectedFragment, "this link takes no fragment (#"+frag+"): #wechat_redirect belongs only to the in-client OAuth2 link")
	}
}

func (c *linkChecker) authorize(frag string) {
	c.required("appid")
	if rt := c.q.Get("response_type"); rt != "code" {
		c.warn(WarnScope, "response_type must be code, not "+strconv.Quote(rt))
	}
	scope := c.q.Get("scope")
	switch scope {
	case ScopeBase, ScopePrivateInfo:
	default:
		c.warn(WarnScope, "scope must be snsapi_base or snsapi_privateinfo, not "+strconv.Quote(scope))
	}
	agent := c.q.Get("agentid")
	switch {
	case c.opts.ThirdParty && c.q.Has("agentid"):
		c.warn(WarnUnexpectedAgentID, "a third-party app's link uses appid = suite id and no agentid")
	case !c.opts.ThirdParty && scope == ScopePrivateInfo && agent == "":
		c.warn(WarnMissingAgentID, "snsapi_privateinfo needs the app's agentid, or WeCom refuses the link")
	}
	c.agentNumber(agent)
	switch frag {
	case "wechat_redirect":
	case "":
		c.warn(WarnMissingWechatRedirect, "the link must end with #wechat_redirect, or the WeCom client does not start the OAuth2 flow")
	default:
		c.warn(WarnUnexpectedFragment, "the fragment must be #wechat_redirect, not #"+frag)
	}
}

func (c *linkChecker) webLogin(frag string) {
	c.required("login_type", "appid")
	agent := c.q.Get("agentid")
	switch LoginType(c.q.Get("login_type")) {
	case CorpApp:
		if agent == "" {
			c.warn(WarnMissingAgentID, "a CorpApp web login needs the app's agentid")
		}
	case ServiceApp:
		if c.q.Has("agentid") {
			c.warn(WarnUnexpectedAgentID, "a ServiceApp web login takes no agentid: appid is the login suite id")
		}
	case "":
	default:
		c.warn(WarnLoginType, "login_type must be CorpApp or ServiceApp, not "+strconv.Quote(c.q.Get("login_type")))
	}
	c.agentNumber(agent)
	switch lang := c.q.Get("lang"); lang {
	case "", "zh", "en":
	default:
		c.warn(WarnLoginType, "lang must be zh or en, not "+strconv.Quote(lang))
	}
	if frag == "wechat_redirect" {
		c.warn(WarnUnexpectedFragment, "a web login link takes no #wechat_redirect (that is for the in-client OAuth2 link)")
	} else {
		c.noFragment(frag)
	}
}

func (c *linkChecker) agentNumber(agent string) {
	if agent == "" {
		return
	}
	if n, err := strconv.ParseInt(agent, 10, 64); err != nil || n <= 0 {
		c.warn(WarnMissingAgentID, "agentid must be the app's positive number, not "+strconv.Quote(agent))
	}
}

func (c *linkChecker) redirect(raw string) {
	redirect := c.q.Get("redirect_uri")
	if redirect == "" {
		c.warn(WarnMissingParam, "redirect_uri is missing or empty")
		return
	}
	if strings.ContainsAny(raw, ":/?") {
		c.warn(WarnRedirectNotEncoded, "redirect_uri is not URL-encoded in the link: encode it once (https%3A%2F%2F…), or its own query and fragment get lost")
	}
	lower := strings.ToLower(redirect)
	if strings.HasPrefix(lower, "http%3a") || strings.HasPrefix(lower, "https%3a") {
		c.warn(WarnRedirectDoubleEncoded, "redirect_uri is URL-encoded twice (after decoding it still reads "+
			strconv.Quote(redirect[:strings.IndexByte(redirect, '%')+3])+"…): encode it exactly once")
		if d, err := url.QueryUnescape(redirect); err == nil {
			redirect = d // check the domain of what was meant
		}
	}
	u, err := url.Parse(redirect)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.warn(WarnRedirectInvalid, "redirect_uri must be an absolute http or https URL")
		return
	}
	if trusted := trustedHost(c.opts.TrustedDomain); trusted != "" && !strings.EqualFold(u.Host, trusted) {
		c.warn(WarnRedirectDomain, "redirect_uri is on "+u.Host+", not on the trusted domain "+trusted+
			" (host and port must match exactly): WeCom answers 50001 (redirect_uri 参数错误)")
	}
}

func (c *linkChecker) state() {
	state, ok := c.q["state"]
	switch {
	case !ok || len(state) == 0 || state[0] == "":
		c.warn(WarnNoState, "no state: nothing ties the redirect to the browser that started it (CSRF); oauth.StateCodec makes suitable values")
	default:
		if err := CheckState(state[0]); err != nil {
			c.warn(WarnState, "WeCom rejects this state: "+strings.TrimPrefix(err.Error(), ErrStateRejected.Error()+": "))
		}
	}
}

// trustedHost reduces a trusted domain as someone may paste it
// ("https://app.example.com/") to its host and port.
func trustedHost(domain string) string {
	d := strings.TrimSpace(domain)
	if i := strings.Index(d, "://"); i >= 0 {
		d = d[i+3:]
	}
	if i := strings.IndexAny(d, "/?#"); i >= 0 {
		d = d[:i]
	}
	return d
}

// rawParam returns the first raw (still encoded) value of name in a query.
func rawParam(rawQuery, name string) string {
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if k, v, ok := strings.Cut(pair, "="); ok && k == name {
			return v
		}
	}
	return ""
}
