// Package tokenhttp protects net/http handlers with bearer tokens. (STUB)
package tokenhttp

import (
	"context"
	"net/http"

	"github.com/latchhq/latch/token"
)

// Require rejects requests without a valid bearer token.
func Require(v token.Verifier) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler { return h }
}

// Optional lets requests without a token through.
func Optional(v token.Verifier) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler { return h }
}

// FromContext returns the verified claims.
func FromContext(ctx context.Context) (token.Claims, bool) { return token.Claims{}, false }
