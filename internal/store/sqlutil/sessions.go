package sqlutil

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"github.com/latchhq/latch"
)

const sessionCols = `s."id", s."token", s."userId", s."expiresAt", s."createdAt", s."updatedAt", s."ipAddress", s."userAgent"`

// sessionRow holds the scan targets of sessionCols.
type sessionRow struct {
	x             latch.Session
	exp, cre, upd Time
	ip, ua        sql.NullString
}

func (r *sessionRow) dest() []any {
	return []any{&r.x.ID, &r.x.Token, &r.x.UserID, &r.exp, &r.cre, &r.upd, &r.ip, &r.ua}
}

func (r *sessionRow) session() *latch.Session {
	r.x.ExpiresAt, r.x.CreatedAt, r.x.UpdatedAt = r.exp.T, r.cre.T, r.upd.T
	r.x.IPAddress, r.x.UserAgent = r.ip.String, r.ua.String
	return &r.x
}

func scanSession(r scanner) (*latch.Session, error) {
	var row sessionRow
	if err := r.Scan(row.dest()...); err != nil {
		return nil, err
	}
	return row.session(), nil
}

// CreateSession implements latch.SessionStore. A session naming a user
// that does not exist yields ErrNotFound (foreign key).
func (s *Store) CreateSession(ctx context.Context, x *latch.Session) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := stamp(&x.CreatedAt, &x.UpdatedAt); err != nil {
		return s.Err("create session", err)
	}
	x.ExpiresAt = Norm(x.ExpiresAt)
	owner, ok := s.idArg(x.UserID)
	if !ok {
		return s.Err("create session", latch.ErrNotFound)
	}
	err := s.insertRow(ctx, s.w, "session", []string{`"token"`, `"userId"`, `"expiresAt"`, `"createdAt"`, `"updatedAt"`, `"ipAddress"`, `"userAgent"`},
		[]any{x.Token, owner, s.t(x.ExpiresAt), s.t(x.CreatedAt), s.t(x.UpdatedAt), x.IPAddress, x.UserAgent}, &x.ID)
	return s.Err("create session", err)
}

// SessionByToken implements latch.SessionStore with one joined query.
func (s *Store) SessionByToken(ctx context.Context, token string) (*latch.Session, *latch.User, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var (
		sr sessionRow
		ur userRow
	)
	err := s.queryRow(ctx, s.r, s.q(`SELECT `+sessionCols+`, `+joinedUserCols+`
		FROM "session" s JOIN "user" u ON u."id" = s."userId" WHERE s."token" = ?`), token).
		Scan(append(sr.dest(), ur.dest()...)...)
	if err != nil {
		return nil, nil, s.Err("session by token", err)
	}
	return sr.session(), ur.user(), nil
}

// SessionByID implements latch.SessionStore.
func (s *Store) SessionByID(ctx context.Context, id string) (*latch.Session, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	arg, ok := s.idArg(id)
	if !ok {
		return nil, s.Err("session by id", latch.ErrNotFound)
	}
	x, err := scanSession(s.queryRow(ctx, s.r, s.q(`SELECT `+sessionCols+` FROM "session" s WHERE s."id" = ?`), arg))
	if err != nil {
		return nil, s.Err("session by id", err)
	}
	return x, nil
}

// ExtendSession implements latch.SessionStore.
func (s *Store) ExtendSession(ctx context.Context, token string, expiresAt, now time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.execOne(ctx, "extend session", `UPDATE "session" SET "expiresAt" = ?, "updatedAt" = ? WHERE "token" = ?`,
		s.t(expiresAt), s.t(now), token)
}

// ListSessions implements latch.SessionStore. Expiry is compared after
// decoding, in Go, so that rows written by Better Auth in any timestamp
// form it may use are judged correctly.
func (s *Store) ListSessions(ctx context.Context, userID string, now time.Time) ([]latch.Session, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	arg, ok := s.idArg(userID)
	if !ok {
		return []latch.Session{}, nil
	}
	rows, err := s.query(ctx, s.r, s.q(`SELECT `+sessionCols+` FROM "session" s WHERE s."userId" = ?
		ORDER BY s."createdAt", s."id"`), arg)
	if err != nil {
		return nil, s.Err("list sessions", err)
	}
	defer rows.Close()
	out := []latch.Session{}
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, s.Err("list sessions", err)
		}
		if x.ExpiresAt.After(now) {
			out = append(out, *x)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.Err("list sessions", err)
	}
	slices.SortStableFunc(out, func(a, b latch.Session) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

// DeleteSession implements latch.SessionStore.
func (s *Store) DeleteSession(ctx context.Context, userID, token string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var err error
	if userID == "" {
		_, err = s.exec(ctx, s.w, s.q(`DELETE FROM "session" WHERE "token" = ?`), token)
	} else if arg, ok := s.idArg(userID); ok {
		_, err = s.exec(ctx, s.w, s.q(`DELETE FROM "session" WHERE "token" = ? AND "userId" = ?`), token, arg)
	}
	return s.Err("delete session", err)
}

// DeleteUserSessions implements latch.SessionStore.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	arg, ok := s.idArg(userID)
	if !ok {
		return nil
	}
	_, err := s.exec(ctx, s.w, s.q(`DELETE FROM "session" WHERE "userId" = ? AND "token" <> ?`), arg, keep)
	return s.Err("delete user sessions", err)
}
