package authhttp

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/auth"
)

func TestGetSession(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tok, user := e.signUp("a@example.com")

	r := e.do("GET", "/api/auth/get-session", "")
	wantBody(t, r, 200, "null")
	if r.header.Get("Cache-Control") != "no-store" || r.header.Get("Pragma") != "no-cache" || len(r.cookies()) != 0 {
		t.Fatalf("headers %v", r.header)
	}

	r = e.do("GET", "/api/auth/get-session", "", cookie(tok), "User-Agent: ua/1")
	sessRE := `\{"session":\{"expiresAt":"2026-12-05T06:25:34.041Z","token":"` + tok +
		`","createdAt":"2026-11-28T06:25:34.041Z","updatedAt":"2026-11-28T06:25:34.041Z","ipAddress":"127.0.0.1","userAgent":"","userId":"` +
		user["id"].(string) + `","id":"` + idRE + `"\},"user":\{"name":"Alice","email":"a@example.com","emailVerified":false,"image":null,"createdAt":"2026-11-28T06:25:34.041Z","updatedAt":"2026-11-28T06:25:34.041Z","id":"` + user["id"].(string) + `"\}\}$`
	if r.code != 200 || !regexp.MustCompile("^"+sessRE).MatchString(r.body) || len(r.cookies()) != 0 {
		t.Fatalf("get-session: %d %s %v", r.code, r.body, r.cookies())
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatal("no cache-control")
	}
	// set-auth-jwt: an HS256 JWT with sub = user id and sid = session id.
	jwt := r.header.Get("Set-Auth-Jwt")
	claims, err := e.tokens.Verify(t.Context(), jwt)
	sid := decode(t, r.body)["session"].(map[string]any)["id"]
	if err != nil || claims.Subject != user["id"] || claims.SessionID != sid || claims.Email != "a@example.com" {
		t.Fatalf("set-auth-jwt %q: %+v %v", jwt, claims, err)
	}
	if got := r.header.Get("Access-Control-Expose-Headers"); got != "set-auth-jwt" {
		t.Fatalf("expose = %q", got)
	}

	// A bad signature: null, cookies untouched.
	bad := "Cookie: better-auth.session_token=" + tok + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D"
	r = e.do("GET", "/api/auth/get-session", "", bad)
	wantBody(t, r, 200, "null")
	wantCookies(t, r)

	// A validly signed token with no row: null and the cookies expire.
	r = e.do("GET", "/api/auth/get-session", "", cookie("unknownunknownunknownunknown1234"))
	wantBody(t, r, 200, "null")
	wantCookies(t, r, expiredToken, expiredData, expiredDR)

	// A stale session_data cookie (Latch has no cookie cache) is cleaned.
	r = e.do("GET", "/api/auth/get-session", "", cookie(tok)+"; better-auth.session_data=abc")
	wantCookies(t, r, expiredData)
}

func TestSlidingRefreshHTTP(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tok, _ := e.signUp("a@example.com")
	e.clk.Advance(23 * time.Hour)
	r := e.do("GET", "/api/auth/get-session", "", cookie(tok))
	wantCookies(t, r)
	e.clk.Advance(time.Hour) // now = expiresAt - expiresIn + updateAge
	for _, q := range []string{"?disableRefresh=true", "?disableRefresh=false", "?disableRefresh=1&disableRefresh="} {
		r = e.do("GET", "/api/auth/get-session"+q, "", cookie(tok))
		if len(r.cookies()) != 0 || !strings.Contains(r.body, `"expiresAt":"2026-12-05T06:25:34.041Z"`) {
			t.Fatalf("%s refreshed: %s", q, r.body)
		}
	}
	dr := "; better-auth.dont_remember=" + auth.SignCookieValue(testSecret, "true")
	if r = e.do("GET", "/api/auth/get-session", "", cookie(tok)+dr); len(r.cookies()) != 0 {
		t.Fatal("refreshed despite dont_remember")
	}
	r = e.do("GET", "/api/auth/get-session", "", cookie(tok))
	if !strings.Contains(r.body, `"expiresAt":"2026-12-06T06:25:34.041Z"`) || !strings.Contains(r.body, `"updatedAt":"2026-11-29T06:25:34.041Z"`) {
		t.Fatalf("not refreshed: %s", r.body)
	}
	wantCookies(t, r, sessionCookie(tok))
	if r.header.Get("Set-Auth-Token") != auth.Sign(testSecret, tok) || r.header.Get("Access-Control-Expose-Headers") != "set-auth-token, set-auth-jwt" {
		t.Fatalf("headers after refresh: %v", r.header)
	}
	// A session-protected route refreshes too (Better Auth's sessionMiddleware).
	e.clk.Advance(24 * time.Hour)
	r = e.do("GET", "/api/auth/token", "", cookie(tok))
	wantCookies(t, r, sessionCookie(tok))
	// After expiry the session is gone.
	e.clk.Advance(8 * 24 * time.Hour)
	r = e.do("GET", "/api/auth/get-session", "", cookie(tok))
	wantBody(t, r, 200, "null")
	wantCookies(t, r, expiredToken, expiredData, expiredDR)
}

func TestBearer(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tok, _ := e.signUp("a@example.com")
	tok2, _ := e.signUp("b@example.com")
	for name, h := range map[string]string{
		"raw":             "Authorization: Bearer " + tok,
		"signed":          "Authorization: Bearer " + auth.Sign(testSecret, tok),
		"signed, encoded": "Authorization: bearer " + auth.SignCookieValue(testSecret, tok),
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do("GET", "/api/auth/get-session", "", h)
			if !strings.Contains(r.body, `"token":"`+tok+`"`) {
				t.Fatalf("bearer not accepted: %s", r.body)
			}
			// Bearer requests work on mutating routes without cookies.
			if r := e.do("POST", "/api/auth/update-user", `{"name":"Bea"}`, h); r.code != 200 {
				t.Fatalf("update-user with bearer: %d %s", r.code, r.body)
			}
		})
	}
	// A bearer with a bad signature is ignored: the cookie applies.
	r := e.do("GET", "/api/auth/get-session", "", "Authorization: Bearer "+tok2+".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", cookie(tok))
	if !strings.Contains(r.body, `"token":"`+tok+`"`) {
		t.Fatalf("cookie not used after bad bearer: %s", r.body)
	}
	// A valid bearer wins over the cookie.
	r = e.do("GET", "/api/auth/get-session", "", "Authorization: Bearer "+tok2, cookie(tok))
	if !strings.Contains(r.body, `"token":"`+tok2+`"`) {
		t.Fatalf("bearer did not win: %s", r.body)
	}
	// JWTs are not session tokens.
	jwt := decode(t, e.do("GET", "/api/auth/token", "", cookie(tok)).body)["token"].(string)
	wantBody(t, e.do("GET", "/api/auth/get-session", "", "Authorization: Bearer "+jwt), 200, "null")
	// Sign-in answers carry set-auth-token.
	r = e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123"}`)
	nt := decode(t, r.body)["token"].(string)
	if r.header.Get("Set-Auth-Token") != auth.Sign(testSecret, nt) {
		t.Fatalf("set-auth-token = %q", r.header.Get("Set-Auth-Token"))
	}
}

func TestUnauthorized(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	unauth := `{"message":"Unauthorized","code":"UNAUTHORIZED"}`
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/api/auth/list-sessions", ""},
		{"GET", "/api/auth/token", ""},
		{"POST", "/api/auth/revoke-session", `{"token":"x"}`},
		{"POST", "/api/auth/revoke-sessions", ""},
		{"POST", "/api/auth/revoke-other-sessions", "{}"},
		{"POST", "/api/auth/update-user", `{"name":"x"}`},
		{"POST", "/api/auth/change-password", `{"newPassword":"password1234","currentPassword":"password123"}`},
		{"POST", "/api/auth/verify-password", `{"password":"x"}`},
	} {
		t.Run(c.path, func(t *testing.T) {
			r := e.do(c.method, c.path, c.body, cookie("unknownunknownunknownunknown1234"))
			wantBody(t, r, 401, unauth)
			wantCookies(t, r)
		})
	}
	// Validation comes before the session check, as in better-call.
	wantBody(t, e.do("POST", "/api/auth/revoke-session", `{}`), 400,
		`{"message":"[body.token] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"}`)
	r := e.do("GET", "/api/auth/session", "")
	wantBody(t, r, 401, "null")
}

func TestListAndRevoke(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	a, _ := e.signUp("a@example.com")
	b := decode(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123"}`).body)["token"].(string)
	c := decode(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123"}`).body)["token"].(string)
	other, _ := e.signUp("o@example.com")

	r := e.do("GET", "/api/auth/list-sessions", "", cookie(a))
	if r.code != 200 || !strings.HasPrefix(r.body, `[{"expiresAt":"`) || strings.Count(r.body, `"token":"`) != 3 || !strings.Contains(r.body, b) {
		t.Fatalf("list: %d %s", r.code, r.body)
	}
	// A GET answering an array of session tokens must not be sniffable
	// as a script by another site.
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Fatalf("list-sessions X-Content-Type-Options = %q, want nosniff", got)
	}
	ok := `{"status":true}`
	// Unknown and foreign tokens: status true, nothing deleted.
	wantBody(t, e.do("POST", "/api/auth/revoke-session", `{"token":"nope"}`, cookie(a)), 200, ok)
	wantBody(t, e.do("POST", "/api/auth/revoke-session", `{"token":"`+other+`"}`, cookie(a)), 200, ok)
	if r := e.do("GET", "/api/auth/get-session", "", cookie(other)); r.body == "null" {
		t.Fatal("foreign session revoked")
	}
	// Revoking b ends it at once.
	r = e.do("POST", "/api/auth/revoke-session", `{"token":"`+b+`"}`, cookie(a))
	wantBody(t, r, 200, ok)
	wantCookies(t, r)
	wantBody(t, e.do("GET", "/api/auth/get-session", "", cookie(b)), 200, "null")
	// revoke-other-sessions keeps a, ends c.
	wantBody(t, e.do("POST", "/api/auth/revoke-other-sessions", "", cookie(a)), 200, ok)
	wantBody(t, e.do("GET", "/api/auth/get-session", "", cookie(c)), 200, "null")
	if r := e.do("GET", "/api/auth/get-session", "", cookie(a)); r.body == "null" {
		t.Fatal("current session lost")
	}
	// Revoking the current session expires the cookies.
	r = e.do("POST", "/api/auth/revoke-session", `{"token":"`+a+`"}`, cookie(a))
	wantBody(t, r, 200, ok)
	wantCookies(t, r, expiredToken, expiredData, expiredDR)

	// revoke-sessions ends everything, cookies expire.
	x := decode(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123"}`).body)["token"].(string)
	y := decode(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123"}`).body)["token"].(string)
	r = e.do("POST", "/api/auth/revoke-sessions", "", cookie(x))
	wantBody(t, r, 200, ok)
	wantCookies(t, r, expiredToken, expiredData, expiredDR)
	for _, s := range []string{x, y} {
		wantBody(t, e.do("GET", "/api/auth/get-session", "", cookie(s)), 200, "null")
	}

	// Freshness: a session one day old may not list sessions.
	z := decode(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123"}`).body)["token"].(string)
	e.clk.Advance(24 * time.Hour)
	r = e.do("GET", "/api/auth/list-sessions", "", cookie(z))
	wantBody(t, r, 403, `{"message":"Session is not fresh","code":"SESSION_NOT_FRESH"}`)
	wantCookies(t, r) // the middleware's error carries no refresh cookie
}

func TestSignOut(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tok, _ := e.signUp("a@example.com")
	r := e.do("POST", "/api/auth/sign-out", "", cookie(tok))
	wantBody(t, r, 200, `{"success":true}`)
	wantCookies(t, r, expiredToken, expiredData, expiredDR)
	if r.header.Get("Set-Auth-Token") != "" {
		t.Fatal("set-auth-token on sign-out")
	}
	wantBody(t, e.do("GET", "/api/auth/get-session", "", cookie(tok)), 200, "null")
	// Without a session it still succeeds.
	wantBody(t, e.do("POST", "/api/auth/sign-out", "{}"), 200, `{"success":true}`)
}

// TestUserAgentReadAsLatin1: Node's HTTP parser gives header values one
// byte per character, so Better Auth stores a UTF-8 "café" User-Agent as
// "cafÃ©" and a lone 0xFF byte as "ÿ". Latch must store the same (and
// never bytes that are not UTF-8, which PostgreSQL refuses).
func TestUserAgentReadAsLatin1(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	e.signUp("ua@example.com")
	tests := []struct {
		name, header, want string
	}{
		{name: "ascii", header: "Mozilla/5.0 (X11)", want: "Mozilla/5.0 (X11)"},
		{name: "utf-8 bytes", header: "caf\xc3\xa9", want: "caf\u00c3\u00a9"},
		{name: "invalid utf-8", header: "x\xff", want: "x\u00ff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			r := e.do("POST", "/api/auth/sign-in/email", `{"email":"ua@example.com","password":"password123"}`, "User-Agent: "+tt.header)
			tok, _ := decode(t, r.body)["token"].(string)
			r = e.do("GET", "/api/auth/get-session", "", cookie(tok))
			var got struct {
				Session struct {
					UserAgent string `json:"userAgent"`
				} `json:"session"`
			}
			if err := json.Unmarshal([]byte(r.body), &got); err != nil || got.Session.UserAgent != tt.want {
				t.Fatalf("userAgent = %q (%v), want %q; body %s", got.Session.UserAgent, err, tt.want, r.body)
			}
		})
	}
}
