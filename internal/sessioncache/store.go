package sessioncache

import (
	"context"
	"time"

	"github.com/latchhq/latch"
)

// Store decorates a UserStore and a SessionStore with a Cache: reads of
// sessions by token go through the cache, and writes forget what they may
// change (see the package doc). Methods not listed here pass through.
type Store struct {
	latch.UserStore
	latch.SessionStore
	// Cache holds the entries (required).
	Cache *Cache
	// OnUserChange, when set, is called after a write through this Store
	// changed users or all of a user's sessions (update, deletion,
	// password, revocation of sessions), with their ids, for example to
	// tell other instances (their caches then call InvalidateUsers). It
	// runs after the local entries are forgotten.
	OnUserChange func(userIDs ...string)
}

var (
	_ latch.UserStore    = (*Store)(nil)
	_ latch.SessionStore = (*Store)(nil)
)

// NewStore returns a Store over users and sessions with cache c.
func NewStore(c *Cache, users latch.UserStore, sessions latch.SessionStore) *Store {
	return &Store{UserStore: users, SessionStore: sessions, Cache: c}
}

// userChanged forgets every entry of userID and reports the change.
func (s *Store) userChanged(userID string) {
	s.Cache.InvalidateUsers(userID)
	if s.OnUserChange != nil {
		s.OnUserChange(userID)
	}
}

// SessionByToken answers from the cache, else from the store, caching a
// session found there. Misses (ErrNotFound) are not cached.
func (s *Store) SessionByToken(ctx context.Context, token string) (*latch.Session, *latch.User, error) {
	if !s.Cache.Enabled() {
		return s.SessionStore.SessionByToken(ctx, token)
	}
	sess, user, gen, ok := s.Cache.get(token)
	if ok {
		return sess, user, nil
	}
	sess, user, err := s.SessionStore.SessionByToken(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	if sess.Token == token {
		s.Cache.put(sess, user, gen)
	}
	return sess, user, nil
}

// ExtendSession extends the session, then forgets its entry (also on
// error: the write may have happened).
func (s *Store) ExtendSession(ctx context.Context, token string, expiresAt, now time.Time) error {
	defer s.Cache.invalidateToken(token)
	return s.SessionStore.ExtendSession(ctx, token, expiresAt, now)
}

// DeleteSession deletes the session, then forgets its entry.
func (s *Store) DeleteSession(ctx context.Context, userID, token string) error {
	defer s.Cache.invalidateToken(token)
	return s.SessionStore.DeleteSession(ctx, userID, token)
}

// DeleteUserSessions deletes the user's sessions, then forgets every
// entry of the user.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep string) error {
	defer s.userChanged(userID)
	return s.SessionStore.DeleteUserSessions(ctx, userID, keep)
}

// UpdateUser updates the user, then forgets every entry of the user.
func (s *Store) UpdateUser(ctx context.Context, id string, u latch.UserUpdate, now time.Time) (*latch.User, error) {
	defer s.userChanged(id)
	return s.UserStore.UpdateUser(ctx, id, u, now)
}

// DeleteUser deletes the user, then forgets every entry of the user.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	defer s.userChanged(id)
	return s.UserStore.DeleteUser(ctx, id)
}

// SetPassword sets the password, then forgets every entry of the user
// (the cached rows do not hold it, but a password change is a security
// event: the next read goes to the store).
func (s *Store) SetPassword(ctx context.Context, userID, hash string, now time.Time) error {
	defer s.userChanged(userID)
	return s.UserStore.SetPassword(ctx, userID, hash, now)
}
