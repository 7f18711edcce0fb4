package sqlutil

import (
	"context"

	"time"

	"github.com/latchhq/latch"
)

var _ latch.KeyStore = (*Store)(nil)

// JWKs implements latch.KeyStore.
func (s *Store) JWKs(ctx context.Context) ([]latch.JWK, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	rows, err := s.query(ctx, s.r, `SELECT "id", "publicKey", "privateKey", "createdAt", "expiresAt",
		COALESCE("alg", ''), COALESCE("crv", '') FROM "jwks" ORDER BY "createdAt", "id"`)
	if err != nil {
		return nil, s.Err("list jwks", err)
	}
	defer rows.Close()
	var out []latch.JWK
	for rows.Next() {
		var (
			k   latch.JWK
			cre Time
			exp NullTime
		)
		if err := rows.Scan(&k.ID, &k.PublicKey, &k.PrivateKey, &cre, &exp, &k.Alg, &k.Crv); err != nil {
			return nil, s.Err("list jwks", err)
		}
		k.CreatedAt, k.ExpiresAt = cre.T, exp.T
		out = append(out, k)
	}
	return out, s.Err("list jwks", rows.Err())
}

// CreateJWK implements latch.KeyStore. With serial ids an empty k.ID is
// assigned by the database (Better Auth's kid is then "1", "2", ...).
func (s *Store) CreateJWK(ctx context.Context, k *latch.JWK) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	k.CreatedAt = Norm(k.CreatedAt)
	var exp any
	if !k.ExpiresAt.IsZero() {
		k.ExpiresAt = Norm(k.ExpiresAt)
		exp = s.t(k.ExpiresAt)
	}
	err := s.insertRow(ctx, s.w, "jwks", []string{`"publicKey"`, `"privateKey"`, `"createdAt"`, `"expiresAt"`, `"alg"`, `"crv"`},
		[]any{k.PublicKey, k.PrivateKey, s.t(k.CreatedAt), exp, nullable(k.Alg), nullable(k.Crv)}, &k.ID)
	return s.Err("create jwk", err)
}

// ExpireJWKs implements latch.KeyStore.
func (s *Store) ExpireJWKs(ctx context.Context, keep string, at time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	t := s.t(at)
	arg, ok := s.idArg(keep)
	if !ok {
		// No key has that id: every key expires.
		_, err := s.exec(ctx, s.w, s.q(`UPDATE "jwks" SET "expiresAt" = ?
			WHERE "expiresAt" IS NULL OR "expiresAt" > ?`), t, t)
		return s.Err("expire jwks", err)
	}
	_, err := s.exec(ctx, s.w, s.q(`UPDATE "jwks" SET "expiresAt" = ?
		WHERE "id" <> ? AND ("expiresAt" IS NULL OR "expiresAt" > ?)`), t, arg, t)
	return s.Err("expire jwks", err)
}

// DeleteJWKsExpiredBefore implements latch.KeyStore.
func (s *Store) DeleteJWKsExpiredBefore(ctx context.Context, t time.Time) (int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	res, err := s.exec(ctx, s.w, s.q(`DELETE FROM "jwks" WHERE "expiresAt" IS NOT NULL AND "expiresAt" < ?`), s.t(t))
	if err != nil {
		return 0, s.Err("delete jwks", err)
	}
	n, err := res.RowsAffected()
	return int(n), s.Err("delete jwks", err)
}

// nullable binds "" as NULL.
func nullable(v string) any {
	if v == "" {
		return nil
	}
	return v
}
