package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/internal/authhttp"
	"github.com/latchhq/latch/internal/httpapi"
	"github.com/latchhq/latch/internal/httpsec"
	"github.com/latchhq/latch/internal/ratelimit"
	"github.com/latchhq/latch/internal/redis"
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
	a := &app{cfg: cfg, log: log, store: st, storeKind: kind}
	var users latch.UserStore = st
	var sessions latch.SessionStore = st
	if cfg.RedisURL != "" {
		if a.redis, err = redis.Open(cfg.RedisURL, cfg.RedisPrefix, log); err != nil {
			a.Close()
			return nil, fmt.Errorf("%w: REDIS_URL: %w", errConfig, err)
		}
		rs := redis.NewStore(a.redis, st, st, auth.DefaultExpiresIn)
		users, sessions = rs, rs
	}

	// The task API's verifier: HS256 with the shared secret, optionally
	// JWKS-signed tokens too, optionally a live-session check on sid.
	var verifier token.Verifier = tokens
	if cfg.JWKSURL != "" {
		var opts []token.Option
		opts = append(opts, token.WithLeeway(cfg.JWTLeeway))
		if cfg.RequireIssAud {
			opts = append(opts, token.RequireIssuer(cfg.JWTIssuer), token.RequireAudience(cfg.JWTAudience))
		}
		remote, err := tokenhttp.NewRemoteJWKS(cfg.JWKSURL, tokenhttp.RemoteJWKSOptions{}, opts...)
		if err != nil {
			a.Close()
			return nil, fmt.Errorf("%w: LATCH_JWKS_URL: %w", errConfig, err)
		}
		verifier = eitherVerifier{hs: tokens, jwks: remote}
	}
	svc := auth.New(users, sessions)
	if cfg.CheckSession {
		checker := auth.NewSessionChecker(verifier, sessions, cfg.SessionCheckTTL)
		svc.OnRevoke = checker.Invalidate
		if a.redis != nil {
			// Every instance hears of a session ended anywhere at once.
			n := redis.NewNotifier(a.redis)
			svc.OnRevoke = func(ids ...string) { checker.Invalidate(ids...); n.Publish(ids...) }
			subCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
			a.stop = append(a.stop, cancel)
			n.Subscribe(subCtx, checker.Invalidate)
		}
		verifier = checker
	}

	clientIP := httpsec.ClientIP{Header: cfg.IPHeader, TrustedProxies: cfg.TrustedProxies}
	var limiter latch.RateLimiter
	if cfg.RateLimit {
		limiter = ratelimit.New()
		if a.redis != nil {
			// Shared by every instance; this process's own while Redis is down.
			limiter = redis.NewLimiter(a.redis, limiter)
		}
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
	if limiter != nil {
		authH = httpsec.AuthRateLimit(limiter, clientIP, authhttp.BasePath)(authH)
	}
	// Rate limiting counts every request, refused ones included, as
	// Better Auth does; CORS answers preflights before anything else.
	authH = httpsec.CORS(origins)(authH)

	apiSrv := &httpapi.Server{Tasks: st, Verifier: verifier, TaskRateLimit: cfg.TaskRateLimit, Logger: log}
	if limiter != nil {
		apiSrv.Limiter = limiter
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
	a.handler = reqlog.Middleware(log, !cfg.LogRequests)(mux)
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
