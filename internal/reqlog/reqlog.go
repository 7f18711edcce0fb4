// Package reqlog gives every HTTP request an id and a structured logger
// that carries it, logs one line per request, and turns panics into 500s.
// It never logs headers, bodies or query strings, so tokens, cookies and
// passwords cannot reach the log.
package reqlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

type ctxKey struct{}

type info struct {
	id     string
	base   *slog.Logger
	logger atomic.Pointer[slog.Logger] // base.With(request_id), made on first use
}

// log returns the request's logger, building it on first use: most
// requests never log anything but the access line, which does not need it.
func (in *info) log() *slog.Logger {
	if l := in.logger.Load(); l != nil {
		return l
	}
	l := in.base.With("request_id", in.id)
	if in.logger.CompareAndSwap(nil, l) {
		return l
	}
	return in.logger.Load()
}

// ID returns the request id stored in ctx, or "".
func ID(ctx context.Context) string {
	if in, ok := ctx.Value(ctxKey{}).(*info); ok {
		return in.id
	}
	return ""
}

// Logger returns the request-scoped logger (with request_id), or
// slog.Default() outside a request.
func Logger(ctx context.Context) *slog.Logger {
	if in, ok := ctx.Value(ctxKey{}).(*info); ok {
		return in.log()
	}
	return slog.Default()
}

// secretPathPrefixes are paths whose remainder is a credential (the
// emailed password-reset link carries its token in the path): the access
// log writes the prefix and "{token}" instead.
var secretPathPrefixes = []string{"/api/auth/reset-password/"}

// maxLoggedPath bounds the path written to the log, so that a long
// request line cannot bloat it.
const maxLoggedPath = 512

// LogPath is the form of a request path written to the log: credentials
// in the path redacted, at most maxLoggedPath bytes.
func LogPath(p string) string {
	for _, pre := range secretPathPrefixes {
		if len(p) > len(pre) && strings.HasPrefix(p, pre) {
			return pre + "{token}"
		}
	}
	if len(p) > maxLoggedPath {
		return p[:maxLoggedPath] + "…"
	}
	return p
}

// Header is the response (and accepted request) header carrying the id.
const Header = "X-Request-Id"

// idPrefix makes ids unique across processes; idSeq within one.
var (
	idPrefix = func() [8]byte {
		var b [4]byte
		_, _ = rand.Read(b[:])
		var out [8]byte
		hex.Encode(out[:], b[:])
		return out
	}()
	idSeq atomic.Uint64
)

// newID returns a request id: a random per-process prefix and a counter
// (20 hex digits), with no system call per request.
func newID() string {
	var b [20]byte
	copy(b[:8], idPrefix[:])
	var n [6]byte
	v := idSeq.Add(1)
	for i := 5; i >= 0; i-- {
		n[i] = byte(v)
		v >>= 8
	}
	hex.Encode(b[8:], n[:])
	return string(b[:])
}

// validID accepts a caller-supplied id only when it is short and plain, so
// that it cannot inject anything into logs.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Middleware assigns the request id (reusing a well-formed X-Request-Id),
// logs method, path (without query), status, size and duration, and
// recovers panics as a JSON 500. Set quiet to skip the per-request line
// for 2xx/3xx answers (for load tests).
func Middleware(base *slog.Logger, quiet bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get(Header)
			if !validID(id) {
				id = newID()
			}
			in := &info{id: id, base: base}
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, in))
			w.Header().Set(Header, id)
			rec := &recorder{ResponseWriter: w}
			start := time.Now()
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					in.log().Error("panic serving request", "method", r.Method, "path", LogPath(r.URL.Path), "panic", p)
					if rec.status == 0 {
						w.Header().Set("Content-Type", "application/json")
						w.WriteHeader(http.StatusInternalServerError)
						_, _ = w.Write([]byte(`{"detail":"Internal server error","message":"Internal server error","code":"INTERNAL_SERVER_ERROR"}`))
					}
					return
				}
				if quiet && rec.status < 400 {
					return
				}
				base.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("request_id", id),
					slog.String("method", r.Method),
					slog.String("path", LogPath(r.URL.Path)),
					slog.Int("status", rec.status),
					slog.Int("bytes", rec.bytes),
					slog.Duration("duration", time.Since(start)),
				)
			}()
			next.ServeHTTP(rec, r)
		})
	}
}
