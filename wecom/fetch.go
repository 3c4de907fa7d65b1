package wecom

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// The credential fetches. Each returns a [FetchFunc] for [NewCachedToken];
// none of them caches anything itself. WeCom answers all four with the
// credential and its expires_in; get_suite_token, get_provider_token and
// get_corp_token send an errcode only on failure ("没返回errcode视为调用成功").

// GetToken fetches a self-built app's access_token with its secret: GET
// /cgi-bin/gettoken (https://developer.work.weixin.qq.com/document/path/91039).
// A 代开发 (customised) app's corp token is fetched the same way, with the
// authorized corp's id and the permanent code as the secret
// (https://developer.work.weixin.qq.com/document/path/97164).
func (t *Transport) GetToken(corpID string, secret Secret) FetchFunc {
	return func(ctx context.Context) (string, time.Duration, error) {
		req := &Request{
			Method: http.MethodGet,
			Path:   "/cgi-bin/gettoken",
			Query:  url.Values{"corpid": {corpID}, "corpsecret": {secret.Reveal()}},
		}
		return t.fetchCredential(ctx, req, nil, AccessToken, secret.Reveal())
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
		body := map[string]string{"suite_id": suiteID, "suite_secret": suiteSecret.Reveal(), "suite_ticket": tk}
		return t.fetchCredential(ctx, postRead("/cgi-bin/service/get_suite_token", body), nil, SuiteAccessToken, suiteSecret.Reveal(), tk)
	}
}

// GetProviderToken fetches a service provider's provider_access_token: POST
// /cgi-bin/service/get_provider_token
// (https://developer.work.weixin.qq.com/document/path/91200).
func (t *Transport) GetProviderToken(providerCorpID string, providerSecret Secret) FetchFunc {
	return func(ctx context.Context) (string, time.Duration, error) {
		body := map[string]string{"corpid": providerCorpID, "provider_secret": providerSecret.Reveal()}
		return t.fetchCredential(ctx, postRead("/cgi-bin/service/get_provider_token", body), nil, ProviderAccessToken, providerSecret.Reveal())
	}
}

// GetCorpToken fetches an authorized corporation's access_token for a
// third-party app with that corporation's permanent code: POST
// /cgi-bin/service/get_corp_token
// (https://developer.work.weixin.qq.com/document/path/90605), authorized
// by the suite token from suite.
func (t *Transport) GetCorpToken(suite TokenSource, authCorpID string, permanentCode Secret) FetchFunc {
	cred := &credential{param: string(SuiteAccessToken), source: suite}
	return func(ctx context.Context) (string, time.Duration, error) {
		body := map[string]string{"auth_corpid": authCorpID, "permanent_code": permanentCode.Reveal()}
		return t.fetchCredential(ctx, postRead("/cgi-bin/service/get_corp_token", body), cred, AccessToken, permanentCode.Reveal())
	}
}

// postRead is a POST that only reads, so it may be repeated after a
// transport failure.
func postRead(path string, body any) *Request {
	return &Request{Method: http.MethodPost, Path: path, Body: body, Idempotent: true}
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

// fetchCredential runs one credential request (with cred's token, if any)
// and returns the credential of kind it answered and its lifetime.
func (t *Transport) fetchCredential(ctx context.Context, req *Request, cred *credential, kind TokenParam, secrets ...string) (string, time.Duration, error) {
	var out credentialAnswer
	if err := t.do(ctx, req, cred, &out, secrets...); err != nil {
		return "", 0, err
	}
	v := out.value(kind)
	if v == "" {
		return "", 0, fmt.Errorf("wecom: %s: response has no %s", req.Path, kind)
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
