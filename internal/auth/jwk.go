package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// ErrKey means a stored signing key cannot be used: it does not decrypt
// with any configured secret, or its JWK is malformed. The message never
// holds key material.
var ErrKey = errors.New("auth: unusable signing key")

// privateJWK is a private key in the JSON form jose's exportJWK writes,
// which is what Better Auth's jwt plugin stores (encrypted).
type privateJWK struct {
	Crv string `json:"crv,omitempty"`
	D   string `json:"d,omitempty"`
	X   string `json:"x,omitempty"`
	Y   string `json:"y,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	P   string `json:"p,omitempty"`
	Q   string `json:"q,omitempty"`
	DP  string `json:"dp,omitempty"`
	DQ  string `json:"dq,omitempty"`
	QI  string `json:"qi,omitempty"`
	Kty string `json:"kty"`
}

var b64 = base64.RawURLEncoding

// generateKey makes a new key pair for alg and returns it with its private
// and public JWK JSON (jose's field set) and curve name.
func generateKey(alg string) (key crypto.Signer, priv, pub []byte, crv string, err error) {
	var j privateJWK
	switch alg {
	case "EdDSA":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, nil, nil, "", err
		}
		key, crv = k, "Ed25519"
		j = privateJWK{Kty: "OKP", Crv: crv, X: b64.EncodeToString(k.Public().(ed25519.PublicKey)), D: b64.EncodeToString(k.Seed())}
	case "ES256":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, nil, "", err
		}
		pt, err := k.PublicKey.Bytes()
		if err != nil {
			return nil, nil, nil, "", err
		}
		d, err := k.Bytes()
		if err != nil {
			return nil, nil, nil, "", err
		}
		key, crv = k, "P-256"
		j = privateJWK{Kty: "EC", Crv: crv, X: b64.EncodeToString(pt[1:33]), Y: b64.EncodeToString(pt[33:]), D: b64.EncodeToString(d)}
	case "RS256":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, nil, nil, "", err
		}
		key = k
		e := big.NewInt(int64(k.E)).Bytes()
		j = privateJWK{Kty: "RSA", N: b64.EncodeToString(k.N.Bytes()), E: b64.EncodeToString(e),
			D: b64.EncodeToString(k.D.Bytes()), P: b64.EncodeToString(k.Primes[0].Bytes()), Q: b64.EncodeToString(k.Primes[1].Bytes()),
			DP: b64.EncodeToString(k.Precomputed.Dp.Bytes()), DQ: b64.EncodeToString(k.Precomputed.Dq.Bytes()),
			QI: b64.EncodeToString(k.Precomputed.Qinv.Bytes())}
	default:
		return nil, nil, nil, "", fmt.Errorf("%w: cannot generate %q keys", ErrKey, alg)
	}
	if priv, err = json.Marshal(j); err != nil {
		return nil, nil, nil, "", err
	}
	pubJ := j
	pubJ.D, pubJ.P, pubJ.Q, pubJ.DP, pubJ.DQ, pubJ.QI = "", "", "", "", "", ""
	if pub, err = json.Marshal(pubJ); err != nil {
		return nil, nil, nil, "", err
	}
	return key, priv, pub, crv, nil
}

// parsePrivateJWK reads a private JWK written by jose or generateKey.
func parsePrivateJWK(data []byte) (crypto.Signer, error) {
	var j privateJWK
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, fmt.Errorf("%w: private JWK is not JSON", ErrKey)
	}
	field := func(s string) []byte {
		b, err := b64.DecodeString(s)
		if err != nil {
			return nil
		}
		return b
	}
	switch {
	case j.Kty == "OKP" && j.Crv == "Ed25519":
		d := field(j.D)
		if len(d) != ed25519.SeedSize {
			break
		}
		return ed25519.NewKeyFromSeed(d), nil
	case j.Kty == "EC" && j.Crv == "P-256":
		k, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), field(j.D))
		if err != nil {
			break
		}
		return k, nil
	case j.Kty == "RSA":
		n, e, d, p, q := field(j.N), field(j.E), field(j.D), field(j.P), field(j.Q)
		if n == nil || e == nil || d == nil || p == nil || q == nil || len(e) > 4 {
			break
		}
		k := &rsa.PrivateKey{
			PublicKey: rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())},
			D:         new(big.Int).SetBytes(d),
			Primes:    []*big.Int{new(big.Int).SetBytes(p), new(big.Int).SetBytes(q)},
		}
		if k.Validate() != nil {
			break
		}
		k.Precompute()
		return k, nil
	}
	return nil, fmt.Errorf("%w: unsupported or malformed private JWK (kty %q)", ErrKey, j.Kty)
}

// encryptPrivate encrypts a private JWK as Better Auth's symmetricEncrypt
// does with a plain secret: XChaCha20-Poly1305 under SHA-256(secret), the
// random 24-byte nonce first, hex; stored as a JSON string.
func encryptPrivate(secret, plain []byte) (string, error) {
	k := sha256.Sum256(secret)
	aead, err := chacha20poly1305.NewX(k[:])
	if err != nil {
		return "", err
	}
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		return "", err
	}
	out = aead.Seal(out, out, plain, nil)
	s, err := json.Marshal(hex.EncodeToString(out))
	return string(s), err
}

// decryptPrivate reverses encryptPrivate with the first secret that opens
// it. It also reads a row written with Better Auth's
// disablePrivateKeyEncryption (the JWK itself) and a versioned envelope
// ("$ba$<version>$<hex>", BETTER_AUTH_SECRETS), trying every secret.
func decryptPrivate(stored string, secrets [][]byte) ([]byte, error) {
	s := strings.TrimSpace(stored)
	if strings.HasPrefix(s, "{") {
		return []byte(s), nil
	}
	var h string
	if err := json.Unmarshal([]byte(s), &h); err != nil {
		h = s
	}
	if strings.HasPrefix(h, "$ba$") {
		if i := strings.IndexByte(h[4:], '$'); i >= 0 {
			h = h[4+i+1:]
		}
	}
	box, err := hex.DecodeString(h)
	if err != nil || len(box) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, fmt.Errorf("%w: private key is not an encrypted value", ErrKey)
	}
	for _, secret := range secrets {
		k := sha256.Sum256(secret)
		aead, err := chacha20poly1305.NewX(k[:])
		if err != nil {
			return nil, err
		}
		plain, err := aead.Open(nil, box[:aead.NonceSize()], box[aead.NonceSize():], nil)
		if err == nil {
			return plain, nil
		}
	}
	return nil, fmt.Errorf("%w: private key does not decrypt with the current or a previous secret", ErrKey)
}
