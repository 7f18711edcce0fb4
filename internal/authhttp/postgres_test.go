package authhttp

import (
	"context"
	"strings"
	"testing"

	"github.com/latchhq/latch/internal/pgtest"
	"github.com/latchhq/latch/internal/store/postgres"
)

// newPostgresEnv is newEnv on PostgreSQL, in a schema of its own dropped
// at cleanup. It runs only when LATCH_TEST_POSTGRES is set, and then
// fails if the database is unreachable.
func newPostgresEnv(t *testing.T) *env {
	t.Helper()
	u := pgtest.URL(t, "latch_authhttp_")
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("postgres.Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return newEnvOn(t, db, "http://localhost:3000")
}

// TestPostgresRefusedInputIsNot500: PostgreSQL refuses NUL characters in
// text, which SQLite stores. Such input must get Better Auth's answer (or
// a 400), never a 500.
func TestPostgresRefusedInputIsNot500(t *testing.T) {
	e := newPostgresEnv(t)
	tok, _ := e.signUp("pg@example.com")
	origin := "Origin: http://localhost:3000"
	tests := []struct {
		name string
		path string
		body string
		code int
		want string
	}{
		{name: "sign-up NUL name", path: "sign-up/email", body: `{"name":"a\u0000b","email":"n1@example.com","password":"password123"}`,
			code: 400, want: `{"message":"[body.name] Invalid input: control characters are not allowed","code":"VALIDATION_ERROR"}`},
		{name: "sign-up NUL image", path: "sign-up/email", body: `{"name":"a","image":"\u0000","email":"n2@example.com","password":"password123"}`,
			code: 400, want: `{"message":"[body.image] Invalid input: control characters are not allowed","code":"VALIDATION_ERROR"}`},
		{name: "sign-in NUL password", path: "sign-in/email", body: `{"email":"pg@example.com","password":"\u0000"}`,
			code: 401, want: `{"message":"Invalid email or password","code":"INVALID_EMAIL_OR_PASSWORD"}`},
		{name: "revoke-session NUL token", path: "revoke-session", body: `{"token":"\u0000"}`,
			code: 200, want: `{"status":true}`},
		{name: "update-user NUL name", path: "update-user", body: `{"name":"\u0000"}`,
			code: 400, want: `{"message":"[body.name] Invalid input: control characters are not allowed","code":"VALIDATION_ERROR"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			wantBody(t, e.do("POST", "/api/auth/"+tt.path, tt.body, cookie(tok), origin), tt.code, tt.want)
		})
	}
	e.t = t
	// Go's server passes header bytes that are not UTF-8; Node reads them
	// as Latin-1, and so must Latch (PostgreSQL refused the raw bytes).
	r := e.do("POST", "/api/auth/sign-in/email", `{"email":"pg@example.com","password":"password123"}`, "User-Agent: caf\xe9\xff")
	if r.code != 200 || !strings.Contains(r.body, `"token":"`) {
		t.Fatalf("sign-in with a Latin-1 User-Agent: %d %s", r.code, r.body)
	}
	// A raw bearer token is used unsigned: one that is not UTF-8 names no
	// session (Node would read it as Latin-1 and find no row), not a 500.
	if r := e.do("GET", "/api/auth/get-session", "", "Authorization: Bearer caf\xe9\xff"); r.code != 200 || r.body != "null" {
		t.Fatalf("get-session with a non-UTF-8 bearer token: %d %s", r.code, r.body)
	}
	if r := e.do("GET", "/api/auth/get-session", "", cookie(tok)); r.code != 200 || !strings.Contains(r.body, `"email":"pg@example.com"`) {
		t.Fatalf("session lost after the refused requests: %d %s", r.code, r.body)
	}
}

// TestPostgresProfileFieldRules is TestProfileFieldRules on PostgreSQL.
func TestPostgresProfileFieldRules(t *testing.T) {
	checkProfileRules(t, newPostgresEnv(t))
}
