package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

var (
	signKeysOnce sync.Once
	signKeys     map[string]SigningKey
)

// signingKeys returns one fixed-per-run key for each algorithm KeySigner
// supports (RSA generation is slow, so the keys are made once).
func signingKeys(tb testing.TB) map[string]SigningKey {
	tb.Helper()
	signKeysOnce.Do(func() {
		_, ed, _ := ed25519.GenerateKey(rand.Reader)
		ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		rs, _ := rsa.GenerateKey(rand.Reader, 2048)
		signKeys = map[string]SigningKey{
			"EdDSA": {ID: "ed-1", Alg: "EdDSA", Key: ed},
			"ES256": {ID: "es-1", Alg: "ES256", Key: ec},
			"RS256": {ID: "rs-1", Alg: "RS256", Key: rs},
		}
	})
	return signKeys
}

func TestKeySignerRoundTrip(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	for alg, key := range signingKeys(t) {
		t.Run(alg, func(t *testing.T) {
			s, err := NewKeySigner(key, WithClock(func() time.Time { return now }), WithIssuer("https://a.example"))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := s.Sign(Claims{Subject: "42", Email: "a@example.com", SessionID: "s1"})
			if err != nil {
				t.Fatal(err)
			}
			hdr, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
			if want := `{"alg":"` + alg + `","kid":"` + key.ID + `","typ":"JWT"}`; string(hdr) != want {
				t.Errorf("header = %s, want %s", hdr, want)
			}

			// Our own verifier, through the JWKS we publish.
			doc, err := MarshalJWKS([]PublicKey{key.Public()})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(doc), `"d"`) || strings.Contains(string(doc), `"p"`) {
				t.Fatalf("JWKS carries private material: %s", doc)
			}
			set, err := ParseJWKS(doc)
			if err != nil {
				t.Fatal(err)
			}
			v, err := NewKeySetVerifier(set, WithClock(func() time.Time { return now }))
			if err != nil {
				t.Fatal(err)
			}
			c, err := v.Verify(context.Background(), tok)
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != "42" || c.Email != "a@example.com" || c.SessionID != "s1" || c.Issuer != "https://a.example" {
				t.Errorf("claims = %+v", c)
			}

			// golang-jwt v5 with the public key, the algorithm pinned.
			parsed, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return key.Key.Public(), nil },
				jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(func() time.Time { return now }))
			if err != nil || !parsed.Valid {
				t.Fatalf("golang-jwt: %v", err)
			}
			if sub, _ := parsed.Claims.GetSubject(); sub != "42" {
				t.Errorf("golang-jwt sub = %q", sub)
			}

			// A flipped signature byte fails.
			b := []byte(tok)
			b[len(b)-3] ^= 1
			if _, err := v.Verify(context.Background(), string(b)); err == nil {
				t.Error("tampered token verified")
			}
		})
	}
}

func TestNewKeySignerRefuses(t *testing.T) {
	keys := signingKeys(t)
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for name, k := range map[string]SigningKey{
		"no id":         {Alg: "EdDSA", Key: keys["EdDSA"].Key},
		"no key":        {ID: "x", Alg: "EdDSA"},
		"HS256":         {ID: "x", Alg: "HS256", Key: keys["EdDSA"].Key},
		"alg mismatch":  {ID: "x", Alg: "ES256", Key: keys["EdDSA"].Key},
		"wrong curve":   {ID: "x", Alg: "ES256", Key: ec384},
		"rsa as EdDSA":  {ID: "x", Alg: "EdDSA", Key: keys["RS256"].Key},
		"unknown alg":   {ID: "x", Alg: "none", Key: keys["EdDSA"].Key},
		"PS256 signing": {ID: "x", Alg: "PS256", Key: keys["RS256"].Key},
	} {
		if _, err := NewKeySigner(k); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: err = %v, want ErrConfig", name, err)
		}
	}
}

func TestMarshalJWKNeverPrivate(t *testing.T) {
	for alg, key := range signingKeys(t) {
		// Even a PublicKey that wrongly holds the private key writes only
		// the public half (checkKey refuses the mismatched type).
		b, err := MarshalJWK(PublicKey{ID: "k", Alg: alg, Key: key.Key})
		if err == nil {
			t.Errorf("%s: marshalled a private key: %s", alg, b)
		}
		b, err = MarshalJWK(key.Public())
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if _, ok := m[f]; ok {
				t.Errorf("%s: JWK has private field %q", alg, f)
			}
		}
		if m["kid"] != "k" && m["kid"] != key.ID || m["alg"] != alg {
			t.Errorf("%s: JWK = %s", alg, b)
		}
	}
}

// BenchmarkVerifyAsym compares our verify with golang-jwt v5's on the same
// token, for each signing algorithm; run with -bench VerifyAsym.
func BenchmarkVerifyAsym(b *testing.B) {
	now := time.Unix(1_800_000_000, 0)
	ctx := context.Background()
	for _, alg := range []string{"EdDSA", "ES256", "RS256"} {
		key := signingKeys(b)[alg]
		s, _ := NewKeySigner(key, WithClock(func() time.Time { return now }))
		tok, _ := s.Sign(Claims{Subject: "vqol18EOC9vfXM9CEav948BHnx8tQOIo", Email: "alice@example.com", SessionID: "sid"})
		set, _ := NewKeySet(key.Public())
		v, _ := NewKeySetVerifier(set, WithClock(func() time.Time { return now }))
		var pub crypto.PublicKey = key.Key.Public()
		b.Run(alg+"/latch", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.Verify(ctx, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(alg+"/golang-jwt", func(b *testing.B) {
			p := jwt.NewParser(jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(func() time.Time { return now }))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.Parse(tok, func(*jwt.Token) (any, error) { return pub, nil }); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
