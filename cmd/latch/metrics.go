package main

import (
	"context"
	"database/sql"
	"github.com/latchhq/latch/internal/redis"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/internal/authhttp"
	"github.com/latchhq/latch/internal/metrics"
)

// newMetrics builds the metrics and connects the collectors that read
// state at scrape time: the database pools and the password-hash queue.
// The per-request hooks (auth events, rate limits, JWKS fetches, the
// request middleware) are connected in newApp.
func newMetrics(st appStore, kind string) *metrics.Metrics {
	m := metrics.New()
	if ps, ok := st.(interface{ PoolStats() map[string]sql.DBStats }); ok {
		m.AddDB(kind, ps.PoolStats)
	}
	if gs, ok := st.(interface{ GroupStats() (int64, int64) }); ok && kind == "sqlite" {
		m.AddGroupCommit(gs.GroupStats)
	}
	m.AddPasswordHashStats(func() metrics.HashStats { return metrics.HashStats(auth.PasswordHashStats()) })
	return m
}

// routeLabel names a request's route for metrics: the pattern of the
// ServeMux that served it, except under /api/auth (one handler, no mux),
// where the endpoint path is used when it is a known endpoint. Raw paths
// never become labels, so ids and made-up paths cannot multiply series.
func routeLabel() func(*http.Request) string {
	known := map[string]bool{}
	for _, p := range authhttp.Endpoints() {
		known[p] = true
	}
	return func(r *http.Request) string {
		if r.Pattern == "/api/auth/" || r.Pattern == "/api/auth" {
			p, _ := strings.CutPrefix(r.URL.Path, authhttp.BasePath)
			if known[p] {
				return authhttp.BasePath + p
			}
			return authhttp.BasePath + "/{unknown}"
		}
		return r.Pattern
	}
}

// metricsServer serves GET /metrics alone on its own listener
// (LATCH_METRICS_ADDR), so that the public listener never exposes it.
type metricsServer struct {
	srv  *http.Server
	ln   net.Listener
	errc chan error
}

func startMetricsServer(addr string, h http.Handler, log *slog.Logger) (*metricsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", h)
	ms := &metricsServer{
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second,
			IdleTimeout: 60 * time.Second, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)},
		ln:   ln,
		errc: make(chan error, 1),
	}
	go func() { ms.errc <- ms.srv.Serve(ln) }()
	log.Info("metrics listening", "addr", ln.Addr().String())
	return ms, nil
}

// stop closes the metrics listener (scrapes in flight are cut short:
// nothing there needs a graceful end).
func (ms *metricsServer) stop(ctx context.Context) {
	_ = ms.srv.Shutdown(ctx)
	<-ms.errc // http.ErrServerClosed
}

// addRedisMetrics exports the Redis client's counters (latch_redis_up,
// latch_redis_errors_total, latch_redis_fallbacks_total); the client
// counts all operations together, under op and feature "all".
func addRedisMetrics(m *metrics.Metrics, c *redis.Client) {
	m.AddRedis(func() metrics.RedisStats {
		s := c.Stats()
		return metrics.RedisStats{Configured: true, Up: s.Up,
			Errors: map[string]uint64{"all": s.Errors}, Fallbacks: map[string]uint64{"all": s.Fallbacks}}
	})
}
