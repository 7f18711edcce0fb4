package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// EmailClaims is the payload of Better Auth's email-verification JWT
// (HS256 with the secret, header {"alg":"HS256"}): the lower-cased
// email, for a change of email the new address (UpdateTo), the flow
// (RequestType) and the user id, then iat and exp. The field order is
// Better Auth's, so that tokens match byte for byte in shape.
type EmailClaims struct {
	Email       string `json:"email"`
	UpdateTo    string `json:"updateTo,omitempty"`
	RequestType string `json:"requestType,omitempty"`
	UserID      string `json:"userId,omitempty"`
	IssuedAt    int64  `json:"iat"`
	ExpiresAt   int64  `json:"exp"`
}

// Errors of ParseEmailToken.
var (
	errEmailTokenInvalid = errors.New("auth: invalid email token")
	errEmailTokenExpired = errors.New("auth: email token expired")
)

const emailTokenHeader = `{"alg":"HS256"}`

// SignEmailToken signs c (IssuedAt and ExpiresAt as given).
func SignEmailToken(secret []byte, c EmailClaims) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	input := enc.EncodeToString([]byte(emailTokenHeader)) + "." + enc.EncodeToString(payload)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(input))
	return input + "." + enc.EncodeToString(m.Sum(nil)), nil
}

// ParseEmailToken verifies an email-verification JWT as jose's jwtVerify
// with algorithms ["HS256"] does: the header's alg must be HS256 (no
// "crit"), the signature must match, exp (when present) must be after
// now, nbf (when present) not after now, and iat must be a number. It
// returns errEmailTokenExpired or errEmailTokenInvalid.
func ParseEmailToken(secret []byte, tok string, now time.Time) (EmailClaims, error) {
	var c EmailClaims
	parts := strings.Split(tok, ".")
	if len(tok) > 8192 || len(parts) != 3 {
		return c, errEmailTokenInvalid
	}
	enc := base64.RawURLEncoding
	hb, err1 := enc.DecodeString(parts[0])
	pb, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil {
		return c, errEmailTokenInvalid
	}
	var h map[string]any
	if json.Unmarshal(hb, &h) != nil || h["alg"] != "HS256" || h["crit"] != nil {
		return c, errEmailTokenInvalid
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(sig, m.Sum(nil)) {
		return c, errEmailTokenInvalid
	}
	var raw map[string]any
	if json.Unmarshal(pb, &raw) != nil || raw == nil {
		return c, errEmailTokenInvalid
	}
	num := func(k string) (float64, bool, bool) {
		v, present := raw[k]
		if !present {
			return 0, false, true
		}
		f, ok := v.(float64)
		return f, true, ok
	}
	sec := float64(now.Unix())
	if iat, present, ok := num("iat"); present && !ok {
		return c, errEmailTokenInvalid
	} else if present {
		c.IssuedAt = int64(iat)
	}
	if nbf, present, ok := num("nbf"); present && (!ok || nbf > sec) {
		return c, errEmailTokenInvalid
	}
	if exp, present, ok := num("exp"); present {
		if !ok {
			return c, errEmailTokenInvalid
		}
		if exp <= sec {
			return c, errEmailTokenExpired
		}
		c.ExpiresAt = int64(exp)
	}
	str := func(k string) (string, bool) {
		v, present := raw[k]
		if !present {
			return "", true
		}
		s, ok := v.(string)
		return s, ok
	}
	var ok [4]bool
	c.Email, ok[0] = str("email")
	c.UpdateTo, ok[1] = str("updateTo")
	c.RequestType, ok[2] = str("requestType")
	c.UserID, ok[3] = str("userId")
	if !ok[0] || !ok[1] || !ok[2] || !ok[3] || !ValidEmail(c.Email) {
		// Better Auth's zod parse of the payload throws here (a 500);
		// Latch answers as for any invalid token.
		return c, errEmailTokenInvalid
	}
	return c, nil
}
