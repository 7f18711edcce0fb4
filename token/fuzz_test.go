package token

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// refVerify is an independent, slow reference implementation of the HS256
// rules, built on encoding/base64 and encoding/json. Everything
// HS256.Verify accepts must be accepted by it with the same claims (it may
// accept more: it does not look for duplicate keys, for instance).
func refVerify(tok string, secret []byte, now time.Time, leeway time.Duration) (Claims, error) {
	var c Claims
	if len(tok) > MaxTokenSize || strings.ContainsAny(tok, "\r\n") {
		return c, errors.New("size or line break")
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return c, errors.New("segments")
	}
	dec := base64.RawURLEncoding.Strict()
	hb, err1 := dec.DecodeString(parts[0])
	pb, err2 := dec.DecodeString(parts[1])
	sig, err3 := dec.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return c, err
	}
	var h map[string]json.RawMessage
	if err := json.Unmarshal(hb, &h); err != nil {
		return c, err
	}
	var alg, typ string
	if json.Unmarshal(h["alg"], &alg) != nil || alg != "HS256" {
		return c, errors.New("alg")
	}
	if _, ok := h["crit"]; ok {
		return c, errors.New("crit")
	}
	if raw, ok := h["typ"]; ok && (json.Unmarshal(raw, &typ) != nil || !strings.EqualFold(typ, "JWT")) {
		return c, errors.New("typ")
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(parts[0] + "." + parts[1]))
	if !hmac.Equal(m.Sum(nil), sig) {
		return c, errors.New("signature")
	}
	d := json.NewDecoder(bytes.NewReader(pb))
	d.UseNumber()
	var p map[string]any
	if err := d.Decode(&p); err != nil || d.More() {
		return c, errors.New("payload")
	}
	numDate := func(name string, up bool) (time.Time, bool, error) {
		v, ok := p[name]
		if !ok || v == nil {
			return time.Time{}, false, nil
		}
		n, isNum := v.(json.Number)
		if !isNum || strings.ContainsAny(string(n), "eE-") {
			return time.Time{}, false, errors.New(name)
		}
		ip, frac, _ := strings.Cut(string(n), ".")
		sec, err := strconv.ParseInt(ip, 10, 64)
		if err != nil || sec > maxNumericDate {
			return time.Time{}, false, errors.New(name)
		}
		if up && strings.Trim(frac, "0") != "" {
			sec++
		}
		return time.Unix(sec, 0).UTC(), true, nil
	}
	exp, ok, err := numDate("exp", false)
	if err != nil || !ok {
		return c, errors.New("exp")
	}
	if !now.Before(exp.Add(leeway)) {
		return c, errors.New("expired")
	}
	c.ExpiresAt = exp
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"nbf", &c.NotBefore}, {"iat", &c.IssuedAt}} {
		tm, ok, err := numDate(f.name, true)
		if err != nil {
			return c, err
		}
		if ok && now.Add(leeway).Before(tm) {
			return c, errors.New("future " + f.name)
		}
		*f.dst = tm
	}
	switch sub := p["sub"].(type) {
	case string:
		c.Subject = sub
	case json.Number:
		if _, err := strconv.ParseUint(string(sub), 10, 63); err != nil {
			return c, errors.New("sub number")
		}
		c.Subject = string(sub)
	}
	if c.Subject == "" {
		return c, errors.New("sub")
	}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"email", &c.Email}, {"sid", &c.SessionID}, {"iss", &c.Issuer}} {
		switch v := p[f.name].(type) {
		case nil:
		case string:
			*f.dst = v
		default:
			return c, errors.New(f.name)
		}
	}
	switch v := p["aud"].(type) {
	case nil:
	case string:
		c.Audience = []string{v}
	case []any:
		for _, a := range v {
			s, ok := a.(string)
			if !ok {
				return c, errors.New("aud")
			}
			c.Audience = append(c.Audience, s)
		}
	default:
		return c, errors.New("aud")
	}
	return c, nil
}

// checkAgainstRef verifies tok with k and, if accepted, with refVerify.
func checkAgainstRef(t *testing.T, k *HS256, tok string) {
	t.Helper()
	got, err := k.Verify(context.Background(), tok)
	if err != nil {
		for _, s := range []error{ErrMalformed, ErrAlgorithm, ErrSignature, ErrExpired, ErrNotYetValid, ErrClaims} {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("error %v wraps no sentinel", err)
	}
	want, refErr := refVerify(tok, testSecret, testNow, DefaultLeeway)
	if refErr != nil {
		t.Fatalf("we accepted %q (claims %+v) but the reference rejects it: %v", tok, got, refErr)
	}
	if len(want.Audience) == 0 {
		want.Audience = nil
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("token %q\nours %+v\nref  %+v", tok, got, want)
	}
}

// FuzzVerify feeds arbitrary tokens, and arbitrary headers and payloads
// signed with the right secret (so that the claim parser is reached), to
// HS256.Verify. It must never panic, must wrap a sentinel on rejection,
// and must accept nothing the reference implementation rejects.
func FuzzVerify(f *testing.F) {
	exp := unix(time.Hour)
	seeds := []struct{ h, p string }{
		{stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d}`, exp)},
		{`{"alg":"HS256"}`, fmt.Sprintf(`{"sub":123,"exp":%d.5,"iat":%d,"nbf":%d,"email":"a@b.c","sid":"s","iss":"i","aud":["a","b"]}`, exp, unix(0), unix(0))},
		{`{"alg":"none"}`, fmt.Sprintf(`{"sub":"u","exp":%d}`, exp)},
		{stdHeader, fmt.Sprintf(`{"sub":"\u00e9\ud83d\ude00","exp":%d,"x":{"y":[1,true,null,"\n"]}}`, exp)},
		{stdHeader, fmt.Sprintf(`{"sub":"a","sub":"b","exp":%d}`, exp)},
		{`{"alg":"HS256","crit":["x"]}`, `{}`},
	}
	for _, s := range seeds {
		f.Add(hs(s.h, s.p), []byte(s.h), []byte(s.p))
	}
	f.Add("a.b.c", []byte("{"), []byte("}"))
	k := newTestHS256(f)
	f.Fuzz(func(t *testing.T, tok string, header, payload []byte) {
		checkAgainstRef(t, k, tok)
		checkAgainstRef(t, k, hs(string(header), string(payload)))
	})
}

// FuzzBase64 checks our decoder against encoding/base64's strict,
// unpadded URL decoder (which, unlike ours, skips line breaks).
func FuzzBase64(f *testing.F) {
	for _, s := range []string{"", "A", "AA", "AB", "AAA", "AAB", "AAAA", "eyJhbGciOiJIUzI1NiJ9", "a-_b", "a+/b", "AA==", "AA\nAA"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		dst := make([]byte, b64DecodedLen(len(src))+2)
		got, ok := b64Decode(dst, src)
		want, err := base64.RawURLEncoding.Strict().DecodeString(string(src))
		if bytes.ContainsAny(src, "\r\n") {
			if ok {
				t.Fatalf("accepted a line break in %q", src)
			}
			return
		}
		if ok != (err == nil) {
			t.Fatalf("%q: ours ok=%v, encoding/base64 err=%v", src, ok, err)
		}
		if ok && !bytes.Equal(got, want) {
			t.Fatalf("%q: ours %x, encoding/base64 %x", src, got, want)
		}
	})
}

// FuzzParseJWKS: ParseJWKS never panics, and what it returns is usable.
func FuzzParseJWKS(f *testing.F) {
	f.Add([]byte(`{"keys":[{"alg":"EdDSA","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP","kid":"a"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"e"}]}`))
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"AQAB","e":"AQAB"}]}`))
	f.Add([]byte(`{"keys":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseJWKS(data)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if s.Len() == 0 {
			t.Fatal("empty set without error")
		}
		for _, k := range s.Keys() {
			if err := checkKey(&k); err != nil {
				t.Fatalf("returned unusable key: %v", err)
			}
		}
	})
}
