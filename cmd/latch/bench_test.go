package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// Handler-level benchmarks of the hot paths through the whole wiring of
// `latch serve` (middleware, auth, store on SQLite), in process, beside a
// bare handler through the same recorder (the floor), so that one run gives
// the ratios:
//
//	go test -run XXX -bench 'Handler' -benchmem ./cmd/latch/

// benchApp wires Latch on a fresh SQLite database with rate limits off and
// returns its handler with a signed-up user's session token, JWT and id.
func benchApp(b *testing.B) (h http.Handler, session, jwt, uid string) {
	b.Helper()
	dir := b.TempDir()
	cfg, err := loadConfig(map[string]string{
		"BETTER_AUTH_SECRET": "bench-secret-0123456789abcdef0123456789", "LATCH_DATA_DIR": dir,
		"DATABASE_URL": "sqlite:" + filepath.Join(dir, "latch.db"), "LATCH_RATE_LIMIT": "false",
		"LATCH_LOG_REQUESTS": "false", "BETTER_AUTH_URL": "http://127.0.0.1:8000",
	})
	if err != nil {
		b.Fatal(err)
	}
	a, err := newApp(context.Background(), cfg, "bench-secret-0123456789abcdef0123456789", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	do := func(method, path, auth, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, "http://127.0.0.1:8000"+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Origin", "http://127.0.0.1:8000")
		}
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		rec := httptest.NewRecorder()
		a.handler.ServeHTTP(rec, req)
		return rec
	}
	rec := do("POST", "/api/auth/sign-up/email", "", `{"name":"B","email":"bench@example.com","password":"bench-password-1"}`)
	var su struct {
		Token string
		User  struct{ ID string }
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &su); err != nil || rec.Code != 200 {
		b.Fatalf("sign-up: %d %s", rec.Code, rec.Body)
	}
	rec = do("GET", "/api/auth/token", su.Token, "")
	var tk struct{ Token string }
	if err := json.Unmarshal(rec.Body.Bytes(), &tk); err != nil {
		b.Fatal(err)
	}
	for range 20 {
		if rec := do("POST", "/api/"+su.User.ID+"/tasks", tk.Token, `{"title":"bench"}`); rec.Code != http.StatusCreated {
			b.Fatalf("create: %d %s", rec.Code, rec.Body)
		}
	}
	return a.handler, su.Token, tk.Token, su.User.ID
}

func benchRequests(b *testing.B, h http.Handler, method, url, auth, body string, want int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(method, url, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("%s %s: %d %s", method, url, rec.Code, rec.Body)
		}
	}
}

// BenchmarkHandlerFloor is a bare handler writing a small JSON body.
func BenchmarkHandlerFloor(b *testing.B) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"ok":true}`)
	})
	benchRequests(b, h, "GET", "http://127.0.0.1:8000/", "", "", 200)
}

func BenchmarkHandlerGetSession(b *testing.B) {
	h, session, _, _ := benchApp(b)
	benchRequests(b, h, "GET", "http://127.0.0.1:8000/api/auth/get-session", session, "", 200)
}

func BenchmarkHandlerTaskList20(b *testing.B) {
	h, _, jwt, uid := benchApp(b)
	benchRequests(b, h, "GET", "http://127.0.0.1:8000/api/"+uid+"/tasks?limit=20", jwt, "", 200)
}

func BenchmarkHandlerTaskCreate(b *testing.B) {
	h, _, jwt, uid := benchApp(b)
	benchRequests(b, h, "POST", "http://127.0.0.1:8000/api/"+uid+"/tasks", jwt, `{"title":"bench task"}`, 201)
}
