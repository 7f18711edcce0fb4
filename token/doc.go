// Package token issues and verifies the JSON Web Tokens that protect Latch
// APIs, and any other Go service's. It imports only the standard library.
//
// # Safe usage
//
// Verify every request with a Verifier built once at start-up, and take the
// user id from the verified Claims, never from the unverified token:
//
//	v, err := token.NewHS256([][]byte{secret}) // secret: at least 32 bytes
//	if err != nil {
//		log.Fatal(err) // e.g. a short secret
//	}
//	claims, err := v.Verify(ctx, tok)
//	if err != nil {
//		// Reject; do not tell the client which check failed.
//	}
//	userID := claims.Subject
//
// Package tokenhttp wraps this in net/http middleware (Require, Optional)
// that reads "Authorization: Bearer <token>" and answers 401 the RFC 6750
// way.
//
// Tokens signed by the latch server carry iss (the origin of
// BETTER_AUTH_URL) and aud only when LATCH_JWT_AUDIENCE is set, because
// PyJWT's jwt.decode without audience= refuses any token with aud.
// Verifiers check iss and aud only when asked with RequireIssuer and
// RequireAudience, so that tokens made the way the FastAPI examples make
// them (no iss, no aud, "sub": 123) verify too. Turn them on when you can.
//
// # What verification checks
//
//   - The token is at most MaxTokenSize (8 KiB), checked before any
//     decoding, and is a compact JWS: three segments of canonical,
//     unpadded base64url.
//   - The header is a JSON object whose alg is the verifier's algorithm.
//     HS256 accepts only "HS256"; a KeySetVerifier accepts only the alg of
//     the key selected by kid. "none" in any spelling, HS384/HS512, or an
//     asymmetric alg with an HMAC signature all fail with ErrAlgorithm. A
//     crit header fails (no extension is understood); typ, when present,
//     must be "JWT" (see WithTypes).
//   - The signature, compared in constant time (hmac.Equal), before the
//     payload is even decoded.
//   - The payload is a JSON object with no duplicate claim names (also not
//     up to case folding, which encoding/json would otherwise merge); exp is
//     required and must not have passed, nbf and iat must not lie in the
//     future, each with the leeway (DefaultLeeway, 30 s); sub is required,
//     as a non-empty string or a non-negative integer that fits in int64
//     (floats and exponents are rejected), and is exposed as a string;
//     email, sid and iss must be strings and aud a string or array of
//     at most 16 strings (null counts as absent for these optional claims).
//     Header and payload must be valid UTF-8 and RFC 8259 JSON, nested at
//     most 32 deep.
//
// Errors wrap the sentinels ErrMalformed, ErrAlgorithm, ErrSignature,
// ErrUnknownKey, ErrExpired, ErrNotYetValid, ErrClaims or ErrUnavailable;
// branch with errors.Is.
//
// # Speed
//
// HS256.Verify allocates only the returned strings (two allocations for a
// typical token) and reuses pooled, pre-keyed HMAC states; it runs several
// times faster than github.com/golang-jwt/jwt/v5 on the same token. See
// bench_test.go.
//
// # Better Auth JWKS tokens
//
// Better Auth's jwt plugin signs with an asymmetric key (EdDSA by default)
// published as a JWKS. Parse it with ParseJWKS and verify with
// NewKeySetVerifier, or let tokenhttp.NewRemoteJWKS fetch and cache it.
package token
