package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/latchhq/latch"
)

// SessionOptions tune Session.
type SessionOptions struct {
	// NoRefresh skips the sliding refresh: set it when the signed
	// dont_remember cookie is present or the query asks disableRefresh.
	NoRefresh bool
}

// Session resolves a bare session token. It returns ErrNoSession when the
// token names no session or an expired one (an expired row is deleted, as
// Better Auth does). Unless opts.NoRefresh or DisableRefresh, a session
// whose expiresAt - ExpiresIn + UpdateAge <= now is extended to now +
// ExpiresIn and refreshed reports true; ErrFailedToGetSession when the row
// vanished meanwhile.
func (s *Service) Session(ctx context.Context, token string, opts SessionOptions) (sess *latch.Session, user *latch.User, refreshed bool, err error) {
	if !plausibleToken(token) {
		return nil, nil, false, ErrNoSession
	}
	sess, user, err = s.Sessions.SessionByToken(ctx, token)
	if errors.Is(err, latch.ErrNotFound) {
		return nil, nil, false, ErrNoSession
	} else if err != nil {
		return nil, nil, false, fmt.Errorf("auth: session lookup: %w", err)
	}
	now := s.now()
	if sess.ExpiresAt.Before(now) {
		if err := s.Sessions.DeleteSession(ctx, "", token); err != nil {
			logEvent(ctx, slog.LevelError, "session_cleanup_failed", sess.UserID, slog.String("error", err.Error()))
		}
		s.revoked(sess.ID)
		return nil, nil, false, ErrNoSession
	}
	if opts.NoRefresh || s.DisableRefresh {
		return sess, user, false, nil
	}
	if sess.ExpiresAt.Add(-s.expiresIn()).Add(s.updateAge()).After(now) {
		return sess, user, false, nil
	}
	exp := now.Add(s.expiresIn())
	if err := s.Sessions.ExtendSession(ctx, token, exp, now); err != nil {
		if errors.Is(err, latch.ErrNotFound) {
			return nil, nil, false, ErrFailedToGetSession
		}
		return nil, nil, false, fmt.Errorf("auth: extend session: %w", err)
	}
	cp := *sess
	cp.ExpiresAt, cp.UpdatedAt = exp, now
	return &cp, user, true, nil
}

// Fresh reports whether sess is younger than FreshAge (by createdAt), the
// rule of Better Auth's freshSessionMiddleware.
func (s *Service) Fresh(sess *latch.Session) bool {
	fa := s.freshAge()
	return fa < 0 || s.now().Sub(sess.CreatedAt) < fa
}

// ListSessions returns the user's unexpired sessions, oldest first. It
// requires a fresh current session: ErrSessionNotFresh otherwise.
func (s *Service) ListSessions(ctx context.Context, cur *latch.Session) ([]latch.Session, error) {
	if !s.Fresh(cur) {
		return nil, ErrSessionNotFresh
	}
	// The store returns only sessions that expire after now (a contract
	// storetest checks), so nothing is filtered here.
	list, err := s.Sessions.ListSessions(ctx, cur.UserID, s.now())
	if err != nil {
		return nil, fmt.Errorf("auth: list sessions: %w", err)
	}
	return list, nil
}

// SignOut deletes the session with this token, if any. Store errors are
// logged, not returned, as Better Auth does: sign-out always succeeds.
func (s *Service) SignOut(ctx context.Context, token string) {
	if !plausibleToken(token) {
		return
	}
	sess, _, err := s.Sessions.SessionByToken(ctx, token)
	if err != nil && !errors.Is(err, latch.ErrNotFound) {
		logEvent(ctx, slog.LevelError, "sign_out_lookup_failed", "", slog.String("error", err.Error()))
	}
	if err := s.Sessions.DeleteSession(ctx, "", token); err != nil {
		logEvent(ctx, slog.LevelError, "sign_out_failed", "", slog.String("error", err.Error()))
		s.observe("sign_out", err)
		return
	}
	s.observe("sign_out", nil)
	if sess != nil {
		s.revoked(sess.ID)
		logEvent(ctx, slog.LevelInfo, "sign_out", sess.UserID, slog.String("session_id", sess.ID))
	}
}

// RevokeSession deletes the session with token if the current user owns
// it (an unknown or foreign token is silently ignored, as Better Auth
// does) and reports whether it was the current session.
func (s *Service) RevokeSession(ctx context.Context, cur *latch.Session, token string) (current bool, err error) {
	if !plausibleToken(token) {
		// No stored token can match; do not hand the store a value it
		// may refuse (PostgreSQL rejects NUL in text) and answer 500.
		return false, nil
	}
	target, _, err := s.Sessions.SessionByToken(ctx, token)
	if err != nil && !errors.Is(err, latch.ErrNotFound) {
		return false, fmt.Errorf("auth: revoke lookup: %w", err)
	}
	if err == nil && target.UserID == cur.UserID {
		if err := s.Sessions.DeleteSession(ctx, cur.UserID, token); err != nil {
			return false, fmt.Errorf("auth: revoke session: %w", err)
		}
		s.revoked(target.ID)
		logEvent(ctx, slog.LevelInfo, "revoke_session", cur.UserID, slog.String("session_id", target.ID))
	}
	return token == cur.Token, nil
}

// plausibleToken reports whether t could be a stored session token: not
// empty, at most 255 bytes, valid UTF-8 and free of NUL bytes. (Tokens
// Better Auth and Latch write are 32 alphanumerics; other generators may
// differ, so this only excludes what no database can hold: PostgreSQL
// refuses NUL and invalid UTF-8, and a raw bearer token reaches here
// unsigned, straight from a header.)
func plausibleToken(t string) bool {
	return t != "" && len(t) < 256 && utf8.ValidString(t) && !strings.ContainsRune(t, 0)
}

// sessionIDs lists the ids of the user's live sessions, except keep.
func (s *Service) sessionIDs(ctx context.Context, userID, keep string) []string {
	list, err := s.Sessions.ListSessions(ctx, userID, s.now())
	if err != nil {
		return nil
	}
	ids := make([]string, 0, len(list))
	for _, x := range list {
		if x.Token != keep {
			ids = append(ids, x.ID)
		}
	}
	return ids
}

// RevokeSessions deletes all of the user's sessions, the current one
// included.
func (s *Service) RevokeSessions(ctx context.Context, cur *latch.Session) error {
	ids := s.sessionIDs(ctx, cur.UserID, "")
	if err := s.Sessions.DeleteUserSessions(ctx, cur.UserID, ""); err != nil {
		return fmt.Errorf("auth: revoke sessions: %w", err)
	}
	s.revoked(append(ids, cur.ID)...)
	logEvent(ctx, slog.LevelInfo, "revoke_sessions", cur.UserID, slog.Int("count", len(ids)))
	return nil
}

// RevokeOtherSessions deletes all of the user's sessions except the
// current one.
func (s *Service) RevokeOtherSessions(ctx context.Context, cur *latch.Session) error {
	ids := s.sessionIDs(ctx, cur.UserID, cur.Token)
	if err := s.Sessions.DeleteUserSessions(ctx, cur.UserID, cur.Token); err != nil {
		return fmt.Errorf("auth: revoke other sessions: %w", err)
	}
	s.revoked(ids...)
	logEvent(ctx, slog.LevelInfo, "revoke_other_sessions", cur.UserID, slog.Int("count", len(ids)))
	return nil
}

// UpdateUser applies a profile update. ErrNoFieldsToUpdate when u changes
// nothing; a VALIDATION_ERROR from CheckName or CheckImage.
func (s *Service) UpdateUser(ctx context.Context, userID string, u latch.UserUpdate) (*latch.User, error) {
	if u.Name == nil && u.Image == nil {
		return nil, ErrNoFieldsToUpdate
	}
	if u.Name != nil {
		if err := CheckName(*u.Name); err != nil {
			return nil, err
		}
	}
	if u.Image != nil && *u.Image != nil {
		if err := CheckImage(**u.Image); err != nil {
			return nil, err
		}
	}
	nu, err := s.Users.UpdateUser(ctx, userID, u, s.now())
	if err != nil {
		return nil, fmt.Errorf("auth: update user: %w", err)
	}
	logEvent(ctx, slog.LevelInfo, "update_user", userID)
	return nu, nil
}

// ChangePassword replaces the password after checking the current one.
// With revokeOthers every session of the user (the current one included)
// is deleted and a new session is returned; otherwise the returned session
// is nil. Errors: ErrPasswordTooShort, ErrPasswordTooLong,
// ErrCredentialAccountNotFound, ErrInvalidPassword, or a store error.
func (s *Service) ChangePassword(ctx context.Context, cur *latch.Session, newPassword, currentPassword string, revokeOthers bool) (*latch.Session, error) {
	if err := checkNewPassword(newPassword); err != nil {
		return nil, err
	}
	if PasswordLength(currentPassword) > MaxPasswordLength {
		return nil, ErrPasswordTooLong
	}
	acct, err := s.Users.CredentialAccount(ctx, cur.UserID)
	if errors.Is(err, latch.ErrNotFound) || err == nil && (acct.Password == nil || *acct.Password == "") {
		return nil, ErrCredentialAccountNotFound
	} else if err != nil {
		return nil, fmt.Errorf("auth: change password: %w", err)
	}
	ok, err := s.verify(ctx, *acct.Password, currentPassword)
	if notHashed(err) {
		return nil, err
	}
	if err != nil || !ok {
		logEvent(ctx, slog.LevelWarn, "change_password_failed", cur.UserID, slog.String("reason", "wrong_password"))
		return nil, ErrInvalidPassword
	}
	// Hashed only once the current password is right: a wrong guess costs
	// one scrypt, not two.
	hash, err := s.hash(ctx, newPassword)
	if err != nil {
		return nil, err
	}
	if err := s.Users.SetPassword(ctx, cur.UserID, hash, s.now()); err != nil {
		return nil, fmt.Errorf("auth: set password: %w", err)
	}
	if !revokeOthers {
		logEvent(ctx, slog.LevelInfo, "change_password", cur.UserID)
		return nil, nil
	}
	// The new session is created before the others are deleted, so that
	// a failure in between never leaves the user with no session at all
	// (the end state is Better Auth's: only the new session remains).
	sess, err := s.createSession(ctx, cur.UserID, true)
	if err != nil {
		return nil, err
	}
	ids := s.sessionIDs(ctx, cur.UserID, sess.Token)
	if err := s.Sessions.DeleteUserSessions(ctx, cur.UserID, sess.Token); err != nil {
		return nil, fmt.Errorf("auth: revoke sessions: %w", err)
	}
	s.revoked(append(ids, cur.ID)...)
	logEvent(ctx, slog.LevelInfo, "change_password", cur.UserID,
		slog.Int("revoked", len(ids)), slog.String("session_id", sess.ID))
	return sess, nil
}

// CheckPassword verifies the user's password (POST /verify-password).
// Errors: ErrPasswordTooLong, ErrInvalidPassword (also when the user has
// no credential password).
func (s *Service) CheckPassword(ctx context.Context, userID, password string) error {
	if PasswordLength(password) > MaxPasswordLength {
		return ErrPasswordTooLong
	}
	acct, err := s.Users.CredentialAccount(ctx, userID)
	if errors.Is(err, latch.ErrNotFound) || err == nil && (acct.Password == nil || *acct.Password == "") {
		return ErrInvalidPassword
	} else if err != nil {
		return fmt.Errorf("auth: verify password: %w", err)
	}
	ok, err := s.verify(ctx, *acct.Password, password)
	if notHashed(err) {
		return err
	}
	if err != nil || !ok {
		// A stolen session could be used to guess the password here.
		logEvent(ctx, slog.LevelWarn, "verify_password_failed", userID, slog.String("reason", "wrong_password"))
		return ErrInvalidPassword
	}
	return nil
}
