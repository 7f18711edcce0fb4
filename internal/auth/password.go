package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"
)

// Scrypt parameters, identical to Better Auth's (@better-auth/utils
// password.node.ts).
const (
	ScryptN      = 16384
	ScryptR      = 16
	ScryptP      = 1
	ScryptKeyLen = 64
)

// Password length limits, counted as JavaScript's string.length (UTF-16
// code units), as Better Auth does.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 128
)

// ErrMalformedHash is returned by VerifyPassword for a stored hash that is
// not "<salt>:<key hex>".
var ErrMalformedHash = errors.New("auth: malformed password hash")

// PasswordLength returns the length of s in UTF-16 code units, the unit
// JavaScript's string.length counts. Invalid UTF-8 bytes count as one unit
// each (they decode to U+FFFD).
func PasswordLength(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// scryptSlots bounds how many scrypt computations run at once. Each one
// allocates 128*N*r bytes (32 MiB) and keeps a CPU busy for tens of
// milliseconds, so a flood of sign-in attempts (unknown emails cost the
// same work) would otherwise exhaust memory long before CPU. Better Auth
// gets the same bound from Node's libuv thread pool (4 threads). Waiting
// callers queue; the CPU is saturated either way, so throughput is the
// same.
var scryptSlots = make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))

// scryptRuns counts scrypt computations that got a slot; scryptWaiting
// and scryptWaitNanos describe the queue in front of scryptSlots (see
// PasswordHashStats).
var (
	scryptRuns      atomic.Int64
	scryptWaiting   atomic.Int64
	scryptWaitNanos atomic.Int64
)

// HashStats is a snapshot of the password-hash queue, for metrics.
type HashStats struct {
	Waiting   int           // callers waiting for a slot
	Running   int           // hashes being computed
	Slots     int           // hashes that may run at once
	Runs      int64         // hashes computed since start
	WaitTotal time.Duration // time callers spent waiting for a slot since start
}

// PasswordHashStats returns the current state of the scrypt queue shared
// by every Service in the process.
func PasswordHashStats() HashStats {
	return HashStats{
		Waiting:   int(scryptWaiting.Load()),
		Running:   len(scryptSlots),
		Slots:     cap(scryptSlots),
		Runs:      scryptRuns.Load(),
		WaitTotal: time.Duration(scryptWaitNanos.Load()),
	}
}

// scryptKey derives the 64-byte key over the NFKC-normalised password with
// salt (the salt's bytes exactly as given: Better Auth passes the hex
// string itself).
func scryptKey(password string, salt []byte) ([]byte, error) {
	select {
	case scryptSlots <- struct{}{}:
	default:
		scryptWaiting.Add(1)
		start := time.Now()
		scryptSlots <- struct{}{}
		scryptWaitNanos.Add(int64(time.Since(start)))
		scryptWaiting.Add(-1)
	}
	defer func() { <-scryptSlots }()
	scryptRuns.Add(1)
	return scryptDerive(norm.NFKC.String(password), salt)
}

// HashPassword hashes password exactly as Better Auth does: 16 random bytes
// hex-encoded form the salt, the 32-character hex string's bytes are the
// scrypt salt, and the result is "<salt hex>:<key hex>" (161 characters).
func HashPassword(password string) (string, error) {
	var raw [16]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("auth: random salt: %w", err)
	}
	salt := hex.EncodeToString(raw[:])
	return hashWithSalt(password, salt)
}

func hashWithSalt(password, salt string) (string, error) {
	key, err := scryptKey(password, []byte(salt))
	if err != nil {
		return "", fmt.Errorf("auth: scrypt: %w", err)
	}
	return salt + ":" + hex.EncodeToString(key), nil
}

// VerifyPassword reports whether password matches hash ("<salt>:<key
// hex>", as written by Better Auth or HashPassword). The comparison is
// constant-time. A hash without both parts yields ErrMalformedHash.
func VerifyPassword(hash, password string) (bool, error) {
	// Better Auth splits on ":" and uses the first two parts.
	parts := strings.Split(hash, ":")
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return false, ErrMalformedHash
	}
	key, err := scryptKey(password, []byte(parts[0]))
	if err != nil {
		return false, fmt.Errorf("auth: scrypt: %w", err)
	}
	got := hex.EncodeToString(key)
	return subtle.ConstantTimeCompare([]byte(got), []byte(parts[1])) == 1, nil
}

// PasswordHasher hashes and verifies passwords (Better Auth's
// emailAndPassword.password.{hash,verify}).
type PasswordHasher interface {
	Hash(password string) (string, error)
	Verify(hash, password string) (bool, error)
}

// Scrypt is Better Auth's default hasher: HashPassword and VerifyPassword.
type Scrypt struct{}

// Hash calls HashPassword.
func (Scrypt) Hash(password string) (string, error) { return HashPassword(password) }

// Verify calls VerifyPassword.
func (Scrypt) Verify(hash, password string) (bool, error) { return VerifyPassword(hash, password) }
