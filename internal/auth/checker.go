package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/token"
)

// ErrSessionEnded is returned by a SessionChecker for a token whose sid
// names a session that was revoked, signed out or has expired. It wraps
// token.ErrClaims.
var ErrSessionEnded = fmt.Errorf("%w: session ended", token.ErrClaims)

// maxCheckerEntries bounds the cache; beyond it expired entries are swept
// and, if that is not enough, the cache is emptied.
const maxCheckerEntries = 65536

// SessionChecker is a token.Verifier that wraps another verifier and also
// requires the token's session (the sid claim) to be live.
//
// How long a revoked session can still be used: a JWT is accepted until
// its exp in any case when the checker is not used. With the checker, a
// session ended through this process's Service (sign-out, revoke, password
// change with revocation, wired through Service.OnRevoke = Invalidate) is
// rejected at once; one ended by another process, or deleted directly in
// the database, is rejected after at most ttl (the positive cache entry's
// lifetime). A session that expires is rejected from its expiresAt on.
type SessionChecker struct {
	// Now is the clock; nil means time.Now. Set it before first use.
	Now func() time.Time

	next     token.Verifier
	sessions latch.SessionStore
	ttl      time.Duration

	mu    sync.Mutex
	cache map[string]checkEntry
}

type checkEntry struct {
	live      bool
	userID    string
	until     time.Time // cache entry lifetime
	expiresAt time.Time // the session's own expiry (live entries)
}

// NewSessionChecker wraps v: a token whose sid names a session that is
// gone or expired is rejected with ErrSessionEnded; a token without sid
// (an outside issuer) passes unchanged. Answers are cached for ttl so that
// most requests cost no database round trip; a ttl of zero (or less)
// turns the cache off: every token with a sid costs one store lookup and
// a session deleted anywhere is rejected on the next request. A store
// error fails closed (the token is rejected, as unavailable: 503) and is
// not cached.
func NewSessionChecker(v token.Verifier, s latch.SessionStore, ttl time.Duration) *SessionChecker {
	return &SessionChecker{next: v, sessions: s, ttl: ttl, cache: make(map[string]checkEntry)}
}

func (c *SessionChecker) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Verify verifies tok with the wrapped verifier and then checks its
// session.
func (c *SessionChecker) Verify(ctx context.Context, tok string) (token.Claims, error) {
	claims, err := c.next.Verify(ctx, tok)
	if err != nil || claims.SessionID == "" {
		return claims, err
	}
	now := c.now()
	c.mu.Lock()
	e, ok := c.cache[claims.SessionID]
	c.mu.Unlock()
	// A live entry past the session's cached expiry is re-read: a sliding
	// refresh may have extended the session meanwhile.
	if !ok || !now.Before(e.until) || e.live && now.After(e.expiresAt) {
		e, err = c.lookup(ctx, claims.SessionID, now)
		if err != nil {
			return token.Claims{}, err
		}
	}
	if !e.live || now.After(e.expiresAt) || e.userID != claims.Subject {
		return token.Claims{}, ErrSessionEnded
	}
	return claims, nil
}

func (c *SessionChecker) lookup(ctx context.Context, sid string, now time.Time) (checkEntry, error) {
	sess, err := c.sessions.SessionByID(ctx, sid)
	var e checkEntry
	switch {
	case errors.Is(err, latch.ErrNotFound):
		e = checkEntry{live: false, until: now.Add(c.ttl)}
	case err != nil:
		return checkEntry{}, fmt.Errorf("auth: session check: %w: %w", token.ErrUnavailable, err)
	default:
		e = checkEntry{live: !sess.ExpiresAt.Before(now), userID: sess.UserID,
			expiresAt: sess.ExpiresAt, until: now.Add(c.ttl)}
	}
	if c.ttl <= 0 {
		return e, nil // no cache
	}
	c.mu.Lock()
	if cur, ok := c.cache[sid]; ok && !cur.live && now.Before(cur.until) {
		// Invalidate (or another lookup) marked the session ended while
		// this lookup was in flight: the read above may predate the
		// deletion, so the tombstone wins. A session never comes back.
		c.mu.Unlock()
		return cur, nil
	}
	c.makeRoom(now)
	c.cache[sid] = e
	c.mu.Unlock()
	return e, nil
}

// makeRoom keeps the cache under maxCheckerEntries: expired entries go
// first and, if that is not enough, everything (the store stays the
// truth, so forgetting only costs lookups). c.mu must be held.
func (c *SessionChecker) makeRoom(now time.Time) {
	if len(c.cache) < maxCheckerEntries {
		return
	}
	for k, v := range c.cache {
		if !now.Before(v.until) {
			delete(c.cache, k)
		}
	}
	if len(c.cache) >= maxCheckerEntries {
		clear(c.cache)
	}
}

// Invalidate forgets the given sessions and remembers them as ended for
// ttl, so that this process rejects their tokens at once. Wire it as
// Service.OnRevoke.
func (c *SessionChecker) Invalidate(sessionIDs ...string) {
	if c.ttl <= 0 {
		return // no cache: every check reads the store
	}
	now := c.now()
	until := now.Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range sessionIDs {
		c.makeRoom(now)
		c.cache[id] = checkEntry{live: false, until: until}
	}
}
