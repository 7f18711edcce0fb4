package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/latchhq/latch/internal/store/postgres"
)

// setting documents one environment variable. The same table drives
// parsing and `latch --help`, so the help can never fall out of date.
type setting struct {
	name, def, doc string
}

var settings = []setting{
	{"PORT", "8000", "TCP port to listen on"},
	{"LATCH_HOST", "", "interface to listen on (empty: all)"},
	{"BETTER_AUTH_SECRET", "(generated)", "shared secret: signs session cookies and HS256 JWTs; at least 32 characters. Unset: generated once into LATCH_DATA_DIR/secret (refused when LATCH_ENV=production)"},
	{"LATCH_PREVIOUS_SECRETS", "", "comma-separated older secrets that still verify JWTs (rotation)"},
	{"BETTER_AUTH_URL", "http://localhost:PORT", "public base URL; its origin is trusted, is the JWT iss/aud, and https turns on __Secure- cookies"},
	{"DATABASE_URL", "sqlite:LATCH_DATA_DIR/latch.db", "postgres://, postgresql:// or postgresql+asyncpg:// for PostgreSQL; sqlite:PATH, file:PATH or a path for SQLite"},
	{"LATCH_DATA_DIR", "./data", "directory for the SQLite database and the generated secret"},
	{"LATCH_ENV", "development", "development or production (production requires an explicit secret)"},
	{"LATCH_TRUSTED_ORIGINS", "", "comma-separated extra trusted origins (CORS, CSRF and redirect checks); wildcards like https://*.example.com; patterns that match every host are refused"},
	{"LATCH_RATE_LIMIT", "true", "false turns every rate limit off (for load tests)"},
	{"LATCH_TASK_RATE_LIMIT", "600", "task API requests per user per minute"},
	{"LATCH_IP_HEADER", "", "header carrying the client IP from a trusted proxy (e.g. X-Forwarded-For); empty: the connection address"},
	{"LATCH_TRUSTED_PROXIES", "", "comma-separated proxy IPs/CIDRs allowed in an IP header chain"},
	{"LATCH_CHECK_SESSION", "false", "true: the task API also rejects JWTs whose session (sid) has ended"},
	{"LATCH_SESSION_CHECK_TTL", "10s", "how long the task API caches a session check (LATCH_CHECK_SESSION=true)"},
	{"LATCH_JWT_TTL", "168h", "lifetime of issued JWTs"},
	{"LATCH_JWT_LEEWAY", "30s", "clock skew allowed when verifying exp/nbf/iat (at most 60s)"},
	{"LATCH_JWT_ISSUER", "origin of BETTER_AUTH_URL", "iss written into issued JWTs"},
	{"LATCH_JWT_AUDIENCE", "origin of BETTER_AUTH_URL", "aud written into issued JWTs"},
	{"LATCH_JWT_REQUIRE_ISS_AUD", "false", "true: the task API rejects JWTs whose iss/aud differ from the values above"},
	{"LATCH_JWKS_URL", "", "also accept asymmetric JWTs (EdDSA, ES256, RS256, ...) verified against this JWKS, e.g. Better Auth's /api/auth/jwks"},
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
	DataDir         string
	Production      bool
	TrustedOrigins  []string
	RateLimit       bool
	TaskRateLimit   int
	IPHeader        string
	TrustedProxies  []netip.Prefix
	CheckSession    bool
	SessionCheckTTL time.Duration
	JWTTTL          time.Duration
	JWTLeeway       time.Duration
	JWTIssuer       string
	JWTAudience     string
	RequireIssAud   bool
	JWKSURL         string
	LogLevel        string
	LogFormat       string
	LogRequests     bool
	ShutdownTimeout time.Duration
	DBTimeout       time.Duration
	MetricsAddr     string
}

// errConfig marks configuration errors (exit status 2).
var errConfig = errors.New("invalid configuration")

// loadConfig parses env (already merged with .env; the environment wins).
func loadConfig(env map[string]string) (*Config, error) {
	var errs []error
	bad := func(name, format string, a ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{name}, a...)...))
	}
	get := func(name, def string) string {
		if v, ok := env[name]; ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
		return def
	}
	boolean := func(name string, def bool) bool {
		v := get(name, strconv.FormatBool(def))
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad(name, "want true or false, got %q", v)
		}
		return b
	}
	duration := func(name, def string, min, max time.Duration) time.Duration {
		v := get(name, def)
		d, err := time.ParseDuration(v)
		if err != nil || d < min || d > max {
			bad(name, "want a duration between %s and %s (e.g. %s), got %q", min, max, def, v)
		}
		return d
	}
	c := &Config{}
	port := get("PORT", "8000")
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		bad("PORT", "want a port number, got %q", port)
	}
	c.Addr = netJoin(get("LATCH_HOST", ""), port)
	c.Secret = get("BETTER_AUTH_SECRET", "")
	if c.Secret != "" && len(c.Secret) < 32 {
		bad("BETTER_AUTH_SECRET", "must be at least 32 characters (got %d); generate one with `latch secret generate`", len(c.Secret))
	}
	for _, s := range splitList(get("LATCH_PREVIOUS_SECRETS", "")) {
		if len(s) < 32 {
			bad("LATCH_PREVIOUS_SECRETS", "every secret must be at least 32 characters")
			break
		}
		c.PreviousSecrets = append(c.PreviousSecrets, s)
	}
	base := get("BETTER_AUTH_URL", "http://localhost:"+port)
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("BETTER_AUTH_URL", "want an absolute http(s) URL, got %q", base)
		u = &url.URL{Scheme: "http", Host: "localhost:8000"}
	}
	c.BaseURL = u
	c.Origin = strings.ToLower(u.Scheme + "://" + u.Host)
	c.DataDir = get("LATCH_DATA_DIR", "./data")
	switch env := get("LATCH_ENV", "development"); env {
	case "development", "dev", "test":
	case "production", "prod":
		c.Production = true
	default:
		bad("LATCH_ENV", "want development or production, got %q", env)
	}
	c.DatabaseURL, c.Postgres, c.SQLitePath, err = parseDatabaseURL(get("DATABASE_URL", ""), c.DataDir)
	if err != nil {
		bad("DATABASE_URL", "%v", err)
	}
	c.TrustedOrigins = splitList(get("LATCH_TRUSTED_ORIGINS", ""))
	c.RateLimit = boolean("LATCH_RATE_LIMIT", true)
	trl := get("LATCH_TASK_RATE_LIMIT", "600")
	if n, err := strconv.Atoi(trl); err != nil || n < 1 {
		bad("LATCH_TASK_RATE_LIMIT", "want a positive number of requests per minute, got %q", trl)
	} else {
		c.TaskRateLimit = n
	}
	c.IPHeader = get("LATCH_IP_HEADER", "")
	for _, p := range splitList(get("LATCH_TRUSTED_PROXIES", "")) {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			addr, err2 := netip.ParseAddr(p)
			if err2 != nil {
				bad("LATCH_TRUSTED_PROXIES", "want IPs or CIDRs, got %q", p)
				continue
			}
			pfx = netip.PrefixFrom(addr, addr.BitLen())
		}
		c.TrustedProxies = append(c.TrustedProxies, pfx)
	}
	c.CheckSession = boolean("LATCH_CHECK_SESSION", false)
	c.SessionCheckTTL = duration("LATCH_SESSION_CHECK_TTL", "10s", 0, time.Hour)
	c.JWTTTL = duration("LATCH_JWT_TTL", "168h", time.Minute, 90*24*time.Hour)
	c.JWTLeeway = duration("LATCH_JWT_LEEWAY", "30s", 0, time.Minute)
	c.JWTIssuer = get("LATCH_JWT_ISSUER", c.Origin)
	c.JWTAudience = get("LATCH_JWT_AUDIENCE", c.Origin)
	c.RequireIssAud = boolean("LATCH_JWT_REQUIRE_ISS_AUD", false)
	c.JWKSURL = get("LATCH_JWKS_URL", "")
	if c.JWKSURL != "" {
		if ju, err := url.Parse(c.JWKSURL); err != nil || (ju.Scheme != "http" && ju.Scheme != "https") || ju.Host == "" {
			bad("LATCH_JWKS_URL", "want an absolute http(s) URL, got %q", c.JWKSURL)
		}
	}
	c.LogLevel = get("LATCH_LOG_LEVEL", "info")
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("LATCH_LOG_LEVEL", "want debug, info, warn or error, got %q", c.LogLevel)
	}
	c.LogFormat = get("LATCH_LOG_FORMAT", "auto")
	switch c.LogFormat {
	case "auto", "json", "text":
	default:
		bad("LATCH_LOG_FORMAT", "want auto, json or text, got %q", c.LogFormat)
	}
	c.LogRequests = boolean("LATCH_LOG_REQUESTS", true)
	c.ShutdownTimeout = duration("LATCH_SHUTDOWN_TIMEOUT", "20s", 0, 10*time.Minute)
	c.DBTimeout = duration("LATCH_DB_TIMEOUT", "5s", 100*time.Millisecond, 5*time.Minute)
	c.MetricsAddr = get("LATCH_METRICS_ADDR", "")
	if c.MetricsAddr != "" {
		if _, p, err := net.SplitHostPort(c.MetricsAddr); err != nil || p == "" {
			bad("LATCH_METRICS_ADDR", "want host:port (e.g. 127.0.0.1:9090), got %q", c.MetricsAddr)
		} else if c.MetricsAddr == c.Addr {
			bad("LATCH_METRICS_ADDR", "must differ from the public address %s", c.Addr)
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%w:\n  %w", errConfig, errors.Join(errs...))
	}
	return c, nil
}

func netJoin(host, port string) string {
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]"
	}
	return host + ":" + port
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
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
