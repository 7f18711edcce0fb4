package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/latchhq/latch"
)

// Unmatched is the route label of requests no pattern matched.
const Unmatched = "unmatched"

// Middleware counts and times every request. route names the request's
// route after it was served; nil means r.Pattern, which the http.ServeMux
// that served the request sets on the *http.Request it was given (so
// handlers between this middleware and that mux must pass the request on
// as is, not a copy). An empty name is recorded as Unmatched. Methods
// outside the standard set are recorded as "other".
func (m *Metrics) Middleware(route func(*http.Request) string) func(http.Handler) http.Handler {
	if route == nil {
		route = func(r *http.Request) string { return r.Pattern }
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			m.inFlight.Inc()
			defer m.inFlight.Dec()
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				p := recover()
				if p != nil && sw.status == 0 {
					sw.status = http.StatusInternalServerError // what the recovering middleware answers
				}
				rt := route(r)
				if rt == "" {
					rt = Unmatched
				}
				method := methodLabel(r.Method)
				status := sw.status
				if status == 0 {
					status = http.StatusOK
				}
				m.requests.WithLabelValues(rt, method, code(status)).Inc()
				m.duration.WithLabelValues(rt, method).Observe(time.Since(start).Seconds())
				if p != nil {
					panic(p)
				}
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// statusWriter records the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(p []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// CountLimiter wraps l so that its refusals (and failures) are counted
// under the limiter label name ("auth", "tasks").
func (m *Metrics) CountLimiter(name string, l latch.RateLimiter) latch.RateLimiter {
	return &countingLimiter{l: l, rejected: m.rateLimited.WithLabelValues(name), failed: m.limitErrors.WithLabelValues(name)}
}

type countingLimiter struct {
	l                latch.RateLimiter
	rejected, failed interface{ Inc() }
}

func (c *countingLimiter) Allow(ctx context.Context, key string, max int, window time.Duration) (bool, time.Duration, error) {
	ok, retry, err := c.l.Allow(ctx, key, max, window)
	switch {
	case err != nil:
		c.failed.Inc()
	case !ok:
		c.rejected.Inc()
	}
	return ok, retry, err
}
