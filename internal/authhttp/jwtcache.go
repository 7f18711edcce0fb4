package authhttp

import (
	"sync"
	"time"
)

// jwtReuse is how long a signed JWT is handed out again for the same
// session and claims. A client polling get-session (the set-auth-jwt
// header) or /token then costs one signature per session per jwtReuse,
// not one per request; the token's exp moves by at most this much.
const jwtReuse = 30 * time.Second

// maxCachedJWTs bounds the cache; when full it is emptied (a cache miss
// only costs a signature).
const maxCachedJWTs = 8192

// jwtCache remembers the last JWT signed for each (session, user, email).
// A changed email or a new session is a different key, and a session that
// ended never reaches it (the session is resolved first).
type jwtCache struct {
	mu sync.Mutex
	m  map[jwtKey]cachedJWT
}

type jwtKey struct{ sid, sub, email, kid string }

// keyIdentifier is implemented by signers whose key changes (auth.KeyRing):
// a token of the previous key is then not reused.
type keyIdentifier interface {
	SigningKeyID() string
}

type cachedJWT struct {
	tok string
	at  time.Time
}

// get returns the token signed for k less than jwtReuse before now.
func (c *jwtCache) get(k jwtKey, now time.Time) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || now.Sub(e.at) >= jwtReuse || now.Before(e.at) {
		return "", false
	}
	return e.tok, true
}

func (c *jwtCache) put(k jwtKey, tok string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedJWTs {
		c.m = make(map[jwtKey]cachedJWT)
	}
	c.m[k] = cachedJWT{tok: tok, at: now}
}
