package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/token"
)

// countingStore counts SessionByID round trips.
type countingStore struct {
	latch.SessionStore
	n atomic.Int64
}

func (c *countingStore) SessionByID(ctx context.Context, id string) (*latch.Session, error) {
	c.n.Add(1)
	return c.SessionStore.SessionByID(ctx, id)
}

func TestSessionChecker(t *testing.T) {
	s, clk, db := newService(t)
	ctx := context.Background()
	u, sess := signUp(t, s, "a@example.com", true)
	_, other, err := s.SignIn(ctx, "a@example.com", "password123", true)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := token.NewHS256([][]byte{[]byte(strings.Repeat("k", 32))}, token.WithClock(clk.Now), token.WithTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	sign := func(sid string) string {
		t.Helper()
		jwt, err := hs.Sign(token.Claims{Subject: u.ID, Email: u.Email, SessionID: sid})
		if err != nil {
			t.Fatal(err)
		}
		return jwt
	}
	cs := &countingStore{SessionStore: db}
	const ttl = 20 * time.Second
	chk := NewSessionChecker(hs, cs, ttl)
	chk.Now = clk.Now
	s.OnRevoke = chk.Invalidate

	live, revokedHere, revokedElsewhere := sign(sess.ID), sign(other.ID), ""
	if _, err := chk.Verify(ctx, live); err != nil {
		t.Fatalf("live session rejected: %v", err)
	}
	for range 10 {
		if _, err := chk.Verify(ctx, live); err != nil {
			t.Fatal(err)
		}
	}
	if n := cs.n.Load(); n != 1 {
		t.Fatalf("%d store lookups for 11 verifications, want 1 (cache)", n)
	}

	// Revoked through the Service: rejected at once via OnRevoke.
	if _, err := chk.Verify(ctx, revokedHere); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeSession(ctx, sess, other.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := chk.Verify(ctx, revokedHere); !errors.Is(err, ErrSessionEnded) || !errors.Is(err, token.ErrClaims) {
		t.Fatalf("revoked session: %v, want ErrSessionEnded", err)
	}

	// Deleted behind the checker's back (another process): accepted until
	// the cache entry expires, rejected after.
	_, third, _ := s.SignIn(ctx, "a@example.com", "password123", true)
	revokedElsewhere = sign(third.ID)
	if _, err := chk.Verify(ctx, revokedElsewhere); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteSession(ctx, "", third.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := chk.Verify(ctx, revokedElsewhere); err != nil {
		t.Fatalf("within ttl the cached answer stands: %v", err)
	}
	clk.Advance(ttl)
	if _, err := chk.Verify(ctx, revokedElsewhere); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("after ttl: %v, want ErrSessionEnded", err)
	}

	// Tokens without sid (outside issuers) pass; bad tokens fail as before.
	noSid, _ := hs.Sign(token.Claims{Subject: "ext-user"})
	if _, err := chk.Verify(ctx, noSid); err != nil {
		t.Fatalf("token without sid: %v", err)
	}
	if _, err := chk.Verify(ctx, "garbage"); err == nil {
		t.Fatal("garbage accepted")
	}
	// A sid belonging to another user is rejected.
	_, foreign := signUp(t, s, "b@example.com", true)
	if _, err := chk.Verify(ctx, sign(foreign.ID)); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("sid of another user: %v", err)
	}
}

func TestSessionCheckerExpiry(t *testing.T) {
	s, clk, db := newService(t)
	u, sess := signUp(t, s, "a@example.com", false) // 1-day session
	hs, _ := token.NewHS256([][]byte{[]byte(strings.Repeat("k", 32))}, token.WithClock(clk.Now), token.WithTTL(48*time.Hour))
	chk := NewSessionChecker(hs, db, time.Hour)
	chk.Now = clk.Now
	jwt, _ := hs.Sign(token.Claims{Subject: u.ID, SessionID: sess.ID})
	if _, err := chk.Verify(context.Background(), jwt); err != nil {
		t.Fatal(err)
	}
	clk.Advance(24*time.Hour + time.Second) // cached entry still fresh? no: ttl 1h passed anyway
	if _, err := chk.Verify(context.Background(), jwt); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("expired session: %v", err)
	}
}

func TestSessionCheckerSeesRefresh(t *testing.T) {
	s, clk, db := newService(t)
	u, sess := signUp(t, s, "a@example.com", true)
	hs, _ := token.NewHS256([][]byte{[]byte(strings.Repeat("k", 32))}, token.WithClock(clk.Now), token.WithTTL(30*24*time.Hour))
	chk := NewSessionChecker(hs, db, time.Hour)
	chk.Now = clk.Now
	jwt, _ := hs.Sign(token.Claims{Subject: u.ID, SessionID: sess.ID})
	clk.Advance(7*24*time.Hour - 10*time.Minute)
	if _, err := chk.Verify(context.Background(), jwt); err != nil { // cached: expires in 10 min
		t.Fatal(err)
	}
	if _, _, refreshed, err := s.Session(context.Background(), sess.Token, SessionOptions{}); err != nil || !refreshed {
		t.Fatalf("refresh: %v %v", refreshed, err)
	}
	clk.Advance(20 * time.Minute) // past the cached expiry, within the cache ttl
	if _, err := chk.Verify(context.Background(), jwt); err != nil {
		t.Fatalf("refreshed session rejected from a stale cache entry: %v", err)
	}
}

// TestSessionCheckerNoCache: a ttl of zero means no cache, not a default
// lifetime: every verification reads the store, so a session deleted
// behind the checker's back (another process) is rejected on the very
// next request, with the clock standing still.
func TestSessionCheckerNoCache(t *testing.T) {
	s, clk, db := newService(t)
	ctx := context.Background()
	u, sess := signUp(t, s, "nocache@example.com", true)
	hs, err := token.NewHS256([][]byte{[]byte(strings.Repeat("k", 32))}, token.WithClock(clk.Now), token.WithTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := hs.Sign(token.Claims{Subject: u.ID, Email: u.Email, SessionID: sess.ID})
	if err != nil {
		t.Fatal(err)
	}
	cs := &countingStore{SessionStore: db}
	chk := NewSessionChecker(hs, cs, 0)
	chk.Now = clk.Now
	for range 3 {
		if _, err := chk.Verify(ctx, jwt); err != nil {
			t.Fatalf("live session rejected: %v", err)
		}
	}
	if n := cs.n.Load(); n != 3 {
		t.Fatalf("%d store lookups for 3 verifications, want 3 (no cache)", n)
	}
	if err := db.DeleteSession(ctx, "", sess.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := chk.Verify(ctx, jwt); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("session deleted elsewhere: %v, want ErrSessionEnded at once", err)
	}
}

func TestSessionCheckerStoreErrorFailsClosed(t *testing.T) {
	hs, _ := token.NewHS256([][]byte{[]byte(strings.Repeat("k", 32))})
	chk := NewSessionChecker(hs, failingStore{}, 0)
	jwt, _ := hs.Sign(token.Claims{Subject: "u", SessionID: "s"})
	if _, err := chk.Verify(context.Background(), jwt); err == nil || errors.Is(err, ErrSessionEnded) {
		t.Fatalf("store failure: %v, want a non-nil store error", err)
	}
}

type failingStore struct{ latch.SessionStore }

func (failingStore) SessionByID(context.Context, string) (*latch.Session, error) {
	return nil, latch.ErrUnavailable
}

// blockingStore holds SessionByID until release is closed, after telling
// started, so that a test can revoke a session while a lookup is in
// flight.
type blockingStore struct {
	latch.SessionStore
	started chan struct{}
	release chan struct{}
}

func (b *blockingStore) SessionByID(ctx context.Context, id string) (*latch.Session, error) {
	sess, err := b.SessionStore.SessionByID(ctx, id)
	close(b.started)
	<-b.release
	return sess, err
}

// TestSessionCheckerRevokeDuringLookup: a lookup that read the session
// before it was revoked must not overwrite the tombstone Invalidate left,
// or the revoked session would be accepted for another ttl.
func TestSessionCheckerRevokeDuringLookup(t *testing.T) {
	s, clk, db := newService(t)
	ctx := context.Background()
	u, sess := signUp(t, s, "race@example.com", true)
	hs, err := token.NewHS256([][]byte{[]byte(strings.Repeat("k", 32))}, token.WithClock(clk.Now), token.WithTTL(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	jwt, err := hs.Sign(token.Claims{Subject: u.ID, Email: u.Email, SessionID: sess.ID})
	if err != nil {
		t.Fatal(err)
	}
	bs := &blockingStore{SessionStore: db, started: make(chan struct{}), release: make(chan struct{})}
	chk := NewSessionChecker(hs, bs, time.Minute)
	chk.Now = clk.Now
	s.OnRevoke = chk.Invalidate

	first := make(chan error, 1)
	go func() {
		_, err := chk.Verify(ctx, jwt)
		first <- err
	}()
	<-bs.started // the lookup has read the live row
	if err := s.RevokeSessions(ctx, sess); err != nil {
		t.Fatal(err)
	}
	close(bs.release)
	if err := <-first; err != nil && !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("in-flight verify: %v", err)
	}
	if _, err := chk.Verify(ctx, jwt); !errors.Is(err, ErrSessionEnded) {
		t.Fatalf("revoked session accepted after a racing lookup: err = %v, want ErrSessionEnded", err)
	}
}

// TestSessionCheckerCacheIsBounded: revoking more sessions than the cache
// holds must not grow it past its bound.
func TestSessionCheckerCacheIsBounded(t *testing.T) {
	chk := NewSessionChecker(nil, nil, time.Minute)
	ids := make([]string, maxCheckerEntries+1000)
	for i := range ids {
		ids[i] = fmt.Sprintf("s%08d", i)
	}
	chk.Invalidate(ids...)
	chk.mu.Lock()
	n := len(chk.cache)
	chk.mu.Unlock()
	if n > maxCheckerEntries {
		t.Fatalf("cache holds %d entries, bound %d", n, maxCheckerEntries)
	}
	chk.mu.Lock()
	_, last := chk.cache[ids[len(ids)-1]]
	chk.mu.Unlock()
	if !last {
		t.Fatal("the latest revocation was dropped")
	}
}
