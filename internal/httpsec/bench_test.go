package httpsec

import (
	"net/http/httptest"
	"testing"

	"github.com/latchhq/latch/internal/ratelimit"
)

func BenchmarkTrusted(b *testing.B) {
	o := mustOrigins("https://app.example.com", "http://localhost:3000", "https://*.preview.example.net", "myapp://")
	b.ReportAllocs()
	for b.Loop() {
		o.Trusted("https://pr-1.preview.example.net")
	}
}

func BenchmarkAuthMiddlewareParallel(b *testing.B) {
	o := mustOrigins("http://localhost:8080", "http://localhost:3000")
	var ran bool
	h := CORS(o)(AuthRateLimit(ratelimit.New(), ClientIP{}, "/api/auth")(OriginCheck(o, "/api/auth")(okHandler(&ran))))
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		r := httptest.NewRequest("POST", "/api/auth/sign-out", nil)
		r.Header.Set("Cookie", "a=b")
		r.Header.Set("Origin", "http://localhost:3000")
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
		}
	})
}

func BenchmarkCORSTrustedOrigin(b *testing.B) {
	o := mustOrigins("http://localhost:8080", "http://localhost:3000", "https://*.preview.example.net", "myapp://")
	var ran bool
	h := CORS(o)(okHandler(&ran))
	r := httptest.NewRequest("GET", "/api/u1/tasks", nil)
	r.Header.Set("Origin", "http://localhost:3000")
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}
