package httpsec

import (
	"net/http"
	"strings"
)

// OriginCheck returns Better Auth's origin/CSRF middleware
// (api/middlewares/origin-check.ts) for the auth API mounted at basePath
// (for example "/api/auth"):
//
//   - GET, HEAD and OPTIONS requests pass.
//   - A request with a Cookie header must carry Origin, or else Referer.
//     Absent or "null" gives 403 MISSING_OR_NULL_ORIGIN, except that
//     "Origin: null" with "Sec-Fetch-Site: same-origin" is taken as the
//     request's own origin (scheme of the base URL, the Host header); an
//     untrusted value gives 403 INVALID_ORIGIN.
//   - On <basePath>/sign-in/email and <basePath>/sign-up/email without a
//     Cookie: "Sec-Fetch-Site: cross-site" with "Sec-Fetch-Mode: navigate"
//     gives 403 CROSS_SITE_NAVIGATION_LOGIN_BLOCKED; any other Fetch
//     Metadata header, or an Origin or Referer, makes the origin check
//     above mandatory; a request with none of these (curl, servers) passes.
//   - Anything else without a Cookie (bearer-token clients) passes.
//
// callbackURL-style parameters are not checked here: handlers check them
// with Origins.SafeRedirect after parsing the body.
func OriginCheck(o *Origins, basePath string) func(http.Handler) http.Handler {
	base := cleanPath(basePath)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if safeMethod(r.Method) {
				next.ServeHTTP(w, r)
				return
			}
			var e *OriginError
			if isFormLoginPath(r.URL.Path, base) {
				e = o.CheckFormCSRF(r)
			} else {
				e = o.CheckOrigin(r)
			}
			if e != nil {
				writeJSON(w, http.StatusForbidden, e)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// isFormLoginPath reports whether p is one of the routes that Better Auth
// guards with formCsrfMiddleware; base is the cleaned base path (see
// cleanPath). Trailing slashes and repeated slashes are ignored, so the
// check is never weaker than the routing.
func isFormLoginPath(p, base string) bool {
	rel := relPath(p, base)
	return rel == "/sign-in/email" || rel == "/sign-up/email"
}

// headerValue returns all values of a header joined as the Fetch API's
// Headers.get does, so a duplicated header cannot smuggle a second value.
func headerValue(h http.Header, name string) string {
	v := h.Values(name)
	switch len(v) {
	case 0:
		return ""
	case 1:
		return v[0]
	}
	return strings.Join(v, ", ")
}

// hasHeader reports presence even with an empty value (Headers.has).
func hasHeader(h http.Header, name string) bool {
	_, ok := h[http.CanonicalHeaderKey(name)]
	return ok
}

// OriginError is a failed origin or CSRF check. It marshals to Better
// Auth's envelope {"message": ..., "code": ...}; the status is always 403.
type OriginError struct {
	Message string `json:"message"`
	Code    string `json:"code"`
}

// Error implements error.
func (e *OriginError) Error() string { return e.Code + ": " + e.Message }

// CheckOrigin is the cookie rule of Better Auth's originCheckMiddleware for
// one request, for handlers that want to run it themselves (Better Auth runs
// it after routing and body parsing, so an unknown route answers 404 and
// malformed JSON 400 before any 403). It returns nil when the request may
// proceed: safe methods, requests without a Cookie header, and cookie
// requests whose Origin (or else Referer) is trusted. It does not look at
// the path.
func (o *Origins) CheckOrigin(r *http.Request) *OriginError {
	if safeMethod(r.Method) {
		return nil
	}
	return o.checkOrigin(r, false)
}

// CheckFormCSRF is Better Auth's formCsrfMiddleware for one request to
// /sign-in/email or /sign-up/email (see OriginCheck); nil means proceed.
func (o *Origins) CheckFormCSRF(r *http.Request) *OriginError {
	if safeMethod(r.Method) {
		return nil
	}
	return o.checkFormCSRF(r)
}

// checkOrigin is Better Auth's validateOrigin.
func (o *Origins) checkOrigin(r *http.Request, force bool) *OriginError {
	if !force && !hasHeader(r.Header, "Cookie") {
		return nil
	}
	origin := headerValue(r.Header, "Origin")
	value := origin
	if value == "" {
		value = headerValue(r.Header, "Referer")
	}
	if origin == "null" && headerValue(r.Header, "Sec-Fetch-Site") == "same-origin" && r.Host != "" {
		// The browser vouches that the request is same-origin but hides
		// the origin (sandboxed or privacy contexts). Better Auth then uses
		// the request's own origin; behind a TLS-terminating proxy the
		// scheme is the base URL's.
		value = o.baseScheme + "://" + r.Host
	}
	if value == "" || value == "null" {
		return &OriginError{Message: MsgMissingOrNullOrigin, Code: CodeMissingOrNullOrigin}
	}
	if !o.Trusted(value) {
		return &OriginError{Message: MsgInvalidOrigin, Code: CodeInvalidOrigin}
	}
	return nil
}

// checkFormCSRF is Better Auth's validateFormCsrf.
func (o *Origins) checkFormCSRF(r *http.Request) *OriginError {
	if hasHeader(r.Header, "Cookie") {
		return o.checkOrigin(r, false)
	}
	site := headerValue(r.Header, "Sec-Fetch-Site")
	mode := headerValue(r.Header, "Sec-Fetch-Mode")
	dest := headerValue(r.Header, "Sec-Fetch-Dest")
	if strings.TrimSpace(site) != "" || strings.TrimSpace(mode) != "" || strings.TrimSpace(dest) != "" {
		if site == "cross-site" && mode == "navigate" {
			return &OriginError{Message: MsgCrossSiteNavigation, Code: CodeCrossSiteNavigation}
		}
		return o.checkOrigin(r, true)
	}
	if headerValue(r.Header, "Origin") != "" || headerValue(r.Header, "Referer") != "" {
		return o.checkOrigin(r, true)
	}
	return nil
}
