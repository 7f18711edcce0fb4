package token

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error returned by a verifier wraps exactly one of
// ErrMalformed, ErrAlgorithm, ErrSignature, ErrUnknownKey, ErrExpired,
// ErrNotYetValid, ErrClaims or ErrUnavailable, so callers can branch with
// errors.Is. The messages are meant for logs and tests; never show them to
// the client that sent the token (see package tokenhttp, which does not).
var (
	// ErrMalformed means the token is not a well-formed compact JWS with a
	// JSON header and payload: wrong number of segments, non-canonical
	// base64url, invalid JSON, duplicate claims, an unsupported critical
	// header, and so on.
	ErrMalformed = errors.New("token: malformed")

	// ErrTooLarge means the token is longer than MaxTokenSize. It wraps
	// ErrMalformed. No decoding work is done on such a token.
	ErrTooLarge = fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxTokenSize)

	// ErrAlgorithm means the header names an algorithm other than the one
	// the verifier (or the selected key) is pinned to, including "none".
	ErrAlgorithm = errors.New("token: algorithm not allowed")

	// ErrSignature means the signature does not match any configured key.
	ErrSignature = errors.New("token: invalid signature")

	// ErrUnknownKey means a key-set verifier has no key for the token's kid.
	ErrUnknownKey = errors.New("token: unknown key id")

	// ErrExpired means the exp claim is in the past (beyond the leeway).
	ErrExpired = errors.New("token: expired")

	// ErrNotYetValid means nbf, or iat, is in the future (beyond the leeway).
	ErrNotYetValid = errors.New("token: not yet valid")

	// ErrClaims means a claim is missing, of the wrong type or out of range
	// (no exp, no sub, sub a float, wrong iss or aud, ...).
	ErrClaims = errors.New("token: invalid claims")

	// ErrUnavailable means the verifier could not reach its key source (for
	// example a remote JWKS endpoint). It says nothing about the token;
	// HTTP glue should answer 503, not 401.
	ErrUnavailable = errors.New("token: key source unavailable")

	// ErrConfig is returned by constructors for invalid settings, such as a
	// secret shorter than MinSecretSize.
	ErrConfig = errors.New("token: invalid configuration")
)

// Pre-built errors keep the rejection path free of allocations.
var (
	errSegments   = fmt.Errorf("%w: want three dot-separated segments", ErrMalformed)
	errBase64     = fmt.Errorf("%w: invalid or non-canonical base64url", ErrMalformed)
	errHeaderJSON = fmt.Errorf("%w: header is not a valid JSON object", ErrMalformed)
	errClaimsJSON = fmt.Errorf("%w: payload is not a valid JSON object", ErrMalformed)
	errDuplicate  = fmt.Errorf("%w: duplicate or ambiguous parameter", ErrMalformed)
	errCrit       = fmt.Errorf("%w: unsupported critical header parameter", ErrMalformed)
	errTyp        = fmt.Errorf("%w: unexpected typ header", ErrMalformed)
	errNoAlg      = fmt.Errorf("%w: header has no alg", ErrMalformed)
	errBadAlg     = fmt.Errorf("%w", ErrAlgorithm)
	errSigLen     = fmt.Errorf("%w: wrong length", ErrSignature)
	errNoExp      = fmt.Errorf("%w: exp is required", ErrClaims)
	errNoSub      = fmt.Errorf("%w: sub is required", ErrClaims)
	errSubType    = fmt.Errorf("%w: sub must be a string or a non-negative integer", ErrClaims)
	errTimeType   = fmt.Errorf("%w: exp, nbf and iat must be non-negative numbers without exponent", ErrClaims)
	errStrType    = fmt.Errorf("%w: email, sid and iss must be strings", ErrClaims)
	errAudType    = fmt.Errorf("%w: aud must be a string or an array of strings", ErrClaims)
	errIssuer     = fmt.Errorf("%w: issuer not accepted", ErrClaims)
	errAudience   = fmt.Errorf("%w: audience not accepted", ErrClaims)
	errFutureIat  = fmt.Errorf("%w: issued in the future", ErrNotYetValid)
)
