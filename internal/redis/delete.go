package redis

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/latchhq/latch"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// DeleteSession removes the Redis copy and its list entry (only when
// userID, if not empty, owns it), then the database row, as Better Auth's
// deleteSession.
func (s *Store) DeleteSession(ctx context.Context, userID, token string) error {
	s.redisOrLater(ctx, "delete session", func(ctx context.Context) error {
		return s.deleteCached(ctx, userID, token)
	})
	return s.SessionStore.DeleteSession(ctx, userID, token)
}

func (s *Store) deleteCached(ctx context.Context, userID, token string) error {
	raw, found, err := s.get(ctx, token)
	if err != nil || !found {
		return err
	}
	if sess, _, derr := decodeSession(raw); derr == nil {
		if userID != "" && sess.UserID != userID {
			return nil // someone else's session: left alone
		}
		if err := s.updateRefs(ctx, sess.UserID, s.now(), map[string]bool{token: true}); err != nil {
			return err
		}
	}
	return s.c.rdb.Del(ctx, s.c.key(token)).Err()
}

// DeleteUserSessions removes the user's sessions but keep from the
// database and from Redis: every listed token is deleted, and
// revoked-sessions-before-<userId> is raised so that copies missing from
// the list are treated as gone too. With keep empty the mark is now (as
// Better Auth's deleteUserSessions); with keep set it is keep's createdAt,
// so the kept session (and any created after it) lives on.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, keep string) error {
	before, kept := s.now(), keep == ""
	var tokens []string
	if list, err := s.SessionStore.ListSessions(ctx, userID, time.Time{}); err == nil {
		for _, x := range list {
			if x.Token == keep {
				before, kept = x.CreatedAt, true
			} else {
				tokens = append(tokens, x.Token)
			}
		}
	}
	if !kept && s.c.usable() {
		// The kept session may live in Redis only (written by a Better
		// Auth without storeSessionInDatabase).
		sess, _, _, err := s.cached(ctx, keep)
		if s.c.result(ctx, "read session", err) && sess != nil {
			before, kept = sess.CreatedAt, true
		}
	}
	if !kept {
		before = time.Time{} // no mark: it could end the kept session
	}
	if err := s.SessionStore.DeleteUserSessions(ctx, userID, keep); err != nil {
		return err
	}
	s.redisOrLater(ctx, "delete user sessions", func(ctx context.Context) error {
		return s.revokeCached(ctx, userID, keep, before, tokens)
	})
	return nil
}

// revokeCached raises the revoked-before mark to before and deletes the
// listed and the extra tokens, except keep.
func (s *Store) revokeCached(ctx context.Context, userID, keep string, before time.Time, extra []string) error {
	if !before.IsZero() {
		if err := s.raiseMark(ctx, userID, before.UnixMilli()); err != nil {
			return err
		}
	}
	raw, _, err := s.get(ctx, activeKey(userID))
	if err != nil {
		return err
	}
	drop := map[string]bool{}
	for _, r := range decodeRefs(raw) {
		drop[r.Token] = true
	}
	for _, t := range extra {
		drop[t] = true
	}
	delete(drop, keep)
	for t := range drop {
		if err := s.c.rdb.Del(ctx, s.c.key(t)).Err(); err != nil {
			return err
		}
	}
	return s.updateRefs(ctx, userID, s.now(), drop)
}

// raiseMark sets revoked-sessions-before-<userID> to max(its value, mark).
func (s *Store) raiseMark(ctx context.Context, userID string, mark int64) error {
	if prev, found, err := s.get(ctx, revokedKey(userID)); err != nil {
		return err
	} else if found {
		if p, perr := strconv.ParseFloat(string(prev), 64); perr == nil && int64(p) > mark {
			mark = int64(p)
		}
	}
	return s.c.rdb.Set(ctx, s.c.key(revokedKey(userID)), strconv.FormatInt(mark, 10), s.RevokedTTL).Err()
}

// UpdateUser updates the database row, then rewrites every live cached
// session of the user with the new user (remaining TTL), as Better Auth's
// refreshUserSessions.
func (s *Store) UpdateUser(ctx context.Context, id string, u latch.UserUpdate, now time.Time) (*latch.User, error) {
	nu, err := s.UserStore.UpdateUser(ctx, id, u, now)
	if err != nil || !s.c.usable() {
		return nu, err
	}
	s.c.result(ctx, "update user sessions", s.refreshUser(ctx, nu))
	return nu, nil
}

func (s *Store) refreshUser(ctx context.Context, u *latch.User) error {
	raw, _, err := s.get(ctx, activeKey(u.ID))
	if err != nil {
		return err
	}
	now := s.now()
	for _, r := range liveRefs(decodeRefs(raw), now.UnixMilli(), nil) {
		val, found, err := s.get(ctx, r.Token)
		if err != nil {
			return err
		}
		if !found {
			continue
		}
		sess, _, derr := decodeSession(val)
		if derr != nil {
			continue
		}
		ttl := ttlSeconds(sess.ExpiresAt, now)
		nv, werr := rewrite(val, nil, u)
		if ttl <= 0 || werr != nil {
			continue
		}
		if err := s.c.rdb.Set(ctx, s.c.key(r.Token), nv, time.Duration(ttl)*time.Second).Err(); err != nil {
			return err
		}
	}
	return nil
}

// DeleteUser deletes the user (its sessions go with it in the database),
// then its Redis copies and mark, as Better Auth's deleteUser.
func (s *Store) DeleteUser(ctx context.Context, id string) error {
	var tokens []string
	if list, err := s.SessionStore.ListSessions(ctx, id, time.Time{}); err == nil {
		for _, x := range list {
			tokens = append(tokens, x.Token)
		}
	}
	if err := s.UserStore.DeleteUser(ctx, id); err != nil {
		return err
	}
	now := s.now()
	s.redisOrLater(ctx, "delete user", func(ctx context.Context) error {
		return s.revokeCached(ctx, id, "", now, tokens)
	})
	return nil
}

// redisOrLater runs a Redis deletion now, or, when Redis is down or the
// call fails, queues it for when Redis answers again.
func (s *Store) redisOrLater(ctx context.Context, op string, f func(context.Context) error) {
	if s.c.usable() {
		err := f(ctx)
		if s.c.result(ctx, op, err) {
			return
		}
	}
	s.c.whenUp(f)
}
