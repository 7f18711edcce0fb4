package redis_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/ratelimit"
	"github.com/latchhq/latch/internal/ratelimit/ratelimittest"
	"github.com/latchhq/latch/internal/redis"
)

func TestLimiterConformance(t *testing.T) {
	c := open(t)
	ratelimittest.Run(t, func(*testing.T) latch.RateLimiter { return redis.NewLimiter(c, nil) })
}

// Two limiters on one Redis share the counter (two instances).
func TestLimiterShared(t *testing.T) {
	p := prefix()
	a := redis.NewLimiter(openPrefix(t, p), ratelimit.New())
	b := redis.NewLimiter(openPrefix(t, p), ratelimit.New())
	key := "10.0.0.1|/sign-in/email"
	for i, l := range []*redis.Limiter{a, b, a} {
		if ok, _, _ := l.Allow(context.Background(), key, 3, 10*time.Second); !ok {
			t.Fatalf("request %d refused", i+1)
		}
	}
	if ok, retry, _ := b.Allow(context.Background(), key, 3, 10*time.Second); ok || retry <= 0 || retry > 10*time.Second {
		t.Fatalf("4th request on the other limiter: ok=%v retry=%v, want refused with 0<retry<=10s", ok, retry)
	}
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// With Redis unreachable the limiter uses its fallback, counts it, and
// reports Redis down; no error reaches the caller.
func TestLimiterFallback(t *testing.T) {
	c, err := redis.Open("redis://"+closedPort(t)+"/0", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	l := redis.NewLimiter(c, ratelimit.New())
	for i := 0; i < 2; i++ {
		ok, _, err := l.Allow(context.Background(), "k", 2, time.Minute)
		if err != nil || !ok {
			t.Fatalf("request %d: ok=%v err=%v", i+1, ok, err)
		}
	}
	if ok, _, err := l.Allow(context.Background(), "k", 2, time.Minute); err != nil || ok {
		t.Fatalf("3rd request: ok=%v err=%v, want refused by the fallback", ok, err)
	}
	st := c.Stats()
	// One error, or more if a slow machine let a second pass and a probe
	// failed; every one of the three requests fell back.
	if st.Up || st.Errors < 1 || st.Fallbacks != 3 {
		t.Fatalf("stats = %+v, want down, at least 1 error, 3 fallbacks", st)
	}
}
