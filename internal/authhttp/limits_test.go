package authhttp

import (
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// profileCases are sign-up and update-user bodies checked against the
// field caps (name 255, image 2,048, email 254 characters, counted as
// JavaScript does) and the control-character rule for names and images.
func profileCases() []struct {
	name, path, body string
	code             int
	want             string // the body, or "" for any 200
} {
	su := func(name, email, image string) string {
		m := map[string]any{"name": name, "email": email, "password": "password123"}
		if image != "" {
			m["image"] = image
		}
		b, _ := json.Marshal(m)
		return string(b)
	}
	js := func(m map[string]any) string { b, _ := json.Marshal(m); return string(b) }
	bad := func(msg string) string { return `{"message":"` + msg + `","code":"VALIDATION_ERROR"}` }
	tooBig := func(key string, n int) string {
		return bad("[body." + key + "] Too big: expected string to have \u003c=" + itoa(n) + " characters")
	}
	ctrl := func(key string) string {
		return bad("[body." + key + "] Invalid input: control characters are not allowed")
	}
	long := func(n int) string { return strings.Repeat("x", n) }
	email := func(n int) string { return strings.Repeat("a", n-len("@example.com")) + "@example.com" }
	img := func(n int) string { return "https://example.com/" + long(n-len("https://example.com/")) }
	return []struct {
		name, path, body string
		code             int
		want             string
	}{
		{"sign-up name 255", "sign-up/email", su(long(255), "n1@example.com", ""), 200, ""},
		{"sign-up name 256", "sign-up/email", su(long(256), "n2@example.com", ""), 400, tooBig("name", 255)},
		{"sign-up name 1e6", "sign-up/email", su(long(1_000_000), "n4@example.com", ""), 413, ""},
		{"sign-up name 128 emoji (256 UTF-16 units)", "sign-up/email", su(strings.Repeat("😀", 128), "n3@example.com", ""), 400, tooBig("name", 255)},
		{"sign-up image 2048", "sign-up/email", su("A", "i1@example.com", img(2048)), 200, ""},
		{"sign-up image 2049", "sign-up/email", su("A", "i2@example.com", img(2049)), 400, tooBig("image", 2048)},
		{"sign-up email 254", "sign-up/email", su("A", email(254), ""), 200, ""},
		{"sign-up email 255", "sign-up/email", su("A", email(255), ""), 400, tooBig("email", 254)},
		{"sign-up email 1000", "sign-up/email", su("A", email(1000), ""), 400, tooBig("email", 254)},
		{"sign-in email 255", "sign-in/email", js(map[string]any{"email": email(255), "password": "password123"}), 400,
			`{"message":"Invalid email","code":"INVALID_EMAIL"}`},
		{"sign-up NUL name", "sign-up/email", su("a\x00b", "c1@example.com", ""), 400, ctrl("name")},
		{"sign-up BEL name", "sign-up/email", su("a\ab", "c2@example.com", ""), 400, ctrl("name")},
		{"sign-up newline name", "sign-up/email", su("a\nb", "c3@example.com", ""), 400, ctrl("name")},
		{"sign-up DEL name", "sign-up/email", su("a\x7fb", "c4@example.com", ""), 400, ctrl("name")},
		{"sign-up C1 name", "sign-up/email", su("a\u0085b", "c5@example.com", ""), 400, ctrl("name")},
		{"sign-up NUL image", "sign-up/email", su("A", "c6@example.com", "https://x.example/\x00"), 400, ctrl("image")},
		{"sign-up accents and emoji", "sign-up/email", su("Zoë 😀 O'Brien-Łukasz", "c7@example.com", ""), 200, ""},
		{"update-user name 255", "update-user", js(map[string]any{"name": long(255)}), 200, `{"status":true}`},
		{"update-user name 256", "update-user", js(map[string]any{"name": long(256)}), 400, tooBig("name", 255)},
		{"update-user image 2049", "update-user", js(map[string]any{"image": img(2049)}), 400, tooBig("image", 2048)},
		{"update-user NUL name", "update-user", js(map[string]any{"name": "a\x00"}), 400, ctrl("name")},
		{"update-user tab name", "update-user", js(map[string]any{"name": "a\tb"}), 400, ctrl("name")},
		{"update-user NUL image", "update-user", js(map[string]any{"image": "\x00"}), 400, ctrl("image")},
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestProfileFieldRules: the caps and the control-character rule hold
// on SQLite with the same answers as on PostgreSQL
// (TestPostgresProfileFieldRules); nothing refused is stored.
func TestProfileFieldRules(t *testing.T) {
	checkProfileRules(t, newEnv(t, "http://localhost:3000"))
}

func checkProfileRules(t *testing.T, e *env) {
	tok, _ := e.signUp("owner@example.com")
	for _, tt := range profileCases() {
		t.Run(tt.name, func(t *testing.T) {
			e.t = t
			r := e.do("POST", "/api/auth/"+tt.path, tt.body, cookie(tok), "Origin: http://localhost:3000")
			if r.code != tt.code || (tt.want != "" && r.body != tt.want) {
				t.Fatalf("got %d %.300s\nwant %d %s", r.code, r.body, tt.code, tt.want)
			}
		})
	}
	e.t = t
	r := e.do("GET", "/api/auth/get-session", "", cookie(tok))
	if strings.Contains(r.body, "\\u0000") || strings.Contains(r.body, strings.Repeat("x", 256)) {
		t.Fatalf("a refused value was stored: %.400s", r.body)
	}
}

// TestPasswordRoutesBodyLimit: the routes that hash a password take at
// most PasswordBodyBytes (413 JSON), whatever the Content-Length says;
// other routes keep the general limit.
func TestPasswordRoutesBodyLimit(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	tok, _ := e.signUp("body@example.com")
	pad := strings.Repeat("x", PasswordBodyBytes)
	for _, p := range []string{"sign-in/email", "sign-up/email", "change-password", "verify-password"} {
		r := e.do("POST", "/api/auth/"+p, `{"password":"password123","pad":"`+pad+`"}`, cookie(tok), "Origin: http://localhost:3000")
		if r.code != 413 || r.body != `{"message":"Request body is too large","code":"PAYLOAD_TOO_LARGE"}` {
			t.Errorf("%s with a %d-byte body: %d %s, want 413", p, len(pad), r.code, r.body)
		}
	}
	r := e.do("POST", "/api/auth/update-user", `{"name":"A","pad":"`+pad+`"}`, cookie(tok), "Origin: http://localhost:3000")
	if r.code != 200 {
		t.Errorf("update-user with a %d-byte body: %d %s, want 200", len(pad), r.code, r.body)
	}
}

// TestServerBusy: when the hash queue is full, a hashing route answers
// 503 with Retry-After and a JSON body. With one slot and a queue of one,
// of three concurrent sign-ins one is answered at once, with that 503.
func TestServerBusy(t *testing.T) {
	e := newEnv(t, "http://localhost:3000")
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	e.svc.Hasher = stuckHasher{release: release}
	e.svc.HashSlots, e.svc.HashQueue = 1, 1
	answers := make(chan *httptest.ResponseRecorder, 3)
	for range 3 {
		go func() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest("POST", "http://localhost:3000/api/auth/sign-in/email",
				strings.NewReader(`{"email":"nobody@example.com","password":"password123"}`))
			req.Header.Set("Content-Type", "application/json")
			e.h.ServeHTTP(rec, req)
			answers <- rec
		}()
	}
	select {
	case rec := <-answers:
		if rec.Code != 503 || rec.Header().Get("Retry-After") != "1" ||
			rec.Body.String() != `{"message":"The server is busy. Please try again in a moment.","code":"SERVER_BUSY"}` {
			t.Fatalf("answer: %d, Retry-After %q, body %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no answer with the hash slot and the queue taken")
	}
}

// stuckHasher never finishes until release is closed.
type stuckHasher struct{ release chan struct{} }

func (s stuckHasher) Hash(string) (string, error)         { <-s.release; return "", nil }
func (s stuckHasher) Verify(string, string) (bool, error) { <-s.release; return false, nil }
