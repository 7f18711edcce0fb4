// Package redis is Latch's shared state for several instances, kept in
// Redis in Better Auth 1.7's secondaryStorage format so that Latch and
// Better Auth processes can share one Redis (see README, "Several
// instances / Redis"). It is the only package that imports the Redis
// client. It provides:
//   - Limiter, a latch.RateLimiter over "<ip>|<path>" counters (INCR,
//     EXPIRE when created, allowed while count <= max), falling back to an
//     in-process limiter while Redis is unreachable;
//   - Store, a UserStore and SessionStore decorator that reads sessions
//     from Redis first and keeps the Redis copies (the bare token,
//     active-sessions-<userId>, revoked-sessions-before-<userId>) right on
//     every write, the database staying the store of record;
//   - Notifier, pub/sub notices of ended sessions, so that every instance's
//     session checker refuses their JWTs within a second.
//
// Redis being down is never an error for a request: each part falls back
// (to the in-process limiter, to the database) and the Client logs once
// per state change, counts errors and fallbacks (Stats) and tries Redis
// again at most once a second until it answers.
package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// ErrURL means REDIS_URL could not be used; the message never repeats the
// URL (it may hold a password).
var ErrURL = errors.New("redis: bad URL")

// retryEvery is how long the Client goes straight to the fallback after a
// Redis failure before trying Redis again.
const retryEvery = time.Second

// Client is a Redis connection with a key prefix and a health state shared
// by the Limiter, the Store and the Notifier built on it.
type Client struct {
	rdb    *goredis.Client
	prefix string
	log    *slog.Logger
	now    func() time.Time

	mu      sync.Mutex
	down    bool
	retryAt time.Time
	onUp    []func(context.Context) error // work to replay once Redis answers again

	errors    atomic.Uint64
	fallbacks atomic.Uint64
}

// Stats are the Client's counters since it was opened, for metrics.
type Stats struct {
	// Up is false while Redis is considered unreachable.
	Up bool
	// Errors counts failed Redis commands (a missing key is not one).
	Errors uint64
	// Fallbacks counts operations served without Redis (by the in-process
	// limiter or the database) because it was unreachable.
	Fallbacks uint64
}

// Open parses a redis:// or rediss:// URL and returns a Client. It does
// not wait for Redis: an unreachable server only makes the first calls
// fall back. prefix is put before every key (empty like Better Auth's
// core; "better-auth:" like @better-auth/redis-storage).
func Open(rawURL, prefix string, log *slog.Logger) (*Client, error) {
	if !strings.HasPrefix(rawURL, "redis://") && !strings.HasPrefix(rawURL, "rediss://") {
		return nil, fmt.Errorf("%w: want redis:// or rediss://", ErrURL)
	}
	opt, err := goredis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot parse it (the value is not shown)", ErrURL)
	}
	// Fail fast: a request waits for Redis at most about a second before
	// its fallback answers.
	opt.DialTimeout = time.Second
	opt.ReadTimeout = 500 * time.Millisecond
	opt.WriteTimeout = 500 * time.Millisecond
	opt.PoolTimeout = time.Second
	opt.MaxRetries = 0
	opt.DialerRetries = 1
	quietOnce.Do(func() { goredis.SetLogger(quiet{}) })
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{rdb: goredis.NewClient(opt), prefix: prefix, log: log, now: time.Now}, nil
}

// quiet drops go-redis's own log lines (dial failures, one per attempt):
// the Client logs each state change once instead.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

var quietOnce sync.Once

// Close closes the connections.
func (c *Client) Close() error { return c.rdb.Close() }

// Ping reports whether Redis answers now.
func (c *Client) Ping(ctx context.Context) error { return c.rdb.Ping(ctx).Err() }

// Stats returns the counters.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	up := !c.down
	c.mu.Unlock()
	return Stats{Up: up, Errors: c.errors.Load(), Fallbacks: c.fallbacks.Load()}
}

// key returns the prefixed key.
func (c *Client) key(k string) string { return c.prefix + k }

// usable reports whether Redis should be used now. While Redis is down
// it answers false (and counts the caller's fallback) except once a
// second, when it probes Redis itself: on success it first replays the
// deletions queued during the outage, then marks Redis up, so that no read
// sees a copy that should have been deleted.
func (c *Client) usable() bool {
	c.mu.Lock()
	if !c.down {
		c.mu.Unlock()
		return true
	}
	now := c.now()
	if now.Before(c.retryAt) {
		c.mu.Unlock()
		c.fallbacks.Add(1)
		return false
	}
	c.retryAt = now.Add(retryEvery) // one probe per interval
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.rdb.Ping(ctx).Err(); err != nil {
		c.errors.Add(1)
		c.fallbacks.Add(1)
		return false
	}
	return c.recover(ctx)
}

// recover replays the queued work and marks Redis up once the queue is
// empty; a failing replay keeps it down (the rest stays queued).
func (c *Client) recover(ctx context.Context) bool {
	replayed := 0
	for {
		c.mu.Lock()
		if len(c.onUp) == 0 {
			c.down = false
			c.mu.Unlock()
			break
		}
		f := c.onUp[0]
		c.mu.Unlock()
		if err := f(ctx); err != nil {
			c.errors.Add(1)
			c.fallbacks.Add(1)
			return false
		}
		c.mu.Lock()
		c.onUp = c.onUp[1:]
		c.mu.Unlock()
		replayed++
	}
	c.log.Info("redis reachable again", "replayed", replayed)
	return true
}

// result records the outcome of a Redis call and reports whether it
// succeeded. A missing key (redis.Nil) is a success; a cancelled request
// context says nothing about Redis and changes no state. Only the probe
// in usable marks Redis up again.
func (c *Client) result(ctx context.Context, op string, err error) bool {
	if err == nil || errors.Is(err, goredis.Nil) {
		return true
	}
	if ctx.Err() != nil {
		return false
	}
	c.errors.Add(1)
	c.mu.Lock()
	was := c.down
	c.down, c.retryAt = true, c.now().Add(retryEvery)
	c.mu.Unlock()
	if !was {
		c.log.Warn("redis unreachable: rate limits fall back to this process, sessions to the database",
			"op", op, "err", err)
	}
	return false
}

// fellBack counts one operation served without Redis after a failure.
func (c *Client) fellBack() { c.fallbacks.Add(1) }

// maxPending bounds the work queued while Redis is down.
const maxPending = 10000

// whenUp queues f (a deletion that could not reach Redis) to run once
// Redis answers again, so that a session ended during an outage does not
// come back from its Redis copy. Beyond maxPending entries the oldest are
// dropped (and logged).
func (c *Client) whenUp(f func(context.Context) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.down {
		// Redis came back meanwhile: replay at once.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c.result(ctx, "replay", f(ctx))
		}()
		return
	}
	if len(c.onUp) >= maxPending {
		c.onUp = c.onUp[1:]
		c.log.Error("redis outage queue full: an old session deletion was dropped")
	}
	c.onUp = append(c.onUp, f)
}
