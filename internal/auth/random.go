package auth

import (
	"crypto/rand"
	"fmt"
)

// idAlphabet is Better Auth's generateId alphabet, in its order
// ("a-z", "A-Z", "0-9").
const idAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// maxValidByte is floor(256/62)*62: random bytes at or above it are
// rejected so that every character is equally likely.
const maxValidByte = 256 / len(idAlphabet) * len(idAlphabet) // 248

// IDLength is the length of ids and session tokens.
const IDLength = 32

// RandomString returns n characters of [A-Za-z0-9] drawn from crypto/rand
// with rejection sampling (bytes >= 248 are dropped), as Better Auth's
// generateId does.
func RandomString(n int) (string, error) {
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("auth: random: %w", err)
		}
		for _, b := range buf {
			if int(b) >= maxValidByte {
				continue
			}
			out = append(out, idAlphabet[int(b)%len(idAlphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out), nil
}

// NewID returns a 32-character id or session token.
func NewID() (string, error) { return RandomString(IDLength) }
