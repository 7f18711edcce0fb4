package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// TestTrustedProxiesOneParser checks that LATCH_TRUSTED_PROXIES is read by
// httpsec.ParseTrustedProxies: IPv4-mapped IPv6 entries become IPv4,
// zones and junk are refused.
func TestTrustedProxiesOneParser(t *testing.T) {
	tests := []struct {
		in   string
		want []netip.Prefix
		err  bool
	}{
		{in: "::ffff:10.0.0.1", want: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}},
		{in: " 10.0.0.0/8 ,, fd00::/8 ", want: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}},
		{in: "::ffff:192.168.0.0/112", want: []netip.Prefix{netip.MustParsePrefix("192.168.0.0/16")}},
		{in: "fe80::1%eth0", err: true},
		{in: "10.0.0.1, proxy.example", err: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, err := loadConfig(map[string]string{"LATCH_TRUSTED_PROXIES": tt.in})
			if tt.err {
				if err == nil || !strings.Contains(err.Error(), "LATCH_TRUSTED_PROXIES") {
					t.Fatalf("err = %v, want a LATCH_TRUSTED_PROXIES error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(c.TrustedProxies) != fmt.Sprint(tt.want) {
				t.Fatalf("TrustedProxies = %v, want %v", c.TrustedProxies, tt.want)
			}
		})
	}
}

// TestMappedTrustedProxyForwardsClientIP: with the proxy configured in its
// IPv4-mapped IPv6 form, requests from that proxy are limited per client
// address from X-Forwarded-For, not all together as one client. Sign-in
// allows 3 attempts per 10 s per client: four clients behind the proxy
// each get their answer (401), none a 429.
func TestMappedTrustedProxyForwardsClientIP(t *testing.T) {
	cfg, err := loadConfig(map[string]string{
		"BETTER_AUTH_URL":       "http://latch.test",
		"LATCH_DATA_DIR":        t.TempDir(),
		"LATCH_RATE_LIMIT":      "true",
		"LATCH_IP_HEADER":       "X-Forwarded-For",
		"LATCH_TRUSTED_PROXIES": "::ffff:10.0.0.1",
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(t.Context(), cfg, strings.Repeat("s", 32), newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	for i := range 5 {
		req := httptest.NewRequest(http.MethodPost, "http://latch.test/api/auth/sign-in/email",
			strings.NewReader(`{"email":"nobody@example.com","password":"wrong password"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "http://latch.test")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i+1))
		req.RemoteAddr = "10.0.0.1:40000"
		rec := httptest.NewRecorder()
		a.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("client %d behind the proxy: status %d (%s), want 401", i+1, rec.Code, rec.Body.String())
		}
	}
}
