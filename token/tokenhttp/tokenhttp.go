// Package tokenhttp protects net/http handlers with bearer tokens verified
// by package token.
//
// # Safe usage
//
// Wrap the handlers that need a user with Require, and read the verified
// claims from the request context:
//
//	v, err := token.NewHS256([][]byte{secret})
//	...
//	mux.Handle("GET /api/me", tokenhttp.Require(v)(http.HandlerFunc(me)))
//
//	func me(w http.ResponseWriter, r *http.Request) {
//		claims, _ := tokenhttp.FromContext(r.Context())
//		fmt.Fprintln(w, claims.Subject)
//	}
//
// The token is read only from one "Authorization: Bearer <token>" header
// (the scheme is case-insensitive), never from the query string or a
// cookie. A missing or rejected token gets 401 with WWW-Authenticate: Bearer
// (RFC 6750; error="invalid_token" when a token was sent) and a JSON body
// {"detail": "..."} that does not say which check failed; when the verifier
// cannot reach its keys (token.ErrUnavailable) the answer is 503 instead,
// with Retry-After: 5.
// Tokens are never logged. Optional lets requests without a bearer token
// (no Authorization header, or another scheme such as Basic) through as
// anonymous, but still rejects a bad bearer token.
//
// For Better Auth's JWKS-signed tokens, use NewRemoteJWKS as the verifier.
package tokenhttp

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/latchhq/latch/token"
)

// Errors returned by BearerToken.
var (
	// ErrNoToken means the request has no Authorization header, or one
	// with a scheme other than Bearer.
	ErrNoToken = errors.New("tokenhttp: no bearer token")
	// ErrBadHeader means the request has a Bearer Authorization header
	// that is malformed, or more than one Authorization header.
	ErrBadHeader = errors.New("tokenhttp: malformed Authorization header")
)

// Response details. They are the same whatever check failed.
const (
	DetailMissing     = "Not authenticated"
	DetailInvalid     = "Invalid or expired token"
	DetailUnavailable = "Authentication is temporarily unavailable"
)

type ctxKey struct{}

// FromContext returns the claims that Require or Optional verified for
// this request, and whether there are any.
func FromContext(ctx context.Context) (token.Claims, bool) {
	c, ok := ctx.Value(ctxKey{}).(*token.Claims)
	if !ok {
		return token.Claims{}, false
	}
	return *c, true
}

// NewContext returns a copy of ctx that carries c, as Require does. It is
// meant for tests of handlers that call FromContext.
func NewContext(ctx context.Context, c token.Claims) context.Context {
	return context.WithValue(ctx, ctxKey{}, &c)
}

// BearerToken returns the token from the request's Authorization header.
// It fails with ErrNoToken when there is no Authorization header or its
// scheme is not Bearer, and with ErrBadHeader when there are several
// Authorization headers or the Bearer credentials are not exactly one
// RFC 6750 b64token. The query string is never consulted.
func BearerToken(r *http.Request) (string, error) {
	vals := r.Header.Values("Authorization")
	switch len(vals) {
	case 0:
		return "", ErrNoToken
	case 1:
	default:
		return "", ErrBadHeader
	}
	return parseBearer(vals[0])
}

// parseBearer parses one Authorization header value. Anything that starts
// with "Bearer" (any case) is a bearer attempt and must be well formed.
func parseBearer(h string) (string, error) {
	h = strings.Trim(h, " \t")
	if len(h) < len("Bearer") || !strings.EqualFold(h[:len("Bearer")], "Bearer") {
		return "", ErrNoToken
	}
	rest := h[len("Bearer"):]
	if len(rest) < 2 || rest[0] != ' ' {
		return "", ErrBadHeader
	}
	tok := strings.TrimLeft(rest, " ")
	if len(tok) > token.MaxTokenSize || !isB64Token(tok) {
		return "", ErrBadHeader
	}
	return tok, nil
}

// isB64Token reports whether s matches RFC 6750's
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' {
			continue
		}
		break
	}
	if i == 0 {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return true
}

// Require returns middleware that lets a request through only with a valid
// bearer token, whose claims it puts in the request context (see
// FromContext). Otherwise it answers 401 (or 503 when the verifier's key
// source is unavailable) and does not call the next handler. It panics if
// v is nil, so that a wiring mistake cannot leave routes unprotected.
func Require(v token.Verifier) func(http.Handler) http.Handler {
	return middleware(v, false)
}

// Optional returns middleware like Require, except that a request with no
// Authorization header at all (or a non-Bearer one) goes through
// unauthenticated, with no claims in its context. A request that does send
// a bearer token must still send a valid one.
func Optional(v token.Verifier) func(http.Handler) http.Handler {
	return middleware(v, true)
}

func middleware(v token.Verifier, optional bool) func(http.Handler) http.Handler {
	if v == nil {
		panic("tokenhttp: nil Verifier")
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tok, err := BearerToken(r)
			if errors.Is(err, ErrNoToken) {
				if optional {
					next.ServeHTTP(w, r)
					return
				}
				deny(w, http.StatusUnauthorized, `Bearer`, DetailMissing)
				return
			}
			if err != nil {
				deny(w, http.StatusUnauthorized, `Bearer error="invalid_token"`, DetailInvalid)
				return
			}
			claims, err := v.Verify(r.Context(), tok)
			if err != nil {
				if errors.Is(err, token.ErrUnavailable) {
					w.Header().Set("Retry-After", "5")
					deny(w, http.StatusServiceUnavailable, "", DetailUnavailable)
					return
				}
				deny(w, http.StatusUnauthorized, `Bearer error="invalid_token"`, DetailInvalid)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, &claims)))
		})
	}
}

// deny writes an error response. detail is one of the constant details, so
// it needs no JSON escaping.
func deny(w http.ResponseWriter, status int, challenge, detail string) {
	h := w.Header()
	if challenge != "" {
		h.Set("WWW-Authenticate", challenge)
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"detail":"` + detail + `"}` + "\n"))
}
