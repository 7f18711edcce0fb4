package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// assets holds the page templates and the static files.
//
//go:embed templates/*.html static
var assets embed.FS

// contentTypes maps the extensions used under static/ to their media types,
// so that the answer does not depend on the host's mime tables.
var contentTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
	".txt":   "text/plain; charset=utf-8",
}

// page is one prepared HTML document.
type page struct {
	body []byte
}

// asset is one prepared static file.
type asset struct {
	contentType string
	etag        string // quoted strong ETag of the plain bytes
	body        []byte
	gz          []byte // gzip-compressed body, nil when it does not help
}

// site is the prepared web interface: rendered pages and hashed assets.
type site struct {
	hash      string // content hash of the whole static tree, the URL version
	assets    map[string]*asset
	pages     map[string]page
	notFound  page // 404
	badMethod page // 405
}

// pageSpec describes one page: its template file and what the layout needs.
type pageSpec struct {
	path, file, title, script string
	app                       bool // true for signed-in pages (header with navigation)
}

var pageSpecs = []pageSpec{
	{path: PathDashboard, file: "dashboard.html", title: "Tasks", script: "dashboard.js", app: true},
	{path: PathAccount, file: "account.html", title: "Account", script: "account.js", app: true},
	{path: PathLogin, file: "login.html", title: "Sign in", script: "login.js"},
	{path: PathRegister, file: "register.html", title: "Create account", script: "register.js"},
	{path: PathForgot, file: "forgot.html", title: "Forgot password", script: "forgot.js"},
	{path: PathReset, file: "reset.html", title: "Choose a new password", script: "reset.js"},
}

// layoutData is what templates/layout.html reads.
type layoutData struct {
	Title  string
	Static string // URL prefix of the versioned assets, without trailing slash
	Script string // page module under static/js, empty for none
	App    bool
	Page   string
	// Code, Heading and Message fill the error page.
	Code             int
	Heading, Message string
}

func mustSite() *site {
	s, err := newSite(assets)
	if err != nil {
		panic(fmt.Sprintf("web: preparing embedded assets: %v", err))
	}
	return s
}

// newSite loads assets from fsys, hashes them and renders every page.
func newSite(fsys fs.FS) (*site, error) {
	s := &site{assets: map[string]*asset{}, pages: map[string]page{}}
	var names []string
	err := fs.WalkDir(fsys, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	all := sha256.New()
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		ct, ok := contentTypes[path.Ext(name)]
		if !ok {
			return nil, fmt.Errorf("no content type for %s", name)
		}
		sum := sha256.Sum256(body)
		fmt.Fprintf(all, "%s\x00%x\x00", name, sum)
		a := &asset{contentType: ct, etag: `"` + hex.EncodeToString(sum[:10]) + `"`, body: body}
		if strings.HasPrefix(ct, "text/") || ct == "image/svg+xml" {
			a.gz = gzipped(body)
		}
		s.assets[strings.TrimPrefix(name, "static/")] = a
	}
	s.hash = hex.EncodeToString(all.Sum(nil)[:6])

	for _, spec := range pageSpecs {
		body, err := render(fsys, spec.file, layoutData{
			Title: spec.title, Static: "/static/" + s.hash, Script: spec.script, App: spec.app,
			Page: strings.TrimSuffix(spec.file, ".html"),
		})
		if err != nil {
			return nil, err
		}
		s.pages[spec.path] = page{body: body}
	}
	s.pages[PathDashboardAlias] = s.pages[PathDashboard]
	errorPage := func(code int, heading, message string) (page, error) {
		body, err := render(fsys, "error.html", layoutData{
			Title: heading, Static: "/static/" + s.hash, Page: "error",
			Code: code, Heading: heading, Message: message,
		})
		return page{body: body}, err
	}
	if s.notFound, err = errorPage(http.StatusNotFound, "Page not found",
		"The page you asked for does not exist or has moved."); err != nil {
		return nil, err
	}
	if s.badMethod, err = errorPage(http.StatusMethodNotAllowed, "That did not work",
		"This page cannot take that request. Latch needs JavaScript to sign you in: please enable it and try again."); err != nil {
		return nil, err
	}
	return s, nil
}

// render executes layout.html with the page template file.
func render(fsys fs.FS, file string, data layoutData) ([]byte, error) {
	t, err := template.ParseFS(fsys, "templates/layout.html", "templates/"+file)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("render %s: %w", file, err)
	}
	return buf.Bytes(), nil
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	if buf.Len() >= len(b) {
		return nil
	}
	return buf.Bytes()
}

// writePage writes an HTML page with the no-store policy.
func (s *site) writePage(w http.ResponseWriter, status int, p page) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(p.body)))
	w.WriteHeader(status)
	_, _ = w.Write(p.body)
}

// serveStatic serves rest = "<hash>/<file>" (or a bare "<file>"). The current
// hash gets a one-year immutable cache; any other version is answered with the
// current content and must be revalidated, so a page from an older build still
// works during a deploy.
func (s *site) serveStatic(w http.ResponseWriter, r *http.Request, rest string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	version, name, ok := strings.Cut(rest, "/")
	if !ok {
		version, name = "", rest
	}
	a, found := s.assets[name]
	if !found || strings.Contains(name, "..") {
		s.writePage(w, http.StatusNotFound, s.notFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	if version == s.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	body, etag := a.body, a.etag
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = a.gz, strings.TrimSuffix(a.etag, `"`)+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(enc), "gzip") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimSpace(params), "=")
		if ok && strings.TrimSpace(k) == "q" {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q > 0
		}
		return true
	}
	return false
}
