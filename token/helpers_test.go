package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"testing"
	"time"
)

var (
	testSecret = []byte("test-secret-test-secret-test-secret-0123")
	testNow    = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
)

// enc is unpadded base64url.
func enc(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// rawToken builds header.payload.sig from JSON texts, signing the exact
// encoded bytes with HMAC-h(secret).
func rawToken(header, payload string, secret []byte, h func() hash.Hash) string {
	in := enc(header) + "." + enc(payload)
	return signInput(in, secret, h)
}

func signInput(in string, secret []byte, h func() hash.Hash) string {
	m := hmac.New(h, secret)
	m.Write([]byte(in))
	return in + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// hs builds an HS256 token from JSON texts with testSecret.
func hs(header, payload string) string { return rawToken(header, payload, testSecret, sha256.New) }

const stdHeader = `{"alg":"HS256","typ":"JWT"}`

// newTestHS256 returns an HS256 on testSecret and the fixed clock.
func newTestHS256(t testing.TB, opts ...Option) *HS256 {
	t.Helper()
	k, err := NewHS256([][]byte{testSecret}, append([]Option{WithClock(func() time.Time { return testNow })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// unix returns testNow shifted by d, in Unix seconds.
func unix(d time.Duration) int64 { return testNow.Add(d).Unix() }

// sha256New is sha256.New, named for table readability.
var sha256New = sha256.New
