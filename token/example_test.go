package token_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/latchhq/latch/token"
)

// A service that shares Latch's secret verifies tokens with NewHS256 and
// reads the user id from the claims.
func ExampleHS256_Verify() {
	secret := []byte("an-example-secret-of-at-least-32-bytes!")
	now := func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }
	issuer, _ := token.NewHS256([][]byte{secret}, token.WithClock(now))
	tok, _ := issuer.Sign(token.Claims{Subject: "42", Email: "ada@example.com"})

	v, err := token.NewHS256([][]byte{secret}, token.WithClock(now))
	if err != nil {
		log.Fatal(err)
	}
	claims, err := v.Verify(context.Background(), tok)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(claims.Subject, claims.Email, claims.ExpiresAt)
	// Output: 42 ada@example.com 2026-01-08 00:00:00 +0000 UTC
}

// Secrets shorter than 32 bytes are refused.
func ExampleNewHS256_shortSecret() {
	_, err := token.NewHS256([][]byte{[]byte("changeme")})
	fmt.Println(errors.Is(err, token.ErrConfig))
	// Output: true
}

// Rejections wrap sentinels; branch on them for logs or metrics, but do
// not tell the client which one it was.
func ExampleHS256_Verify_errors() {
	secret := []byte("an-example-secret-of-at-least-32-bytes!")
	v, _ := token.NewHS256([][]byte{secret})
	_, err := v.Verify(context.Background(), "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.")
	fmt.Println(errors.Is(err, token.ErrMalformed))
	// Output: true
}
