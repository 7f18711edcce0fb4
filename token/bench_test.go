package token

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// benchSecret and benchNow fix the inputs of every benchmark.
var (
	benchSecret = []byte("0123456789abcdef0123456789abcdef-bench-secret")
	benchNow    = time.Unix(1_800_000_000, 0)
)

const benchOrigin = "https://auth.example.com"

// benchToken returns a typical Latch token and the verifier for it, with
// issuer and audience checks on.
func benchToken(tb testing.TB) (*HS256, string) {
	tb.Helper()
	k, err := NewHS256([][]byte{benchSecret},
		WithClock(func() time.Time { return benchNow }),
		WithIssuer(benchOrigin), WithAudience(benchOrigin),
		RequireIssuer(benchOrigin), RequireAudience(benchOrigin))
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := k.Sign(Claims{
		Subject:   "vqol18EOC9vfXM9CEav948BHnx8tQOIo",
		Email:     "alice@example.com",
		SessionID: "Xr3kq0V9mB2sLw7yT1dZ8aPf4hN6cJ5e",
	})
	if err != nil {
		tb.Fatal(err)
	}
	return k, tok
}

// BenchmarkVerifyHS256 measures HS256.Verify on a typical token.
func BenchmarkVerifyHS256(b *testing.B) {
	k, tok := benchToken(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Verify(ctx, tok); err != nil {
			b.Fatal(err)
		}
	}
}

// jwtClaims is the golang-jwt equivalent of our claims.
type jwtClaims struct {
	Email     string `json:"email,omitempty"`
	SessionID string `json:"sid,omitempty"`
	jwt.RegisteredClaims
}

// BenchmarkGolangJWTv5 parses the same token with golang-jwt/jwt v5 and
// the same checks: HS256 only, exp required, iss and aud, leeway, iat.
func BenchmarkGolangJWTv5(b *testing.B) {
	_, tok := benchToken(b)
	p := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(DefaultLeeway), jwt.WithIssuer(benchOrigin),
		jwt.WithAudience(benchOrigin), jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(func() time.Time { return benchNow }))
	keyFunc := func(*jwt.Token) (any, error) { return benchSecret, nil }
	b.ReportAllocs()
	for b.Loop() {
		var c jwtClaims
		if _, err := p.ParseWithClaims(tok, &c, keyFunc); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareHMAC computes HMAC-SHA256 over the same signing input with
// a reused, pre-keyed hash: the floor for any HS256 verifier.
func BenchmarkBareHMAC(b *testing.B) {
	_, tok := benchToken(b)
	input := []byte(tok[:strings.LastIndexByte(tok, '.')])
	m := hmac.New(sha256.New, benchSecret)
	var sum [sha256.Size]byte
	b.ReportAllocs()
	for b.Loop() {
		m.Reset()
		m.Write(input)
		m.Sum(sum[:0])
	}
}

// TestVerifyAllocs asserts the allocation budget: at most 5 per verify (a
// typical token needs 2: the claim strings and the audience slice).
func TestVerifyAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items, which allocates")
	}
	k, tok := benchToken(t)
	ctx := context.Background()
	allocs := testing.AllocsPerRun(200, func() {
		if _, err := k.Verify(ctx, tok); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("allocations per HS256 verify: %.1f", allocs)
	if allocs > 5 {
		t.Fatalf("%.1f allocations per verify, want at most 5", allocs)
	}
	// A Better Auth-shaped payload (the whole user object) costs the same.
	ba := hs(`{"alg":"HS256"}`, `{"iat":1800000000,"name":"Alice","email":"alice@example.com","emailVerified":false,`+
		`"createdAt":"2026-11-28T06:25:34.041Z","id":"vqol18EOC9vfXM9CEav948BHnx8tQOIo","sub":"vqol18EOC9vfXM9CEav948BHnx8tQOIo",`+
		`"exp":1800000900,"iss":"https://auth.example.com","aud":"https://auth.example.com"}`)
	kb := newTestHS256(t, WithClock(func() time.Time { return benchNow }))
	if allocs := testing.AllocsPerRun(200, func() {
		if _, err := kb.Verify(ctx, ba); err != nil {
			t.Fatal(err)
		}
	}); allocs > 2 {
		t.Errorf("%.1f allocations for a Better Auth-shaped payload, want 2", allocs)
	}
	bad := tok[:len(tok)-4] + "AAAA"
	if allocs := testing.AllocsPerRun(200, func() { _, _ = k.Verify(ctx, bad) }); allocs != 0 {
		t.Errorf("%.1f allocations per rejected token, want 0", allocs)
	}
}

// TestBenchmarkRatios runs the three benchmarks in one process and reports
// how ours compares (run with -v to see the figures): wall time from
// testing.Benchmark, and, on Linux, CPU time
// of the benchmarking thread (best of many short runs), which stays
// meaningful on a busy machine where wall time does not. (Thread CPU time
// leaves out background GC work, which favours golang-jwt.) It fails only
// when far off the targets (3× faster than golang-jwt, within 3× of the
// bare HMAC), since timing is noisy; it is skipped with -short and -race.
func TestBenchmarkRatios(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("timing test: skipped with -short or -race")
	}
	k, tok := benchToken(t)
	ctx := context.Background()
	p := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(DefaultLeeway), jwt.WithIssuer(benchOrigin),
		jwt.WithAudience(benchOrigin), jwt.WithStrictDecoding(),
		jwt.WithTimeFunc(func() time.Time { return benchNow }))
	keyFunc := func(*jwt.Token) (any, error) { return benchSecret, nil }
	input := []byte(tok[:strings.LastIndexByte(tok, '.')])
	m := hmac.New(sha256.New, benchSecret)
	var sum [sha256.Size]byte
	funcs := []func(){
		func() { _, _ = k.Verify(ctx, tok) },
		func() { var c jwtClaims; _, _ = p.ParseWithClaims(tok, &c, keyFunc) },
		func() { m.Reset(); m.Write(input); m.Sum(sum[:0]) },
	}
	benches := []func(*testing.B){BenchmarkVerifyHS256, BenchmarkGolangJWTv5, BenchmarkBareHMAC}

	var wall [3]float64
	for i, b := range benches {
		r := testing.Benchmark(b)
		wall[i] = float64(r.T.Nanoseconds()) / float64(r.N)
	}
	t.Logf("wall: VerifyHS256 %.0f ns/op, golang-jwt v5 %.0f ns/op, bare HMAC-SHA256 %.0f ns/op; golang-jwt/ours %.1f×, ours/bare %.1f×",
		wall[0], wall[1], wall[2], wall[1]/wall[0], wall[0]/wall[2])
	ours, ref, bare := wall[0], wall[1], wall[2]

	if cpu, ok := cpuPerOp(funcs); ok {
		t.Logf("thread CPU: VerifyHS256 %.0f ns/op, golang-jwt v5 %.0f ns/op, bare HMAC-SHA256 %.0f ns/op; golang-jwt/ours %.1f×, ours/bare %.1f×",
			cpu[0], cpu[1], cpu[2], cpu[1]/cpu[0], cpu[0]/cpu[2])
		ours, ref, bare = cpu[0], cpu[1], cpu[2]
	}
	t.Logf("targets: golang-jwt/ours ≥ 3 (got %.1f), ours/bare HMAC ≤ 3 (got %.1f)", ref/ours, ours/bare)
	if ref/ours < 1.5 {
		t.Errorf("only %.1f× faster than golang-jwt v5", ref/ours)
	}
	if ours/bare > 8 {
		t.Errorf("%.1f× slower than a bare HMAC", ours/bare)
	}
}

// cpuPerOp measures each function's CPU time per call on a locked thread:
// the best of 10 rounds of about 20 ms each (thread CPU time may be
// accounted in scheduler ticks, so rounds must be long), rounds
// interleaved across functions.
func cpuPerOp(funcs []func()) ([]float64, bool) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if _, ok := threadCPU(); !ok {
		return nil, false
	}
	calls := make([]int, len(funcs))
	for i, f := range funcs {
		start, _ := threadCPU()
		for now := start; now-start < 20*time.Millisecond; now, _ = threadCPU() {
			for range 500 {
				f()
			}
			calls[i] += 500
		}
	}
	best := make([]float64, len(funcs))
	for range 10 {
		for i, f := range funcs {
			start, _ := threadCPU()
			for range calls[i] {
				f()
			}
			end, _ := threadCPU()
			if ns := float64(end-start) / float64(calls[i]); best[i] == 0 || (ns > 0 && ns < best[i]) {
				best[i] = ns
			}
		}
	}
	return best, true
}

// BenchmarkBareHMACNew is BenchmarkBareHMAC with hmac.New on every call,
// which is what a verifier that does not pool its HMAC states pays.
func BenchmarkBareHMACNew(b *testing.B) {
	_, tok := benchToken(b)
	input := []byte(tok[:strings.LastIndexByte(tok, '.')])
	var sum [sha256.Size]byte
	b.ReportAllocs()
	for b.Loop() {
		m := hmac.New(sha256.New, benchSecret)
		m.Write(input)
		m.Sum(sum[:0])
	}
}
