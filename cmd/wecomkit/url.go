package main

import (
	"fmt"

	"github.com/wecomkit/wecomkit/oauth"
)

func runURL(e *env, args []string) error {
	const help = `Usage: wecomkit url <authorize|weblogin|install|check> [flags]

  authorize  the in-client OAuth2 link (doc 91022)
  weblogin   the web (QR code) login link (doc 98152)
  install    a third-party app's install link (doc 90597)
  check      look at an existing link for mistakes

Each prints the exact URL on stdout and, on stderr, the warnings "url
check" gives for it: redirect_uri encoded twice or on another domain than
--trusted-domain, a missing #wechat_redirect, a state WeCom rejects, a
missing agentid, an unknown login type. Any warning exits 1 ("ok": false
with --json), as "url check" does. --agentid where WeCom's page has no
agentid (a third-party app's OAuth2 link, doc 91120; a ServiceApp web
login, doc 98152) is a usage error. Run "wecomkit url <subcommand> --help".
`
	if len(args) == 0 {
		return usagef("give a subcommand: authorize, weblogin, install or check")
	}
	switch args[0] {
	case "authorize":
		return runAuthorize(e, args[1:])
	case "weblogin":
		return runWebLogin(e, args[1:])
	case "install":
		return runInstall(e, args[1:])
	case "check":
		return runCheckLink(e, args[1:])
	case "-h", "-help", "--help", "help":
		fmt.Fprint(e.stdout, help)
		return errHelp
	}
	return usagef("unknown subcommand %q: authorize, weblogin, install or check", args[0])
}

// linkFlags are the flags every link builder has.
type linkFlags struct {
	redirect, state, trusted string
}

func (l *linkFlags) define(f *flags) {
	f.StringVar(&l.redirect, "redirect-uri", "", "where WeCom sends the user back, as is (it is encoded once here)")
	f.StringVar(&l.state, "state", "", "state returned with the code: a-z, A-Z, 0-9, at most 128 bytes")
	f.StringVar(&l.trusted, "trusted-domain", "", "the app's trusted domain (可信域名), to check redirect_uri against")
}

func runAuthorize(e *env, args []string) error {
	f := newFlags(e, "url authorize", "wecomkit url authorize --appid ID --redirect-uri URI [flags]",
		`Builds the OAuth2 link that opens a page inside the WeCom client (doc 91022):
https://open.weixin.qq.com/connect/oauth2/authorize?appid=…&redirect_uri=…&response_type=code&scope=…&state=…&agentid=…#wechat_redirect
appid is the corp id, or the suite id of a third-party app (--third-party:
its link takes no agentid, doc 91120, so --agentid is refused).
snsapi_privateinfo (--scope privateinfo) of a corp link needs --agentid.
Exits 1, after the link and its warnings, when "url check" would.`,
		`wecomkit url authorize --appid ww86331f9cf933b4b8 --agentid 1000002 --scope privateinfo \
    --redirect-uri 'https://yesfp.yonyoucloud.com/invoice' --state S1 --trusted-domain yesfp.yonyoucloud.com`)
	var lf linkFlags
	var appID, scope string
	var agentID int64
	var thirdParty bool
	lf.define(f)
	f.StringVar(&appID, "appid", "", "the corp id, or a third-party app's suite id")
	f.StringVar(&scope, "scope", "base", "base (snsapi_base) or privateinfo (snsapi_privateinfo)")
	f.Int64Var(&agentID, "agentid", 0, "the app's agentid")
	f.BoolVar(&thirdParty, "third-party", false, "a third-party app's link: appid is the suite id, no agentid")
	if _, err := parseNoArgs(f, args); err != nil {
		return err
	}
	if appID == "" || lf.redirect == "" {
		return usagef("--appid and --redirect-uri are required")
	}
	if thirdParty && f.isSet("agentid") {
		return usagef("--agentid does not belong to a third-party app's link: appid is the suite id and WeCom's link takes no agentid (doc 91120); drop --agentid, or --third-party for the corp's own link")
	}
	var opts []oauth.URLOption
	switch scope {
	case "base", oauth.ScopeBase:
		if agentID != 0 {
			opts = append(opts, oauth.WithAgentID(agentID))
		}
	case "privateinfo", oauth.ScopePrivateInfo:
		opts = append(opts, oauth.WithPrivateInfo(agentID))
	default:
		return usagef("--scope must be base or privateinfo, not %q", scope)
	}
	link := oauth.AuthorizeURL(appID, lf.redirect, lf.state, opts...)
	return printLink(f, link, oauth.CheckOptions{TrustedDomain: lf.trusted, ThirdParty: thirdParty})
}

func runWebLogin(e *env, args []string) error {
	f := newFlags(e, "url weblogin", "wecomkit url weblogin --appid ID [--agentid N] --redirect-uri URI [flags]",
		`Builds the web (QR code) login link (doc 98152):
https://login.work.weixin.qq.com/wwlogin/sso/login?login_type=…&appid=…&agentid=…&redirect_uri=…&state=…&lang=…
CorpApp (the default): appid is the corp id and --agentid the app's.
ServiceApp: appid is the login suite id and WeCom's link takes no agentid
(doc 98152: agentid only when login_type=CorpApp), so --agentid is refused.
No #wechat_redirect on this link. Exits 1, after the link and its warnings,
when "url check" would.`,
		`wecomkit url weblogin --appid ww86331f9cf933b4b8 --agentid 1000002 --redirect-uri 'https://app.example.com/login' --state S1`)
	var lf linkFlags
	var appID, loginType, lang string
	var agentID int64
	lf.define(f)
	f.StringVar(&appID, "appid", "", "the corp id (CorpApp) or the login suite id (ServiceApp)")
	f.StringVar(&loginType, "login-type", string(oauth.CorpApp), "CorpApp or ServiceApp")
	f.Int64Var(&agentID, "agentid", 0, "the app's agentid (CorpApp only)")
	f.StringVar(&lang, "lang", "", "the page's language: zh or en")
	if _, err := parseNoArgs(f, args); err != nil {
		return err
	}
	if appID == "" || lf.redirect == "" {
		return usagef("--appid and --redirect-uri are required")
	}
	if oauth.LoginType(loginType) == oauth.ServiceApp && f.isSet("agentid") {
		return usagef("--agentid does not belong to a ServiceApp web login: appid is the login suite id and WeCom's link takes agentid only when login_type=CorpApp (doc 98152); drop --agentid, or use --login-type CorpApp")
	}
	var opts []oauth.URLOption
	if lang != "" {
		opts = append(opts, oauth.WithLang(lang))
	}
	link := oauth.WebLoginURL(oauth.LoginType(loginType), appID, agentID, lf.redirect, lf.state, opts...)
	return printLink(f, link, oauth.CheckOptions{TrustedDomain: lf.trusted})
}

func runInstall(e *env, args []string) error {
	f := newFlags(e, "url install", "wecomkit url install --suite-id ID --pre-auth-code CODE --redirect-uri URI [flags]",
		`Builds a third-party app's install link (doc 90597):
https://open.work.weixin.qq.com/3rdapp/install?suite_id=…&pre_auth_code=…&redirect_uri=…&state=…
The pre-auth code comes from service/get_pre_auth_code and lives 20 minutes.`,
		`WECOMKIT_PRE_AUTH_CODE=… wecomkit url install --suite-id wwc2ff8a9ac38b3fa4 --redirect-uri 'https://app.example.com/installed' --state S1`)
	var lf linkFlags
	var suiteID, preAuth string
	lf.define(f)
	f.StringVar(&suiteID, "suite-id", "", "the third-party app's suite id")
	f.secret(&preAuth, "pre-auth-code", "the pre-auth code")
	if _, err := parseNoArgs(f, args); err != nil {
		return err
	}
	if suiteID == "" || preAuth == "" || lf.redirect == "" {
		return usagef("--suite-id, --pre-auth-code (or $WECOMKIT_PRE_AUTH_CODE) and --redirect-uri are required")
	}
	link := oauth.InstallURL(suiteID, preAuth, lf.redirect, lf.state)
	return printLink(f, link, oauth.CheckOptions{TrustedDomain: lf.trusted})
}

func runCheckLink(e *env, args []string) error {
	f := newFlags(e, "url check", "wecomkit url check [--trusted-domain D] [--third-party] 'LINK'",
		`Looks at an existing login or install link — built by anyone — for the
mistakes that make WeCom refuse it (50001 and friends) or redirect wrongly.
Exits 1 when it finds any.`,
		`wecomkit url check --trusted-domain app.example.com \
    'https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww1&redirect_uri=https%253A%252F%252Fapp.example.com%252Fcb&response_type=code&scope=snsapi_base&state=S1'`)
	var trusted string
	var thirdParty bool
	f.StringVar(&trusted, "trusted-domain", "", "the app's trusted domain (可信域名), to check redirect_uri against")
	f.BoolVar(&thirdParty, "third-party", false, "a third-party app's OAuth2 link: appid is the suite id, no agentid")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("give one link, in single quotes")
	}
	kind, warnings, err := oauth.CheckLink(pos[0], oauth.CheckOptions{TrustedDomain: trusted, ThirdParty: thirdParty})
	if err != nil {
		return f.fail(err.Error(), nil)
	}
	if f.json {
		if err := printJSON(e.stdout, map[string]any{"ok": len(warnings) == 0, "kind": string(kind), "warnings": warningList(warnings)}); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "link: %s\n", kind)
		for _, w := range warnings {
			fmt.Fprintf(e.stdout, "warning: [%s] %s\n", w.Code, w.Message)
		}
		if len(warnings) == 0 {
			fmt.Fprintln(e.stdout, "ok: no common mistake found")
		}
	}
	if len(warnings) > 0 {
		return errReported
	}
	return nil
}

// parseNoArgs parses flags and refuses positional arguments.
func parseNoArgs(f *flags, args []string) ([]string, error) {
	pos, err := f.parse(args)
	if err == nil && len(pos) > 0 {
		return nil, usagef("unexpected argument: every value is a flag")
	}
	return pos, err
}

// printLink prints a built link and the warnings "url check" finds in it
// (oauth.CheckLink): with any, it fails (exit 1, "ok": false) as url check
// does, so that a link WeCom refuses is never reported as fine.
func printLink(f *flags, link string, opts oauth.CheckOptions) error {
	_, warnings, err := oauth.CheckLink(link, opts)
	if err != nil {
		return err // cannot happen: the link was built by oauth
	}
	if f.json {
		if err := printJSON(f.e.stdout, map[string]any{"ok": len(warnings) == 0, "url": link, "warnings": warningList(warnings)}); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(f.e.stdout, link)
		for _, w := range warnings {
			fmt.Fprintf(f.e.stderr, "warning: [%s] %s\n", w.Code, w.Message)
		}
	}
	if len(warnings) > 0 {
		return errReported
	}
	return nil
}

func warningList(ws []oauth.Warning) []map[string]string {
	out := []map[string]string{}
	for _, w := range ws {
		out = append(out, map[string]string{"code": string(w.Code), "message": w.Message})
	}
	return out
}
