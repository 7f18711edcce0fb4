package httpsec

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestCORS(t *testing.T) {
	o := mustOrigins("http://localhost:8080", "http://localhost:3000", "myapp://")
	tests := []struct {
		name        string
		method      string
		headers     map[string]string
		wantStatus  int
		wantRan     bool
		wantOrigin  string // Access-Control-Allow-Origin
		wantHeaders string // Access-Control-Allow-Headers
	}{
		{name: "simple request trusted", method: "GET", headers: map[string]string{"Origin": "http://localhost:3000"}, wantStatus: 200, wantRan: true, wantOrigin: "http://localhost:3000"},
		{name: "simple request untrusted", method: "POST", headers: map[string]string{"Origin": "https://evil.com"}, wantStatus: 200, wantRan: true},
		{name: "no origin", method: "GET", wantStatus: 200, wantRan: true},
		{name: "origin null", method: "GET", headers: map[string]string{"Origin": "null"}, wantStatus: 200, wantRan: true},
		{name: "origin with path not echoed", method: "GET", headers: map[string]string{"Origin": "http://localhost:3000/x"}, wantStatus: 200, wantRan: true},
		{name: "custom scheme origin", method: "GET", headers: map[string]string{"Origin": "myapp://app"}, wantStatus: 200, wantRan: true, wantOrigin: "myapp://app"},
		{
			name: "preflight trusted", method: "OPTIONS",
			headers:    map[string]string{"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Content-Type, Authorization, X-Evil"},
			wantStatus: 204, wantOrigin: "http://localhost:3000", wantHeaders: "content-type, authorization",
		},
		{
			name: "preflight untrusted", method: "OPTIONS",
			headers:    map[string]string{"Origin": "https://evil.com", "Access-Control-Request-Method": "POST"},
			wantStatus: 204,
		},
		{name: "plain OPTIONS reaches handler", method: "OPTIONS", headers: map[string]string{"Origin": "http://localhost:3000"}, wantStatus: 200, wantRan: true, wantOrigin: "http://localhost:3000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ran bool
			r := httptest.NewRequest(tt.method, "/api/auth/get-session", nil)
			for k, v := range tt.headers {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			CORS(o)(okHandler(&ran)).ServeHTTP(w, r)
			h := w.Header()
			if w.Code != tt.wantStatus || ran != tt.wantRan {
				t.Fatalf("status %d ran %v, want %d %v", w.Code, ran, tt.wantStatus, tt.wantRan)
			}
			if !slices.Contains(h.Values("Vary"), "Origin") {
				t.Fatalf("Vary = %q, want Origin", h.Values("Vary"))
			}
			if got := h.Get("Access-Control-Allow-Origin"); got != tt.wantOrigin {
				t.Fatalf("Allow-Origin = %q, want %q", got, tt.wantOrigin)
			}
			if tt.wantOrigin == "" {
				for _, k := range []string{"Access-Control-Allow-Credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers", "Access-Control-Max-Age"} {
					if v := h.Get(k); v != "" {
						t.Fatalf("%s = %q for an untrusted origin", k, v)
					}
				}
				return
			}
			if h.Get("Access-Control-Allow-Credentials") != "true" {
				t.Fatal("Allow-Credentials missing")
			}
			if tt.wantStatus == http.StatusNoContent {
				if got := h.Get("Access-Control-Allow-Methods"); got != "GET, POST, PUT, PATCH, DELETE, OPTIONS" {
					t.Fatalf("Allow-Methods = %q", got)
				}
				if got := h.Get("Access-Control-Allow-Headers"); got != tt.wantHeaders {
					t.Fatalf("Allow-Headers = %q, want %q", got, tt.wantHeaders)
				}
				if got := h.Get("Access-Control-Max-Age"); got != "600" {
					t.Fatalf("Max-Age = %q", got)
				}
				return
			}
			if got := h.Get("Access-Control-Expose-Headers"); got != "set-auth-token, set-auth-jwt, x-request-id, retry-after, x-retry-after" {
				t.Fatalf("Expose-Headers = %q", got)
			}
		})
	}
}
