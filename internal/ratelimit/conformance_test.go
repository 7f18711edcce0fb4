package ratelimit_test

import (
	"testing"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/ratelimit"
	"github.com/latchhq/latch/internal/ratelimit/ratelimittest"
)

func TestConformance(t *testing.T) {
	ratelimittest.Run(t, func(*testing.T) latch.RateLimiter { return ratelimit.New() })
}
