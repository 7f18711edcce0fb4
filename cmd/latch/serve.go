package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"
)

func cmdServe(ctx context.Context, args []string, env map[string]string, stderr io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: latch serve takes no arguments (settings come from the environment; see latch help)", errUsage)
	}
	cfg, log, secret, err := setup(env, stderr, true)
	if err != nil {
		return err
	}
	tuneGC()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	return serve(ctx, cfg, secret, log, ln)
}

// DefaultGCPercent is the garbage collector's target that `latch serve`
// sets when the GOGC environment variable is not set. Latch's live heap is
// a few MiB (scrypt's 32 MiB buffers live outside it, see
// internal/auth/scryptbuf.go), so at Go's default of 100 the collector
// runs every few MiB of request garbage; 400 makes it run a quarter as
// often, for 10–20% less CPU per request on the hot paths (README,
// Performance), while the heap stays in the tens of MiB. GOGC and
// GOMEMLIMIT, when set, are obeyed as usual.
const DefaultGCPercent = 400

// tuneGC sets DefaultGCPercent unless GOGC is set.
func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(DefaultGCPercent)
	}
}

// serve runs the server on ln until ctx is cancelled, then shuts down
// gracefully: it stops accepting, finishes requests in flight (up to
// ShutdownTimeout) and closes the database.
func serve(ctx context.Context, cfg *Config, secret string, log *slog.Logger, ln net.Listener) error {
	a, err := newApp(ctx, cfg, secret, log)
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.MetricsAddr != "" {
		ms, err := startMetricsServer(cfg.MetricsAddr, a.metrics.Handler(), log)
		if err != nil {
			ln.Close()
			return fmt.Errorf("listen on LATCH_METRICS_ADDR %s: %w", cfg.MetricsAddr, err)
		}
		defer func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			ms.stop(sctx)
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("latch listening", "addr", ln.Addr().String(), "url", cfg.BaseURL.String(),
		"database", a.storeKind, "version", buildVersion())
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

func cmdMigrate(ctx context.Context, args []string, env map[string]string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("%w: latch migrate takes no arguments", errUsage)
	}
	cfg, _, _, err := setup(env, stderr, false)
	if err != nil {
		return err
	}
	s, kind, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrations applied (%s)\n", kind)
	return nil
}

// setup merges .env into env, parses the configuration, builds the logger
// and, when withSecret is set, resolves the secret: the common start of
// every subcommand.
func setup(env map[string]string, stderr io.Writer, withSecret bool) (*Config, *slog.Logger, string, error) {
	env, err := mergeEnv(env)
	if err != nil {
		return nil, nil, "", err
	}
	cfg, err := loadConfig(env)
	if err != nil {
		return nil, nil, "", err
	}
	log := newLogger(cfg, stderr)
	if !withSecret {
		return cfg, log, "", nil
	}
	secret, err := resolveSecret(cfg, log)
	if err != nil {
		return nil, nil, "", err
	}
	return cfg, log, secret, nil
}
