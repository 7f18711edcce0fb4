package sqlutil

import (
	"context"
	"database/sql"
	"time"

	"github.com/latchhq/latch"
)

const userCols = `"id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt"`

// joinedUserCols is userCols qualified by the alias u, for joins.
const joinedUserCols = `u."id", u."name", u."email", u."emailVerified", u."image", u."createdAt", u."updatedAt"`

// userRow holds the scan targets of userCols (also used by the session
// query that joins the user).
type userRow struct {
	u        latch.User
	verified Bool
	image    sql.NullString
	cre, upd Time
}

func (r *userRow) dest() []any {
	return []any{&r.u.ID, &r.u.Name, &r.u.Email, &r.verified, &r.image, &r.cre, &r.upd}
}

func (r *userRow) user() *latch.User {
	r.u.EmailVerified, r.u.CreatedAt, r.u.UpdatedAt = bool(r.verified), r.cre.T, r.upd.T
	if r.image.Valid {
		r.u.Image = &r.image.String
	}
	return &r.u
}

func scanUser(r scanner) (*latch.User, error) {
	var row userRow
	if err := r.Scan(row.dest()...); err != nil {
		return nil, err
	}
	return row.user(), nil
}

const accountCols = `"id", "accountId", "providerId", "userId", "password", "createdAt", "updatedAt"`

func scanAccount(r scanner) (*latch.Account, error) {
	var (
		a        latch.Account
		password sql.NullString
		cre, upd Time
	)
	if err := r.Scan(&a.ID, &a.AccountID, &a.ProviderID, &a.UserID, &password, &cre, &upd); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = cre.T, upd.T
	if password.Valid {
		a.Password = &password.String
	}
	return &a, nil
}

// stamp normalises a record's timestamps in place, filling zero ones with
// now, so that the caller's copy equals what a later read returns.
func stamp(now time.Time, ts ...*time.Time) {
	for _, t := range ts {
		if t.IsZero() {
			*t = now
		} else {
			*t = Norm(*t)
		}
	}
}

// CreateUser implements latch.UserStore. a may be nil (a user without a
// credential account).
func (s *Store) CreateUser(ctx context.Context, u *latch.User, a *latch.Account) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	now := s.now()
	stamp(now, &u.CreatedAt, &u.UpdatedAt)
	if a != nil {
		stamp(now, &a.CreatedAt, &a.UpdatedAt)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO "user" (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			u.ID, u.Name, u.Email, u.EmailVerified, u.Image, s.t(u.CreatedAt), s.t(u.UpdatedAt)); err != nil {
			return err
		}
		if a == nil {
			return nil
		}
		_, err := tx.ExecContext(ctx, s.q(`INSERT INTO "account" (`+accountCols+`) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			a.ID, a.AccountID, a.ProviderID, a.UserID, a.Password, s.t(a.CreatedAt), s.t(a.UpdatedAt))
		return err
	})
	return s.Err("create user", err)
}

// UserByID implements latch.UserStore.
func (s *Store) UserByID(ctx context.Context, id string) (*latch.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	u, err := scanUser(s.R.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM "user" WHERE "id" = ?`), id))
	if err != nil {
		return nil, s.Err("user by id", err)
	}
	return u, nil
}

// UserByEmail implements latch.UserStore.
func (s *Store) UserByEmail(ctx context.Context, email string) (*latch.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	u, err := scanUser(s.R.QueryRowContext(ctx, s.q(`SELECT `+userCols+` FROM "user" WHERE "email" = ?`), email))
	if err != nil {
		return nil, s.Err("user by email", err)
	}
	return u, nil
}

// UpdateUser implements latch.UserStore.
func (s *Store) UpdateUser(ctx context.Context, id string, u latch.UserUpdate, now time.Time) (*latch.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	query := `UPDATE "user" SET "updatedAt" = ?`
	args := []any{s.t(now)}
	if u.Name != nil {
		query += `, "name" = ?`
		args = append(args, *u.Name)
	}
	if u.Image != nil {
		query += `, "image" = ?`
		args = append(args, *u.Image)
	}
	query += ` WHERE "id" = ? RETURNING ` + userCols
	args = append(args, id)
	out, err := scanUser(s.W.QueryRowContext(ctx, s.q(query), args...))
	if err != nil {
		return nil, s.Err("update user", err)
	}
	return out, nil
}

// DeleteUser implements latch.UserStore. Sessions and accounts go by
// their foreign keys (ON DELETE CASCADE), tasks by the trigger on "user".
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.execOne(ctx, "delete user", `DELETE FROM "user" WHERE "id" = ?`, id)
}

// CredentialAccount implements latch.UserStore.
func (s *Store) CredentialAccount(ctx context.Context, userID string) (*latch.Account, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	a, err := scanAccount(s.R.QueryRowContext(ctx, s.q(`SELECT `+accountCols+` FROM "account"
		WHERE "userId" = ? AND "providerId" = ? ORDER BY "createdAt", "id" LIMIT 1`), userID, latch.CredentialProvider))
	if err != nil {
		return nil, s.Err("credential account", err)
	}
	return a, nil
}

// SetPassword implements latch.UserStore.
func (s *Store) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.execOne(ctx, "set password", `UPDATE "account" SET "password" = ?, "updatedAt" = ?
		WHERE "userId" = ? AND "providerId" = ?`, hash, s.t(now), userID, latch.CredentialProvider)
}

// execOne runs a write and reports ErrNotFound when it touched no row.
func (s *Store) execOne(ctx context.Context, op, query string, args ...any) error {
	res, err := s.W.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return s.Err(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return s.Err(op, err)
	}
	if n == 0 {
		return s.Err(op, latch.ErrNotFound)
	}
	return nil
}
