// Package signer signs and verifies the requests the Yonyou tax cloud sends to a
// company's WeCom bridge (GET /userinfo and GET /js-sdk, see the bridge's
// CONTRACT.md, "Request signature"), and it signs such requests for callers and tests.
//
//	v, err := signer.NewVerifier(os.Getenv("TAXCLOUD_SIGN_SECRET")) // an empty secret is an error
//	http.Handle("/userinfo", v.Middleware(userinfo,
//		signer.OnError(answerError), // how a refusal is answered
//		signer.OnVerified(func(r *http.Request, f signer.Form) { log.Println("signed over", f) })))
//
//	// A caller (or a test) signs a request:
//	q := signer.SignQuery(url.Values{"appid": {corpID}, "code": {code}}, secret, time.Now())
//	resp, err := http.Get("https://bridge.example.com/userinfo?" + q.Encode())
//
// # Algorithm
//
// Both sides agree on a secret (the tax cloud calls it appsecret, e.g. "pwd"). The
// parameters to sign — by default every query parameter except sign — are
// sorted by name in byte order; parameters with an empty value are skipped;
// the rest are joined as k1=v1&k2=v2 with their decoded values; "#" and the
// secret are appended; the signature is the lowercase hex SHA-256 of that
// string. The tax cloud's own worked example:
//
//	string to sign: appid=xxx&ts=241321#pwd
//	sign:           b59fb1656fca40b1caa9f43720bd7de7faf1bdad03b225454c132526da191920
//
// ts is Unix time in seconds and must lie within ±[DefaultWindow] (300 s) of
// the verifier's clock, so that a captured URL stops working soon;
// [WithWindow] sets another window.
//
// # Which parameters are signed
//
// The tax cloud signs "all parameters to sign" but its only example covers appid and
// ts alone. A [Verifier] therefore accepts, by default, a signature over every
// parameter except sign OR a signature over exactly appid and ts. The second
// form leaves the other parameters (code, pageUrl) unprotected; once the tax
// cloud is known to sign everything, use [Strict]. [WithFields] names the exact
// list instead.
//
// # Verification order
//
// [Verifier.Verify] checks, and reports the first failure as an error that
// matches one sentinel with errors.Is:
//
//  1. sign absent or empty: [ErrMissingSignature]
//  2. ts absent or empty: [ErrMissingTimestamp]
//  3. sign, ts or another signed parameter given more than once: [ErrDuplicateParam]
//  4. ts not a base-10 integer (strconv.ParseInt: optional sign, digits only): [ErrBadTimestamp]
//  5. ts outside the window, in the past or in the future: [ErrExpired]
//  6. sign not 64 hex digits, or not the signature of an accepted parameter set: [ErrBadSignature]
//
// [Verifier.VerifyRequest] and [Verifier.Middleware] first reject a query
// string that does not parse ([ErrMalformedQuery]).
//
// The client's sign is accepted in lowercase or uppercase hex (the spec says
// lowercase; hex case carries no information, so refusing uppercase would only
// make integration harder). Signatures are compared in constant time. No error
// ever contains the secret or the expected signature.
//
// [Verifier.Match] tells which parameter set a signature covered;
// [WithQueryParser] verifies the values your own parser returned, so a
// query is parsed once; [Verifier.Explain] says why a request was refused
// (as `wecomkit verify` does). Verify costs about 0.75 µs and no
// allocation.
//
// The package imports only the standard library, so it can be copied on its own.
package signer
