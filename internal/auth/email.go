package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/latchhq/latch"
)

// Token lifetimes of Better Auth 1.7's defaults.
const (
	DefaultResetPasswordExpiresIn = time.Hour
	DefaultVerificationExpiresIn  = time.Hour
	DefaultDeleteTokenExpiresIn   = 24 * time.Hour
	DefaultVerificationFloor      = 500 * time.Millisecond
	// ResetTokenLength is the length of a reset token ([A-Za-z0-9]).
	ResetTokenLength = 24
)

// ResetPasswordMessage is the answer of POST /request-password-reset,
// for known and unknown emails alike.
const ResetPasswordMessage = "If this email exists in our system, check your email for the reset link"

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// afterDelay is how long Later waits before running work handed off by a
// request, so that it starts once the answer has left.
const afterDelay = 5 * time.Millisecond

// Later runs fn in the background shortly after the current answer (the
// row and mail of a password reset). Wait waits for such work.
func (s *Service) Later(fn func()) {
	s.pending.Add(1)
	time.AfterFunc(afterDelay, func() {
		defer s.pending.Done()
		fn()
	})
}

// Wait blocks until the work handed to Later has finished (shutdown,
// tests).
func (s *Service) Wait() { s.pending.Wait() }

// MailEnabled reports whether the flows that send mail are on.
func (s *Service) MailEnabled() bool { return s.Mailer != nil }

// encodeURIComponent escapes like JavaScript's encodeURIComponent, which
// Better Auth uses to build its links.
func encodeURIComponent(v string) string {
	e := url.QueryEscape(v)
	e = strings.ReplaceAll(e, "+", "%20")
	for _, c := range []string{"!", "'", "(", ")", "*"} {
		e = strings.ReplaceAll(e, url.QueryEscape(c), c)
	}
	return strings.ReplaceAll(e, "%7E", "~")
}

// send hands m to the mailer; a refusal (full queue) is logged, never
// returned: sending does not change the HTTP answer.
func (s *Service) send(ctx context.Context, userID string, m latch.Mail) {
	if err := s.Mailer.Send(ctx, m); err != nil {
		logEvent(ctx, slog.LevelError, "mail_not_queued", userID, slog.String("kind", string(m.Kind)), slog.String("error", err.Error()))
	}
}

// RequestPasswordReset emails a reset link to the user with this email,
// if there is one. The answer does not depend on the email at all: the
// caller answers first and then runs the returned function, which looks
// the user up and makes the row and the mail (or, for an unknown email,
// Better Auth's dummy lookup). Lookup failures are logged, not answered.
// redirectTo becomes the link's callbackURL.
func (s *Service) RequestPasswordReset(ctx context.Context, email, redirectTo string) (after func(), err error) {
	if s.Mailer == nil {
		return nil, ErrResetPasswordDisabled
	}
	ctx = context.WithoutCancel(ctx)
	return func() {
		u, err := s.Users.UserByEmail(ctx, strings.ToLower(email))
		switch {
		case errors.Is(err, latch.ErrNotFound):
			_, _ = RandomString(ResetTokenLength)
			_, _ = s.Verifications.VerificationByIdentifier(ctx, "dummy-verification-token")
			logEvent(ctx, slog.LevelInfo, "reset_password_requested", "", slog.Bool("known", false))
		case err != nil:
			logEvent(ctx, slog.LevelError, "reset_password_failed", "", slog.String("error", err.Error()))
		default:
			if err := s.issueReset(ctx, u, redirectTo); err != nil {
				logEvent(ctx, slog.LevelError, "reset_password_failed", u.ID, slog.String("error", err.Error()))
			}
		}
	}, nil
}

func (s *Service) issueReset(ctx context.Context, u *latch.User, redirectTo string) error {
	tok, err := RandomString(ResetTokenLength)
	if err != nil {
		return err
	}
	if err := s.storeToken(ctx, "reset-password:"+tok, u.ID, orDefault(s.ResetPasswordExpiresIn, DefaultResetPasswordExpiresIn)); err != nil {
		return fmt.Errorf("auth: create reset token: %w", err)
	}
	cb := ""
	if redirectTo != "" {
		cb = encodeURIComponent(redirectTo)
	}
	link := s.BaseURL + "/reset-password/" + tok + "?callbackURL=" + cb
	s.send(ctx, u.ID, latch.Mail{Kind: latch.MailResetPassword, To: u.Email, Name: u.Name, URL: link})
	logEvent(ctx, slog.LevelInfo, "reset_password_requested", u.ID, slog.Bool("known", true))
	return nil
}

// ResetTokenValid reports whether a reset token names an unexpired row
// (GET /reset-password/:token).
func (s *Service) ResetTokenValid(ctx context.Context, tok string) (bool, error) {
	if !plausibleToken(tok) {
		return false, nil
	}
	v, err := s.Verifications.VerificationByIdentifier(ctx, "reset-password:"+tok)
	if errors.Is(err, latch.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("auth: reset token lookup: %w", err)
	}
	return v.ExpiresAt.After(s.now()), nil
}

// ResetPassword sets a new password with a reset token, consuming the
// token (of concurrent uses exactly one succeeds) and, with
// RevokeSessionsOnPasswordReset, ending every session of the user.
// Errors: ErrInvalidToken, ErrPasswordTooShort/Long, ErrUserNotFound.
func (s *Service) ResetPassword(ctx context.Context, tok, newPassword string) error {
	if tok == "" {
		return ErrInvalidToken
	}
	if err := checkNewPassword(newPassword); err != nil {
		return err
	}
	if !plausibleToken(tok) {
		return ErrInvalidToken
	}
	id := "reset-password:" + tok
	v, err := s.Verifications.VerificationByIdentifier(ctx, id)
	if errors.Is(err, latch.ErrNotFound) {
		return ErrInvalidToken
	} else if err != nil {
		return fmt.Errorf("auth: reset token lookup: %w", err)
	}
	if !v.ExpiresAt.After(s.now()) {
		return ErrInvalidToken
	}
	if _, err := s.Users.UserByID(ctx, v.Value); errors.Is(err, latch.ErrNotFound) {
		return ErrUserNotFound
	} else if err != nil {
		return fmt.Errorf("auth: reset user lookup: %w", err)
	}
	hash, err := s.hash(ctx, newPassword)
	if err != nil {
		return err
	}
	aid, err := newRecordID(s.IDs)
	if err != nil {
		return err
	}
	revoked, err := s.Verifications.ResetPassword(ctx, latch.PasswordReset{Identifier: id, UserID: v.Value, Hash: hash,
		NewAccountID: aid, RevokeSessions: s.RevokeSessionsOnPasswordReset, Now: s.now()})
	if errors.Is(err, latch.ErrNotFound) {
		logEvent(ctx, slog.LevelWarn, "reset_password_refused", v.Value, slog.String("reason", "token_consumed"))
		return ErrInvalidToken
	} else if err != nil {
		return fmt.Errorf("auth: reset password: %w", err)
	}
	if s.RevokeSessionsOnPasswordReset {
		// The reset's transaction ended the sessions in the database;
		// this ends the copies above it (Redis, shared with other
		// instances and Better Auth, which would still serve them) as a
		// revoke-sessions does.
		if err := s.Sessions.DeleteUserSessions(ctx, v.Value, ""); err != nil {
			logEvent(ctx, slog.LevelWarn, "reset_password_revoke_copies_failed", v.Value, slog.String("error", err.Error()))
		}
	}
	s.revoked(revoked...)
	logEvent(ctx, slog.LevelInfo, "reset_password", v.Value, slog.Int("sessions_revoked", len(revoked)))
	return nil
}

// verifyLink signs an email-verification token and returns the link.
func (s *Service) verifyLink(c EmailClaims, callbackURL string) (string, error) {
	now := s.now()
	c.IssuedAt = now.Unix()
	c.ExpiresAt = now.Unix() + int64(orDefault(s.VerificationExpiresIn, DefaultVerificationExpiresIn)/time.Second)
	tok, err := SignEmailToken(s.Secret, c)
	if err != nil {
		return "", err
	}
	if callbackURL == "" {
		callbackURL = "/"
	}
	return s.BaseURL + "/verify-email?token=" + tok + "&callbackURL=" + encodeURIComponent(callbackURL), nil
}

// sendVerification emails u a link that verifies u.Email.
func (s *Service) sendVerification(ctx context.Context, u *latch.User, callbackURL string) {
	link, err := s.verifyLink(EmailClaims{Email: strings.ToLower(u.Email), UserID: u.ID}, callbackURL)
	if err != nil {
		logEvent(ctx, slog.LevelError, "verification_email_failed", u.ID, slog.String("error", err.Error()))
		return
	}
	s.send(ctx, u.ID, latch.Mail{Kind: latch.MailVerifyEmail, To: u.Email, Name: u.Name, URL: link})
	logEvent(ctx, slog.LevelInfo, "verification_email_sent", u.ID)
}

// SendVerificationEmail emails a verification link. Signed in (user not
// nil), email must be the user's (ErrEmailMismatch) and not yet verified
// (ErrEmailAlreadyVerified). Anonymous, it answers alike for every email
// and takes at least VerificationFloor, as Better Auth does.
func (s *Service) SendVerificationEmail(ctx context.Context, user *latch.User, email, callbackURL string) error {
	if s.Mailer == nil {
		return ErrVerificationEmailNotEnabled
	}
	if user != nil {
		if !strings.EqualFold(user.Email, email) {
			return ErrEmailMismatch
		}
		if user.EmailVerified {
			return ErrEmailAlreadyVerified
		}
		s.sendVerification(ctx, user, callbackURL)
		return nil
	}
	start := time.Now()
	u, err := s.Users.UserByEmail(ctx, strings.ToLower(email))
	switch {
	case err == nil && !u.EmailVerified:
		s.sendVerification(ctx, u, callbackURL)
	case err == nil || errors.Is(err, latch.ErrNotFound):
		_, _ = SignEmailToken(s.Secret, EmailClaims{Email: strings.ToLower(email)})
	default:
		return fmt.Errorf("auth: verification lookup: %w", err)
	}
	wait := orDefault(s.VerificationFloor, DefaultVerificationFloor) - time.Since(start)
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// VerifyResult is what VerifyEmail did.
type VerifyResult struct {
	// User is the updated user of a change of email (nil otherwise, as
	// Better Auth's {"status":true,"user":null}).
	User *latch.User
	// SessionUser, when the signed-in user's email changed, is the user
	// to re-issue the session cookie for.
	SessionUser *latch.User
}

// VerifyEmail applies an email-verification token: it verifies the
// address, or applies a change of email. cur is the signed-in user, if
// any. Errors: ErrVerifyTokenExpired, ErrVerifyInvalidToken,
// ErrVerifyUserNotFound, ErrVerifyInvalidUser.
func (s *Service) VerifyEmail(ctx context.Context, tok, callbackURL string, cur *latch.User) (VerifyResult, error) {
	c, err := s.parseEmailToken(tok)
	if errors.Is(err, errEmailTokenExpired) {
		return VerifyResult{}, ErrVerifyTokenExpired
	} else if err != nil {
		return VerifyResult{}, ErrVerifyInvalidToken
	}
	if c.UpdateTo != "" {
		return s.verifyChange(ctx, c, callbackURL, cur)
	}
	u, err := s.Users.UserByEmail(ctx, c.Email)
	if errors.Is(err, latch.ErrNotFound) {
		return VerifyResult{}, ErrVerifyUserNotFound
	} else if err != nil {
		return VerifyResult{}, fmt.Errorf("auth: verify lookup: %w", err)
	}
	if c.UserID != "" && c.UserID != u.ID {
		return VerifyResult{}, ErrVerifyInvalidToken
	}
	if u.EmailVerified {
		return VerifyResult{}, nil
	}
	yes := true
	if _, err := s.Users.UpdateUser(ctx, u.ID, latch.UserUpdate{EmailVerified: &yes}, s.now()); err != nil {
		return VerifyResult{}, fmt.Errorf("auth: verify email: %w", err)
	}
	logEvent(ctx, slog.LevelInfo, "email_verified", u.ID)
	return VerifyResult{}, nil
}

// verifyChange applies a change-of-email token (Better Auth's updateTo
// branch of /verify-email).
func (s *Service) verifyChange(ctx context.Context, c EmailClaims, callbackURL string, cur *latch.User) (VerifyResult, error) {
	if c.UserID == "" {
		return VerifyResult{}, ErrVerifyInvalidToken
	}
	u, err := s.Users.UserByID(ctx, c.UserID)
	if errors.Is(err, latch.ErrNotFound) {
		return VerifyResult{}, ErrVerifyUserNotFound
	} else if err != nil {
		return VerifyResult{}, fmt.Errorf("auth: verify lookup: %w", err)
	}
	if strings.ToLower(u.Email) != c.Email {
		return VerifyResult{}, ErrVerifyInvalidToken
	}
	if cur != nil && cur.ID != u.ID {
		return VerifyResult{}, ErrVerifyInvalidUser
	}
	newEmail := strings.ToLower(c.UpdateTo)
	switch c.RequestType {
	case "change-email-confirmation":
		// The old address confirmed: now verify the new one.
		if s.Mailer != nil {
			link, err := s.verifyLink(EmailClaims{Email: c.Email, UpdateTo: newEmail, RequestType: "change-email-verification", UserID: u.ID}, callbackURL)
			if err != nil {
				return VerifyResult{}, err
			}
			s.send(ctx, u.ID, latch.Mail{Kind: latch.MailChangeEmail, To: newEmail, Name: u.Name, URL: link})
		}
		return VerifyResult{}, nil
	case "change-email-verification":
		verified := u.EmailVerified
		nu, err := s.Users.UpdateUser(ctx, u.ID, latch.UserUpdate{Email: &newEmail, EmailVerified: &verified}, s.now())
		if err != nil {
			return VerifyResult{}, s.changeFailed(ctx, u.ID, err)
		}
		logEvent(ctx, slog.LevelInfo, "email_changed", u.ID)
		return VerifyResult{User: nu, SessionUser: sessionUser(cur, nu)}, nil
	default:
		no := false
		nu, err := s.Users.UpdateUser(ctx, u.ID, latch.UserUpdate{Email: &newEmail, EmailVerified: &no}, s.now())
		if err != nil {
			return VerifyResult{}, s.changeFailed(ctx, u.ID, err)
		}
		if s.Mailer != nil {
			s.sendVerification(ctx, nu, callbackURL)
		}
		logEvent(ctx, slog.LevelInfo, "email_changed", u.ID)
		return VerifyResult{User: nu, SessionUser: sessionUser(cur, nu)}, nil
	}
}

func sessionUser(cur, updated *latch.User) *latch.User {
	if cur == nil {
		return nil
	}
	return updated
}

// changeFailed maps a failed change of email: the new address was
// taken meanwhile (ErrConflict) reads as an invalid token.
func (s *Service) changeFailed(ctx context.Context, userID string, err error) error {
	if errors.Is(err, latch.ErrConflict) {
		logEvent(ctx, slog.LevelWarn, "email_change_refused", userID, slog.String("reason", "email_taken"))
		return ErrVerifyInvalidToken
	}
	return fmt.Errorf("auth: change email: %w", err)
}

// ChangeEmail emails a confirmation link to newEmail; the change applies
// when it is followed (VerifyEmail). An address already in use answers
// alike (no mail is sent), as Better Auth does.
func (s *Service) ChangeEmail(ctx context.Context, u *latch.User, newEmail, callbackURL string) error {
	newEmail = strings.ToLower(newEmail)
	if newEmail == u.Email {
		return ErrEmailIsTheSame
	}
	if s.Mailer == nil {
		return ErrChangeEmailNotEnabled
	}
	if _, err := s.Users.UserByEmail(ctx, newEmail); err == nil {
		_, _ = s.verifyLink(EmailClaims{Email: u.Email, UpdateTo: newEmail, UserID: u.ID}, callbackURL)
		logEvent(ctx, slog.LevelInfo, "email_change_requested", u.ID, slog.Bool("taken", true))
		return nil
	} else if !errors.Is(err, latch.ErrNotFound) {
		return fmt.Errorf("auth: change email lookup: %w", err)
	}
	link, err := s.verifyLink(EmailClaims{Email: u.Email, UpdateTo: newEmail, RequestType: "change-email-verification", UserID: u.ID}, callbackURL)
	if err != nil {
		return err
	}
	s.send(ctx, u.ID, latch.Mail{Kind: latch.MailChangeEmail, To: newEmail, Name: u.Name, URL: link})
	logEvent(ctx, slog.LevelInfo, "email_change_requested", u.ID, slog.Bool("taken", false))
	return nil
}

// parseEmailToken checks an email-verification token against Secret, then
// against each of PreviousSecrets, so that a link mailed before a rotation
// of the secret still works until it expires.
func (s *Service) parseEmailToken(tok string) (EmailClaims, error) {
	now := s.now()
	c, err := ParseEmailToken(s.Secret, tok, now)
	for _, prev := range s.PreviousSecrets {
		if !errors.Is(err, errEmailTokenInvalid) {
			break
		}
		c, err = ParseEmailToken(prev, tok, now)
	}
	return c, err
}
