package httpsec

import (
	"math"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/reqlog"
)

// Better Auth's default rate-limit rule (rateLimit.window / rateLimit.max).
const (
	DefaultWindow = 10 * time.Second
	DefaultMax    = 100
)

// NoTrustedIPKey is the address part of the rate-limit key when no client
// address can be found: such requests share one bucket per path, as in
// Better Auth.
const NoTrustedIPKey = "no-trusted-ip"

// PasswordPaths are the auth paths (relative to the base path) whose
// handlers hash a password, or may: each costs one scrypt run (32 MiB,
// tens of milliseconds of CPU), so they share the strict 3 per 10 s rule,
// a small body limit and the bounded hash queue. A route that hashes a
// password must be listed here.
var PasswordPaths = []string{
	"/sign-up/email", "/sign-in/email", "/change-password", "/verify-password",
	"/reset-password", "/set-password", "/delete-user",
}

// HashesPassword reports whether the auth path p (relative to the base
// path, cleaned) is one of PasswordPaths.
func HashesPassword(p string) bool {
	for _, x := range PasswordPaths {
		if p == x {
			return true
		}
	}
	return false
}

// AuthRule returns the limit Latch applies to a path relative to the auth
// base path ("/sign-in/email"), Better Auth's defaults plus PasswordPaths:
//   - PasswordPaths (stricter than Better Auth, which limits
//     /verify-password, /reset-password and /delete-user at 100 per 10 s)
//     and paths starting with /sign-in, /sign-up, /change-password or
//     /change-email: 3 per 10 s;
//   - /request-password-reset, /send-verification-email, paths starting
//     with /forget-password, /email-otp/send-verification-otp and
//     /email-otp/request-password-reset: 3 per 60 s;
//   - everything else, GET /get-session included: 100 per 10 s.
func AuthRule(p string) (max int, window time.Duration) {
	switch {
	case HashesPassword(p), strings.HasPrefix(p, "/sign-in"), strings.HasPrefix(p, "/sign-up"),
		strings.HasPrefix(p, "/change-password"), strings.HasPrefix(p, "/change-email"):
		return 3, 10 * time.Second
	case p == "/request-password-reset", p == "/send-verification-email",
		strings.HasPrefix(p, "/forget-password"),
		p == "/email-otp/send-verification-otp", p == "/email-otp/request-password-reset":
		return 3, 60 * time.Second
	}
	return DefaultMax, DefaultWindow
}

// AuthRateLimit returns Better Auth's rate limiter for the auth API mounted
// at basePath. Every request is counted (any method, any path under the
// tree, before routing and before the origin check, as Better Auth does)
// under the key "<client ip>|<path after basePath>" with the limits of
// AuthRule. Over the limit it answers 429
// {"message":"Too many requests. Please try again later."} with
// X-Retry-After (and Retry-After) in whole seconds. A nil limiter disables
// limiting. If the limiter fails the request is let through and the error
// logged (a shared store outage must not lock everyone out).
//
// The path is the decoded, cleaned URL path (repeated and trailing slashes
// and dot segments removed), so encoding tricks cannot move a request into
// a laxer bucket.
func AuthRateLimit(l latch.RateLimiter, ip ClientIP, basePath string) func(http.Handler) http.Handler {
	if l == nil {
		return func(next http.Handler) http.Handler { return next }
	}
	base := cleanPath(basePath)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := relPath(r.URL.Path, base)
			addr := ip.Of(r)
			if addr == "" {
				addr = NoTrustedIPKey
			}
			max, window := AuthRule(p)
			if allow(w, r, l, addr+"|"+p, max, window) {
				next.ServeHTTP(w, r)
			}
		})
	}
}

// allow consults l and writes the 429 answer when the request is over the
// limit; it reports whether the request may proceed.
func allow(w http.ResponseWriter, r *http.Request, l latch.RateLimiter, key string, max int, window time.Duration) bool {
	ok, retry, err := l.Allow(r.Context(), key, max, window)
	if err != nil {
		reqlog.Logger(r.Context()).Warn("rate limiter unavailable; request let through", "err", err)
		return true
	}
	if ok {
		return true
	}
	if retry <= 0 {
		retry = window
	}
	secs := strconv.FormatInt(int64(math.Ceil(retry.Seconds())), 10)
	w.Header().Set("X-Retry-After", secs)
	w.Header().Set("Retry-After", secs)
	writeJSON(w, http.StatusTooManyRequests, tooMany{Message: MsgTooManyRequests})
	return false
}

// cleanPath returns p rooted and cleaned: "//a/./b/" → "/a/b".
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	return path.Clean(p)
}

// relPath is Better Auth's normalizePathname on a cleaned path: p without
// the base path prefix (at a segment boundary), "/" for the base itself.
func relPath(p, base string) string {
	p = cleanPath(p)
	if base == "/" {
		return p
	}
	if p == base {
		return "/"
	}
	if rest, ok := strings.CutPrefix(p, base); ok && strings.HasPrefix(rest, "/") {
		return rest
	}
	return p
}
