// Package ratelimit provides an in-process latch.RateLimiter with Better
// Auth's counting rule: a key's count resets once now-lastRequest reaches the
// window, and every allowed request moves lastRequest forward (a window that
// extends from the last allowed request). Denied requests change nothing.
//
// The limiter is sharded to keep lock contention low under parallel load,
// cleans up stale keys lazily (no background goroutine, nothing to close) and
// caps both the number of keys it holds and the size of each (long keys are
// stored as a digest), so a flood of distinct keys (for example spoofed
// client addresses or very long request paths) cannot grow memory without
// bound.
package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"hash/maphash"
	"sync"
	"time"

	"github.com/latchhq/latch"
)

const (
	shardCount = 64
	// DefaultMaxKeys is the default cap on tracked keys, as in Better
	// Auth's memory store (100 000).
	DefaultMaxKeys = 100_000
	// sweepInterval is how often (per shard, lazily, on Allow) expired
	// entries are removed.
	sweepInterval = 30 * time.Second
	// evictSample is how many entries are inspected to choose a victim
	// when a full shard must make room.
	evictSample = 8
	// maxKeyLen is the longest key stored as it is; longer keys (a client
	// can make the path part of a key as long as its request line) are
	// stored as their SHA-256, so that every entry has a bounded size.
	maxKeyLen = 256
)

// Memory is an in-process latch.RateLimiter. The zero value is not usable;
// call New. It is safe for concurrent use.
type Memory struct {
	// Now is the clock; nil means time.Now. Set it before first use.
	Now func() time.Time

	seed     maphash.Seed
	shardCap int
	shards   [shardCount]shard
}

var _ latch.RateLimiter = (*Memory)(nil)

type shard struct {
	mu        sync.Mutex
	m         map[string]entry
	lastSweep time.Time
	_         [40]byte // keep shards on separate cache lines
}

type entry struct {
	count  int
	last   time.Time     // the last allowed request
	window time.Duration // window of the rule that last touched the key
}

func (e entry) expired(now time.Time) bool { return now.Sub(e.last) >= e.window }

// Option configures a Memory limiter.
type Option func(*Memory)

// WithMaxKeys caps the number of keys tracked (approximately: the cap is
// split evenly over the shards). Values below the shard count are raised to
// it. The default is DefaultMaxKeys.
func WithMaxKeys(n int) Option {
	return func(m *Memory) { m.shardCap = max(1, n/shardCount) }
}

// New returns an empty in-memory limiter.
func New(opts ...Option) *Memory {
	m := &Memory{seed: maphash.MakeSeed(), shardCap: DefaultMaxKeys / shardCount}
	for _, o := range opts {
		o(m)
	}
	for i := range m.shards {
		m.shards[i].m = make(map[string]entry)
	}
	return m
}

// Allow records one request for key and reports whether it is within max
// requests per window. When it is not, retryAfter is the time until the
// window that started at the last allowed request ends. A max below 1 denies
// every request; a window of zero or less allows every request. The error is
// always nil (it exists for shared implementations). A nil *Memory allows
// every request, so a disabled limiter stored in a latch.RateLimiter
// interface as a typed nil is harmless.
func (m *Memory) Allow(_ context.Context, key string, max int, window time.Duration) (bool, time.Duration, error) {
	if m == nil {
		return true, 0, nil
	}
	now := m.now()
	if max < 1 {
		return false, max1(window), nil
	}
	key = boundKey(key)
	s := &m.shards[hashKey(m, key)]
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.lastSweep) >= sweepInterval {
		s.sweep(now)
	}
	e, found := s.m[key]
	switch {
	case !found || now.Sub(e.last) >= window:
		if !found && len(s.m) >= m.shardCap {
			s.makeRoom(now, m.shardCap)
		}
		s.m[key] = entry{count: 1, last: now, window: window}
		return true, 0, nil
	case e.count >= max:
		return false, e.last.Add(window).Sub(now), nil
	default:
		s.m[key] = entry{count: e.count + 1, last: now, window: window}
		return true, 0, nil
	}
}

func (m *Memory) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

// boundKey returns key, or for a key longer than maxKeyLen a fixed-size
// digest of it (prefixed so that it cannot equal a short key).
func boundKey(key string) string {
	if len(key) <= maxKeyLen {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "\x00sha256:" + hex.EncodeToString(sum[:])
}

// hashKey picks the shard of key.
func hashKey(m *Memory, key string) uint64 { return maphash.String(m.seed, key) % shardCount }

// max1 keeps a reported wait positive.
func max1(d time.Duration) time.Duration {
	if d <= 0 {
		return time.Second
	}
	return d
}

// Len reports how many keys are tracked (including expired ones not yet
// swept).
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// Sweep removes every expired key now. Allow already does this lazily; Sweep
// is for callers that want memory back at a known time.
func (m *Memory) Sweep() {
	now := m.now()
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		s.sweep(now)
		s.mu.Unlock()
	}
}

// sweep deletes expired entries; s.mu must be held.
func (s *shard) sweep(now time.Time) {
	for k, e := range s.m {
		if e.expired(now) {
			delete(s.m, k)
		}
	}
	s.lastSweep = now
}

// makeRoom frees one slot in a full shard; s.mu must be held. It first drops
// expired entries (at most once a second, so a flood of new keys does not
// cost a full scan each); if the shard is still full it evicts, among a small
// sample (map iteration order is randomised), the entry whose window ends
// soonest, so that keys near their limit are the last to be forgotten.
func (s *shard) makeRoom(now time.Time, limit int) {
	if now.Sub(s.lastSweep) >= time.Second {
		s.sweep(now)
		if len(s.m) < limit {
			return
		}
	}
	var victim string
	var victimEnd time.Time
	n := 0
	for k, e := range s.m {
		end := e.last.Add(e.window)
		if n == 0 || end.Before(victimEnd) {
			victim, victimEnd = k, end
		}
		if n++; n >= evictSample {
			break
		}
	}
	if n > 0 {
		delete(s.m, victim)
	}
}
