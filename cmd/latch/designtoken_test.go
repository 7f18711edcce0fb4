package main

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// The original design's FastAPI backend verifies Latch's tokens with
// PyJWT as jwt.decode(token, SECRET, algorithms=["HS256"]), its Next.js
// side would use jose, and Go services golang-jwt. These tests check that
// every token Latch issues passes all three, called that way.

// pythonExe is Debian's python3 (with python3-jwt); the python3 on PATH
// may be another installation without it. LATCH_PYTHON overrides.
func pythonExe() string {
	if p := os.Getenv("LATCH_PYTHON"); p != "" {
		return p
	}
	return "/usr/bin/python3"
}

// requirePyJWT returns the Python interpreter, skipping the test when it
// or PyJWT is missing, or failing it when LATCH_TEST_PYTHON=1 (CI).
func requirePyJWT(t *testing.T) string {
	t.Helper()
	py := pythonExe()
	out, err := exec.Command(py, "-c", "import jwt; print(jwt.__version__)").CombinedOutput()
	if err != nil {
		if os.Getenv("LATCH_TEST_PYTHON") == "1" {
			t.Fatalf("LATCH_TEST_PYTHON=1 but %s cannot import jwt (apt-get install python3-jwt): %v: %s", py, err, out)
		}
		t.Skipf("skipping PyJWT check: %s cannot import jwt (apt-get install python3-jwt; LATCH_TEST_PYTHON=1 makes this a failure): %v", py, err)
	}
	t.Logf("PyJWT %s", strings.TrimSpace(string(out)))
	return py
}

// pyDecode is the design's decode_access_token: it prints the payload, or
// {"error": <exception class>} when PyJWT rejects the token.
const pyDecode = `
import json, os, jwt
token, secret, aud = os.environ["TOKEN"], os.environ["SECRET"], os.environ.get("AUD")
try:
    if aud:
        payload = jwt.decode(token, secret, algorithms=["HS256"], audience=aud)
    else:
        payload = jwt.decode(token, secret, algorithms=["HS256"])
except jwt.InvalidTokenError as e:
    payload = {"error": type(e).__name__}
print(json.dumps(payload))
`

// runVerifier runs a verifier program and decodes the JSON it prints.
func runVerifier(t *testing.T, cmd *exec.Cmd, tok, secret, aud string) map[string]any {
	t.Helper()
	cmd.Env = append(os.Environ(), "TOKEN="+tok, "SECRET="+secret, "AUD="+aud)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s: %v: %s", cmd.Path, err, stderr)
	}
	var m map[string]any
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("%s printed %q: %v", cmd.Path, out, err)
	}
	return m
}

// goJWTDecode verifies with golang-jwt v5 the way a Go service would.
func goJWTDecode(tok, secret, aud string) (jwt.MapClaims, error) {
	opts := []jwt.ParserOption{jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithIssuedAt()}
	if aud != "" {
		opts = append(opts, jwt.WithAudience(aud))
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return []byte(secret), nil }, opts...)
	return claims, err
}

// checkDesignClaims asserts the design's payload: sub, email, iat, exp,
// plus Latch's iss and sid, and aud only when wantAud is set.
func checkDesignClaims(t *testing.T, who string, p map[string]any, sub, email, wantAud string) {
	t.Helper()
	if e, ok := p["error"]; ok {
		t.Fatalf("%s rejected the token: %v", who, e)
	}
	if p["sub"] != sub || p["email"] != email {
		t.Errorf("%s: sub %v email %v, want %q %q", who, p["sub"], p["email"], sub, email)
	}
	iat, ok1 := p["iat"].(float64)
	exp, ok2 := p["exp"].(float64)
	if !ok1 || !ok2 || exp-iat != (7*24*time.Hour).Seconds() {
		t.Errorf("%s: iat %v exp %v, want numbers 7 days apart", who, p["iat"], p["exp"])
	}
	if s, _ := p["sid"].(string); s == "" {
		t.Errorf("%s: no sid in %v", who, p)
	}
	if s, _ := p["iss"].(string); s == "" {
		t.Errorf("%s: no iss in %v", who, p)
	}
	aud, has := p["aud"]
	switch {
	case wantAud == "" && has:
		t.Errorf("%s: aud %v present, want none (LATCH_JWT_AUDIENCE unset)", who, aud)
	case wantAud != "" && aud != wantAud:
		t.Errorf("%s: aud %v, want %q", who, aud, wantAud)
	}
}

// TestIssuedTokensVerifyElsewhere signs up through the real server and
// verifies the JWTs of /api/auth/token and /api/auth/session with
// golang-jwt v5, PyJWT and jose, called as the design calls them; with
// LATCH_JWT_AUDIENCE set the tokens carry aud, which PyJWT then refuses
// unless given audience= (why the default writes none).
func TestIssuedTokensVerifyElsewhere(t *testing.T) {
	const email = "design@example.com"
	tests := []struct {
		name, aud string
	}{
		{"default (no aud)", ""},
		{"LATCH_JWT_AUDIENCE set", "https://api.example.com"},
	}
	var py, node string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			if tc.aud != "" {
				env["LATCH_JWT_AUDIENCE"] = tc.aud
			}
			ts := startTestServer(t, env)
			uid, session, fromToken := signUp(t, ts, email)
			code, _, data := call(t, "GET", ts.URL+"/api/auth/session", session, nil)
			if code != http.StatusOK {
				t.Fatalf("/api/auth/session: %d %s", code, data)
			}
			fromSession := decode[struct {
				Token string `json:"token"`
			}](t, data).Token
			for src, tok := range map[string]string{"/api/auth/token": fromToken, "/api/auth/session": fromSession} {
				t.Run(src, func(t *testing.T) {
					claims, err := goJWTDecode(tok, ts.Secret, tc.aud)
					if err != nil {
						t.Fatalf("golang-jwt v5: %v", err)
					}
					checkDesignClaims(t, "golang-jwt", claims, uid, email, tc.aud)

					t.Run("PyJWT", func(t *testing.T) {
						if py == "" {
							py = requirePyJWT(t)
						}
						p := runVerifier(t, exec.Command(py, "-c", pyDecode), tok, ts.Secret, tc.aud)
						checkDesignClaims(t, "PyJWT", p, uid, email, tc.aud)
						if tc.aud != "" {
							// As the design calls it (no audience=): refused.
							p := runVerifier(t, exec.Command(py, "-c", pyDecode), tok, ts.Secret, "")
							if p["error"] != "InvalidAudienceError" {
								t.Errorf("PyJWT without audience= on a token with aud: %v, want InvalidAudienceError", p)
							}
						}
					})
					t.Run("jose", func(t *testing.T) {
						if node == "" {
							node = requireNode(t)
						}
						cmd := exec.Command(node, "jose-verify.mjs")
						cmd.Dir = nodeDir
						p := runVerifier(t, cmd, tok, ts.Secret, tc.aud)
						checkDesignClaims(t, "jose", p, uid, email, tc.aud)
					})
				})
			}
		})
	}
}
