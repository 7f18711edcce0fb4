package tokenhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch/token"
)

var (
	testSecret = []byte("tokenhttp-test-secret-0123456789abcdef")
	testNow    = time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
)

func newHS(t testing.TB) *token.HS256 {
	t.Helper()
	v, err := token.NewHS256([][]byte{testSecret}, token.WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		want    string
		wantErr error
	}{
		{name: "none", headers: nil, wantErr: ErrNoToken},
		{name: "empty", headers: []string{""}, wantErr: ErrNoToken},
		{name: "basic scheme", headers: []string{"Basic dXNlcjpwYXNz"}, wantErr: ErrNoToken},
		{name: "plain", headers: []string{"Bearer abc.def.ghi"}, want: "abc.def.ghi"},
		{name: "lower-case scheme", headers: []string{"bearer abc"}, want: "abc"},
		{name: "upper-case scheme", headers: []string{"BEARER abc"}, want: "abc"},
		{name: "extra spaces", headers: []string{"  Bearer   abc  "}, want: "abc"},
		{name: "b64token characters", headers: []string{"Bearer aZ09-._~+/=="}, want: "aZ09-._~+/=="},
		{name: "scheme only", headers: []string{"Bearer"}, wantErr: ErrBadHeader},
		{name: "scheme and space", headers: []string{"Bearer "}, wantErr: ErrBadHeader},
		{name: "two tokens", headers: []string{"Bearer abc def"}, wantErr: ErrBadHeader},
		{name: "comma list", headers: []string{"Bearer abc, Bearer def"}, wantErr: ErrBadHeader},
		{name: "tab separator", headers: []string{"Bearer\tabc"}, wantErr: ErrBadHeader},
		{name: "no separator", headers: []string{"Bearerabc"}, wantErr: ErrBadHeader},
		{name: "padding in the middle", headers: []string{"Bearer ab=c"}, wantErr: ErrBadHeader},
		{name: "quoted", headers: []string{`Bearer "abc"`}, wantErr: ErrBadHeader},
		{name: "non-ASCII", headers: []string{"Bearer abcé"}, wantErr: ErrBadHeader},
		{name: "only padding", headers: []string{"Bearer =="}, wantErr: ErrBadHeader},
		{name: "oversized", headers: []string{"Bearer " + strings.Repeat("a", token.MaxTokenSize+1)}, wantErr: ErrBadHeader},
		{name: "two headers", headers: []string{"Bearer abc", "Bearer abc"}, wantErr: ErrBadHeader},
		{name: "bearer and basic", headers: []string{"Basic x", "Bearer abc"}, wantErr: ErrBadHeader},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/?access_token=fromquery", nil)
			for _, h := range tt.headers {
				r.Header.Add("Authorization", h)
			}
			got, err := BearerToken(r)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("token = %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzBearerToken: the parser never panics, and what it returns is a
// non-empty b64token that appeared in the header.
func FuzzBearerToken(f *testing.F) {
	for _, s := range []string{"Bearer abc", "bearer a.b.c", "Basic x", "Bearer", "Bearer  x y", " BEARER x== ", "Bearer\x00x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		tok, err := parseBearer(h)
		if err != nil {
			if !errors.Is(err, ErrNoToken) && !errors.Is(err, ErrBadHeader) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if tok == "" || !isB64Token(tok) || !strings.Contains(h, tok) || strings.ContainsAny(tok, " \t") {
			t.Fatalf("parseBearer(%q) = %q", h, tok)
		}
		if !strings.EqualFold(strings.TrimLeft(h, " \t")[:6], "bearer") {
			t.Fatalf("accepted non-Bearer scheme in %q", h)
		}
	})
}

// serve runs handler behind mw with the given Authorization headers.
func serve(t *testing.T, mw func(http.Handler) http.Handler, authz ...string) (*httptest.ResponseRecorder, *token.Claims) {
	t.Helper()
	var seen *token.Claims
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := FromContext(r.Context()); ok {
			seen = &c
		}
		w.WriteHeader(http.StatusTeapot)
	}))
	r := httptest.NewRequest("GET", "/x", nil)
	for _, a := range authz {
		r.Header.Add("Authorization", a)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec, seen
}

func TestMiddleware(t *testing.T) {
	v := newHS(t)
	good, _ := v.Sign(token.Claims{Subject: "user-1"})
	expired, _ := v.Sign(token.Claims{Subject: "user-1", IssuedAt: testNow.Add(-2 * time.Hour), ExpiresAt: testNow.Add(-time.Hour)})
	other, _ := token.NewHS256([][]byte{bytes.Repeat([]byte("o"), 40)}, token.WithClock(func() time.Time { return testNow }))
	forged, _ := other.Sign(token.Claims{Subject: "user-1"})

	const invalid = `Bearer error="invalid_token"`
	tests := []struct {
		name      string
		optional  bool
		authz     []string
		status    int
		challenge string
		detail    string
	}{
		{name: "valid", authz: []string{"Bearer " + good}, status: http.StatusTeapot},
		{name: "valid, lower-case scheme", authz: []string{"bearer " + good}, status: http.StatusTeapot},
		{name: "missing", status: 401, challenge: "Bearer", detail: DetailMissing},
		{name: "basic auth", authz: []string{"Basic dXNlcjpwYXNz"}, status: 401, challenge: "Bearer", detail: DetailMissing},
		{name: "expired", authz: []string{"Bearer " + expired}, status: 401, challenge: invalid, detail: DetailInvalid},
		{name: "forged", authz: []string{"Bearer " + forged}, status: 401, challenge: invalid, detail: DetailInvalid},
		{name: "garbage", authz: []string{"Bearer abc"}, status: 401, challenge: invalid, detail: DetailInvalid},
		{name: "malformed header", authz: []string{"Bearer " + good + " x"}, status: 401, challenge: invalid, detail: DetailInvalid},
		{name: "two headers", authz: []string{"Bearer " + good, "Bearer " + good}, status: 401, challenge: invalid, detail: DetailInvalid},
		{name: "optional, missing", optional: true, status: http.StatusTeapot},
		{name: "optional, basic auth", optional: true, authz: []string{"Basic x"}, status: http.StatusTeapot},
		{name: "optional, valid", optional: true, authz: []string{"Bearer " + good}, status: http.StatusTeapot},
		{name: "optional, invalid", optional: true, authz: []string{"Bearer " + forged}, status: 401, challenge: invalid, detail: DetailInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mw := Require(v)
			if tt.optional {
				mw = Optional(v)
			}
			rec, claims := serve(t, mw, tt.authz...)
			if rec.Code != tt.status {
				t.Fatalf("status = %d, want %d", rec.Code, tt.status)
			}
			if tt.status == http.StatusTeapot {
				wantClaims := len(tt.authz) > 0 && strings.HasPrefix(strings.ToLower(tt.authz[0]), "bearer")
				if (claims != nil) != wantClaims || (claims != nil && claims.Subject != "user-1") {
					t.Fatalf("claims in context = %+v, want present=%v", claims, wantClaims)
				}
				return
			}
			if claims != nil {
				t.Fatal("handler ran on a rejected request")
			}
			if got := rec.Header().Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tt.challenge)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body) != 1 || body["detail"] != tt.detail {
				t.Errorf("body = %s (%v), want detail %q", rec.Body, err, tt.detail)
			}
		})
	}
}

// TestMiddlewareNeverReadsQuery: a token in the query string is ignored.
func TestMiddlewareNeverReadsQuery(t *testing.T) {
	v := newHS(t)
	good, _ := v.Sign(token.Claims{Subject: "user-1"})
	h := Require(v)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusTeapot) }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x?access_token="+good+"&token="+good, nil))
	if rec.Code != 401 {
		t.Fatalf("status = %d, want 401", rec.Code)
	}
}

// TestMiddlewareDoesNotLogToken: nothing the middleware does writes the
// token to the standard logger.
func TestMiddlewareDoesNotLogToken(t *testing.T) {
	var buf bytes.Buffer
	log.SetOutput(&buf)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	v := newHS(t)
	good, _ := v.Sign(token.Claims{Subject: "user-1"})
	for _, a := range []string{"Bearer " + good, "Bearer " + good + "x", "Bearer " + good + " y"} {
		serve(t, Require(v), a)
	}
	if buf.Len() != 0 {
		t.Fatalf("middleware logged: %q", buf.String())
	}
}

type unavailable struct{}

func (unavailable) Verify(context.Context, string) (token.Claims, error) {
	return token.Claims{}, fmt.Errorf("%w: down", token.ErrUnavailable)
}

func TestMiddlewareUnavailable(t *testing.T) {
	rec, _ := serve(t, Require(unavailable{}), "Bearer abc")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), DetailUnavailable) {
		t.Fatalf("status %d body %s", rec.Code, rec.Body)
	}
}

func TestNewContext(t *testing.T) {
	ctx := NewContext(context.Background(), token.Claims{Subject: "7"})
	if c, ok := FromContext(ctx); !ok || c.Subject != "7" {
		t.Fatalf("FromContext = %+v, %v", c, ok)
	}
	if _, ok := FromContext(context.Background()); ok {
		t.Fatal("claims in empty context")
	}
}
