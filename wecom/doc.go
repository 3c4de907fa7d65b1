// Package wecom is the core of wecomkit: a [Client] for one WeCom (企业微信)
// credential — an app in one corporation, or a third-party suite or
// provider — and the token machinery every other package builds on.
//
//	client, err := wecom.New(corpID, secret, wecom.WithAgentID(1000002))
//	if err != nil {
//		return err
//	}
//	var user struct {
//		Name string `json:"name"`
//	}
//	err = client.Get(ctx, "/cgi-bin/user/get", url.Values{"userid": {"zhangsan"}}, &user)
//	var apiErr *wecom.APIError
//	if errors.As(err, &apiErr) {
//		log.Println(apiErr.Code, apiErr.Advice()) // WeCom's errcode, and what to do about it
//	}
//
// The domain packages (contact, message, media, oauth, jssdk …) take such a
// client; so does a third-party app's client for one corporation
// (suite.Suite.Corp). Tests point it at wecomtest with [WithBaseURL].
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
// A [Client] is a [Transport] — HTTP, size limits, errcode decoding, the
// retry policy and the scrubbing of secrets, knowing no corporation and no
// token — plus a corp id, a [TokenSource] and the name of the query
// parameter its token travels in ([AccessToken], [SuiteAccessToken],
// [ProviderAccessToken]). The credential fetches themselves
// ([Transport.GetToken], [Transport.GetSuiteToken],
// [Transport.GetProviderToken], [Transport.GetCorpToken]) are calls on the
// Transport, so every credential is fetched, decoded and retried alike.
// [New] builds a self-built app's client; [NewWithTokenSource] a client
// whose token comes from elsewhere; [NewServiceClient] a client for the
// service APIs; [WithTransport] lets many clients share one Transport.
//
// [Client.Get], [Client.Post] and [Client.Do] add the access token, decode
// errcode/errmsg into [*APIError], and follow WeCom's retry advice (doc
// 90313): a rejected token is replaced and the call repeated once; "system
// busy" (-1) and transport failures or 5xx answers of idempotent requests
// are retried up to three times with jittered backoff; rate limits (45009,
// 45033) and all other errors are returned at once. A rejected token
// (40014, 42001, 40001) is invalidated only while it is still the current
// one, so a slow caller cannot evict a fresh token. [Request.SingleUse]
// keeps a call that spends a one-time credential (an OAuth code) from being
// repeated after a lost answer. A missing errcode in an answer is success
// (get_corp_token and get_provider_token leave it out). [IsTokenInvalid]
// and [ErrorCode] help callers branch.
//
// [New] keys an app's token by (corpid, agentid), or by (corpid, a hash of
// the secret) without [WithAgentID] — never by the secret itself. Many
// clients can share one connection pool: [NewTransport], then
// [WithTransport]. The fetches [Transport.GetToken],
// [Transport.GetSuiteToken], [Transport.GetProviderToken] and
// [Transport.GetCorpToken] each return a [FetchFunc] for
// [NewCachedToken]; [Transport.Do] sends a call that takes no token.
//
// # Options
//
// [WithAgentID], [WithBaseURL], [WithHTTPClient] (never modified),
// [WithStore], [WithLogger], [WithClock], [WithRequestTimeout] (per
// attempt, default 15 s), [WithRetries] (default 3), [WithBackoff],
// [WithMaxResponseBytes] (default 16 MiB), [WithTokenOptions] (they reach
// every token the client caches, jssdk's tickets included: [WithFetchTimeout],
// [WithRefreshAfter], [WithRefreshRetry]), [WithTransport] and
// [WithCallHook], which sees every HTTP attempt — what a server's metrics
// are fed from.
//
// # Endpoints
//
// Every WeCom endpoint the SDK calls is declared once, as data: an
// [Endpoint] holds its whole path, its method, the kind of token it takes,
// its request and answer types, whether it may be repeated or spends a
// one-time credential, which request fields are secret or required
// (struct tags), and WeCom's doc page. One generic call runs any of them:
//
//	type getUser struct{ UserID string `json:"-" query:"userid" wecom:"required"` }
//	var userGet = &wecom.Endpoint[wecom.CorpToken, getUser, struct{ Name string }]{
//		Method: http.MethodGet, Path: "/cgi-bin/user/get", Doc: 90196, Entry: "main"}
//	corp, err := wecom.Bind[wecom.CorpToken](client)
//	u, err := userGet.Call(ctx, corp, getUser{UserID: "zhangsan"})
//
// The kind of token is a type parameter ([CorpToken], [SuiteToken],
// [ProviderToken], [NoToken]) of both the Endpoint and the [Caller] its
// Call takes, so a call that would send the wrong kind of token — WeCom's
// 41001, 40082 or 42009, a classic of third-party apps — does not compile.
// We chose the compile-time check over a run-time one because the mistake
// it prevents is made in code, by the SDK's authors as much as its users,
// and is otherwise found only against the real WeCom; it costs one type
// argument in each declaration and one [Bind] per client, where a
// [Client]'s kind (known only at run time) meets the typed world. Bind
// checks that once and, when the kinds differ, returns a
// [*TokenKindError] — which every call of that Caller also returns, before
// any request. The package's tests build a program that passes a
// corporation's Caller to a suite endpoint and require the compiler to
// refuse it.
//
// The same transport sends JSON, multipart uploads streamed from an
// io.Reader ([Upload]: never buffered, 20 MB with about 75 KB of heap) and
// receives files ([File], streamed); each Endpoint's
// [Endpoint.Info] feeds docs/api-coverage.md and wecomtest, which checks
// every call against the declarations as WeCom would. [Client.Get],
// [Client.Post] and [Client.Do] remain for endpoints not declared yet.
//
// Secrets and tokens never appear in errors or logs; hold them in a
// [Secret], which prints as "[redacted]" however it is formatted, logged or
// marshalled. [StaticToken] is a fixed [TokenSource]. When a call fails,
// [Diagnose] names the cause — WeCom's errcode with advice from the one errcode table
// ([LookupCode]), the token store, DNS, TLS, a refused connection, a
// timeout, a proxy's HTTP status — for start-up checks and operators;
// [APIError.Advice] says what to do about one error (naming, for 60020, the
// IP WeCom saw).
//
// # Cost
//
// A cached token is an atomic load on the hot path:
// BenchmarkAccessTokenParallel runs at about 2–4 ns with no allocation.
// How tokens are shared between processes, and what happens when the
// shared store fails, is in the repository's docs/many-instances.md.
package wecom
