package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestIPHeaderNeedsTrustedProxies: LATCH_IP_HEADER alone would let every
// client pick its own address (and so its rate-limit bucket); serve
// refuses it with exit status 2 and says what to set. With
// LATCH_TRUSTED_PROXIES the same setting is accepted.
func TestIPHeaderNeedsTrustedProxies(t *testing.T) {
	env := map[string]string{"LATCH_DATA_DIR": t.TempDir(), "PORT": "0", "LATCH_IP_HEADER": "X-Forwarded-For"}
	var out, errb bytes.Buffer
	// Without the check serve would start: stop it after a while.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if code := run(ctx, []string{"serve"}, env, strings.NewReader(""), &out, &errb); code != 2 {
		t.Fatalf("exit %d, want 2; stderr: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "LATCH_IP_HEADER") || !strings.Contains(errb.String(), "LATCH_TRUSTED_PROXIES") {
		t.Errorf("stderr does not name both settings: %s", errb.String())
	}
	env["LATCH_TRUSTED_PROXIES"] = "127.0.0.1,10.0.0.0/8"
	if _, err := loadConfig(env); err != nil {
		t.Fatalf("with trusted proxies: %v", err)
	}
}

// TestStrictTransportSecurity: with an https BETTER_AUTH_URL every answer
// (pages, auth API, task API, health) carries Strict-Transport-Security;
// with http none does (browsers ignore it there, and a developer's
// http://localhost must not be pinned to https).
func TestStrictTransportSecurity(t *testing.T) {
	paths := []string{"/healthz", "/login", "/api/auth/ok", "/api/auth/get-session", "/api/u1/tasks", "/openapi.json"}
	for _, tt := range []struct {
		base string
		want string
	}{
		{"https://auth.example.test", "max-age=31536000"},
		{"", ""},
	} {
		env := map[string]string{}
		if tt.base != "" {
			env["BETTER_AUTH_URL"] = tt.base
		}
		ts := startTestServer(t, env)
		for _, p := range paths {
			resp, err := http.Get(ts.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Strict-Transport-Security"); got != tt.want {
				t.Errorf("BETTER_AUTH_URL %q, GET %s: Strict-Transport-Security %q, want %q", tt.base, p, got, tt.want)
			}
		}
	}
}
