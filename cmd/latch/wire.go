package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/auth"
	"github.com/latchhq/latch/internal/authhttp"
	"github.com/latchhq/latch/internal/httpapi"
	"github.com/latchhq/latch/internal/httpsec"
	"github.com/latchhq/latch/internal/ratelimit"
	"github.com/latchhq/latch/internal/redis"
	"github.com/latchhq/latch/internal/reqlog"
	"github.com/latchhq/latch/internal/sessioncache"
	"github.com/latchhq/latch/internal/web"
	"github.com/latchhq/latch/token"
	"github.com/latchhq/latch/token/tokenhttp"
)

// newApp opens the database and wires every component. It is the only
// function that sees all concrete types, and it gives every component the
// one clock, cfg.Now.
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
	m := newMetrics(st, kind)
	a := &app{cfg: cfg, log: log, store: st, storeKind: kind, metrics: m}
	var users latch.UserStore = st
	var sessions latch.SessionStore = st
	if cfg.RedisURL != "" {
		if a.redis, err = redis.Open(cfg.RedisURL, cfg.RedisPrefix, log); err != nil {
			a.Close()
			return nil, fmt.Errorf("%w: REDIS_URL: %w", errConfig, err)
		}
		addRedisMetrics(m, a.redis)
		rs := redis.NewStore(a.redis, st, st, auth.DefaultExpiresIn)
		rs.Now = cfg.Now
		users, sessions = rs, rs
	}
	// The session cache sits above everything else, so that every write
	// the service makes goes through it and forgets what it changes.
	var cache *sessioncache.Cache
	var cached *sessioncache.Store
	if cfg.SessionCacheTTL > 0 {
		cache = sessioncache.New(cfg.SessionCacheTTL, sessioncache.DefaultMax)
		cache.Now = cfg.Now
		cached = sessioncache.NewStore(cache, users, sessions)
		users, sessions = cached, cached
	}

	// The task API's verifier: this Latch's own tokens (HS256 with the
	// shared secret, the key ring when asymmetric), with the live-session
	// check on their sid; then, optionally, tokens of another issuer
	// through LATCH_JWKS_URL, whose sid names no session here.
	var local token.Verifier = tokens
	var ring *auth.KeyRing
	if cfg.JWTAlg != "HS256" {
		// Asymmetric tokens: signed with the newest key in the jwks table
		// (made on first start), verified here through the same ring.
		ring = newKeyRing(cfg, secret, st)
		if err := ring.Load(ctx); err != nil {
			a.Close()
			return nil, fmt.Errorf("load signing keys: %w", err)
		}
		rv, err := token.NewKeySetVerifier(ring, verifyOptions(cfg)...)
		if err != nil {
			a.Close()
			return nil, fmt.Errorf("%w: %w", errConfig, err)
		}
		local = eitherVerifier{first: rv, second: tokens}
	}
	var remote token.Verifier
	if cfg.JWKSURL != "" {
		jwksClient := &http.Client{Transport: m.JWKSTransport(nil)}
		r, err := tokenhttp.NewRemoteJWKS(cfg.JWKSURL, tokenhttp.RemoteJWKSOptions{Now: cfg.Now, Client: jwksClient}, verifyOptions(cfg)...)
		if err != nil {
			a.Close()
			return nil, fmt.Errorf("%w: LATCH_JWKS_URL: %w", errConfig, err)
		}
		remote = r
	}
	svc := auth.New(users, sessions)
	svc.Events = m
	svc.IDs = cfg.IDFormat
	svc.Now = cfg.Now
	if err := a.wireMail(svc, secret); err != nil {
		a.Close()
		return nil, err
	}
	// Who must forget a session ended here: the session cache and the
	// JWT session checker, and with Redis every other instance's.
	var forget []func(ids ...string)
	if cache != nil {
		forget = append(forget, cache.Invalidate)
	}
	if cfg.CheckSession {
		checker := auth.NewSessionChecker(local, sessions, cfg.SessionCheckTTL)
		checker.Now = cfg.Now
		forget = append(forget, checker.Invalidate)
		local = checker
	}
	if a.redis != nil && len(forget) > 0 {
		// Every instance hears of a session ended anywhere at once, and
		// of a user changed anywhere (for its session cache).
		subCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		a.stop = append(a.stop, cancel)
		// Notices lost while the subscription was broken cost the
		// session cache everything it holds.
		n := redis.NewNotifier(a.redis)
		if cache != nil {
			n.OnResubscribe = cache.Clear
		}
		n.Subscribe(subCtx, fanOut(forget))
		forget = append(forget, n.Publish)
		if cached != nil {
			un := redis.NewUserNotifier(a.redis)
			un.OnResubscribe = cache.Clear
			un.Subscribe(subCtx, cache.InvalidateUsers)
			cached.OnUserChange = un.Publish
		}
	}
	if len(forget) > 0 {
		svc.OnRevoke = fanOut(forget)
	}
	verifier := local
	if remote != nil {
		verifier = eitherVerifier{first: local, second: remote}
	}

	clientIP := httpsec.ClientIP{Header: cfg.IPHeader, TrustedProxies: cfg.TrustedProxies}
	// One limiter (shared through Redis when configured, this process's
	// own while Redis is down); each use is counted under its own label.
	var authLimiter, taskLimiter latch.RateLimiter
	if cfg.RateLimit {
		mem := ratelimit.New()
		mem.Now = cfg.Now
		var limiter latch.RateLimiter = mem
		if a.redis != nil {
			limiter = redis.NewLimiter(a.redis, mem)
		}
		authLimiter = m.CountLimiter("auth", limiter)
		taskLimiter = m.CountLimiter("tasks", limiter)
	}

	authSrv := &authhttp.Server{
		Service:         svc,
		Tokens:          tokens,
		Secret:          []byte(secret),
		PreviousSecrets: previousSecrets(cfg),
		BaseURL:         cfg.BaseURL.String(),
		Origins:         origins,
		ClientIP:        clientIP.Of,
		Logger:          log,
		Now:             cfg.Now,
		// The origin/CSRF check runs inside the handler, at Better
		// Auth's point in the pipeline (after body parsing).
		Guard: httpsec.OriginCheck(origins, authhttp.BasePath),
	}
	if ring != nil {
		authSrv.Tokens, authSrv.Keys = ring, ring
	}
	var authH http.Handler = authSrv.Handler()
	if authLimiter != nil {
		authH = httpsec.AuthRateLimit(authLimiter, clientIP, authhttp.BasePath)(authH)
	}
	// Rate limiting counts every request, refused ones included, as
	// Better Auth does; CORS answers preflights before anything else.
	authH = httpsec.CORS(origins)(authH)

	apiSrv := &httpapi.Server{Tasks: st, Verifier: verifier, TaskRateLimit: cfg.TaskRateLimit, Logger: log, Now: cfg.Now}
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
	var h http.Handler = mux
	if cfg.BaseURL.Scheme == "https" {
		h = httpsec.StrictTransportSecurity(httpsec.HSTSMaxAge)(h)
	}
	// The metrics middleware must hand the mux the request it was given
	// (HSTS passes it on as is): the mux that serves it records its pattern
	// there (see routeLabel). /metrics itself is served only on
	// LATCH_METRICS_ADDR (see serve).
	a.handler = reqlog.Middleware(log, !cfg.LogRequests)(m.Middleware(routeLabel())(h))
	return a, nil
}

// fanOut returns a function that calls each of fns in turn.
func fanOut(fns []func(ids ...string)) func(ids ...string) {
	if len(fns) == 1 {
		return fns[0]
	}
	fns = slices.Clone(fns)
	return func(ids ...string) {
		for _, fn := range fns {
			fn(ids...)
		}
	}
}

// eitherVerifier accepts tokens of one verifier, then of a second: HS256
// tokens signed with the shared secret, then asymmetric tokens of Latch's
// own keys, then those of the configured JWKS. A token goes to the second
// verifier only when the first refuses its algorithm or its kid, so each
// verifier pins its own algorithms and the caller sees the error of the
// verifier that owns the token (for example ErrUnavailable, a 503, when
// the JWKS cannot be fetched).
type eitherVerifier struct {
	first  token.Verifier
	second token.Verifier
}

func (e eitherVerifier) Verify(ctx context.Context, tok string) (token.Claims, error) {
	c, err := e.first.Verify(ctx, tok)
	if err == nil || !errors.Is(err, token.ErrAlgorithm) && !errors.Is(err, token.ErrUnknownKey) {
		return c, err
	}
	return e.second.Verify(ctx, tok)
}

// verifyOptions are the claim rules of every asymmetric verifier.
func verifyOptions(cfg *Config) []token.Option {
	return append([]token.Option{token.WithLeeway(cfg.JWTLeeway), token.WithClock(cfg.Now)}, issAudChecks(cfg)...)
}

func previousSecrets(cfg *Config) [][]byte {
	var out [][]byte
	for _, s := range cfg.PreviousSecrets {
		out = append(out, []byte(s))
	}
	return out
}

// newKeyRing builds the signing-key ring of an asymmetric LATCH_JWT_ALG.
func newKeyRing(cfg *Config, secret string, keys latch.KeyStore) *auth.KeyRing {
	opts := []token.Option{token.WithTTL(cfg.JWTTTL), token.WithIssuer(cfg.JWTIssuer), token.WithClock(cfg.Now)}
	if cfg.JWTAudience != "" {
		opts = append(opts, token.WithAudience(cfg.JWTAudience))
	}
	return &auth.KeyRing{
		Store:      keys,
		IDs:        cfg.IDFormat,
		Secrets:    append([][]byte{[]byte(secret)}, previousSecrets(cfg)...),
		Alg:        cfg.JWTAlg,
		Grace:      cfg.JWTKeyGrace,
		Activation: cfg.JWTKeyActivate,
		Options:    opts,
		Now:        cfg.Now,
	}
}
