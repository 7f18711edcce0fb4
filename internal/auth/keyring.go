package auth

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/token"
)

// KeyRing signs JWTs with the newest live key of one algorithm from the
// jwks table (Better Auth's jwt-plugin format, so a database shared with
// Better Auth shares the keys), and serves the public JWKS. Keys are read
// from the store at most every Refresh, and again when a token names a kid
// it does not know, so a rotation on another instance is picked up.
//
// Set the fields before the first call; Load must succeed before use.
type KeyRing struct {
	Store latch.KeyStore
	// IDs is the format of new key ids, the kids ("": random). With
	// IDSerial the store assigns them, as Better Auth's jwt plugin does.
	IDs latch.IDFormat
	// Secrets decrypt stored private keys, the current secret first (which
	// also encrypts new ones).
	Secrets [][]byte
	// Alg is "EdDSA", "ES256" or "RS256".
	Alg string
	// Grace is how long a retired key stays in the JWKS (the token
	// lifetime plus the leeway, so that its tokens verify until they
	// expire).
	Grace time.Duration
	// Options are the signing options (TTL, issuer, audience).
	Options []token.Option
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Activation is how long a new key is published before it signs
	// (default DefaultKeyActivation), so that verifiers holding a cached
	// JWKS already know it when its first token arrives. A rotated-out key
	// keeps signing until then.
	Activation time.Duration
	// Refresh bounds how stale the cached keys may be (default 30 s, at
	// most a quarter of Activation).
	Refresh time.Duration

	mu     sync.Mutex
	cur    *ringState
	loadMu sync.Mutex
}

// DefaultKeyActivation is the default KeyRing.Activation: the JWKS
// max-age that Latch's /jwks announces.
const DefaultKeyActivation = 5 * time.Minute

func (r *KeyRing) activation() time.Duration {
	if r.Activation > 0 {
		return r.Activation
	}
	return DefaultKeyActivation
}

func (r *KeyRing) refresh() time.Duration {
	d := r.Refresh
	if d <= 0 {
		d = 30 * time.Second
	}
	return min(d, r.activation()/4)
}

// ringState is one immutable snapshot of the keys.
type ringState struct {
	signer *token.KeySigner
	public map[string]*token.PublicKey
	jwks   []byte
	loaded time.Time
}

// KeyInfo describes a stored key for `latch keys list` (no key material).
type KeyInfo struct {
	ID, Alg   string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: signing key with no expiry
	Signing   bool      // the key new tokens are signed with
	Published bool      // in the JWKS
}

var _ token.KeyResolver = (*KeyRing)(nil)

func (r *KeyRing) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Load reads the keys, creating a signing key of Alg when there is none.
func (r *KeyRing) Load(ctx context.Context) error {
	_, err := r.reload(ctx, true)
	return err
}

// reload builds a new snapshot from the store; create makes a signing key
// when none is live.
func (r *KeyRing) reload(ctx context.Context, create bool) (*ringState, error) {
	r.loadMu.Lock()
	defer r.loadMu.Unlock()
	keys, err := r.Store.JWKs(ctx)
	if err != nil {
		return nil, err
	}
	now := r.now()
	if create && signingKey(keys, r.Alg, now, r.activation()) == nil {
		k, err := r.create(ctx, now)
		if err != nil {
			return nil, err
		}
		keys = append(keys, *k)
	}
	st, err := r.snapshot(keys, now)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	r.cur = st
	r.mu.Unlock()
	return st, nil
}

// signingKey returns the newest key of alg that has not expired and was
// created at least activation ago, or else the newest unexpired one. Rows
// without alg are Better Auth's default, EdDSA.
func signingKey(keys []latch.JWK, alg string, now time.Time, activation time.Duration) *latch.JWK {
	if k := newestLive(keys, alg, now, now.Add(-activation)); k != nil {
		return k
	}
	return newestLive(keys, alg, now, now)
}

func newestLive(keys []latch.JWK, alg string, now, createdBy time.Time) *latch.JWK {
	var best *latch.JWK
	for i := range keys {
		k := &keys[i]
		a := k.Alg
		if a == "" {
			a = "EdDSA"
		}
		if a != alg || (!k.ExpiresAt.IsZero() && !k.ExpiresAt.After(now)) || k.CreatedAt.After(createdBy) {
			continue
		}
		if best == nil || !k.CreatedAt.Before(best.CreatedAt) {
			best = k
		}
	}
	return best
}

// published reports whether k belongs in the JWKS at now.
func (r *KeyRing) published(k *latch.JWK, now time.Time) bool {
	return k.ExpiresAt.IsZero() || k.ExpiresAt.Add(r.Grace).After(now)
}

func (r *KeyRing) snapshot(keys []latch.JWK, now time.Time) (*ringState, error) {
	st := &ringState{public: make(map[string]*token.PublicKey), loaded: now}
	var pubs []token.PublicKey
	for i := range keys {
		k := &keys[i]
		if !r.published(k, now) {
			continue
		}
		pk, err := publicOf(k)
		if err != nil {
			continue // a row this build cannot use (Ed448, ...) is left out
		}
		st.public[k.ID] = &pk
		pubs = append(pubs, pk)
	}
	doc, err := token.MarshalJWKS(pubs)
	if err != nil {
		return nil, err
	}
	st.jwks = doc
	sk := signingKey(keys, r.Alg, now, r.activation())
	if sk == nil {
		return nil, fmt.Errorf("%w: no live %s signing key", ErrKey, r.Alg)
	}
	plain, err := decryptPrivate(sk.PrivateKey, r.Secrets)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", sk.ID, err)
	}
	priv, err := parsePrivateJWK(plain)
	clear(plain)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", sk.ID, err)
	}
	st.signer, err = token.NewKeySigner(token.SigningKey{ID: sk.ID, Alg: r.Alg, Key: priv}, r.Options...)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", sk.ID, err)
	}
	return st, nil
}

// publicOf parses a stored public JWK, giving it the row's id and alg.
func publicOf(k *latch.JWK) (token.PublicKey, error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(k.PublicKey), &m); err != nil {
		return token.PublicKey{}, err
	}
	m["kid"] = k.ID
	if k.Alg != "" {
		m["alg"] = k.Alg
	} else if _, ok := m["alg"]; !ok && m["kty"] == "OKP" {
		m["alg"] = "EdDSA"
	}
	doc, err := json.Marshal(map[string]any{"keys": []any{m}})
	if err != nil {
		return token.PublicKey{}, err
	}
	set, err := token.ParseJWKS(doc)
	if err != nil {
		return token.PublicKey{}, err
	}
	return set.Keys()[0], nil
}

func (r *KeyRing) create(ctx context.Context, now time.Time) (*latch.JWK, error) {
	if len(r.Secrets) == 0 {
		return nil, fmt.Errorf("%w: no secret to encrypt keys with", ErrKey)
	}
	_, priv, pub, crv, err := generateKey(r.Alg)
	if err != nil {
		return nil, err
	}
	enc, err := encryptPrivate(r.Secrets[0], priv)
	clear(priv)
	if err != nil {
		return nil, err
	}
	id, err := newRecordID(r.IDs)
	if err != nil {
		return nil, err
	}
	k := &latch.JWK{ID: id, PublicKey: string(pub), PrivateKey: enc, CreatedAt: now, Alg: r.Alg, Crv: crv}
	if err := r.Store.CreateJWK(ctx, k); err != nil {
		return nil, err
	}
	return k, nil
}

// state returns the current snapshot, reloading it when older than Refresh
// (a failed reload keeps the old one: the keys only change by rotation).
func (r *KeyRing) state(ctx context.Context) (*ringState, error) {
	r.mu.Lock()
	st := r.cur
	r.mu.Unlock()
	if st == nil {
		return nil, fmt.Errorf("%w: key ring not loaded", ErrKey)
	}
	if r.now().Sub(st.loaded) < r.refresh() {
		return st, nil
	}
	if fresh, err := r.reload(ctx, true); err == nil {
		return fresh, nil
	}
	return st, nil
}

// Sign issues a token with the current signing key.
func (r *KeyRing) Sign(c token.Claims) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := r.state(ctx)
	if err != nil {
		return "", err
	}
	return st.signer.Sign(c)
}

// SigningKeyID returns the kid of the key that signs now ("" before Load).
func (r *KeyRing) SigningKeyID() string {
	st, err := r.state(context.Background())
	if err != nil {
		return ""
	}
	return st.signer.KeyID()
}

// JWKS returns the public key set document.
func (r *KeyRing) JWKS(ctx context.Context) ([]byte, error) {
	st, err := r.state(ctx)
	if err != nil {
		return nil, err
	}
	return st.jwks, nil
}

// ResolveKey implements token.KeyResolver over the published keys; an
// unknown kid reloads the keys once (at most every second).
func (r *KeyRing) ResolveKey(ctx context.Context, kid string) (*token.PublicKey, error) {
	st, err := r.state(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", token.ErrUnavailable, err)
	}
	if k, ok := st.public[kid]; ok {
		return k, nil
	}
	if kid == "" || r.now().Sub(st.loaded) < time.Second {
		return nil, token.ErrUnknownKey
	}
	fresh, err := r.reload(ctx, false)
	if err != nil {
		if errors.Is(err, ErrKey) {
			return nil, token.ErrUnknownKey
		}
		return nil, fmt.Errorf("%w: %w", token.ErrUnavailable, err)
	}
	if k, ok := fresh.public[kid]; ok {
		return k, nil
	}
	return nil, token.ErrUnknownKey
}

// Rotate makes a new key, published at once and signing after
// Activation, and retires the others: they sign until then and stay in the
// JWKS for Grace after. Keys retired longer ago than Grace are deleted.
func (r *KeyRing) Rotate(ctx context.Context) (KeyInfo, error) {
	now := r.now()
	k, err := r.create(ctx, now)
	if err != nil {
		return KeyInfo{}, err
	}
	if err := r.Store.ExpireJWKs(ctx, k.ID, now.Add(r.activation())); err != nil {
		return KeyInfo{}, err
	}
	if _, err := r.Store.DeleteJWKsExpiredBefore(ctx, now.Add(-r.Grace)); err != nil {
		return KeyInfo{}, err
	}
	if _, err := r.reload(ctx, false); err != nil {
		return KeyInfo{}, err
	}
	return KeyInfo{ID: k.ID, Alg: k.Alg, CreatedAt: k.CreatedAt, Published: true}, nil
}

// List describes every stored key, oldest first.
func (r *KeyRing) List(ctx context.Context) ([]KeyInfo, error) {
	keys, err := r.Store.JWKs(ctx)
	if err != nil {
		return nil, err
	}
	now := r.now()
	sk := signingKey(keys, r.Alg, now, r.activation())
	out := make([]KeyInfo, 0, len(keys))
	for i := range keys {
		k := &keys[i]
		alg := cmp.Or(k.Alg, "EdDSA")
		out = append(out, KeyInfo{ID: k.ID, Alg: alg, CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt,
			Signing: sk != nil && sk.ID == k.ID, Published: r.published(k, now)})
	}
	slices.SortStableFunc(out, func(a, b KeyInfo) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}
