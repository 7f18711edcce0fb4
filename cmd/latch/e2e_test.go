package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// call sends a JSON request and returns status, headers and body.
func call(t testing.TB, method, url, bearer string, body any) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, data
}

func decode[T any](t testing.TB, data []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
	return v
}

// signUp registers a user through /api/auth and returns the user id, the
// session token and a JWT from /api/auth/token.
func signUp(t testing.TB, ts *testServer, email string) (userID, session, jwt string) {
	t.Helper()
	code, _, data := call(t, "POST", ts.URL+"/api/auth/sign-up/email", "", map[string]any{
		"name": "User " + email, "email": email, "password": "correct horse battery",
	})
	if code != http.StatusOK {
		t.Fatalf("sign-up %s: %d %s", email, code, data)
	}
	su := decode[struct {
		Token string `json:"token"`
		User  struct {
			ID string `json:"id"`
		} `json:"user"`
	}](t, data)
	code, _, data = call(t, "GET", ts.URL+"/api/auth/token", su.Token, nil)
	if code != http.StatusOK {
		t.Fatalf("token: %d %s", code, data)
	}
	return su.User.ID, su.Token, decode[struct {
		Token string `json:"token"`
	}](t, data).Token
}

type apiTask struct {
	ID          int64  `json:"id"`
	UserID      string `json:"user_id"`
	Title       string `json:"title"`
	Description string `json:"description"`
	Completed   bool   `json:"completed"`
	UpdatedAt   string `json:"updated_at"`
}

func backends() map[string]func(t *testing.T) map[string]string {
	return map[string]func(t *testing.T) map[string]string{
		"sqlite":   func(t *testing.T) map[string]string { return nil },
		"postgres": func(t *testing.T) map[string]string { return map[string]string{"DATABASE_URL": testPostgresURL(t)} },
	}
}

// TestEndToEnd runs the README's story against the real wiring on both
// databases: sign up, get a JWT, manage tasks, and the isolation rules.
func TestEndToEnd(t *testing.T) {
	for name, env := range backends() {
		t.Run(name, func(t *testing.T) {
			ts := startTestServer(t, env(t))
			aID, _, aJWT := signUp(t, ts, "alice@example.com")
			bID, _, bJWT := signUp(t, ts, "bob@example.com")

			code, hdr, data := call(t, "POST", ts.URL+"/api/"+aID+"/tasks", aJWT, map[string]any{"title": "  Buy milk  ", "description": "2 litres"})
			if code != http.StatusCreated {
				t.Fatalf("create: %d %s", code, data)
			}
			if hdr.Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id on API response")
			}
			task := decode[apiTask](t, data)
			if task.Title != "Buy milk" || task.UserID != aID || task.Completed {
				t.Fatalf("created task: %+v", task)
			}
			aPath := fmt.Sprintf("%s/api/%s/tasks", ts.URL, aID)
			bPath := fmt.Sprintf("%s/api/%s/tasks", ts.URL, bID)
			id := fmt.Sprint(task.ID)
			routes := []struct{ method, suffix string }{
				{"GET", ""}, {"POST", ""}, {"GET", "/" + id}, {"PUT", "/" + id}, {"DELETE", "/" + id}, {"PATCH", "/" + id + "/complete"},
			}
			body := map[string]any{"title": "hacked", "description": "x", "completed": true}
			for _, r := range routes {
				var b any
				if r.method == "POST" || r.method == "PUT" {
					b = body
				}
				// B's token on A's path: 403.
				if code, _, data := call(t, r.method, aPath+r.suffix, bJWT, b); code != http.StatusForbidden || !strings.Contains(string(data), `"detail"`) {
					t.Errorf("%s A's path%s with B's token: %d %s, want 403 with detail", r.method, r.suffix, code, data)
				}
				// B's own path with A's task id: 404 (list and create are B's own data).
				if r.suffix != "" {
					if code, _, data := call(t, r.method, bPath+r.suffix, bJWT, b); code != http.StatusNotFound {
						t.Errorf("%s B's path%s (A's id): %d %s, want 404", r.method, r.suffix, code, data)
					}
				}
				// No token: 401 with WWW-Authenticate.
				if code, hdr, _ := call(t, r.method, aPath+r.suffix, "", b); code != http.StatusUnauthorized || !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("%s without token: %d %q", r.method, code, hdr.Get("WWW-Authenticate"))
				}
			}
			code, _, data = call(t, "GET", aPath+"/"+id, aJWT, nil)
			if got := decode[apiTask](t, data); code != 200 || got.Title != "Buy milk" || got.Completed || got.UpdatedAt != task.UpdatedAt {
				t.Fatalf("A's task changed by B: %d %s", code, data)
			}
			code, _, data = call(t, "GET", bPath, bJWT, nil)
			if code != 200 || strings.Contains(string(data), "Buy milk") {
				t.Fatalf("B's listing: %d %s", code, data)
			}
			// A token made by `latch token issue` for an outside subject works too.
			var out, errb bytes.Buffer
			env := map[string]string{"BETTER_AUTH_SECRET": ts.Secret, "LATCH_DATA_DIR": ts.DataDir}
			if run(t.Context(), []string{"token", "issue", "--user", "svc-42", "--ttl", "5m"}, env, nil, &out, &errb) != 0 {
				t.Fatalf("token issue: %s", errb.String())
			}
			if code, _, data := call(t, "POST", ts.URL+"/api/svc-42/tasks", strings.TrimSpace(out.String()), map[string]any{"title": "from CLI"}); code != 201 {
				t.Fatalf("outside subject: %d %s", code, data)
			}
		})
	}
}

func TestHealthAndReady(t *testing.T) {
	ts := startTestServer(t, nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		code, hdr, data := call(t, "GET", ts.URL+p, "", nil)
		if code != 200 || hdr.Get("Content-Type") != "application/json" {
			t.Errorf("%s: %d %s", p, code, data)
		}
	}
	// readyz reports 503 once the database is gone.
	cfg := ts.Config
	a, err := newApp(t.Context(), cfg, ts.Secret, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	a.store.Close()
	rec := &recorder{header: http.Header{}}
	req, _ := http.NewRequest("GET", "/readyz", nil)
	a.Handler().ServeHTTP(rec, req)
	if rec.code != http.StatusServiceUnavailable || !strings.Contains(rec.body.String(), "unavailable") {
		t.Errorf("readyz with closed database: %d %s", rec.code, rec.body.String())
	}
}

type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
func (r *recorder) WriteHeader(c int)           { r.code = c }

// TestGracefulShutdown checks that a request in flight when the server is
// told to stop still completes.
func TestGracefulShutdown(t *testing.T) {
	ts := startTestServer(t, nil)
	uid, _, jwt := signUp(t, ts, "slow@example.com")
	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", ts.URL+"/api/"+uid+"/tasks", pr)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+jwt)
	type res struct {
		code int
		err  error
	}
	resc := make(chan res, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			resc <- res{err: err}
			return
		}
		resp.Body.Close()
		resc <- res{code: resp.StatusCode}
	}()
	if _, err := pw.Write([]byte(`{"title":`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // the request is now in flight
	ts.stop()
	time.Sleep(100 * time.Millisecond)
	if _, err := pw.Write([]byte(`"finished during shutdown"}`)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	r := <-resc
	if r.err != nil || r.code != http.StatusCreated {
		t.Fatalf("in-flight request: %d %v, want 201", r.code, r.err)
	}
	select {
	case err := <-ts.done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
		ts.done = nil
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	if _, err := http.Get(ts.URL + "/healthz"); err == nil {
		t.Error("server still accepting after shutdown")
	}
}

// TestNoSecretsInLogs signs up, signs in (also with a wrong password) and
// uses tokens, then checks that nothing secret reached the log.
func TestNoSecretsInLogs(t *testing.T) {
	ts := startTestServer(t, map[string]string{"LATCH_LOG_LEVEL": "debug"})
	uid, session, jwt := signUp(t, ts, "logs@example.com")
	call(t, "POST", ts.URL+"/api/auth/sign-in/email", "", map[string]any{"email": "logs@example.com", "password": "wrong password here"})
	call(t, "GET", ts.URL+"/api/"+uid+"/tasks?cursor=secretcursor", jwt, nil)
	call(t, "GET", ts.URL+"/api/"+uid+"/tasks", "not-a-valid-token", nil)
	logs := ts.Logs.String()
	if !strings.Contains(logs, "request_id") {
		t.Fatalf("no request log lines: %s", logs)
	}
	for name, secret := range map[string]string{
		"secret": ts.Secret, "password": "correct horse battery", "wrong password": "wrong password here",
		"session token": session, "jwt": jwt, "bad token": "not-a-valid-token", "query": "secretcursor",
	} {
		if strings.Contains(logs, secret) {
			t.Errorf("the %s reached the log", name)
		}
	}
}

// TestSecurityWiring checks the middleware order of the real server: rate
// limits on by default (and counting refused requests), the origin check
// for cookie-carrying requests, and CORS for trusted origins only.
func TestSecurityWiring(t *testing.T) {
	ts := startTestServer(t, map[string]string{"LATCH_RATE_LIMIT": "true", "LATCH_TRUSTED_ORIGINS": "http://localhost:3000"})
	for i := 1; i <= 4; i++ {
		code, hdr, data := call(t, "POST", ts.URL+"/api/auth/sign-in/email", "", map[string]any{"email": "nobody@example.com", "password": "whatever-password"})
		want := http.StatusUnauthorized
		if i == 4 {
			want = http.StatusTooManyRequests
		}
		if code != want {
			t.Fatalf("sign-in attempt %d: %d %s, want %d", i, code, data, want)
		}
		if i == 4 && (hdr.Get("X-Retry-After") == "" || !strings.Contains(string(data), "Too many requests")) {
			t.Errorf("429 without X-Retry-After or Better Auth's body: %v %s", hdr, data)
		}
	}
	// A cookie-carrying POST without Origin is refused.
	req, _ := http.NewRequest("POST", ts.URL+"/api/auth/sign-out", strings.NewReader("{}"))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", "better-auth.session_token=x.y")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(data), "MISSING_OR_NULL_ORIGIN") {
		t.Errorf("cookie POST without Origin: %d %s", resp.StatusCode, data)
	}
	// CORS: a trusted origin gets credentials, an untrusted one nothing.
	for origin, allowed := range map[string]bool{"http://localhost:3000": true, "https://evil.example": false} {
		for _, path := range []string{"/api/auth/get-session", "/api/x/tasks"} {
			req, _ := http.NewRequest("OPTIONS", ts.URL+path, nil)
			req.Header.Set("Origin", origin)
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := resp.Header.Get("Access-Control-Allow-Origin") == origin && resp.Header.Get("Access-Control-Allow-Credentials") == "true"
			if got != allowed {
				t.Errorf("preflight %s from %s: allow-origin %q credentials %q, want allowed=%v", path, origin,
					resp.Header.Get("Access-Control-Allow-Origin"), resp.Header.Get("Access-Control-Allow-Credentials"), allowed)
			}
		}
	}
}
