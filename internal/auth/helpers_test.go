package auth

import (
	"context"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/scrypt"

	"github.com/latchhq/latch/internal/store/sqlite"
	"github.com/latchhq/latch/internal/testutil"
)

// fakeClock is a settable clock.
type fakeClock = testutil.Clock

func newClock() *fakeClock {
	return testutil.NewClock(time.Date(2026, 11, 28, 6, 25, 34, 41_000_000, time.UTC))
}

// cheapHasher keeps Better Auth's "<salt>:<key hex>" format with a tiny
// scrypt cost, so that tests under -race stay fast. Tests of the real
// parameters use Scrypt.
type cheapHasher struct{}

func (cheapHasher) Hash(pw string) (string, error) {
	salt, err := RandomString(32)
	if err != nil {
		return "", err
	}
	k, err := scrypt.Key([]byte(pw), []byte(salt), 16, 1, 1, 64)
	return salt + ":" + hex.EncodeToString(k), err
}

func (cheapHasher) Verify(hash, pw string) (bool, error) {
	salt, key, ok := strings.Cut(hash, ":")
	if !ok {
		return false, ErrMalformedHash
	}
	k, err := scrypt.Key([]byte(pw), []byte(salt), 16, 1, 1, 64)
	return hex.EncodeToString(k) == key, err
}

// openStore opens a fresh SQLite database in a temp dir.
func openStore(t testing.TB) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "latch.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newService returns a Service over a fresh SQLite store with a fake
// clock and the cheap hasher.
func newService(t testing.TB) (*Service, *fakeClock, *sqlite.DB) {
	t.Helper()
	db := openStore(t)
	clk := newClock()
	s := New(db, db)
	s.Now = clk.Now
	s.Hasher = cheapHasher{}
	return s, clk, db
}
