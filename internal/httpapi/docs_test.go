package httpapi

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
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

// TestStaticConditionalRequests: the document and the docs assets answer
// range and conditional requests with 200, 304 or a JSON 412, never with
// http.ServeContent's plain-text 416 or an empty 412.
func TestStaticConditionalRequests(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/openapi.json", "/docs", "/docs/docs.js"} {
		etag := e.do(req{Method: "GET", Path: p}).mustStatus(t, http.StatusOK).Header.Get("ETag")
		if etag == "" {
			t.Fatalf("%s: no ETag", p)
		}
		tests := []struct {
			name, header, value string
			want                int
		}{
			{name: "unsatisfiable range", header: "Range", value: "bytes=999999-", want: http.StatusOK},
			{name: "partial range", header: "Range", value: "bytes=0-1", want: http.StatusOK},
			{name: "If-Match other", header: "If-Match", value: `"nope"`, want: http.StatusPreconditionFailed},
			{name: "If-Match current", header: "If-Match", value: `"x", ` + etag, want: http.StatusOK},
			{name: "If-Match any", header: "If-Match", value: "*", want: http.StatusOK},
			{name: "If-None-Match current", header: "If-None-Match", value: "W/" + etag, want: http.StatusNotModified},
			{name: "If-None-Match other", header: "If-None-Match", value: `"nope"`, want: http.StatusOK},
		}
		for _, tt := range tests {
			t.Run(p+"/"+tt.name, func(t *testing.T) {
				r := httptestRequest("GET", p)
				r.Header.Set(tt.header, tt.value)
				rec := serve(e, r)
				if rec.Code != tt.want {
					t.Fatalf("status %d, want %d; body %q", rec.Code, tt.want, rec.Body)
				}
				switch rec.Code {
				case http.StatusOK:
					if rec.Body.Len() == 0 || rec.Header().Get("Content-Length") != strconv.Itoa(rec.Body.Len()) {
						t.Errorf("body %d bytes, Content-Length %q", rec.Body.Len(), rec.Header().Get("Content-Length"))
					}
				case http.StatusNotModified:
					if rec.Body.Len() != 0 {
						t.Errorf("304 with a body")
					}
				default:
					response{Code: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}.errBody(t)
				}
			})
		}
		// HEAD: headers, no body.
		rec := serve(e, httptestRequest("HEAD", p))
		if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
			t.Errorf("HEAD %s: %d, %d body bytes, ETag %q", p, rec.Code, rec.Body.Len(), rec.Header().Get("ETag"))
		}
	}
}
