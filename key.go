package latch

import (
	"context"
	"time"
)

// JWK is one signing key pair as Better Auth's jwt plugin stores it in the
// jwks table, so that Latch and Better Auth on one database share keys.
type JWK struct {
	ID string
	// PublicKey is the public JWK as JSON (no kid: the row id is the kid).
	PublicKey string
	// PrivateKey is the private JWK as JSON, encrypted with the secret the
	// way Better Auth does it; never sent, logged or shown.
	PrivateKey string
	CreatedAt  time.Time
	// ExpiresAt, when set, ends the key's use for signing; it is published
	// in the JWKS for a grace period after.
	ExpiresAt time.Time
	// Alg and Crv name the algorithm ("EdDSA", "ES256", "RS256") and curve.
	Alg, Crv string
}

// KeyStore persists JWT signing keys.
type KeyStore interface {
	// JWKs returns every stored key, oldest first.
	JWKs(ctx context.Context) ([]JWK, error)
	// CreateJWK inserts k; ErrConflict when the id exists.
	CreateJWK(ctx context.Context, k *JWK) error
	// ExpireJWKs sets expiresAt to at on every key other than keep that
	// has no expiry or a later one.
	ExpireJWKs(ctx context.Context, keep string, at time.Time) error
	// DeleteJWKsExpiredBefore removes the keys whose expiry is before t.
	DeleteJWKsExpiredBefore(ctx context.Context, t time.Time) (int, error)
}
