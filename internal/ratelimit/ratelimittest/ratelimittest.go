// Package ratelimittest is the conformance suite every latch.RateLimiter
// runs: the in-memory limiter (internal/ratelimit) and the Redis one
// (internal/redis). It checks the behaviour both share, so that a fallback
// from one to the other is known to keep the same limits:
//   - the first max requests of a key in a window are allowed, the next is
//     denied with 0 < retryAfter <= window;
//   - keys are independent;
//   - once the window has passed (with no request meanwhile) the key is
//     allowed again;
//   - concurrent requests never allow more than max.
//
// Where the two differ (Better Auth's memory rule moves the window with
// every allowed request and ignores denied ones; its secondary-storage rule
// is a fixed window from the first hit that counts denied requests too) the
// suite does not look. It uses the real clock and windows of a second or
// less. Only _test.go files import this package.
package ratelimittest

import (
	"context"
	"crypto/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// Run runs the suite; newLimiter returns a fresh limiter (keys are made
// unique per test anyway, so a shared backend is fine).
func Run(t *testing.T, newLimiter func(t *testing.T) latch.RateLimiter) {
	t.Run("AllowsMaxThenDenies", func(t *testing.T) {
		t.Parallel()
		l, key := newLimiter(t), uniqueKey()
		window := 5 * time.Second
		for i := 1; i <= 3; i++ {
			if ok, _, err := l.Allow(context.Background(), key, 3, window); err != nil || !ok {
				t.Fatalf("request %d: ok=%v err=%v, want allowed", i, ok, err)
			}
		}
		ok, retry, err := l.Allow(context.Background(), key, 3, window)
		if err != nil || ok {
			t.Fatalf("request 4: ok=%v err=%v, want denied", ok, err)
		}
		if retry <= 0 || retry > window {
			t.Fatalf("retryAfter = %v, want in (0, %v]", retry, window)
		}
	})
	t.Run("KeysAreIndependent", func(t *testing.T) {
		t.Parallel()
		l, a, b := newLimiter(t), uniqueKey(), uniqueKey()
		for i := 0; i < 2; i++ {
			mustAllow(t, l, a, 2, time.Minute, true)
		}
		mustAllow(t, l, a, 2, time.Minute, false)
		mustAllow(t, l, b, 2, time.Minute, true)
		mustAllow(t, l, b, 2, time.Minute, true)
		mustAllow(t, l, b, 2, time.Minute, false)
	})
	t.Run("AllowsAgainAfterWindow", func(t *testing.T) {
		t.Parallel()
		l, key := newLimiter(t), uniqueKey()
		window := time.Second
		mustAllow(t, l, key, 1, window, true)
		mustAllow(t, l, key, 1, window, false)
		time.Sleep(window + 300*time.Millisecond)
		mustAllow(t, l, key, 1, window, true)
	})
	t.Run("ConcurrentNeverOverMax", func(t *testing.T) {
		t.Parallel()
		l, key := newLimiter(t), uniqueKey()
		const max, n = 5, 40
		var allowed atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ok, _, err := l.Allow(context.Background(), key, max, time.Minute)
				if err != nil {
					t.Errorf("Allow: %v", err)
				}
				if ok {
					allowed.Add(1)
				}
			}()
		}
		wg.Wait()
		if got := allowed.Load(); got != max {
			t.Fatalf("%d of %d concurrent requests allowed, want exactly %d", got, n, max)
		}
	})
}

func mustAllow(t *testing.T, l latch.RateLimiter, key string, max int, window time.Duration, want bool) {
	t.Helper()
	ok, _, err := l.Allow(context.Background(), key, max, window)
	if err != nil {
		t.Fatalf("Allow(%q): %v", key, err)
	}
	if ok != want {
		t.Fatalf("Allow(%q) = %v, want %v", key, ok, want)
	}
}

func uniqueKey() string { return "127.0.0.1|/sign-in/" + rand.Text() }
