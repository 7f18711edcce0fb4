// Package web serves Latch's browser interface: the sign-up, sign-in, task
// dashboard and account pages, plus their static assets.
//
// Everything is embedded in the binary with go:embed: plain HTML, CSS and
// vanilla ES modules, no build step and no Node. The pages talk to Latch only
// through its public HTTP API (/api/auth/* and /api/{user_id}/tasks), exactly
// as any other frontend would, so this package imports nothing from the rest
// of the repository.
//
// Every response carries a strict Content-Security-Policy (no inline script
// or style), X-Content-Type-Options: nosniff and a same-origin referrer
// policy. HTML pages are never cached (Cache-Control: no-store); static assets
// live under /static/<content hash>/ and are cached for a year.
package web

import (
	"net/http"
	"strings"
)

// ContentSecurityPolicy is the policy sent with every response of [Handler].
// It allows scripts, styles and connections only to the page's own origin and
// forbids framing.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// Page paths served by [Handler].
const (
	PathDashboard = "/"
	// PathDashboardAlias serves the same dashboard page: the original
	// Next.js design sends users to /dashboard after sign-up and sign-in.
	PathDashboardAlias = "/dashboard"
	PathLogin          = "/login"
	PathRegister       = "/register"
	PathAccount        = "/account"
	// PathForgot asks for a reset link; PathReset sets the new password
	// (the emailed link lands there with ?token=).
	PathForgot = "/forgot-password"
	PathReset  = "/reset-password"
	// StaticPrefix is the path under which assets are served.
	StaticPrefix = "/static/"
)

// Handler returns the http.Handler for the web interface. It serves the pages
// / (also at /dashboard), /login, /register, /account, /forgot-password and /reset-password, the assets under /static/, and a
// friendly 404 page for any other path (a JSON 404 for paths under /api/).
// It is safe for concurrent use; the pages and assets are prepared once.
func Handler() http.Handler {
	return &handler{site: mustSite()}
}

type handler struct {
	site *site
}

// ServeHTTP implements http.Handler.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, StaticPrefix):
		h.site.serveStatic(w, r, strings.TrimPrefix(p, StaticPrefix))
		return
	case p == "/api" || strings.HasPrefix(p, "/api/"):
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"detail":"Not Found"}` + "\n"))
		return
	case p == "/favicon.ico":
		// Browsers ask for it even when the page names an SVG icon.
		h.site.serveStatic(w, r, h.site.hash+"/favicon.svg")
		return
	}
	if pg, ok := h.site.pages[p]; ok {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			h.site.writePage(w, http.StatusMethodNotAllowed, h.site.badMethod)
			return
		}
		h.site.writePage(w, http.StatusOK, pg)
		return
	}
	if trimmed := strings.TrimSuffix(p, "/"); trimmed != p && trimmed != "" {
		if _, ok := h.site.pages[trimmed]; ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			// /login/ → /login, keeping the query (for ?next=).
			target := trimmed
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	}
	h.site.writePage(w, http.StatusNotFound, h.site.notFound)
}

// setSecurityHeaders sets the headers every response of the web handler carries.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}
