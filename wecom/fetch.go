package wecom

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// The credential fetches. Each returns a [FetchFunc] for [NewCachedToken];
// none of them caches anything itself. WeCom answers all four with the
// credential and its expires_in; get_suite_token, get_provider_token and
// get_corp_token send an errcode only on failure ("没返回errcode视为调用成功").

// The credential fetches, declared like every other endpoint.
var (
	getToken = &Endpoint[NoToken, getTokenRequest, credentialAnswer]{
		Method: http.MethodGet, Path: "/cgi-bin/gettoken", Doc: 91039,
		Entry: "wecom.New, wecom.Transport.GetToken",
	}
	getSuiteToken = &Endpoint[NoToken, getSuiteTokenRequest, credentialAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/service/get_suite_token", Doc: 90600, Idempotent: true,
		Entry: "wecom.Transport.GetSuiteToken",
	}
	getProviderToken = &Endpoint[NoToken, getProviderTokenRequest, credentialAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/service/get_provider_token", Doc: 91200, Idempotent: true,
		Entry: "wecom.Transport.GetProviderToken",
	}
	getCorpToken = &Endpoint[SuiteToken, getCorpTokenRequest, credentialAnswer]{
		Method: http.MethodPost, Path: "/cgi-bin/service/get_corp_token", Doc: 90605, Idempotent: true,
		Entry: "wecom.Transport.GetCorpToken",
	}
)

type getTokenRequest struct {
	CorpID     string `json:"-" query:"corpid" wecom:"required"`
	CorpSecret string `json:"-" query:"corpsecret" wecom:"required,secret"`
}

type getSuiteTokenRequest struct {
	SuiteID     string `json:"suite_id" wecom:"required"`
	SuiteSecret string `json:"suite_secret" wecom:"required,secret"`
	SuiteTicket string `json:"suite_ticket" wecom:"required,secret"`
}

type getProviderTokenRequest struct {
	CorpID         string `json:"corpid" wecom:"required"`
	ProviderSecret string `json:"provider_secret" wecom:"required,secret"`
}

type getCorpTokenRequest struct {
	AuthCorpID    string `json:"auth_corpid" wecom:"required"`
	PermanentCode string `json:"permanent_code" wecom:"required,secret"`
}

// Endpoints describes the WeCom endpoints this package calls — the
// credential fetches — for coverage reports and fakes (wecomtest checks
// every call against the declarations).
func Endpoints() []EndpointInfo {
	return []EndpointInfo{getToken.Info(), getSuiteToken.Info(), getProviderToken.Info(), getCorpToken.Info()}
}

// GetToken fetches a self-built app's access_token with its secret: GET
// /cgi-bin/gettoken (https://developer.work.weixin.qq.com/document/path/91039).
// A 代开发 (customised) app's corp token is fetched the same way, with the
// authorized corp's id and the permanent code as the secret
// (https://developer.work.weixin.qq.com/document/path/97164).
func (t *Transport) GetToken(corpID string, secret Secret) FetchFunc {
	return func(ctx context.Context) (string, time.Duration, error) {
		out, err := getToken.Call(ctx, t.Caller(), getTokenRequest{CorpID: corpID, CorpSecret: secret.Reveal()})
		return credentialOf(getToken.Path, out, err, AccessToken)
	}
}

// GetSuiteToken fetches a third-party app's suite_access_token: POST
// /cgi-bin/service/get_suite_token
// (https://developer.work.weixin.qq.com/document/path/90600). ticket
// returns the newest suite_ticket WeCom pushed; its error is returned as it
// is, so a caller can tell "no ticket yet" from a failed call.
func (t *Transport) GetSuiteToken(suiteID string, suiteSecret Secret, ticket func(context.Context) (string, error)) FetchFunc {
	return func(ctx context.Context) (string, time.Duration, error) {
		tk, err := ticket(ctx)
		if err != nil {
			return "", 0, err
		}
		out, err := getSuiteToken.Call(ctx, t.Caller(), getSuiteTokenRequest{SuiteID: suiteID, SuiteSecret: suiteSecret.Reveal(), SuiteTicket: tk})
		return credentialOf(getSuiteToken.Path, out, err, SuiteAccessToken)
	}
}

// GetProviderToken fetches a service provider's provider_access_token: POST
// /cgi-bin/service/get_provider_token
// (https://developer.work.weixin.qq.com/document/path/91200).
func (t *Transport) GetProviderToken(providerCorpID string, providerSecret Secret) FetchFunc {
	return func(ctx context.Context) (string, time.Duration, error) {
		out, err := getProviderToken.Call(ctx, t.Caller(), getProviderTokenRequest{CorpID: providerCorpID, ProviderSecret: providerSecret.Reveal()})
		return credentialOf(getProviderToken.Path, out, err, ProviderAccessToken)
	}
}

// GetCorpToken fetches an authorized corporation's access_token for a
// third-party app with that corporation's permanent code: POST
// /cgi-bin/service/get_corp_token
// (https://developer.work.weixin.qq.com/document/path/90605), authorized
// by the suite token from suite.
func (t *Transport) GetCorpToken(suite TokenSource, authCorpID string, permanentCode Secret) FetchFunc {
	caller := NewCaller[SuiteToken](t, suite)
	return func(ctx context.Context) (string, time.Duration, error) {
		out, err := getCorpToken.Call(ctx, caller, getCorpTokenRequest{AuthCorpID: authCorpID, PermanentCode: permanentCode.Reveal()})
		return credentialOf(getCorpToken.Path, out, err, AccessToken)
	}
}

// credentialAnswer is every credential fetch's answer: the credential under
// its kind's name, and its lifetime.
type credentialAnswer struct {
	AccessToken         string `json:"access_token"`
	SuiteAccessToken    string `json:"suite_access_token"`
	ProviderAccessToken string `json:"provider_access_token"`
	ExpiresIn           int64  `json:"expires_in"`
}

func (a *credentialAnswer) value(kind TokenParam) string {
	switch kind {
	case SuiteAccessToken:
		return a.SuiteAccessToken
	case ProviderAccessToken:
		return a.ProviderAccessToken
	}
	return a.AccessToken
}

// credentialOf returns the credential of kind a fetch answered and its
// lifetime.
func credentialOf(path string, out *credentialAnswer, err error, kind TokenParam) (string, time.Duration, error) {
	if err != nil {
		return "", 0, err
	}
	v := out.value(kind)
	if v == "" {
		return "", 0, fmt.Errorf("wecom: %s: response has no %s", path, kind)
	}
	return v, ExpiresIn(out.ExpiresIn), nil
}

// ExpiresIn turns the expires_in of a WeCom credential response into a
// lifetime for a [FetchFunc], assuming the documented 7200 s when it is
// missing or nonsensical.
func ExpiresIn(seconds int64) time.Duration {
	if seconds <= 0 || seconds > 30*86400 {
		return 7200 * time.Second
	}
	return time.Duration(seconds) * time.Second
}
