package httpsec

import (
	"errors"
	"testing"
)

func TestNewOriginsErrors(t *testing.T) {
	tests := []struct {
		name  string
		base  string
		extra []string
	}{
		{name: "base without scheme", base: "localhost:3000"},
		{name: "base with ftp scheme", base: "ftp://example.com"},
		{name: "base with query", base: "http://localhost:3000/?x=1"},
		{name: "base empty", base: ""},
		{name: "extra bare host", base: "http://localhost:3000", extra: []string{"example.com"}},
		{name: "extra with path", base: "http://localhost:3000", extra: []string{"https://example.com/app"}},
		{name: "extra with user info", base: "http://localhost:3000", extra: []string{"https://u@example.com"}},
		{name: "extra with space inside", base: "http://localhost:3000", extra: []string{"https://exa mple.com"}},
		{name: "extra javascript scheme", base: "http://localhost:3000", extra: []string{"javascript://"}},
		{name: "extra http without slashes", base: "http://localhost:3000", extra: []string{"https:example.com"}},
		{name: "extra wildcard with path", base: "http://localhost:3000", extra: []string{"https://*.example.com/x"}},
		// Trusted origins get credentialed CORS: a pattern that matches
		// every host would hand session tokens to any web site.
		{name: "extra star", base: "http://localhost:3000", extra: []string{"*"}},
		{name: "extra star dot star", base: "http://localhost:3000", extra: []string{"*.*"}},
		{name: "extra https star", base: "http://localhost:3000", extra: []string{"https://*"}},
		{name: "extra http star port", base: "http://localhost:3000", extra: []string{"http://*:3000"}},
		{name: "extra star scheme star host", base: "http://localhost:3000", extra: []string{"*://*"}},
		{name: "extra question marks", base: "http://localhost:3000", extra: []string{"https://???.*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewOrigins(tt.base, tt.extra)
			if !errors.Is(err, ErrBadOrigin) {
				t.Fatalf("err = %v, want ErrBadOrigin", err)
			}
		})
	}
}

func TestOriginsListNormalises(t *testing.T) {
	o, err := NewOrigins("HTTPS://App.Example.COM:443/api/auth", []string{" http://LOCALHOST:3000/ ", "", "https://[::1]:8443", "myapp://"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://app.example.com", "http://localhost:3000", "https://[::1]:8443", "myapp://"}
	got := o.List()
	if len(got) != len(want) {
		t.Fatalf("List = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("List = %q, want %q", got, want)
		}
	}
	if o.Base() != "https://app.example.com" {
		t.Fatalf("Base = %q", o.Base())
	}
}

func TestTrusted(t *testing.T) {
	o := mustOrigins("http://localhost:8080/api/auth",
		"https://app.example.com",
		"https://*.preview.example.net",
		"*.example.org",
		"http://192.168.*.*:3000",
		"myapp://",
		"exp://callback/auth",
		"wild://*.apps.test",
	)
	tests := []struct {
		name   string
		origin string
		want   bool
	}{
		{name: "base origin", origin: "http://localhost:8080", want: true},
		{name: "base origin as full referer", origin: "http://localhost:8080/login?x=1", want: true},
		{name: "base origin upper case host", origin: "http://LOCALHOST:8080", want: true},
		{name: "base host other port", origin: "http://localhost:8081", want: false},
		{name: "base host other scheme", origin: "https://localhost:8080", want: false},
		{name: "exact https default port written", origin: "https://app.example.com:443", want: true},
		{name: "exact https trailing slash", origin: "https://app.example.com/", want: true},
		{name: "exact http scheme mismatch", origin: "http://app.example.com", want: false},
		{name: "suffix attack", origin: "https://app.example.com.evil.com", want: false},
		{name: "prefix attack", origin: "https://evilapp.example.com", want: false},
		{name: "user info trick host is evil", origin: "https://app.example.com@evil.com", want: false},
		{name: "user info with trusted host", origin: "https://evil.com@app.example.com", want: true},
		{name: "backslash trick", origin: `https://evil.com\@app.example.com`, want: false},
		{name: "null", origin: "null", want: false},
		{name: "empty", origin: "", want: false},
		{name: "relative", origin: "/dashboard", want: false},
		{name: "scheme relative", origin: "//app.example.com", want: false},
		{name: "opaque https", origin: "https:app.example.com", want: false},
		{name: "triple slash", origin: "https:///app.example.com", want: false},
		{name: "percent in host", origin: "https://app%2eexample.com", want: false},
		{name: "tab in host", origin: "https://app.exa\tmple.com", want: false},
		{name: "port out of range", origin: "https://app.example.com:70000", want: false},
		{name: "scheme wildcard match", origin: "https://pr-12.preview.example.net", want: true},
		{name: "scheme wildcard nested subdomain", origin: "https://a.b.preview.example.net", want: true},
		{name: "scheme wildcard apex", origin: "https://preview.example.net", want: false},
		{name: "scheme wildcard wrong scheme", origin: "http://pr-12.preview.example.net", want: false},
		{name: "scheme wildcard with port", origin: "https://pr-12.preview.example.net:8443", want: false},
		{name: "host wildcard https", origin: "https://shop.example.org", want: true},
		{name: "host wildcard http", origin: "http://shop.example.org", want: true},
		{name: "host wildcard with port", origin: "http://shop.example.org:81", want: false},
		{name: "host wildcard evil suffix", origin: "https://shop.example.org.evil.com", want: false},
		{name: "host wildcard not for custom scheme", origin: "myother://shop.example.org", want: false},
		{name: "ip wildcard matches ipv4", origin: "http://192.168.1.20:3000", want: true},
		{name: "ip wildcard rejects hostname", origin: "http://192.168.attacker.com:3000", want: false},
		{name: "ip wildcard rejects other port", origin: "http://192.168.1.20:3001", want: false},
		{name: "custom scheme any host", origin: "myapp://anything/path", want: true},
		{name: "custom scheme upper case", origin: "MYAPP://x", want: true},
		{name: "custom pinned exact", origin: "exp://callback/auth", want: true},
		{name: "custom pinned below", origin: "exp://callback/auth/done", want: true},
		{name: "custom pinned sibling", origin: "exp://callback/authx", want: false},
		{name: "custom pinned traversal", origin: "exp://callback/auth/../evil", want: false},
		{name: "custom pinned encoded traversal", origin: "exp://callback/auth/%2e%2e/evil", want: false},
		{name: "custom pinned other host", origin: "exp://callback.attacker.tld/auth", want: false},
		{name: "custom wildcard authority", origin: "wild://x.apps.test", want: true},
		{name: "custom wildcard authority with user info", origin: "wild://a@x.apps.test", want: false},
		{name: "unknown custom scheme", origin: "other://x", want: false},
		{name: "javascript", origin: "javascript:alert(1)", want: false},
		{name: "ipv6 loopback not trusted", origin: "http://[::1]:8080", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := o.Trusted(tt.origin); got != tt.want {
				t.Fatalf("Trusted(%q) = %v, want %v", tt.origin, got, tt.want)
			}
		})
	}
}

func TestTrustedIPv6(t *testing.T) {
	o := mustOrigins("http://[::1]:3000", "https://[2001:DB8:0:0::1]")
	for _, s := range []string{"http://[::1]:3000", "http://[0:0:0:0:0:0:0:1]:3000", "https://[2001:db8::1]"} {
		if !o.Trusted(s) {
			t.Errorf("Trusted(%q) = false, want true", s)
		}
	}
	if o.Trusted("http://[::2]:3000") {
		t.Error("Trusted([::2]) = true")
	}
}

func TestSafeRedirect(t *testing.T) {
	o := mustOrigins("https://app.example.com", "myapp://", "*.example.org")
	tests := []struct {
		name   string
		target string
		want   bool
	}{
		{name: "relative path", target: "/dashboard", want: true},
		{name: "relative root", target: "/", want: true},
		{name: "relative with query and fragment", target: "/cb?next=/x&y=%2F#top", want: true},
		{name: "relative with encoded slash in query", target: "/cb?next=%2F%2Fevil.com", want: true},
		{name: "scheme relative", target: "//evil.com", want: false},
		{name: "slash backslash", target: `/\evil.com`, want: false},
		{name: "backslash later", target: `/a\b`, want: false},
		{name: "encoded slash in path", target: "/%2F/evil.com", want: false},
		{name: "encoded slash lower case", target: "/a%2fb", want: false},
		{name: "encoded backslash", target: "/%5Cevil.com", want: false},
		{name: "tab in relative", target: "/\t/evil.com", want: false},
		{name: "newline in relative", target: "/a\nb", want: false},
		{name: "C1 control in relative", target: "/a\u0085b", want: false},
		{name: "invalid utf8 relative", target: "/a\xffb", want: false},
		{name: "relative without slash", target: "dashboard", want: false},
		{name: "query only", target: "?x=1", want: false},
		{name: "empty", target: "", want: false},
		{name: "trusted absolute", target: "https://app.example.com/after-login?x=1", want: true},
		{name: "trusted absolute upper case", target: "HTTPS://APP.EXAMPLE.COM/x", want: true},
		{name: "untrusted absolute", target: "https://evil.com/", want: false},
		{name: "trusted host other scheme", target: "http://app.example.com/", want: false},
		{name: "user info to evil host", target: "https://app.example.com@evil.com/", want: false},
		{name: "backslash authority", target: `https://evil.com\@app.example.com/`, want: false},
		{name: "backslash path", target: `https://app.example.com\evil`, want: false},
		{name: "opaque form", target: "https:evil.com", want: false},
		{name: "extra slashes", target: "https:///evil.com", want: false},
		{name: "leading space", target: " https://app.example.com", want: false},
		{name: "javascript", target: "javascript:alert(1)", want: false},
		{name: "javascript with slashes", target: "javascript://app.example.com/%0aalert(1)", want: false},
		{name: "data", target: "data:text/html,x", want: false},
		{name: "custom scheme trusted", target: "myapp://callback", want: true},
		{name: "host wildcard", target: "https://a.example.org/x", want: true},
		{name: "host wildcard evil", target: "https://a.example.org.evil.com/x", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := o.SafeRedirect(tt.target); got != tt.want {
				t.Fatalf("SafeRedirect(%q) = %v, want %v", tt.target, got, tt.want)
			}
		})
	}
}

func TestParseList(t *testing.T) {
	got := ParseList(" https://a.example, ,http://localhost:3000,")
	if len(got) != 2 || got[0] != "https://a.example" || got[1] != "http://localhost:3000" {
		t.Fatalf("ParseList = %q", got)
	}
}

// mustOrigins is NewOrigins for tests: it panics on error.
func mustOrigins(baseURL string, extra ...string) *Origins {
	o, err := NewOrigins(baseURL, extra)
	if err != nil {
		panic(err)
	}
	return o
}
