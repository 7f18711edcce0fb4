package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// signEdDSA makes a token the way Better Auth's jwt plugin does: header
// {"alg":"EdDSA","kid":...}, no typ, sub as a string, iss = aud.
func signEdDSA(t *testing.T, key ed25519.PrivateKey, kid string, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	input := enc(map[string]string{"alg": "EdDSA", "kid": kid}) + "." + enc(claims)
	return input + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(key, []byte(input)))
}

// TestJWKSTokensOnTaskAPI: with LATCH_JWKS_URL set, the task API accepts
// Better Auth jwt-plugin tokens as well as HS256 ones, and answers 503 (not
// 401) for a JWKS token while the key set cannot be fetched.
func TestJWKSTokensOnTaskAPI(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	jwks := map[string]any{"keys": []map[string]string{{
		"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "kid": "k1",
		"x": base64.RawURLEncoding.EncodeToString(pub),
	}}}
	var up atomic.Bool
	up.Store(true)
	js := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !up.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(jwks)
	}))
	t.Cleanup(js.Close)
	ts := startTestServer(t, map[string]string{"LATCH_JWKS_URL": js.URL + "/api/auth/jwks"})
	now := time.Now().Unix()
	claims := map[string]any{"sub": "ba-user-1", "email": "ba@example.com", "iat": now, "exp": now + 900,
		"iss": "http://localhost:3000", "aud": "http://localhost:3000"}
	tok := signEdDSA(t, priv, "k1", claims)
	if code, _, data := call(t, "POST", ts.URL+"/api/ba-user-1/tasks", tok, map[string]any{"title": "from Better Auth"}); code != http.StatusCreated {
		t.Fatalf("EdDSA token: %d %s", code, data)
	}
	// HS256 tokens still work alongside.
	_, _, hs := signUp(t, ts, "hs@example.com")
	if hs == "" {
		t.Fatal("no HS256 token")
	}
	// A token signed by another key is a 401.
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	if code, _, _ := call(t, "GET", ts.URL+"/api/ba-user-1/tasks", signEdDSA(t, other, "k1", claims), nil); code != http.StatusUnauthorized {
		t.Errorf("EdDSA token with the wrong key: %d, want 401", code)
	}
	// A server that has never fetched the key set while the JWKS is down:
	// 503, not 401, and HS256 tokens are unaffected.
	up.Store(false)
	ts2 := startTestServer(t, map[string]string{"LATCH_JWKS_URL": js.URL + "/api/auth/jwks"})
	if code, _, data := call(t, "GET", ts2.URL+"/api/ba-user-1/tasks", tok, nil); code != http.StatusServiceUnavailable {
		t.Errorf("JWKS down: %d %s, want 503", code, data)
	}
	uid, _, hs2 := signUp(t, ts2, "hs2@example.com")
	if code, _, data := call(t, "GET", ts2.URL+"/api/"+uid+"/tasks", hs2, nil); code != http.StatusOK {
		t.Errorf("HS256 token while the JWKS is down: %d %s", code, data)
	}
}
