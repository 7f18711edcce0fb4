package token

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// wireClaims is the JSON form written by Sign.
type wireClaims struct {
	Subject   string `json:"sub"`
	Email     string `json:"email,omitempty"`
	SessionID string `json:"sid,omitempty"`
	IssuedAt  int64  `json:"iat"`
	ExpiresAt int64  `json:"exp"`
	NotBefore int64  `json:"nbf,omitempty"`
	Issuer    string `json:"iss,omitempty"`
	Audience  any    `json:"aud,omitempty"`
}

func encodeClaims(c *Claims) ([]byte, error) {
	for _, s := range append([]string{c.Subject, c.Email, c.SessionID, c.Issuer}, c.Audience...) {
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("%w: claims must be valid UTF-8", ErrClaims)
		}
	}
	w := wireClaims{
		Subject:   c.Subject,
		Email:     c.Email,
		SessionID: c.SessionID,
		IssuedAt:  c.IssuedAt.Unix(),
		ExpiresAt: c.ExpiresAt.Unix(),
		Issuer:    c.Issuer,
	}
	if w.IssuedAt < 0 || w.ExpiresAt > maxNumericDate {
		return nil, fmt.Errorf("%w: times must lie between 1970 and 9999", ErrClaims)
	}
	if !c.NotBefore.IsZero() {
		w.NotBefore = c.NotBefore.Unix()
		if w.NotBefore <= 0 {
			return nil, fmt.Errorf("%w: NotBefore must be after 1970", ErrClaims)
		}
	}
	switch len(c.Audience) {
	case 0:
	case 1:
		w.Audience = c.Audience[0]
	default:
		if len(c.Audience) > maxAudience {
			return nil, fmt.Errorf("%w: at most %d audiences", ErrClaims, maxAudience)
		}
		w.Audience = c.Audience
	}
	b, err := json.Marshal(&w)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrClaims, err)
	}
	return b, nil
}
