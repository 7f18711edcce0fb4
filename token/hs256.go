package token

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"sync"
)

// Verifier verifies a compact JWS and returns its claims. Implementations
// in this module are safe for concurrent use.
type Verifier interface {
	Verify(ctx context.Context, token string) (Claims, error)
}

// HS256 issues and verifies HMAC-SHA256 JWTs with one or more shared
// secrets. The algorithm is fixed: a token whose header names any other
// algorithm (including "none", HS384, HS512, RS256, EdDSA, ...) is rejected
// with ErrAlgorithm before its signature is looked at.
//
// An HS256 is safe for concurrent use.
type HS256 struct {
	cfg     config
	secrets [][]byte
	pool    sync.Pool
}

var _ Verifier = (*HS256)(nil)

// NewHS256 returns an HS256 that signs with secrets[0] and verifies with
// any of secrets, which allows rotation: put the new secret first and keep
// the old one until the tokens it signed have expired. Each secret must be
// at least MinSecretSize (32) bytes; the secrets are copied.
func NewHS256(secrets [][]byte, opts ...Option) (*HS256, error) {
	if len(secrets) == 0 {
		return nil, fmt.Errorf("%w: at least one HS256 secret is required", ErrConfig)
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	k := &HS256{cfg: cfg}
	for i, s := range secrets {
		if len(s) < MinSecretSize {
			return nil, fmt.Errorf("%w: HS256 secret %d is %d bytes; at least %d are required (generate one with 32 random bytes)",
				ErrConfig, i, len(s), MinSecretSize)
		}
		k.secrets = append(k.secrets, append([]byte(nil), s...))
	}
	k.pool.New = func() any {
		st := &state{macs: make([]hash.Hash, len(k.secrets))}
		for i, s := range k.secrets {
			st.macs[i] = hmac.New(sha256.New, s)
		}
		return st
	}
	return k, nil
}

// Verify checks the token's header, signature and claims and returns the
// claims. The ctx is not used; it is there to satisfy Verifier.
//
// Errors wrap one of the package's sentinels (see ErrMalformed).
func (k *HS256) Verify(_ context.Context, tok string) (Claims, error) {
	// Checked here too so that an oversized token never touches the pool.
	if len(tok) > MaxTokenSize {
		return Claims{}, ErrTooLarge
	}
	st := k.pool.Get().(*state)
	defer k.pool.Put(st)
	j, err := st.split(tok)
	if err != nil {
		return Claims{}, err
	}
	if string(j.h.alg) != "HS256" {
		return Claims{}, errBadAlg
	}
	if !k.cfg.typeAllowed(&j.h) {
		return Claims{}, errTyp
	}
	if len(j.sig) != sha256.Size {
		return Claims{}, errSigLen
	}
	ok := false
	for _, m := range st.macs {
		m.Reset()
		m.Write(j.signingInput)
		if hmac.Equal(m.Sum(st.sum[:0]), j.sig) {
			ok = true
			break
		}
	}
	if !ok {
		return Claims{}, ErrSignature
	}
	return st.claims(&j, &k.cfg)
}

// Sign issues a token for c with the first secret. A zero IssuedAt becomes
// the current time and a zero ExpiresAt becomes IssuedAt plus the TTL
// (DefaultTTL unless WithTTL); an empty Issuer or Audience takes the value
// of WithIssuer or WithAudience. Times are truncated to whole seconds.
// Subject must not be empty, and ExpiresAt must be after IssuedAt.
//
// The header is {"alg":"HS256","typ":"JWT"}; the payload holds sub (always
// a string), email, sid (when set), iat, exp, nbf (when set), iss and aud
// (a string when there is one value), and nothing else.
func (k *HS256) Sign(c Claims) (string, error) {
	payload, err := k.cfg.prepare(&c)
	if err != nil {
		return "", err
	}
	const hdr = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" // {"alg":"HS256","typ":"JWT"}
	n := len(hdr) + 1 + base64.RawURLEncoding.EncodedLen(len(payload))
	out := make([]byte, n, n+1+43)
	copy(out, hdr)
	out[len(hdr)] = '.'
	base64.RawURLEncoding.Encode(out[len(hdr)+1:], payload)
	m := hmac.New(sha256.New, k.secrets[0])
	m.Write(out)
	out = append(out, '.')
	out = base64.RawURLEncoding.AppendEncode(out, m.Sum(nil))
	if len(out) > MaxTokenSize {
		return "", fmt.Errorf("%w: signed token would be %d bytes, over MaxTokenSize", ErrClaims, len(out))
	}
	return string(out), nil
}
