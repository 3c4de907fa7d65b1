package wecom

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	_ "embed" // the official error-code table
	"errors"
	"fmt"
	"net"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// CodeInfo explains one of WeCom's error codes: what it means and what an
// integrator usually has to do about it. Official and Hint are WeCom's own
// words from its global error code page
// (https://developer.work.weixin.qq.com/document/path/90313, the same table
// as https://developer.work.weixin.qq.com/document/path/90455); Meaning and
// Advice are the project's own, where it has written some, else WeCom's.
type CodeInfo struct {
	// Code is WeCom's errcode.
	Code int
	// Meaning says what WeCom reports, in English and in WeCom's Chinese
	// wording where that is what the admin console shows.
	Meaning string
	// Advice says what usually causes it and how to fix it; for a code the
	// project has written no advice for, WeCom's 排查方法 (Hint), or "".
	Advice string
	// Official is WeCom's 错误说明 for the code, in Chinese as WeCom
	// writes it; "" for a code the official table does not list.
	Official string
	// Hint is WeCom's 排查方法 for the code, in Chinese as WeCom writes it,
	// on one line: where the page's cell is a "查看帮助" link, the help text
	// the link opens. It is "" where the page gives none ("-").
	Hint string
}

// officialTSV is WeCom's global error code table (see CodeInfo): code,
// 错误说明, 排查方法 and an English gloss (possibly empty), tab-separated,
// one code a line. It holds every code of WeCom's page as of 2023-08.
//
//go:embed errcode_official.tsv
var officialTSV string

func init() {
	for code, a := range adviceTable {
		codeTable[code] = CodeInfo{Code: a.code, Meaning: a.meaning, Advice: a.advice}
	}
	if err := loadOfficial(codeTable, officialTSV); err != nil {
		panic("wecom: errcode_official.tsv: " + err.Error())
	}
}

// loadOfficial adds WeCom's words from tsv (the form of officialTSV) to
// table: to a code the project has advice for, Official and Hint; any
// other code gets a CodeInfo of WeCom's words alone. It fails on a line
// without exactly four fields, a code that is not an integer or not above
// the one before it, or an empty 错误说明.
func loadOfficial(table map[int]CodeInfo, tsv string) error {
	prev, first := 0, true
	for i := 1; tsv != ""; i++ {
		var line string
		line, tsv, _ = strings.Cut(tsv, "\n")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var f [4]string
		n := 0
		for rest, more := line, true; more; n++ {
			if n == len(f) {
				return fmt.Errorf("line %d: more than 4 fields, want code, 错误说明, 排查方法, gloss", i)
			}
			f[n], rest, more = strings.Cut(rest, "\t")
		}
		if n != len(f) {
			return fmt.Errorf("line %d: %d fields, want code, 错误说明, 排查方法, gloss", i, n)
		}
		code, err := strconv.Atoi(f[0])
		if err != nil {
			return fmt.Errorf("line %d: code %q is not an integer", i, f[0])
		}
		if !first && code <= prev {
			return fmt.Errorf("line %d: code %d is not above %d", i, code, prev)
		}
		prev, first = code, false
		if f[1] == "" {
			return fmt.Errorf("line %d: code %d has no 错误说明", i, code)
		}
		info, ok := table[code]
		if !ok {
			info = CodeInfo{Code: code, Meaning: officialMeaning(f[1], f[3]), Advice: f[2]}
		}
		info.Official, info.Hint = f[1], f[2]
		table[code] = info
	}
	return nil
}

// officialMeaning is the Meaning of a code the project has no advice for:
// the English gloss with WeCom's 错误说明, or the 错误说明 alone where the
// table has no gloss.
func officialMeaning(official, gloss string) string {
	if gloss == "" {
		return official
	}
	return gloss + " (" + official + ")"
}

// codeTable is the one table of error codes: [LookupCode],
// [APIError.Advice], [Diagnose] and the wecomkit command line all read it.
// It is built at start from adviceTable (the project's own words) and
// officialTSV (WeCom's); it is never written after.
var codeTable = make(map[int]CodeInfo, 1300)

// advice is the project's own explanation of a code.
type advice struct {
	code            int
	meaning, advice string
}

// adviceTable is what the project says about the codes integrators meet
// most, in its own words.
var adviceTable = map[int]advice{
	// 0 is success: every WeCom API page shows it answered with errmsg "ok"
	// (e.g. https://developer.work.weixin.qq.com/document/path/90593).
	0: {0, "ok: the call succeeded",
		"Nothing to do: WeCom answers every successful call with errcode 0 and errmsg \"ok\"."},
	-1: {-1, "system busy (系统繁忙)",
		"WeCom is temporarily unavailable; retry with backoff, at most 3 times (the client already does)."},
	40001: {40001, "invalid secret (不合法的secret参数)",
		"The secret does not belong to this corp id, was reset in the admin console, or the app is disabled. Copy the app's secret again (应用管理 → the app → Secret); repeated wrong secrets from one IP block that IP for an hour."},
	40013: {40013, "invalid corp id (不合法的CorpID)",
		"The corp id is wrong: copy it from 我的企业 → 企业信息 → 企业ID (it starts with ww or wx)."},
	40014: {40014, "invalid access_token (不合法的access_token)",
		"The token expired, was revoked, or is of the wrong kind (access_token vs suite_access_token vs provider_access_token). The client fetches a new one and retries once."},
	40029: {40029, "invalid OAuth code (不合法的oauth_code)",
		"An OAuth code is single use and valid 5 minutes, and only for the app whose link produced it: send the user through the authorize link again."},
	40056: {40056, "invalid agentid (不合法的agentid)",
		"The agentid is not an app of this corp, or does not match the secret."},
	40078: {40078, "invalid auth_code (不合法的临时授权码)",
		"A third-party install's auth_code is single use and valid 10 minutes: it was exchanged already or expired."},
	40082: {40082, "invalid suite_access_token or provider_access_token",
		"The suite or provider token expired or was revoked: fetch a new one (the SDK does once)."},
	40083: {40083, "invalid suite_id (不合法的suite_id)",
		"The suite id is wrong: copy it from the provider admin console's app details."},
	40084: {40084, "invalid permanent_code (不合法的永久授权码)",
		"The permanent code is wrong, belongs to another provider, or the corp cancelled the authorization."},
	40085: {40085, "invalid suite_ticket (不合法的suite_ticket)",
		"The suite_ticket is missing or older than 30 minutes. WeCom pushes one every 10 minutes to the command callback URL; force a push from the provider admin console (应用管理 → the app → 回调配置 → 刷新ticket)."},
	40086: {40086, "invalid third-party app id (不合法的第三方应用appid)",
		"The suite id does not name a third-party app of this provider."},
	40091: {40091, "invalid secret (secret不合法)",
		"The secret probably belongs to another corporation."},
	40093: {40093, "invalid jsapi signature (jsapi签名错误)",
		"Sign the page URL without its #fragment, with the timestamp in seconds, and with the ticket of the right kind (corp ticket for wx.config, app ticket for wx.agentConfig)."},
	41001: {41001, "access_token missing (缺少access_token参数)",
		"The token must travel in the URL's query string, not in the body."},
	41002: {41002, "corpid missing (缺少corpid参数)", "Pass the corp id."},
	41004: {41004, "secret missing (缺少secret参数)",
		"The secret is empty: check the setting that should carry it."},
	41025: {41025, "permanent_code missing (缺少永久授权码)",
		"The corp's permanent code is not known: the corp has to install (authorize) the app again."},
	42001: {42001, "access_token expired (access_token已过期)",
		"Tokens live about 7200 s and may be revoked early; the client fetches a new one and retries once."},
	42007: {42007, "pre_auth_code expired (pre_auth_code已过期)",
		"A pre-auth code lives 20 minutes: fetch a new one for each install link."},
	42009: {42009, "suite_access_token expired (suite_access_token已过期)",
		"Fetch a new suite token (the SDK does once)."},
	42012: {42012, "jsapi_ticket unusable (jsapi_ticket不可用)",
		"wx.agentConfig needs the app's own ticket (ticket/get?type=agent_config), not the corp's, and not another app's."},
	45009: {45009, "API call limit reached (接口调用超过限制)",
		"Too many calls: a minute limit blocks for about a minute, an hour limit for an hour. Cache tokens and tickets (share them between instances with a store) instead of fetching them per request; never retry at once."},
	45033: {45033, "too many concurrent calls (接口并发调用超过限制)",
		"Lower the concurrency of calls to this API; repeatedly fetching the same resource also triggers it."},
	48002: {48002, "API not permitted (API接口无权限调用)",
		"This secret may not call this API: for a self-built app, contact APIs such as user/list_id need the contact-sync secret (通讯录同步); a third-party app needs the corporation's contact-edit grant; other APIs need the app to have the permission."},
	50001: {50001, "redirect_uri not on a trusted domain (redirect_url未登记可信域名)",
		"The redirect_uri's host (port included) must equal the app's trusted domain (应用管理 → the app → 网页授权及JS-SDK → 可信域名), and must be URL-encoded exactly once."},
	60011: {60011, "no privilege for this member, department or tag (指定的成员/部门/标签参数无权限)",
		"The member, department or tag is outside the app's visible range (应用管理 → the app → 可见范围)."},
	60020: {60020, "access from this IP is not allowed (不安全的访问IP)",
		"Add the server's public IP to the app's trusted IPs (应用管理 → the app → 企业可信IP) for self-built apps and the contact-sync secret, or to the provider's IP allow list (服务商管理后台 → 服务商信息 → 基本信息 → IP白名单) for third-party and 代开发 apps; it applies after about a minute."},
	81013: {81013, "every recipient invalid or not permitted (UserID、部门ID、标签ID全部非法或无权限)",
		"None of the message's users, departments or tags is valid and inside the app's visible range."},
	84014: {84014, "user_ticket expired (成员票据过期)",
		"A user_ticket lives 1800 s: send the user through the authorize link again."},
	84015: {84015, "user_ticket invalid (成员票据无效)",
		"The user_ticket is wrong or belongs to another app."},
}

// LookupCode returns what WeCom's errcode means and what to do about it,
// and false when the code is not in the table (see
// https://open.work.weixin.qq.com/devtool/query?e=CODE for any code).
func LookupCode(code int) (CodeInfo, bool) {
	info, ok := codeTable[code]
	return info, ok
}

// KnownCodes returns the codes [LookupCode] explains, in ascending order.
func KnownCodes() []int {
	codes := make([]int, 0, len(codeTable))
	for c := range codeTable {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	return codes
}

// Advice returns what to do about the error, from the errcode table, with
// the IP WeCom names in a 60020 message. It is empty for a code the table
// does not know.
func (e *APIError) Advice() string {
	info, ok := codeTable[e.Code]
	if !ok {
		return ""
	}
	if e.Code == 60020 {
		if ip := DeniedIP(e.Msg); ip != "" {
			return "WeCom saw the call come from " + ip + ". " + info.Advice
		}
	}
	return info.Advice
}

var deniedIP = regexp.MustCompile(`from ip:\s*([0-9A-Fa-f.:]+)`)

// DeniedIP returns the address WeCom names in a 60020 errmsg ("… from ip:
// 1.2.3.4 …"): the public IP to allow, which is often not the server's
// own address when it sits behind NAT. It is empty when msg names none.
func DeniedIP(msg string) string {
	m := deniedIP.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	ip := strings.TrimRight(m[1], ".:")
	if net.ParseIP(ip) == nil {
		return ""
	}
	return ip
}

// Cause classifies why a call or a token fetch failed, for start-up checks
// and operator messages.
type Cause string

// The causes [Diagnose] tells apart.
const (
	CauseNone     Cause = ""         // no error
	CauseAPI      Cause = "wecom"    // WeCom answered with an errcode
	CauseStore    Cause = "store"    // the shared token store failed
	CauseDNS      Cause = "dns"      // WeCom's host name did not resolve
	CauseTLS      Cause = "tls"      // the TLS handshake or certificate failed
	CauseRefused  Cause = "refused"  // the connection was refused
	CauseTimeout  Cause = "timeout"  // no answer in time
	CauseHTTP     Cause = "http"     // a non-2xx HTTP answer, usually from a proxy
	CauseResponse Cause = "response" // an answer that is not WeCom's JSON, or too large
	CauseNetwork  Cause = "network"  // any other transport failure
	CauseConfig   Cause = "config"   // unusable arguments
	CauseCanceled Cause = "canceled" // the caller's context was canceled
)

// Diagnosis names the real cause of a failed call and what to do about it.
type Diagnosis struct {
	// Cause classifies the failure.
	Cause Cause
	// Code is WeCom's errcode when Cause is CauseAPI, else 0.
	Code int
	// Hint is one or two sentences for an operator.
	Hint string
}

// String returns the hint, prefixed by the cause.
func (d Diagnosis) String() string {
	if d.Cause == CauseNone {
		return ""
	}
	if d.Code != 0 {
		return fmt.Sprintf("%s errcode %d: %s", d.Cause, d.Code, d.Hint)
	}
	return string(d.Cause) + ": " + d.Hint
}

// Diagnose looks through err's chain and says what failed: WeCom's errcode
// with its advice, the token store, DNS, TLS, a refused connection, a
// timeout, or a proxy's HTTP status. The order matters: a store failure is
// named as such even though its own cause is a network error.
func Diagnose(err error) Diagnosis {
	if err == nil {
		return Diagnosis{}
	}
	var ae *APIError
	var he *HTTPError
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recordErr tls.RecordHeaderError
	switch {
	case errors.As(err, &ae):
		hint := ae.Advice()
		if hint == "" {
			hint = fmt.Sprintf("see https://open.work.weixin.qq.com/devtool/query?e=%d", ae.Code)
		}
		return Diagnosis{Cause: CauseAPI, Code: ae.Code, Hint: hint}
	case errors.Is(err, ErrStore):
		return Diagnosis{Cause: CauseStore, Hint: "the shared token store is unreachable or failing; check REDIS_URL (or the store's settings), that the store is up, and the network to it. WeCom itself was not asked."}
	case errors.Is(err, ErrInvalidConfig):
		return Diagnosis{Cause: CauseConfig, Hint: "the client's settings are unusable; see the error."}
	case errors.Is(err, context.Canceled):
		return Diagnosis{Cause: CauseCanceled, Hint: "the call was canceled before it finished."}
	case errors.As(err, &dnsErr):
		return Diagnosis{Cause: CauseDNS, Hint: "the WeCom host name does not resolve; check the base URL and the server's DNS."}
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &recordErr):
		return Diagnosis{Cause: CauseTLS, Hint: "the TLS connection to WeCom failed; check the system's CA certificates, the clock, and any intercepting proxy (or an http:// base URL pointed at an https port)."}
	case errors.Is(err, syscall.ECONNREFUSED):
		return Diagnosis{Cause: CauseRefused, Hint: "the connection to WeCom was refused; check the base URL's host and port and any proxy in between."}
	case errors.As(err, &he):
		return Diagnosis{Cause: CauseHTTP, Hint: fmt.Sprintf("WeCom's address answered HTTP %d, which WeCom itself never does: a proxy or load balancer in between failed, or the base URL is wrong.", he.StatusCode)}
	case errors.Is(err, ErrResponseTooLarge), errors.Is(err, ErrMalformedResponse):
		return Diagnosis{Cause: CauseResponse, Hint: "the answer was not WeCom's JSON; check that the base URL points at WeCom's API (or a proxy that passes it through)."}
	case isTimeout(err):
		return Diagnosis{Cause: CauseTimeout, Hint: "WeCom did not answer in time; check the outbound network (firewall, proxy) and the configured timeouts."}
	}
	return Diagnosis{Cause: CauseNetwork, Hint: "the call to WeCom failed in transport; check the outbound network, proxy settings and the base URL."}
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
