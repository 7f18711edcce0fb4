package authhttp

import "testing"

// TestAuthAnswersNotCached: every answer of the auth API, successes and
// errors, signed in or not, says Cache-Control: no-store and Vary: Cookie,
// so that no shared or browser cache keeps a JWT, a session token or user
// data (GET /token and /list-sessions carry credentials).
func TestAuthAnswersNotCached(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tok, _ := e.signUp("cache@example.com")
	origin := "Origin: http://localhost:3000"
	tests := []struct {
		method, path, body string
		auth               bool
		code               int
	}{
		{"GET", "/token", "", true, 200},
		{"GET", "/token", "", false, 401},
		{"GET", "/list-sessions", "", true, 200},
		{"GET", "/get-session", "", true, 200},
		{"GET", "/get-session", "", false, 200},
		{"GET", "/session", "", true, 200},
		{"GET", "/session", "", false, 401},
		{"GET", "/ok", "", false, 200},
		{"POST", "/sign-in/email", `{"email":"cache@example.com","password":"password123"}`, false, 200},
		{"POST", "/sign-in/email", `{"email":"cache@example.com","password":"wrong password"}`, false, 401},
		{"POST", "/sign-up/email", `{"name":"B","email":"cache2@example.com","password":"password123"}`, false, 200},
		{"POST", "/update-user", `{"name":"C"}`, true, 200},
		{"POST", "/verify-password", `{"password":"password123"}`, true, 200},
		{"POST", "/change-password", `{"currentPassword":"password123","newPassword":"password456"}`, true, 200},
		{"POST", "/revoke-other-sessions", `{}`, true, 200},
		{"POST", "/sign-out", `{}`, true, 200},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			e.t = t
			hdr := []string{origin}
			if tt.auth {
				hdr = append(hdr, cookie(tok))
			}
			r := e.do(tt.method, "/api/auth"+tt.path, tt.body, hdr...)
			if r.code != tt.code {
				t.Fatalf("status %d, want %d: %s", r.code, tt.code, r.body)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", cc)
			}
			if v := r.header.Values("Vary"); len(v) != 1 || v[0] != "Cookie" {
				t.Errorf("Vary %q, want Cookie", v)
			}
		})
	}
}
