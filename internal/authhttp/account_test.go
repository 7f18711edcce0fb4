package authhttp

import (
	"strings"
	"testing"

	"github.com/latchhq/latch/internal/auth"
)

func TestUpdateUser(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tok, user := e.signUp("a@example.com")
	tests := []struct {
		name string
		body string
		code int
		want string
	}{
		{name: "email", body: `{"email":"b@example.com"}`, code: 400, want: `{"message":"Email can not be updated","code":"EMAIL_CAN_NOT_BE_UPDATED"}`},
		{name: "nothing", body: `{}`, code: 400, want: `{"message":"No fields to update"}`},
		{name: "unknown keys only", body: `{"foo":1,"email":""}`, code: 400, want: `{"message":"No fields to update"}`},
		{name: "not a record", body: `[1]`, code: 400, want: `{"message":"[body] Invalid input: expected record, received array","code":"VALIDATION_ERROR"}`},
		{name: "name not a string", body: `{"name":5}`, code: 400, want: `{"message":"[body.name] Invalid input: expected string, received number","code":"VALIDATION_ERROR"}`},
		{name: "NUL in name", body: `{"name":"a\u0000b"}`, code: 400, want: `{"message":"[body.name] Invalid input: control characters are not allowed","code":"VALIDATION_ERROR"}`},
		{name: "NUL in image", body: `{"image":"x\u0000"}`, code: 400, want: `{"message":"[body.image] Invalid input: control characters are not allowed","code":"VALIDATION_ERROR"}`},
		{name: "ok", body: `{"name":"Bob","image":"https://example.com/b.png"}`, code: 200, want: `{"status":true}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantBody(t, e.do("POST", "/api/auth/update-user", tt.body, cookie(tok), "Origin: http://localhost:3000"), tt.code, tt.want)
		})
	}
	r := e.do("GET", "/api/auth/get-session", "", cookie(tok))
	if !strings.Contains(r.body, `"name":"Bob","email":"a@example.com","emailVerified":false,"image":"https://example.com/b.png"`) {
		t.Fatalf("after update: %s", r.body)
	}
	// The session cookie is re-sent; clearing the image gives null.
	r = e.do("POST", "/api/auth/update-user", `{"image":null}`, cookie(tok))
	wantCookies(t, r, sessionCookie(tok))
	if r := e.do("GET", "/api/auth/get-session", "", cookie(tok)); !strings.Contains(r.body, `"image":null`) {
		t.Fatalf("image not cleared: %s", r.body)
	}
	_ = user
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tok, user := e.signUp("a@example.com")
	other := decode(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123"}`).body)["token"].(string)
	tests := []struct {
		name string
		body string
		code int
		want string
	}{
		{name: "wrong current", body: `{"newPassword":"newpassword1","currentPassword":"nope-nope"}`, code: 400, want: `{"message":"Invalid password","code":"INVALID_PASSWORD"}`},
		{name: "too short", body: `{"newPassword":"short","currentPassword":"password123"}`, code: 400, want: `{"message":"Password too short","code":"PASSWORD_TOO_SHORT"}`},
		{name: "too long", body: `{"newPassword":"` + strings.Repeat("p", 129) + `","currentPassword":"password123"}`, code: 400, want: `{"message":"Password too long","code":"PASSWORD_TOO_LONG"}`},
		{name: "missing", body: `{"newPassword":"newpassword1"}`, code: 400, want: `{"message":"[body.currentPassword] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantBody(t, e.do("POST", "/api/auth/change-password", tt.body, cookie(tok)), tt.code, tt.want)
		})
	}
	r := e.do("POST", "/api/auth/change-password", `{"newPassword":"newpassword1","currentPassword":"password123"}`, cookie(tok))
	if r.code != 200 || !strings.HasPrefix(r.body, `{"token":null,"user":{"name":"Alice",`) || !strings.HasSuffix(r.body, `"id":"`+user["id"].(string)+`"}}`) {
		t.Fatalf("change: %d %s", r.code, r.body)
	}
	wantCookies(t, r)
	wantBody(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123"}`), 401,
		`{"message":"Invalid email or password","code":"INVALID_EMAIL_OR_PASSWORD"}`)

	// revokeOtherSessions: every session ends, a new one is set.
	r = e.do("POST", "/api/auth/change-password", `{"newPassword":"thirdpassword","currentPassword":"newpassword1","revokeOtherSessions":true}`, cookie(tok))
	nt, _ := decode(t, r.body)["token"].(string)
	if r.code != 200 || len(nt) != 32 || nt == tok {
		t.Fatalf("revoke change: %d %s", r.code, r.body)
	}
	wantCookies(t, r, sessionCookie(nt))
	// The bearer plugin announces the new session to token clients.
	if got := r.header.Get("Set-Auth-Token"); got != auth.Sign(testSecret, nt) {
		t.Fatalf("change-password set-auth-token = %q, want the new signed token", got)
	}
	for _, old := range []string{tok, other} {
		wantBody(t, e.do("GET", "/api/auth/get-session", "", cookie(old)), 200, "null")
	}
	if r := e.do("GET", "/api/auth/get-session", "", cookie(nt)); !strings.Contains(r.body, nt) {
		t.Fatalf("new session: %s", r.body)
	}

	// verify-password.
	wantBody(t, e.do("POST", "/api/auth/verify-password", `{"password":"thirdpassword"}`, cookie(nt)), 200, `{"status":true}`)
	wantBody(t, e.do("POST", "/api/auth/verify-password", `{"password":"newpassword1"}`, cookie(nt)), 400, `{"message":"Invalid password","code":"INVALID_PASSWORD"}`)
}

func TestTokenEndpoints(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tok, user := e.signUp("a@example.com")
	r := e.do("GET", "/api/auth/token", "", cookie(tok))
	jwt, _ := decode(t, r.body)["token"].(string)
	c, err := e.tokens.Verify(t.Context(), jwt)
	if r.code != 200 || err != nil || c.Subject != user["id"] || c.SessionID == "" || c.SessionID == tok {
		t.Fatalf("/token: %d %s %+v %v", r.code, r.body, c, err)
	}

	// /api/auth/session: the Next.js API-client shape.
	r = e.do("GET", "/api/auth/session", "", cookie(tok))
	m := decode(t, r.body)
	if r.code != 200 || !strings.HasPrefix(r.body, `{"token":"ey`) || m["user"] == nil || m["session"].(map[string]any)["token"] != tok {
		t.Fatalf("/session: %d %s", r.code, r.body)
	}
	c, err = e.tokens.Verify(t.Context(), m["token"].(string))
	if err != nil || c.SessionID != m["session"].(map[string]any)["id"] {
		t.Fatalf("/session jwt: %+v %v", c, err)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatal("/session cacheable")
	}
	// Bearer works here too.
	if r := e.do("GET", "/api/auth/session", "", "Authorization: Bearer "+auth.Sign(testSecret, tok)); r.code != 200 {
		t.Fatalf("/session with bearer: %d", r.code)
	}
	// Without Tokens these routes do not exist.
	e.srv.Tokens = nil
	h := e.srv.Handler()
	e.h = h
	for _, p := range []string{"/api/auth/token", "/api/auth/session"} {
		wantBody(t, e.do("GET", p, "", cookie(tok)), 404, "")
	}
	if r := e.do("GET", "/api/auth/get-session", "", cookie(tok)); r.header.Get("Set-Auth-Jwt") != "" {
		t.Fatal("set-auth-jwt without Tokens")
	}
}
