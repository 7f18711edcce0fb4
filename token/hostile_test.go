package token

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// flipTrailingBits rewrites the last character of a base64url segment to a
// non-canonical one that decodes to the same bytes (non-zero padding bits).
func flipTrailingBits(seg string) string {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alpha, seg[len(seg)-1])
	return seg[:len(seg)-1] + string(alpha[last|1])
}

// TestHostileTokens lists tokens that must be rejected, one or more per
// verification rule, each with the sentinel it must wrap.
func TestHostileTokens(t *testing.T) {
	exp := unix(time.Hour)
	good := fmt.Sprintf(`{"sub":"u","exp":%d}`, exp)
	goodTok := hs(stdHeader, good)
	parts := strings.Split(goodTok, ".")
	otherSecret := []byte(strings.Repeat("z", 40))
	claims := func(extra string) string { return hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d,%s}`, exp, extra)) }
	payload := func(p string) string { return hs(stdHeader, p) }
	header := func(h string) string { return hs(h, good) }
	// resign signs already-encoded segments, so base64 problems are not
	// masked by a signature failure.
	resign := func(h, p string) string { return signInput(h+"."+p, testSecret, sha256.New) }

	tests := []struct {
		name string
		tok  string
		want error
	}{
		// Size and shape.
		{name: "oversized", tok: strings.Repeat("a", MaxTokenSize+1), want: ErrTooLarge},
		{name: "oversized valid-looking", tok: hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d,"pad":"%s"}`, exp, strings.Repeat("x", 7000))), want: ErrTooLarge},
		{name: "empty", tok: "", want: ErrMalformed},
		{name: "two segments", tok: parts[0] + "." + parts[1], want: ErrMalformed},
		{name: "four segments", tok: goodTok + ".x", want: ErrMalformed},
		{name: "empty signature", tok: parts[0] + "." + parts[1] + ".", want: ErrMalformed},
		{name: "empty header", tok: "." + parts[1] + "." + parts[2], want: ErrMalformed},
		{name: "empty payload", tok: resign(parts[0], ""), want: ErrMalformed},

		// Algorithm pinning.
		{name: "alg none, no signature", tok: enc(`{"alg":"none"}`) + "." + enc(good) + ".", want: ErrMalformed},
		{name: "alg none with signature", tok: header(`{"alg":"none"}`), want: ErrAlgorithm},
		{name: "alg None", tok: header(`{"alg":"None","typ":"JWT"}`), want: ErrAlgorithm},
		{name: "alg NONE", tok: header(`{"alg":"NONE"}`), want: ErrAlgorithm},
		{name: "alg nOnE", tok: header(`{"alg":"nOnE"}`), want: ErrAlgorithm},
		{name: "alg hs256 lower case", tok: header(`{"alg":"hs256"}`), want: ErrAlgorithm},
		{name: "alg with space", tok: header(`{"alg":"HS256 "}`), want: ErrAlgorithm},
		{name: "HS384 same secret", tok: rawToken(`{"alg":"HS384","typ":"JWT"}`, good, testSecret, sha512.New384), want: ErrAlgorithm},
		{name: "HS512 same secret", tok: rawToken(`{"alg":"HS512","typ":"JWT"}`, good, testSecret, sha512.New), want: ErrAlgorithm},
		{name: "RS256 header, HMAC signature", tok: header(`{"alg":"RS256","typ":"JWT"}`), want: ErrAlgorithm},
		{name: "ES256 header, HMAC signature", tok: header(`{"alg":"ES256"}`), want: ErrAlgorithm},
		{name: "EdDSA header, HMAC signature", tok: header(`{"alg":"EdDSA","kid":"k"}`), want: ErrAlgorithm},
		{name: "PS256 header, HMAC signature", tok: header(`{"alg":"PS256"}`), want: ErrAlgorithm},
		{name: "alg not a string", tok: header(`{"alg":["HS256"]}`), want: ErrAlgorithm},
		{name: "no alg", tok: header(`{"typ":"JWT"}`), want: ErrMalformed},
		{name: "duplicate alg", tok: header(`{"alg":"none","alg":"HS256"}`), want: ErrMalformed},
		{name: "case-variant alg", tok: header(`{"alg":"HS256","ALG":"none"}`), want: ErrMalformed},

		// Header parameters.
		{name: "crit exp", tok: header(`{"alg":"HS256","crit":["exp"],"exp":1}`), want: ErrMalformed},
		{name: "crit b64", tok: header(`{"alg":"HS256","b64":false,"crit":["b64"]}`), want: ErrMalformed},
		{name: "empty crit", tok: header(`{"alg":"HS256","crit":[]}`), want: ErrMalformed},
		{name: "session-cache typ", tok: header(`{"alg":"HS256","typ":"better-auth.session-cache+jwt"}`), want: ErrMalformed},
		{name: "header not an object", tok: header(`["HS256"]`), want: ErrMalformed},
		{name: "header trailing data", tok: header(`{"alg":"HS256"}x`), want: ErrMalformed},

		// Signature.
		{name: "wrong secret", tok: rawToken(stdHeader, good, otherSecret, sha256.New), want: ErrSignature},
		{name: "tampered payload", tok: parts[0] + "." + enc(fmt.Sprintf(`{"sub":"admin","exp":%d}`, exp)) + "." + parts[2], want: ErrSignature},
		{name: "truncated signature", tok: goodTok[:len(goodTok)-4], want: ErrSignature},
		{name: "long signature", tok: goodTok + "AAAA", want: ErrSignature},

		// Base64url canonicality.
		{name: "padded payload", tok: resign(parts[0], base64.URLEncoding.EncodeToString([]byte(good+" "))), want: ErrMalformed},
		{name: "padded signature", tok: goodTok + "=", want: ErrMalformed},
		{name: "std alphabet", tok: resign(parts[0], base64.RawStdEncoding.EncodeToString([]byte(`{"sub":"??>","exp":`+fmt.Sprint(exp)+`}`))), want: ErrMalformed},
		{name: "non-canonical header bits", tok: resign(flipTrailingBits(enc(stdHeader+"  ")), parts[1]), want: ErrMalformed},
		{name: "non-canonical payload bits", tok: resign(parts[0], flipTrailingBits(enc(good+" "))), want: ErrMalformed},
		{name: "non-canonical signature bits", tok: parts[0] + "." + parts[1] + "." + flipTrailingBits(parts[2]), want: ErrMalformed},
		{name: "newline in payload", tok: resign(parts[0], parts[1][:8]+"\n"+parts[1][8:]), want: ErrMalformed},
		{name: "carriage return in signature", tok: parts[0] + "." + parts[1] + "." + parts[2][:4] + "\r" + parts[2][4:], want: ErrMalformed},
		{name: "space in token", tok: " " + goodTok, want: ErrMalformed},
		{name: "impossible length", tok: resign(parts[0], parts[1]+"A"), want: ErrMalformed},

		// Payload JSON.
		{name: "payload not an object", tok: payload(`["u"]`), want: ErrMalformed},
		{name: "payload trailing data", tok: payload(good + "{}"), want: ErrMalformed},
		{name: "payload trailing comma", tok: payload(fmt.Sprintf(`{"sub":"u","exp":%d,}`, exp)), want: ErrMalformed},
		{name: "invalid utf-8", tok: claims("\"x\":\"\xff\""), want: ErrMalformed},
		{name: "lone surrogate", tok: claims(`"x":"\ud800"`), want: ErrMalformed},
		{name: "control character", tok: claims("\"x\":\"a\x01\""), want: ErrMalformed},
		{name: "deep nesting", tok: claims(`"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100)), want: ErrMalformed},
		{name: "leading zero", tok: claims(`"x":01`), want: ErrMalformed},
		{name: "duplicate sub", tok: claims(`"sub":"admin"`), want: ErrMalformed},
		{name: "duplicate exp", tok: claims(fmt.Sprintf(`"exp":%d`, exp+999999)), want: ErrMalformed},
		{name: "escaped duplicate sub", tok: claims(`"\u0073ub":"admin"`), want: ErrMalformed},
		{name: "upper-case SUB", tok: claims(`"SUB":"admin"`), want: ErrMalformed},
		{name: "long-s sub (folds to sub)", tok: claims(`"ſub":"admin"`), want: ErrMalformed},
		{name: "duplicate after null", tok: claims(`"email":null,"email":"x@example.com"`), want: ErrMalformed},

		// exp, nbf, iat.
		{name: "no exp", tok: payload(`{"sub":"u"}`), want: ErrClaims},
		{name: "expired", tok: payload(fmt.Sprintf(`{"sub":"u","exp":%d}`, unix(-DefaultLeeway))), want: ErrExpired},
		{name: "expired long ago", tok: payload(`{"sub":"u","exp":1}`), want: ErrExpired},
		{name: "exp zero", tok: payload(`{"sub":"u","exp":0}`), want: ErrExpired},
		{name: "exp string", tok: payload(fmt.Sprintf(`{"sub":"u","exp":"%d"}`, exp)), want: ErrClaims},
		{name: "exp null", tok: payload(`{"sub":"u","exp":null}`), want: ErrClaims},
		{name: "exp exponent", tok: payload(`{"sub":"u","exp":1.9e9}`), want: ErrClaims},
		{name: "exp negative", tok: payload(`{"sub":"u","exp":-1}`), want: ErrClaims},
		{name: "exp huge", tok: payload(`{"sub":"u","exp":99999999999999999999999}`), want: ErrClaims},
		{name: "nbf in future", tok: claims(fmt.Sprintf(`"nbf":%d`, unix(DefaultLeeway+time.Second))), want: ErrNotYetValid},
		{name: "iat in future", tok: claims(fmt.Sprintf(`"iat":%d`, unix(DefaultLeeway+time.Second))), want: ErrNotYetValid},
		{name: "fractional nbf rounds up", tok: claims(fmt.Sprintf(`"nbf":%d.5`, unix(DefaultLeeway))), want: ErrNotYetValid},
		{name: "nbf string", tok: claims(`"nbf":"0"`), want: ErrClaims},
		// The default leeway is at most a minute, whatever DefaultLeeway says.
		{name: "expired 61 s ago", tok: payload(fmt.Sprintf(`{"sub":"u","exp":%d}`, unix(-61*time.Second))), want: ErrExpired},
		{name: "nbf 61 s ahead", tok: claims(fmt.Sprintf(`"nbf":%d`, unix(61*time.Second))), want: ErrNotYetValid},
		{name: "iat 61 s ahead", tok: claims(fmt.Sprintf(`"iat":%d`, unix(61*time.Second))), want: ErrNotYetValid},

		// sub.
		{name: "no sub", tok: payload(fmt.Sprintf(`{"exp":%d}`, exp)), want: ErrClaims},
		{name: "empty sub", tok: payload(fmt.Sprintf(`{"sub":"","exp":%d}`, exp)), want: ErrClaims},
		{name: "null sub", tok: payload(fmt.Sprintf(`{"sub":null,"exp":%d}`, exp)), want: ErrClaims},
		{name: "float sub", tok: payload(fmt.Sprintf(`{"sub":1.0,"exp":%d}`, exp)), want: ErrClaims},
		{name: "exponent sub", tok: payload(fmt.Sprintf(`{"sub":1e3,"exp":%d}`, exp)), want: ErrClaims},
		{name: "negative sub", tok: payload(fmt.Sprintf(`{"sub":-1,"exp":%d}`, exp)), want: ErrClaims},
		{name: "huge sub", tok: payload(fmt.Sprintf(`{"sub":9223372036854775808,"exp":%d}`, exp)), want: ErrClaims},
		{name: "very huge sub", tok: payload(fmt.Sprintf(`{"sub":123456789012345678901234567890,"exp":%d}`, exp)), want: ErrClaims},
		{name: "bool sub", tok: payload(fmt.Sprintf(`{"sub":true,"exp":%d}`, exp)), want: ErrClaims},
		{name: "object sub", tok: payload(fmt.Sprintf(`{"sub":{"id":1},"exp":%d}`, exp)), want: ErrClaims},

		// Other claim types.
		{name: "email number", tok: claims(`"email":1`), want: ErrClaims},
		{name: "sid object", tok: claims(`"sid":{}`), want: ErrClaims},
		{name: "iss array", tok: claims(`"iss":["a"]`), want: ErrClaims},
		{name: "aud number", tok: claims(`"aud":1`), want: ErrClaims},
		{name: "aud array of numbers", tok: claims(`"aud":["a",1]`), want: ErrClaims},
		{name: "too many audiences", tok: claims(`"aud":[` + strings.TrimSuffix(strings.Repeat(`"a",`, maxAudience+1), ",") + `]`), want: ErrClaims},
	}
	k := newTestHS256(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := k.Verify(context.Background(), tt.tok)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v (claims %+v)", err, tt.want, c)
			}
			if c.Subject != "" {
				t.Fatalf("rejected token still returned claims %+v", c)
			}
		})
	}
	// Sanity: the base token passes, so each rejection above is caused by
	// its own change.
	if _, err := k.Verify(context.Background(), goodTok); err != nil {
		t.Fatalf("base token rejected: %v", err)
	}
}

// TestIssuerAudienceRequired covers RequireIssuer and RequireAudience.
func TestIssuerAudienceRequired(t *testing.T) {
	k := newTestHS256(t, RequireIssuer("https://a.example", "https://b.example"), RequireAudience("https://a.example"))
	exp := unix(time.Hour)
	tests := []struct {
		name string
		body string
		want error
	}{
		{name: "both ok", body: `"iss":"https://b.example","aud":"https://a.example"`, want: nil},
		{name: "aud array contains", body: `"iss":"https://a.example","aud":["x","https://a.example"]`, want: nil},
		{name: "wrong iss", body: `"iss":"https://evil.example","aud":"https://a.example"`, want: ErrClaims},
		{name: "iss prefix", body: `"iss":"https://a.example.evil","aud":"https://a.example"`, want: ErrClaims},
		{name: "missing iss", body: `"aud":"https://a.example"`, want: ErrClaims},
		{name: "null iss", body: `"iss":null,"aud":"https://a.example"`, want: ErrClaims},
		{name: "wrong aud", body: `"iss":"https://a.example","aud":"https://b.example"`, want: ErrClaims},
		{name: "empty aud array", body: `"iss":"https://a.example","aud":[]`, want: ErrClaims},
		{name: "missing aud", body: `"iss":"https://a.example"`, want: ErrClaims},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := k.Verify(context.Background(), hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d,%s}`, exp, tt.body)))
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
		})
	}
}
