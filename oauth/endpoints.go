package oauth

import (
	"net/http"

	"github.com/wecomkit/wecomkit/wecom"
)

// The WeCom endpoints this package declares, one declaration each. It
// also reads members with GET /cgi-bin/user/get, through package
// contact's declaration of it (contact.Client.UserInto): every path is
// declared once in the module.

var authGetUserInfo = &wecom.Endpoint[wecom.CorpToken, userInfoRequest, UserInfo]{
	Method: http.MethodGet, Path: "/cgi-bin/auth/getuserinfo", Doc: 91023,
	SingleUse: true, // a lost answer must not be retried into a 40029
	Entry:     "oauth.Client.UserInfo, oauth.Client.Identify",
}

var authGetUserDetail = &wecom.Endpoint[wecom.CorpToken, *userDetailRequest, UserDetail]{
	Method: http.MethodPost, Path: "/cgi-bin/auth/getuserdetail", Doc: 95833,
	Idempotent: true, // a read; repeating it is harmless
	Entry:      "oauth.Client.UserDetail, oauth.Client.Identify",
}

// Endpoints describes the WeCom endpoints this package calls, for coverage
// reports and fakes (wecomtest checks every call against them). user/get,
// which [Client.User] calls too, is declared by package contact and listed
// by contact.Endpoints, not here: a path is described once.
func Endpoints() []wecom.EndpointInfo {
	return []wecom.EndpointInfo{authGetUserInfo.Info(), authGetUserDetail.Info()}
}

type userInfoRequest struct {
	Code string `json:"-" query:"code" wecom:"secret,required"`
}

type userDetailRequest struct {
	UserTicket string `json:"user_ticket" wecom:"secret,required"`
}
