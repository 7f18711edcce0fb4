package httpapi

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func httptestRequest(method, target string) *http.Request {
	return httptest.NewRequest(method, target, nil)
}

func serve(e *testEnv, r *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	return rec
}

func TestDocsPage(t *testing.T) {
	e := newEnv(t)
	res := e.do(req{Method: "GET", Path: "/docs"}).mustStatus(t, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("Content-Type %q", ct)
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	html := string(res.Body)
	// The page loads its own script and no inline code: every <script>
	// has a same-origin src and no element has an on* handler.
	scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(html, -1)
	if len(scripts) == 0 {
		t.Fatal("no script tag")
	}
	for _, s := range scripts {
		if !strings.Contains(s, `src="/docs/`) {
			t.Errorf("inline or foreign script: %s", s)
		}
	}
	if regexp.MustCompile(`(?i)\son[a-z]+=`).MatchString(html) || strings.Contains(html, "http://") || strings.Contains(html, "https://") {
		t.Error("inline handler or external URL in the page")
	}

	for _, asset := range []struct{ path, ctype, contains string }{
		{path: "/docs/docs.js", ctype: "text/javascript", contains: "/openapi.json"},
		{path: "/docs/docs.css", ctype: "text/css", contains: "details.op"},
	} {
		res := e.do(req{Method: "GET", Path: asset.path}).mustStatus(t, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, asset.ctype) {
			t.Errorf("%s Content-Type %q", asset.path, ct)
		}
		if !strings.Contains(string(res.Body), asset.contains) {
			t.Errorf("%s does not contain %q", asset.path, asset.contains)
		}
		if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s lacks security headers", asset.path)
		}
	}
	for _, p := range []string{"/docs/nope.js", "/docs/index.html", "/docs/..%2fdocs.go"} {
		e.do(req{Method: "GET", Path: p}).mustStatus(t, http.StatusNotFound).errBody(t)
	}
}

func TestDocsFS(t *testing.T) {
	if err := fstest.TestFS(docsFS, "docs/index.html", "docs/docs.js", "docs/docs.css"); err != nil {
		t.Fatal(err)
	}
}
