package token

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestDifferentialFromGolangJWT: tokens made by golang-jwt v5 verify with
// ours and give the same claims; tokens it makes with other algorithms or
// past their expiry are rejected by both.
func TestDifferentialFromGolangJWT(t *testing.T) {
	k := newTestHS256(t)
	iat := jwt.NewNumericDate(testNow.Add(-time.Minute))
	exp := jwt.NewNumericDate(testNow.Add(time.Hour))
	tests := []struct {
		name   string
		method jwt.SigningMethod
		claims jwt.MapClaims
		want   Claims // zero Subject: must be rejected
	}{
		{
			name:   "registered claims",
			method: jwt.SigningMethodHS256,
			claims: jwt.MapClaims{"sub": "user-1", "iat": iat, "exp": exp, "iss": "https://a.example", "aud": jwt.ClaimStrings{"https://a.example"}, "email": "a@example.com", "sid": "s1"},
			want: Claims{Subject: "user-1", Email: "a@example.com", SessionID: "s1", Issuer: "https://a.example",
				Audience: []string{"https://a.example"}, IssuedAt: iat.Time.UTC(), ExpiresAt: exp.Time.UTC()},
		},
		{
			name:   "integer sub, nbf, extra claims",
			method: jwt.SigningMethodHS256,
			claims: jwt.MapClaims{"sub": 123, "exp": exp, "nbf": iat, "role": []string{"admin"}, "n": 1.5},
			want:   Claims{Subject: "123", ExpiresAt: exp.Time.UTC(), NotBefore: iat.Time.UTC()},
		},
		{name: "HS384", method: jwt.SigningMethodHS384, claims: jwt.MapClaims{"sub": "u", "exp": exp}},
		{name: "HS512", method: jwt.SigningMethodHS512, claims: jwt.MapClaims{"sub": "u", "exp": exp}},
		{name: "expired", method: jwt.SigningMethodHS256, claims: jwt.MapClaims{"sub": "u", "exp": jwt.NewNumericDate(testNow.Add(-time.Hour))}},
		{name: "no exp", method: jwt.SigningMethodHS256, claims: jwt.MapClaims{"sub": "u"}},
	}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithLeeway(DefaultLeeway), jwt.WithTimeFunc(func() time.Time { return testNow }))
	keyFunc := func(*jwt.Token) (any, error) { return testSecret, nil }
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := jwt.NewWithClaims(tt.method, tt.claims).SignedString(testSecret)
			if err != nil {
				t.Fatal(err)
			}
			got, err := k.Verify(context.Background(), tok)
			_, refErr := parser.Parse(tok, keyFunc)
			if tt.want.Subject == "" {
				if err == nil || refErr == nil {
					t.Fatalf("ours: %v, golang-jwt: %v; want both to reject", err, refErr)
				}
				return
			}
			if err != nil || refErr != nil {
				t.Fatalf("ours: %v, golang-jwt: %v; want both to accept", err, refErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("claims = %+v\nwant     %+v", got, tt.want)
			}
		})
	}
}

// TestDifferentialToGolangJWT: tokens we sign verify with golang-jwt v5
// under strict settings, with the same claims.
func TestDifferentialToGolangJWT(t *testing.T) {
	const origin = "https://auth.example.com"
	k := newTestHS256(t, WithIssuer(origin), WithAudience(origin), WithTTL(time.Hour))
	tests := []struct {
		name string
		in   Claims
	}{
		{name: "full", in: Claims{Subject: "vqol18EOC9vfXM9CEav948BHnx8tQOIo", Email: "alice@example.com", SessionID: "sid-1"}},
		{name: "numeric-looking sub", in: Claims{Subject: "42"}},
		{name: "unicode and escapes", in: Claims{Subject: "ü\"<&>\u2028", Email: "é@example.com"}},
		{name: "several audiences", in: Claims{Subject: "u", Audience: []string{"x", origin}}},
		{name: "explicit times", in: Claims{Subject: "u", IssuedAt: testNow.Add(-time.Minute), ExpiresAt: testNow.Add(time.Minute), NotBefore: testNow.Add(-time.Minute)}},
	}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithIssuedAt(),
		jwt.WithIssuer(origin), jwt.WithAudience(origin), jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(func() time.Time { return testNow }))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := k.Sign(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var rc jwtClaims
			if _, err := parser.ParseWithClaims(tok, &rc, func(*jwt.Token) (any, error) { return testSecret, nil }); err != nil {
				t.Fatalf("golang-jwt rejected our token: %v", err)
			}
			ours, err := k.Verify(context.Background(), tok)
			if err != nil {
				t.Fatal(err)
			}
			got := Claims{Subject: rc.Subject, Email: rc.Email, SessionID: rc.SessionID, Issuer: rc.Issuer,
				Audience: []string(rc.Audience), IssuedAt: rc.IssuedAt.Time.UTC(), ExpiresAt: rc.ExpiresAt.Time.UTC()}
			if rc.NotBefore != nil {
				got.NotBefore = rc.NotBefore.Time.UTC()
			}
			if !reflect.DeepEqual(got, ours) {
				t.Fatalf("golang-jwt sees %+v\nwe see            %+v", got, ours)
			}
		})
	}
	t.Run("other secret", func(t *testing.T) {
		tok, _ := k.Sign(Claims{Subject: "u"})
		_, err := parser.Parse(tok, func(*jwt.Token) (any, error) { return []byte("another-secret-another-secret-12"), nil })
		if !errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			t.Fatalf("err = %v", err)
		}
	})
}
