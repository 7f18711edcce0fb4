package httpapi

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed docs/index.html docs/docs.js docs/docs.css
var docsFS embed.FS

// docsCSP allows only the page's own script, style and fetches.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// setPageHeaders sets the security headers of the docs page and assets.
func setPageHeaders(h http.Header) {
	h.Set("Content-Security-Policy", docsCSP)
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// serveStatic writes body, a fixed document, with a strong ETag. It
// answers the conditional headers itself (If-None-Match: 304; a failed
// If-Match: 412 with a JSON detail) and ignores Range, since the whole
// body with 200 is always a valid answer: http.ServeContent would answer
// 412 and 416 with bodies that are not JSON.
func serveStatic(w http.ResponseWriter, r *http.Request, ctype string, body []byte) error {
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	h := w.Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	if im := r.Header.Get("If-Match"); im != "" && !etagListMatches(im, etag) {
		return &httpError{status: http.StatusPreconditionFailed, detail: "Precondition Failed: If-Match does not match the current ETag"}
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagListMatches(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}

// etagListMatches reports whether the If-Match or If-None-Match value
// list (or "*") names etag; weak tags compare by their opaque part.
func etagListMatches(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// serveEmbedded serves one embedded file of the docs page.
func serveEmbedded(w http.ResponseWriter, r *http.Request, name string) error {
	b, err := docsFS.ReadFile("docs/" + name)
	if err != nil {
		return &httpError{status: http.StatusNotFound, detail: "Not Found"}
	}
	setPageHeaders(w.Header())
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	return serveStatic(w, r, ct, b)
}

func serveDocsPage(_ *api, w http.ResponseWriter, r *http.Request) error {
	return serveEmbedded(w, r, "index.html")
}

func serveDocsAsset(_ *api, w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("asset")
	if name == "index.html" || name != path.Base(name) {
		return &httpError{status: http.StatusNotFound, detail: "Not Found"}
	}
	return serveEmbedded(w, r, name)
}

func serveOpenAPI(a *api, w http.ResponseWriter, r *http.Request) error {
	return serveStatic(w, r, "application/json", a.openapi)
}
