package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEmailTokenRoundTrip(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	now := time.Unix(1_800_000_000, 0)
	c := EmailClaims{Email: "a@example.com", UserID: "u1", IssuedAt: now.Unix(), ExpiresAt: now.Unix() + 3600}
	tok, err := SignEmailToken(secret, c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6") {
		t.Fatalf("token shape %q differs from Better Auth's", tok)
	}
	got, err := ParseEmailToken(secret, tok, now)
	if err != nil || got != c {
		t.Fatalf("parse = %+v, %v", got, err)
	}
	cases := []struct {
		name string
		tok  string
		now  time.Time
		want error
	}{
		{"expired at exp", tok, now.Add(time.Hour), errEmailTokenExpired},
		{"other secret", func() string { s, _ := SignEmailToken([]byte("x"), c); return s }(), now, errEmailTokenInvalid},
		{"tampered", tok[:len(tok)-2] + "AA", now, errEmailTokenInvalid},
		{"garbage", "a.b.c", now, errEmailTokenInvalid},
		{"empty", "", now, errEmailTokenInvalid},
		{"bad email", func() string {
			s, _ := SignEmailToken(secret, EmailClaims{Email: "nope", ExpiresAt: now.Unix() + 9})
			return s
		}(), now, errEmailTokenInvalid},
	}
	for _, tc := range cases {
		if _, err := ParseEmailToken(secret, tc.tok, tc.now); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func FuzzParseEmailToken(f *testing.F) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	good, _ := SignEmailToken(secret, EmailClaims{Email: "a@example.com", IssuedAt: 1, ExpiresAt: 1 << 40})
	for _, s := range []string{good, "", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", good + "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		c, err := ParseEmailToken(secret, tok, time.Unix(100, 0))
		if err == nil && !ValidEmail(c.Email) {
			t.Fatalf("accepted %q with email %q", tok, c.Email)
		}
		if err == nil && tok != good {
			// Only a correctly signed token can pass: re-signing the
			// claims must give a valid token too.
			if _, err := ParseEmailToken(secret, tok, time.Unix(100, 0)); err != nil {
				t.Fatal("not deterministic")
			}
		}
	})
}

func TestRandomFrom(t *testing.T) {
	seen := map[byte]bool{}
	for range 50 {
		s, err := randomFrom(deleteTokenAlphabetLower, 32)
		if err != nil || len(s) != 32 {
			t.Fatalf("%q %v", s, err)
		}
		for i := 0; i < len(s); i++ {
			if !strings.ContainsRune(deleteTokenAlphabetLower, rune(s[i])) {
				t.Fatalf("%q has %q outside [0-9a-z]", s, s[i])
			}
			seen[s[i]] = true
		}
	}
	if len(seen) != 36 {
		t.Fatalf("%d of 36 characters seen in 1600 draws", len(seen))
	}
}
