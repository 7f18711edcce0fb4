package httpapi

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"mime"
	"net/http"
	"path"
	"time"
)

//go:embed docs/index.html docs/docs.js docs/docs.css
var docsFS embed.FS

// docsCSP allows only the page's own script, style and fetches.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// setPageHeaders sets the security headers of the docs page and assets.
func setPageHeaders(h http.Header, body []byte) {
	h.Set("Content-Security-Policy", docsCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-cache")
	sum := sha256.Sum256(body)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
}

// serveEmbedded serves one embedded file (with conditional requests).
func serveEmbedded(w http.ResponseWriter, r *http.Request, name string) error {
	b, err := docsFS.ReadFile("docs/" + name)
	if err != nil {
		return &httpError{status: http.StatusNotFound, detail: "Not Found"}
	}
	setPageHeaders(w.Header(), b)
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
	return nil
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
	h := w.Header()
	sum := sha256.Sum256(a.openapi)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`)
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "openapi.json", time.Time{}, bytes.NewReader(a.openapi))
	return nil
}
