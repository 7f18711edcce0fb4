package auth

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Known vectors computed with Python hashlib.scrypt and checked with
// Better Auth 1.7.25's own verifyPassword (@better-auth/utils).
var passwordVectors = []struct {
	name     string
	password string
	hash     string
}{
	{
		name:     "ascii",
		password: "password123",
		hash:     "0123456789abcdef0123456789abcdef:e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e5545feada0ba62f2b05eeb943b750c9396874e1762c78d27d",
	},
	{
		name:     "fullwidth is NFKC-normalised",
		password: "Ａｂｃ１２３ｐａｓｓ",
		hash:     "fedcba9876543210fedcba9876543210:4084591103e8118c67fcaacf55e111c07571b0d04cb91be110ffecfe66930f7786178bcf06e97735c76624f4299362882902a3b12e8356a684e43bf8a429d96e",
	},
}

// scryptHeavy reports whether to run every real-scrypt check: scrypt
// with N=16384, r=16 is about 4x slower under -race, so race runs keep the
// minimum that proves the format.
func scryptHeavy() bool { return !raceEnabled && !testing.Short() }

func TestVerifyPasswordKnownVectors(t *testing.T) {
	vectors := passwordVectors
	if !scryptHeavy() {
		vectors = vectors[1:] // the NFKC one covers the ASCII path too
	}
	for _, v := range vectors {
		t.Run(v.name, func(t *testing.T) {
			ok, err := VerifyPassword(v.hash, v.password)
			if err != nil || !ok {
				t.Fatalf("VerifyPassword(vector) = %v, %v; want true", ok, err)
			}
			if !scryptHeavy() {
				return
			}
			ok, err = VerifyPassword(v.hash, v.password+"x")
			if err != nil || ok {
				t.Fatalf("VerifyPassword(wrong) = %v, %v; want false", ok, err)
			}
			salt, _, _ := strings.Cut(v.hash, ":")
			got, err := hashWithSalt(v.password, salt)
			if err != nil || got != v.hash {
				t.Fatalf("hashWithSalt = %q, %v; want %q", got, err, v.hash)
			}
		})
	}
}

func TestHashPasswordFormat(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{32}:[0-9a-f]{128}$`).MatchString(h) || len(h) != 161 {
		t.Fatalf("hash %q is not <32 hex>:<128 hex>", h)
	}
	if ok, err := VerifyPassword(h, "correct horse"); !ok || err != nil {
		t.Fatalf("round trip failed: %v %v", ok, err)
	}
	if !scryptHeavy() {
		return
	}
	h2, _ := HashPassword("correct horse")
	if h[:32] == h2[:32] {
		t.Fatal("two hashes of one password share a salt: salt not random")
	}
}

func TestVerifyPasswordMalformed(t *testing.T) {
	for _, h := range []string{"", "abc", ":abc", "abc:", "nocolon"} {
		if ok, err := VerifyPassword(h, "x"); ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("VerifyPassword(%q) = %v, %v; want false, ErrMalformedHash", h, ok, err)
		}
	}
}

func TestPasswordLength(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{name: "ascii", in: "abcdefgh", want: 8},
		{name: "bmp", in: "héllo", want: 5},
		{name: "astral counts two", in: "😀😀😀😀", want: 8},
		{name: "invalid utf8 byte", in: "ab\xff", want: 3},
		{name: "empty", in: "", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PasswordLength(tt.in); got != tt.want {
				t.Fatalf("PasswordLength(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
	// 4 emoji = 8 UTF-16 units: long enough although only 4 runes.
	if err := checkNewPassword("😀😀😀😀"); err != nil {
		t.Fatalf("4 astral chars rejected: %v", err)
	}
	if err := checkNewPassword(strings.Repeat("😀", 65)); err != ErrPasswordTooLong {
		t.Fatalf("65 astral chars (130 units): %v, want too long", err)
	}
	if utf8.RuneCountInString(strings.Repeat("😀", 65)) > MaxPasswordLength {
		t.Fatal("test premise broken")
	}
}

func BenchmarkScryptHash(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("password123"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestScryptConcurrencyIsBounded: each scrypt computation takes 32 MiB, so
// only cap(scryptSlots) may run at once; a hash started while every slot
// is busy waits for one to free.
func TestScryptConcurrencyIsBounded(t *testing.T) {
	for range cap(scryptSlots) {
		scryptSlots <- struct{}{}
	}
	released := false
	release := func() {
		if !released {
			released = true
			for range cap(scryptSlots) {
				<-scryptSlots
			}
		}
	}
	t.Cleanup(release)
	runs := scryptRuns.Load()
	done := make(chan error, 1)
	go func() {
		_, err := HashPassword("password123")
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("HashPassword ran while every scrypt slot was taken (err %v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	if n := scryptRuns.Load(); n != runs {
		t.Fatalf("%d scrypt computation(s) started while every slot was taken", n-runs)
	}
	release()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		if n := scryptRuns.Load(); n != runs+1 {
			t.Fatalf("scrypt runs went from %d to %d, want one more", runs, n)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("HashPassword did not finish after the slots were freed")
	}
}
