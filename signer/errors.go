package signer

import "errors"

// Sentinel errors returned (possibly wrapped with detail) by [Verifier.Verify],
// [Verifier.VerifyRequest] and seen by a Middleware's onError. Compare with
// errors.Is. Their text never contains the secret or the expected signature.
//
// For the tax-cloud envelope: ErrMissingSignature and ErrBadSignature mean
// "signature missing or wrong", ErrExpired means "ts outside the allowed
// window", the others mean "a required parameter is missing or malformed".
var (
	// ErrMissingSignature: the sign parameter is absent or empty.
	ErrMissingSignature = errors.New("signer: missing signature (sign)")
	// ErrMissingTimestamp: the ts parameter is absent or empty.
	ErrMissingTimestamp = errors.New("signer: missing timestamp (ts)")
	// ErrDuplicateParam: sign, ts or a signed parameter appears more than once.
	ErrDuplicateParam = errors.New("signer: parameter given more than once")
	// ErrBadTimestamp: ts is not a base-10 integer number of seconds.
	ErrBadTimestamp = errors.New("signer: timestamp (ts) is not an integer number of seconds")
	// ErrExpired: ts is further than the window from the verifier's clock,
	// in the past or in the future.
	ErrExpired = errors.New("signer: timestamp (ts) outside the allowed window")
	// ErrBadSignature: sign is not 64 hex digits or does not match.
	ErrBadSignature = errors.New("signer: bad signature")
	// ErrMalformedQuery: the request's query string cannot be parsed
	// (bad percent-encoding, a semicolon, …). Only VerifyRequest and
	// Middleware return it; Verify receives already parsed values.
	ErrMalformedQuery = errors.New("signer: malformed query string")
)

// ErrEmptySecret is returned by [NewVerifier] for an empty secret.
var ErrEmptySecret = errors.New("signer: empty secret")
