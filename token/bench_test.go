package token

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// benchSecret and benchNow fix the inputs of every benchmark.
var (
	benchSecret = []byte("0123456789abcdef0123456789abcdef-bench-secret")
	benchNow    = time.Unix(1_800_000_000, 0)
)

const benchOrigin = "https://auth.example.com"

// benchToken returns a typical Latch token and the verifier for it, with
// issuer and audience checks on.
func benchToken(tb testing.TB) (*HS256, string) {
	tb.Helper()
	k, err := NewHS256([][]byte{benchSecret},
		WithClock(func() time.Time { return benchNow }),
		WithIssuer(benchOrigin), WithAudience(benchOrigin),
		RequireIssuer(benchOrigin), RequireAudience(benchOrigin))
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := k.Sign(Claims{
		Subject:   "vqol18EOC9vfXM9CEav948BHnx8tQOIo",
		Email:     "alice@example.com",
		SessionID: "Xr3kq0V9mB2sLw7yT1dZ8aPf4hN6cJ5e",
	})
	if err != nil {
		tb.Fatal(err)
	}
	return k, tok
}

// BenchmarkVerifyHS256 measures HS256.Verify on a typical token.
func BenchmarkVerifyHS256(b *testing.B) {
	k, tok := benchToken(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// jwtClaims is the golang-jwt equivalent of our claims.
type jwtClaims struct {
	Email     string `json:"email,omitempty"`
	SessionID string `json:"sid,omitempty"`
	jwt.RegisteredClaims
}

// BenchmarkGolangJWTv5 parses the same token with golang-jwt/jwt v5 and
// the same checks: HS256 only, exp required, iss and aud, leeway, iat.
func BenchmarkGolangJWTv5(b *testing.B) {
	_, tok := benchToken(b)
	p := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(DefaultLeeway), jwt.WithIssuer(benchOrigin),
		jwt.WithAudience(benchOrigin), jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(func() time.Time { return benchNow }))
	keyFunc := func(*jwt.Token) (any, error) { return benchSecret, nil }
	b.ReportAllocs()
	for b.Loop() {
		var c jwtClaims
		if _, err := p.ParseWithClaims(tok, &c, keyFunc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareHMAC computes HMAC-SHA256 over the same signing input with
// a reused, pre-keyed hash: the floor for any HS256 verifier.
func BenchmarkBareHMAC(b *testing.B) {
	_, tok := benchToken(b)
	input := []byte(tok[:strings.LastIndexByte(tok, '.')])
	m := hmac.New(sha256.New, benchSecret)
	var sum [sha256.Size]byte
	b.ReportAllocs()
	for b.Loop() {
		m.Reset()
		m.Write(input)
		m.Sum(sum[:0])
	}
}
