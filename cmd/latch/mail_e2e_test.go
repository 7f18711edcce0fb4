package main

import (
	"bytes"
	"encoding/json"
	"github.com/latchhq/latch/token"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/mail/smtptest"
)

// mailServer starts Latch wired to a loopback SMTP server (plus env) on
// the backend's database.
func mailServer(t *testing.T, backend map[string]string, env map[string]string) (*testServer, *smtptest.Server) {
	t.Helper()
	smtp := smtptest.Start(t, smtptest.Options{})
	e := map[string]string{"LATCH_SMTP_URL": smtp.URL("smtp", "latch:pw")}
	for k, v := range backend {
		e[k] = v
	}
	for k, v := range env {
		e[k] = v
	}
	return startTestServer(t, e), smtp
}

const mailWait = 10 * time.Second

// noRedirect is a client that returns redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// follow GETs link (with an optional bearer session) without following
// the redirect, and returns the status, Location and body.
func follow(t *testing.T, link, bearer string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", link, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), b
}

func signIn(t *testing.T, ts *testServer, email, password string) (int, string, []byte) {
	t.Helper()
	code, _, data := call(t, "POST", ts.URL+"/api/auth/sign-in/email", "", map[string]any{"email": email, "password": password})
	var v struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(data, &v)
	return code, v.Token, data
}

func sessionEmail(t *testing.T, ts *testServer, tok string) (string, bool) {
	t.Helper()
	_, _, data := call(t, "GET", ts.URL+"/api/auth/get-session", tok, nil)
	if string(bytes.TrimSpace(data)) == "null" {
		return "", false
	}
	v := decode[struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
	}](t, data)
	return v.User.Email, true
}

func wantError(t *testing.T, what string, code int, data []byte, wantStatus int, wantCode string) {
	t.Helper()
	var e struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(data, &e)
	if code != wantStatus || e.Code != wantCode {
		t.Fatalf("%s: %d %s, want %d %s", what, code, data, wantStatus, wantCode)
	}
}

// resetToken requests a reset for email and follows the mailed link to
// the web page's ?token=.
func resetToken(t *testing.T, ts *testServer, smtp *smtptest.Server, email string) (token, link string) {
	t.Helper()
	code, _, data := call(t, "POST", ts.URL+"/api/auth/request-password-reset", "", map[string]any{"email": email, "redirectTo": "/reset-password"})
	if code != 200 || string(bytes.TrimSpace(data)) != `{"status":true,"message":"If this email exists in our system, check your email for the reset link"}` {
		t.Fatalf("request-password-reset: %d %s", code, data)
	}
	m := smtp.Wait(t, email, mailWait)
	if !strings.HasPrefix(m.Link, ts.URL+"/api/auth/reset-password/") || !strings.HasSuffix(m.Link, "?callbackURL=%2Freset-password") {
		t.Fatalf("reset link %q", m.Link)
	}
	code, loc, _ := follow(t, m.Link, "")
	u, err := url.Parse(loc)
	if code != http.StatusFound || err != nil || u.Path != "/reset-password" || len(u.Query().Get("token")) != 24 {
		t.Fatalf("reset link answered %d Location %q", code, loc)
	}
	return u.Query().Get("token"), m.Link
}

func TestMailPasswordReset(t *testing.T) {
	for name, backend := range backends() {
		t.Run(name, func(t *testing.T) {
			ts, smtp := mailServer(t, backend(t), nil)
			const email = "reset@example.com"
			_, first, _ := signUp(t, ts, email)
			_, second, _ := signIn(t, ts, email, "correct horse battery")
			tok, link := resetToken(t, ts, smtp, email)
			if m := smtp.Count(); m != 1 {
				t.Fatalf("%d messages, want 1", m)
			}
			// Two concurrent uses of one token: exactly one succeeds.
			var wg sync.WaitGroup
			codes := make([]int, 2)
			bodies := make([][]byte, 2)
			for i := range 2 {
				wg.Go(func() {
					codes[i], _, bodies[i] = call(t, "POST", ts.URL+"/api/auth/reset-password", "",
						map[string]any{"newPassword": "new password " + string(rune('A'+i)), "token": tok})
				})
			}
			wg.Wait()
			won := slices.Index(codes, 200)
			if won < 0 || codes[1-won] != 400 || !bytes.Contains(bodies[1-won], []byte(`"INVALID_TOKEN"`)) {
				t.Fatalf("concurrent resets: %v %s %s", codes, bodies[0], bodies[1])
			}
			newPassword := "new password " + string(rune('A'+won))
			// Reuse is refused, and the link now says INVALID_TOKEN.
			code, _, data := call(t, "POST", ts.URL+"/api/auth/reset-password", "", map[string]any{"newPassword": "another one!", "token": tok})
			wantError(t, "reuse", code, data, 400, "INVALID_TOKEN")
			if code, loc, _ := follow(t, link, ""); code != http.StatusFound || loc != ts.URL+"/reset-password?error=INVALID_TOKEN" {
				t.Fatalf("used link: %d %q", code, loc)
			}
			// Sessions revoked (LATCH_REVOKE_SESSIONS_ON_PASSWORD_RESET defaults to true).
			for _, s := range []string{first, second} {
				if _, ok := sessionEmail(t, ts, s); ok {
					t.Fatal("a session survived the reset")
				}
			}
			if code, _, data := signIn(t, ts, email, "correct horse battery"); code != 401 {
				t.Fatalf("old password: %d %s", code, data)
			}
			if code, _, data := signIn(t, ts, email, newPassword); code != 200 {
				t.Fatalf("new password: %d %s", code, data)
			}
			// Expiry, on a server whose links live 3 s (LATCH_RESET_TOKEN_TTL).
			short, shortSMTP := mailServer(t, backend(t), map[string]string{"LATCH_RESET_TOKEN_TTL": "3s"})
			signUp(t, short, email)
			tok, _ = resetToken(t, short, shortSMTP, email)
			time.Sleep(3100 * time.Millisecond)
			code, _, data = call(t, "POST", short.URL+"/api/auth/reset-password", "", map[string]any{"newPassword": "too late!!", "token": tok})
			wantError(t, "expired token", code, data, 400, "INVALID_TOKEN")
			if code, _, _ := signIn(t, short, email, "correct horse battery"); code != 200 {
				t.Fatal("expired token changed the password")
			}
			// Bad input.
			code, _, data = call(t, "POST", ts.URL+"/api/auth/reset-password", "", map[string]any{"newPassword": "short", "token": "x"})
			wantError(t, "short password", code, data, 400, "PASSWORD_TOO_SHORT")
			code, _, data = call(t, "POST", ts.URL+"/api/auth/reset-password", "", map[string]any{"newPassword": "long enough"})
			wantError(t, "no token", code, data, 400, "INVALID_TOKEN")
			// An unknown email gets the same answer and no mail.
			code, _, data = call(t, "POST", ts.URL+"/api/auth/request-password-reset", "", map[string]any{"email": "nobody@example.com"})
			if code != 200 || !bytes.Contains(data, []byte("If this email exists")) {
				t.Fatalf("unknown email: %d %s", code, data)
			}
			if _, err := smtp.WaitErr("nobody@example.com", 300*time.Millisecond); err == nil {
				t.Fatal("mail sent to an unknown address")
			}
			// The link's token never reaches the log.
			if strings.Contains(ts.Logs.String(), tok) {
				t.Fatal("the log holds a reset token")
			}
		})
	}
}

func TestMailVerificationRequired(t *testing.T) {
	for name, backend := range backends() {
		t.Run(name, func(t *testing.T) {
			ts, smtp := mailServer(t, backend(t), map[string]string{"LATCH_REQUIRE_EMAIL_VERIFICATION": "true"})
			const email = "verify@example.com"
			body := map[string]any{"name": "V", "email": email, "password": "correct horse battery", "callbackURL": "/"}
			code, h, data := call(t, "POST", ts.URL+"/api/auth/sign-up/email", "", body)
			if code != 200 || !bytes.HasPrefix(data, []byte(`{"token":null,`)) || h.Get("Set-Cookie") != "" {
				t.Fatalf("sign-up: %d %s cookie %q", code, data, h.Get("Set-Cookie"))
			}
			smtp.Wait(t, email, mailWait) // sent on sign-up
			// A second sign-up with the same email looks the same (no 422).
			code, _, data = call(t, "POST", ts.URL+"/api/auth/sign-up/email", "", body)
			if code != 200 || !bytes.HasPrefix(data, []byte(`{"token":null,`)) {
				t.Fatalf("duplicate sign-up: %d %s", code, data)
			}
			code, _, data = signIn(t, ts, email, "correct horse battery")
			wantError(t, "unverified sign-in", code, data, 403, "EMAIL_NOT_VERIFIED")
			m := smtp.Wait(t, email, mailWait) // a fresh link on sign-in
			if !strings.HasPrefix(m.Link, ts.URL+"/api/auth/verify-email?token=eyJhbGciOiJIUzI1NiJ9.") {
				t.Fatalf("verification link %q", m.Link)
			}
			// A wrong password gets no mail and the usual 401.
			if code, _, _ := signIn(t, ts, email, "wrong password"); code != 401 {
				t.Fatalf("wrong password: %d", code)
			}
			// Bad tokens: 401 JSON, or a redirect with ?error= when a callbackURL is given.
			code, _, data = call(t, "GET", ts.URL+"/api/auth/verify-email?token=nope", "", nil)
			wantError(t, "bad token", code, data, 401, "INVALID_TOKEN")
			if code, loc, _ := follow(t, ts.URL+"/api/auth/verify-email?token=nope&callbackURL=%2Flogin%3Fa%3D1", ""); code != 302 || loc != "/login?a=1&error=INVALID_TOKEN" {
				t.Fatalf("bad token with callback: %d %q", code, loc)
			}
			if code, _, _ := follow(t, ts.URL+"/api/auth/verify-email?token=nope&callbackURL=https%3A%2F%2Fevil.example%2F", ""); code != 403 {
				t.Fatalf("untrusted callbackURL: %d, want 403", code)
			}
			code, loc, _ := follow(t, m.Link, "")
			if code != 302 || loc != "/" {
				t.Fatalf("verify link: %d %q", code, loc)
			}
			code, _, data = signIn(t, ts, email, "correct horse battery")
			if code != 200 || !bytes.Contains(data, []byte(`"emailVerified":true`)) {
				t.Fatalf("verified sign-in: %d %s", code, data)
			}
			// Following the link again is harmless.
			if code, loc, _ := follow(t, m.Link, ""); code != 302 || loc != "/" {
				t.Fatalf("second use: %d %q", code, loc)
			}
		})
	}
}

func TestMailChangeEmail(t *testing.T) {
	for name, backend := range backends() {
		t.Run(name, func(t *testing.T) {
			ts, smtp := mailServer(t, backend(t), nil)
			_, sess, _ := signUp(t, ts, "old@example.com")
			signUp(t, ts, "taken@example.com")
			code, _, data := call(t, "POST", ts.URL+"/api/auth/change-email", sess, map[string]any{"newEmail": "New@Example.com", "callbackURL": "/account"})
			if code != 200 || string(bytes.TrimSpace(data)) != `{"status":true}` {
				t.Fatalf("change-email: %d %s", code, data)
			}
			m := smtp.Wait(t, "new@example.com", mailWait)
			if e, _ := sessionEmail(t, ts, sess); e != "old@example.com" {
				t.Fatalf("email changed before confirmation: %q", e)
			}
			// Taken address: same answer, no mail.
			code, _, data = call(t, "POST", ts.URL+"/api/auth/change-email", sess, map[string]any{"newEmail": "taken@example.com"})
			if code != 200 {
				t.Fatalf("taken: %d %s", code, data)
			}
			code, _, data = call(t, "POST", ts.URL+"/api/auth/change-email", sess, map[string]any{"newEmail": "old@example.com"})
			if code != 400 || !bytes.Contains(data, []byte("Email is the same")) {
				t.Fatalf("same email: %d %s", code, data)
			}
			code, loc, _ := follow(t, m.Link, sess)
			if code != 302 || loc != "/account" {
				t.Fatalf("confirm link: %d %q", code, loc)
			}
			if e, _ := sessionEmail(t, ts, sess); e != "new@example.com" {
				t.Fatalf("email after confirmation: %q", e)
			}
			if code, _, _ := signIn(t, ts, "new@example.com", "correct horse battery"); code != 200 {
				t.Fatal("sign-in with the new email failed")
			}
			if _, err := smtp.WaitErr("taken@example.com", 200*time.Millisecond); err == nil {
				t.Fatal("mail sent to the owner of a taken address")
			}
		})
	}
}

func TestMailDeleteAccount(t *testing.T) {
	for name, backend := range backends() {
		t.Run(name, func(t *testing.T) {
			be := backend(t)
			t.Run("password", func(t *testing.T) {
				ts, _ := mailServer(t, be, nil)
				uid, sess, jwt := signUp(t, ts, "gone@example.com")
				_, other, _ := signIn(t, ts, "gone@example.com", "correct horse battery")
				tasks := ts.URL + "/api/" + uid + "/tasks"
				for _, title := range []string{"one", "two"} {
					if code, _, data := call(t, "POST", tasks, jwt, map[string]any{"title": title}); code != 201 {
						t.Fatalf("create task: %d %s", code, data)
					}
				}
				code, _, data := call(t, "POST", ts.URL+"/api/auth/delete-user", sess, map[string]any{})
				wantError(t, "no password", code, data, 400, "INVALID_PASSWORD")
				code, _, data = call(t, "POST", ts.URL+"/api/auth/delete-user", sess, map[string]any{"password": "wrong password"})
				wantError(t, "wrong password", code, data, 400, "INVALID_PASSWORD")
				code, h, data := call(t, "POST", ts.URL+"/api/auth/delete-user", sess, map[string]any{"password": "correct horse battery"})
				if code != 200 || string(bytes.TrimSpace(data)) != `{"success":true,"message":"User deleted"}` ||
					!strings.Contains(strings.Join(h.Values("Set-Cookie"), "\n"), "better-auth.session_token=; Max-Age=0") {
					t.Fatalf("delete-user: %d %s %v", code, data, h.Values("Set-Cookie"))
				}
				for _, s := range []string{sess, other} {
					if _, ok := sessionEmail(t, ts, s); ok {
						t.Fatal("a session survived the deletion")
					}
				}
				// The deleted session's JWT is refused (session binding);
				// a token without sid shows that the tasks are gone.
				if code, _, data := call(t, "GET", tasks, jwt, nil); code != 401 {
					t.Fatalf("the deleted session's JWT: %d %s, want 401", code, data)
				}
				hs, err := newTokens(ts.Config, ts.Secret)
				if err != nil {
					t.Fatal(err)
				}
				noSID, err := hs.Sign(token.Claims{Subject: uid})
				if err != nil {
					t.Fatal(err)
				}
				code, _, data = call(t, "GET", tasks, noSID, nil)
				if code != 200 || string(bytes.TrimSpace(data)) != "[]" {
					t.Fatalf("tasks after deletion: %d %s", code, data)
				}
				if code, _, _ := signIn(t, ts, "gone@example.com", "correct horse battery"); code != 401 {
					t.Fatal("deleted user can sign in")
				}
			})
			t.Run("emailed confirmation", func(t *testing.T) {
				ts, smtp := mailServer(t, be, map[string]string{"LATCH_DELETE_USER_CONFIRMATION": "true"})
				_, sess, _ := signUp(t, ts, "confirm@example.com")
				code, _, data := call(t, "POST", ts.URL+"/api/auth/delete-user", sess, map[string]any{"password": "correct horse battery", "callbackURL": "/login"})
				if code != 200 || string(bytes.TrimSpace(data)) != `{"success":true,"message":"Verification email sent"}` {
					t.Fatalf("delete-user: %d %s", code, data)
				}
				m := smtp.Wait(t, "confirm@example.com", mailWait)
				if !strings.HasPrefix(m.Link, ts.URL+"/api/auth/delete-user/callback?token=") {
					t.Fatalf("delete link %q", m.Link)
				}
				if e, ok := sessionEmail(t, ts, sess); !ok || e != "confirm@example.com" {
					t.Fatal("user deleted before confirmation")
				}
				if code, _, data := follow(t, m.Link, ""); code != 404 || !bytes.Contains(data, []byte("FAILED_TO_GET_USER_INFO")) {
					t.Fatalf("link without a session: %d %s", code, data)
				}
				if code, loc, _ := follow(t, m.Link, sess); code != 302 || loc != "/login" {
					t.Fatalf("link: %d %q", code, loc)
				}
				if code, _, _ := signIn(t, ts, "confirm@example.com", "correct horse battery"); code != 401 {
					t.Fatal("user still there after confirmation")
				}
			})
		})
	}
}
