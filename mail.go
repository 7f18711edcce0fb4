package latch

import (
	"context"
	"time"
)

// MailKind names one kind of message the auth service sends.
type MailKind string

// The messages of the account lifecycle flows.
const (
	// MailResetPassword carries the link of a password reset.
	MailResetPassword MailKind = "reset-password"
	// MailVerifyEmail carries the link that verifies the user's address.
	MailVerifyEmail MailKind = "verify-email"
	// MailChangeEmail goes to a new address and carries the link that
	// confirms the change.
	MailChangeEmail MailKind = "change-email"
	// MailDeleteAccount carries the link that confirms deleting the
	// account.
	MailDeleteAccount MailKind = "delete-account"
)

// Mail is one message to send. URL holds a secret token: it must never be
// logged (except by the development sender, which exists to show it).
type Mail struct {
	Kind MailKind
	// To is the recipient address.
	To string
	// Name is the recipient's display name (may be empty).
	Name string
	// URL is the link the recipient follows.
	URL string
}

// Mailer sends the auth service's messages. Send must not block on the
// network: it hands the message to a queue and returns; delivery failures
// are the mailer's to retry and log. An error means the message was not
// accepted (for example a full queue).
type Mailer interface {
	Send(ctx context.Context, m Mail) error
}

// Verification is a row of Better Auth's "verification" table: a
// single-use value (for a password reset, the user id) stored under an
// identifier such as "reset-password:<token>".
type Verification struct {
	ID         string
	Identifier string
	Value      string
	ExpiresAt  time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// PasswordReset is what VerificationStore.ResetPassword applies.
type PasswordReset struct {
	// Identifier names the verification row to consume.
	Identifier string
	// UserID must be the row's value.
	UserID string
	// Hash is the new password hash.
	Hash string
	// NewAccountID is the id of the credential account created when the
	// user has none.
	NewAccountID string
	// RevokeSessions deletes all the user's sessions too.
	RevokeSessions bool
	// Now stamps the rows and is the expiry reference.
	Now time.Time
}

// VerificationStore persists verification rows and the operations that
// consume them.
type VerificationStore interface {
	// CreateVerification inserts v.
	CreateVerification(ctx context.Context, v *Verification) error
	// VerificationByIdentifier returns the newest row with this
	// identifier (expired or not), or ErrNotFound.
	VerificationByIdentifier(ctx context.Context, identifier string) (*Verification, error)
	// ConsumeVerification deletes every row with this identifier and
	// returns the newest one, or ErrNotFound when there was none. Of
	// concurrent callers exactly one gets the row.
	ConsumeVerification(ctx context.Context, identifier string) (*Verification, error)
	// ResetPassword, in one transaction, consumes the rows named by
	// r.Identifier (the newest must hold r.UserID and expire after r.Now,
	// else ErrNotFound and nothing changes), sets the password of the
	// user's credential account (creating it when missing) and, with
	// r.RevokeSessions, deletes the user's sessions, whose ids it returns.
	// Of concurrent calls with one identifier exactly one succeeds.
	ResetPassword(ctx context.Context, r PasswordReset) (revoked []string, err error)
}
