package auth

import (
	"errors"
	"regexp"
)

// Error is a Better Auth API error: an HTTP status, an UPPER_SNAKE code and
// a message, sent as {"message": ..., "code": ...}. An empty Code means the
// body carries only the message (as Better Auth's "No fields to update").
// Status is a plain int so that this package needs no net/http.
type Error struct {
	Status  int
	Code    string
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Is matches another *Error with the same status, code and message, so
// that errors.Is(err, ErrInvalidPassword) works on wrapped errors.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Status == e.Status && t.Code == e.Code && t.Message == e.Message
}

func apiErr(status int, code, msg string) *Error {
	return &Error{Status: status, Code: code, Message: msg}
}

// Better Auth's errors, with the exact codes, messages and statuses of
// 1.7.25 (packages/core/src/error/codes.ts and the routes that use them).
var (
	ErrInvalidEmail              = apiErr(400, "INVALID_EMAIL", "Invalid email")
	ErrInvalidPassword           = apiErr(400, "INVALID_PASSWORD", "Invalid password")
	ErrPasswordTooShort          = apiErr(400, "PASSWORD_TOO_SHORT", "Password too short")
	ErrPasswordTooLong           = apiErr(400, "PASSWORD_TOO_LONG", "Password too long")
	ErrUserAlreadyExists         = apiErr(422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", "User already exists. Use another email.")
	ErrFailedToCreateUser        = apiErr(422, "FAILED_TO_CREATE_USER", "Failed to create user")
	ErrFailedToCreateSession     = apiErr(400, "FAILED_TO_CREATE_SESSION", "Failed to create session")
	ErrInvalidEmailOrPassword    = apiErr(401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password")
	ErrUnauthorized              = apiErr(401, "UNAUTHORIZED", "Unauthorized")
	ErrFailedToGetSession        = apiErr(401, "FAILED_TO_GET_SESSION", "Failed to get session")
	ErrSessionNotFresh           = apiErr(403, "SESSION_NOT_FRESH", "Session is not fresh")
	ErrCredentialAccountNotFound = apiErr(400, "CREDENTIAL_ACCOUNT_NOT_FOUND", "Credential account not found")
	ErrEmailCannotBeUpdated      = apiErr(400, "EMAIL_CAN_NOT_BE_UPDATED", "Email can not be updated")
	ErrNoFieldsToUpdate          = apiErr(400, "", "No fields to update")
	ErrInvalidCallbackURL        = apiErr(403, "INVALID_CALLBACK_URL", "Invalid callbackURL")
	ErrBodyMustBeObject          = apiErr(400, "BODY_MUST_BE_AN_OBJECT", "Body must be an object")
)

// ErrNoSession is returned by Service.Session when the token names no
// session or an expired one; the caller should expire the cookies.
var ErrNoSession = errors.New("auth: no such session")

// emailRE is zod 4's z.email() pattern (the default "html5-like" rule
// Better Auth's schemas use).
var emailRE = regexp.MustCompile(`^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$`)

// ValidEmail reports whether s passes zod's z.email(), which Better Auth
// uses for sign-up (VALIDATION_ERROR) and sign-in (INVALID_EMAIL).
// Latch also refuses addresses over MaxEmailLength characters.
func ValidEmail(s string) bool { return len(s) <= MaxEmailLength && emailRE.MatchString(s) }
