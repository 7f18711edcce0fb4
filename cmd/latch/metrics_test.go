package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// metricsURL returns the URL of the metrics listener the server logged.
func metricsURL(t *testing.T, ts *testServer) string {
	t.Helper()
	re := regexp.MustCompile(`msg="metrics listening" addr=(\S+)`)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(ts.Logs.String()); m != nil {
			return "http://" + m[1] + "/metrics"
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no metrics listener in the log:\n%s", ts.Logs.String())
	return ""
}

func scrapeMetrics(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// TestMetricsEndpoint drives the real server and reads /metrics from
// LATCH_METRICS_ADDR: requests by route pattern (never raw ids), auth
// outcomes, rate-limit rejections, the password-hash queue and the
// database pool; the public listener does not serve /metrics.
func TestMetricsEndpoint(t *testing.T) {
	for name, env := range backends() {
		t.Run(name, func(t *testing.T) {
			e := env(t)
			if e == nil {
				e = map[string]string{}
			}
			e["LATCH_METRICS_ADDR"] = "127.0.0.1:0"
			e["LATCH_LOG_LEVEL"] = "info"
			e["LATCH_RATE_LIMIT"] = "true"
			ts := startTestServer(t, e)
			murl := metricsURL(t, ts)

			uid, _, jwt := signUp(t, ts, "metrics-"+name+"@example.com")
			code, _, data := call(t, "POST", ts.URL+"/api/"+uid+"/tasks", jwt, map[string]any{"title": "count me"})
			if code != http.StatusCreated {
				t.Fatalf("create: %d %s", code, data)
			}
			call(t, "GET", ts.URL+"/api/"+uid+"/tasks/999999", jwt, nil)
			// Sign-in is limited to 3 per 10 s per IP: the 4th is a 429.
			for range 4 {
				call(t, "POST", ts.URL+"/api/auth/sign-in/email", "", map[string]any{"email": "metrics-" + name + "@example.com", "password": "wrong password!"})
			}
			call(t, "GET", ts.URL+"/api/auth/no-such-endpoint-"+uid, "", nil)

			body := scrapeMetrics(t, murl)
			for _, want := range []string{
				`latch_http_requests_total{code="201",method="POST",route="POST /api/{user_id}/tasks"} 1`,
				`latch_http_requests_total{code="404",method="GET",route="GET /api/{user_id}/tasks/{id}"} 1`,
				`latch_http_requests_total{code="200",method="POST",route="/api/auth/sign-up/email"} 1`,
				`latch_http_requests_total{code="429",method="POST",route="/api/auth/sign-in/email"} 1`,
				`latch_http_requests_total{code="404",method="GET",route="/api/auth/{unknown}"} 1`,
				`latch_auth_events_total{event="sign_up",outcome="success"} 1`,
				`latch_auth_events_total{event="sign_in",outcome="invalid_credentials"} 3`,
				`latch_rate_limit_rejections_total{limiter="auth"} 1`,
				`latch_http_request_duration_seconds_count{method="POST",route="POST /api/{user_id}/tasks"} 1`,
				`latch_password_hash_slots `,
				`latch_password_hashes_total `,
				`go_sql_max_open_connections{db_name=`,
			} {
				if !strings.Contains(body, want) {
					t.Errorf("metrics lack %q", want)
				}
			}
			// SQLite's group commit: the one task created went through it.
			if grouped := strings.Contains(body, "latch_db_group_writes_total 1\n"); grouped != (name == "sqlite") {
				t.Errorf("latch_db_group_writes_total 1 exported: %v, want %v on %s", grouped, name == "sqlite", name)
			}
			if strings.Contains(body, uid) {
				t.Errorf("metrics contain the user id %s (raw paths must not become labels)", uid)
			}
			if t.Failed() {
				t.Logf("metrics:\n%s", body)
			}

			// The public listener never serves the metrics.
			resp, err := http.Get(ts.URL + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), "latch_http_requests_total") {
				t.Errorf("public listener serves /metrics (%d)", resp.StatusCode)
			}
		})
	}
}

// TestMetricsOffByDefault: without LATCH_METRICS_ADDR no listener serves
// the metrics.
func TestMetricsOffByDefault(t *testing.T) {
	ts := startTestServer(t, map[string]string{"LATCH_LOG_LEVEL": "info"})
	if strings.Contains(ts.Logs.String(), "metrics listening") {
		t.Fatal("a metrics listener started without LATCH_METRICS_ADDR")
	}
	code, _, body := call(t, "GET", ts.URL+"/metrics", "", nil)
	if strings.Contains(string(body), "latch_") {
		t.Fatalf("GET /metrics on the public listener: %d with metrics", code)
	}
}
