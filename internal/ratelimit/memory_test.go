package ratelimit

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchhq/latch/internal/testutil"
)

// fakeClock is a settable clock.
type fakeClock = testutil.Clock

func newClock() *fakeClock { return testutil.NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) }

func TestAllowSequences(t *testing.T) {
	type step struct {
		advance time.Duration // before the request
		ok      bool
		retry   time.Duration // expected when !ok
	}
	const s = time.Second
	tests := []struct {
		name   string
		max    int
		window time.Duration
		steps  []step
	}{
		{
			name: "three allowed then denied with time to end of window from last allowed",
			max:  3, window: 10 * s,
			steps: []step{{ok: true}, {advance: 5 * s, ok: true}, {advance: 4 * s, ok: true}, {advance: s / 2, ok: false, retry: 9*s + s/2}},
		},
		{
			name: "window extends from last allowed request (no reset at 10s after first)",
			max:  2, window: 10 * s,
			steps: []step{{ok: true}, {advance: 9 * s, ok: true}, {advance: 2 * s, ok: false, retry: 8 * s}},
		},
		{
			name: "reset exactly when now-last equals window",
			max:  1, window: 10 * s,
			steps: []step{{ok: true}, {advance: 10*s - 1, ok: false, retry: 1}, {advance: 1, ok: true}, {ok: false, retry: 10 * s}},
		},
		{
			name: "denied requests do not move lastRequest",
			max:  1, window: 10 * s,
			steps: []step{{ok: true}, {advance: 3 * s, ok: false, retry: 7 * s}, {advance: 3 * s, ok: false, retry: 4 * s}, {advance: 4 * s, ok: true}},
		},
		{
			name: "count restarts at one after a reset",
			max:  2, window: 10 * s,
			steps: []step{{ok: true}, {ok: true}, {ok: false, retry: 10 * s}, {advance: 10 * s, ok: true}, {ok: true}, {ok: false, retry: 10 * s}},
		},
		{
			name: "max below one denies everything",
			max:  0, window: 10 * s,
			steps: []step{{ok: false, retry: 10 * s}, {advance: time.Hour, ok: false, retry: 10 * s}},
		},
		{
			name: "zero window allows everything",
			max:  1, window: 0,
			steps: []step{{ok: true}, {ok: true}, {ok: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := newClock()
			m := newAt(clk.Now)
			for i, st := range tt.steps {
				clk.Advance(st.advance)
				ok, retry, err := m.Allow(context.Background(), "k", tt.max, tt.window)
				if err != nil {
					t.Fatalf("step %d: err = %v", i, err)
				}
				if ok != st.ok {
					t.Fatalf("step %d: ok = %v, want %v", i, ok, st.ok)
				}
				if !ok && retry != st.retry {
					t.Fatalf("step %d: retryAfter = %v, want %v", i, retry, st.retry)
				}
				if ok && retry != 0 {
					t.Fatalf("step %d: retryAfter = %v on an allowed request", i, retry)
				}
			}
		})
	}
}

func TestKeysAreIndependent(t *testing.T) {
	m := New()
	ctx := context.Background()
	if ok, _, _ := m.Allow(ctx, "a", 1, time.Minute); !ok {
		t.Fatal("first a denied")
	}
	if ok, _, _ := m.Allow(ctx, "a", 1, time.Minute); ok {
		t.Fatal("second a allowed")
	}
	if ok, _, _ := m.Allow(ctx, "b", 1, time.Minute); !ok {
		t.Fatal("first b denied: keys share a bucket")
	}
}

func TestMemoryIsBounded(t *testing.T) {
	clk := newClock()
	m := newAt(clk.Now, WithMaxKeys(shardCount*4))
	ctx := context.Background()
	for i := range 20000 {
		m.Allow(ctx, fmt.Sprintf("ip-%d|/x", i), 100, time.Hour)
	}
	if n := m.Len(); n > shardCount*4 {
		t.Fatalf("Len = %d, want <= %d", n, shardCount*4)
	}
}

func TestStaleKeysAreSwept(t *testing.T) {
	clk := newClock()
	m := newAt(clk.Now)
	ctx := context.Background()
	for i := range 1000 {
		m.Allow(ctx, fmt.Sprintf("k%d", i), 3, 10*time.Second)
	}
	if m.Len() != 1000 {
		t.Fatalf("Len = %d, want 1000", m.Len())
	}
	t.Run("lazily on Allow after the sweep interval", func(t *testing.T) {
		clk.Advance(sweepInterval + 10*time.Second)
		// Touch every shard once; each sweeps its expired keys.
		for i := range 1000 {
			m.Allow(ctx, fmt.Sprintf("fresh%d", i), 3, 10*time.Second)
		}
		if n := m.Len(); n != 1000 {
			t.Fatalf("Len = %d, want 1000 (only the fresh keys)", n)
		}
	})
	t.Run("explicitly with Sweep", func(t *testing.T) {
		clk.Advance(10 * time.Second)
		m.Sweep()
		if n := m.Len(); n != 0 {
			t.Fatalf("Len = %d after Sweep, want 0", n)
		}
	})
}

// TestFullShardKeepsLiveKeysWhenOthersExpired fills a two-key shard with a
// live key at its limit and an expired one; a third key must take the
// expired key's slot, so the live key stays denied and the shard stays at
// its cap.
func TestFullShardKeepsLiveKeysWhenOthersExpired(t *testing.T) {
	clk := newClock()
	m := newAt(clk.Now, WithMaxKeys(2*shardCount)) // two keys per shard
	ctx := context.Background()
	target := maphashShard(m, "live")
	sameShard := func(prefix string) string {
		for i := 0; ; i++ {
			if k := fmt.Sprintf("%s%d", prefix, i); maphashShard(m, k) == target {
				return k
			}
		}
	}
	old := sameShard("old")
	m.Allow(ctx, "live", 1, time.Hour)
	m.Allow(ctx, old, 1, time.Second)
	clk.Advance(2 * time.Second)
	other := sameShard("new")
	if ok, _, _ := m.Allow(ctx, other, 1, time.Minute); !ok {
		t.Fatal("new key denied in a full shard")
	}
	if n := len(target.m); n > 2 {
		t.Fatalf("shard holds %d keys, cap 2", n)
	}
	if ok, _, _ := m.Allow(ctx, "live", 1, time.Hour); ok {
		t.Fatal("live key at its limit was forgotten to make room")
	}
	if ok, _, _ := m.Allow(ctx, other, 1, time.Minute); ok {
		t.Fatal("second request for the new key allowed: it was not stored")
	}
}

func maphashShard(m *Memory, key string) *shard {
	return &m.shards[hashKey(m, key)]
}

func TestConcurrentAllowNeverExceedsMax(t *testing.T) {
	m := New()
	const max, goroutines = 50, 200
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			if ok, _, _ := m.Allow(context.Background(), "hot", max, time.Hour); ok {
				allowed.Add(1)
			}
		})
	}
	wg.Wait()
	if got := allowed.Load(); got != max {
		t.Fatalf("allowed = %d, want exactly %d", got, max)
	}
}

func BenchmarkAllowParallelDistinctKeys(b *testing.B) {
	m := New()
	keys := make([]string, 4096)
	for i := range keys {
		keys[i] = fmt.Sprintf("203.0.113.%d|/get-session", i)
	}
	var n atomic.Uint64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := n.Add(1) * 7919
		for pb.Next() {
			m.Allow(context.Background(), keys[i%uint64(len(keys))], 1<<30, 10*time.Second)
			i++
		}
	})
}

func BenchmarkAllowParallelOneKey(b *testing.B) {
	m := New()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.Allow(context.Background(), "127.0.0.1|/sign-in/email", 1<<30, 10*time.Second)
		}
	})
}

func TestNilMemoryAllowsEverything(t *testing.T) {
	var m *Memory
	for range 3 {
		if ok, _, err := m.Allow(context.Background(), "k", 1, time.Minute); !ok || err != nil {
			t.Fatalf("nil Memory: ok=%v err=%v", ok, err)
		}
	}
}

// TestLongKeysAreStoredBounded: a key can carry a request path as long as
// the request line, so the limiter must not keep long keys verbatim; a long
// key must still count on its own and not share a bucket with another.
func TestLongKeysAreStoredBounded(t *testing.T) {
	ctx := context.Background()
	m := newAt(newClock().Now)
	long := func(c byte) string { return "203.0.113.7|/" + strings.Repeat(string(c), 64<<10) }
	a, b := long('a'), long('b')
	for i := range 3 {
		if ok, _, _ := m.Allow(ctx, a, 3, time.Second); !ok {
			t.Fatalf("request %d of key a denied", i+1)
		}
	}
	if ok, _, _ := m.Allow(ctx, a, 3, time.Second); ok {
		t.Fatal("fourth request of a long key allowed: long keys are not counted together")
	}
	if ok, _, _ := m.Allow(ctx, b, 3, time.Second); !ok {
		t.Fatal("another long key shares the first one's bucket")
	}
	stored := 0
	for i := range m.shards {
		for k := range m.shards[i].m {
			stored += len(k)
			if len(k) > maxKeyLen+16 {
				t.Errorf("key of %d bytes stored verbatim (limit %d)", len(k), maxKeyLen)
			}
		}
	}
	if stored > 2*(maxKeyLen+16) {
		t.Errorf("two long keys take %d bytes of keys", stored)
	}
}

// newAt returns a limiter on the clock now.
func newAt(now func() time.Time, opts ...Option) *Memory {
	m := New(opts...)
	m.Now = now
	return m
}
