package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func get(t *testing.T, h http.Handler, method, target string, header map[string]string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPagesCarrySecurityHeaders(t *testing.T) {
	h := Handler()
	tests := []struct {
		name, path string
		status     int
		title      string
	}{
		{name: "dashboard", path: "/", status: http.StatusOK, title: "<title>Tasks · Latch</title>"},
		{name: "dashboard at /dashboard", path: "/dashboard", status: http.StatusOK, title: "<title>Tasks · Latch</title>"},
		{name: "login", path: "/login", status: http.StatusOK, title: "<title>Sign in · Latch</title>"},
		{name: "login with next", path: "/login?next=%2Faccount", status: http.StatusOK, title: "<title>Sign in · Latch</title>"},
		{name: "register", path: "/register", status: http.StatusOK, title: "<title>Create account · Latch</title>"},
		{name: "account", path: "/account", status: http.StatusOK, title: "<title>Account · Latch</title>"},
		{name: "unknown page", path: "/nope", status: http.StatusNotFound, title: "<title>Page not found · Latch</title>"},
		{name: "unknown nested page", path: "/a/b/c.html", status: http.StatusNotFound, title: "Page not found"},
		{name: "unknown asset", path: "/static/abc/nope.js", status: http.StatusNotFound, title: "Page not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, h, http.MethodGet, tt.path, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			want := map[string]string{
				"Content-Security-Policy": ContentSecurityPolicy,
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "same-origin",
				"Cache-Control":           "no-store",
				"Content-Type":            "text/html; charset=utf-8",
				"X-Frame-Options":         "DENY",
			}
			for k, v := range want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if b := body(t, resp); !strings.Contains(b, tt.title) {
				t.Errorf("body lacks %q", tt.title)
			}
		})
	}
}

func TestCSPIsStrict(t *testing.T) {
	for _, directive := range []string{
		"default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
		"connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
	} {
		if !strings.Contains(ContentSecurityPolicy, directive+";") && !strings.HasSuffix(ContentSecurityPolicy, directive) {
			t.Errorf("CSP lacks %q", directive)
		}
	}
	if strings.Contains(ContentSecurityPolicy, "unsafe") {
		t.Errorf("CSP allows something unsafe: %s", ContentSecurityPolicy)
	}
}

func TestHeadAndMethods(t *testing.T) {
	h := Handler()
	tests := []struct {
		name, method, path string
		status             int
		allow, body        string
	}{
		{name: "HEAD page", method: http.MethodHead, path: "/login", status: http.StatusOK},
		{name: "POST page", method: http.MethodPost, path: "/login", status: http.StatusMethodNotAllowed, allow: "GET, HEAD", body: "Error 405"},
		{name: "DELETE page", method: http.MethodDelete, path: "/", status: http.StatusMethodNotAllowed, allow: "GET, HEAD", body: "Error 405"},
		{name: "POST asset", method: http.MethodPost, path: "/static/x/app.css", status: http.StatusMethodNotAllowed, allow: "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := get(t, h, tt.method, tt.path, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if got := resp.Header.Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if resp.Header.Get("Content-Security-Policy") == "" {
				t.Error("no CSP")
			}
			if b := body(t, resp); !strings.Contains(b, tt.body) {
				t.Errorf("body lacks %q", tt.body)
			}
		})
	}
}

func TestTrailingSlashRedirects(t *testing.T) {
	resp := get(t, Handler(), http.MethodGet, "/login/?next=%2Faccount", nil)
	if resp.StatusCode != http.StatusMovedPermanently {
		t.Fatalf("status %d, want 301", resp.StatusCode)
	}
	if loc := resp.Header.Get("Location"); loc != "/login?next=%2Faccount" {
		t.Errorf("Location = %q", loc)
	}
}

func TestAPIPathsGetJSON404(t *testing.T) {
	resp := get(t, Handler(), http.MethodGet, "/api/nope", nil)
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	if b := body(t, resp); !strings.Contains(b, `"detail"`) {
		t.Errorf("body %q has no detail", b)
	}
}

func TestEmbeddedFS(t *testing.T) {
	var want []string
	for _, p := range pageSpecs {
		want = append(want, "templates/"+p.file)
	}
	want = append(want, "templates/layout.html", "templates/error.html", "static/app.css", "static/favicon.svg",
		"static/js/api.js", "static/js/ui.js", "static/js/validate.js", "static/js/dashboard.js",
		"static/js/dashboard-list.js", "static/js/dashboard-state.js", "static/js/account.js", "static/js/login.js", "static/js/register.js")
	if err := fstest.TestFS(assets, want...); err != nil {
		t.Fatal(err)
	}
}

var (
	tagRE  = regexp.MustCompile(`(?is)<([a-z][a-z0-9-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*/?>`)
	attrRE = regexp.MustCompile(`(?is)([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?`)
)

type tag struct {
	name  string
	attrs map[string]string
	end   int // offset just past the tag
}

// parseTags lists the start tags of an HTML document with their attributes.
func parseTags(doc string) []tag {
	var tags []tag
	for _, m := range tagRE.FindAllStringSubmatchIndex(doc, -1) {
		tg := tag{name: strings.ToLower(doc[m[2]:m[3]]), attrs: map[string]string{}, end: m[1]}
		if m[4] >= 0 {
			for _, a := range attrRE.FindAllStringSubmatch(doc[m[4]:m[5]], -1) {
				tg.attrs[strings.ToLower(a[1])] = strings.Trim(a[2], `"'`)
			}
		}
		tags = append(tags, tg)
	}
	return tags
}

// TestNoInlineScriptOrStyle parses every page: each <script> must load a
// same-origin module by src with no inline body, and no element may carry
// an inline style or event handler, since the CSP would block them.
func TestNoInlineScriptOrStyle(t *testing.T) {
	h := Handler()
	s := h.(*handler).site
	paths := []string{"/nope"}
	for _, p := range pageSpecs {
		paths = append(paths, p.path)
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			doc := body(t, get(t, h, http.MethodGet, path, nil))
			tags := parseTags(doc)
			if len(tags) < 10 {
				t.Fatalf("parsed only %d tags", len(tags))
			}
			scripts := 0
			for _, tg := range tags {
				for name := range tg.attrs {
					if name == "style" || strings.HasPrefix(name, "on") {
						t.Errorf("<%s> has inline attribute %q", tg.name, name)
					}
				}
				switch tg.name {
				case "style":
					t.Errorf("inline <style> element")
				case "script":
					scripts++
					src := tg.attrs["src"]
					if src == "" {
						t.Errorf("<script> without src")
					}
					if !strings.HasPrefix(src, "/static/"+s.hash+"/") {
						t.Errorf("<script src=%q> is not a versioned asset", src)
					}
					if tg.attrs["type"] != "module" {
						t.Errorf("<script src=%q> is not a module", src)
					}
					rest := strings.ToLower(doc[tg.end:])
					if !strings.HasPrefix(rest, "</script>") {
						t.Errorf("<script src=%q> has an inline body", src)
					}
				case "link", "img":
					ref := tg.attrs["href"] + tg.attrs["src"]
					if ref == "" {
						continue
					}
					if resp := get(t, h, http.MethodGet, ref, nil); resp.StatusCode != http.StatusOK {
						t.Errorf("<%s> names %s: status %d", tg.name, ref, resp.StatusCode)
					}
				}
			}
			if want := map[bool]int{true: 0, false: 1}[path == "/nope"]; scripts != want {
				t.Errorf("%d scripts, want %d", scripts, want)
			}
		})
	}
}

// TestStaticAssets checks content types, caching and conditional requests.
func TestStaticAssets(t *testing.T) {
	h := Handler()
	hash := h.(*handler).site.hash
	var files []string
	err := fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, strings.TrimPrefix(p, "static/"))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		t.Run(name, func(t *testing.T) {
			resp := get(t, h, http.MethodGet, "/static/"+hash+"/"+name, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			ct := resp.Header.Get("Content-Type")
			switch {
			case strings.HasSuffix(name, ".js") && ct != "text/javascript; charset=utf-8",
				strings.HasSuffix(name, ".css") && ct != "text/css; charset=utf-8",
				strings.HasSuffix(name, ".svg") && ct != "image/svg+xml":
				t.Errorf("Content-Type = %q", ct)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("Cache-Control = %q", cc)
			}
			if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			want, _ := fs.ReadFile(assets, "static/"+name)
			if got := body(t, resp); got != string(want) {
				t.Errorf("body differs from the embedded file")
			}
			etag := resp.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			again := get(t, h, http.MethodGet, "/static/"+hash+"/"+name, map[string]string{"If-None-Match": etag})
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d, want 304", again.StatusCode)
			}
		})
	}

	t.Run("old version revalidates", func(t *testing.T) {
		resp := get(t, h, http.MethodGet, "/static/0123456789ab/app.css", nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("status %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	})
	t.Run("gzip", func(t *testing.T) {
		resp := get(t, h, http.MethodGet, "/static/"+hash+"/js/dashboard.js", map[string]string{"Accept-Encoding": "br, gzip"})
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding = %q", resp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(zr)
		want, _ := fs.ReadFile(assets, "static/js/dashboard.js")
		if !bytes.Equal(got, want) {
			t.Error("gzip body differs")
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Error("no Vary: Accept-Encoding")
		}
		refused := get(t, h, http.MethodGet, "/static/"+hash+"/js/dashboard.js", map[string]string{"Accept-Encoding": "gzip;q=0"})
		if refused.Header.Get("Content-Encoding") != "" {
			t.Error("gzip sent although q=0")
		}
	})
	t.Run("traversal", func(t *testing.T) {
		for _, p := range []string{"/static/" + hash + "/../web.go", "/static/..%2fweb.go", "/static/" + hash + "/js/../../web.go"} {
			if resp := get(t, h, http.MethodGet, p, nil); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", p, resp.StatusCode)
			}
		}
	})
}

var importRE = regexp.MustCompile(`(?m)^\s*import\s[^'"]*['"]([^'"]+)['"]`)

// TestModuleImportsResolve checks that every ES module import names an
// embedded file, so a typo cannot ship a blank page.
func TestModuleImportsResolve(t *testing.T) {
	entries, err := fs.ReadDir(assets, "static/js")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		src, _ := fs.ReadFile(assets, "static/js/"+e.Name())
		for _, m := range importRE.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasPrefix(m[1], "./") {
				t.Errorf("%s imports %q: only relative same-directory modules are allowed", e.Name(), m[1])
				continue
			}
			if _, err := fs.Stat(assets, "static/js/"+strings.TrimPrefix(m[1], "./")); err != nil {
				t.Errorf("%s imports missing %q", e.Name(), m[1])
			}
		}
		for _, banned := range []string{"localStorage", "sessionStorage", "innerHTML", "eval(", "document.write"} {
			if bytes.Contains(src, []byte(banned)) {
				t.Errorf("%s uses %s", e.Name(), banned)
			}
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{header: "", want: false},
		{header: "gzip", want: true},
		{header: "GZIP", want: true},
		{header: "br, gzip, deflate", want: true},
		{header: "gzip;q=0", want: false},
		{header: "gzip; q=0.5", want: true},
		{header: "gzip;q=0.000", want: false},
		{header: "identity", want: false},
		{header: "gzip;q=bogus", want: false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("Accept-Encoding", tt.header)
			if got := acceptsGzip(req); got != tt.want {
				t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
			}
		})
	}
}

// FuzzHandler: any path and Accept-Encoding gets a sane answer, never a
// panic or a 5xx, always with the security headers.
func FuzzHandler(f *testing.F) {
	for _, s := range []string{"/", "/login", "/static/x/app.css", "/static/../../etc/passwd", "/api/x", "/%00", "/login/"} {
		f.Add(s, "gzip")
	}
	h := Handler()
	f.Fuzz(func(t *testing.T, path, enc string) {
		req, err := http.NewRequest(http.MethodGet, "http://x", nil)
		if err != nil {
			t.Skip()
		}
		req.URL.Path = "/" + strings.TrimPrefix(path, "/")
		req.Header.Set("Accept-Encoding", enc)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%q: status %d", path, rec.Code)
		}
		if rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("%q: security headers missing", path)
		}
	})
}
