package httpsec

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/ratelimit"
	"github.com/latchhq/latch/internal/testutil"
)

func TestAuthRule(t *testing.T) {
	tests := []struct {
		path   string
		max    int
		window time.Duration
	}{
		{"/sign-in/email", 3, 10 * time.Second},
		{"/sign-in/social", 3, 10 * time.Second},
		{"/sign-up/email", 3, 10 * time.Second},
		{"/change-password", 3, 10 * time.Second},
		{"/change-email", 3, 10 * time.Second},
		// Every route that hashes a password (stricter than Better Auth).
		{"/verify-password", 3, 10 * time.Second},
		{"/reset-password", 3, 10 * time.Second},
		{"/set-password", 3, 10 * time.Second},
		{"/delete-user", 3, 10 * time.Second},
		{"/request-password-reset", 3, time.Minute},
		{"/send-verification-email", 3, time.Minute},
		{"/forget-password", 3, time.Minute},
		{"/forget-password/email-otp", 3, time.Minute},
		{"/email-otp/send-verification-otp", 3, time.Minute},
		{"/request-password-reset/x", 100, 10 * time.Second},
		{"/get-session", 100, 10 * time.Second},
		{"/sign-out", 100, 10 * time.Second},
		{"/token", 100, 10 * time.Second},
		{"/", 100, 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			max, window := AuthRule(tt.path)
			if max != tt.max || window != tt.window {
				t.Fatalf("AuthRule = %d/%v, want %d/%v", max, window, tt.max, tt.window)
			}
		})
	}
}

// recLimiter records keys and delegates to a real limiter.
type recLimiter struct {
	mu   sync.Mutex
	keys []string
	next *ratelimit.Memory
	err  error
}

func (l *recLimiter) Allow(ctx context.Context, key string, max int, window time.Duration) (bool, time.Duration, error) {
	l.mu.Lock()
	l.keys = append(l.keys, fmt.Sprintf("%s %d/%v", key, max, window))
	l.mu.Unlock()
	if l.err != nil {
		return false, 0, l.err
	}
	return l.next.Allow(ctx, key, max, window)
}

func TestAuthRateLimitKeys(t *testing.T) {
	tests := []struct {
		name    string
		method  string
		path    string
		remote  string
		ip      ClientIP
		xff     string
		wantKey string
	}{
		{name: "sign-in", method: "POST", path: "/api/auth/sign-in/email", remote: "203.0.113.1:1", wantKey: "203.0.113.1|/sign-in/email 3/10s"},
		{name: "get-session is limited by the default rule", method: "GET", path: "/api/auth/get-session", remote: "203.0.113.1:1", wantKey: "203.0.113.1|/get-session 100/10s"},
		{name: "trailing slash stripped", method: "POST", path: "/api/auth/sign-up/email/", remote: "203.0.113.1:1", wantKey: "203.0.113.1|/sign-up/email 3/10s"},
		{name: "double slash collapsed", method: "POST", path: "/api/auth//sign-in/email", remote: "203.0.113.1:1", wantKey: "203.0.113.1|/sign-in/email 3/10s"},
		{name: "encoded path decoded", method: "POST", path: "/api/auth/sign-%69n/email", remote: "203.0.113.1:1", wantKey: "203.0.113.1|/sign-in/email 3/10s"},
		{name: "dot segments resolved", method: "POST", path: "/api/auth/x/../sign-in/email", remote: "203.0.113.1:1", wantKey: "203.0.113.1|/sign-in/email 3/10s"},
		{name: "base path itself", method: "GET", path: "/api/auth", remote: "203.0.113.1:1", wantKey: "203.0.113.1|/ 100/10s"},
		{name: "forget-password 60s", method: "POST", path: "/api/auth/forget-password", remote: "203.0.113.1:1", wantKey: "203.0.113.1|/forget-password 3/1m0s"},
		{name: "ipv6 client /64", method: "GET", path: "/api/auth/ok", remote: "[2001:db8::7]:1", wantKey: "2001:0db8:0000:0000:0000:0000:0000:0000|/ok 100/10s"},
		{name: "header ip", method: "GET", path: "/api/auth/ok", remote: "127.0.0.1:1", ip: ClientIP{Header: "X-Forwarded-For"}, xff: "198.51.100.4", wantKey: "198.51.100.4|/ok 100/10s"},
		{name: "no ip shared bucket", method: "GET", path: "/api/auth/ok", remote: "pipe", wantKey: "no-trusted-ip|/ok 100/10s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &recLimiter{next: ratelimit.New()}
			var ran bool
			h := AuthRateLimit(l, tt.ip, "/api/auth/")(okHandler(&ran))
			r := httptest.NewRequest(tt.method, "http://x"+tt.path, nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if !ran {
				t.Fatal("first request blocked")
			}
			if len(l.keys) != 1 || l.keys[0] != tt.wantKey {
				t.Fatalf("keys = %q, want %q", l.keys, tt.wantKey)
			}
		})
	}
}

func TestAuthRateLimit429(t *testing.T) {
	clk := testutil.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	advance := clk.Advance
	l := ratelimit.New()
	l.Now = clk.Now
	var ran bool
	h := AuthRateLimit(l, ClientIP{}, "/api/auth")(okHandler(&ran))
	do := func(path, remote string) *httptest.ResponseRecorder {
		ran = false
		r := httptest.NewRequest("POST", path, strings.NewReader("{}"))
		r.RemoteAddr = remote
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	for i := range 3 {
		if w := do("/api/auth/sign-in/email", "192.0.2.1:1"); w.Code != 200 {
			t.Fatalf("request %d: %d", i+1, w.Code)
		}
		advance(time.Second)
	}
	advance(1500 * time.Millisecond) // last allowed at t=2s, now t=4.5s
	w := do("/api/auth/sign-in/email", "192.0.2.1:1")
	if w.Code != http.StatusTooManyRequests || ran {
		t.Fatalf("4th request: status %d ran %v, want 429 and not run", w.Code, ran)
	}
	if got := strings.TrimSpace(w.Body.String()); got != `{"message":"Too many requests. Please try again later."}` {
		t.Fatalf("body = %s", got)
	}
	if got := w.Header().Get("X-Retry-After"); got != "8" { // ceil(7.5)
		t.Fatalf("X-Retry-After = %q, want 8", got)
	}
	if got := w.Header().Get("Retry-After"); got != "8" {
		t.Fatalf("Retry-After = %q, want 8", got)
	}
	if got := w.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Fatalf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q", ct)
	}
	t.Run("other client unaffected", func(t *testing.T) {
		if w := do("/api/auth/sign-in/email", "192.0.2.2:1"); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
	})
	t.Run("other path unaffected", func(t *testing.T) {
		if w := do("/api/auth/get-session", "192.0.2.1:1"); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
	})
	t.Run("allowed again after the window from the last allowed request", func(t *testing.T) {
		advance(7500 * time.Millisecond) // t=12s = last allowed (2s) + 10s
		if w := do("/api/auth/sign-in/email", "192.0.2.1:1"); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
	})
}

func TestAuthRateLimitNilAndErrors(t *testing.T) {
	t.Run("nil limiter passes everything", func(t *testing.T) {
		var ran bool
		h := AuthRateLimit(nil, ClientIP{}, "/api/auth")(okHandler(&ran))
		for range 10 {
			ran = false
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/api/auth/sign-in/email", nil))
			if !ran {
				t.Fatal("blocked with a nil limiter")
			}
		}
	})
	t.Run("limiter error fails open", func(t *testing.T) {
		var ran bool
		l := &recLimiter{next: ratelimit.New(), err: errors.New("redis down")}
		h := AuthRateLimit(l, ClientIP{}, "/api/auth")(okHandler(&ran))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", "/api/auth/sign-in/email", nil))
		if !ran || w.Code != 200 {
			t.Fatalf("status %d ran %v, want pass-through", w.Code, ran)
		}
	})
}
