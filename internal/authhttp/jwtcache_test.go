package authhttp

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchhq/latch/token"
)

// countingSigner counts signatures.
type countingSigner struct {
	Signer
	n atomic.Int64
}

func (c *countingSigner) Sign(cl token.Claims) (string, error) {
	c.n.Add(1)
	return c.Signer.Sign(cl)
}

// TestJWTReused: get-session's set-auth-jwt and /token hand out the same
// signed JWT for one session within jwtReuse, then sign anew; another
// session gets its own token at once.
func TestJWTReused(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	cs := &countingSigner{Signer: e.srv.Tokens}
	e.srv.Tokens = cs
	e.h = e.srv.Handler()
	tok, _ := e.signUp("reuse@example.com")
	bearer := "Authorization: Bearer " + tok
	jwtOf := func() string {
		t.Helper()
		r := e.do("GET", "/api/auth/get-session", "", bearer)
		if r.code != 200 || r.header.Get("Set-Auth-Jwt") == "" {
			t.Fatalf("get-session: %d %s", r.code, r.body)
		}
		return r.header.Get("Set-Auth-Jwt")
	}
	first := jwtOf()
	e.clk.Advance(10 * time.Second)
	if again := jwtOf(); again != first {
		t.Errorf("a second get-session within %s signed a new JWT", jwtReuse)
	}
	if n := cs.n.Load(); n != 1 {
		t.Errorf("%d signatures for two get-session calls, want 1", n)
	}
	e.clk.Advance(jwtReuse)
	if later := jwtOf(); later == first {
		t.Errorf("the JWT was reused after %s", jwtReuse)
	}
	other, _ := e.signUp("reuse2@example.com")
	r := e.do("GET", "/api/auth/token", "", "Authorization: Bearer "+other)
	if r.code != 200 || strings.Contains(r.body, first) {
		t.Errorf("another session got %d %s", r.code, r.body)
	}
}
