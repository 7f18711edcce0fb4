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
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// testKey is a generated key pair with its JWK.
type testKey struct {
	alg    string
	kid    string
	priv   crypto.Signer
	method jwt.SigningMethod
}

var (
	testKeysOnce sync.Once
	testKeys     map[string]*testKey
)

// keys returns one generated key per algorithm Better Auth can use, plus
// ES384 (generated once per test binary; RSA generation is slow).
func keys(t testing.TB) map[string]*testKey {
	t.Helper()
	testKeysOnce.Do(func() {
		_, ed, _ := ed25519.GenerateKey(rand.Reader)
		p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		p521, _ := ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
		rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
		testKeys = map[string]*testKey{
			"EdDSA": {alg: "EdDSA", priv: ed, method: jwt.SigningMethodEdDSA},
			"ES256": {alg: "ES256", priv: p256, method: jwt.SigningMethodES256},
			"ES384": {alg: "ES384", priv: p384, method: jwt.SigningMethodES384},
			"ES512": {alg: "ES512", priv: p521, method: jwt.SigningMethodES512},
			"RS256": {alg: "RS256", priv: rsaKey, method: jwt.SigningMethodRS256},
			"PS256": {alg: "PS256", priv: rsaKey, method: jwt.SigningMethodPS256},
		}
		for alg, k := range testKeys {
			k.kid = "kid-" + alg
		}
	})
	return testKeys
}

// JWK returns the public JWK as Better Auth publishes it (with alg, no use).
func (k *testKey) JWK() map[string]string {
	b := base64.RawURLEncoding.EncodeToString
	m := map[string]string{"kid": k.kid, "alg": k.alg}
	switch pub := k.priv.Public().(type) {
	case ed25519.PublicKey:
		m["kty"], m["crv"], m["x"] = "OKP", "Ed25519", b(pub)
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		m["kty"], m["crv"] = "EC", pub.Curve.Params().Name
		m["x"], m["y"] = b(pub.X.FillBytes(make([]byte, size))), b(pub.Y.FillBytes(make([]byte, size)))
	case *rsa.PublicKey:
		m["kty"], m["n"], m["e"] = "RSA", b(pub.N.Bytes()), b(big.NewInt(int64(pub.E)).Bytes())
	}
	return m
}

// jwksJSON returns a JWKS document holding the given JWKs.
func jwksJSON(t testing.TB, jwks ...map[string]string) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": jwks})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sign makes a token the way Better Auth's jwt plugin does: header
// {"alg","kid"} without typ.
func (k *testKey) sign(t testing.TB, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(k.method, claims)
	delete(tok.Header, "typ")
	tok.Header["kid"] = k.kid
	s, err := tok.SignedString(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const baOrigin = "http://localhost:3000"

// baClaims are Better Auth jwt plugin claims: the user object plus iat,
// sub, exp (15 min), iss and aud.
func baClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iat": testNow.Unix(), "name": "Alice", "email": "alice@example.com", "emailVerified": false,
		"createdAt": "2026-11-28T06:25:34.041Z", "updatedAt": "2026-11-28T06:25:34.041Z",
		"id": "vqol18EOC9vfXM9CEav948BHnx8tQOIo", "sub": "vqol18EOC9vfXM9CEav948BHnx8tQOIo",
		"exp": testNow.Add(15 * time.Minute).Unix(), "iss": baOrigin, "aud": baOrigin,
	}
}

func newKeySetVerifier(t testing.TB, jwks []byte) *KeySetVerifier {
	t.Helper()
	set, err := ParseJWKS(jwks)
	if err != nil {
		t.Fatal(err)
	}
	v, err := NewKeySetVerifier(set, WithClock(func() time.Time { return testNow }),
		RequireIssuer(baOrigin), RequireAudience(baOrigin))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestKeySetVerifierAlgorithms(t *testing.T) {
	ks := keys(t)
	for _, alg := range []string{"EdDSA", "ES256", "ES384", "ES512", "RS256", "PS256"} {
		t.Run(alg, func(t *testing.T) {
			k := ks[alg]
			v := newKeySetVerifier(t, jwksJSON(t, k.JWK()))
			c, err := v.Verify(context.Background(), k.sign(t, baClaims()))
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != "vqol18EOC9vfXM9CEav948BHnx8tQOIo" || c.Email != "alice@example.com" || c.Issuer != baOrigin ||
				len(c.Audience) != 1 || c.Audience[0] != baOrigin || !c.ExpiresAt.Equal(testNow.Add(15*time.Minute)) {
				t.Fatalf("claims = %+v", c)
			}
		})
	}
}

func TestKeySetVerifierRejects(t *testing.T) {
	ks := keys(t)
	all := jwksJSON(t, ks["EdDSA"].JWK(), ks["ES256"].JWK(), ks["RS256"].JWK())
	v := newKeySetVerifier(t, all)
	ed := ks["EdDSA"]
	_, otherEd, _ := ed25519.GenerateKey(rand.Reader)
	impostor := &testKey{alg: "EdDSA", kid: ed.kid, priv: otherEd, method: jwt.SigningMethodEdDSA}
	withKid := func(alg, kid string) string {
		return fmt.Sprintf(`{"alg":%q,"kid":%q}`, alg, kid)
	}
	payload, _ := json.Marshal(baClaims())
	// HMAC with the public key as secret: the classic confusion attack.
	pubAsSecret := []byte(ks["RS256"].JWK()["n"])
	psWithRS := *ks["PS256"]
	psWithRS.kid = ks["RS256"].kid

	expired := baClaims()
	expired["exp"] = testNow.Add(-time.Hour).Unix()
	wrongAud := baClaims()
	wrongAud["aud"] = "better-auth:session-cache"

	tests := []struct {
		name string
		tok  string
		want error
	}{
		{name: "HS256 signed with public key", tok: rawToken(withKid("HS256", ks["RS256"].kid), string(payload), pubAsSecret, sha256New), want: ErrAlgorithm},
		{name: "alg none", tok: enc(withKid("none", ed.kid)) + "." + enc(string(payload)) + ".AAAA", want: ErrAlgorithm},
		{name: "RS256 header on Ed25519 kid", tok: rawToken(withKid("RS256", ed.kid), string(payload), pubAsSecret, sha256New), want: ErrAlgorithm},
		{name: "PS256 header on RS256 key", tok: psWithRS.sign(t, baClaims()), want: ErrAlgorithm},
		{name: "ES256 header on EdDSA kid", tok: (&testKey{alg: "ES256", kid: ed.kid, priv: ks["ES256"].priv, method: jwt.SigningMethodES256}).sign(t, baClaims()), want: ErrAlgorithm},
		{name: "unknown kid", tok: (&testKey{alg: "EdDSA", kid: "nope", priv: otherEd, method: jwt.SigningMethodEdDSA}).sign(t, baClaims()), want: ErrUnknownKey},
		{name: "no kid with several keys", tok: rawToken(`{"alg":"EdDSA"}`, string(payload), pubAsSecret, sha256New), want: ErrUnknownKey},
		{name: "other key, same kid", tok: impostor.sign(t, baClaims()), want: ErrSignature},
		{name: "expired", tok: ed.sign(t, expired), want: ErrExpired},
		{name: "session-cache audience", tok: ed.sign(t, wrongAud), want: ErrClaims},
		{name: "session-cache typ", tok: func() string {
			tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, baClaims())
			tok.Header["kid"], tok.Header["typ"] = ed.kid, "better-auth.session-cache+jwt"
			s, _ := tok.SignedString(ed.priv)
			return s
		}(), want: ErrMalformed},
		{name: "oversized", tok: strings.Repeat("x", MaxTokenSize+1), want: ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := v.Verify(context.Background(), tt.tok); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
	t.Run("no kid with one key", func(t *testing.T) {
		v := newKeySetVerifier(t, jwksJSON(t, ed.JWK()))
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, baClaims())
		s, _ := tok.SignedString(ed.priv)
		if _, err := v.Verify(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	})
}

func TestParseJWKS(t *testing.T) {
	ks := keys(t)
	noAlg := func(k *testKey) map[string]string {
		m := k.JWK()
		delete(m, "alg")
		return m
	}
	with := func(m map[string]string, kv ...string) map[string]string {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	smallRSA, _ := rsa.GenerateKey(rand.Reader, 1024)
	small := (&testKey{alg: "RS256", kid: "small", priv: smallRSA}).JWK()
	tests := []struct {
		name     string
		doc      []byte
		wantErr  bool
		wantAlgs map[string]string // kid -> alg
	}{
		{name: "inferred algorithms", doc: jwksJSON(t, noAlg(ks["EdDSA"]), noAlg(ks["ES256"]), noAlg(ks["ES384"]), noAlg(ks["ES512"]), noAlg(ks["RS256"])),
			wantAlgs: map[string]string{"kid-EdDSA": "EdDSA", "kid-ES256": "ES256", "kid-ES384": "ES384", "kid-ES512": "ES512", "kid-RS256": "RS256"}},
		{name: "skips encryption keys and unknown types", doc: jwksJSON(t, ks["EdDSA"].JWK(), with(ks["ES256"].JWK(), "use", "enc"),
			map[string]string{"kty": "OKP", "crv": "X25519", "x": "AAAA", "kid": "x"}, map[string]string{"kty": "weird"}),
			wantAlgs: map[string]string{"kid-EdDSA": "EdDSA"}},
		{name: "symmetric key", doc: jwksJSON(t, map[string]string{"kty": "oct", "k": "c2VjcmV0", "alg": "HS256", "kid": "h"}), wantErr: true},
		{name: "private key material", doc: jwksJSON(t, with(ks["EdDSA"].JWK(), "d", "AAAA")), wantErr: true},
		{name: "alg contradicts key type", doc: jwksJSON(t, with(ks["EdDSA"].JWK(), "alg", "ES256")), wantErr: true},
		{name: "ES256 alg on P-384 key", doc: jwksJSON(t, with(ks["ES384"].JWK(), "alg", "ES256")), wantErr: true},
		{name: "point not on curve", doc: jwksJSON(t, with(ks["ES256"].JWK(), "y", base64.RawURLEncoding.EncodeToString(make([]byte, 32)))), wantErr: true},
		{name: "short Ed25519 key", doc: jwksJSON(t, with(ks["EdDSA"].JWK(), "x", "AAAA")), wantErr: true},
		{name: "RSA 1024", doc: jwksJSON(t, small), wantErr: true},
		{name: "duplicate kid", doc: jwksJSON(t, ks["EdDSA"].JWK(), ks["EdDSA"].JWK()), wantErr: true},
		{name: "no keys", doc: []byte(`{"keys":[]}`), wantErr: true},
		{name: "not JSON", doc: []byte(`<html>`), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := ParseJWKS(tt.doc)
			if tt.wantErr {
				if !errors.Is(err, ErrMalformed) {
					t.Fatalf("err = %v, want ErrMalformed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, k := range s.Keys() {
				got[k.ID] = k.Alg
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantAlgs) {
				t.Fatalf("keys = %v, want %v", got, tt.wantAlgs)
			}
		})
	}
}
