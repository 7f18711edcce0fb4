// Package auth implements Better Auth 1.7's email/password authentication
// and session rules for Latch: scrypt password hashing in Better Auth's
// exact format, 32-character ids and session tokens, HMAC-signed cookie
// values, and a Service that signs users up and in, resolves sessions with
// sliding refresh, lists and revokes sessions and changes passwords, and
// runs the account lifecycle over mail (latch.Mailer): password reset
// (reset-password:<token> verification rows), email verification and
// change of email (Better Auth's HS256 email JWT), account deletion. It
// also provides NewSessionChecker, a token.Verifier that rejects JWTs whose
// session has ended.
//
// The package has no net/http dependency: the HTTP layer (authhttp) turns
// *Error values into Better Auth's JSON error bodies and owns cookies.
//
// Every auth event (sign-up, sign-in success and failure, sign-out, revoke,
// password change) is logged through reqlog.Logger(ctx) with the user id,
// the client IP (see WithClient) and the request id. Passwords, tokens,
// cookies and email addresses are never logged.
package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/reqlog"
)

// Better Auth's session defaults.
const (
	DefaultExpiresIn = 7 * 24 * time.Hour
	DefaultUpdateAge = 24 * time.Hour
	DefaultFreshAge  = 24 * time.Hour
	// DontRememberExpiresIn is the lifetime of a rememberMe:false session
	// (hard-coded to 86400 s in Better Auth).
	DontRememberExpiresIn = 24 * time.Hour
)

// Service implements the email/password and session operations. Create it
// with New; the exported fields may be changed before first use.
type Service struct {
	// Users and Sessions persist the data (required).
	Users    latch.UserStore
	Sessions latch.SessionStore
	// Now is the clock; nil means time.Now. Times are truncated to
	// milliseconds, the precision of Better Auth's JavaScript dates.
	Now func() time.Time
	// ExpiresIn is the session lifetime (zero: 7 days).
	ExpiresIn time.Duration
	// UpdateAge is how old a session's last refresh must be before
	// Session slides its expiry (zero: 1 day).
	UpdateAge time.Duration
	// FreshAge is the age after which a session is no longer fresh for
	// ListSessions (zero: 1 day; negative disables the check, like
	// Better Auth's freshAge: 0).
	FreshAge time.Duration
	// DisableRefresh turns sliding refresh off (session.disableSessionRefresh).
	DisableRefresh bool
	// Hasher hashes passwords; nil means Scrypt (Better Auth's format).
	// Tests may plug in a cheaper one.
	Hasher PasswordHasher
	// IDs is the format of new user, account and session ids ("":
	// IDRandom). With IDSerial the store assigns them. It must match the
	// store's format.
	IDs latch.IDFormat
	// HashSlots is how many password hashes run at once (zero: the
	// number of CPUs, at least 2); HashQueue how many more may wait
	// (zero: DefaultHashQueue). Past that, hashing requests get ErrBusy.
	HashSlots int
	HashQueue int
	gateFields
	// OnRevoke, when set, is called with the ids of sessions this
	// service deleted (sign-out, revoke, password change with revocation),
	// for example (*SessionChecker).Invalidate, so that an in-process
	// cache forgets them at once.
	OnRevoke func(sessionIDs ...string)

	// Account lifecycle (see email.go and delete.go).

	// Verifications stores reset and deletion tokens (required for
	// those flows).
	Verifications latch.VerificationStore
	// Mailer sends the account mail; nil turns password reset, email
	// verification and change of email off (Better Auth's answers when
	// sendResetPassword / sendVerificationEmail are not configured).
	Mailer latch.Mailer
	// Secret signs the email-verification JWTs (BETTER_AUTH_SECRET).
	Secret []byte
	// PreviousSecrets still verify the links signed before a rotation of
	// Secret (LATCH_PREVIOUS_SECRETS).
	PreviousSecrets [][]byte
	// BaseURL is the public URL of the auth API, e.g.
	// "https://app.example.com/api/auth"; links start with it.
	BaseURL string
	// RequireEmailVerification refuses sign-in to unverified users (403
	// EMAIL_NOT_VERIFIED, with a fresh verification email) and makes
	// sign-up answer without a session.
	RequireEmailVerification bool
	// RevokeSessionsOnPasswordReset deletes every session of the user
	// when a reset sets a new password.
	RevokeSessionsOnPasswordReset bool
	// DeleteConfirmation makes POST /delete-user email a confirmation
	// link (GET /delete-user/callback) instead of deleting at once.
	DeleteConfirmation bool
	// ResetPasswordExpiresIn, VerificationExpiresIn and
	// DeleteTokenExpiresIn are the token lifetimes (zero: 1 h, 1 h, 1 day).
	ResetPasswordExpiresIn time.Duration
	VerificationExpiresIn  time.Duration
	DeleteTokenExpiresIn   time.Duration
	// VerificationFloor is the minimum duration of an anonymous
	// send-verification-email (zero: 500 ms, Better Auth's).
	VerificationFloor time.Duration

	pending sync.WaitGroup
	// Events, when set, receives the outcome of every sign-up, sign-in
	// and sign-out (for metrics).
	Events Events
}

// Events receives the outcome of sign-up, sign-in and sign-out attempts.
// event is "sign_up", "sign_in" or "sign_out"; outcome is "success",
// "invalid_credentials" (wrong email or password), "rejected" (any other
// Better Auth error: invalid input, email taken) or "error" (a store or
// internal failure). Implementations must be safe for concurrent use and
// fast (they run on the request path).
type Events interface {
	AuthEvent(event, outcome string)
}

// observe reports the outcome of event to s.Events, judged from err.
func (s *Service) observe(event string, err error) {
	if s.Events == nil {
		return
	}
	outcome := "success"
	var ae *Error
	switch {
	case err == nil:
	case errors.Is(err, ErrInvalidEmailOrPassword):
		outcome = "invalid_credentials"
	case errors.As(err, &ae) && !errors.Is(err, latch.ErrUnavailable):
		outcome = "rejected"
	default:
		outcome = "error"
	}
	s.Events.AuthEvent(event, outcome)
}

// New returns a Service with Better Auth's defaults.
func New(users latch.UserStore, sessions latch.SessionStore) *Service {
	return &Service{Users: users, Sessions: sessions}
}

func (s *Service) now() time.Time {
	n := time.Now
	if s.Now != nil {
		n = s.Now
	}
	return n().UTC().Truncate(time.Millisecond)
}

func (s *Service) hasher() PasswordHasher {
	if s.Hasher != nil {
		return s.Hasher
	}
	return Scrypt{}
}

func (s *Service) expiresIn() time.Duration {
	if s.ExpiresIn > 0 {
		return s.ExpiresIn
	}
	return DefaultExpiresIn
}

func (s *Service) updateAge() time.Duration {
	if s.UpdateAge > 0 {
		return s.UpdateAge
	}
	return DefaultUpdateAge
}

func (s *Service) freshAge() time.Duration {
	if s.FreshAge != 0 {
		return s.FreshAge
	}
	return DefaultFreshAge
}

func (s *Service) revoked(ids ...string) {
	if s.OnRevoke != nil && len(ids) > 0 {
		s.OnRevoke(ids...)
	}
}

type clientKey struct{}

// Client describes the caller of a request, recorded on new sessions and
// in the auth log.
type Client struct {
	IP        string
	UserAgent string
}

// WithClient returns ctx carrying the caller's IP and user agent.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

func clientFrom(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey{}).(Client)
	return c
}

// logEvent writes one auth event through reqlog.Logger(ctx), which adds the
// request id. Only ids and the IP are logged.
func logEvent(ctx context.Context, level slog.Level, event, userID string, attrs ...slog.Attr) {
	base := []slog.Attr{
		slog.String("event", event),
		slog.String("user_id", userID),
		slog.String("ip", clientFrom(ctx).IP),
	}
	reqlog.Logger(ctx).LogAttrs(ctx, level, "auth "+event, append(base, attrs...)...)
}

// checkNewPassword applies Better Auth's length rules to a new password.
func checkNewPassword(pw string) error {
	n := PasswordLength(pw)
	if n < MinPasswordLength {
		return ErrPasswordTooShort
	}
	if n > MaxPasswordLength {
		return ErrPasswordTooLong
	}
	return nil
}

// SignUpInput is the body of POST /sign-up/email after schema validation.
type SignUpInput struct {
	Name     string
	Email    string
	Password string
	Image    *string
	// RememberMe false gives a one-day session and a browser-session
	// cookie.
	RememberMe bool
	// CallbackURL goes into the verification link (RequireEmailVerification).
	CallbackURL string
}

// SignUp creates the user, its credential account and a session.
// Errors: a VALIDATION_ERROR from CheckName or CheckImage, ErrInvalidEmail, ErrPasswordTooShort, ErrPasswordTooLong,
// ErrUserAlreadyExists (422), ErrFailedToCreateUser (422, wrapping the
// store error) when the store refuses the user, or a store error.
func (s *Service) SignUp(ctx context.Context, in SignUpInput) (*latch.User, *latch.Session, error) {
	u, sess, err := s.signUp(ctx, in)
	s.observe("sign_up", err)
	return u, sess, err
}

func (s *Service) signUp(ctx context.Context, in SignUpInput) (*latch.User, *latch.Session, error) {
	if err := CheckName(in.Name); err != nil {
		return nil, nil, err
	}
	if in.Image != nil {
		if err := CheckImage(*in.Image); err != nil {
			return nil, nil, err
		}
	}
	if !ValidEmail(in.Email) {
		return nil, nil, ErrInvalidEmail
	}
	if in.Password == "" {
		return nil, nil, ErrInvalidPassword
	}
	if err := checkNewPassword(in.Password); err != nil {
		return nil, nil, err
	}
	email := strings.ToLower(in.Email)
	if _, err := s.Users.UserByEmail(ctx, email); err == nil {
		logEvent(ctx, slog.LevelInfo, "sign_up_rejected", "", slog.String("reason", "email_exists"))
		if s.RequireEmailVerification {
			// Better Auth's generic answer: the same shape as a new
			// account (a synthetic user, no session), after the same
			// hashing work, so that sign-up does not reveal the email.
			if _, err := s.hash(ctx, in.Password); notHashed(err) {
				return nil, nil, err
			}
			id, err := NewID()
			if err != nil {
				return nil, nil, err
			}
			now := s.now()
			return &latch.User{ID: id, Name: in.Name, Email: email, Image: in.Image, CreatedAt: now, UpdatedAt: now}, nil, nil
		}
		return nil, nil, ErrUserAlreadyExists
	} else if !errors.Is(err, latch.ErrNotFound) {
		return nil, nil, fmt.Errorf("auth: sign-up lookup: %w", err)
	}
	hash, err := s.hash(ctx, in.Password)
	if err != nil {
		return nil, nil, err
	}
	now := s.now()
	uid, err := newRecordID(s.IDs)
	if err != nil {
		return nil, nil, err
	}
	aid, err := newRecordID(s.IDs)
	if err != nil {
		return nil, nil, err
	}
	u := &latch.User{ID: uid, Name: in.Name, Email: email, Image: in.Image, CreatedAt: now, UpdatedAt: now}
	a := &latch.Account{ID: aid, AccountID: uid, ProviderID: latch.CredentialProvider, UserID: uid,
		Password: &hash, CreatedAt: now, UpdatedAt: now}
	if err := s.Users.CreateUser(ctx, u, a); err != nil {
		if errors.Is(err, latch.ErrConflict) {
			return nil, nil, ErrUserAlreadyExists
		}
		if errors.Is(err, latch.ErrUnavailable) {
			// The database is down: a 503 to retry, not a 422.
			return nil, nil, fmt.Errorf("auth: sign-up: %w", err)
		}
		// Better Auth answers any other failure to create the user (for
		// example PostgreSQL refusing a NUL character in the name) with
		// 422 FAILED_TO_CREATE_USER, never a 500.
		logEvent(ctx, slog.LevelError, "sign_up_failed", "", slog.String("error", err.Error()))
		return nil, nil, fmt.Errorf("%w: %w", ErrFailedToCreateUser, err)
	}
	if s.RequireEmailVerification {
		// No session until the address is verified (Better Auth's
		// requireEmailVerification, with sendOnSignUp).
		if s.Mailer != nil {
			s.sendVerification(ctx, u, in.CallbackURL)
		}
		logEvent(ctx, slog.LevelInfo, "sign_up", u.ID, slog.Bool("verification_required", true))
		return u, nil, nil
	}
	sess, err := s.createSession(ctx, u.ID, in.RememberMe)
	if err != nil {
		return nil, nil, err
	}
	logEvent(ctx, slog.LevelInfo, "sign_up", u.ID, slog.String("session_id", sess.ID))
	return u, sess, nil
}

// createSession inserts a new session for userID.
func (s *Service) createSession(ctx context.Context, userID string, remember bool) (*latch.Session, error) {
	id, err := newRecordID(s.IDs)
	if err != nil {
		return nil, err
	}
	tok, err := NewID()
	if err != nil {
		return nil, err
	}
	now := s.now()
	life := s.expiresIn()
	if !remember {
		life = DontRememberExpiresIn
	}
	c := clientFrom(ctx)
	// The client strings come from request headers: keep them storable on
	// every backend (PostgreSQL refuses invalid UTF-8 and NUL).
	ua := strings.ReplaceAll(strings.ToValidUTF8(c.UserAgent, "\uFFFD"), "\x00", "")
	ip := strings.ReplaceAll(strings.ToValidUTF8(c.IP, "\uFFFD"), "\x00", "")
	sess := &latch.Session{ID: id, Token: tok, UserID: userID, ExpiresAt: now.Add(life),
		CreatedAt: now, UpdatedAt: now, IPAddress: ip, UserAgent: ua}
	if err := s.Sessions.CreateSession(ctx, sess); err != nil {
		return nil, fmt.Errorf("auth: create session: %w", err)
	}
	return sess, nil
}

// SignIn checks the email and password and creates a session. Every
// credential failure (unknown email, no credential account, no password,
// wrong password) is ErrInvalidEmailOrPassword and costs one scrypt
// computation, so that timing does not reveal which emails exist. Other
// errors: ErrInvalidEmail, ErrPasswordTooLong, ErrBusy or the context's
// error (no hash was run), or a store error.
func (s *Service) SignIn(ctx context.Context, email, password string, rememberMe bool) (*latch.User, *latch.Session, error) {
	return s.SignInWith(ctx, SignInInput{Email: email, Password: password, RememberMe: rememberMe})
}

// SignInInput is the body of POST /sign-in/email after schema validation.
type SignInInput struct {
	Email, Password string
	RememberMe      bool
	// CallbackURL goes into a verification link sent on sign-in.
	CallbackURL string
}

// SignInWith is SignIn with every option. With RequireEmailVerification
// an unverified user gets ErrEmailNotVerified (after the password check)
// and a fresh verification email.
func (s *Service) SignInWith(ctx context.Context, in SignInInput) (*latch.User, *latch.Session, error) {
	u, sess, err := s.signInWith(ctx, in)
	s.observe("sign_in", err)
	return u, sess, err
}

func (s *Service) signInWith(ctx context.Context, in SignInInput) (*latch.User, *latch.Session, error) {
	email, password, rememberMe := in.Email, in.Password, in.RememberMe
	if !ValidEmail(email) {
		logEvent(ctx, slog.LevelWarn, "sign_in_failed", "", slog.String("reason", "invalid_email"))
		return nil, nil, ErrInvalidEmail
	}
	if PasswordLength(password) > MaxPasswordLength {
		logEvent(ctx, slog.LevelWarn, "sign_in_failed", "", slog.String("reason", "password_too_long"))
		return nil, nil, ErrPasswordTooLong
	}
	fail := func(userID, reason string) (*latch.User, *latch.Session, error) {
		logEvent(ctx, slog.LevelWarn, "sign_in_failed", userID, slog.String("reason", reason))
		return nil, nil, ErrInvalidEmailOrPassword
	}
	// dummy costs what a wrong password costs; when the gate refuses or
	// abandons it, the caller gets that answer, as for a known email.
	dummy := func() error {
		if _, err := s.hash(ctx, password); notHashed(err) {
			return err
		}
		return nil
	}
	u, err := s.Users.UserByEmail(ctx, strings.ToLower(email))
	if errors.Is(err, latch.ErrNotFound) {
		if err := dummy(); err != nil {
			return nil, nil, err
		}
		return fail("", "unknown_user")
	} else if err != nil {
		return nil, nil, fmt.Errorf("auth: sign-in lookup: %w", err)
	}
	acct, err := s.Users.CredentialAccount(ctx, u.ID)
	if errors.Is(err, latch.ErrNotFound) || err == nil && acct.AccountID != u.ID {
		if err := dummy(); err != nil {
			return nil, nil, err
		}
		return fail(u.ID, "no_credential_account")
	} else if err != nil {
		return nil, nil, fmt.Errorf("auth: sign-in account: %w", err)
	}
	if acct.Password == nil || *acct.Password == "" {
		if err := dummy(); err != nil {
			return nil, nil, err
		}
		return fail(u.ID, "no_password")
	}
	ok, err := s.verify(ctx, *acct.Password, password)
	if notHashed(err) {
		return nil, nil, err
	}
	if err != nil {
		logEvent(ctx, slog.LevelError, "sign_in_failed", u.ID, slog.String("reason", "bad_stored_hash"))
		return nil, nil, ErrInvalidEmailOrPassword
	}
	if !ok {
		return fail(u.ID, "wrong_password")
	}
	if s.RequireEmailVerification && !u.EmailVerified {
		if s.Mailer != nil {
			s.sendVerification(ctx, u, in.CallbackURL)
		}
		logEvent(ctx, slog.LevelWarn, "sign_in_failed", u.ID, slog.String("reason", "email_not_verified"))
		return nil, nil, ErrEmailNotVerified
	}
	sess, err := s.createSession(ctx, u.ID, rememberMe)
	if err != nil {
		return nil, nil, err
	}
	logEvent(ctx, slog.LevelInfo, "sign_in", u.ID, slog.String("session_id", sess.ID))
	return u, sess, nil
}

// SessionExpiresIn returns the session lifetime (the session cookie's
// Max-Age).
func (s *Service) SessionExpiresIn() time.Duration { return s.expiresIn() }
