package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	netmail "net/mail"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/httpsec"
	"github.com/latchhq/latch/internal/mail"
	"github.com/latchhq/latch/internal/store/postgres"
)

// setting documents one environment variable. The same table drives
// parsing (loadConfig reads every setting by name through envReader, which
// takes the default from here) and `latch --help`, so neither can drift.
// def is the literal default, or for a value loadConfig computes a short
// description of it (read with envReader.computed).
type setting struct {
	name, def, doc string
}

var settings = []setting{
	{"PORT", "8000", "TCP port to listen on"},
	{"LATCH_HOST", "", "interface to listen on (empty: all)"},
	{"BETTER_AUTH_SECRET", "(generated)", "shared secret: signs session cookies and HS256 JWTs; at least 32 characters. Unset: generated once into LATCH_DATA_DIR/secret (refused when LATCH_ENV=production)"},
	{"LATCH_PREVIOUS_SECRETS", "", "comma-separated older secrets that still verify JWTs, session cookies, signed bearer tokens and emailed verification links, and decrypt signing keys (secret rotation)"},
	{"BETTER_AUTH_URL", "http://localhost:PORT", "public base URL; its origin is trusted, is the JWT iss, and https turns on __Secure- cookies"},
	{"DATABASE_URL", "sqlite:LATCH_DATA_DIR/latch.db", "postgres://, postgresql:// or postgresql+asyncpg:// for PostgreSQL; sqlite:PATH, file:PATH or a path for SQLite"},
	{"LATCH_DATA_DIR", "./data", "directory for the SQLite database and the generated secret"},
	{"LATCH_ID_FORMAT", "random", "user and session ids, as Better Auth's advanced.database.generateId: random (32 characters), uuid, or serial (integers the database assigns, JWT sub \"42\"); fixed once the database exists"},
	{"LATCH_ENV", "development", "development or production (production requires an explicit secret)"},
	{"LATCH_TRUSTED_ORIGINS", "", "comma-separated extra trusted origins (CORS, CSRF and redirect checks); wildcards like https://*.example.com; patterns that match every host are refused"},
	{"LATCH_RATE_LIMIT", "true", "false turns every rate limit off (for load tests)"},
	{"LATCH_TASK_RATE_LIMIT", "600", "task API requests per user per minute"},
	{"LATCH_IP_HEADER", "", "header carrying the client IP from a trusted proxy (e.g. X-Forwarded-For); requires LATCH_TRUSTED_PROXIES (refused at start-up without it); empty: the connection address"},
	{"LATCH_TRUSTED_PROXIES", "", "comma-separated proxy IPs/CIDRs allowed in an IP header chain"},
	{"LATCH_CHECK_SESSION", "true", "the task API rejects JWTs whose session (sid) has ended (sign-out, revoke, password change); tokens without sid are not affected; false: a JWT lives until its exp"},
	{"LATCH_SESSION_CHECK_TTL", "10s", "how long the task API caches a session check; without Redis, how long another instance may still accept the JWT of a session ended elsewhere; 0: no cache, every request reads the session"},
	{"LATCH_SESSION_CACHE_TTL", "5s", "how long a resolved session and its user stay cached in process (get-session and other cookie-authenticated calls skip the database); changes made through this instance forget them at once, and with Redis so do other instances' changes; without Redis, how long another instance may still serve a session ended or a user changed elsewhere; 0: no cache"},
	{"REDIS_URL", "", "redis:// or rediss:// URL: share rate limits, sessions (Better Auth's secondaryStorage format) and sign-outs between instances; empty: everything stays in this process"},
	{"LATCH_REDIS_PREFIX", "", "prefix of every Redis key (empty like Better Auth's core; better-auth: like @better-auth/redis-storage)"},
	{"LATCH_JWT_TTL", "168h", "lifetime of issued JWTs"},
	{"LATCH_JWT_LEEWAY", "30s", "clock skew allowed when verifying exp/nbf/iat (at most 60s)"},
	{"LATCH_JWT_ISSUER", "origin of BETTER_AUTH_URL", "iss written into issued JWTs"},
	{"LATCH_JWT_AUDIENCE", "", "aud written into issued JWTs; empty: no aud (PyJWT's jwt.decode without audience= refuses tokens that carry one)"},
	{"LATCH_JWT_REQUIRE_ISS_AUD", "false", "true: the task API rejects JWTs whose iss differs from LATCH_JWT_ISSUER, and (when LATCH_JWT_AUDIENCE is set) whose aud lacks it"},
	{"LATCH_JWT_ALG", "HS256", "algorithm of issued JWTs: HS256 (shared secret), or EdDSA, ES256, RS256 (keys in the jwks table, public keys at /api/auth/jwks)"},
	{"LATCH_JWT_KEY_GRACE", "LATCH_JWT_TTL + LATCH_JWT_LEEWAY", "how long a rotated signing key stays in the JWKS (asymmetric LATCH_JWT_ALG)"},
	{"LATCH_JWT_KEY_ACTIVATION", "5m", "how long a new signing key is published in the JWKS before it signs (`latch keys rotate`), so that verifiers with a cached JWKS know it"},
	{"LATCH_JWKS_URL", "", "also accept asymmetric JWTs (EdDSA, ES256, RS256, ...) verified against this JWKS, e.g. Better Auth's /api/auth/jwks"},
	{"LATCH_SMTP_URL", "", "SMTP server for account mail: smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465 (implicit TLS); credentials never go over plain text except to loopback. Unset in development: links go to the log"},
	{"LATCH_MAIL_FROM", "Latch <no-reply@host of BETTER_AUTH_URL>", "From address of account mail"},
	{"LATCH_MAIL_TEMPLATES", "", "directory with templates overriding the embedded ones (<kind>.txt and <kind>.html; kinds reset-password, verify-email, change-email, delete-account)"},
	{"LATCH_REQUIRE_EMAIL_VERIFICATION", "false", "true: unverified users cannot sign in (403 EMAIL_NOT_VERIFIED, a fresh link is mailed) and sign-up starts no session; needs mail"},
	{"LATCH_REVOKE_SESSIONS_ON_PASSWORD_RESET", "true", "a password reset ends every session of the user (Better Auth's default is false)"},
	{"LATCH_RESET_TOKEN_TTL", "1h", "lifetime of a password-reset link (Better Auth's resetPasswordTokenExpiresIn)"},
	{"LATCH_DELETE_USER_CONFIRMATION", "false", "true: deleting an account mails a confirmation link (GET /api/auth/delete-user/callback) instead of deleting at once; needs mail"},
	{"LATCH_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"LATCH_LOG_FORMAT", "auto", "json, text, or auto (json unless stderr is a terminal)"},
	{"LATCH_LOG_REQUESTS", "true", "false: log only failed requests (4xx/5xx)"},
	{"LATCH_SHUTDOWN_TIMEOUT", "20s", "how long shutdown waits for requests in flight"},
	{"LATCH_DB_TIMEOUT", "5s", "PostgreSQL only: longest wait for one database call (pool wait included); past it the request answers 503 with Retry-After"},
	{"LATCH_METRICS_ADDR", "", "host:port of a second listener serving only GET /metrics (Prometheus), e.g. 127.0.0.1:9090; empty: no metrics endpoint"},
}

// Config is the parsed configuration of the latch command.
type Config struct {
	Addr            string
	Secret          string // empty: generate or load from DataDir
	PreviousSecrets []string
	BaseURL         *url.URL
	Origin          string // scheme://host[:port] of BaseURL
	DatabaseURL     string // as given (normalised scheme)
	Postgres        bool
	SQLitePath      string
	IDFormat        latch.IDFormat
	DataDir         string
	Production      bool
	TrustedOrigins  []string
	RateLimit       bool
	TaskRateLimit   int
	IPHeader        string
	TrustedProxies  []netip.Prefix
	CheckSession    bool
	RedisURL        string
	RedisPrefix     string
	SessionCheckTTL time.Duration
	SessionCacheTTL time.Duration
	JWTTTL          time.Duration
	JWTLeeway       time.Duration
	JWTIssuer       string
	JWTAudience     string
	RequireIssAud   bool
	JWKSURL         string
	SMTPURL         string
	MailFrom        string
	MailTemplates   string
	RequireVerify   bool
	RevokeOnReset   bool
	DeleteConfirm   bool
	ResetTokenTTL   time.Duration
	JWTAlg          string
	JWTKeyGrace     time.Duration
	JWTKeyActivate  time.Duration
	LogLevel        string
	LogFormat       string
	LogRequests     bool
	ShutdownTimeout time.Duration
	DBTimeout       time.Duration
	MetricsAddr     string
	// Now is the one clock every component is given (time.Now; tests may
	// replace it before wiring).
	Now func() time.Time
}

// errConfig marks configuration errors (exit status 2).
var errConfig = errors.New("invalid configuration")

// loadConfig parses env (already merged with .env; the environment wins).
// Names and defaults come from the settings table (see envReader).
func loadConfig(env map[string]string) (*Config, error) {
	r := newEnvReader(env)
	c := readConfig(r)
	if len(r.errs) > 0 {
		return nil, fmt.Errorf("%w:\n  %w", errConfig, errors.Join(r.errs...))
	}
	return c, nil
}

// readConfig reads every setting through r.
func readConfig(r *envReader) *Config {
	c := &Config{Now: time.Now}
	port := strconv.Itoa(r.integer("PORT", 0, 65535, "a port number (0-65535)"))
	c.Addr = netJoin(r.str("LATCH_HOST"), port)
	c.Secret = r.computed("BETTER_AUTH_SECRET", "")
	if c.Secret != "" && len(c.Secret) < 32 {
		r.bad("BETTER_AUTH_SECRET", "must be at least 32 characters (got %d); generate one with `latch secret generate`", len(c.Secret))
	}
	for _, s := range httpsec.ParseList(r.str("LATCH_PREVIOUS_SECRETS")) {
		if len(s) < 32 {
			r.bad("LATCH_PREVIOUS_SECRETS", "every secret must be at least 32 characters")
			break
		}
		c.PreviousSecrets = append(c.PreviousSecrets, s)
	}
	base := r.computed("BETTER_AUTH_URL", "http://localhost:"+port)
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.bad("BETTER_AUTH_URL", "want an absolute http(s) URL, got %q", base)
		u = &url.URL{Scheme: "http", Host: "localhost:8000"}
	}
	c.BaseURL = u
	c.Origin = strings.ToLower(u.Scheme + "://" + u.Host)
	c.DataDir = r.str("LATCH_DATA_DIR")
	switch env := r.str("LATCH_ENV"); env {
	case "development", "dev", "test":
	case "production", "prod":
		c.Production = true
	default:
		r.bad("LATCH_ENV", "want development or production, got %q", env)
	}
	c.DatabaseURL, c.Postgres, c.SQLitePath, err = parseDatabaseURL(r.computed("DATABASE_URL", ""), c.DataDir)
	if err != nil {
		r.bad("DATABASE_URL", "%v", err)
	}
	if c.IDFormat, err = latch.ParseIDFormat(strings.ToLower(r.str("LATCH_ID_FORMAT"))); err != nil {
		r.bad("LATCH_ID_FORMAT", "%v", err)
	}
	c.TrustedOrigins = httpsec.ParseList(r.str("LATCH_TRUSTED_ORIGINS"))
	c.RateLimit = r.boolean("LATCH_RATE_LIMIT")
	c.TaskRateLimit = r.integer("LATCH_TASK_RATE_LIMIT", 1, 1<<30, "a positive number of requests per minute")
	c.IPHeader = r.str("LATCH_IP_HEADER")
	if c.TrustedProxies, err = httpsec.ParseTrustedProxies(r.str("LATCH_TRUSTED_PROXIES")); err != nil {
		r.bad("LATCH_TRUSTED_PROXIES", "want IPs or CIDRs: %v", err)
	}
	if c.IPHeader != "" && len(c.TrustedProxies) == 0 {
		// Any client could then choose its own address, and so its own
		// rate-limit bucket.
		r.bad("LATCH_IP_HEADER", "is set but LATCH_TRUSTED_PROXIES is empty: any client could pick its own address; "+
			"list the proxies' IPs or CIDRs in LATCH_TRUSTED_PROXIES (e.g. 127.0.0.1 for a proxy on this host), or unset LATCH_IP_HEADER")
	}
	c.CheckSession = r.boolean("LATCH_CHECK_SESSION")
	c.RedisURL = r.str("REDIS_URL")
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		r.bad("REDIS_URL", "want a redis:// or rediss:// URL (the value is not shown)")
	}
	c.RedisPrefix = r.str("LATCH_REDIS_PREFIX")
	c.SessionCheckTTL = r.duration("LATCH_SESSION_CHECK_TTL", 0, time.Hour)
	c.SessionCacheTTL = r.duration("LATCH_SESSION_CACHE_TTL", 0, time.Hour)
	c.JWTTTL = r.duration("LATCH_JWT_TTL", time.Minute, 90*24*time.Hour)
	c.JWTLeeway = r.duration("LATCH_JWT_LEEWAY", 0, time.Minute)
	c.JWTIssuer = r.computed("LATCH_JWT_ISSUER", c.Origin)
	c.JWTAudience = r.str("LATCH_JWT_AUDIENCE")
	c.RequireIssAud = r.boolean("LATCH_JWT_REQUIRE_ISS_AUD")
	c.JWTAlg = r.str("LATCH_JWT_ALG")
	switch c.JWTAlg {
	case "HS256", "EdDSA", "ES256", "RS256":
	default:
		r.bad("LATCH_JWT_ALG", "want HS256, EdDSA, ES256 or RS256, got %q", c.JWTAlg)
	}
	c.JWTKeyGrace = c.JWTTTL + c.JWTLeeway
	if v := r.computed("LATCH_JWT_KEY_GRACE", ""); v != "" {
		if d, err := time.ParseDuration(v); err != nil || d < time.Minute || d > 365*24*time.Hour {
			r.bad("LATCH_JWT_KEY_GRACE", "want a duration between 1m and 8760h (e.g. 168h), got %q", v)
		} else {
			c.JWTKeyGrace = d
		}
	}
	c.JWTKeyActivate = r.duration("LATCH_JWT_KEY_ACTIVATION", time.Second, 24*time.Hour)
	c.JWKSURL = r.str("LATCH_JWKS_URL")
	if c.JWKSURL != "" {
		if ju, err := url.Parse(c.JWKSURL); err != nil || (ju.Scheme != "http" && ju.Scheme != "https") || ju.Host == "" {
			r.bad("LATCH_JWKS_URL", "want an absolute http(s) URL, got %q", c.JWKSURL)
		}
	}
	c.SMTPURL = r.str("LATCH_SMTP_URL")
	if c.SMTPURL != "" {
		if _, err := mail.ParseSMTPURL(c.SMTPURL); err != nil {
			r.bad("LATCH_SMTP_URL", "%v (want smtp://user:pass@host:587 or smtps://user:pass@host:465; the value is not shown)", err)
		}
	}
	c.MailFrom = r.computed("LATCH_MAIL_FROM", "Latch <no-reply@"+c.BaseURL.Hostname()+">")
	if _, err := netmail.ParseAddress(c.MailFrom); err != nil {
		r.bad("LATCH_MAIL_FROM", "want an address like \"Latch <no-reply@example.com>\", got %q", c.MailFrom)
	}
	c.MailTemplates = r.str("LATCH_MAIL_TEMPLATES")
	c.RequireVerify = r.boolean("LATCH_REQUIRE_EMAIL_VERIFICATION")
	c.RevokeOnReset = r.boolean("LATCH_REVOKE_SESSIONS_ON_PASSWORD_RESET")
	c.DeleteConfirm = r.boolean("LATCH_DELETE_USER_CONFIRMATION")
	c.ResetTokenTTL = r.duration("LATCH_RESET_TOKEN_TTL", time.Second, 7*24*time.Hour)
	if c.Production && c.SMTPURL == "" {
		for _, need := range []struct {
			on   bool
			name string
		}{{c.RequireVerify, "LATCH_REQUIRE_EMAIL_VERIFICATION"}, {c.DeleteConfirm, "LATCH_DELETE_USER_CONFIRMATION"}} {
			if need.on {
				r.bad(need.name, "=true needs mail, but LATCH_SMTP_URL is unset and LATCH_ENV=production (development mode writes links to the log instead; production refuses)")
			}
		}
	}
	c.LogLevel = r.str("LATCH_LOG_LEVEL")
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		r.bad("LATCH_LOG_LEVEL", "want debug, info, warn or error, got %q", c.LogLevel)
	}
	c.LogFormat = r.str("LATCH_LOG_FORMAT")
	switch c.LogFormat {
	case "auto", "json", "text":
	default:
		r.bad("LATCH_LOG_FORMAT", "want auto, json or text, got %q", c.LogFormat)
	}
	c.LogRequests = r.boolean("LATCH_LOG_REQUESTS")
	c.ShutdownTimeout = r.duration("LATCH_SHUTDOWN_TIMEOUT", 0, 10*time.Minute)
	c.DBTimeout = r.duration("LATCH_DB_TIMEOUT", 100*time.Millisecond, 5*time.Minute)
	c.MetricsAddr = r.str("LATCH_METRICS_ADDR")
	if c.MetricsAddr != "" {
		if _, p, err := net.SplitHostPort(c.MetricsAddr); err != nil || p == "" {
			r.bad("LATCH_METRICS_ADDR", "want host:port (e.g. 127.0.0.1:9090), got %q", c.MetricsAddr)
		} else if c.MetricsAddr == c.Addr {
			r.bad("LATCH_METRICS_ADDR", "must differ from the public address %s", c.Addr)
		}
	}
	return c
}

func netJoin(host, port string) string {
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	return host + ":" + port
}

// parseDatabaseURL decides the backend. PostgreSQL URLs are returned
// normalised by postgres.NormalizeURL (FastAPI's postgresql+asyncpg:// is
// accepted); anything else is a SQLite path.
func parseDatabaseURL(raw, dataDir string) (dsn string, isPostgres bool, sqlitePath string, err error) {
	if raw == "" {
		p := dataDir + "/latch.db"
		return "sqlite:" + p, false, p, nil
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if ok {
		switch strings.ToLower(scheme) {
		case "postgres", "postgresql", "postgresql+asyncpg", "postgresql+psycopg", "postgresql+psycopg2", "postgres+asyncpg":
			// The store owns the spelling rules (SQLAlchemy schemes, asyncpg's
			// ssl=); here the URL is only checked, without echoing it.
			dsn := postgres.NormalizeURL(raw)
			if u, perr := url.Parse(dsn); perr != nil || u.Host == "" {
				return "", false, "", fmt.Errorf("cannot parse PostgreSQL URL (check its syntax; the value is not shown)")
			}
			return dsn, true, "", nil
		case "sqlite", "sqlite3", "file":
			// SQLAlchemy style: sqlite:///rel/path and sqlite:////abs/path.
			p := strings.TrimPrefix(rest, "/")
			if i := strings.IndexByte(p, '?'); i >= 0 {
				p = p[:i]
			}
			if p == "" {
				return "", false, "", errors.New("empty SQLite path")
			}
			return "sqlite:" + p, false, p, nil
		default:
			return "", false, "", fmt.Errorf("unsupported scheme %q (want postgres://, postgresql://, sqlite: or a file path)", scheme)
		}
	}
	p := raw
	for _, pre := range []string{"sqlite:", "sqlite3:", "file:"} {
		if strings.HasPrefix(p, pre) {
			p = strings.TrimPrefix(p, pre)
			break
		}
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p = p[:i]
	}
	if p == "" {
		return "", false, "", errors.New("empty SQLite path")
	}
	return "sqlite:" + p, false, p, nil
}

// printSettings writes the settings table for --help.
func printSettings(w io.Writer) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  NAME\tDEFAULT\tMEANING")
	for _, s := range settings {
		def := s.def
		if def == "" {
			def = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.name, def, s.doc)
	}
	tw.Flush()
}
