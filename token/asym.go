package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"math/big"
	"sync"
)

type algKind uint8

const (
	kindEdDSA algKind = iota + 1
	kindECDSA
	kindRSA
	kindPSS
)

type asymAlg struct {
	kind algKind
	hash crypto.Hash // zero for EdDSA
	size int         // ECDSA: bytes per coordinate
}

func (a asymAlg) curve() elliptic.Curve {
	switch a.size {
	case 32:
		return elliptic.P256()
	case 48:
		return elliptic.P384()
	case 66:
		return elliptic.P521()
	}
	return nil
}

// asymAlgs lists the asymmetric algorithms a KeySetVerifier accepts.
var asymAlgs = map[string]asymAlg{
	"EdDSA": {kind: kindEdDSA},
	"ES256": {kind: kindECDSA, hash: crypto.SHA256, size: 32},
	"ES384": {kind: kindECDSA, hash: crypto.SHA384, size: 48},
	"ES512": {kind: kindECDSA, hash: crypto.SHA512, size: 66},
	"RS256": {kind: kindRSA, hash: crypto.SHA256},
	"RS384": {kind: kindRSA, hash: crypto.SHA384},
	"RS512": {kind: kindRSA, hash: crypto.SHA512},
	"PS256": {kind: kindPSS, hash: crypto.SHA256},
	"PS384": {kind: kindPSS, hash: crypto.SHA384},
	"PS512": {kind: kindPSS, hash: crypto.SHA512},
}

// KeySetVerifier verifies asymmetrically signed tokens, such as those
// issued by Better Auth's jwt plugin, with keys from a KeyResolver (a
// KeySet, or a remote JWKS from package tokenhttp). The key is chosen by the
// header's kid, and the algorithm is the key's: a header alg that differs
// (including "none" and every HMAC algorithm) fails with ErrAlgorithm. Claim
// rules are the same as HS256's.
//
// For Better Auth, require the base URL's origin as issuer and audience:
//
//	v, err := token.NewKeySetVerifier(keys,
//		token.RequireIssuer("https://app.example.com"),
//		token.RequireAudience("https://app.example.com"))
//
// A KeySetVerifier is safe for concurrent use.
type KeySetVerifier struct {
	cfg  config
	keys KeyResolver
	pool sync.Pool
}

var _ Verifier = (*KeySetVerifier)(nil)

// NewKeySetVerifier returns a verifier that takes its keys from keys.
func NewKeySetVerifier(keys KeyResolver, opts ...Option) (*KeySetVerifier, error) {
	if keys == nil {
		return nil, ErrConfig
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	v := &KeySetVerifier{cfg: cfg, keys: keys}
	v.pool.New = func() any { return new(state) }
	return v, nil
}

// Verify checks the token's header, signature and claims and returns the
// claims. ctx is passed to the KeyResolver.
func (v *KeySetVerifier) Verify(ctx context.Context, tok string) (Claims, error) {
	if len(tok) > MaxTokenSize {
		return Claims{}, ErrTooLarge
	}
	st := v.pool.Get().(*state)
	defer v.pool.Put(st)
	j, err := st.split(tok)
	if err != nil {
		return Claims{}, err
	}
	// Reject unknown algorithms before the lookup, so that junk tokens
	// cannot make a remote key source refetch.
	if _, ok := asymAlgs[string(j.h.alg)]; !ok {
		return Claims{}, errBadAlg
	}
	if !v.cfg.typeAllowed(&j.h) {
		return Claims{}, errTyp
	}
	key, err := v.keys.ResolveKey(ctx, string(j.h.kid))
	if err != nil {
		return Claims{}, err
	}
	if string(j.h.alg) != key.Alg {
		return Claims{}, errBadAlg
	}
	if !verifySig(key, j.signingInput, j.sig) {
		return Claims{}, ErrSignature
	}
	return st.claims(&j, &v.cfg)
}

// verifySig checks sig over input with the key's pinned algorithm.
func verifySig(k *PublicKey, input, sig []byte) bool {
	a := asymAlgs[k.Alg]
	var digest []byte
	switch a.hash {
	case crypto.SHA256:
		d := sha256.Sum256(input)
		digest = d[:]
	case crypto.SHA384:
		d := sha512.Sum384(input)
		digest = d[:]
	case crypto.SHA512:
		d := sha512.Sum512(input)
		digest = d[:]
	}
	switch pub := k.Key.(type) {
	case ed25519.PublicKey:
		return a.kind == kindEdDSA && len(sig) == ed25519.SignatureSize && ed25519.Verify(pub, input, sig)
	case *ecdsa.PublicKey:
		if a.kind != kindECDSA || len(sig) != 2*a.size {
			return false
		}
		r := new(big.Int).SetBytes(sig[:a.size])
		s := new(big.Int).SetBytes(sig[a.size:])
		return ecdsa.Verify(pub, digest, r, s)
	case *rsa.PublicKey:
		switch a.kind {
		case kindRSA:
			return rsa.VerifyPKCS1v15(pub, a.hash, digest, sig) == nil
		case kindPSS:
			return rsa.VerifyPSS(pub, a.hash, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		}
	}
	return false
}
