package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"time"

	"github.com/latchhq/latch/internal/metrics"
	"github.com/latchhq/latch/internal/redis"
	"github.com/latchhq/latch/internal/reqlog"
)

// app is the wired server: the store, the services and the HTTP handler.
// It is built by newApp and is the only place that knows every concrete
// type.
type app struct {
	cfg       *Config
	log       *slog.Logger
	store     appStore
	storeKind string
	handler   http.Handler
	// closers run at Close, before the database closes (the mail
	// queue drains first).
	closers []func()
	redis   *redis.Client // nil without REDIS_URL
	stop    []func()      // background work to end on Close
	metrics *metrics.Metrics
}

// RedisStats returns the Redis counters (errors, fallbacks, up) for
// metrics; ok is false without REDIS_URL.
func (a *app) RedisStats() (st redis.Stats, ok bool) {
	if a.redis == nil {
		return redis.Stats{}, false
	}
	return a.redis.Stats(), true
}

// Handler returns the root handler.
func (a *app) Handler() http.Handler { return a.handler }

// Close releases the database and Redis.
func (a *app) Close() {
	for _, f := range a.stop {
		f()
	}
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
	if a.redis != nil {
		a.redis.Close()
	}
	if a.store != nil {
		if err := a.store.Close(); err != nil {
			a.log.Warn("close database", "err", err)
		}
	}
}

// health answers /healthz (the process is up) and /readyz (the database
// answers within two seconds; 503 otherwise).
func (a *app) health(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.store.Ping(ctx); err != nil {
			reqlog.Logger(r.Context()).Warn("readiness check failed", "err", err)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "detail": "database unreachable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": a.storeKind})
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
