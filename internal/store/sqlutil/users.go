package sqlutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
// stamp normalises the times a caller set on a new row. A zero time is
// refused with ErrInvalid: stores take every time from their callers and
// never read a clock.
func stamp(ts ...*time.Time) error {
	for _, t := range ts {
		if t.IsZero() {
			return fmt.Errorf("%w: CreatedAt and UpdatedAt must be set", latch.ErrInvalid)
		}
		*t = Norm(*t)
	}
	return nil
}

// CreateUser implements latch.UserStore. a may be nil (a user without a
// credential account).
func (s *Store) CreateUser(ctx context.Context, u *latch.User, a *latch.Account) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := stamp(&u.CreatedAt, &u.UpdatedAt); err != nil {
		return s.Err("create user", err)
	}
	if a != nil {
		if err := stamp(&a.CreatedAt, &a.UpdatedAt); err != nil {
			return s.Err("create user", err)
		}
	}
	// With serial ids the database assigns the ids; the account's userId
	// and accountId (empty) follow the user's. On failure the caller's
	// records get their ids back.
	uid := u.ID
	var aid, auid, aacc string
	if a != nil {
		aid, auid, aacc = a.ID, a.UserID, a.AccountID
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.insertRow(ctx, tx, "user", []string{`"name"`, `"email"`, `"emailVerified"`, `"image"`, `"createdAt"`, `"updatedAt"`},
			[]any{u.Name, u.Email, u.EmailVerified, u.Image, s.t(u.CreatedAt), s.t(u.UpdatedAt)}, &u.ID); err != nil {
			return err
		}
		if a == nil {
			return nil
		}
		if a.UserID == "" {
			a.UserID = u.ID
		}
		if a.AccountID == "" {
			a.AccountID = u.ID
		}
		owner, ok := s.idArg(a.UserID)
		if !ok {
			return fmt.Errorf("account of user %q: %w", a.UserID, latch.ErrNotFound)
		}
		return s.insertRow(ctx, tx, "account", []string{`"accountId"`, `"providerId"`, `"userId"`, `"password"`, `"createdAt"`, `"updatedAt"`},
			[]any{a.AccountID, a.ProviderID, owner, a.Password, s.t(a.CreatedAt), s.t(a.UpdatedAt)}, &a.ID)
	})
	if err != nil {
		u.ID = uid
		if a != nil {
			a.ID, a.UserID, a.AccountID = aid, auid, aacc
		}
	}
	return s.Err("create user", err)
}

// UserByID implements latch.UserStore.
func (s *Store) UserByID(ctx context.Context, id string) (*latch.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	arg, ok := s.idArg(id)
	if !ok {
		return nil, s.Err("user by id", latch.ErrNotFound)
	}
	u, err := scanUser(s.queryRow(ctx, s.r, s.q(`SELECT `+userCols+` FROM "user" WHERE "id" = ?`), arg))
	if err != nil {
		return nil, s.Err("user by id", err)
	}
	return u, nil
}

// UserByEmail implements latch.UserStore.
func (s *Store) UserByEmail(ctx context.Context, email string) (*latch.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	u, err := scanUser(s.queryRow(ctx, s.r, s.q(`SELECT `+userCols+` FROM "user" WHERE "email" = ?`), email))
	if err != nil {
		return nil, s.Err("user by email", err)
	}
	return u, nil
}

// UpdateUser implements latch.UserStore.
func (s *Store) UpdateUser(ctx context.Context, id string, u latch.UserUpdate, now time.Time) (*latch.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	arg, ok := s.idArg(id)
	if !ok {
		return nil, s.Err("update user", latch.ErrNotFound)
	}
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
	if u.Email != nil {
		query += `, "email" = ?`
		args = append(args, *u.Email)
	}
	if u.EmailVerified != nil {
		query += `, "emailVerified" = ?`
		args = append(args, *u.EmailVerified)
	}
	query += ` WHERE "id" = ? RETURNING ` + userCols
	args = append(args, arg)
	out, err := scanUser(s.queryRow(ctx, s.w, s.q(query), args...))
	if err != nil {
		return nil, s.Err("update user", err)
	}
	return out, nil
}

// DeleteUser implements latch.UserStore. It deletes the user's tasks,
// sessions and accounts explicitly, in one transaction with the user, so
// that a database created by Better Auth (whose schema may lack Latch's
// task trigger) loses nothing half-way.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	arg, ok := s.idArg(id)
	if !ok {
		return s.Err("delete user", latch.ErrNotFound)
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`DELETE FROM "task" WHERE "user_id" = ?`,
			`DELETE FROM "session" WHERE "userId" = ?`,
			`DELETE FROM "account" WHERE "userId" = ?`,
		} {
			if _, err := tx.ExecContext(ctx, s.q(q), arg); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, s.q(`DELETE FROM "user" WHERE "id" = ?`), arg)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, latch.ErrNotFound)
		}
		return nil
	})
	return s.Err("delete user", err)
}

// CredentialAccount implements latch.UserStore.
func (s *Store) CredentialAccount(ctx context.Context, userID string) (*latch.Account, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	arg, ok := s.idArg(userID)
	if !ok {
		return nil, s.Err("credential account", latch.ErrNotFound)
	}
	a, err := scanAccount(s.queryRow(ctx, s.r, s.q(`SELECT `+accountCols+` FROM "account"
		WHERE "userId" = ? AND "providerId" = ? ORDER BY "createdAt", "id" LIMIT 1`), arg, latch.CredentialProvider))
	if err != nil {
		return nil, s.Err("credential account", err)
	}
	return a, nil
}

// SetPassword implements latch.UserStore.
func (s *Store) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	arg, ok := s.idArg(userID)
	if !ok {
		return s.Err("set password", latch.ErrNotFound)
	}
	return s.execOne(ctx, "set password", `UPDATE "account" SET "password" = ?, "updatedAt" = ?
		WHERE "userId" = ? AND "providerId" = ?`, hash, s.t(now), arg, latch.CredentialProvider)
}

// execOne runs a write and reports ErrNotFound when it touched no row.
func (s *Store) execOne(ctx context.Context, op, query string, args ...any) error {
	return s.Err(op, oneRow(s.exec(ctx, s.w, s.q(query), args...)))
}

// oneRow takes a statement's result and error and reports
// latch.ErrNotFound when it affected no row.
func oneRow(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = latch.ErrNotFound
	}
	return err
}
