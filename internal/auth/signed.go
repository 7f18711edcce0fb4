package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
	"unicode/utf8"
)

// signatureLen is the length of a standard-base64 HMAC-SHA256 with
// padding.
const signatureLen = 44

// Sign returns value + "." + base64std(HMAC-SHA256(secret, value)), the
// un-encoded form of a Better Auth signed cookie (and of the
// set-auth-token header).
func Sign(secret []byte, value string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(value))
	return value + "." + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// SignCookieValue returns the Set-Cookie value of a signed cookie:
// Sign(secret, value) encoded like JavaScript's encodeURIComponent.
func SignCookieValue(secret []byte, value string) string {
	return EncodeURIComponent(Sign(secret, value))
}

// VerifySigned checks a signed value that has already been URL-decoded:
// it splits at the last ".", requires a 44-character signature ending in
// "=" and an HMAC that matches (compared in constant time). It returns the
// signed value and true, or "" and false.
func VerifySigned(secret []byte, signed string) (string, bool) {
	i := strings.LastIndexByte(signed, '.')
	if i < 1 {
		return "", false
	}
	value, sig := signed[:i], signed[i+1:]
	if len(sig) != signatureLen || sig[len(sig)-1] != '=' {
		return "", false
	}
	got, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return "", false
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(value))
	if !hmac.Equal(got, m.Sum(nil)) {
		return "", false
	}
	return value, true
}

// ParseBearer turns an Authorization: Bearer credential into a session
// token the way Better Auth's bearer plugin does: a value containing "."
// is a signed token (URL-decoded when it contains "%") and must carry a
// valid signature; a value without "." is a raw session token and is
// accepted as it is. The empty string is never accepted.
func ParseBearer(secret []byte, credential string) (string, bool) {
	credential = strings.TrimSpace(credential)
	if credential == "" {
		return "", false
	}
	if !strings.Contains(credential, ".") {
		return credential, true
	}
	return VerifySigned(secret, TryDecode(credential))
}

// TryDecode URL-decodes s (decodeURIComponent) when it contains "%",
// returning s unchanged when it is not valid percent-encoding.
func TryDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	d, err := url.PathUnescape(s)
	if err != nil || !utf8.ValidString(d) {
		// decodeURIComponent throws on bad escapes and on escapes that
		// are not UTF-8; Better Auth then keeps the raw value.
		return s
	}
	return d
}

// EncodeURIComponent escapes s like JavaScript's encodeURIComponent: every
// byte except A-Z a-z 0-9 - _ . ! ~ * ' ( ) is percent-encoded.
func EncodeURIComponent(s string) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}
