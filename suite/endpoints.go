package suite

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The WeCom endpoints package suite calls, declared once each. The
// credential fetches (get_suite_token, get_provider_token, get_corp_token)
// are package wecom's.

// Suite-token endpoints (/cgi-bin/service/…).
var (
	getPreAuthCode = &wecom.Endpoint[wecom.SuiteToken, struct{}, preAuthCodeAnswer]{
		Method: http.MethodGet, Path: "/cgi-bin/service/get_pre_auth_code", Doc: 90601,
		Entry: "suite.Suite.PreAuthCode, suite.Suite.InstallURL",
	}
	setSessionInfo = &wecom.Endpoint[wecom.SuiteToken, sessionInfoRequest, struct{}]{
		Method: http.MethodPost, Path: "/cgi-bin/service/set_session_info", Doc: 90602, Idempotent: true,
		Entry: "suite.Suite.SetSessionInfo, suite.Suite.InstallURL",
	}
	// getPermanentCodeV1 and getPermanentCodeV2 spend the auth code: never
	// repeated once the request may have reached WeCom.
	getPermanentCodeV1 = &wecom.Endpoint[wecom.SuiteToken, permanentCodeRequest, permanentCodeAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/service/get_permanent_code", Doc: 90603, SingleUse: true,
		Entry: "suite.Suite.Authorize, suite.Suite.CommandHandler (create_auth, reset_permanent_code) with WithPermanentCodeV1",
	}
	getPermanentCodeV2 = &wecom.Endpoint[wecom.SuiteToken, permanentCodeRequest, permanentCodeAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/service/v2/get_permanent_code", Doc: 100776, SingleUse: true,
		Entry: "suite.Suite.Authorize, suite.Suite.CommandHandler (create_auth, reset_permanent_code)",
	}
	getAuthInfoV1 = &wecom.Endpoint[wecom.SuiteToken, authInfoRequest, authInfoAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/service/get_auth_info", Doc: 90604, Idempotent: true,
		Entry: "suite.Suite.AuthInfo, suite.Suite.RefreshAuthInfo, installs (with WithPermanentCodeV1)",
	}
	getAuthInfoV2 = &wecom.Endpoint[wecom.SuiteToken, authInfoRequest, authInfoAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/service/v2/get_auth_info", Doc: 100795, Idempotent: true,
		Entry: "suite.Suite.AuthInfo, suite.Suite.RefreshAuthInfo, installs",
	}
	// getAppQRCode answers a file (result_type 1, WeCom's default) or JSON
	// (result_type 2), which the transport hands over as a JSON File.
	getAppQRCode = &wecom.Endpoint[wecom.SuiteToken, appQRCodeRequest, wecom.File]{
		Method: http.MethodPost, Path: "/cgi-bin/service/get_app_qrcode", Doc: 95430, Idempotent: true,
		Entry: "suite.Suite.AppQRCodePNG, suite.Suite.AppQRCode",
	}
	getUserInfo3rd = &wecom.Endpoint[wecom.SuiteToken, userInfo3rdRequest, UserInfo3rd]{
		Method: http.MethodGet, Path: "/cgi-bin/service/auth/getuserinfo3rd", Doc: 91121, SingleUse: true,
		Entry: "suite.Suite.UserInfo3rd",
	}
	getUserDetail3rd = &wecom.Endpoint[wecom.SuiteToken, userDetail3rdRequest, UserDetail3rd]{
		Method: http.MethodPost, Path: "/cgi-bin/service/auth/getuserdetail3rd", Doc: 91122, Idempotent: true,
		Entry: "suite.Suite.UserDetail3rd",
	}
)

// Provider-token endpoints.
var (
	getCustomizedAuthURL = &wecom.Endpoint[wecom.ProviderToken, customizedAuthURLRequest, customizedAuthURLAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/service/get_customized_auth_url", Doc: 98744,
		Entry: "suite.Provider.CustomizedAuthURL, suite.Suite.CustomizedAuthURL",
	}
	// getLoginInfo takes the provider token under the name access_token.
	getLoginInfo = &wecom.Endpoint[wecom.ProviderToken, loginInfoRequest, LoginInfo]{
		Method: http.MethodPost, Path: "/cgi-bin/service/get_login_info", Doc: 91125, SingleUse: true,
		TokenParam: wecom.AccessToken, Entry: "suite.Provider.LoginInfo",
	}
	corpIDToOpenCorpID = &wecom.Endpoint[wecom.ProviderToken, openCorpIDRequest, openCorpIDAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/service/corpid_to_opencorpid", Doc: 95604, Idempotent: true,
		Entry: "suite.Provider.OpenCorpID",
	}
)

// Corp-token endpoints: an authorized corporation's token (or, for
// openuserid_to_userid, its self-built app's).
var (
	getAdminList = &wecom.Endpoint[wecom.CorpToken, adminListRequest, adminListAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/agent/get_admin_list", Doc: 100072, Idempotent: true,
		Entry: "suite.Suite.AdminList",
	}
	userIDToOpenUserID = &wecom.Endpoint[wecom.CorpToken, openUserIDsRequest, idConversionAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/batch/userid_to_openuserid", Doc: 97062, Idempotent: true,
		Entry: "suite.Suite.OpenUserIDs",
	}
	openUserIDToUserID = &wecom.Endpoint[wecom.CorpToken, userIDsRequest, idConversionAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/batch/openuserid_to_userid", Doc: 95884, Idempotent: true,
		Entry: "suite.UserIDs",
	}
)

// Endpoints describes the WeCom endpoints this package calls, for coverage reports and fakes (wecomtest checks every call against them).
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{
		getPreAuthCode.Info(),
		setSessionInfo.Info(),
		getPermanentCodeV1.Info(),
		getPermanentCodeV2.Info(),
		getAuthInfoV1.Info(),
		getAuthInfoV2.Info(),
		getAppQRCode.Info(),
		getUserInfo3rd.Info(),
		getUserDetail3rd.Info(),
		getCustomizedAuthURL.Info(),
		getLoginInfo.Info(),
		corpIDToOpenCorpID.Info(),
		getAdminList.Info(),
		userIDToOpenUserID.Info(),
		openUserIDToUserID.Info(),
	}
}

// Requests and answers.

type preAuthCodeAnswer struct {
	PreAuthCode string `json:"pre_auth_code"`
}

type sessionInfoRequest struct {
	PreAuthCode string      `json:"pre_auth_code" wecom:"required"`
	SessionInfo sessionInfo `json:"session_info"`
}

type sessionInfo struct {
	AuthType int `json:"auth_type"`
}

type permanentCodeRequest struct {
	AuthCode string `json:"auth_code" wecom:"required,secret"`
}

type authInfoRequest struct {
	AuthCorpID    string `json:"auth_corpid" wecom:"required"`
	PermanentCode string `json:"permanent_code" wecom:"required,secret"`
}

type appQRCodeRequest struct {
	SuiteID    string `json:"suite_id" wecom:"required"`
	State      string `json:"state,omitempty"`
	Style      int    `json:"style"`
	ResultType int    `json:"result_type"`
}

type appQRCodeAnswer struct {
	QRCode string `json:"qrcode"`
}

type userInfo3rdRequest struct {
	Code string `query:"code" wecom:"required,secret"`
}

type userDetail3rdRequest struct {
	UserTicket string `json:"user_ticket" wecom:"required,secret"`
}

type customizedAuthURLRequest struct {
	State       string   `json:"state"`
	TemplateIDs []string `json:"templateid_list" wecom:"required"`
}

type customizedAuthURLAnswer struct {
	QRCodeURL string `json:"qrcode_url"`
	ExpiresIn int64  `json:"expires_in"`
}

type loginInfoRequest struct {
	AuthCode string `json:"auth_code" wecom:"required,secret"`
}

type openCorpIDRequest struct {
	CorpID string `json:"corpid" wecom:"required"`
}

type openCorpIDAnswer struct {
	OpenCorpID string `json:"open_corpid"`
}

type adminListRequest struct {
	AgentID int64 `json:"agentid" wecom:"required"`
}

type adminListAnswer struct {
	Admin []Admin `json:"admin"`
}

type openUserIDsRequest struct {
	UserIDList []string `json:"userid_list" wecom:"required"`
}

type userIDsRequest struct {
	OpenUserIDList []string `json:"open_userid_list" wecom:"required"`
	SourceAgentID  int64    `json:"source_agentid" wecom:"required"`
}

// idConversionAnswer is the answer of both batch conversions: each fills
// its own list.
type idConversionAnswer struct {
	OpenUserIDList []idPair `json:"open_userid_list"`
	UserIDList     []idPair `json:"userid_list"`
}

type idPair struct {
	UserID     string `json:"userid"`
	OpenUserID string `json:"open_userid"`
}
