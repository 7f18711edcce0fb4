// Package sessioncache keeps recently resolved sessions, with their users,
// in process for a short time, so that resolving a session (get-session and
// every cookie- or bearer-authenticated auth call) mostly costs no database
// round trip.
//
// Store decorates a latch.SessionStore and latch.UserStore: SessionByToken
// is answered from the Cache; every write through the decorator that can
// change what SessionByToken returns forgets the affected entries before it
// returns: the session's own entry for ExtendSession and DeleteSession,
// every entry of the user for UpdateUser, DeleteUser, SetPassword and
// DeleteUserSessions (which auth's password reset also calls, after the
// reset's own transaction, when it revokes the user's sessions). Changes
// made elsewhere reach the cache through Invalidate (session ids: wire it
// beside auth.Service.OnRevoke and the Redis notices of ended sessions) and
// InvalidateUsers.
//
// An entry lives at most the TTL and never past its session's expiresAt.
// A read that overlaps an invalidation is not cached (a generation counter
// is compared before filling), so a write that has returned is never undone
// by a slower read. The cache holds at most Max entries and MaxBytes of
// them (a session over MaxEntryBytes, e.g. with a huge user agent, is not
// cached): the oldest go first. Nothing runs in the background: expired entries are dropped when
// met.
package sessioncache

import (
	"container/list"
	"sync"
	"time"

	"github.com/latchhq/latch"
)

// DefaultMax is the default bound on the number of cached sessions.
const DefaultMax = 10000

// MaxBytes bounds the memory the entries hold (their strings plus a fixed
// overhead each), whatever their number: a user agent may be up to the
// header limit (64 KiB), so a count alone does not bound memory.
const MaxBytes = 16 << 20

// MaxEntryBytes is the size above which a session is not cached at all
// (read from the store every time): real sessions are a few hundred bytes.
const MaxEntryBytes = 8 << 10

// entryOverhead approximates an entry's fixed cost: the structs, the list
// element and three map slots.
const entryOverhead = 512

// Cache maps session tokens to the session and user last read for them.
// Create it with New; it is safe for concurrent use.
type Cache struct {
	// Now is the clock; nil means time.Now. Set it before first use.
	Now func() time.Time

	ttl time.Duration
	max int

	mu      sync.Mutex
	bytes   int    // sum of the entries' sizes
	gen     uint64 // bumped by every invalidation
	byToken map[string]*entry
	bySID   map[string]*entry
	byUser  map[string][]*entry
	order   list.List // of *entry, oldest first
}

type entry struct {
	sess  latch.Session
	user  latch.User
	until time.Time // min(read + ttl, sess.ExpiresAt)
	elem  *list.Element
	size  int
}

// entrySize approximates the memory an entry holds.
func entrySize(s *latch.Session, u *latch.User) int {
	n := entryOverhead + len(s.ID) + len(s.Token) + len(s.UserID) + len(s.IPAddress) + len(s.UserAgent) +
		len(u.ID) + len(u.Name) + len(u.Email)
	if u.Image != nil {
		n += len(*u.Image)
	}
	return n
}

// New returns a cache whose entries live ttl, holding at most max entries
// (zero or less: DefaultMax). A ttl of zero or less caches nothing.
func New(ttl time.Duration, max int) *Cache {
	if max <= 0 {
		max = DefaultMax
	}
	return &Cache{ttl: ttl, max: max, byToken: map[string]*entry{},
		bySID: map[string]*entry{}, byUser: map[string][]*entry{}}
}

// Enabled reports whether the cache keeps anything (a positive TTL).
func (c *Cache) Enabled() bool { return c.ttl > 0 }

func (c *Cache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Len returns the number of entries, expired ones not yet dropped
// included.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byToken)
}

// get returns copies of the live entry for token; otherwise ok is false
// and gen is the generation to hand to put after reading the store.
func (c *Cache) get(token string) (sess *latch.Session, user *latch.User, gen uint64, ok bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.byToken[token]
	if e != nil && now.Before(e.until) {
		s, u := e.sess, e.user
		u.Image = cloneString(u.Image)
		return &s, &u, 0, true
	}
	if e != nil {
		c.remove(e)
	}
	return nil, nil, c.gen, false
}

// put caches sess and user under sess.Token unless an invalidation
// happened since gen was taken (the read may predate that write).
func (c *Cache) put(sess *latch.Session, user *latch.User, gen uint64) {
	if c.ttl <= 0 || sess == nil || user == nil || sess.UserID != user.ID {
		return
	}
	now := c.now()
	until := now.Add(c.ttl)
	if sess.ExpiresAt.Before(until) {
		until = sess.ExpiresAt
	}
	if !now.Before(until) {
		return
	}
	size := entrySize(sess, user)
	if size > MaxEntryBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if old := c.byToken[sess.Token]; old != nil {
		c.remove(old)
	}
	c.makeRoom(now, size)
	e := &entry{sess: *sess, user: *user, until: until, size: size}
	c.bytes += size
	e.user.Image = cloneString(user.Image)
	e.elem = c.order.PushBack(e)
	c.byToken[e.sess.Token] = e
	c.bySID[e.sess.ID] = e
	c.byUser[e.sess.UserID] = append(c.byUser[e.sess.UserID], e)
}

// makeRoom drops the oldest entries while the cache has no room for one
// more of size bytes (by count or by MaxBytes), and expired ones at the
// old end. c.mu must be held.
func (c *Cache) makeRoom(now time.Time, size int) {
	for f := c.order.Front(); f != nil; f = c.order.Front() {
		e := f.Value.(*entry)
		if len(c.byToken) < c.max && c.bytes+size <= MaxBytes && now.Before(e.until) {
			return
		}
		c.remove(e)
	}
}

// Bytes returns the approximate memory held by the entries.
func (c *Cache) Bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}

// remove drops e from every index. c.mu must be held.
func (c *Cache) remove(e *entry) {
	c.order.Remove(e.elem)
	c.bytes -= e.size
	delete(c.byToken, e.sess.Token)
	if c.bySID[e.sess.ID] == e {
		delete(c.bySID, e.sess.ID)
	}
	es := c.byUser[e.sess.UserID]
	for i, x := range es {
		if x == e {
			es[i] = es[len(es)-1]
			es[len(es)-1] = nil
			es = es[:len(es)-1]
			break
		}
	}
	if len(es) == 0 {
		delete(c.byUser, e.sess.UserID)
	} else {
		c.byUser[e.sess.UserID] = es
	}
}

// invalidateToken forgets the session with this token.
func (c *Cache) invalidateToken(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if e := c.byToken[token]; e != nil {
		c.remove(e)
	}
}

// Invalidate forgets the sessions with these ids (sessions ended here or,
// through Redis notices, on another instance). Its signature is
// auth.Service.OnRevoke's.
func (c *Cache) Invalidate(sessionIDs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range sessionIDs {
		if e := c.bySID[id]; e != nil {
			c.remove(e)
		}
	}
}

// Clear forgets everything, for example when notices of changes made
// elsewhere may have been lost (a broken Redis subscription).
func (c *Cache) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.byToken)
	clear(c.bySID)
	clear(c.byUser)
	c.order.Init()
	c.bytes = 0
}

// InvalidateUsers forgets every session of these users.
func (c *Cache) InvalidateUsers(userIDs ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, id := range userIDs {
		for len(c.byUser[id]) > 0 {
			c.remove(c.byUser[id][0])
		}
	}
}

// cloneString copies *p, so that a caller changing the string a user's
// Image points to cannot change the cache.
func cloneString(p *string) *string {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
