package oauth

// InstallEndpoint is the page on which an administrator installs
// (authorizes) a third-party app from the provider's own site (doc 90597,
// https://developer.work.weixin.qq.com/document/path/90597).
const InstallEndpoint = "https://open.work.weixin.qq.com/3rdapp/install"

// InstallURL returns the link that lets an administrator install a
// third-party app (doc 90597):
//
//	https://open.work.weixin.qq.com/3rdapp/install?suite_id=SUITE_ID&pre_auth_code=PRE_AUTH_CODE&redirect_uri=…&state=STATE
//
// preAuthCode comes from the suite's service/get_pre_auth_code (it lives
// 20 minutes, one per link). After the install WeCom redirects to
// redirectURI with ?auth_code=…&state=…. redirectURI is encoded exactly
// once here; state must be at most 128 bytes of [A-Za-z0-9] ([CheckState]),
// and empty leaves it out. The link holds the pre-auth code: hand it only
// to the administrator it is meant for. Of the options only
// [WithInstallBase] applies.
func InstallURL(suiteID, preAuthCode, redirectURI, state string, opts ...URLOption) string {
	cfg := urlOptions(opts)
	var b urlBuilder
	b.start(endpoint(cfg.installBase, installPath, InstallEndpoint), 120+len(redirectURI))
	b.add("suite_id", suiteID)
	b.add("pre_auth_code", preAuthCode)
	b.add("redirect_uri", redirectURI)
	b.addOptional("state", state)
	return b.sb.String()
}
