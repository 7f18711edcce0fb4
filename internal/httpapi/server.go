// Package httpapi serves Latch's task API under /api/{user_id}/tasks, the
// OpenAPI 3.1 document that describes it at /openapi.json (generated from
// the route table in routes.go, never edited by hand) and an interactive
// documentation page at /docs whose assets are embedded in the binary.
//
// Task routes accept a request only with a valid bearer token, checked by
// [tokenhttp.Require] exactly as an outside Go service would do it, and
// only for the token subject's own tasks. Every error is a JSON object
// with a human-readable "detail" string; statuses are chosen in one place
// (errors.go).
package httpapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/reqlog"
	"github.com/latchhq/latch/internal/tasks"
	"github.com/latchhq/latch/token"
	"github.com/latchhq/latch/token/tokenhttp"
)

// MaxBodyBytes is the largest request body accepted (64 KiB); a larger
// one is answered with 413.
const MaxBodyBytes = 64 << 10

// Server holds the dependencies of the task API. Set the fields, then call
// [Server.Handler]; the handler reads the fields once, when it is built.
type Server struct {
	// Tasks stores the tasks. Required: Handler panics when it is nil.
	Tasks latch.TaskStore
	// Verifier checks the bearer token of every task request (through
	// tokenhttp.Require). Required: Handler panics when it is nil.
	Verifier token.Verifier
	// Limiter counts task requests per token subject. nil means no limit.
	Limiter latch.RateLimiter
	// TaskRateLimit is how many task requests one user may make per
	// minute when Limiter is set; zero or negative means no limit. Over
	// the limit the answer is 429 with Retry-After. When the limiter
	// itself fails the request is let through and the failure logged.
	TaskRateLimit int
	// Now is the clock that stamps task times; nil means time.Now.
	Now func() time.Time
	// Logger logs failures of requests that carry no request logger
	// (reqlog.Middleware adds one; requests through it log with
	// reqlog.Logger). nil means slog.Default().
	Logger *slog.Logger
}

// api is the state behind one Handler.
type api struct {
	svc     *tasks.Service
	limiter latch.RateLimiter
	rate    int
	logger  *slog.Logger
	openapi []byte
}

// Handler returns the http.Handler serving the routes of routeTable plus
// JSON 405 answers (with Allow) for other methods on those paths and JSON
// 404 answers for any other path. Mount it for /api/ (except
// /api/auth/), /openapi.json, /docs and /docs/.
func (s *Server) Handler() http.Handler {
	h, _ := s.build()
	return h
}

// build returns the mux and the method patterns it registered.
func (s *Server) build() (*http.ServeMux, []string) {
	if s.Tasks == nil || s.Verifier == nil {
		panic("httpapi: Server.Tasks and Server.Verifier are required")
	}
	svc := tasks.NewService(s.Tasks)
	svc.Now = s.Now
	a := &api{svc: svc, limiter: s.Limiter, rate: s.TaskRateLimit, logger: s.Logger}
	if a.logger == nil {
		a.logger = slog.Default()
	}
	if a.limiter == nil || a.rate <= 0 {
		a.limiter, a.rate = nil, 0
	}
	doc, err := buildOpenAPI(routeTable)
	if err != nil {
		panic("httpapi: route table: " + err.Error())
	}
	a.openapi = doc

	mux := http.NewServeMux()
	requireToken := tokenhttp.Require(s.Verifier)
	var registered []string
	methods := map[string][]string{}
	var order []string
	for _, rt := range routeTable {
		var h http.Handler = a.endpoint(rt.handle)
		if rt.auth {
			h = apiHeaders(requireToken(a.rateLimit(h)))
		}
		p := rt.method + " " + rt.pattern
		mux.Handle(p, h)
		registered = append(registered, p)
		if _, ok := methods[rt.pattern]; !ok {
			order = append(order, rt.pattern)
		}
		methods[rt.pattern] = append(methods[rt.pattern], rt.method)
	}
	for _, pattern := range order {
		mux.Handle(pattern, apiHeaders(a.endpoint(methodNotAllowed(methods[pattern]))))
	}
	mux.Handle("/", apiHeaders(a.endpoint(func(*api, http.ResponseWriter, *http.Request) error {
		return &httpError{status: http.StatusNotFound, detail: "Not Found"}
	})))
	return mux, registered
}

// handlerFunc is a route handler; a non-nil error is rendered by
// writeError (nothing must have been written yet).
type handlerFunc func(a *api, w http.ResponseWriter, r *http.Request) error

// endpoint adapts a handlerFunc.
func (a *api) endpoint(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(a, w, r); err != nil {
			a.writeError(w, r, err)
		}
	})
}

// apiHeaders sets the headers of every JSON API answer, including the
// 401 written by the token middleware.
func apiHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// rateLimit applies the per-subject task limit (after authentication).
func (a *api) rateLimit(next http.Handler) http.Handler {
	if a.limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		claims, _ := tokenhttp.FromContext(r.Context())
		ok, retry, err := a.limiter.Allow(r.Context(), "tasks:"+claims.Subject, a.rate, time.Minute)
		if err != nil {
			a.log(r).Warn("task rate limiter failed; request allowed", "error", err)
		} else if !ok {
			a.writeError(w, r, tooManyRequests(retry))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// methodNotAllowed answers 405 with the Allow header for a known path.
func methodNotAllowed(methods []string) handlerFunc {
	allow := ""
	for i, m := range methods {
		if i > 0 {
			allow += ", "
		}
		allow += m
		if m == http.MethodGet {
			allow += ", " + http.MethodHead
		}
	}
	return func(_ *api, w http.ResponseWriter, _ *http.Request) error {
		w.Header().Set("Allow", allow)
		return &httpError{status: http.StatusMethodNotAllowed, detail: "Method Not Allowed"}
	}
}

// log returns the request's logger.
func (a *api) log(r *http.Request) *slog.Logger {
	if reqlog.ID(r.Context()) != "" {
		return reqlog.Logger(r.Context())
	}
	return a.logger
}
