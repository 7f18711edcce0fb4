package httpsec_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/latchhq/latch/internal/httpsec"
	"github.com/latchhq/latch/internal/ratelimit"
)

// The wiring cmd/latch is expected to use for /api/auth: CORS outermost,
// then the rate limiter, then the origin check, then the handler.
func Example() {
	origins, err := httpsec.NewOrigins("http://localhost:8080", httpsec.ParseList("http://localhost:3000"))
	if err != nil {
		panic(err)
	}
	limiter := ratelimit.New() // nil instead when LATCH_RATE_LIMIT=false
	ip := httpsec.ClientIP{}   // or {Header: "X-Forwarded-For", TrustedProxies: ...}
	auth := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })

	var h http.Handler = auth
	h = httpsec.OriginCheck(origins, "/api/auth")(h)
	h = httpsec.AuthRateLimit(limiter, ip, "/api/auth")(h)
	h = httpsec.CORS(origins)(h)

	req := httptest.NewRequest("POST", "/api/auth/sign-out", nil)
	req.Header.Set("Cookie", "better-auth.session_token=x")
	req.Header.Set("Origin", "https://evil.example")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Body.String())
	// Output: 403 {"message":"Invalid origin","code":"INVALID_ORIGIN"}
}
