package latch

import (
	"context"
	"time"
)

// User is a row of Better Auth's "user" table.
type User struct {
	ID            string
	Name          string
	Email         string // always stored lower-case
	EmailVerified bool
	Image         *string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Account is a row of Better Auth's "account" table. Latch writes only
// credential accounts (ProviderID "credential", AccountID = user id,
// Password = "<salt hex>:<key hex>"); rows of other providers are read as
// they are.
type Account struct {
	ID         string
	AccountID  string
	ProviderID string
	UserID     string
	Password   *string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// CredentialProvider is the providerId of email/password accounts.
const CredentialProvider = "credential"

// Session is a row of Better Auth's "session" table. Token is the bare
// 32-character session token (the cookie carries it with an HMAC).
type Session struct {
	ID        string
	Token     string
	UserID    string
	ExpiresAt time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
	IPAddress string
	UserAgent string
}

// UserUpdate holds the optional fields of a profile update; nil means
// unchanged.
type UserUpdate struct {
	Name  *string
	Image **string // set to a nil *string to clear the image
}

// UserStore persists users and their accounts.
type UserStore interface {
	// CreateUser inserts the user and its credential account in one
	// transaction. The caller sets CreatedAt and UpdatedAt of both (a zero
	// time yields ErrInvalid). A duplicate email yields ErrConflict.
	CreateUser(ctx context.Context, u *User, a *Account) error
	// UserByID returns the user or ErrNotFound.
	UserByID(ctx context.Context, id string) (*User, error)
	// UserByEmail looks the email up exactly as given (callers
	// lower-case it); ErrNotFound when absent.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// UpdateUser applies u, sets UpdatedAt = now and returns the new row;
	// ErrNotFound when absent.
	UpdateUser(ctx context.Context, id string, u UserUpdate, now time.Time) (*User, error)
	// DeleteUser removes the user; sessions, accounts and tasks go with
	// it. ErrNotFound when absent.
	DeleteUser(ctx context.Context, id string) error
	// CredentialAccount returns the user's account with providerId
	// "credential", or ErrNotFound.
	CredentialAccount(ctx context.Context, userID string) (*Account, error)
	// SetPassword stores a new hash on the user's credential account;
	// ErrNotFound when the user has none.
	SetPassword(ctx context.Context, userID, hash string, now time.Time) error
}

// SessionStore persists sessions.
type SessionStore interface {
	// CreateSession inserts s. The caller sets CreatedAt and UpdatedAt (a
	// zero time yields ErrInvalid).
	CreateSession(ctx context.Context, s *Session) error
	// SessionByToken returns the session and its user in one round trip,
	// or ErrNotFound. Expired rows are returned as they are: the caller
	// decides.
	SessionByToken(ctx context.Context, token string) (*Session, *User, error)
	// SessionByID returns the session, or ErrNotFound.
	SessionByID(ctx context.Context, id string) (*Session, error)
	// ExtendSession sets expiresAt and updatedAt of the session with this
	// token; ErrNotFound when absent.
	ExtendSession(ctx context.Context, token string, expiresAt, now time.Time) error
	// ListSessions returns the user's sessions that expire after now,
	// oldest first.
	ListSessions(ctx context.Context, userID string, now time.Time) ([]Session, error)
	// DeleteSession removes the session with this token if userID owns it
	// (an empty userID matches any owner). Deleting nothing is not an
	// error.
	DeleteSession(ctx context.Context, userID, token string) error
	// DeleteUserSessions removes all the user's sessions except the one
	// whose token is keep (empty: remove all).
	DeleteUserSessions(ctx context.Context, userID, keep string) error
}

// RateLimiter counts requests per key in fixed windows. Implementations
// may be in-process or shared (Redis).
type RateLimiter interface {
	// Allow records one request for key and reports whether it is within
	// max per window; when it is not, retryAfter says how long to wait.
	Allow(ctx context.Context, key string, max int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
}
