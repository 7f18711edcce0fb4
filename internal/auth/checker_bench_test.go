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

// TestSessionBindingCost measures plain and bound verification
// interleaved in one run (so a busy machine slows both alike), logs the
// ratio, and requires that binding allocates nothing per request once the
// cache is warm.
func TestSessionBindingCost(t *testing.T) {
	s, _, db := newService(t)
	s.Now = time.Now
	u, sess, err := s.SignUp(context.Background(), SignUpInput{Name: "B", Email: "cost@example.com", Password: "password123", RememberMe: true})
	if err != nil {
		t.Fatal(err)
	}
	hs, err := token.NewHS256([][]byte{[]byte(strings.Repeat("k", 32))}, token.WithTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := hs.Sign(token.Claims{Subject: u.ID, Email: u.Email, SessionID: sess.ID})
	if err != nil {
		t.Fatal(err)
	}
	chk := NewSessionChecker(hs, db, 10*time.Second)
	ctx := context.Background()
	verify := func(v token.Verifier) {
		if _, err := v.Verify(ctx, jwt); err != nil {
			t.Fatal(err)
		}
	}
	verify(chk) // warm the cache
	// The fastest of 200 interleaved blocks of 100 requests each: the
	// least disturbed by other load.
	plain, bound := time.Hour, time.Hour
	for range 200 {
		t0 := time.Now()
		for range 100 {
			verify(hs)
		}
		t1 := time.Now()
		for range 100 {
			verify(chk)
		}
		plain, bound = min(plain, t1.Sub(t0)), min(bound, time.Since(t1))
	}
	t.Logf("per request (fastest block): HS256 alone %v, with session binding %v (ratio %.2f)",
		plain/100, bound/100, float64(bound)/float64(plain))
	if raceEnabled {
		return // the race detector adds allocations: CI checks this in its step without -race
	}
	pa := testing.AllocsPerRun(1000, func() { verify(hs) })
	ba := testing.AllocsPerRun(1000, func() { verify(chk) })
	if ba > pa {
		t.Errorf("binding allocates %.0f per request, HS256 alone %.0f: want no extra allocation", ba, pa)
	}
}
