package main

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/latchhq/latch/internal/testutil"
)

// testRedisURL returns LATCH_TEST_REDIS (e.g. redis://127.0.0.1:6379/0),
// skipping when it is unset and failing when it is set but Redis does not
// answer. Tests give every key a prefix of their own (the server is
// shared).
func testRedisURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("LATCH_TEST_REDIS")
	if u == "" {
		t.Skip("LATCH_TEST_REDIS not set: skipping Redis test")
	}
	opt, err := goredis.ParseURL(u)
	if err != nil {
		t.Fatalf("LATCH_TEST_REDIS: %v", err)
	}
	c := goredis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("LATCH_TEST_REDIS is set but Redis is unreachable: %v", err)
	}
	return u
}

func testRedisPrefix() string { return "latchtest:" + strings.ToLower(rand.Text()[:10]) + ":" }

// do sends a request with extra headers and returns the status and the
// response.
func do(t *testing.T, method, u string, hdr map[string]string, body string) (int, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// TestTwoInstancesShareRedis runs two Latch servers over one PostgreSQL
// database and one Redis (reached through a proxy the test can cut): what
// one instance does, the other sees.
func TestTwoInstancesShareRedis(t *testing.T) {
	redisURL := testRedisURL(t)
	pg := testPostgresURL(t)
	ru, _ := url.Parse(redisURL)
	proxy := testutil.NewProxy(t, ru.Host)
	ru.Host = proxy.Addr()
	secret := randomHex(t, 24)
	env := map[string]string{
		"DATABASE_URL": pg, "BETTER_AUTH_SECRET": secret, "REDIS_URL": ru.String(),
		"LATCH_REDIS_PREFIX": testRedisPrefix(), "LATCH_RATE_LIMIT": "true",
		// The same public URL for both, as behind one load balancer.
		"BETTER_AUTH_URL": "http://127.0.0.1:1",
		"LATCH_LOG_LEVEL": "info", "LATCH_LOG_REQUESTS": "false",
		// A session cache that outlives the test: only the Redis notices
		// (and the flush when the subscription comes back) make B forget.
		"LATCH_SESSION_CACHE_TTL": "1h",
	}
	a := startTestServer(t, env)
	b := startTestServer(t, env)
	origin := map[string]string{"Origin": "http://127.0.0.1:1"}

	uid, sess, jwt := signUp(t, a, "two@example.com")
	tasks := "/api/" + uid + "/tasks"

	t.Run("SessionAndJWTWorkOnB", func(t *testing.T) {
		code, _, body := call(t, "GET", b.URL+"/api/auth/get-session", sess, nil)
		if code != 200 || !strings.Contains(string(body), uid) {
			t.Fatalf("get-session on B: %d %s", code, body)
		}
		if code, _, body := call(t, "GET", b.URL+tasks, jwt, nil); code != 200 {
			t.Fatalf("tasks with A's JWT on B: %d %s", code, body)
		}
	})

	t.Run("SignInLimitShared", func(t *testing.T) {
		body := `{"email":"two@example.com","password":"wrong password 1"}`
		for i, s := range []*testServer{a, b, a} {
			if code, _ := do(t, "POST", s.URL+"/api/auth/sign-in/email", origin, body); code != 401 {
				t.Fatalf("attempt %d: %d, want 401", i+1, code)
			}
		}
		if code, h := do(t, "POST", b.URL+"/api/auth/sign-in/email", origin, body); code != 429 || h.Get("X-Retry-After") == "" {
			t.Fatalf("4th attempt on B: %d, want 429 with X-Retry-After", code)
		}
	})

	t.Run("UpdateOnAShowsOnB", func(t *testing.T) {
		// B has the session cached (the first subtest).
		hdr := map[string]string{"Authorization": "Bearer " + sess, "Origin": origin["Origin"]}
		if code, _ := do(t, "POST", a.URL+"/api/auth/update-user", hdr, `{"name":"Renamed on A"}`); code != 200 {
			t.Fatalf("update-user on A: %d", code)
		}
		start := time.Now()
		for {
			_, _, body := call(t, "GET", b.URL+"/api/auth/get-session", sess, nil)
			if strings.Contains(string(body), `"name":"Renamed on A"`) {
				t.Logf("B served the new name %v after the update on A", time.Since(start))
				break
			}
			if time.Since(start) > time.Second {
				t.Fatalf("B still serves %s a second after the update on A", body)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	t.Run("SignOutOnAEndsJWTOnB", func(t *testing.T) {
		// B has the session cached as live (the subtest above).
		if code, _, _ := call(t, "GET", b.URL+tasks, jwt, nil); code != 200 {
			t.Fatalf("before sign-out: %d", code)
		}
		hdr := map[string]string{"Authorization": "Bearer " + sess, "Origin": origin["Origin"]}
		if code, _ := do(t, "POST", a.URL+"/api/auth/sign-out", hdr, "{}"); code != 200 {
			t.Fatalf("sign-out on A: %d", code)
		}
		start := time.Now()
		for {
			code, _, _ := call(t, "GET", b.URL+tasks, jwt, nil)
			if code == 401 {
				t.Logf("B refused the JWT %v after sign-out on A", time.Since(start))
				break
			}
			if time.Since(start) > time.Second {
				t.Fatalf("B still answers %d a second after sign-out on A", code)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if code, _, body := call(t, "GET", b.URL+"/api/auth/get-session", sess, nil); code != 200 || string(body) != "null" {
			t.Fatalf("get-session on B after sign-out on A: %d %s, want null", code, body)
		}
	})

	t.Run("RedisOutage", func(t *testing.T) {
		_, sess2, jwt2 := signUp(t, b, "three@example.com")
		proxy.Cut()
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			for _, s := range []*testServer{a, b} {
				for _, r := range []struct{ path, bearer string }{
					{"/api/auth/get-session", sess2}, {"/api/auth/token", sess2}, {"/api/auth/list-sessions", sess2},
				} {
					if code, _, body := call(t, "GET", s.URL+r.path, r.bearer, nil); code != 200 {
						t.Fatalf("%s during the outage: %d %s", r.path, code, body)
					}
				}
				code, _ := do(t, "POST", s.URL+"/api/auth/sign-in/email", origin, `{"email":"nobody@example.com","password":"wrong password 2"}`)
				if code >= 500 {
					t.Fatalf("sign-in during the outage: %d", code)
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
		if !strings.Contains(a.Logs.String(), "redis unreachable") {
			t.Errorf("no outage logged:\n%s", a.Logs.String())
		}
		if n := strings.Count(a.Logs.String(), "redis unreachable"); n != 1 {
			t.Errorf("outage logged %d times, want once per state change", n)
		}
		// Sign out during the outage: after recovery the session must not
		// come back from its Redis copy, on either instance.
		hdr := map[string]string{"Authorization": "Bearer " + sess2, "Origin": origin["Origin"]}
		if code, _ := do(t, "POST", a.URL+"/api/auth/sign-out", hdr, "{}"); code != 200 {
			t.Fatalf("sign-out during the outage: %d", code)
		}
		proxy.Restore()
		time.Sleep(1200 * time.Millisecond)
		for i := 0; i < 5; i++ {
			for _, s := range []*testServer{a, b} {
				code, _, body := call(t, "GET", s.URL+"/api/auth/get-session", sess2, nil)
				if code != 200 || string(body) != "null" {
					t.Fatalf("get-session after recovery: %d %s, want null", code, body)
				}
			}
			time.Sleep(300 * time.Millisecond)
		}
		if !strings.Contains(a.Logs.String(), "redis reachable again") {
			t.Errorf("no recovery logged")
		}
		_ = jwt2
	})
}

// TestNodeSharedRedis runs the real Better Auth with a Redis
// secondaryStorage (test/node/shared-redis.mjs) beside Latch on the same
// PostgreSQL database and Redis: each sees the other's sessions, and
// sign-outs and profile updates on one are seen by the other. Better Auth
// runs with and without session.storeSessionInDatabase.
func TestNodeSharedRedis(t *testing.T) {
	node := requireNode(t)
	redisURL := testRedisURL(t)
	for _, storeInDB := range []string{"1", "0"} {
		t.Run("storeSessionInDatabase="+storeInDB, func(t *testing.T) {
			dsn := testPostgresURL(t)
			secret := randomHex(t, 24)
			prefix := testRedisPrefix()
			// Better Auth's migrations make the schema first.
			runNodeScript(t, node, map[string]string{"LATCH_DB": dsn, "LATCH_SECRET": secret, "SHARED_RUN": "r" + randomHex(t, 4)}, "shared-db.mjs", "init")
			ts := startTestServer(t, map[string]string{"DATABASE_URL": dsn, "BETTER_AUTH_SECRET": secret,
				"REDIS_URL": redisURL, "LATCH_REDIS_PREFIX": prefix})
			runNodeScript(t, node, map[string]string{"LATCH_DB": dsn, "LATCH_SECRET": secret, "LATCH_URL": ts.URL,
				"REDIS_URL": redisURL, "REDIS_PREFIX": prefix, "STORE_IN_DB": storeInDB}, "shared-redis.mjs")
		})
	}
}

// TestTwoInstancesWithoutRedis: two processes' worth of Latch on one
// database and no Redis. A sign-out on A ends the session's JWT on A at
// once and on B within LATCH_SESSION_CHECK_TTL (B hears nothing: its
// cached check expires).
func TestTwoInstancesWithoutRedis(t *testing.T) {
	const ttl = time.Second
	a := startTestServer(t, map[string]string{"LATCH_SESSION_CHECK_TTL": ttl.String()})
	b := startTestServer(t, map[string]string{"DATABASE_URL": "sqlite:" + a.DBPath,
		"BETTER_AUTH_SECRET": a.Secret, "LATCH_SESSION_CHECK_TTL": ttl.String()})
	uid, sess, jwt := signUp(t, a, "two-no-redis@example.com")
	tasks := "/api/" + uid + "/tasks"
	if code, _, body := call(t, "GET", b.URL+tasks, jwt, nil); code != 200 {
		t.Fatalf("A's JWT on B: %d %s", code, body)
	}
	hdr := map[string]string{"Authorization": "Bearer " + sess, "Origin": a.URL}
	if code, _ := do(t, "POST", a.URL+"/api/auth/sign-out", hdr, "{}"); code != 200 {
		t.Fatalf("sign-out on A: %d", code)
	}
	start := time.Now()
	if code, _, _ := call(t, "GET", a.URL+tasks, jwt, nil); code != 401 {
		t.Fatalf("A after its own sign-out: %d, want 401 at once", code)
	}
	for {
		code, _, _ := call(t, "GET", b.URL+tasks, jwt, nil)
		if code == 401 {
			t.Logf("B refused the JWT %v after sign-out on A (TTL %v)", time.Since(start), ttl)
			break
		}
		if time.Since(start) > ttl+time.Second {
			t.Fatalf("B still answers %d %v after sign-out on A, past the TTL of %v", code, time.Since(start), ttl)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRedisSessionsEndWithAccountChanges: with Redis, the changes that end
// a user's sessions in the database end their Redis copies too (Latch
// reads Redis first): a password reset, with the session cache on (the
// default) and off.
func TestRedisSessionsEndWithAccountChanges(t *testing.T) {
	redisURL := testRedisURL(t)
	for _, ttl := range []string{"5s", "0"} {
		t.Run("cache="+ttl, func(t *testing.T) {
			ts, smtp := mailServer(t, nil, map[string]string{"REDIS_URL": redisURL,
				"LATCH_REDIS_PREFIX": testRedisPrefix(), "LATCH_SESSION_CACHE_TTL": ttl})
			const email = "redis-reset@example.com"
			_, first, _ := signUp(t, ts, email)
			if _, ok := sessionEmail(t, ts, first); !ok {
				t.Fatal("no session after sign-up")
			}
			tok, _ := resetToken(t, ts, smtp, email)
			if code, _, data := call(t, "POST", ts.URL+"/api/auth/reset-password", "",
				map[string]any{"newPassword": "a new password here", "token": tok}); code != 200 {
				t.Fatalf("reset: %d %s", code, data)
			}
			if _, ok := sessionEmail(t, ts, first); ok {
				t.Fatal("the session survived the password reset in Redis")
			}
		})
	}
}
