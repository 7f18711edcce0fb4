package tokenhttp

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchhq/latch/token"
)

const origin = "http://localhost:3000"

type edKey struct {
	kid  string
	priv ed25519.PrivateKey
}

func newEdKey(t testing.TB, kid string) edKey {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return edKey{kid: kid, priv: priv}
}

func (k edKey) jwk() map[string]string {
	return map[string]string{"alg": "EdDSA", "crv": "Ed25519", "kty": "OKP", "kid": k.kid,
		"x": base64.RawURLEncoding.EncodeToString(k.priv.Public().(ed25519.PublicKey))}
}

// sign makes a Better Auth jwt-plugin style token.
func (k edKey) sign(sub string) string {
	e := base64.RawURLEncoding.EncodeToString
	hdr := fmt.Sprintf(`{"alg":"EdDSA","kid":%q}`, k.kid)
	pay := fmt.Sprintf(`{"iat":%d,"sub":%q,"exp":%d,"iss":%q,"aud":%q}`,
		testNow.Unix(), sub, testNow.Add(15*time.Minute).Unix(), origin, origin)
	in := e([]byte(hdr)) + "." + e([]byte(pay))
	return in + "." + e(ed25519.Sign(k.priv, []byte(in)))
}

// jwksServer serves whatever keys and status it is told, counting fetches.
type jwksServer struct {
	*httptest.Server
	mu      sync.Mutex
	keys    []edKey
	status  int
	body    string // overrides the JSON when set
	fetches atomic.Int32
	block   chan struct{} // when non-nil, requests wait on it or their context
}

func newJWKSServer(t *testing.T, keys ...edKey) *jwksServer {
	t.Helper()
	s := &jwksServer{keys: keys, status: http.StatusOK}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		s.mu.Lock()
		block, status, body := s.block, s.status, s.body
		var jwks []map[string]string
		for _, k := range s.keys {
			jwks = append(jwks, k.jwk())
		}
		s.mu.Unlock()
		if block != nil {
			select {
			case <-block:
			case <-r.Context().Done():
				return
			}
		}
		w.WriteHeader(status)
		if body != "" {
			fmt.Fprint(w, body)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"keys": jwks})
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(f func(s *jwksServer)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// fakeClock is a settable clock.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(testNow.UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

func newRemote(t *testing.T, url string, o RemoteJWKSOptions) *RemoteJWKS {
	t.Helper()
	r, err := NewRemoteJWKS(url, o, token.WithClock(func() time.Time { return testNow }),
		token.RequireIssuer(origin), token.RequireAudience(origin))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRemoteJWKSCachingAndRotation(t *testing.T) {
	k1, k2 := newEdKey(t, "k1"), newEdKey(t, "k2")
	srv := newJWKSServer(t, k1)
	clock := newFakeClock()
	r := newRemote(t, srv.URL+"/api/auth/jwks", RemoteJWKSOptions{Now: clock.Now, Cooldown: time.Minute, MaxAge: time.Hour})
	ctx := context.Background()

	step := func(name, tok string, wantErr error, wantFetches int32) {
		t.Helper()
		c, err := r.Verify(ctx, tok)
		if !errors.Is(err, wantErr) || (wantErr == nil && err != nil) {
			t.Fatalf("%s: err = %v, want %v", name, err, wantErr)
		}
		if err == nil && c.Subject != "alice" {
			t.Fatalf("%s: sub = %q", name, c.Subject)
		}
		if got := srv.fetches.Load(); got != wantFetches {
			t.Fatalf("%s: %d fetches, want %d", name, got, wantFetches)
		}
	}
	step("first use fetches", k1.sign("alice"), nil, 1)
	step("cached", k1.sign("alice"), nil, 1)
	step("junk alg does not fetch", "eyJhbGciOiJIUzI1NiJ9.e30.AAAA", token.ErrAlgorithm, 1)

	// The server rotates to k2: an unknown kid triggers one refetch, once
	// the cooldown since the last fetch has passed.
	clock.Advance(2 * time.Minute)
	srv.set(func(s *jwksServer) { s.keys = []edKey{k2, k1} })
	step("unknown kid refetches", k2.sign("alice"), nil, 2)

	// Made-up kids within the cooldown do not refetch.
	k3 := newEdKey(t, "k3")
	step("cooldown", k3.sign("alice"), token.ErrUnknownKey, 2)
	step("cooldown again", k3.sign("alice"), token.ErrUnknownKey, 2)
	clock.Advance(2 * time.Minute)
	step("after cooldown", k3.sign("alice"), token.ErrUnknownKey, 3)

	// Keys older than MaxAge are refetched on next use; if that fails,
	// the old keys stay in use.
	clock.Advance(2 * time.Hour)
	srv.set(func(s *jwksServer) { s.status = http.StatusInternalServerError })
	step("stale keys survive a failed refresh", k1.sign("alice"), nil, 4)
}

func TestRemoteJWKSUnavailable(t *testing.T) {
	k1 := newEdKey(t, "k1")
	tests := []struct {
		name string
		mod  func(s *jwksServer)
		opts RemoteJWKSOptions
	}{
		{name: "server error", mod: func(s *jwksServer) { s.status = http.StatusBadGateway }},
		{name: "not JSON", mod: func(s *jwksServer) { s.body = "<html>hi</html>" }},
		{name: "too large", mod: func(s *jwksServer) { s.body = `{"keys":[],"pad":"` + strings.Repeat("x", 2048) + `"}` },
			opts: RemoteJWKSOptions{MaxBytes: 1024}},
		{name: "timeout", mod: func(s *jwksServer) { s.block = make(chan struct{}) },
			opts: RemoteJWKSOptions{Timeout: 50 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newJWKSServer(t, k1)
			srv.set(tt.mod)
			r := newRemote(t, srv.URL, tt.opts)
			_, err := r.Verify(context.Background(), k1.sign("alice"))
			if !errors.Is(err, token.ErrUnavailable) {
				t.Fatalf("err = %v, want ErrUnavailable", err)
			}
			rec, _ := serve(t, Require(r), "Bearer "+k1.sign("alice"))
			if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
				t.Fatalf("middleware status = %d, Retry-After %q, want 503 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
			}
		})
	}
}

func TestRemoteJWKSRecoversAfterFailure(t *testing.T) {
	k1 := newEdKey(t, "k1")
	srv := newJWKSServer(t, k1)
	srv.set(func(s *jwksServer) { s.status = http.StatusInternalServerError })
	clock := newFakeClock()
	r := newRemote(t, srv.URL, RemoteJWKSOptions{Now: clock.Now})
	if _, err := r.Verify(context.Background(), k1.sign("alice")); !errors.Is(err, token.ErrUnavailable) {
		t.Fatalf("err = %v", err)
	}
	srv.set(func(s *jwksServer) { s.status = http.StatusOK })
	if _, err := r.Verify(context.Background(), k1.sign("alice")); !errors.Is(err, token.ErrUnavailable) {
		t.Fatalf("retry within a second should not fetch: err = %v", err)
	}
	clock.Advance(time.Second)
	if _, err := r.Verify(context.Background(), k1.sign("alice")); err != nil {
		t.Fatalf("after the failure backoff: %v", err)
	}
}

func TestRemoteJWKSConcurrentFetchOnce(t *testing.T) {
	k1 := newEdKey(t, "k1")
	srv := newJWKSServer(t, k1)
	release := make(chan struct{})
	srv.set(func(s *jwksServer) { s.block = release })
	r := newRemote(t, srv.URL, RemoteJWKSOptions{})
	tok := k1.sign("alice")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := r.Verify(context.Background(), tok)
			errs <- err
		}()
	}
	for srv.fetches.Load() == 0 {
		time.Sleep(time.Millisecond) // wait for the first request to arrive
	}
	close(release)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches, want 1", n)
	}
}

func TestRemoteJWKSMiddleware(t *testing.T) {
	k1 := newEdKey(t, "k1")
	srv := newJWKSServer(t, k1)
	r := newRemote(t, srv.URL, RemoteJWKSOptions{})
	rec, claims := serve(t, Require(r), "Bearer "+k1.sign("alice"))
	if rec.Code != http.StatusTeapot || claims == nil || claims.Subject != "alice" {
		t.Fatalf("status %d claims %+v", rec.Code, claims)
	}
	rec, _ = serve(t, Require(r), "Bearer "+newEdKey(t, "k1").sign("alice"))
	if rec.Code != 401 {
		t.Fatalf("forged token: status %d", rec.Code)
	}
}

func TestNewRemoteJWKSConfig(t *testing.T) {
	for _, u := range []string{"", "/jwks", "ftp://x/jwks", "http://", "::"} {
		if _, err := NewRemoteJWKS(u, RemoteJWKSOptions{}); !errors.Is(err, token.ErrConfig) {
			t.Errorf("NewRemoteJWKS(%q): err = %v, want ErrConfig", u, err)
		}
	}
}

// TestRemoteJWKSOneClock checks that RemoteJWKSOptions.Now is the one clock
// of a RemoteJWKS: without a token.WithClock option it also decides
// whether a token has expired.
func TestRemoteJWKSOneClock(t *testing.T) {
	k1 := newEdKey(t, "k1")
	srv := newJWKSServer(t, k1)
	clock := newFakeClock()
	r, err := NewRemoteJWKS(srv.URL, RemoteJWKSOptions{Now: clock.Now}, token.RequireIssuer(origin), token.RequireAudience(origin))
	if err != nil {
		t.Fatal(err)
	}
	tok := k1.sign("alice") // issued at testNow, valid for 15 minutes
	if _, err := r.Verify(context.Background(), tok); err != nil {
		t.Fatalf("at issue time: %v", err)
	}
	clock.Advance(time.Hour)
	if _, err := r.Verify(context.Background(), tok); !errors.Is(err, token.ErrExpired) {
		t.Fatalf("an hour later on the options' clock: err = %v, want ErrExpired", err)
	}
}
