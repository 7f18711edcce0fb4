package token

import (
	"fmt"
	"time"
)

// Limits and defaults.
const (
	// MaxTokenSize is the longest token, in bytes, that any verifier in
	// this package will look at. Longer tokens fail with ErrTooLarge
	// before any decoding.
	MaxTokenSize = 8192

	// MinSecretSize is the shortest HS256 secret accepted, in bytes.
	MinSecretSize = 32

	// DefaultTTL is the lifetime HS256.Sign gives a token whose ExpiresAt
	// is zero.
	DefaultTTL = 7 * 24 * time.Hour

	// DefaultLeeway is the clock skew tolerated on exp, nbf and iat.
	DefaultLeeway = 30 * time.Second

	// MaxLeeway is the largest leeway WithLeeway accepts.
	MaxLeeway = 5 * time.Minute
)

// Option configures a verifier or signer made by NewHS256 or
// NewKeySetVerifier. Options that only affect signing (WithTTL, WithIssuer,
// WithAudience) are ignored by verify-only types.
type Option func(*config)

type config struct {
	ttl        time.Duration
	leeway     time.Duration
	issuer     string
	audience   []string
	reqIssuer  []string
	reqAud     []string
	now        func() time.Time
	err        error
	allowTypes []string
}

func newConfig(opts []Option) (config, error) {
	c := config{ttl: DefaultTTL, leeway: DefaultLeeway, now: time.Now}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.err != nil {
		return c, c.err
	}
	return c, nil
}

func (c *config) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
	}
}

// WithTTL sets the lifetime of tokens issued by Sign when Claims.ExpiresAt
// is zero. The default is DefaultTTL (7 days). It must be positive.
func WithTTL(d time.Duration) Option {
	return func(c *config) {
		if d <= 0 {
			c.fail("TTL must be positive, got %v", d)
		}
		c.ttl = d
	}
}

// WithLeeway sets the clock skew tolerated when checking exp, nbf and iat.
// The default is DefaultLeeway (30 s); values outside [0, MaxLeeway] make
// the constructor fail.
func WithLeeway(d time.Duration) Option {
	return func(c *config) {
		if d < 0 || d > MaxLeeway {
			c.fail("leeway must be between 0 and %v, got %v", MaxLeeway, d)
		}
		c.leeway = d
	}
}

// WithIssuer sets the iss claim written by Sign when Claims.Issuer is
// empty. It does not make verification check iss; see RequireIssuer.
func WithIssuer(iss string) Option {
	return func(c *config) { c.issuer = iss }
}

// WithAudience sets the aud claim written by Sign when Claims.Audience is
// empty (a JSON string for one value, an array for several). It does not
// make verification check aud; see RequireAudience.
func WithAudience(aud ...string) Option {
	return func(c *config) { c.audience = append([]string(nil), aud...) }
}

// RequireIssuer makes verification accept only tokens whose iss equals one
// of the given values. Without it iss is not checked (but must be a string
// if present).
func RequireIssuer(iss ...string) Option {
	return func(c *config) {
		if len(iss) == 0 {
			c.fail("RequireIssuer needs at least one issuer")
		}
		c.reqIssuer = append([]string(nil), iss...)
	}
}

// RequireAudience makes verification accept only tokens whose aud contains
// at least one of the given values. Without it aud is not checked (but must
// be a string or an array of strings if present).
func RequireAudience(aud ...string) Option {
	return func(c *config) {
		if len(aud) == 0 {
			c.fail("RequireAudience needs at least one audience")
		}
		c.reqAud = append([]string(nil), aud...)
	}
}

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option {
	return func(c *config) {
		if now == nil {
			c.fail("nil clock")
		}
		c.now = now
	}
}

// WithTypes sets the accepted values of the typ header, compared without
// regard to case. By default a token may omit typ or set it to "JWT"; any
// other typ (for example Better Auth's "better-auth.session-cache+jwt",
// whose sid is a raw session token) is rejected with ErrMalformed.
func WithTypes(typ ...string) Option {
	return func(c *config) { c.allowTypes = append([]string(nil), typ...) }
}
