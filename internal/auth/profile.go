package auth

import (
	"net/http"
	"strconv"
)

// Caps on user fields, counted like JavaScript's string.length (UTF-16
// code units). Better Auth has none; Latch refuses longer values with a
// Better Auth-style VALIDATION_ERROR.
const (
	MaxNameLength  = 255
	MaxImageLength = 2048
	MaxEmailLength = 254 // RFC 5321: a path is at most 256 octets with its angle brackets
)

// CheckName applies the rules for a user's name: at most MaxNameLength
// characters and no control character.
func CheckName(v string) error { return checkText("name", v, MaxNameLength) }

// CheckImage applies the rules for a user's image URL: at most
// MaxImageLength characters and no control character.
func CheckImage(v string) error { return checkText("image", v, MaxImageLength) }

// TooBig is the 400 VALIDATION_ERROR for a body field longer than max,
// worded as zod words it.
func TooBig(key string, max int) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "VALIDATION_ERROR",
		Message: "[body." + key + "] Too big: expected string to have <=" + strconv.Itoa(max) + " characters"}
}

// checkText refuses a value over max characters or with a control
// character: C0 (U+0000–U+001F, tab and newlines included), DEL and C1
// (U+007F–U+009F). One rule for both databases: PostgreSQL cannot store
// NUL at all, and none of them belongs in a name or a URL.
func checkText(key, v string, max int) error {
	if len(v) > max && PasswordLength(v) > max {
		return TooBig(key, max)
	}
	for _, r := range v {
		if r < 0x20 || r >= 0x7f && r <= 0x9f {
			return &Error{Status: http.StatusBadRequest, Code: "VALIDATION_ERROR",
				Message: "[body." + key + "] Invalid input: control characters are not allowed"}
		}
	}
	return nil
}
