package auth

import (
	"crypto/rand"
	"fmt"

	"github.com/latchhq/latch"
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

// NewUUID returns a version 4 UUID in lower case, as crypto.randomUUID()
// makes them for Better Auth's generateId: "uuid".
func NewUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("auth: random: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 9562 variant
	const hexdigits = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hexdigits[c>>4], hexdigits[c&0x0f])
	}
	return string(out), nil
}

// newRecordID returns the id of a new user, account or session in format
// f: a random 32-character id, a UUID, or "" for IDSerial, where the
// database assigns the id when the store inserts the row.
func newRecordID(f latch.IDFormat) (string, error) {
	switch f {
	case latch.IDSerial:
		return "", nil
	case latch.IDUUID:
		return NewUUID()
	}
	return NewID()
}
