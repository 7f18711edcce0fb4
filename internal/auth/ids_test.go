package auth

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/store/sqlite"
	"github.com/latchhq/latch/token"
)

func TestNewUUID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		u, err := NewUUID()
		if err != nil {
			t.Fatal(err)
		}
		if !latch.IDUUID.Valid(u) || u[14] != '4' || !containsByte("89ab", u[19]) {
			t.Fatalf("%q is not a lower-case version 4 UUID with the RFC 9562 variant", u)
		}
		if seen[u] {
			t.Fatalf("UUID %q drawn twice", u)
		}
		seen[u] = true
	}
}

func containsByte(s string, c byte) bool {
	for i := range len(s) {
		if s[i] == c {
			return true
		}
	}
	return false
}

// TestSignUpIDFormats signs up through the service with each id format:
// user, account and session ids have the format (assigned by the
// database for serial), the account points at the user, and the session
// resolves back to the user.
func TestSignUpIDFormats(t *testing.T) {
	for _, f := range []latch.IDFormat{latch.IDRandom, latch.IDUUID, latch.IDSerial} {
		t.Run(string(f), func(t *testing.T) {
			db, err := sqlite.OpenFormat(context.Background(), filepath.Join(t.TempDir(), "latch.db"), f)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			s := New(db, db)
			s.Hasher = cheapHasher{}
			s.IDs = f
			ctx := context.Background()
			u, sess, err := s.SignUp(ctx, SignUpInput{Name: "A", Email: "a@example.com", Password: "password123", RememberMe: true})
			if err != nil {
				t.Fatal(err)
			}
			if !f.Valid(u.ID) || !f.Valid(sess.ID) || sess.UserID != u.ID {
				t.Fatalf("user %q, session %q of %q: want %s ids", u.ID, sess.ID, sess.UserID, f)
			}
			if f == latch.IDRandom && len(u.ID) != IDLength {
				t.Fatalf("random id %q is not %d characters", u.ID, IDLength)
			}
			if len(sess.Token) != IDLength {
				t.Fatalf("session token %q: want %d characters whatever the id format", sess.Token, IDLength)
			}
			a, err := db.CredentialAccount(ctx, u.ID)
			if err != nil || !f.Valid(a.ID) || a.AccountID != u.ID || a.UserID != u.ID {
				t.Fatalf("account %+v, %v: want a %s id with accountId and userId %q", a, err, f, u.ID)
			}
			got, gu, _, err := s.Session(ctx, sess.Token, SessionOptions{})
			if err != nil || got.ID != sess.ID || gu.ID != u.ID {
				t.Fatalf("Session = %+v, %+v, %v", got, gu, err)
			}
		})
	}
}

// TestKeyRingIDFormats: key ids (the JWT kid) follow the id format, as
// Better Auth's jwt plugin makes them: "1" with serial (assigned by the
// database), a UUID with uuid; tokens verify with the published JWKS.
func TestKeyRingIDFormats(t *testing.T) {
	for _, f := range []latch.IDFormat{latch.IDUUID, latch.IDSerial} {
		t.Run(string(f), func(t *testing.T) {
			db, err := sqlite.OpenFormat(context.Background(), filepath.Join(t.TempDir(), "latch.db"), f)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			clock := newClock()
			r := &KeyRing{Store: db, IDs: f, Secrets: [][]byte{[]byte(ringSecret)}, Alg: "EdDSA", Grace: time.Hour,
				Activation: time.Minute, Now: clock.Now, Options: []token.Option{token.WithClock(clock.Now)}}
			if err := r.Load(context.Background()); err != nil {
				t.Fatalf("Load: %v", err)
			}
			tok, err := r.Sign(token.Claims{Subject: "1"})
			if err != nil {
				t.Fatal(err)
			}
			kid := kidOf(t, tok)
			if !f.Valid(kid) || (f == latch.IDSerial && kid != "1") {
				t.Fatalf("kid %q: want a %s id (\"1\" for the first serial key)", kid, f)
			}
			if _, err := verifierOf(t, r, clock).Verify(context.Background(), tok); err != nil {
				t.Fatalf("verify with the published JWKS: %v", err)
			}
		})
	}
}
