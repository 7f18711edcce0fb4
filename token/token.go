// Package token issues and verifies the JSON Web Tokens that Latch hands to
// backend services. (STUB: the token helper replaces this file.)
package token

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors.
var (
	ErrMalformed   = errors.New("token: malformed")
	ErrSignature   = errors.New("token: invalid signature")
	ErrExpired     = errors.New("token: expired")
	ErrNotYetValid = errors.New("token: not yet valid")
	ErrClaims      = errors.New("token: invalid claims")
)

// Claims are the verified claims of a token.
type Claims struct {
	Subject   string
	Email     string
	SessionID string
	Issuer    string
	Audience  []string
	IssuedAt  time.Time
	ExpiresAt time.Time
	NotBefore time.Time
}

// Verifier verifies a compact JWS and returns its claims.
type Verifier interface {
	Verify(ctx context.Context, token string) (Claims, error)
}

// Option configures an HS256.
type Option func(*HS256)

// HS256 signs and verifies HS256 tokens.
type HS256 struct{}

// NewHS256 returns an HS256 whose first secret signs and all verify.
func NewHS256(secrets [][]byte, opts ...Option) (*HS256, error) { return &HS256{}, nil }

// Sign issues a token.
func (k *HS256) Sign(c Claims) (string, error) { return "", errors.New("stub") }

// Verify verifies a token.
func (k *HS256) Verify(ctx context.Context, tok string) (Claims, error) {
	return Claims{}, ErrMalformed
}

func WithTTL(d time.Duration) Option        { return func(*HS256) {} }
func WithLeeway(d time.Duration) Option     { return func(*HS256) {} }
func WithIssuer(iss string) Option          { return func(*HS256) {} }
func WithAudience(aud ...string) Option     { return func(*HS256) {} }
func RequireIssuer(iss ...string) Option    { return func(*HS256) {} }
func RequireAudience(aud ...string) Option  { return func(*HS256) {} }
func WithClock(now func() time.Time) Option { return func(*HS256) {} }
