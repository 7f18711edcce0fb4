package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/internal/authhttp"
	"github.com/latchhq/latch/internal/httpapi"
	"github.com/latchhq/latch/internal/httpsec"
	"github.com/latchhq/latch/internal/ratelimit"
	"github.com/latchhq/latch/internal/reqlog"
	"github.com/latchhq/latch/internal/web"
	"github.com/latchhq/latch/token"
	"github.com/latchhq/latch/token/tokenhttp"
)

// newApp opens the database and wires every component. It is the only
// function that sees all concrete types.
func newApp(ctx context.Context, cfg *Config, secret string, log *slog.Logger) (*app, error) {
	origins, err := httpsec.NewOrigins(cfg.BaseURL.String(), cfg.TrustedOrigins)
	if err != nil {
		return nil, fmt.Errorf("%w: LATCH_TRUSTED_ORIGINS: %w", errConfig, err)
	}
	tokens, err := newTokens(cfg, secret)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errConfig, err)
	}
	st, kind, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// PostgreSQL calls are bounded so that an unreachable or hung server
	// gives fast 503s. SQLite is a local file that cannot go away: its
	// calls wait (behind the single writer, under load) without a bound.
	if ts, ok := st.(interface{ SetTimeout(time.Duration) }); ok {
		if cfg.Postgres {
			ts.SetTimeout(cfg.DBTimeout)
		} else {
			ts.SetTimeout(-1)
		}
	}
	m := newMetrics(st)
	a := &app{cfg: cfg, log: log, store: st, storeKind: kind, metrics: m}

	// The task API's verifier: HS256 with the shared secret, optionally
	// JWKS-signed tokens too, optionally a live-session check on sid.
	var verifier token.Verifier = tokens
	if cfg.JWKSURL != "" {
		var opts []token.Option
		opts = append(opts, token.WithLeeway(cfg.JWTLeeway))
		if cfg.RequireIssAud {
			opts = append(opts, token.RequireIssuer(cfg.JWTIssuer), token.RequireAudience(cfg.JWTAudience))
		}
		jwksClient := &http.Client{Transport: m.JWKSTransport(nil)}
		remote, err := tokenhttp.NewRemoteJWKS(cfg.JWKSURL, tokenhttp.RemoteJWKSOptions{Client: jwksClient}, opts...)
		if err != nil {
			a.Close()
			return nil, fmt.Errorf("%w: LATCH_JWKS_URL: %w", errConfig, err)
		}
		verifier = eitherVerifier{hs: tokens, jwks: remote}
	}
	svc := auth.New(st, st)
	svc.Events = m
	if cfg.CheckSession {
		checker := auth.NewSessionChecker(verifier, st, cfg.SessionCheckTTL)
		svc.OnRevoke = checker.Invalidate
		verifier = checker
	}

	clientIP := httpsec.ClientIP{Header: cfg.IPHeader, TrustedProxies: cfg.TrustedProxies}
	// One in-process limiter; each use is counted under its own label.
	var authLimiter, taskLimiter latch.RateLimiter
	if cfg.RateLimit {
		limiter := ratelimit.New()
		authLimiter = m.CountLimiter("auth", limiter)
		taskLimiter = m.CountLimiter("tasks", limiter)
	}

	authSrv := &authhttp.Server{
		Service:  svc,
		Tokens:   tokens,
		Secret:   []byte(secret),
		BaseURL:  cfg.BaseURL.String(),
		Origins:  origins,
		ClientIP: clientIP.Of,
		Logger:   log,
		// The origin/CSRF check runs inside the handler, at Better
		// Auth's point in the pipeline (after body parsing).
		Guard: httpsec.OriginCheck(origins, authhttp.BasePath),
	}
	var authH http.Handler = authSrv.Handler()
	if authLimiter != nil {
		authH = httpsec.AuthRateLimit(authLimiter, clientIP, authhttp.BasePath)(authH)
	}
	// Rate limiting counts every request, refused ones included, as
	// Better Auth does; CORS answers preflights before anything else.
	authH = httpsec.CORS(origins)(authH)

	apiSrv := &httpapi.Server{Tasks: st, Verifier: verifier, TaskRateLimit: cfg.TaskRateLimit, Logger: log}
	if taskLimiter != nil {
		apiSrv.Limiter = taskLimiter
	}
	apiH := httpsec.CORS(origins)(apiSrv.Handler())

	mux := http.NewServeMux()
	mux.Handle("/api/auth/", authH)
	mux.Handle("/api/auth", authH)
	mux.Handle("/api/", apiH)
	mux.Handle("/openapi.json", apiH)
	mux.Handle("/docs", apiH)
	mux.Handle("/docs/", apiH)
	a.health(mux)
	mux.Handle("/", web.Handler())
	// The metrics middleware must hand the mux the request it was given:
	// the mux that serves it records its pattern there (see routeLabel).
	// /metrics itself is served only on LATCH_METRICS_ADDR (see serve).
	a.handler = reqlog.Middleware(log, !cfg.LogRequests)(m.Middleware(routeLabel())(mux))
	return a, nil
}

// eitherVerifier accepts HS256 tokens signed with the shared secret and
// asymmetric tokens from the configured JWKS. A token goes to the JWKS
// verifier only when the HS256 verifier refuses its algorithm, so each
// verifier pins its own algorithms and the caller sees the error of the
// verifier that owns the token (for example ErrUnavailable, a 503, when
// the JWKS cannot be fetched).
type eitherVerifier struct {
	hs   token.Verifier
	jwks token.Verifier
}

func (e eitherVerifier) Verify(ctx context.Context, tok string) (token.Claims, error) {
	c, err := e.hs.Verify(ctx, tok)
	if err == nil || !errors.Is(err, token.ErrAlgorithm) {
		return c, err
	}
	return e.jwks.Verify(ctx, tok)
}
