package authhttp

import (
	"testing"

	"github.com/latchhq/latch/internal/httpsec"
)

// TestGuardOrder checks that the origin/CSRF guard runs where Better Auth
// runs it: after body parsing, and for sign-in/up without cookies after
// schema validation.
func TestGuardOrder(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	e.srv.Guard = httpsec.OriginCheck(mustOrigins("http://localhost:3000"), BasePath)
	e.h = e.srv.Handler()
	tok, _ := e.signUp("a@example.com")
	cors := "Sec-Fetch-Mode: cors"
	tests := []struct {
		name   string
		path   string
		body   string
		hdr    []string
		code   int
		prefix string
	}{
		{name: "415 before the fetch-metadata origin check", path: "/sign-in/email", body: "hello",
			hdr: []string{"Content-Type: text/plain", cors}, code: 415, prefix: `{"message":"Content-Type \"text/plain\" is not allowed`},
		{name: "validation before formCsrf", path: "/sign-in/email", body: `{}`, hdr: []string{cors}, code: 400,
			prefix: `{"message":"[body.email] Invalid input`},
		{name: "formCsrf without origin", path: "/sign-in/email", body: `{"email":"a@example.com","password":"password123"}`,
			hdr: []string{cors}, code: 403, prefix: `{"message":"Missing or null Origin","code":"MISSING_OR_NULL_ORIGIN"}`},
		{name: "cross-site navigation", path: "/sign-in/email", body: `{"email":"a@example.com","password":"password123"}`,
			hdr: []string{"Sec-Fetch-Site: cross-site", "Sec-Fetch-Mode: navigate"}, code: 403, prefix: `{"message":"Cross-site navigation login blocked`},
		{name: "trusted origin signs in", path: "/sign-in/email", body: `{"email":"a@example.com","password":"password123"}`,
			hdr: []string{cors, "Origin: http://localhost:3000"}, code: 200, prefix: `{"redirect":false`},
		{name: "no fetch metadata, no cookie: passes", path: "/sign-in/email", body: `{"email":"a@example.com","password":"password123"}`,
			code: 200, prefix: `{"redirect":false`},
		{name: "malformed JSON before the cookie origin check", path: "/update-user", body: `{`,
			hdr: []string{cookie(tok)}, code: 400, prefix: `{"message":"Invalid JSON in request body"`},
		{name: "cookie without origin", path: "/update-user", body: `{"name":"B"}`,
			hdr: []string{cookie(tok)}, code: 403, prefix: `{"message":"Missing or null Origin","code":"MISSING_OR_NULL_ORIGIN"}`},
		{name: "cookie origin check before validation", path: "/revoke-session", body: `{}`,
			hdr: []string{cookie(tok), "Origin: https://evil.example"}, code: 403, prefix: `{"message":"Invalid origin","code":"INVALID_ORIGIN"}`},
		{name: "cookie with trusted origin", path: "/update-user", body: `{"name":"B"}`,
			hdr: []string{cookie(tok), "Origin: http://localhost:3000"}, code: 200, prefix: `{"status":true}`},
		{name: "bearer without cookie skips the check", path: "/update-user", body: `{"name":"C"}`,
			hdr: []string{"Authorization: Bearer " + tok}, code: 200, prefix: `{"status":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := e.do("POST", "/api/auth"+tt.path, tt.body, tt.hdr...)
			if r.code != tt.code || len(r.body) < len(tt.prefix) || r.body[:len(tt.prefix)] != tt.prefix {
				t.Fatalf("got %d %s, want %d %s…", r.code, r.body, tt.code, tt.prefix)
			}
		})
	}
	// GET routes pass the guard.
	if r := e.do("GET", "/api/auth/get-session", "", cookie(tok)); r.code != 200 || r.body == "null" {
		t.Fatalf("get-session through guard: %d %s", r.code, r.body)
	}
}
