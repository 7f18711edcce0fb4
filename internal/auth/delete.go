package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/latchhq/latch"
)

// Messages of POST /delete-user.
const (
	DeletedMessage           = "User deleted"
	DeleteEmailSentMessage   = "Verification email sent"
	deleteTokenAlphabetLower = "0123456789abcdefghijklmnopqrstuvwxyz"
)

// DeleteUserInput is the body of POST /delete-user.
type DeleteUserInput struct {
	Password    string
	Token       string
	CallbackURL string
}

// DeleteUser deletes the signed-in user (sessions, accounts and tasks in
// one transaction) and returns the answer's message. Latch is stricter
// than Better Auth: a user with a password must give it
// (ErrInvalidPassword otherwise), whatever the session's age. With
// DeleteConfirmation, it emails a link instead (DeleteEmailSentMessage).
// A token from that link deletes at once (ErrDeleteTokenInvalid when it
// is not this user's).
func (s *Service) DeleteUser(ctx context.Context, sess *latch.Session, u *latch.User, in DeleteUserInput) (string, error) {
	acct, err := s.Users.CredentialAccount(ctx, u.ID)
	if err != nil && !errors.Is(err, latch.ErrNotFound) {
		return "", fmt.Errorf("auth: delete account lookup: %w", err)
	}
	hasPassword := err == nil && acct.Password != nil && *acct.Password != ""
	if in.Password != "" {
		if PasswordLength(in.Password) > MaxPasswordLength {
			return "", ErrPasswordTooLong
		}
		if !hasPassword {
			return "", ErrCredentialAccountNotFound
		}
		ok, err := s.verify(ctx, *acct.Password, in.Password)
		if notHashed(err) {
			return "", err
		}
		if err != nil || !ok {
			logEvent(ctx, slog.LevelWarn, "delete_user_refused", u.ID, slog.String("reason", "wrong_password"))
			return "", ErrInvalidPassword
		}
	} else if hasPassword && in.Token == "" {
		logEvent(ctx, slog.LevelWarn, "delete_user_refused", u.ID, slog.String("reason", "no_password"))
		return "", ErrInvalidPassword
	}
	if in.Token != "" {
		if err := s.DeleteWithToken(ctx, u, in.Token); err != nil {
			return "", err
		}
		return DeletedMessage, nil
	}
	if s.DeleteConfirmation && s.Mailer != nil {
		if err := s.sendDeleteConfirmation(ctx, u, in.CallbackURL); err != nil {
			return "", err
		}
		return DeleteEmailSentMessage, nil
	}
	if in.Password == "" && !s.Fresh(sess) {
		return "", ErrSessionExpired
	}
	if err := s.deleteUser(ctx, u.ID); err != nil {
		return "", err
	}
	return DeletedMessage, nil
}

func (s *Service) sendDeleteConfirmation(ctx context.Context, u *latch.User, callbackURL string) error {
	tok, err := randomFrom(deleteTokenAlphabetLower, 32)
	if err != nil {
		return err
	}
	if err := s.storeToken(ctx, "delete-account-"+tok, u.ID, orDefault(s.DeleteTokenExpiresIn, DefaultDeleteTokenExpiresIn)); err != nil {
		return fmt.Errorf("auth: create delete token: %w", err)
	}
	if callbackURL == "" {
		callbackURL = "/"
	}
	link := s.BaseURL + "/delete-user/callback?token=" + tok + "&callbackURL=" + encodeURIComponent(callbackURL)
	s.send(ctx, u.ID, latch.Mail{Kind: latch.MailDeleteAccount, To: u.Email, Name: u.Name, URL: link})
	logEvent(ctx, slog.LevelInfo, "delete_user_requested", u.ID)
	return nil
}

// DeleteWithToken consumes a deletion token of u and deletes u
// (GET /delete-user/callback). ErrDeleteTokenInvalid when the token is
// unknown, expired or another user's.
func (s *Service) DeleteWithToken(ctx context.Context, u *latch.User, tok string) error {
	if !plausibleToken(tok) {
		return ErrDeleteTokenInvalid
	}
	v, err := s.Verifications.ConsumeVerification(ctx, "delete-account-"+tok)
	if errors.Is(err, latch.ErrNotFound) {
		return ErrDeleteTokenInvalid
	} else if err != nil {
		return fmt.Errorf("auth: consume delete token: %w", err)
	}
	if v.Value != u.ID || !v.ExpiresAt.After(s.now()) {
		return ErrDeleteTokenInvalid
	}
	return s.deleteUser(ctx, u.ID)
}

func (s *Service) deleteUser(ctx context.Context, userID string) error {
	ids := s.sessionIDs(ctx, userID, "")
	if err := s.Users.DeleteUser(ctx, userID); err != nil && !errors.Is(err, latch.ErrNotFound) {
		return fmt.Errorf("auth: delete user: %w", err)
	}
	s.revoked(ids...)
	logEvent(ctx, slog.LevelInfo, "delete_user", userID, slog.Int("sessions", len(ids)))
	return nil
}

// randomFrom returns n characters of alphabet (at most 62 long) drawn
// uniformly from crypto/rand: characters of RandomString past the largest
// multiple of len(alphabet) are rejected.
func randomFrom(alphabet string, n int) (string, error) {
	out := make([]byte, 0, n)
	limit := len(alphabet) * (len(idAlphabet) / len(alphabet))
	for len(out) < n {
		s, err := RandomString(n)
		if err != nil {
			return "", err
		}
		for i := 0; i < len(s) && len(out) < n; i++ {
			if j := indexByte(idAlphabet, s[i]); j < limit {
				out = append(out, alphabet[j%len(alphabet)])
			}
		}
	}
	return string(out), nil
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// storeToken saves a verification row: identifier names the token, value
// the user, and it expires after ttl.
func (s *Service) storeToken(ctx context.Context, identifier, value string, ttl time.Duration) error {
	id, err := newRecordID(s.IDs)
	if err != nil {
		return err
	}
	now := s.now()
	return s.Verifications.CreateVerification(ctx, &latch.Verification{ID: id, Identifier: identifier, Value: value,
		ExpiresAt: now.Add(ttl), CreatedAt: now, UpdatedAt: now})
}
