package latch

import (
	"errors"
	"strings"
)

// Sentinel errors shared by every layer. Stores and services wrap them with
// %w; the HTTP layers map them to statuses in one place each.
var (
	// ErrNotFound means the record does not exist or the caller may not see it.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness rule was violated (for example a
	// duplicate email).
	ErrConflict = errors.New("conflict")
	// ErrInvalid means the input broke a validation rule. Use
	// *ValidationError to carry per-field details.
	ErrInvalid = errors.New("invalid input")
	// ErrUnauthenticated means no valid credentials were presented.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrForbidden means the caller is authenticated but may not act on
	// the resource.
	ErrForbidden = errors.New("forbidden")
	// ErrUnavailable means a backing service (database, cache) could not
	// be reached.
	ErrUnavailable = errors.New("unavailable")
)

// FieldError describes one invalid field or parameter.
type FieldError struct {
	// Location says where the field was found: "body", "query" or "path".
	Location string `json:"location"`
	// Field is the field or parameter name, for example "title".
	Field string `json:"field"`
	// Message is a human-readable explanation.
	Message string `json:"message"`
}

// ValidationError lists every invalid field of one request. It matches
// ErrInvalid with errors.Is.
type ValidationError struct {
	Fields []FieldError
}

// Add appends a field error.
func (e *ValidationError) Add(location, field, message string) {
	e.Fields = append(e.Fields, FieldError{Location: location, Field: field, Message: message})
}

// OrNil returns e when it holds at least one field error, else nil.
func (e *ValidationError) OrNil() error {
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	return e
}

// Error joins the field messages.
func (e *ValidationError) Error() string {
	var b strings.Builder
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.Field)
		b.WriteString(": ")
		b.WriteString(f.Message)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }
