package httpsec

import (
	"net/http"
	"slices"
	"strings"
)

// CORS settings. Better Auth sets no CORS headers itself; these match what
// its browser client and the Latch task API need.
const (
	corsAllowMethods  = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
	corsMaxAge        = "600"
	corsExposeHeaders = "set-auth-token, set-auth-jwt, x-request-id, retry-after, x-retry-after, link, x-total-count"
)

// corsSafeHeaders are the request headers a trusted origin may send.
var corsSafeHeaders = map[string]bool{
	"accept":             true,
	"accept-language":    true,
	"content-language":   true,
	"content-type":       true,
	"authorization":      true,
	"cache-control":      true,
	"pragma":             true,
	"x-request-id":       true,
	"x-requested-with":   true,
	"x-captcha-response": true, // better-auth captcha plugin
	"x-skip-oauth-proxy": true, // better-auth oauth-proxy plugin
}

// CORS returns credentialed CORS middleware for the trusted origins:
//
//   - Every response gets "Vary: Origin".
//   - A request whose Origin header is a trusted origin (exactly
//     scheme://host[:port]) gets Access-Control-Allow-Origin echoing it,
//     Access-Control-Allow-Credentials: true and
//     Access-Control-Expose-Headers: set-auth-token, set-auth-jwt,
//     x-request-id, retry-after, x-retry-after, and the task list's paging
//     headers link and x-total-count.
//   - A preflight (OPTIONS with Access-Control-Request-Method) is answered
//     here with 204 and never reaches next. For a trusted origin it also
//     carries Allow-Methods (GET, POST, PUT, PATCH, DELETE, OPTIONS),
//     Allow-Headers (the requested headers that are in a safe list:
//     authorization, content-type, x-request-id, accept, ...) and
//     Max-Age: 600. An untrusted origin gets the bare 204, which the
//     browser treats as a refusal (no 403, so nothing is revealed and
//     caches stay simple).
//   - Untrusted origins never get CORS headers; the request itself still
//     reaches next (the origin check, not CORS, guards state changes).
func CORS(o *Origins) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Add("Vary", "Origin")
			origin := headerValue(r.Header, "Origin")
			trusted := origin != "" && o.corsTrusted(origin)
			preflight := r.Method == http.MethodOptions && hasHeader(r.Header, "Access-Control-Request-Method")
			if preflight {
				h.Add("Vary", "Access-Control-Request-Method")
				h.Add("Vary", "Access-Control-Request-Headers")
				if trusted {
					h.Set("Access-Control-Allow-Origin", origin)
					h.Set("Access-Control-Allow-Credentials", "true")
					h.Set("Access-Control-Allow-Methods", corsAllowMethods)
					if allowed := filterHeaders(r.Header.Values("Access-Control-Request-Headers")); allowed != "" {
						h.Set("Access-Control-Allow-Headers", allowed)
					}
					h.Set("Access-Control-Max-Age", corsMaxAge)
				}
				w.WriteHeader(http.StatusNoContent)
				return
			}
			if trusted {
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Credentials", "true")
				h.Set("Access-Control-Expose-Headers", corsExposeHeaders)
			}
			next.ServeHTTP(w, r)
		})
	}
}

// corsTrusted accepts only a serialised origin (no path, query or user
// info) that is trusted; browsers always send that form. It runs on every
// request with an Origin header, so an http(s) value is parsed once.
func (o *Origins) corsTrusted(origin string) bool {
	if origin == "null" {
		return false
	}
	if norm, ok := originOf(origin); ok {
		return sameOriginForm(origin) && o.trustedHTTP(norm)
	}
	// Custom schemes (native apps): accept the value as trusted.
	return !strings.ContainsAny(origin, "?#") && o.Trusted(origin)
}

// sameOriginForm reports whether an http(s) value is scheme://host[:port]
// with nothing after the authority.
func sameOriginForm(s string) bool {
	i := strings.Index(s, "://")
	return i > 0 && !strings.ContainsAny(s[i+3:], "/?#@")
}

// filterHeaders returns the requested header names that are in the safe
// list, lower-cased and comma-joined.
func filterHeaders(req []string) string {
	var out []string
	for _, line := range req {
		for name := range strings.SplitSeq(line, ",") {
			name = strings.ToLower(strings.TrimSpace(name))
			if name != "" && corsSafeHeaders[name] && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return strings.Join(out, ", ")
}
