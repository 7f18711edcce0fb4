package authhttp

import (
	"errors"
	"strings"

	"github.com/latchhq/latch/internal/auth"
)

// reqCookies parses the Cookie header once.
func (c *call) reqCookies() cookieList {
	if c.cookies == nil {
		c.cookies = requestCookies(c.r)
		if c.cookies == nil {
			c.cookies = cookieList{}
		}
	}
	return c.cookies
}

// sessionToken returns the bare session token of the request, or "". A
// valid Authorization: Bearer credential (raw or signed token) wins, as
// Better Auth's bearer plugin rewrites the session cookie from it; a bearer
// credential whose signature fails is ignored and the cookie applies.
func (c *call) sessionToken() string {
	if h := c.r.Header.Get("Authorization"); len(h) >= 7 && strings.EqualFold(h[:7], "bearer ") {
		for _, secret := range c.s.secrets() {
			if tok, ok := auth.ParseBearer(secret, h[7:]); ok {
				return tok
			}
		}
	}
	tok, ok := c.s.signedCookie(c.reqCookies(), c.jar.name(sessionTokenCookie))
	if !ok {
		return ""
	}
	return tok
}

// dontRemember reports whether the request carries a validly signed,
// non-empty dont_remember cookie.
func (c *call) dontRemember() bool {
	val, ok := c.s.signedCookie(c.reqCookies(), c.jar.name(dontRememberCookie))
	return ok && val != ""
}

// disableRefresh is the coerced-boolean query parameter disableRefresh:
// any non-empty value (even "false") is true, as z.coerce.boolean does.
func (c *call) disableRefresh() bool {
	vs := c.r.URL.Query()["disableRefresh"]
	return len(vs) > 1 || len(vs) == 1 && vs[0] != ""
}

// setSessionCookie is Better Auth's setSessionCookie: dontRemember nil
// means "as the request's dont_remember cookie says".
func (c *call) setSessionCookie(token string, dontRemember *bool) {
	had := c.dontRemember()
	dr := had
	if dontRemember != nil {
		dr = *dontRemember
	}
	maxAge := int(c.s.Service.SessionExpiresIn().Seconds())
	if dr {
		maxAge = noMaxAge
	}
	c.jar.set(c.jar.name(sessionTokenCookie), auth.SignCookieValue(c.s.Secret, token), maxAge)
	if dr {
		c.jar.set(c.jar.name(dontRememberCookie), auth.SignCookieValue(c.s.Secret, "true"), noMaxAge)
	} else if had {
		c.jar.expire(c.jar.name(dontRememberCookie))
	}
}

// cleanSessionData expires every session_data cookie (and chunk) the
// request carries; Latch has no cookie cache.
func (c *call) cleanSessionData() {
	base := c.jar.name(sessionDataCookie)
	for _, p := range c.reqCookies() {
		if p.name == base || isChunkOf(base, p.name) {
			c.jar.set(p.name, "", 0)
		}
	}
}

// hasSessionData reports whether the request carries session_data.
func (c *call) hasSessionData() bool {
	base := c.jar.name(sessionDataCookie)
	for _, p := range c.reqCookies() {
		if p.name == base && p.value != "" || isChunkOf(base, p.name) {
			return true
		}
	}
	return false
}

// deleteSessionCookies is Better Auth's deleteSessionCookie: expire
// session_token and session_data, clean session_data chunks, expire
// dont_remember.
func (c *call) deleteSessionCookies() {
	c.jar.expire(c.jar.name(sessionTokenCookie))
	c.jar.expire(c.jar.name(sessionDataCookie))
	c.cleanSessionData()
	c.jar.expire(c.jar.name(dontRememberCookie))
}

// resolveSession runs get-session's lookup: it returns false (after
// expiring the cookies when a token was presented but names no live
// session) when there is no session.
func (c *call) resolveSession() (bool, error) {
	tok := c.sessionToken()
	if tok == "" {
		return false, nil
	}
	sess, user, refreshed, err := c.s.Service.Session(c.ctx, tok,
		auth.SessionOptions{NoRefresh: c.dontRemember() || c.disableRefresh()})
	switch {
	case errors.Is(err, auth.ErrNoSession):
		c.deleteSessionCookies()
		return false, nil
	case errors.Is(err, auth.ErrFailedToGetSession):
		c.deleteSessionCookies()
		return false, err
	case err != nil:
		return false, err
	}
	if refreshed {
		no := false
		c.setSessionCookie(sess.Token, &no)
	}
	c.sess, c.user = sess, user
	return true, nil
}

// requireSession is Better Auth's sessionMiddleware: 401 UNAUTHORIZED
// without a live session. Cookies written while resolving a missing
// session are dropped, as the middleware's error response carries none.
func (c *call) requireSession() error {
	ok, err := c.resolveSession()
	if err != nil && !errors.Is(err, auth.ErrFailedToGetSession) {
		return err
	}
	if !ok {
		c.jar.entries = nil
		return auth.ErrUnauthorized
	}
	return nil
}

// noStore sets get-session's caching headers.
func (c *call) noStore() {
	c.w.Header().Set("Cache-Control", "no-store")
	c.w.Header().Set("Pragma", "no-cache")
}

// statusNull writes a JSON null with status.
func (c *call) statusNull(status int) error {
	c.finish()
	writeJSON(c.w, status, nil)
	return nil
}

// secrets returns the current secret, then the previous ones.
func (s *Server) secrets() [][]byte {
	if len(s.PreviousSecrets) == 0 {
		return [][]byte{s.Secret}
	}
	return append([][]byte{s.Secret}, s.PreviousSecrets...)
}

// verifySigned checks a signed cookie value with the current secret, then
// with each previous one, so that rotating the secret signs nobody out.
func (s *Server) verifySigned(v string) (string, bool) {
	if val, ok := auth.VerifySigned(s.Secret, v); ok {
		return val, true
	}
	for _, secret := range s.PreviousSecrets {
		if val, ok := auth.VerifySigned(secret, v); ok {
			return val, true
		}
	}
	return "", false
}
