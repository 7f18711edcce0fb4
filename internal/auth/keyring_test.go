package auth

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/token"
)

const ringSecret = "ring-secret-0123456789abcdef0123456789"

func newRing(t *testing.T, alg string, clock *fakeClock, store latch.KeyStore) *KeyRing {
	t.Helper()
	r := &KeyRing{Store: store, Secrets: [][]byte{[]byte(ringSecret)}, Alg: alg, Grace: time.Hour, Activation: time.Minute,
		Now: clock.Now, Options: []token.Option{token.WithClock(clock.Now)}}
	if err := r.Load(context.Background()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return r
}

// verifierOf returns a verifier over the ring's published JWKS document,
// as an outside service would build it.
func verifierOf(t *testing.T, r *KeyRing, clock *fakeClock) *token.KeySetVerifier {
	t.Helper()
	doc, err := r.JWKS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	set, err := token.ParseJWKS(doc)
	if err != nil {
		t.Fatalf("ParseJWKS(%s): %v", doc, err)
	}
	v, err := token.NewKeySetVerifier(set, token.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestKeyRingSignsAndPublishes(t *testing.T) {
	for _, alg := range []string{"EdDSA", "ES256", "RS256"} {
		t.Run(alg, func(t *testing.T) {
			clock := newClock()
			db := openStore(t)
			r := newRing(t, alg, clock, db)
			tok, err := r.Sign(token.Claims{Subject: "u1", SessionID: "s1"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := verifierOf(t, r, clock).Verify(context.Background(), tok); err != nil {
				t.Fatalf("verify with the published JWKS: %v", err)
			}
			keys, _ := db.JWKs(context.Background())
			if len(keys) != 1 || keys[0].Alg != alg || !strings.HasPrefix(keys[0].PrivateKey, `"`) {
				t.Fatalf("stored keys = %+v", keys)
			}
			// A second ring on the same database (another instance) uses
			// the same key instead of making its own.
			r2 := newRing(t, alg, clock, db)
			tok2, _ := r2.Sign(token.Claims{Subject: "u1"})
			if kidOf(t, tok2) != kidOf(t, tok) {
				t.Errorf("second instance signs with %s, want %s", kidOf(t, tok2), kidOf(t, tok))
			}
			if keys, _ := db.JWKs(context.Background()); len(keys) != 1 {
				t.Errorf("second instance created a key: %d keys", len(keys))
			}
		})
	}
}

func TestKeyRingRotateGrace(t *testing.T) {
	clock := newClock()
	db := openStore(t)
	r := newRing(t, "EdDSA", clock, db)
	other := newRing(t, "EdDSA", clock, db) // another instance, loaded before the rotation
	old, _ := r.Sign(token.Claims{Subject: "u1"})
	clock.Advance(10 * time.Minute) // the first key has been signing a while
	info, err := r.Rotate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The new key is published at once but signs only after Activation,
	// so that verifiers with a cached JWKS know it first.
	early := verifierOf(t, r, clock)
	if tok, _ := r.Sign(token.Claims{Subject: "u1"}); kidOf(t, tok) != kidOf(t, old) {
		t.Fatalf("right after rotate signs with %s, want the old key until activation", kidOf(t, tok))
	}
	clock.Advance(time.Minute + time.Second)
	fresh, _ := r.Sign(token.Claims{Subject: "u1"})
	if kidOf(t, fresh) != info.ID {
		t.Fatalf("after activation signs with %s, want the new key %s", kidOf(t, fresh), info.ID)
	}
	for _, tok := range []string{old, fresh} {
		if _, err := early.Verify(context.Background(), tok); err != nil {
			t.Errorf("a JWKS fetched right after the rotation: %v", err)
		}
	}
	// The other instance switches to the new key on its own (reload).
	if tok, _ := other.Sign(token.Claims{Subject: "u1"}); kidOf(t, tok) != info.ID {
		t.Errorf("other instance signs with %s after activation, want %s", kidOf(t, tok), info.ID)
	}
	ov, _ := token.NewKeySetVerifier(other, token.WithClock(clock.Now))
	if _, err := ov.Verify(context.Background(), fresh); err != nil {
		t.Errorf("other instance, new kid: %v", err)
	}
	// After the grace period the old key leaves the JWKS and a new
	// rotation deletes it.
	clock.Advance(time.Hour + time.Minute)
	if _, err := verifierOf(t, r, clock).Verify(context.Background(), old); !errors.Is(err, token.ErrUnknownKey) {
		t.Errorf("old key after grace: err = %v, want ErrUnknownKey", err)
	}
	if _, err := r.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	list, _ := r.List(context.Background())
	if len(list) != 2 || list[0].ID != info.ID || !list[0].Signing || list[1].Signing || !list[1].Published {
		t.Errorf("after second rotation: %+v, want the first key deleted, the second still signing until activation", list)
	}
}

func TestKeyRingReadsBetterAuthRows(t *testing.T) {
	// Made by the real better-auth 1.7.25 (jose exportJWK and its
	// symmetricEncrypt with a plain secret); see the node tests for the
	// round trip through a shared database.
	raw, err := os.ReadFile("testdata/better-auth-jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx map[string]struct{ Public, Private, Stored string }
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	const secret = "fixture-secret-0123456789abcdef0123456789"
	for alg, f := range fx {
		plain, err := decryptPrivate(f.Stored, [][]byte{[]byte("wrong-secret-0123456789abcdef0123"), []byte(secret)})
		if err != nil {
			t.Fatalf("%s: decrypt: %v", alg, err)
		}
		if string(plain) != f.Private {
			t.Fatalf("%s: decrypted %q", alg, plain)
		}
		priv, err := parsePrivateJWK(plain)
		if err != nil {
			t.Fatalf("%s: %v", alg, err)
		}
		pub, err := publicOf(&latch.JWK{ID: "k", PublicKey: f.Public, Alg: alg})
		if err != nil {
			t.Fatalf("%s: public: %v", alg, err)
		}
		s, err := token.NewKeySigner(token.SigningKey{ID: "k", Alg: alg, Key: priv})
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := s.Sign(token.Claims{Subject: "x"})
		set, _ := token.NewKeySet(pub)
		v, _ := token.NewKeySetVerifier(set)
		if _, err := v.Verify(context.Background(), tok); err != nil {
			t.Errorf("%s: a key Better Auth made does not round-trip: %v", alg, err)
		}
		if _, err := decryptPrivate(f.Stored, [][]byte{[]byte("wrong-secret-0123456789abcdef0123")}); !errors.Is(err, ErrKey) {
			t.Errorf("%s: wrong secret: err = %v", alg, err)
		}
	}
}

func TestEncryptPrivateRoundTrip(t *testing.T) {
	s := [][]byte{[]byte("new-secret-0123456789abcdef0123456789"), []byte(ringSecret)}
	enc, err := encryptPrivate([]byte(ringSecret), []byte(`{"kty":"OKP"}`))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := decryptPrivate(enc, s)
	if err != nil || string(plain) != `{"kty":"OKP"}` {
		t.Fatalf("decrypt with a previous secret = %q, %v", plain, err)
	}
	if strings.Contains(enc, "OKP") {
		t.Fatal("stored private key is not encrypted")
	}
	for _, bad := range []string{"", `""`, `"zz"`, `"00"`, "null", `"$ba$1$00"`, strings.Repeat("a", 200)} {
		if _, err := decryptPrivate(bad, s); !errors.Is(err, ErrKey) {
			t.Errorf("decryptPrivate(%q) err = %v, want ErrKey", bad, err)
		}
	}
}

func kidOf(t *testing.T, tok string) string {
	t.Helper()
	h, err := b64.DecodeString(strings.Split(tok, ".")[0])
	if err != nil {
		t.Fatal(err)
	}
	var hdr struct{ Kid string }
	_ = json.Unmarshal(h, &hdr)
	return hdr.Kid
}
