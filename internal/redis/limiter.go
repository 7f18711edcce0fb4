package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/latchhq/latch"
)

// incrScript is @better-auth/redis-storage's increment: INCR, and EXPIRE
// only when the key was just created, so the window is fixed from the
// first hit. It also returns the key's remaining time in ms.
var incrScript = goredis.NewScript(`
local n = redis.call("INCR", KEYS[1])
if n == 1 then redis.call("EXPIRE", KEYS[1], ARGV[1]) end
return {n, redis.call("PTTL", KEYS[1])}
`)

// Limiter is a latch.RateLimiter shared by every instance through Redis,
// with Better Auth's secondary-storage rule: key "<ip>|<path>" (the key
// the caller passes, prefixed), a fixed window from the first request,
// allowed while the count is at most max; denied requests count too.
// While Redis is unreachable it asks Fallback (the in-process limiter).
type Limiter struct {
	c        *Client
	fallback latch.RateLimiter
}

var _ latch.RateLimiter = (*Limiter)(nil)

// NewLimiter returns a limiter on c; fallback answers while Redis is down
// (nil: requests are let through then).
func NewLimiter(c *Client, fallback latch.RateLimiter) *Limiter {
	return &Limiter{c: c, fallback: fallback}
}

// Allow counts one request for key. Windows are whole seconds in Redis
// (EXPIRE), rounded up. It never returns an error: Redis failures go to
// the fallback.
func (l *Limiter) Allow(ctx context.Context, key string, max int, window time.Duration) (bool, time.Duration, error) {
	if window <= 0 {
		return true, 0, nil
	}
	if max < 1 {
		return false, window, nil
	}
	if l.c.usable() {
		secs := int64((window + time.Second - 1) / time.Second)
		res, err := incrScript.Run(ctx, l.c.rdb, []string{l.c.key(key)}, secs).Int64Slice()
		if l.c.result(ctx, "ratelimit", err) && len(res) == 2 {
			if res[0] <= int64(max) {
				return true, 0, nil
			}
			retry := time.Duration(res[1]) * time.Millisecond
			if retry <= 0 {
				retry = window
			}
			return false, retry, nil
		}
		if ctx.Err() == nil {
			l.c.fellBack()
		}
	}
	if l.fallback == nil {
		return true, 0, nil
	}
	return l.fallback.Allow(ctx, key, max, window)
}
