package token

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"time"
)

// SigningKey is a private key with the kid and algorithm that its tokens
// carry. Key is an ed25519.PrivateKey (Alg "EdDSA"), an *ecdsa.PrivateKey
// on P-256 (Alg "ES256") or an *rsa.PrivateKey of at least 2048 bits
// (Alg "RS256").
type SigningKey struct {
	ID  string
	Alg string
	Key crypto.Signer
}

// Public returns the verification half of k, for a KeySet or a JWKS.
func (k SigningKey) Public() PublicKey {
	return PublicKey{ID: k.ID, Alg: k.Alg, Key: k.Key.Public()}
}

// KeySigner issues asymmetrically signed tokens with one SigningKey. Its
// tokens verify with a KeySetVerifier holding the key's Public half, or
// with any JOSE library given the JWKS that MarshalJWKS writes. A
// KeySigner is safe for concurrent use.
type KeySigner struct {
	cfg config
	key SigningKey
	hdr string // base64url of the header, with the dot
}

// NewKeySigner returns a signer for key. Only the signing options
// (WithTTL, WithIssuer, WithAudience, WithClock) matter. The key must
// match its Alg, which must be EdDSA, ES256 or RS256, and the ID must not
// be empty.
func NewKeySigner(key SigningKey, opts ...Option) (*KeySigner, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if key.ID == "" || key.Key == nil {
		return nil, fmt.Errorf("%w: a signing key needs an id and a key", ErrConfig)
	}
	switch key.Alg {
	case "EdDSA", "ES256", "RS256":
	default:
		return nil, fmt.Errorf("%w: cannot sign with %q (EdDSA, ES256 or RS256)", ErrConfig, key.Alg)
	}
	pub := key.Public()
	if err := checkKey(&pub); err != nil {
		return nil, err
	}
	h, err := json.Marshal(struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
		Typ string `json:"typ"`
	}{key.Alg, key.ID, "JWT"})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	return &KeySigner{cfg: cfg, key: key, hdr: base64.RawURLEncoding.EncodeToString(h) + "."}, nil
}

// KeyID returns the kid that the signer's tokens carry.
func (s *KeySigner) KeyID() string { return s.key.ID }

// Sign issues a token for c. Defaults and rules are those of HS256.Sign;
// the header is {"alg":…,"kid":…,"typ":"JWT"}.
func (s *KeySigner) Sign(c Claims) (string, error) {
	payload, err := s.cfg.prepare(&c)
	if err != nil {
		return "", err
	}
	out := make([]byte, 0, len(s.hdr)+base64.RawURLEncoding.EncodedLen(len(payload))+1+512)
	out = append(out, s.hdr...)
	out = base64.RawURLEncoding.AppendEncode(out, payload)
	sig, err := signKey(s.key, out)
	if err != nil {
		return "", err
	}
	out = append(out, '.')
	out = base64.RawURLEncoding.AppendEncode(out, sig)
	if len(out) > MaxTokenSize {
		return "", fmt.Errorf("%w: signed token would be %d bytes, over MaxTokenSize", ErrClaims, len(out))
	}
	return string(out), nil
}

// prepare fills the defaults of c and encodes it, with the rules of
// HS256.Sign.
func (cfg *config) prepare(c *Claims) ([]byte, error) {
	if c.Subject == "" {
		return nil, fmt.Errorf("%w: cannot sign a token without a subject", ErrClaims)
	}
	if c.IssuedAt.IsZero() {
		c.IssuedAt = cfg.now()
	}
	if c.ExpiresAt.IsZero() {
		c.ExpiresAt = c.IssuedAt.Add(cfg.ttl)
	}
	if c.Issuer == "" {
		c.Issuer = cfg.issuer
	}
	if len(c.Audience) == 0 {
		c.Audience = cfg.audience
	}
	if !c.ExpiresAt.Truncate(time.Second).After(c.IssuedAt.Truncate(time.Second)) {
		return nil, fmt.Errorf("%w: ExpiresAt must be after IssuedAt", ErrClaims)
	}
	return encodeClaims(c)
}

// signKey signs the JWS signing input with the key's algorithm.
func signKey(k SigningKey, input []byte) ([]byte, error) {
	switch key := k.Key.(type) {
	case ed25519.PrivateKey:
		return ed25519.Sign(key, input), nil
	case *ecdsa.PrivateKey:
		d := sha256.Sum256(input)
		r, s, err := ecdsa.Sign(rand.Reader, key, d[:])
		if err != nil {
			return nil, fmt.Errorf("token: ecdsa sign: %w", err)
		}
		sig := make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		return sig, nil
	case *rsa.PrivateKey:
		d := sha256.Sum256(input)
		sig, err := rsa.SignPKCS1v15(nil, key, crypto.SHA256, d[:])
		if err != nil {
			return nil, fmt.Errorf("token: rsa sign: %w", err)
		}
		return sig, nil
	}
	return nil, fmt.Errorf("%w: unsupported signing key type %T", ErrConfig, k.Key)
}

// publicJWK is the JSON form of a public key in a JWKS.
type publicJWK struct {
	Alg string `json:"alg"`
	Crv string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	Kty string `json:"kty"`
	Kid string `json:"kid,omitempty"`
	Use string `json:"use,omitempty"`
}

// MarshalJWK writes the public key k as a JWK (RFC 7517) with kid and alg:
// OKP/Ed25519, EC (P-256, P-384, P-521) or RSA. It never writes private
// material, whatever Key holds.
func MarshalJWK(k PublicKey) ([]byte, error) {
	j, err := toJWK(k)
	if err != nil {
		return nil, err
	}
	return json.Marshal(j)
}

// MarshalJWKS writes keys as a JWK Set, {"keys":[…]}, which ParseJWKS reads
// back.
func MarshalJWKS(keys []PublicKey) ([]byte, error) {
	set := struct {
		Keys []publicJWK `json:"keys"`
	}{Keys: make([]publicJWK, 0, len(keys))}
	for _, k := range keys {
		j, err := toJWK(k)
		if err != nil {
			return nil, err
		}
		set.Keys = append(set.Keys, j)
	}
	return json.Marshal(set)
}

func toJWK(k PublicKey) (publicJWK, error) {
	if err := checkKey(&k); err != nil {
		return publicJWK{}, err
	}
	b64 := base64.RawURLEncoding.EncodeToString
	j := publicJWK{Alg: k.Alg, Kid: k.ID}
	switch pub := k.Key.(type) {
	case ed25519.PublicKey:
		j.Kty, j.Crv, j.X = "OKP", "Ed25519", b64(pub)
	case *ecdsa.PublicKey:
		size := (pub.Curve.Params().BitSize + 7) / 8
		b, err := pub.Bytes()
		if err != nil {
			return publicJWK{}, fmt.Errorf("%w: %v", ErrConfig, err)
		}
		j.Kty, j.Crv = "EC", pub.Curve.Params().Name
		j.X, j.Y = b64(b[1:1+size]), b64(b[1+size:])
	case *rsa.PublicKey:
		j.Kty, j.N, j.E = "RSA", b64(pub.N.Bytes()), b64(big.NewInt(int64(pub.E)).Bytes())
	}
	return j, nil
}
