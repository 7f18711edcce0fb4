package redis_test

import (
	"context"
	"crypto/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/redis"
)

// redisURL returns LATCH_TEST_REDIS, skipping when it is unset and failing
// when it is set but Redis does not answer.
func redisURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("LATCH_TEST_REDIS")
	if u == "" {
		tb.Skip("LATCH_TEST_REDIS not set: skipping Redis test")
	}
	c, err := redis.Open(u, "", nil)
	if err != nil {
		tb.Fatalf("LATCH_TEST_REDIS: %v", err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx); err != nil {
		tb.Fatalf("LATCH_TEST_REDIS is set but Redis is unreachable: %v", err)
	}
	return u
}

// prefix returns a key prefix of its own for one test.
func prefix() string { return "latchtest:" + strings.ToLower(rand.Text()[:10]) + ":" }

// open returns a Client with a fresh prefix, closed at cleanup.
func open(tb testing.TB) *redis.Client {
	tb.Helper()
	return openPrefix(tb, prefix())
}

// openPrefix returns a Client with the given prefix, closed at cleanup.
func openPrefix(tb testing.TB, p string) *redis.Client {
	tb.Helper()
	c, err := redis.Open(redisURL(tb), p, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { c.Close() })
	return c
}
