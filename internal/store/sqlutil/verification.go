package sqlutil

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/latchhq/latch"
)

var _ latch.VerificationStore = (*Store)(nil)

const verificationCols = `"id", "identifier", "value", "expiresAt", "createdAt", "updatedAt"`

func scanVerification(r scanner) (*latch.Verification, error) {
	var (
		v             latch.Verification
		exp, cre, upd Time
	)
	if err := r.Scan(&v.ID, &v.Identifier, &v.Value, &exp, &cre, &upd); err != nil {
		return nil, err
	}
	v.ExpiresAt, v.CreatedAt, v.UpdatedAt = exp.T, cre.T, upd.T
	return &v, nil
}

// newestVerification is the query Better Auth's findVerificationValue
// runs: the newest row for an identifier.
const newestVerification = `SELECT ` + verificationCols + ` FROM "verification"
	WHERE "identifier" = ? ORDER BY "createdAt" DESC, "id" DESC LIMIT 1`

// CreateVerification implements latch.VerificationStore.
func (s *Store) CreateVerification(ctx context.Context, v *latch.Verification) error {
	if err := stamp(&v.CreatedAt, &v.UpdatedAt); err != nil {
		return s.Err("create verification", err)
	}
	v.ExpiresAt = Norm(v.ExpiresAt)
	err := s.insertRow(ctx, s.w, "verification", []string{`"identifier"`, `"value"`, `"expiresAt"`, `"createdAt"`, `"updatedAt"`},
		[]any{v.Identifier, v.Value, s.t(v.ExpiresAt), s.t(v.CreatedAt), s.t(v.UpdatedAt)}, &v.ID)
	return s.Err("create verification", err)
}

// VerificationByIdentifier implements latch.VerificationStore.
func (s *Store) VerificationByIdentifier(ctx context.Context, identifier string) (*latch.Verification, error) {
	v, err := scanVerification(s.queryRow(ctx, s.r, s.q(newestVerification), identifier))
	if err != nil {
		return nil, s.Err("verification by identifier", err)
	}
	return v, nil
}

// consume deletes the rows of identifier inside tx and returns the newest
// one, or ErrNotFound when another transaction deleted it first (the
// DELETE waits for that transaction and then finds nothing).
func (s *Store) consume(ctx context.Context, tx *sql.Tx, identifier string) (*latch.Verification, error) {
	v, err := scanVerification(tx.QueryRowContext(ctx, s.q(newestVerification), identifier))
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, s.q(`DELETE FROM "verification" WHERE "identifier" = ? RETURNING "id"`), identifier)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !slices.Contains(ids, v.ID) {
		return nil, latch.ErrNotFound
	}
	return v, nil
}

// ConsumeVerification implements latch.VerificationStore.
func (s *Store) ConsumeVerification(ctx context.Context, identifier string) (*latch.Verification, error) {
	var out *latch.Verification
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		v, err := s.consume(ctx, tx, identifier)
		out = v
		return err
	})
	if err != nil {
		return nil, s.Err("consume verification", err)
	}
	return out, nil
}

// errStale rolls back a reset whose row expired or names another user.
var errStale = errors.New("verification expired or for another user")

// ResetPassword implements latch.VerificationStore.
func (s *Store) ResetPassword(ctx context.Context, r latch.PasswordReset) ([]string, error) {
	now := Norm(r.Now)
	owner, ok := s.idArg(r.UserID)
	if !ok {
		return nil, s.Err("reset password", latch.ErrNotFound)
	}
	var revoked []string
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		v, err := s.consume(ctx, tx, r.Identifier)
		if err != nil {
			return err
		}
		if v.Value != r.UserID || !v.ExpiresAt.After(now) {
			return errStale
		}
		if r.RevokeSessions {
			rows, err := tx.QueryContext(ctx, s.q(`DELETE FROM "session" WHERE "userId" = ? RETURNING "id"`), owner)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				revoked = append(revoked, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, s.q(`UPDATE "account" SET "password" = ?, "updatedAt" = ?
			WHERE "userId" = ? AND "providerId" = ?`), r.Hash, s.t(now), owner, latch.CredentialProvider)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		aid := r.NewAccountID
		return s.insertRow(ctx, tx, "account", []string{`"accountId"`, `"providerId"`, `"userId"`, `"password"`, `"createdAt"`, `"updatedAt"`},
			[]any{r.UserID, latch.CredentialProvider, owner, r.Hash, s.t(now), s.t(now)}, &aid)
	})
	if errors.Is(err, errStale) {
		// The rows stay: the transaction rolled back. Delete them now so
		// that an expired link cannot be replayed (Better Auth deletes
		// an expired row it consumes too).
		_, _ = s.exec(ctx, s.w, s.q(`DELETE FROM "verification" WHERE "identifier" = ?`), r.Identifier)
		err = latch.ErrNotFound
	}
	if err != nil {
		return nil, s.Err("reset password", err)
	}
	return revoked, nil
}
