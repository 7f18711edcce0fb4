package metrics

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// scrape returns the text exposition of m.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d", rec.Code)
	}
	return rec.Body.String()
}

func TestMiddlewareLabelsByPattern(t *testing.T) {
	m := New()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/{user_id}/tasks/{id}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("id") == "404" {
			http.NotFound(w, r)
			return
		}
		_, _ = io.WriteString(w, "ok")
	})
	h := m.Middleware(nil)(mux)
	for _, target := range []string{"/api/alice/tasks/1", "/api/bob/tasks/2", "/api/bob/tasks/404", "/nowhere/secret-id"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("BREW", "/api/alice/tasks/1", nil))

	tests := []struct {
		route, method, code string
		want                float64
	}{
		{"GET /api/{user_id}/tasks/{id}", "GET", "200", 2},
		{"GET /api/{user_id}/tasks/{id}", "GET", "404", 1},
		{Unmatched, "GET", "404", 1},
		{Unmatched, "other", "405", 1},
	}
	for _, tt := range tests {
		if got := testutil.ToFloat64(m.requests.WithLabelValues(tt.route, tt.method, tt.code)); got != tt.want {
			t.Errorf("requests{%s,%s,%s} = %v, want %v", tt.route, tt.method, tt.code, got, tt.want)
		}
	}
	body := scrape(t, m)
	for _, leak := range []string{"alice", "bob", "secret-id", "BREW"} {
		if strings.Contains(body, leak) {
			t.Errorf("metrics expose %q from a raw request:\n%s", leak, body)
		}
	}
	if !strings.Contains(body, `latch_http_request_duration_seconds_bucket{method="GET",route="GET /api/{user_id}/tasks/{id}",le="0.001"}`) {
		t.Errorf("no latency histogram for the task route:\n%s", body)
	}
}

func TestMiddlewareCountsPanicsAs500(t *testing.T) {
	m := New()
	h := m.Middleware(func(*http.Request) string { return "boom" })(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}))
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was swallowed; the recovering middleware must still see it")
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	}()
	if got := testutil.ToFloat64(m.requests.WithLabelValues("boom", "GET", "500")); got != 1 {
		t.Errorf("panicking request counted %v times as 500, want 1", got)
	}
}

type fakeLimiter struct {
	ok  bool
	err error
}

func (f fakeLimiter) Allow(context.Context, string, int, time.Duration) (bool, time.Duration, error) {
	return f.ok, time.Second, f.err
}

func TestCountLimiter(t *testing.T) {
	m := New()
	allow := m.CountLimiter("tasks", fakeLimiter{ok: true})
	deny := m.CountLimiter("auth", fakeLimiter{ok: false})
	broken := m.CountLimiter("auth", fakeLimiter{ok: true, err: errors.New("down")})
	for range 3 {
		_, _, _ = allow.Allow(context.Background(), "k", 1, time.Second)
	}
	for range 2 {
		if ok, _, _ := deny.Allow(context.Background(), "k", 1, time.Second); ok {
			t.Fatal("the wrapper changed the limiter's answer")
		}
	}
	_, _, _ = broken.Allow(context.Background(), "k", 1, time.Second)
	if got := testutil.ToFloat64(m.rateLimited.WithLabelValues("tasks")); got != 0 {
		t.Errorf("allowed requests counted as rejections: %v", got)
	}
	if got := testutil.ToFloat64(m.rateLimited.WithLabelValues("auth")); got != 2 {
		t.Errorf("auth rejections = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.limitErrors.WithLabelValues("auth")); got != 1 {
		t.Errorf("auth limiter errors = %v, want 1", got)
	}
}

func TestCollectors(t *testing.T) {
	m := New()
	m.AddPasswordHashStats(func() HashStats {
		return HashStats{Waiting: 3, Running: 2, Slots: 2, Runs: 40, WaitTotal: 1500 * time.Millisecond}
	})
	redis := RedisStats{}
	m.AddRedis(func() RedisStats { return redis })
	m.AddGroupCommit(func() (int64, int64) { return 300, 12 })
	m.AuthEvent("sign_in", "invalid_credentials")
	body := scrape(t, m)
	for _, want := range []string{
		"latch_db_group_writes_total 300", "latch_db_group_commits_total 12",
		"latch_password_hash_waiting 3", "latch_password_hash_running 2", "latch_password_hash_slots 2",
		"latch_password_hashes_total 40", "latch_password_hash_wait_seconds_total 1.5",
		`latch_auth_events_total{event="sign_in",outcome="invalid_credentials"} 1`,
		`latch_auth_events_total{event="sign_up",outcome="success"} 0`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("missing %q", want)
		}
	}
	if strings.Contains(body, "latch_redis_") {
		t.Errorf("Redis metrics exported while Redis is not configured")
	}
	redis = RedisStats{Configured: true, Up: false, Errors: map[string]uint64{"get": 4}, Fallbacks: map[string]uint64{"rate_limit": 7}}
	body = scrape(t, m)
	for _, want := range []string{"latch_redis_up 0", `latch_redis_errors_total{op="get"} 4`, `latch_redis_fallbacks_total{feature="rate_limit"} 7`} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("missing %q in\n%s", want, body)
		}
	}
}

func TestJWKSTransport(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(status) }))
	defer srv.Close()
	m := New()
	c := &http.Client{Transport: m.JWKSTransport(nil)}
	get := func() {
		resp, err := c.Get(srv.URL)
		if err == nil {
			resp.Body.Close()
		}
	}
	get()
	status = http.StatusBadGateway
	get()
	srv.Close()
	get()
	for result, want := range map[string]float64{"ok": 1, "http_error": 1, "error": 1} {
		if got := testutil.ToFloat64(m.jwks.WithLabelValues(result)); got != want {
			t.Errorf("jwks{%s} = %v, want %v", result, got, want)
		}
	}
}
