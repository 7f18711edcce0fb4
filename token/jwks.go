package token

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"slices"
)

// MaxJWKSSize is the largest JWKS document ParseJWKS accepts.
const MaxJWKSSize = 1 << 20

// PublicKey is one verification key, usually taken from a JWKS. The
// algorithm is pinned to the key: a token is checked with Alg or rejected,
// whatever its header says.
type PublicKey struct {
	// ID is the JWK's kid ("" when the JWK has none).
	ID string
	// Alg is the only algorithm this key verifies: "EdDSA" (Ed25519),
	// "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256",
	// "PS384" or "PS512".
	Alg string
	// Key is an ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey
	// matching Alg.
	Key crypto.PublicKey
}

// KeyResolver finds the key for a token's kid (which may be empty). It
// returns an error wrapping ErrUnknownKey when there is none, or
// ErrUnavailable when it cannot tell.
type KeyResolver interface {
	ResolveKey(ctx context.Context, kid string) (*PublicKey, error)
}

// KeySet is an immutable set of public keys. It implements KeyResolver:
// a token without kid matches only when the set holds exactly one key.
type KeySet struct {
	keys []*PublicKey
	byID map[string]*PublicKey
}

var _ KeyResolver = (*KeySet)(nil)

// NewKeySet builds a key set from keys, checking that each Alg matches its
// key type (and, for RSA, that the modulus has at least 2048 bits). Key
// IDs must be unique.
func NewKeySet(keys ...PublicKey) (*KeySet, error) {
	s := &KeySet{byID: make(map[string]*PublicKey, len(keys))}
	for i := range keys {
		k := keys[i]
		if err := checkKey(&k); err != nil {
			return nil, err
		}
		if _, dup := s.byID[k.ID]; dup {
			return nil, fmt.Errorf("%w: duplicate key id %q", ErrConfig, k.ID)
		}
		s.byID[k.ID] = &k
		s.keys = append(s.keys, &k)
	}
	return s, nil
}

// ResolveKey returns the key with the given kid.
func (s *KeySet) ResolveKey(_ context.Context, kid string) (*PublicKey, error) {
	if k, ok := s.byID[kid]; ok {
		return k, nil
	}
	if kid == "" && len(s.keys) == 1 {
		return s.keys[0], nil
	}
	return nil, ErrUnknownKey
}

// Keys returns a copy of the keys in the set.
func (s *KeySet) Keys() []PublicKey {
	out := make([]PublicKey, len(s.keys))
	for i, k := range s.keys {
		out[i] = *k
	}
	return out
}

// Len returns the number of keys.
func (s *KeySet) Len() int { return len(s.keys) }

type jwk struct {
	Kty    string   `json:"kty"`
	Kid    string   `json:"kid"`
	Alg    string   `json:"alg"`
	Use    string   `json:"use"`
	KeyOps []string `json:"key_ops"`
	Crv    string   `json:"crv"`
	X      string   `json:"x"`
	Y      string   `json:"y"`
	N      string   `json:"n"`
	E      string   `json:"e"`
	D      string   `json:"d"`
	K      string   `json:"k"`
}

// errSkip marks a JWK that is valid but not usable for verification here.
var errSkip = errors.New("skip")

// ParseJWKS parses a JWK Set (RFC 7517), as served by Better Auth's jwt
// plugin at /api/auth/jwks. Keys for other uses (use other than "sig"),
// of unsupported types (oct, X25519, Ed448, ...) or without a usable
// algorithm are skipped; a key whose alg contradicts its type, a key with
// private material, or a set with no usable key is an error (wrapping
// ErrMalformed). A JWK without alg gets the one its type implies: EdDSA for
// Ed25519, ES256/ES384/ES512 for P-256/P-384/P-521, RS256 for RSA.
func ParseJWKS(data []byte) (*KeySet, error) {
	if len(data) > MaxJWKSSize {
		return nil, fmt.Errorf("%w: JWKS larger than %d bytes", ErrMalformed, MaxJWKSSize)
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: JWKS: %v", ErrMalformed, err)
	}
	var keys []PublicKey
	for i, raw := range doc.Keys {
		var j jwk
		if err := json.Unmarshal(raw, &j); err != nil {
			return nil, fmt.Errorf("%w: JWKS key %d: %v", ErrMalformed, i, err)
		}
		k, err := j.publicKey()
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%w: JWKS key %d (kid %q): %v", ErrMalformed, i, j.Kid, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: JWKS has no usable signing key", ErrMalformed)
	}
	s, err := NewKeySet(keys...)
	if err != nil {
		return nil, fmt.Errorf("%w: JWKS: %v", ErrMalformed, err)
	}
	return s, nil
}

func (j *jwk) publicKey() (PublicKey, error) {
	k := PublicKey{ID: j.Kid, Alg: j.Alg}
	if j.D != "" || j.K != "" {
		return k, errors.New("contains private or symmetric key material")
	}
	if j.Use != "" && j.Use != "sig" {
		return k, errSkip
	}
	if j.KeyOps != nil && !slices.Contains(j.KeyOps, "verify") {
		return k, errSkip
	}
	switch j.Kty {
	case "OKP":
		if j.Crv != "Ed25519" {
			return k, errSkip
		}
		x, err := b64Field(j.X, ed25519.PublicKeySize)
		if err != nil {
			return k, fmt.Errorf("x: %v", err)
		}
		k.Key = ed25519.PublicKey(x)
		if k.Alg == "" || k.Alg == "Ed25519" {
			k.Alg = "EdDSA"
		}
	case "EC":
		var curve elliptic.Curve
		var alg string
		switch j.Crv {
		case "P-256":
			curve, alg = elliptic.P256(), "ES256"
		case "P-384":
			curve, alg = elliptic.P384(), "ES384"
		case "P-521":
			curve, alg = elliptic.P521(), "ES512"
		default:
			return k, errSkip
		}
		size := (curve.Params().BitSize + 7) / 8
		x, err := b64Field(j.X, size)
		if err != nil {
			return k, fmt.Errorf("x: %v", err)
		}
		y, err := b64Field(j.Y, size)
		if err != nil {
			return k, fmt.Errorf("y: %v", err)
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
		if err != nil {
			return k, err
		}
		k.Key = pub
		if k.Alg == "" {
			k.Alg = alg
		}
	case "RSA":
		n, err := b64Field(j.N, 0)
		if err != nil {
			return k, fmt.Errorf("n: %v", err)
		}
		e, err := b64Field(j.E, 0)
		if err != nil {
			return k, fmt.Errorf("e: %v", err)
		}
		if len(e) > 4 {
			return k, errors.New("e too large")
		}
		ev := new(big.Int).SetBytes(e)
		k.Key = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(ev.Int64())}
		if k.Alg == "" {
			k.Alg = "RS256"
		}
	default:
		return k, errSkip
	}
	if _, ok := asymAlgs[k.Alg]; !ok {
		return k, errSkip
	}
	return k, checkKey(&k)
}

func b64Field(s string, size int) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, errors.New("invalid base64url")
	}
	if size > 0 && len(b) != size {
		return nil, fmt.Errorf("want %d bytes, got %d", size, len(b))
	}
	if len(b) == 0 {
		return nil, errors.New("empty")
	}
	return b, nil
}

// checkKey verifies that k.Key has the type and size k.Alg needs.
func checkKey(k *PublicKey) error {
	a, ok := asymAlgs[k.Alg]
	if !ok {
		return fmt.Errorf("%w: unsupported key algorithm %q", ErrConfig, k.Alg)
	}
	switch pub := k.Key.(type) {
	case ed25519.PublicKey:
		if a.kind == kindEdDSA && len(pub) == ed25519.PublicKeySize {
			return nil
		}
	case *ecdsa.PublicKey:
		if a.kind == kindECDSA && pub.Curve == a.curve() {
			return nil
		}
	case *rsa.PublicKey:
		if a.kind == kindRSA || a.kind == kindPSS {
			if pub.N == nil || pub.N.BitLen() < 2048 || pub.N.BitLen() > 8192 {
				return fmt.Errorf("%w: RSA key %q must have 2048 to 8192 bits", ErrConfig, k.ID)
			}
			if pub.E < 3 || pub.E%2 == 0 {
				return fmt.Errorf("%w: RSA key %q has an invalid exponent", ErrConfig, k.ID)
			}
			return nil
		}
	}
	return fmt.Errorf("%w: key %q does not match algorithm %s", ErrConfig, k.ID, k.Alg)
}
