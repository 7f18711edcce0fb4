// Package authhttp serves Latch's Better Auth-compatible HTTP API under
// /api/auth: the same paths, methods, JSON shapes, status codes, error
// codes and cookies as Better Auth 1.7.25 with its bearer and jwt plugins
// (the jwt plugin's tokens are Latch's HS256 JWTs) and the account
// lifecycle routes (password reset, email verification, change of email,
// deletion; lifecycle.go), plus GET /api/auth/session for the original
// Next.js API-client snippet.
//
// Origin/CSRF checks, CORS and rate limiting are not done here: wrap the
// handler with the httpsec middlewares. callbackURL-style parameters are
// checked here (after the body is parsed) when Server.Origins is set.
package authhttp

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/internal/httpsec"
	"github.com/latchhq/latch/internal/reqlog"
	"github.com/latchhq/latch/token"
)

// BasePath is where the handler serves the API.
const BasePath = "/api/auth"

// Signer issues the JWTs of GET /token, the set-auth-jwt header and GET
// /api/auth/session. *token.HS256 implements it.
type Signer interface {
	Sign(c token.Claims) (string, error)
}

// KeySource returns the JWKS document of the keys that sign tokens.
// *auth.KeyRing implements it.
type KeySource interface {
	JWKS(ctx context.Context) ([]byte, error)
}

// RedirectChecker validates callbackURL-style parameters.
// *httpsec.Origins implements it.
type RedirectChecker interface {
	SafeRedirect(target string) bool
}

// Server holds the dependencies of the auth API. Fields must be set before
// Handler is called and not changed afterwards.
type Server struct {
	// Service implements sign-up, sign-in and sessions (required).
	Service *auth.Service
	// Tokens signs JWTs (claims sub = user id, email, sid = session id).
	// Nil: GET /token and /api/auth/session answer 404 and get-session
	// sends no set-auth-jwt header.
	Tokens Signer
	// Secret is the HMAC key of the signed session_token and
	// dont_remember cookies and of bearer tokens (BETTER_AUTH_SECRET,
	// required). New values are always signed with it.
	Secret []byte
	// PreviousSecrets still verify cookies and bearer tokens signed before
	// a rotation of Secret (LATCH_PREVIOUS_SECRETS), so that rotating the
	// secret signs nobody out.
	PreviousSecrets [][]byte
	// Keys, when set, serves GET /jwks (the public keys of asymmetric
	// tokens). Nil: /jwks answers 404, as Better Auth without its jwt
	// plugin.
	Keys KeySource
	// BaseURL is the public base URL; when it starts with "https://"
	// cookies get the __Secure- prefix and the Secure attribute.
	BaseURL string
	// Origins, when set, checks callbackURL, redirectTo,
	// errorCallbackURL and newUserCallbackURL of non-GET requests
	// (403 INVALID_CALLBACK_URL and related codes). Nil: not checked.
	Origins RedirectChecker
	// Guard, when set, is the origin/CSRF middleware, normally
	// httpsec.OriginCheck(origins, BasePath). Handler runs it itself, at
	// Better Auth's point in the pipeline: after the body is parsed (so
	// that 415 and malformed-JSON answers come first) and, for the email
	// sign-in and sign-up routes without a Cookie header, after schema
	// validation (Better Auth's formCsrfMiddleware runs there). Do not
	// also wrap Handler with it. A guard that answers the request itself
	// (403) ends it there; a guard that calls its next handler lets the
	// request continue.
	Guard func(http.Handler) http.Handler
	// ClientIP returns the caller's address for session rows and logs;
	// nil records "".
	ClientIP func(*http.Request) string
	// Logger receives unexpected errors when the request carries no
	// reqlog logger; nil means slog.Default().
	Logger *slog.Logger
	// Now is the clock of the JWT reuse window; nil means time.Now.
	Now func() time.Time
	// MaxBodyBytes limits request bodies (zero: DefaultMaxBodyBytes);
	// larger bodies get 413 PAYLOAD_TOO_LARGE. The routes that hash a
	// password (httpsec.PasswordPaths) take at most PasswordBodyBytes.
	MaxBodyBytes int64

	jwts jwtCache // recently signed JWTs (see jwtReuse)
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// PasswordBodyBytes limits the bodies of the routes that hash a password:
// room for every field at its cap, JSON-escaped, not for padding that a
// queued request would hold while it waits for a hash slot.
const PasswordBodyBytes = 8 << 10

var errPostGetSession = &auth.Error{Status: http.StatusMethodNotAllowed, Code: "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
	Message: "POST method requires deferSessionRefresh to be enabled in session config"}

// route is one endpoint.
type route struct {
	method string
	// media lists the accepted body types; nil for GET routes.
	media []string
	h     func(*call) error
}

var (
	jsonOnly    = []string{mediaJSON}
	formAndJSON = []string{mediaForm, mediaJSON}
)

// routes maps paths (after BasePath) to endpoints.
func (s *Server) routes() map[string]route {
	m := map[string]route{
		"/sign-up/email":         {http.MethodPost, formAndJSON, handleSignUp},
		"/sign-in/email":         {http.MethodPost, formAndJSON, handleSignIn},
		"/sign-out":              {http.MethodPost, jsonOnly, handleSignOut},
		"/get-session":           {http.MethodGet, nil, handleGetSession},
		"/list-sessions":         {http.MethodGet, nil, handleListSessions},
		"/revoke-session":        {http.MethodPost, jsonOnly, handleRevokeSession},
		"/revoke-sessions":       {http.MethodPost, jsonOnly, handleRevokeSessions},
		"/revoke-other-sessions": {http.MethodPost, jsonOnly, handleRevokeOtherSessions},
		"/update-user":           {http.MethodPost, jsonOnly, handleUpdateUser},
		"/change-password":       {http.MethodPost, jsonOnly, handleChangePassword},
		"/verify-password":       {http.MethodPost, jsonOnly, handleVerifyPassword},
		"/ok":                    {http.MethodGet, nil, handleOK},
		"/token":                 {http.MethodGet, nil, handleToken},
		"/session":               {http.MethodGet, nil, handleSessionToken},
		"/jwks":                  {http.MethodGet, nil, handleJWKS},
	}
	lifecycleRoutes(m)
	return m
}

// Endpoints returns the paths served under BasePath (e.g. "/sign-in/email"),
// for metrics labels.
func Endpoints() []string {
	var out []string
	for p := range (&Server{}).routes() {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// Handler returns the http.Handler for every path under /api/auth/. An
// unknown path, a trailing slash or a wrong method gets 404 with an empty
// body, as Better Auth's router answers. Mount it at BasePath + "/" (it
// matches the full request path). It panics when Service or Secret is
// unset.
func (s *Server) Handler() http.Handler {
	if s.Service == nil || len(s.Secret) == 0 {
		panic("authhttp: Server.Service and Server.Secret are required")
	}
	routes := s.routes()
	secure := strings.HasPrefix(s.BaseURL, "https://")
	var guard http.Handler
	if s.Guard != nil {
		guard = s.Guard(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			if p, ok := r.Context().Value(guardKey{}).(*bool); ok {
				*p = true
			}
		}))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := strings.CutPrefix(r.URL.EscapedPath(), BasePath)
		rt, found := routes[p]
		if !found && strings.HasPrefix(p, resetCallbackPrefix) && len(p) > len(resetCallbackPrefix) &&
			!strings.Contains(p[len(resetCallbackPrefix):], "/") {
			rt, found = resetCallbackRoute, true
		}
		if found && p == "/get-session" && r.Method == http.MethodPost {
			// get-session is registered for GET and POST; POST needs
			// deferSessionRefresh, which Latch does not offer.
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Pragma", "no-cache")
			w.Header().Add("Vary", "Cookie")
			writeJSON(w, http.StatusMethodNotAllowed, errorBody(errPostGetSession))
			return
		}
		if !ok || !found || r.Method != rt.method {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		// Answers carry tokens, JWTs and user data, or say that there
		// are none for this cookie: no cache may keep or share them.
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Add("Vary", "Cookie")
		c := &call{s: s, w: w, r: r, jar: &jar{secure: secure}, body: undefined, guard: guard,
			formLogin: p == "/sign-in/email" || p == "/sign-up/email", hashes: httpsec.HashesPassword(p)}
		c.ctx = auth.WithClient(r.Context(), auth.Client{IP: s.clientIP(r), UserAgent: latin1(r.Header.Get("User-Agent"))})
		err := c.prepare(rt)
		if err == nil {
			err = rt.h(c)
		}
		if err != nil && !errors.Is(err, errAnswered) {
			c.fail(err)
		}
	})
}

type guardKey struct{}

// errAnswered means the guard has already written the response.
var errAnswered = errors.New("authhttp: response written by the guard")

// runGuard runs Server.Guard once; errAnswered when it refused the request.
func (c *call) runGuard() error {
	if c.guard == nil || c.guarded {
		return nil
	}
	c.guarded = true
	passed := false
	c.guard.ServeHTTP(c.w, c.r.WithContext(context.WithValue(c.r.Context(), guardKey{}, &passed)))
	if !passed {
		return errAnswered
	}
	return nil
}

// validate checks the body against sc, then runs a guard postponed for
// the form-login routes.
func (c *call) validate(sc schema) (map[string]any, error) {
	obj, err := validate(c.body, sc)
	if err != nil {
		return nil, err
	}
	if err := c.runGuard(); err != nil {
		return nil, err
	}
	return obj, nil
}

// latin1 reads a header value the way Node's HTTP parser does, one byte
// per character (ISO-8859-1), so that session.userAgent matches what
// Better Auth stores and is always valid UTF-8 (PostgreSQL refuses
// invalid UTF-8, which Go's server lets through in header values).
func latin1(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			r := make([]rune, len(v))
			for j := 0; j < len(v); j++ {
				r[j] = rune(v[j])
			}
			return string(r)
		}
	}
	return v
}

func (s *Server) clientIP(r *http.Request) string {
	if s.ClientIP == nil {
		return ""
	}
	return s.ClientIP(r)
}

func (s *Server) logger(ctx context.Context) *slog.Logger {
	if l := reqlog.Logger(ctx); l != slog.Default() || s.Logger == nil {
		return l
	}
	return s.Logger
}

// call is the state of one request.
type call struct {
	s         *Server
	w         http.ResponseWriter
	r         *http.Request
	ctx       context.Context
	jar       *jar
	body      any // decoded body, or undefined
	cookies   cookieList
	guard     http.Handler
	guarded   bool
	formLogin bool // sign-in/up: guard after validation when no Cookie
	hashes    bool // one of httpsec.PasswordPaths: small body limit
	// session and user, once resolved by requireSession.
	sess *latch.Session
	user *latch.User
}

// prepare reads the body (POST routes) and checks redirect parameters, in
// Better Auth's order: media type and JSON errors, then the origin
// middleware's callbackURL checks; schema validation follows in the
// handler.
func (c *call) prepare(rt route) error {
	if rt.media != nil {
		limit := c.s.MaxBodyBytes
		if limit <= 0 {
			limit = DefaultMaxBodyBytes
		}
		if c.hashes {
			limit = min(limit, PasswordBodyBytes)
		}
		b, err := readBody(c.w, c.r, limit, rt.media)
		if err != nil {
			return err
		}
		c.body = b
	}
	if !c.formLogin || len(c.r.Header.Values("Cookie")) > 0 {
		if err := c.runGuard(); err != nil {
			return err
		}
	}
	if rt.media != nil {
		return c.checkRedirects()
	}
	return nil
}

// redirectParams are the parameters Better Auth's origin middleware
// checks, with the label used in its error.
var redirectParams = []struct {
	key, label string
	err        *auth.Error
}{
	{"callbackURL", "callbackURL", auth.ErrInvalidCallbackURL},
	{"redirectTo", "redirectURL", &auth.Error{Status: 403, Code: "INVALID_REDIRECT_URL", Message: "Invalid redirectURL"}},
	{"errorCallbackURL", "errorCallbackURL", &auth.Error{Status: 403, Code: "INVALID_ERROR_CALLBACK_URL", Message: "Invalid errorCallbackURL"}},
	{"newUserCallbackURL", "newUserCallbackURL", &auth.Error{Status: 403, Code: "INVALID_NEW_USER_CALLBACK_URL", Message: "Invalid newUserCallbackURL"}},
}

func (c *call) checkRedirects() error {
	if c.s.Origins == nil {
		return nil
	}
	obj, _ := c.body.(map[string]any)
	for i, p := range redirectParams {
		var v any = undefined
		if obj != nil {
			if x, ok := obj[p.key]; ok {
				v = x
			}
		}
		if i == 0 && !truthy(v) {
			if qs := c.r.URL.Query()[p.key]; len(qs) == 1 {
				v = qs[0]
			} else if len(qs) > 1 {
				v = []any{} // a repeated parameter is an array: not a string
			}
		}
		if !truthy(v) {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return &auth.Error{Status: http.StatusBadRequest, Message: "Invalid " + p.label + ": expected a string"}
		}
		if !c.s.Origins.SafeRedirect(s) {
			return p.err
		}
	}
	return nil
}

// errUnavailable is the answer while the database (or another backing
// service) is unreachable or too slow: 503 with Retry-After, so clients
// and load balancers back off and retry. Better Auth has no such code (it
// answers 500); the envelope is its own.
var errUnavailable = &auth.Error{Status: http.StatusServiceUnavailable, Code: "SERVICE_UNAVAILABLE",
	Message: "Service temporarily unavailable, retry later"}

// RetryAfterSeconds is the Retry-After of 503 answers.
const RetryAfterSeconds = "5"

// fail writes err as Better Auth's error envelope: it is the one place
// that maps errors to statuses in this package. latch.ErrUnavailable
// (which a store's own timeout wraps) is 503 with Retry-After; other
// errors that are not *auth.Error are logged and answered with 500 and
// an empty body.
func (c *call) fail(err error) {
	var ae *auth.Error
	if errors.Is(err, latch.ErrUnavailable) {
		c.s.logger(c.ctx).Warn("auth request failed: backing service unavailable", "path", c.r.URL.Path, "error", err.Error())
		c.finish()
		c.w.Header().Set("Retry-After", RetryAfterSeconds)
		writeJSON(c.w, errUnavailable.Status, errorBody(errUnavailable))
		return
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		// The request ended before its password was hashed (the client
		// went away): nobody reads this answer, and it is not a fault.
		c.s.logger(c.ctx).Debug("auth request abandoned before hashing", "path", c.r.URL.Path)
		ae = auth.ErrBusy
	} else if !errors.As(err, &ae) {
		c.s.logger(c.ctx).Error("auth request failed", "path", c.r.URL.Path, "error", err.Error())
		c.finish()
		c.w.WriteHeader(http.StatusInternalServerError)
		return
	}
	c.finish()
	if ae == auth.ErrBusy {
		c.w.Header().Set("Retry-After", "1")
	}
	writeJSON(c.w, ae.Status, errorBody(ae))
}

// finish writes the pending cookies and the bearer plugin's
// set-auth-token header.
func (c *call) finish() {
	h := c.w.Header()
	c.jar.write(h)
	if tok, ok := c.jar.sessionToken(); ok {
		h.Set("Set-Auth-Token", tok)
		exposeHeader(h, "set-auth-token")
	}
}

// exposeHeader adds name to Access-Control-Expose-Headers.
func exposeHeader(h http.Header, name string) {
	cur := h.Get("Access-Control-Expose-Headers")
	var parts []string
	for _, p := range strings.Split(cur, ",") {
		if p = strings.TrimSpace(p); p != "" {
			if p == name {
				return
			}
			parts = append(parts, p)
		}
	}
	h.Set("Access-Control-Expose-Headers", strings.Join(append(parts, name), ", "))
}

// reply writes a 200 JSON answer after the cookies.
func (c *call) reply(v any) error {
	c.finish()
	writeJSON(c.w, http.StatusOK, v)
	return nil
}
