package authhttp

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/latchhq/latch/internal/auth"
)

func TestNotFound(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tests := []struct{ method, path string }{
		{"GET", "/api/auth/nope"},
		{"GET", "/api/auth/sign-in/email"},
		{"POST", "/api/auth/ok"},
		{"HEAD", "/api/auth/ok"},
		{"PUT", "/api/auth/sign-up/email"},
		{"GET", "/api/auth/ok/"},
		{"GET", "/api/auth//ok"},
		{"GET", "/api/auth"},
		{"GET", "/api/auth/"},
		{"GET", "/api/auth/forget-password"},
		{"GET", "/api/auth/o%6B"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := e.do(tt.method, tt.path, "")
			if r.code != 404 || r.body != "" {
				t.Fatalf("got %d %q, want 404 with an empty body", r.code, r.body)
			}
		})
	}
	wantBody(t, e.do("GET", "/api/auth/ok", ""), 200, `{"ok":true}`)
	// get-session is registered for POST too; without deferSessionRefresh
	// Better Auth answers 405 (measured on 1.7.25).
	r := e.do("POST", "/api/auth/get-session", "")
	wantBody(t, r, 405, `{"message":"POST method requires deferSessionRefresh to be enabled in session config","code":"METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED"}`)
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatal("405 without cache-control")
	}
}

var (
	idRE   = `[A-Za-z0-9]{32}`
	dateRE = `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`
)

func TestSignUpResponseAndCookie(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	r := e.do("POST", "/api/auth/sign-up/email", `{"name":"Alice <&>","email":"Alice@Example.com","password":"password123"}`)
	// Key order as Better Auth's SQL adapters return it (id last).
	userRE := `\{"name":"Alice <&>","email":"alice@example.com","emailVerified":false,"image":null,"createdAt":"2026-11-28T06:25:34.041Z","updatedAt":"2026-11-28T06:25:34.041Z","id":"` + idRE + `"\}`
	if !regexp.MustCompile(`^\{"token":"`+idRE+`","user":`+userRE+`\}$`).MatchString(r.body) || r.code != 200 {
		t.Fatalf("sign-up: %d %s", r.code, r.body)
	}
	tok := decode(t, r.body)["token"].(string)
	wantCookies(t, r, sessionCookie(tok))
	if got := r.header.Get("Set-Auth-Token"); got != auth.Sign(testSecret, tok) {
		t.Fatalf("set-auth-token = %q", got)
	}
	if got := r.header.Get("Access-Control-Expose-Headers"); got != "set-auth-token" {
		t.Fatalf("expose = %q", got)
	}
	if r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("content-type %q", r.header.Get("Content-Type"))
	}
	// The stored hash has Better Auth's format.
	u := decode(t, r.body)["user"].(map[string]any)
	acct, err := e.db.CredentialAccount(t.Context(), u["id"].(string))
	if err != nil || !regexp.MustCompile(`^[0-9a-z]{32}:[0-9a-f]{128}$`).MatchString(*acct.Password) {
		t.Fatalf("stored hash %v %v", acct, err)
	}
}

func TestSecureCookies(t *testing.T) {
	e := newEnv(t, "https://auth.example.com")
	r := e.do("POST", "/api/auth/sign-up/email", `{"name":"A","email":"a@example.com","password":"password123","rememberMe":false}`)
	tok := decode(t, r.body)["token"].(string)
	wantCookies(t, r,
		"__Secure-better-auth.session_token="+auth.SignCookieValue(testSecret, tok)+"; Path=/; HttpOnly; Secure; SameSite=Lax",
		"__Secure-better-auth.dont_remember="+auth.SignCookieValue(testSecret, "true")+"; Path=/; HttpOnly; Secure; SameSite=Lax")
	// Only the prefixed name is read.
	plain := e.do("GET", "/api/auth/get-session", "", cookie(tok))
	wantBody(t, plain, 200, "null")
	sec := e.do("GET", "/api/auth/get-session", "", "Cookie: __Secure-better-auth.session_token="+auth.SignCookieValue(testSecret, tok))
	if sec.code != 200 || !strings.Contains(sec.body, tok) {
		t.Fatalf("secure cookie not read: %s", sec.body)
	}
}

func TestSignUpErrors(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	e.signUp("taken@example.com")
	tests := []struct {
		name string
		body string
		ct   string
		code int
		want string
	}{
		{name: "duplicate", body: `{"name":"A","email":"TAKEN@example.com","password":"password123"}`, code: 422,
			want: `{"message":"User already exists. Use another email.","code":"USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"}`},
		{name: "too short", body: `{"name":"A","email":"b@example.com","password":"1234567"}`, code: 400,
			want: `{"message":"Password too short","code":"PASSWORD_TOO_SHORT"}`},
		{name: "too long", body: `{"name":"A","email":"b@example.com","password":"` + strings.Repeat("x", 129) + `"}`, code: 400,
			want: `{"message":"Password too long","code":"PASSWORD_TOO_LONG"}`},
		{name: "bad email", body: `{"name":"A","email":"bad","password":"password123"}`, code: 400,
			want: `{"message":"[body.email] Invalid email address","code":"VALIDATION_ERROR"}`},
		{name: "name null", body: `{"name":null,"email":"b@example.com","password":"password123"}`, code: 400,
			want: `{"message":"[body.name] Invalid input: expected string, received null","code":"VALIDATION_ERROR"}`},
		{name: "several issues", body: `{"name":1,"email":2,"password":""}`, code: 400,
			want: `{"message":"[body.name] Invalid input: expected string, received number; [body.email] Invalid input: expected string, received number; [body.password] Too small: expected string to have >=1 characters","code":"VALIDATION_ERROR"}`},
		{name: "image null", body: `{"name":"A","email":"b@example.com","password":"password123","image":null}`, code: 400,
			want: `{"message":"[body.image] Invalid input: expected string, received null","code":"VALIDATION_ERROR"}`},
		{name: "array body", body: `[]`, code: 400,
			want: `{"message":"[body] Invalid input: expected object, received array; [body] Invalid input: expected record, received array","code":"VALIDATION_ERROR"}`},
		{name: "malformed json", body: `{"name":`, code: 400,
			want: `{"message":"Invalid JSON in request body","code":"BAD_REQUEST"}`},
		{name: "text/plain", body: `hello`, ct: "text/plain;charset=UTF-8", code: 415,
			want: `{"message":"Content-Type \"text/plain;charset=UTF-8\" is not allowed. Allowed types: application/x-www-form-urlencoded, application/json","code":"UNSUPPORTED_MEDIA_TYPE"}`},
		{name: "no content type", body: `{}`, ct: "-", code: 415,
			want: `{"message":"Content-Type is required. Allowed types: application/x-www-form-urlencoded, application/json","code":"UNSUPPORTED_MEDIA_TYPE"}`},
		{name: "form rememberMe is a string", body: `name=A&email=b%40example.com&password=password123&rememberMe=false`, ct: mediaForm, code: 400,
			want: `{"message":"[body.rememberMe] Invalid input: expected boolean, received string","code":"VALIDATION_ERROR"}`},
		{name: "untrusted callbackURL", body: `{"name":"A","email":"b@example.com","password":"password123","callbackURL":"https://evil.example"}`, code: 403,
			want: `{"message":"Invalid callbackURL","code":"INVALID_CALLBACK_URL"}`},
		{name: "non-string callbackURL", body: `{"name":"A","email":"b@example.com","password":"password123","callbackURL":5}`, code: 400,
			want: `{"message":"Invalid callbackURL: expected a string"}`},
		{name: "no body", body: "", code: 400,
			want: `{"message":"[body] Invalid input: expected object, received undefined; [body] Invalid input: expected record, received undefined","code":"VALIDATION_ERROR"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := []string{}
			switch tt.ct {
			case "":
			case "-":
				hdr = append(hdr, "Content-Type: ")
			default:
				hdr = append(hdr, "Content-Type: "+tt.ct)
			}
			wantBody(t, e.do("POST", "/api/auth/sign-up/email", tt.body, hdr...), tt.code, tt.want)
		})
	}
}

// TestSignUpWithoutName: a deliberate superset of Better Auth (which
// answers 400): the original design's register page sends no name, and
// the user is named after the part of the email before @. An empty name
// stays empty, as in Better Auth.
func TestSignUpWithoutName(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tests := []struct {
		name, body, ct, wantName string
	}{
		{name: "JSON, design's call", body: `{"email":"Carol.Smith+x@example.com","password":"password123","callbackURL":"/dashboard"}`, wantName: "Carol.Smith+x"},
		{name: "form", body: "email=dan%40example.com&password=password123", ct: mediaForm, wantName: "dan"},
		{name: "empty name kept", body: `{"name":"","email":"erin@example.com","password":"password123"}`, wantName: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.ct != "" {
				hdr = append(hdr, "Content-Type: "+tt.ct)
			}
			r := e.do("POST", "/api/auth/sign-up/email", tt.body, hdr...)
			var out struct {
				User struct {
					Name string `json:"name"`
				} `json:"user"`
			}
			if r.code != 200 || json.Unmarshal([]byte(r.body), &out) != nil || out.User.Name != tt.wantName {
				t.Fatalf("sign-up: %d %s, want 200 with name %q", r.code, r.body, tt.wantName)
			}
		})
	}
}

func TestFormSignUpAndSignIn(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	r := e.do("POST", "/api/auth/sign-up/email", "name=Al+Ice&email=al%40example.com&password=password123", "Content-Type: "+mediaForm)
	if r.code != 200 || !strings.Contains(r.body, `"name":"Al Ice"`) {
		t.Fatalf("form sign-up: %d %s", r.code, r.body)
	}
	r = e.do("POST", "/api/auth/sign-in/email", "email=al%40example.com&password=password123", "Content-Type: application/x-www-form-urlencoded; charset=utf-8")
	if r.code != 200 || !strings.HasPrefix(r.body, `{"redirect":false,"token":"`) {
		t.Fatalf("form sign-in: %d %s", r.code, r.body)
	}
	// Other routes accept JSON only.
	wantBody(t, e.do("POST", "/api/auth/sign-out", "a=b", "Content-Type: "+mediaForm), 415,
		`{"message":"Content-Type \"application/x-www-form-urlencoded\" is not allowed. Allowed types: application/json","code":"UNSUPPORTED_MEDIA_TYPE"}`)
}

func TestSignIn(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	_, user := e.signUp("alice@example.com")
	invalid := `{"message":"Invalid email or password","code":"INVALID_EMAIL_OR_PASSWORD"}`
	wantBody(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"alice@example.com","password":"wrong-password"}`), 401, invalid)
	wantBody(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"nobody@example.com","password":"password123"}`), 401, invalid)
	wantBody(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"nope","password":"password123"}`), 400, `{"message":"Invalid email","code":"INVALID_EMAIL"}`)
	wantBody(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"alice@example.com","password":"`+strings.Repeat("x", 129)+`"}`), 400, `{"message":"Password too long","code":"PASSWORD_TOO_LONG"}`)
	wantBody(t, e.do("POST", "/api/auth/sign-in/email", `{}`), 400,
		`{"message":"[body.email] Invalid input: expected string, received undefined; [body.password] Invalid input: expected string, received undefined","code":"VALIDATION_ERROR"}`)

	r := e.do("POST", "/api/auth/sign-in/email", `{"email":"ALICE@example.com","password":"password123"}`)
	m := decode(t, r.body)
	tok, _ := m["token"].(string)
	if r.code != 200 || m["redirect"] != false || m["user"].(map[string]any)["id"] != user["id"] || len(tok) != 32 {
		t.Fatalf("sign-in: %d %s", r.code, r.body)
	}
	if _, hasURL := m["url"]; hasURL || r.header.Get("Location") != "" {
		t.Fatal("url or Location without callbackURL")
	}
	wantCookies(t, r, sessionCookie(tok))
	// A UTF-8 BOM before the JSON is accepted, as fetch's json() drops it.
	if r := e.do("POST", "/api/auth/sign-in/email", "\xef\xbb\xbf"+`{"email":"alice@example.com","password":"password123"}`); r.code != 200 {
		t.Fatalf("BOM: %d %s", r.code, r.body)
	}

	// callbackURL: redirect true, url, Location, status still 200.
	r = e.do("POST", "/api/auth/sign-in/email", `{"email":"alice@example.com","password":"password123","callbackURL":"/dashboard"}`)
	if r.code != 200 || !regexp.MustCompile(`^\{"redirect":true,"token":"`+idRE+`","url":"/dashboard","user":\{`).MatchString(r.body) || r.header.Get("Location") != "/dashboard" {
		t.Fatalf("callbackURL sign-in: %d %s %v", r.code, r.body, r.header)
	}
	wantBody(t, e.do("POST", "/api/auth/sign-in/email", `{"email":"alice@example.com","password":"password123","callbackURL":"//evil.example"}`), 403,
		`{"message":"Invalid callbackURL","code":"INVALID_CALLBACK_URL"}`)
}

func TestRememberMeFalse(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	e.signUp("a@example.com")
	r := e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123","rememberMe":false}`)
	tok := decode(t, r.body)["token"].(string)
	wantCookies(t, r,
		"better-auth.session_token="+auth.SignCookieValue(testSecret, tok)+"; Path=/; HttpOnly; SameSite=Lax",
		"better-auth.dont_remember=true.qPGNN6zS58Hxm%2Bo8aeUbHjwUfkKBQBfvXQOE74EPoLw%3D; Path=/; HttpOnly; SameSite=Lax")
	if got := auth.SignCookieValue(testSecret, "true"); got != "true.qPGNN6zS58Hxm%2Bo8aeUbHjwUfkKBQBfvXQOE74EPoLw%3D" {
		t.Fatalf("dont_remember value %s (vector from Python hmac)", got)
	}
	dr := "better-auth.dont_remember=" + auth.SignCookieValue(testSecret, "true")
	gs := e.do("GET", "/api/auth/get-session", "", cookie(tok)+"; "+dr)
	exp := decode(t, gs.body)["session"].(map[string]any)["expiresAt"]
	if exp != "2026-11-29T06:25:34.041Z" || len(gs.cookies()) != 0 {
		t.Fatalf("rememberMe:false session expires %v (cookies %v), want +1 day and no refresh", exp, gs.cookies())
	}
	// Without the dont_remember cookie the 1-day session is old enough
	// for the sliding refresh (expiresAt - 7d + 1d <= now), as in Better Auth.
	gs = e.do("GET", "/api/auth/get-session", "", cookie(tok))
	if exp := decode(t, gs.body)["session"].(map[string]any)["expiresAt"]; exp != "2026-12-05T06:25:34.041Z" {
		t.Fatalf("without dont_remember: expires %v", exp)
	}
	// Signing in again with rememberMe (default true) expires dont_remember.
	dr = "better-auth.dont_remember=" + auth.SignCookieValue(testSecret, "true")
	r = e.do("POST", "/api/auth/sign-in/email", `{"email":"a@example.com","password":"password123"}`, "Cookie: "+dr)
	tok2 := decode(t, r.body)["token"].(string)
	wantCookies(t, r, sessionCookie(tok2), expiredDR)
}

func TestBodyLimitAndNeverServerError(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	e.srv.MaxBodyBytes = 1024
	e.h = e.srv.Handler()
	big := `{"name":"` + strings.Repeat("a", 2000) + `"}`
	r := e.do("POST", "/api/auth/sign-up/email", big)
	if r.code != 413 || r.body != `{"message":"Request body is too large","code":"PAYLOAD_TOO_LARGE"}` {
		t.Fatalf("big body: %d %s", r.code, r.body)
	}
	tok, _ := e.signUp("a@example.com")
	bodies := []string{``, `null`, `0`, `"s"`, `[]`, `{}`, `{"token":null}`, `{"name":[]}`, `{"image":{}}`, `{"email":true}`,
		`{"newPassword":1,"currentPassword":{}}`, `{"password":["x"]}`, `{"callbackURL":[]}`, `{"redirectTo":"javascript:alert(1)"}`,
		"\xff\xfe", `{"a":` + strings.Repeat("[", 20000) + `}`, `{"email":"` + strings.Repeat("a", 900) + `@x.io","password":"p"}`}
	paths := []string{"sign-up/email", "sign-in/email", "sign-out", "revoke-session", "revoke-sessions", "revoke-other-sessions",
		"update-user", "change-password", "verify-password"}
	for _, p := range paths {
		for i, b := range bodies {
			for _, withSession := range []bool{false, true} {
				hdr := []string{}
				if withSession {
					hdr = append(hdr, cookie(tok))
				}
				r := e.do("POST", "/api/auth/"+p, b, hdr...)
				if r.code >= 500 {
					t.Errorf("POST %s body #%d session=%v: %d %s", p, i, withSession, r.code, r.body)
				}
			}
		}
	}
	_ = fmt.Sprint()
}

func FuzzRequestCookies(f *testing.F) {
	f.Add("a=b; c=d")
	f.Add(`better-auth.session_token="x%2Fy"; a`)
	f.Add("=;;=;a=%zz;a=2")
	f.Add("x;y=z")
	f.Fuzz(func(t *testing.T, header string) {
		e := newEnvNoStore()
		c := &call{s: e, r: newReq(header), jar: &jar{}}
		list := c.reqCookies()
		seen := map[string]bool{}
		for _, p := range list {
			if seen[p.name] {
				t.Fatalf("duplicate name %q", p.name)
			}
			seen[p.name] = true
		}
		_ = c.sessionToken()
		_ = c.dontRemember()
	})
}

// FuzzHandler posts arbitrary bodies and content types to every POST
// route, with and without a session: the answer is never a 5xx.
func FuzzHandler(f *testing.F) {
	e := newEnv(f, "http://localhost:3000")
	tok, _ := e.signUp("fuzz@example.com")
	paths := []string{"sign-up/email", "sign-in/email", "sign-out", "revoke-session", "revoke-sessions",
		"revoke-other-sessions", "update-user", "change-password", "verify-password"}
	f.Add(uint8(0), "application/json", `{"name":"a","email":"b@c.de","password":"password123"}`, false)
	f.Add(uint8(1), "application/x-www-form-urlencoded", "email=a%40b.co&password=%ZZ", true)
	f.Add(uint8(6), "application/json; charset=utf-8", `{"name":null,"image":5}`, true)
	f.Add(uint8(7), "text/plain", "x", true)
	f.Fuzz(func(t *testing.T, route uint8, ct, body string, withSession bool) {
		e.t = t
		hdr := []string{"Content-Type: " + ct}
		if withSession {
			hdr = append(hdr, cookie(tok))
		}
		r := e.do("POST", "/api/auth/"+paths[int(route)%len(paths)], body, hdr...)
		if r.code >= 500 {
			t.Fatalf("%d %s", r.code, r.body)
		}
	})
}
