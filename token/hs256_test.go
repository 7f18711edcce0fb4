package token

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestNewHS256Config(t *testing.T) {
	long := []byte(strings.Repeat("k", MinSecretSize))
	tests := []struct {
		name    string
		secrets [][]byte
		opts    []Option
	}{
		{name: "no secrets", secrets: nil},
		{name: "short secret", secrets: [][]byte{[]byte("too short")}},
		{name: "31 bytes", secrets: [][]byte{long[:31]}},
		{name: "short rotation secret", secrets: [][]byte{long, long[:10]}},
		{name: "negative leeway", secrets: [][]byte{long}, opts: []Option{WithLeeway(-time.Second)}},
		{name: "huge leeway", secrets: [][]byte{long}, opts: []Option{WithLeeway(time.Hour)}},
		{name: "zero ttl", secrets: [][]byte{long}, opts: []Option{WithTTL(0)}},
		{name: "nil clock", secrets: [][]byte{long}, opts: []Option{WithClock(nil)}},
		{name: "empty RequireIssuer", secrets: [][]byte{long}, opts: []Option{RequireIssuer()}},
		{name: "empty RequireAudience", secrets: [][]byte{long}, opts: []Option{RequireAudience()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewHS256(tt.secrets, tt.opts...)
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err = %v, want ErrConfig", err)
			}
		})
	}
	t.Run("short secret message", func(t *testing.T) {
		_, err := NewHS256([][]byte{[]byte("short")})
		if err == nil || !strings.Contains(err.Error(), "at least 32") {
			t.Fatalf("err = %v, want a message naming the 32-byte minimum", err)
		}
	})
	t.Run("32 bytes ok", func(t *testing.T) {
		if _, err := NewHS256([][]byte{long}); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSignVerifyRoundTrip(t *testing.T) {
	k := newTestHS256(t, WithIssuer("https://a.example"), WithAudience("https://a.example"),
		RequireIssuer("https://a.example"), RequireAudience("https://a.example"))
	in := Claims{Subject: "user-1", Email: "a@example.com", SessionID: "sess-1"}
	tok, err := k.Sign(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := k.Verify(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	want := Claims{
		Subject: "user-1", Email: "a@example.com", SessionID: "sess-1",
		Issuer: "https://a.example", Audience: []string{"https://a.example"},
		IssuedAt: testNow, ExpiresAt: testNow.Add(DefaultTTL),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("claims = %+v\nwant     %+v", got, want)
	}
}

func TestSignWireFormat(t *testing.T) {
	k := newTestHS256(t, WithIssuer("https://a.example"), WithAudience("https://a.example"), WithTTL(time.Hour))
	tok, err := k.Sign(Claims{Subject: "42", Email: "a@example.com", SessionID: "s"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	hdr, _ := base64.RawURLEncoding.DecodeString(parts[0])
	pay, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if string(hdr) != `{"alg":"HS256","typ":"JWT"}` {
		t.Errorf("header = %s", hdr)
	}
	want := fmt.Sprintf(`{"sub":"42","email":"a@example.com","sid":"s","iat":%d,"exp":%d,"iss":"https://a.example","aud":"https://a.example"}`,
		testNow.Unix(), testNow.Add(time.Hour).Unix())
	if string(pay) != want {
		t.Errorf("payload = %s\nwant      %s", pay, want)
	}

	t.Run("no sid, several audiences", func(t *testing.T) {
		tok, err := k.Sign(Claims{Subject: "42", Audience: []string{"a", "b"}})
		if err != nil {
			t.Fatal(err)
		}
		pay, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[1])
		if strings.Contains(string(pay), `"sid"`) || !strings.Contains(string(pay), `"aud":["a","b"]`) {
			t.Errorf("payload = %s", pay)
		}
	})
}

func TestSignErrors(t *testing.T) {
	k := newTestHS256(t)
	tests := []struct {
		name string
		c    Claims
	}{
		{name: "no subject", c: Claims{}},
		{name: "expires before issued", c: Claims{Subject: "1", IssuedAt: testNow, ExpiresAt: testNow.Add(-time.Second)}},
		{name: "invalid utf-8", c: Claims{Subject: "\xff"}},
		{name: "too large", c: Claims{Subject: strings.Repeat("x", MaxTokenSize)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := k.Sign(tt.c); !errors.Is(err, ErrClaims) {
				t.Fatalf("err = %v, want ErrClaims", err)
			}
		})
	}
}

func TestRotation(t *testing.T) {
	oldS := []byte(strings.Repeat("o", 40))
	newS := []byte(strings.Repeat("n", 40))
	clock := WithClock(func() time.Time { return testNow })
	oldK, _ := NewHS256([][]byte{oldS}, clock)
	newK, _ := NewHS256([][]byte{newS}, clock)
	both, err := NewHS256([][]byte{newS, oldS}, clock)
	if err != nil {
		t.Fatal(err)
	}
	oldTok, _ := oldK.Sign(Claims{Subject: "1"})
	bothTok, _ := both.Sign(Claims{Subject: "1"})
	ctx := context.Background()
	if _, err := both.Verify(ctx, oldTok); err != nil {
		t.Errorf("old token with rotated verifier: %v", err)
	}
	if _, err := newK.Verify(ctx, bothTok); err != nil {
		t.Errorf("rotated verifier must sign with the first secret: %v", err)
	}
	if _, err := oldK.Verify(ctx, bothTok); !errors.Is(err, ErrSignature) {
		t.Errorf("old-only verifier accepted a new token: %v", err)
	}
}

func TestVerifyAccepts(t *testing.T) {
	k := newTestHS256(t)
	exp := unix(time.Hour)
	tests := []struct {
		name    string
		tok     string
		wantSub string
		check   func(t *testing.T, c Claims)
	}{
		{name: "FastAPI integer sub", tok: hs(stdHeader, fmt.Sprintf(`{"sub":123,"exp":%d}`, exp)), wantSub: "123"},
		{name: "zero sub", tok: hs(stdHeader, fmt.Sprintf(`{"sub":0,"exp":%d}`, exp)), wantSub: "0"},
		{name: "max int64 sub", tok: hs(stdHeader, fmt.Sprintf(`{"sub":9223372036854775807,"exp":%d}`, exp)), wantSub: "9223372036854775807"},
		{name: "header without typ", tok: hs(`{"alg":"HS256"}`, fmt.Sprintf(`{"sub":"u","exp":%d}`, exp)), wantSub: "u"},
		{name: "lower-case typ", tok: hs(`{"typ":"jwt","alg":"HS256","kid":"k1"}`, fmt.Sprintf(`{"sub":"u","exp":%d}`, exp)), wantSub: "u"},
		{name: "whitespace and unknown claims", tok: hs(" { \"alg\" : \"HS256\" } ", fmt.Sprintf("{ \"sub\" : \"u\",\n\"exp\" : %d , \"user\": {\"roles\": [1, 2.5e3, true, null, \"x\"]} }\t", exp)), wantSub: "u"},
		{name: "escaped sub", tok: hs(stdHeader, fmt.Sprintf(`{"sub":"a\"b\\c\u00e9\ud83d\ude00","exp":%d}`, exp)), wantSub: "a\"b\\cé😀"},
		{name: "escaped key", tok: hs(stdHeader, fmt.Sprintf(`{"\u0073ub":"u","exp":%d}`, exp)), wantSub: "u"},
		{name: "fractional exp", tok: hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d.75}`, exp)), wantSub: "u",
			check: func(t *testing.T, c Claims) {
				if c.ExpiresAt.Unix() != exp {
					t.Errorf("exp = %d, want %d (rounded down)", c.ExpiresAt.Unix(), exp)
				}
			}},
		{name: "null optional claims", tok: hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d,"email":null,"nbf":null}`, exp)), wantSub: "u"},
		{name: "expired within leeway", tok: hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d}`, unix(-DefaultLeeway+time.Second))), wantSub: "u"},
		{name: "nbf within leeway", tok: hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d,"nbf":%d,"iat":%d}`, exp, unix(DefaultLeeway), unix(DefaultLeeway))), wantSub: "u"},
		{name: "aud array", tok: hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d,"aud":["a","b"]}`, exp)), wantSub: "u",
			check: func(t *testing.T, c Claims) {
				if !reflect.DeepEqual(c.Audience, []string{"a", "b"}) {
					t.Errorf("aud = %q", c.Audience)
				}
			}},
		{name: "any iss and aud when not required", tok: hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d,"iss":"https://elsewhere.example","aud":["x","y"]}`, exp)), wantSub: "u",
			check: func(t *testing.T, c Claims) {
				if c.Issuer != "https://elsewhere.example" || len(c.Audience) != 2 {
					t.Errorf("iss %q aud %q", c.Issuer, c.Audience)
				}
			}},
		{name: "ignored jku", tok: hs(`{"alg":"HS256","jku":"https://evil.example/jwks","x5u":"x"}`, fmt.Sprintf(`{"sub":"u","exp":%d}`, exp)), wantSub: "u"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := k.Verify(context.Background(), tt.tok)
			if err != nil {
				t.Fatal(err)
			}
			if c.Subject != tt.wantSub {
				t.Errorf("sub = %q, want %q", c.Subject, tt.wantSub)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

func TestLeewayOption(t *testing.T) {
	tok := hs(stdHeader, fmt.Sprintf(`{"sub":"u","exp":%d}`, unix(-10*time.Second)))
	if _, err := newTestHS256(t).Verify(context.Background(), tok); err != nil {
		t.Errorf("default leeway: %v", err)
	}
	if _, err := newTestHS256(t, WithLeeway(0)).Verify(context.Background(), tok); !errors.Is(err, ErrExpired) {
		t.Errorf("zero leeway: err = %v, want ErrExpired", err)
	}
}

func TestTypesOption(t *testing.T) {
	tok := hs(`{"alg":"HS256","typ":"at+jwt"}`, fmt.Sprintf(`{"sub":"u","exp":%d}`, unix(time.Hour)))
	if _, err := newTestHS256(t).Verify(context.Background(), tok); !errors.Is(err, ErrMalformed) {
		t.Errorf("default: err = %v, want ErrMalformed", err)
	}
	if _, err := newTestHS256(t, WithTypes("JWT", "at+jwt")).Verify(context.Background(), tok); err != nil {
		t.Errorf("WithTypes: %v", err)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	k := newTestHS256(t)
	toks := make([]string, 8)
	for i := range toks {
		toks[i], _ = k.Sign(Claims{Subject: fmt.Sprint("user-", i)})
	}
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			var err error
			for i := 0; i < 500 && err == nil; i++ {
				n := (i + g) % len(toks)
				var c Claims
				if c, err = k.Verify(context.Background(), toks[n]); err == nil && c.Subject != fmt.Sprint("user-", n) {
					err = fmt.Errorf("got %q for token %d", c.Subject, n)
				}
			}
			done <- err
		}()
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
