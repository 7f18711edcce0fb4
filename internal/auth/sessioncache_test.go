package auth

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/sessioncache"
)

// newCachedService is newService with the session cache wired as
// cmd/latch wires it, with an hour's TTL.
func newCachedService(t *testing.T) (*Service, *fakeClock) {
	t.Helper()
	s, clk, db := newService(t)
	c := sessioncache.New(time.Hour, 0)
	c.Now = clk.Now
	cs := sessioncache.NewStore(c, db, db)
	s.Users, s.Sessions = cs, cs
	s.OnRevoke = c.Invalidate
	return s, clk
}

// TestSessionCacheRefreshAndExpiry: a sliding refresh is seen by the next
// read (else the cached old expiresAt would refresh again), and a session
// is not served past its expiresAt whatever the cache's TTL.
func TestSessionCacheRefreshAndExpiry(t *testing.T) {
	s, clk := newCachedService(t)
	ctx := context.Background()
	_, sess := signUp(t, s, "cache@example.com", true)
	for range 2 {
		if _, _, refreshed, err := s.Session(ctx, sess.Token, SessionOptions{}); err != nil || refreshed {
			t.Fatalf("fresh session: refreshed %v, %v", refreshed, err)
		}
	}
	clk.Advance(DefaultUpdateAge + time.Millisecond)
	got, _, refreshed, err := s.Session(ctx, sess.Token, SessionOptions{})
	if err != nil || !refreshed {
		t.Fatalf("after a day: refreshed %v, %v", refreshed, err)
	}
	exp := got.ExpiresAt
	got, _, refreshed, err = s.Session(ctx, sess.Token, SessionOptions{})
	if err != nil || refreshed || !got.ExpiresAt.Equal(exp) {
		t.Fatalf("read after the refresh: expiresAt %v refreshed %v (%v); want %v, false", got.ExpiresAt, refreshed, err, exp)
	}
	clk.Advance(DefaultExpiresIn - time.Millisecond)
	if _, _, _, err := s.Session(ctx, sess.Token, SessionOptions{NoRefresh: true}); err != nil {
		t.Fatalf("just before expiresAt: %v", err)
	}
	clk.Advance(2 * time.Millisecond)
	if _, _, _, err := s.Session(ctx, sess.Token, SessionOptions{NoRefresh: true}); !errors.Is(err, ErrNoSession) {
		t.Fatalf("past expiresAt: %v, want ErrNoSession", err)
	}
}

// TestSessionCacheServiceChanges: the service's own writes show on the
// next Session at once (the HTTP-level table is in cmd/latch).
func TestSessionCacheServiceChanges(t *testing.T) {
	ctx := context.Background()
	name := "Renamed"
	tests := []struct {
		name string
		act  func(s *Service, userID, token string) error
		gone bool
	}{
		{"sign-out", func(s *Service, _, token string) error { s.SignOut(ctx, token); return nil }, true},
		{"update-user", func(s *Service, u, _ string) error {
			_, err := s.UpdateUser(ctx, u, latch.UserUpdate{Name: &name})
			return err
		}, false},
		{"delete-user", func(s *Service, u, _ string) error { return s.deleteUser(ctx, u) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newCachedService(t)
			u, sess := signUp(t, s, "cache@example.com", true)
			if _, _, _, err := s.Session(ctx, sess.Token, SessionOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := tt.act(s, u.ID, sess.Token); err != nil {
				t.Fatal(err)
			}
			_, gotUser, _, err := s.Session(ctx, sess.Token, SessionOptions{})
			switch {
			case tt.gone && !errors.Is(err, ErrNoSession):
				t.Fatalf("after %s: %v, want ErrNoSession", tt.name, err)
			case !tt.gone && (err != nil || gotUser.Name != name):
				t.Fatalf("after %s: user %+v, %v; want name %q", tt.name, gotUser, err, name)
			}
		})
	}
}
