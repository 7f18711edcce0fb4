package tokenhttp_test

import (
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	"github.com/latchhq/latch/token"
	"github.com/latchhq/latch/token/tokenhttp"
)

// Another Go service protects its routes with the secret it shares with
// Latch (BETTER_AUTH_SECRET) in a few lines.
func Example() {
	v, err := token.NewHS256([][]byte{[]byte("the-same-secret-as-BETTER_AUTH_SECRET")})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /api/me", tokenhttp.Require(v)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, _ := tokenhttp.FromContext(r.Context())
		fmt.Fprintf(w, "hello %s\n", claims.Subject)
	})))

	// A request with a token...
	tok, _ := v.Sign(token.Claims{Subject: "42"})
	req := httptest.NewRequest("GET", "/api/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Print(rec.Code, " ", rec.Body.String())

	// ...and one without.
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/api/me", nil))
	fmt.Print(rec.Code, " ", rec.Header().Get("WWW-Authenticate"), " ", rec.Body.String())
	// Output:
	// 200 hello 42
	// 401 Bearer {"detail":"Not authenticated"}
}

// Tokens from Better Auth's jwt plugin are verified against its JWKS, with
// the base URL's origin as issuer and audience.
func ExampleNewRemoteJWKS() {
	const origin = "https://app.example.com"
	v, err := tokenhttp.NewRemoteJWKS(origin+"/api/auth/jwks", tokenhttp.RemoteJWKSOptions{},
		token.RequireIssuer(origin), token.RequireAudience(origin))
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/api/", tokenhttp.Require(v)(http.NotFoundHandler()))
}

// Optional lets anonymous requests through; handlers check FromContext.
func ExampleOptional() {
	v, _ := token.NewHS256([][]byte{[]byte("the-same-secret-as-BETTER_AUTH_SECRET")})
	h := tokenhttp.Optional(v)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := tokenhttp.FromContext(r.Context()); ok {
			fmt.Fprintln(w, "hello", c.Subject)
			return
		}
		fmt.Fprintln(w, "hello stranger")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	fmt.Print(rec.Body.String())
	// Output: hello stranger
}
