package httpsec

import (
	"encoding/json"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func FuzzTrusted(f *testing.F) {
	for _, s := range diffOriginSeeds {
		f.Add(s)
	}
	o := mustOrigins("https://app.example.com/api/auth", "http://localhost:3000", "https://[2001:db8::1]:8443")
	exact := map[string]bool{"https://app.example.com": true, "http://localhost:3000": true, "https://[2001:db8::1]:8443": true}
	f.Fuzz(func(t *testing.T, s string) {
		if !o.Trusted(s) {
			return
		}
		norm, ok := originOf(s)
		if !ok || !exact[norm] {
			t.Fatalf("Trusted(%q) with origin %q (ok=%v) outside the exact set", s, norm, ok)
		}
		u, err := url.Parse(s)
		if err != nil {
			t.Fatalf("Trusted(%q) but url.Parse fails: %v", s, err)
		}
		host := strings.ToLower(u.Hostname())
		if host != "app.example.com" && host != "localhost" && host != "2001:db8::1" {
			t.Fatalf("Trusted(%q): parsed host %q", s, host)
		}
		if !strings.HasPrefix(s, "/") && !o.SafeRedirect(s) {
			t.Fatalf("Trusted(%q) but not SafeRedirect", s)
		}
	})
}

func FuzzSafeRedirect(f *testing.F) {
	for _, s := range diffOriginSeeds {
		f.Add(s)
	}
	for _, s := range []string{"/\t/evil.com", "/\\evil.com", "https://shop.example.org/x", "myapp://cb/x", "myapp://cb.evil/x"} {
		f.Add(s)
	}
	o := mustOrigins("https://app.example.com", "http://localhost:3000", "*.example.org", "myapp://cb")
	f.Fuzz(func(t *testing.T, s string) {
		if !o.SafeRedirect(s) {
			return
		}
		// What a browser does before parsing: drop tab/CR/LF, read "\" as "/".
		browser := strings.NewReplacer("\t", "", "\r", "", "\n", "", `\`, "/").Replace(s)
		if strings.HasPrefix(s, "/") {
			if strings.HasPrefix(browser, "//") {
				t.Fatalf("SafeRedirect(%q): browser sees a scheme-relative URL", s)
			}
			u, err := url.Parse(s)
			if err != nil || u.Host != "" || u.Scheme != "" {
				t.Fatalf("SafeRedirect(%q): parses with host %q scheme %q err %v", s, u.Host, u.Scheme, err)
			}
			return
		}
		if browser != s || !printableASCII(s) {
			t.Fatalf("SafeRedirect(%q): approved a target a browser would rewrite", s)
		}
		u, err := url.Parse(s)
		if err != nil {
			t.Fatalf("SafeRedirect(%q): url.Parse: %v", s, err)
		}
		host := strings.ToLower(u.Hostname())
		port := -1 // default
		if p := u.Port(); p != "" {
			if port, err = strconv.Atoi(p); err != nil {
				t.Fatalf("SafeRedirect(%q): port %q", s, p)
			}
		}
		switch u.Scheme {
		case "https":
			if !(host == "app.example.com" && (port == -1 || port == 443)) && !(strings.HasSuffix(host, ".example.org") && (port == -1 || port == 443)) {
				t.Fatalf("SafeRedirect(%q): untrusted https host %q port %q", s, host, u.Port())
			}
		case "http":
			if !(host == "localhost" && port == 3000) && !(strings.HasSuffix(host, ".example.org") && (port == -1 || port == 80)) {
				t.Fatalf("SafeRedirect(%q): untrusted http host %q port %q", s, host, u.Port())
			}
		case "myapp":
			if strings.ToLower(u.Host) != "cb" {
				t.Fatalf("SafeRedirect(%q): custom authority %q", s, u.Host)
			}
		default:
			t.Fatalf("SafeRedirect(%q): scheme %q", s, u.Scheme)
		}
	})
}

func FuzzClientIP(f *testing.F) {
	f.Add("1.2.3.4", "10.0.0.1:80")
	f.Add("1.2.3.4, 10.0.0.2", "10.0.0.1:80")
	f.Add("2001:db8::1", "[::1]:1")
	f.Add("::ffff:1.2.3.4", "junk")
	f.Add(",,", "")
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}
	configs := []ClientIP{{}, {Header: "X-Forwarded-For"}, {Header: "X-Forwarded-For", TrustedProxies: proxies}}
	f.Fuzz(func(t *testing.T, header, remote string) {
		for i, c := range configs {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = remote
			r.Header["X-Forwarded-For"] = []string{header}
			got := c.Of(r)
			if got == "" {
				continue
			}
			a, err := netip.ParseAddr(got)
			if err != nil {
				t.Fatalf("config %d: Of = %q is not an address", i, got)
			}
			if a.Is6() {
				if len(got) != 39 || !strings.HasSuffix(got, ":0000:0000:0000:0000") || got != strings.ToLower(got) {
					t.Fatalf("config %d: IPv6 %q not /64 expanded lower-case", i, got)
				}
			} else if a.String() != got {
				t.Fatalf("config %d: IPv4 %q not canonical", i, got)
			}
			if c.Header == "" {
				r2 := httptest.NewRequest("GET", "/", nil)
				r2.RemoteAddr = remote
				if got2 := c.Of(r2); got2 != got {
					t.Fatalf("config %d: header changed the result without Header set: %q vs %q", i, got, got2)
				}
			}
			if len(c.TrustedProxies) > 0 && a.Is4() && netip.MustParsePrefix("10.0.0.0/8").Contains(a) {
				if ra, ok := remoteAddr(remote); !ok || NormalizeIP(ra) != got {
					t.Fatalf("config %d: returned trusted proxy %q that is not the peer", i, got)
				}
			}
		}
	})
}

func FuzzOriginCheck(f *testing.F) {
	f.Add("POST", "/api/auth/sign-out", "a=b", "http://localhost:3000", "", "", "", "localhost:8080")
	f.Add("POST", "/api/auth/sign-in/email", "", "", "", "cross-site", "navigate", "x")
	f.Add("PUT", "/api/auth//sign-up/email/", "", "null", "https://evil.com", "same-origin", "", "localhost:8080")
	o := mustOrigins("http://localhost:8080", "http://localhost:3000")
	f.Fuzz(func(t *testing.T, method, path, cookie, origin, referer, site, mode, host string) {
		if !validMethod(method) || path == "" || path[0] != '/' || strings.ContainsAny(path, " ?#\x00") {
			return
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.Method = method
		r.URL.Path = path
		r.Host = host
		set := func(k, v string) {
			if v != "" {
				r.Header[k] = []string{v}
			}
		}
		set("Cookie", cookie)
		set("Origin", origin)
		set("Referer", referer)
		set("Sec-Fetch-Site", site)
		set("Sec-Fetch-Mode", mode)
		var ran bool
		w := httptest.NewRecorder()
		OriginCheck(o, "/api/auth")(okHandler(&ran)).ServeHTTP(w, r)
		if !ran {
			var e OriginError
			if w.Code != 403 || json.Unmarshal(w.Body.Bytes(), &e) != nil || e.Code == "" {
				t.Fatalf("blocked with %d %s", w.Code, w.Body)
			}
			return
		}
		if cookie != "" && !safeMethod(method) {
			v := origin
			if v == "" {
				v = referer
			}
			if origin == "null" && site == "same-origin" {
				v = "http://" + host
			}
			if !o.Trusted(v) {
				t.Fatalf("cookie request passed with untrusted origin %q", v)
			}
		}
		if isFormLoginPath(path, "/api/auth") && !safeMethod(method) && site == "cross-site" && mode == "navigate" && cookie == "" {
			t.Fatal("cross-site navigation login passed")
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		if c := m[i]; c < 'A' || c > 'Z' {
			return false
		}
	}
	return true
}
