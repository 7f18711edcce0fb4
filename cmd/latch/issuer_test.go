package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/token"
	"github.com/latchhq/latch/token/tokenhttp"
)

// jwtHeader decodes a token's header.
func jwtHeader(t testing.TB, tok string) (alg, kid string) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if err != nil {
		t.Fatalf("header of %q: %v", tok, err)
	}
	var h struct{ Alg, Kid string }
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h.Alg, h.Kid
}

// fetchJWKS gets /api/auth/jwks and checks that it is cacheable and holds
// public keys only.
func fetchJWKS(t testing.TB, ts *testServer) (*token.KeySet, []byte) {
	t.Helper()
	resp, err := http.Get(ts.URL + "/api/auth/jwks")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/auth/jwks: %d %s", resp.StatusCode, body)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=") || strings.Contains(cc, "no-store") {
		t.Errorf("JWKS Cache-Control = %q, want a max-age", cc)
	}
	assertNoPrivateJWK(t, "GET /api/auth/jwks", body)
	set, err := token.ParseJWKS(body)
	if err != nil {
		t.Fatalf("ParseJWKS(%s): %v", body, err)
	}
	return set, body
}

// assertNoPrivateJWK fails when body holds a JSON object with a private
// JWK member (d, p, q, dp, dq, qi) anywhere.
func assertNoPrivateJWK(t testing.TB, what string, body []byte) {
	t.Helper()
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, v := range x {
				switch k {
				case "d", "p", "q", "dp", "dq", "qi", "privateKey":
					t.Errorf("%s carries private key member %q", what, k)
				}
				walk(v)
			}
		case []any:
			for _, v := range x {
				walk(v)
			}
		}
	}
	var v any
	if json.Unmarshal(body, &v) == nil {
		walk(v)
	}
}

// TestIssuedAsymmetricTokens: with LATCH_JWT_ALG set, the tokens of
// /api/auth/token carry a kid and verify against /api/auth/jwks with
// golang-jwt v5, with Latch's own task API, and with another Latch whose
// LATCH_JWKS_URL points at the first (the token package through a remote
// JWKS); no answer or log line carries private key material.
func TestIssuedAsymmetricTokens(t *testing.T) {
	for _, alg := range []string{"EdDSA", "ES256", "RS256"} {
		t.Run(alg, func(t *testing.T) {
			t.Parallel()
			ts := startTestServer(t, map[string]string{"LATCH_JWT_ALG": alg})
			uid, session, tok := signUp(t, ts, "keys-"+strings.ToLower(alg)+"@example.com")
			hAlg, kid := jwtHeader(t, tok)
			if hAlg != alg || kid == "" {
				t.Fatalf("token header alg=%q kid=%q, want %s with a kid", hAlg, kid, alg)
			}
			set, _ := fetchJWKS(t, ts)
			pub, err := set.ResolveKey(context.Background(), kid)
			if err != nil {
				t.Fatalf("kid %s not in the JWKS: %v", kid, err)
			}
			parsed, err := jwt.Parse(tok, func(*jwt.Token) (any, error) { return pub.Key, nil },
				jwt.WithValidMethods([]string{alg}))
			if err != nil || !parsed.Valid {
				t.Fatalf("golang-jwt v5: %v", err)
			}
			if sub, _ := parsed.Claims.GetSubject(); sub != uid {
				t.Errorf("sub = %q, want %q", sub, uid)
			}
			if code, _, data := call(t, "GET", ts.URL+"/api/"+uid+"/tasks", tok, nil); code != http.StatusOK {
				t.Errorf("own task API: %d %s", code, data)
			}
			other := startTestServer(t, map[string]string{"LATCH_JWKS_URL": ts.URL + "/api/auth/jwks"})
			if code, _, data := call(t, "POST", other.URL+"/api/"+uid+"/tasks", tok, map[string]any{"title": "via JWKS"}); code != http.StatusCreated {
				t.Errorf("another Latch through LATCH_JWKS_URL: %d %s", code, data)
			}
			// get-session's set-auth-jwt and /api/auth/session carry the
			// same kind of token.
			code, hdr, body := call(t, "GET", ts.URL+"/api/auth/get-session", session, nil)
			if a, _ := jwtHeader(t, hdr.Get("set-auth-jwt")); code != http.StatusOK || a != alg {
				t.Errorf("get-session: %d, set-auth-jwt alg %q", code, a)
			}
			assertNoPrivateJWK(t, "get-session", body)
			code, _, body = call(t, "GET", ts.URL+"/api/auth/session", session, nil)
			var s struct{ Token string }
			_ = json.Unmarshal(body, &s)
			if a, k := jwtHeader(t, s.Token); code != http.StatusOK || a != alg || k != kid {
				t.Errorf("/api/auth/session: %d, token alg %q kid %q", code, a, k)
			}
			// The encrypted private key never leaves the database.
			keys, err := openKeys(t, ts)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				if strings.Contains(ts.Logs.String(), k) || bytes.Contains(body, []byte(k)) {
					t.Error("the stored private key appears in a log or an answer")
				}
			}
		})
	}
}

// openKeys returns the stored (encrypted) private keys of ts's database.
func openKeys(t testing.TB, ts *testServer) ([]string, error) {
	t.Helper()
	st, _, err := openStore(context.Background(), ts.Config)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	rows, err := st.JWKs(context.Background())
	var out []string
	for _, r := range rows {
		out = append(out, strings.Trim(r.PrivateKey, `"`))
	}
	return out, err
}

// TestKeyRotationUnderLoad: `latch keys rotate` in the middle of a load run
// fails no request, on Latch's own task API and for an outside verifier
// that caches the JWKS (the token package's remote JWKS); both keys sign
// during the run.
func TestKeyRotationUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("load run")
	}
	ts := startTestServer(t, map[string]string{"LATCH_JWT_ALG": "EdDSA", "LATCH_JWT_KEY_ACTIVATION": "1s"})
	uid, session, _ := signUp(t, ts, "rotate@example.com")
	remote, err := tokenhttp.NewRemoteJWKS(ts.URL+"/api/auth/jwks",
		tokenhttp.RemoteJWKSOptions{MaxAge: 2 * time.Second, Cooldown: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	outside, err := token.NewKeySetVerifier(remote)
	if err != nil {
		t.Fatal(err)
	}

	var (
		failures atomic.Int64
		requests atomic.Int64
		mu       sync.Mutex
		kids     = map[string]int{}
		wg       sync.WaitGroup
	)
	stop := time.Now().Add(4 * time.Second)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				requests.Add(1)
				code, _, data := call(t, "GET", ts.URL+"/api/auth/token", session, nil)
				var tk struct{ Token string }
				if code != http.StatusOK || json.Unmarshal(data, &tk) != nil {
					failures.Add(1)
					t.Errorf("GET /token: %d %s", code, data)
					continue
				}
				_, kid := jwtHeader(t, tk.Token)
				mu.Lock()
				kids[kid]++
				mu.Unlock()
				if code, _, data := call(t, "GET", ts.URL+"/api/"+uid+"/tasks", tk.Token, nil); code != http.StatusOK {
					failures.Add(1)
					t.Errorf("task API with kid %s: %d %s", kid, code, data)
				}
				if _, err := outside.Verify(context.Background(), tk.Token); err != nil {
					failures.Add(1)
					t.Errorf("outside verifier, kid %s: %v", kid, err)
				}
			}
		}()
	}
	time.Sleep(time.Second)
	env := map[string]string{
		"DATABASE_URL": "sqlite:" + ts.DBPath, "BETTER_AUTH_SECRET": ts.Secret, "LATCH_DATA_DIR": ts.DataDir,
		"LATCH_JWT_ALG": "EdDSA", "LATCH_JWT_KEY_ACTIVATION": "1s", "LATCH_LOG_LEVEL": "error",
	}
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"keys", "rotate"}, env, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("latch keys rotate: exit %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "new signing key") {
		t.Errorf("latch keys rotate printed %q", out.String())
	}
	wg.Wait()
	t.Logf("%d requests, %d failures, tokens per kid: %v", requests.Load(), failures.Load(), kids)
	if failures.Load() != 0 {
		t.Fatalf("%d failed requests during the rotation", failures.Load())
	}
	if len(kids) != 2 {
		t.Fatalf("tokens per kid = %v, want the old and the new key both used", kids)
	}
}

// TestPreviousSecretKeepsSessions: after BETTER_AUTH_SECRET is rotated
// (the old one moved to LATCH_PREVIOUS_SECRETS), a session cookie and a
// signed bearer token made under the old secret still work; without the
// previous secret they do not.
func TestPreviousSecretKeepsSessions(t *testing.T) {
	old := startTestServer(t, nil)
	uid, _, _ := signUp(t, old, "rotate-secret@example.com")
	code, hdr, _ := call(t, "POST", old.URL+"/api/auth/sign-in/email", "", map[string]any{
		"email": "rotate-secret@example.com", "password": "correct horse battery"})
	if code != http.StatusOK {
		t.Fatalf("sign-in: %d", code)
	}
	var cookie string
	for _, c := range (&http.Response{Header: hdr}).Cookies() {
		if c.Name == "better-auth.session_token" {
			cookie = c.Name + "=" + c.Value
		}
	}
	if cookie == "" {
		t.Fatal("no session cookie")
	}
	old.stop()
	<-old.done
	old.done = nil

	getSession := func(ts *testServer) string {
		req, _ := http.NewRequest("GET", ts.URL+"/api/auth/get-session", nil)
		req.Header.Set("Cookie", cookie)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	newSecret := randomHex(t, 24)
	rotated := startTestServer(t, map[string]string{"DATABASE_URL": "sqlite:" + old.DBPath,
		"BETTER_AUTH_SECRET": newSecret, "LATCH_PREVIOUS_SECRETS": old.Secret})
	if got := getSession(rotated); !strings.Contains(got, uid) {
		t.Errorf("cookie signed with the previous secret: get-session = %s, want the session", got)
	}
	stale := startTestServer(t, map[string]string{"DATABASE_URL": "sqlite:" + old.DBPath, "BETTER_AUTH_SECRET": newSecret})
	if got := getSession(stale); got != "null" {
		t.Errorf("without LATCH_PREVIOUS_SECRETS: get-session = %s, want null", got)
	}

	// An email-verification link mailed before the rotation.
	now := time.Now()
	link, err := auth.SignEmailToken([]byte(old.Secret), auth.EmailClaims{Email: "rotate-secret@example.com",
		IssuedAt: now.Unix(), ExpiresAt: now.Add(time.Hour).Unix()})
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := call(t, "GET", stale.URL+"/api/auth/verify-email?token="+link, "", nil); code == http.StatusOK {
		t.Errorf("without LATCH_PREVIOUS_SECRETS: verify-email = %d %s, want refused", code, body)
	}
	if code, _, body := call(t, "GET", rotated.URL+"/api/auth/verify-email?token="+link, "", nil); code != http.StatusOK {
		t.Errorf("verification link signed with the previous secret: %d %s, want 200", code, body)
	}
}

// pyJWKS is the README's Python snippet: PyJWT's PyJWKClient against
// Latch's /api/auth/jwks.
const pyJWKS = `
import json, os, jwt
jwks = jwt.PyJWKClient(os.environ["JWKS_URL"], cache_keys=True)
token = os.environ["TOKEN"]
key = jwks.get_signing_key_from_jwt(token)
print(json.dumps(jwt.decode(token, key.key, algorithms=["EdDSA", "ES256", "RS256"])))
`

// TestPyJWKClientVerifiesIssuedTokens runs the README's PyJWT snippet on a
// token of each asymmetric algorithm.
func TestPyJWKClientVerifiesIssuedTokens(t *testing.T) {
	py := requirePyJWT(t)
	for _, alg := range []string{"EdDSA", "ES256", "RS256"} {
		t.Run(alg, func(t *testing.T) {
			ts := startTestServer(t, map[string]string{"LATCH_JWT_ALG": alg})
			uid, _, tok := signUp(t, ts, "py-"+strings.ToLower(alg)+"@example.com")
			cmd := exec.Command(py, "-c", pyJWKS)
			cmd.Env = append(os.Environ(), "JWKS_URL="+ts.URL+"/api/auth/jwks", "TOKEN="+tok)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("PyJWKClient: %v\n%s", err, out)
			}
			var claims map[string]any
			if err := json.Unmarshal(out, &claims); err != nil || claims["sub"] != uid {
				t.Fatalf("PyJWKClient printed %s, want sub %s", out, uid)
			}
		})
	}
}
