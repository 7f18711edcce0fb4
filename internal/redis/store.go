package redis

import (
	"context"
	"errors"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/latchhq/latch"
)

// Store decorates the database's UserStore and SessionStore with Better
// Auth's secondary-storage copies. The database stays the store of record
// (every write goes to it, as Better Auth's storeSessionInDatabase: true
// does), so a Better Auth with or without storeSessionInDatabase sees
// Latch's sessions:
//   - SessionByToken reads Redis first (the bare token, then
//     revoked-sessions-before-<userId>) and the database on a miss or
//     while Redis is down;
//   - CreateSession, ExtendSession, DeleteSession, DeleteUserSessions,
//     UpdateUser and DeleteUser keep the Redis copies right as Better
//     Auth's internal adapter does.
//
// A deletion that cannot reach Redis is queued and replayed when Redis
// answers again, so that an ended session does not come back from its
// Redis copy. Other methods pass through to the database.
type Store struct {
	latch.UserStore
	latch.SessionStore
	c *Client
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// RevokedTTL is how long revoked-sessions-before-<userId> lives:
	// Better Auth's max(session expiresIn, 1 day).
	RevokedTTL time.Duration
}

var (
	_ latch.UserStore    = (*Store)(nil)
	_ latch.SessionStore = (*Store)(nil)
)

// NewStore returns a Store over the database stores; expiresIn is the
// session lifetime (for RevokedTTL).
func NewStore(c *Client, users latch.UserStore, sessions latch.SessionStore, expiresIn time.Duration) *Store {
	return &Store{UserStore: users, SessionStore: sessions, c: c, RevokedTTL: max(expiresIn, 24*time.Hour)}
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func activeKey(userID string) string  { return "active-sessions-" + userID }
func revokedKey(userID string) string { return "revoked-sessions-before-" + userID }

// get reads one key; found is false for a missing key.
func (s *Store) get(ctx context.Context, k string) (val []byte, found bool, err error) {
	b, err := s.c.rdb.Get(ctx, s.c.key(k)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// CreateSession inserts the session into the database, then writes its
// Redis copy and its active-sessions entry.
func (s *Store) CreateSession(ctx context.Context, sess *latch.Session) error {
	if err := s.SessionStore.CreateSession(ctx, sess); err != nil {
		return err
	}
	if !s.c.usable() {
		return nil
	}
	u, err := s.UserStore.UserByID(ctx, sess.UserID)
	if err != nil {
		return nil // the database copy is enough; a later read falls back to it
	}
	s.c.result(ctx, "create session", s.writeSession(ctx, sess, u))
	return nil
}

// writeSession stores the value under the token (TTL to expiresAt) and
// puts the token into the user's active-sessions list.
func (s *Store) writeSession(ctx context.Context, sess *latch.Session, u *latch.User) error {
	now := s.now()
	ttl := ttlSeconds(sess.ExpiresAt, now)
	if ttl <= 0 {
		return nil
	}
	val, err := encodeSession(sess, u)
	if err != nil {
		return err
	}
	if err := s.c.rdb.Set(ctx, s.c.key(sess.Token), val, time.Duration(ttl)*time.Second).Err(); err != nil {
		return err
	}
	return s.updateRefs(ctx, sess.UserID, now, map[string]bool{sess.Token: true},
		activeRef{Token: sess.Token, ExpiresAt: sess.ExpiresAt.UnixMilli()})
}

// updateRefs rewrites active-sessions-<userID>: expired entries and the
// tokens in drop go, add (if any) is appended; the list is stored sorted
// with a TTL to its latest expiry, or deleted when empty. Like Better
// Auth, this is a read-modify-write.
func (s *Store) updateRefs(ctx context.Context, userID string, now time.Time, drop map[string]bool, add ...activeRef) error {
	raw, _, err := s.get(ctx, activeKey(userID))
	if err != nil {
		return err
	}
	refs := append(liveRefs(decodeRefs(raw), now.UnixMilli(), drop), add...)
	refs = liveRefs(refs, now.UnixMilli(), nil)
	if len(refs) == 0 {
		return s.c.rdb.Del(ctx, s.c.key(activeKey(userID))).Err()
	}
	ttl := ttlSeconds(time.UnixMilli(refs[len(refs)-1].ExpiresAt), now)
	if ttl <= 0 {
		return s.c.rdb.Del(ctx, s.c.key(activeKey(userID))).Err()
	}
	b, err := jsonMarshal(refs)
	if err != nil {
		return err
	}
	return s.c.rdb.Set(ctx, s.c.key(activeKey(userID)), b, time.Duration(ttl)*time.Second).Err()
}

// SessionByToken answers from the Redis copy when there is one (and the
// session was not created before the user's revoked-sessions-before
// mark), else from the database.
func (s *Store) SessionByToken(ctx context.Context, token string) (*latch.Session, *latch.User, error) {
	if s.c.usable() {
		sess, u, found, err := s.cached(ctx, token)
		if s.c.result(ctx, "read session", err) {
			if found && sess == nil {
				return nil, nil, latch.ErrNotFound
			}
			if found {
				return sess, u, nil
			}
		} else if ctx.Err() == nil {
			s.c.fellBack()
		}
	}
	return s.SessionStore.SessionByToken(ctx, token)
}

// cached reads the Redis copy of token. found with a nil session means the
// copy exists but its session was revoked by revoked-sessions-before.
func (s *Store) cached(ctx context.Context, token string) (*latch.Session, *latch.User, bool, error) {
	raw, found, err := s.get(ctx, token)
	if err != nil || !found {
		return nil, nil, false, err
	}
	sess, u, err := decodeSession(raw)
	if err != nil {
		return nil, nil, false, nil // unreadable: as a miss (Better Auth: null)
	}
	rb, found, err := s.get(ctx, revokedKey(sess.UserID))
	if err != nil {
		return nil, nil, false, err
	}
	if found {
		if ms, perr := strconv.ParseFloat(string(rb), 64); perr == nil && float64(sess.CreatedAt.UnixMilli()) < ms {
			return nil, nil, true, nil
		}
	}
	return sess, u, true, nil
}

// ExtendSession extends the database row and the Redis copy (value with
// the new expiresAt and updatedAt, TTL, list entry), as Better Auth's
// updateSession. A session that only lives in Redis (written by a Better
// Auth without storeSessionInDatabase) is extended there alone.
func (s *Store) ExtendSession(ctx context.Context, token string, expiresAt, now time.Time) error {
	dbErr := s.SessionStore.ExtendSession(ctx, token, expiresAt, now)
	if dbErr != nil && !errors.Is(dbErr, latch.ErrNotFound) {
		return dbErr
	}
	if !s.c.usable() {
		return dbErr
	}
	updated, err := s.extendCached(ctx, token, expiresAt, now)
	s.c.result(ctx, "extend session", err)
	if dbErr != nil && updated {
		return nil
	}
	return dbErr
}

func (s *Store) extendCached(ctx context.Context, token string, expiresAt, now time.Time) (bool, error) {
	raw, found, err := s.get(ctx, token)
	if err != nil || !found {
		return false, err
	}
	sess, _, err := decodeSession(raw)
	if err != nil {
		return false, nil
	}
	ttl := ttlSeconds(expiresAt, s.now())
	if ttl <= 0 {
		return false, nil
	}
	val, err := rewrite(raw, map[string]any{"expiresAt": jsTime(expiresAt), "updatedAt": jsTime(now)}, nil)
	if err != nil {
		return false, nil
	}
	if err := s.c.rdb.Set(ctx, s.c.key(token), val, time.Duration(ttl)*time.Second).Err(); err != nil {
		return false, err
	}
	return true, s.updateRefs(ctx, sess.UserID, s.now(), map[string]bool{token: true},
		activeRef{Token: token, ExpiresAt: expiresAt.UnixMilli()})
}
