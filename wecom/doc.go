// Package wecom is the core of wecomkit: a [Client] for one WeCom (企业微信)
// app in one corporation, and the token machinery every other package
// builds on.
//
// # Tokens
//
// Every credential WeCom issues — access_token, suite_access_token,
// provider_access_token, jsapi tickets — is fetched from WeCom, valid about
// 7200 s, and may be revoked early. [NewCachedToken] caches any of them
// correctly: an allocation-free hot path, one fetch for any number of
// concurrent callers, a background refresh before expiry, and, with
// [WithStore], one token shared by every process (see store/redisstore).
//
// # Calls
//
// [Client.Get], [Client.Post] and [Client.Do] add the access token, decode
// errcode/errmsg into [*APIError], and follow WeCom's retry advice (doc
// 90313): a rejected token is replaced and the call repeated once; "system
// busy" (-1) and transport failures of idempotent requests are retried up
// to three times with jittered backoff; rate limits (45009, 45033) and all
// other errors are returned at once.
//
//	client, err := wecom.New(corpID, secret, wecom.WithAgentID(1000002))
//	if err != nil { … }
//	var user struct{ Name string `json:"name"` }
//	err = client.Get(ctx, "/cgi-bin/user/get", url.Values{"userid": {"zhangsan"}}, &user)
//
// Secrets and tokens never appear in errors or logs. Tests point the client
// at wecomtest with [WithBaseURL].
package wecom
