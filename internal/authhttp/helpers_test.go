package authhttp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/scrypt"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/internal/httpsec"
	"github.com/latchhq/latch/internal/store/sqlite"
	"github.com/latchhq/latch/internal/testutil"
	"github.com/latchhq/latch/token"
)

var _ RedirectChecker = (*httpsec.Origins)(nil)
var _ Signer = (*token.HS256)(nil)

var testSecret = []byte("test-secret-0123456789-abcdefghijklmnop")

// fakeClock is a settable clock.
type fakeClock = testutil.Clock

// cheapHasher keeps Better Auth's hash format with a tiny scrypt cost.
type cheapHasher struct{}

func (cheapHasher) Hash(pw string) (string, error) {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	salt := hex.EncodeToString(raw[:])
	k, err := scrypt.Key([]byte(pw), []byte(salt), 16, 1, 1, 64)
	return salt + ":" + hex.EncodeToString(k), err
}

func (cheapHasher) Verify(hash, pw string) (bool, error) {
	salt, key, _ := strings.Cut(hash, ":")
	k, err := scrypt.Key([]byte(pw), []byte(salt), 16, 1, 1, 64)
	return hex.EncodeToString(k) == key, err
}

type env struct {
	t      testing.TB
	clk    *fakeClock
	db     *sqlite.DB
	svc    *auth.Service
	tokens *token.HS256
	srv    *Server
	h      http.Handler
}

func newEnv(t testing.TB, baseURL string) *env {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "latch.db"))
	if err != nil {
		t.Fatalf("sqlite.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	e := newEnvOn(t, db, baseURL)
	e.db = db
	return e
}

// stores is what a test env needs from a database.
type stores interface {
	latch.UserStore
	latch.SessionStore
}

// newEnvOn builds the Server of an env over db: fake clock, cheap hasher,
// HS256 tokens, the base URL's origin trusted, client IP 127.0.0.1.
func newEnvOn(t testing.TB, db stores, baseURL string) *env {
	t.Helper()
	clk := testutil.NewClock(time.Date(2026, 11, 28, 6, 25, 34, 41_000_000, time.UTC))
	svc := auth.New(db, db)
	svc.Now = clk.Now
	svc.Hasher = cheapHasher{}
	hs, err := token.NewHS256([][]byte{testSecret}, token.WithClock(clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	srv := &Server{Service: svc, Tokens: hs, Secret: testSecret, BaseURL: baseURL,
		Origins:  mustOrigins(baseURL),
		ClientIP: func(*http.Request) string { return "127.0.0.1" }, Now: clk.Now}
	return &env{t: t, clk: clk, svc: svc, tokens: hs, srv: srv, h: srv.Handler()}
}

// resp is a recorded response.
type resp struct {
	code   int
	body   string
	header http.Header
}

func (r resp) cookies() []string { return r.header.Values("Set-Cookie") }

// do sends a request; hdr is a list of "Name: value" strings.
func (e *env) do(method, path, body string, hdr ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, "http://localhost:3000"+path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range hdr {
		k, v, _ := strings.Cut(h, ": ")
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return resp{code: rec.Code, body: rec.Body.String(), header: rec.Header()}
}

// signUp registers an account and returns the session token.
func (e *env) signUp(email string) (string, map[string]any) {
	e.t.Helper()
	r := e.do("POST", "/api/auth/sign-up/email", `{"name":"Alice","email":"`+email+`","password":"password123"}`)
	if r.code != 200 {
		e.t.Fatalf("sign-up %s: %d %s", email, r.code, r.body)
	}
	var out struct {
		Token string         `json:"token"`
		User  map[string]any `json:"user"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		e.t.Fatal(err)
	}
	return out.Token, out.User
}

// cookie returns the Cookie header for a session token.
func cookie(tok string) string {
	return "Cookie: better-auth.session_token=" + auth.SignCookieValue(testSecret, tok)
}

func wantBody(t *testing.T, r resp, code int, body string) {
	t.Helper()
	if r.code != code || r.body != body {
		t.Fatalf("got %d %s\nwant %d %s", r.code, r.body, code, body)
	}
}

func wantCookies(t *testing.T, r resp, want ...string) {
	t.Helper()
	got := r.cookies()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("Set-Cookie:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return m
}

const (
	expiredToken = "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
	expiredData  = "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
	expiredDR    = "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
)

func sessionCookie(tok string) string {
	return "better-auth.session_token=" + auth.SignCookieValue(testSecret, tok) + "; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
}

// newEnvNoStore is a Server good enough for parsers (no store).
func newEnvNoStore() *Server { return &Server{Secret: testSecret} }

func newReq(cookieHeader string) *http.Request {
	r := httptest.NewRequest("GET", "http://localhost/api/auth/get-session", nil)
	r.Header.Set("Cookie", cookieHeader)
	return r
}

// mustOrigins is httpsec.NewOrigins for tests: it panics on error.
func mustOrigins(baseURL string, extra ...string) *httpsec.Origins {
	o, err := httpsec.NewOrigins(baseURL, extra)
	if err != nil {
		panic(err)
	}
	return o
}
