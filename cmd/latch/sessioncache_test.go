package main

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/internal/mail/smtptest"
)

// cachedSession is what get-session answered: live false for null.
type cachedSession struct {
	live          bool
	name, email   string
	image         string
	emailVerified bool
}

// getSessionCookie calls get-session with the signed session cookie, as a
// browser does.
func getSessionCookie(t *testing.T, ts *testServer, tok string) cachedSession {
	t.Helper()
	req, err := http.NewRequest("GET", ts.URL+"/api/auth/get-session", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", "better-auth.session_token="+auth.SignCookieValue([]byte(ts.Secret), tok))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("get-session: %d %s %v", resp.StatusCode, data, err)
	}
	if string(bytes.TrimSpace(data)) == "null" {
		return cachedSession{}
	}
	var v struct {
		User struct {
			Name          string  `json:"name"`
			Email         string  `json:"email"`
			Image         *string `json:"image"`
			EmailVerified bool    `json:"emailVerified"`
		} `json:"user"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("get-session %s: %v", data, err)
	}
	s := cachedSession{live: true, name: v.User.Name, email: v.User.Email, emailVerified: v.User.EmailVerified}
	if v.User.Image != nil {
		s.image = *v.User.Image
	}
	return s
}

// TestSessionCacheInvalidatesAtOnce: with the session cache on and an
// hour's TTL (an entry not forgotten would be served for the whole test),
// every change made through this instance shows on the next get-session.
// TestSessionCacheServesFromCache shows that the cache is really in the
// way, so these checks fail if a change does not forget its entries.
func TestSessionCacheInvalidatesAtOnce(t *testing.T) {
	ts, smtp := mailServer(t, nil, map[string]string{"LATCH_SESSION_CACHE_TTL": "1h"})
	const pw = "correct horse battery"
	type env struct {
		t      *testing.T
		email  string
		sess   string // the session get-session is checked with
		second string // another session of the same user
		smtp   *smtptest.Server
	}
	post := func(e env, path, bearer string, body map[string]any) {
		e.t.Helper()
		if code, _, data := call(e.t, "POST", ts.URL+"/api/auth"+path, bearer, body); code != http.StatusOK {
			e.t.Fatalf("%s: %d %s", path, code, data)
		}
	}
	tests := []struct {
		name string
		act  func(e env)
		want func(before cachedSession) cachedSession
		// secondLive is whether the second session must still be live.
		secondLive bool
	}{
		{"sign-out", func(e env) { post(e, "/sign-out", e.sess, map[string]any{}) },
			func(cachedSession) cachedSession { return cachedSession{} }, true},
		{"revoke-session", func(e env) { post(e, "/revoke-session", e.second, map[string]any{"token": e.sess}) },
			func(cachedSession) cachedSession { return cachedSession{} }, true},
		{"revoke-sessions", func(e env) { post(e, "/revoke-sessions", e.sess, map[string]any{}) },
			func(cachedSession) cachedSession { return cachedSession{} }, false},
		{"revoke-other-sessions", func(e env) { post(e, "/revoke-other-sessions", e.second, map[string]any{}) },
			func(cachedSession) cachedSession { return cachedSession{} }, true},
		{"change-password revoking sessions", func(e env) {
			post(e, "/change-password", e.second, map[string]any{"currentPassword": pw, "newPassword": "another password", "revokeOtherSessions": true})
		}, func(cachedSession) cachedSession { return cachedSession{} }, false},
		{"change-password keeping sessions", func(e env) {
			post(e, "/change-password", e.second, map[string]any{"currentPassword": pw, "newPassword": "another password"})
		}, func(b cachedSession) cachedSession { return b }, true},
		{"reset-password", func(e env) {
			tok, _ := resetToken(e.t, ts, e.smtp, e.email)
			post(e, "/reset-password", "", map[string]any{"token": tok, "newPassword": "another password"})
		}, func(cachedSession) cachedSession { return cachedSession{} }, false},
		{"update-user name", func(e env) { post(e, "/update-user", e.second, map[string]any{"name": "Renamed"}) },
			func(b cachedSession) cachedSession { b.name = "Renamed"; return b }, true},
		{"update-user image", func(e env) {
			post(e, "/update-user", e.sess, map[string]any{"image": "https://example.com/me.png"})
		}, func(b cachedSession) cachedSession { b.image = "https://example.com/me.png"; return b }, true},
		{"delete-user", func(e env) { post(e, "/delete-user", e.sess, map[string]any{"password": pw}) },
			func(cachedSession) cachedSession { return cachedSession{} }, false},
		{"verify-email", func(e env) {
			post(e, "/send-verification-email", e.sess, map[string]any{"email": e.email})
			m := e.smtp.Wait(e.t, e.email, mailWait)
			if code, _, data := follow(e.t, m.Link, ""); code != http.StatusFound {
				e.t.Fatalf("verification link: %d %s", code, data)
			}
		}, func(b cachedSession) cachedSession { b.emailVerified = true; return b }, true},
		{"change-email", func(e env) {
			post(e, "/change-email", e.sess, map[string]any{"newEmail": "moved-" + e.email})
			m := e.smtp.Wait(e.t, "moved-"+e.email, mailWait)
			if code, _, data := follow(e.t, m.Link, e.second); code != http.StatusFound {
				e.t.Fatalf("change-email link: %d %s", code, data)
			}
		}, func(b cachedSession) cachedSession { b.email = "moved-" + b.email; return b }, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			email := "cache" + string(rune('a'+i)) + "@example.com"
			_, sess, _ := signUp(t, ts, email)
			code, second, data := signIn(t, ts, email, pw)
			if code != http.StatusOK {
				t.Fatalf("sign-in: %d %s", code, data)
			}
			before := getSessionCookie(t, ts, sess) // cached from here on
			if again := getSessionCookie(t, ts, sess); !before.live || again != before {
				t.Fatalf("get-session before: %+v then %+v", before, again)
			}
			getSessionCookie(t, ts, second)
			tt.act(env{t: t, email: email, sess: sess, second: second, smtp: smtp})
			if got, want := getSessionCookie(t, ts, sess), tt.want(before); got != want {
				t.Errorf("get-session after %s: %+v, want %+v", tt.name, got, want)
			}
			if got := getSessionCookie(t, ts, second); got.live != tt.secondLive {
				t.Errorf("second session live after %s: %v, want %v", tt.name, got.live, tt.secondLive)
			}
		})
	}
}

// TestSessionCacheServesFromCache is the control of the test above: a
// change made behind Latch's back (straight in the database) is not seen
// while the entry lives, and is seen at once with LATCH_SESSION_CACHE_TTL=0.
func TestSessionCacheServesFromCache(t *testing.T) {
	for _, tc := range []struct {
		ttl      string
		wantName string
	}{{"1h", "User cached@example.com"}, {"0", "Changed behind Latch"}} {
		t.Run("ttl="+tc.ttl, func(t *testing.T) {
			ts := startTestServer(t, map[string]string{"LATCH_SESSION_CACHE_TTL": tc.ttl})
			uid, sess, _ := signUp(t, ts, "cached@example.com")
			getSessionCookie(t, ts, sess)
			db, err := sql.Open("sqlite", ts.DBPath) // the driver the sqlite store registers
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`UPDATE "user" SET name = 'Changed behind Latch' WHERE id = ?`, uid); err != nil {
				t.Fatal(err)
			}
			if got := getSessionCookie(t, ts, sess); got.name != tc.wantName {
				t.Fatalf("name %q, want %q", got.name, tc.wantName)
			}
		})
	}
}
