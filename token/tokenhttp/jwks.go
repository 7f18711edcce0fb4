package tokenhttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/latchhq/latch/token"
)

// Defaults for RemoteJWKSOptions.
const (
	DefaultJWKSTimeout  = 5 * time.Second
	DefaultJWKSMaxBytes = 256 << 10
	DefaultJWKSCooldown = 30 * time.Second
	DefaultJWKSMaxAge   = 10 * time.Minute
)

// RemoteJWKSOptions configures NewRemoteJWKS. Zero fields take the defaults.
type RemoteJWKSOptions struct {
	// Client makes the requests. The default is a new http.Client.
	Client *http.Client
	// Timeout bounds each fetch (DefaultJWKSTimeout).
	Timeout time.Duration
	// MaxBytes bounds the response body (DefaultJWKSMaxBytes).
	MaxBytes int64
	// Cooldown is the shortest time between two fetches
	// (DefaultJWKSCooldown), so that tokens with made-up kids cannot make
	// us hammer the JWKS endpoint. After a failed fetch the next attempt
	// may come after min(Cooldown, 1s).
	Cooldown time.Duration
	// MaxAge is how long fetched keys are used before they are fetched
	// again (DefaultJWKSMaxAge). If that fetch fails, the old keys stay in
	// use.
	MaxAge time.Duration
	// Now is the clock of the key cache and, unless opts pass their own
	// token.WithClock, of the claim checks; nil means time.Now.
	Now func() time.Time
}

// RemoteJWKS verifies tokens signed with keys published at a JWKS URL, such
// as Better Auth's jwt plugin endpoint (<base URL>/api/auth/jwks). It
// fetches the set on first use, caches it, and fetches it again when it is
// older than MaxAge or when a token names an unknown kid (at most once per
// Cooldown). Keys and algorithms are pinned as in token.KeySetVerifier.
//
// A RemoteJWKS is safe for concurrent use; requests whose key is cached
// never wait for a fetch.
type RemoteJWKS struct {
	url      string
	o        RemoteJWKSOptions
	verifier *token.KeySetVerifier

	cache atomic.Pointer[cachedKeys]

	mu          sync.Mutex // serializes fetches; guards the fields below
	lastAttempt time.Time
	lastErr     error
}

type cachedKeys struct {
	set     *token.KeySet
	fetched time.Time
}

var (
	_ token.Verifier    = (*RemoteJWKS)(nil)
	_ token.KeyResolver = (*RemoteJWKS)(nil)
)

// NewRemoteJWKS returns a verifier for tokens signed with the keys at
// jwksURL (http or https). opts are the claim options of
// token.NewKeySetVerifier; for Better Auth pass
// token.RequireIssuer(origin) and token.RequireAudience(origin). Nothing is
// fetched until the first Verify or Refresh.
func NewRemoteJWKS(jwksURL string, o RemoteJWKSOptions, opts ...token.Option) (*RemoteJWKS, error) {
	u, err := url.Parse(jwksURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%w: JWKS URL must be an absolute http(s) URL", token.ErrConfig)
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultJWKSTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultJWKSMaxBytes
	}
	if o.Cooldown <= 0 {
		o.Cooldown = DefaultJWKSCooldown
	}
	if o.MaxAge <= 0 {
		o.MaxAge = DefaultJWKSMaxAge
	}
	if o.Now == nil {
		o.Now = time.Now
	} else {
		opts = append([]token.Option{token.WithClock(o.Now)}, opts...)
	}
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	r := &RemoteJWKS{url: u.String(), o: o}
	if r.verifier, err = token.NewKeySetVerifier(r, opts...); err != nil {
		return nil, err
	}
	return r, nil
}

// Verify checks a token against the remote keys. A fetch failure with no
// usable cached key gives an error wrapping token.ErrUnavailable.
func (r *RemoteJWKS) Verify(ctx context.Context, tok string) (token.Claims, error) {
	return r.verifier.Verify(ctx, tok)
}

// ResolveKey implements token.KeyResolver.
func (r *RemoteJWKS) ResolveKey(ctx context.Context, kid string) (*token.PublicKey, error) {
	c := r.cache.Load()
	if c != nil && r.o.Now().Sub(c.fetched) < r.o.MaxAge {
		if k, err := c.set.ResolveKey(ctx, kid); err == nil {
			return k, nil
		}
	}
	c, err := r.refresh(ctx, c)
	if c == nil {
		return nil, err
	}
	return c.set.ResolveKey(ctx, kid)
}

// Refresh fetches the key set now, subject to the cooldown.
func (r *RemoteJWKS) Refresh(ctx context.Context) error {
	_, err := r.refresh(ctx, r.cache.Load())
	return err
}

// refresh fetches the set unless another goroutine already replaced seen
// or the cooldown forbids it. It returns the current cache (possibly nil)
// and the fetch error, if any.
func (r *RemoteJWKS) refresh(ctx context.Context, seen *cachedKeys) (*cachedKeys, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	cur := r.cache.Load()
	if cur != seen {
		return cur, nil // refreshed while we waited
	}
	now := r.o.Now()
	wait := r.o.Cooldown
	if r.lastErr != nil {
		wait = min(wait, time.Second)
	}
	if !r.lastAttempt.IsZero() && now.Sub(r.lastAttempt) < wait {
		return cur, r.lastErr
	}
	r.lastAttempt = now
	set, err := r.fetch(ctx)
	if err != nil {
		r.lastErr = fmt.Errorf("%w: %v", token.ErrUnavailable, err)
		return cur, r.lastErr
	}
	r.lastErr = nil
	c := &cachedKeys{set: set, fetched: now}
	r.cache.Store(c)
	return c, nil
}

// fetch downloads and parses the key set. The caller's cancellation does
// not abort it (other requests wait for the same fetch); Timeout does.
func (r *RemoteJWKS) fetch(ctx context.Context) (*token.KeySet, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := r.o.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch JWKS: status %d", resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.o.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read JWKS: %w", err)
	}
	if int64(len(body)) > r.o.MaxBytes {
		return nil, errors.New("JWKS response too large")
	}
	return token.ParseJWKS(body)
}
