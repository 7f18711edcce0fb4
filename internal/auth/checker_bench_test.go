package auth

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch/token"
)

// BenchmarkSessionBinding measures what session binding (the default
// LATCH_CHECK_SESSION=true) adds to the verification of one JWT on the
// task API: "plain" is HS256 alone, "bound" the SessionChecker in front
// of it with its cache warm (the common case: one database read per
// session per cache TTL). Run both in one run and compare:
//
//	go test ./internal/auth -run '^$' -bench SessionBinding -benchmem
func BenchmarkSessionBinding(b *testing.B) {
	s, _, db := newService(b)
	s.Now = time.Now
	u, sess, err := s.SignUp(context.Background(), SignUpInput{Name: "B", Email: "bench@example.com", Password: "password123", RememberMe: true})
	if err != nil {
		b.Fatal(err)
	}
	var hs *token.HS256
	hs, err = token.NewHS256([][]byte{[]byte(strings.Repeat("k", 32))}, token.WithTTL(time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	jwt, err := hs.Sign(token.Claims{Subject: u.ID, Email: u.Email, SessionID: sess.ID})
	if err != nil {
		b.Fatal(err)
	}
	chk := NewSessionChecker(hs, db, 10*time.Second)
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		v    token.Verifier
	}{{"plain", hs}, {"bound", chk}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := bc.v.Verify(ctx, jwt); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
