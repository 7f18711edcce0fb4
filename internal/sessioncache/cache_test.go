package sessioncache

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/testutil"
)

var t0 = time.Date(2026, 11, 28, 6, 25, 34, 0, time.UTC)

// fixture: alice has sessions tok-a1 (sid-a1) and tok-a2 (sid-a2), bob has
// tok-b1 (sid-b1); all expire in a day. The cache's TTL is an hour, so
// that an entry not forgotten would be served for the whole test.
func fixture(t *testing.T) (*fakeStore, *Store, *testutil.Clock, *[]string) {
	t.Helper()
	f := newFakeStore()
	f.addUser("alice")
	f.addUser("bob")
	f.addSession("sid-a1", "tok-a1", "alice", t0.Add(24*time.Hour))
	f.addSession("sid-a2", "tok-a2", "alice", t0.Add(24*time.Hour))
	f.addSession("sid-b1", "tok-b1", "bob", t0.Add(24*time.Hour))
	clk := testutil.NewClock(t0)
	c := New(time.Hour, 0)
	c.Now = clk.Now
	s := NewStore(c, f, f)
	var changed []string
	s.OnUserChange = func(ids ...string) { changed = append(changed, ids...) }
	return f, s, clk, &changed
}

// read resolves token through the decorator and returns the name, or
// "gone" for ErrNotFound.
func read(t *testing.T, s *Store, token string) string {
	t.Helper()
	sess, u, err := s.SessionByToken(context.Background(), token)
	if errors.Is(err, latch.ErrNotFound) {
		return "gone"
	}
	if err != nil {
		t.Fatalf("SessionByToken(%s): %v", token, err)
	}
	return fmt.Sprintf("%s %s %s verified=%v image=%v expires=%s", sess.ID, u.Name, u.Email, u.EmailVerified,
		u.Image != nil, sess.ExpiresAt.Format(time.RFC3339))
}

// TestWritesForgetEntries: after each write through the Store (or notice),
// the next read of the affected sessions goes to the store and sees the
// change; other entries stay cached.
func TestWritesForgetEntries(t *testing.T) {
	ctx := context.Background()
	name, mail, yes := "Alice B.", "new@example.com", true
	img := func() **string { p := new(string); *p = "https://example.com/a.png"; return &p }
	tests := []struct {
		name  string
		write func(s *Store) error
		// userWide: every entry of alice is forgotten (and reported to
		// OnUserChange), not only tok-a1's.
		userWide bool
	}{
		{"sliding refresh (ExtendSession)", func(s *Store) error {
			return s.ExtendSession(ctx, "tok-a1", t0.Add(48*time.Hour), t0)
		}, false},
		{"sign-out (DeleteSession, any owner)", func(s *Store) error { return s.DeleteSession(ctx, "", "tok-a1") }, false},
		{"revoke-session (DeleteSession, owner)", func(s *Store) error { return s.DeleteSession(ctx, "alice", "tok-a1") }, false},
		{"revoke-sessions", func(s *Store) error { return s.DeleteUserSessions(ctx, "alice", "") }, true},
		{"revoke-other-sessions", func(s *Store) error { return s.DeleteUserSessions(ctx, "alice", "tok-a2") }, true},
		{"update-user name", func(s *Store) error {
			_, err := s.UpdateUser(ctx, "alice", latch.UserUpdate{Name: &name}, t0)
			return err
		}, true},
		{"update-user image", func(s *Store) error {
			_, err := s.UpdateUser(ctx, "alice", latch.UserUpdate{Image: img()}, t0)
			return err
		}, true},
		{"verify-email", func(s *Store) error {
			_, err := s.UpdateUser(ctx, "alice", latch.UserUpdate{EmailVerified: &yes}, t0)
			return err
		}, true},
		{"change-email", func(s *Store) error {
			_, err := s.UpdateUser(ctx, "alice", latch.UserUpdate{Email: &mail}, t0)
			return err
		}, true},
		{"change-password", func(s *Store) error { return s.SetPassword(ctx, "alice", "salt:key", t0) }, true},
		{"delete-user", func(s *Store) error { return s.DeleteUser(ctx, "alice") }, true},
		{"OnRevoke / Redis notice of an ended session", func(s *Store) error { s.Cache.Invalidate("sid-a1"); return nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, s, _, changed := fixture(t)
			for _, tok := range []string{"tok-a1", "tok-a2", "tok-b1"} {
				read(t, s, tok)
				read(t, s, tok)
			}
			if n := f.readCount(); n != 3 {
				t.Fatalf("warm-up cost %d store reads, want 3 (one per session)", n)
			}
			if err := tt.write(s); err != nil {
				t.Fatal(err)
			}
			got := read(t, s, "tok-a1")
			if n := f.readCount(); n != 4 {
				t.Fatalf("tok-a1 after the write was answered from the cache (%d store reads, want 4)", n)
			}
			// The truth, straight from the store.
			want := read(t, NewStore(New(0, 0), f, f), "tok-a1")
			if got != want {
				t.Fatalf("after the write: got %q, the store has %q", got, want)
			}
			before := f.readCount()
			read(t, s, "tok-a2")
			if reread := f.readCount() > before; reread != tt.userWide {
				t.Errorf("tok-a2 re-read from the store: %v, want %v", reread, tt.userWide)
			}
			before = f.readCount()
			if read(t, s, "tok-b1"); f.readCount() != before {
				t.Error("bob's entry was forgotten by a change of alice")
			}
			if want := []string(nil); tt.userWide {
				if !slices.Equal(*changed, []string{"alice"}) {
					t.Errorf("OnUserChange got %v, want [alice]", *changed)
				}
			} else if !slices.Equal(*changed, want) {
				t.Errorf("OnUserChange got %v, want none", *changed)
			}
		})
	}
}

// TestInvalidateUsers: a notice of a changed user (Redis) forgets every
// entry of that user only.
func TestInvalidateUsers(t *testing.T) {
	f, s, _, _ := fixture(t)
	for _, tok := range []string{"tok-a1", "tok-a2", "tok-b1"} {
		read(t, s, tok)
	}
	s.Cache.InvalidateUsers("alice")
	for _, tok := range []string{"tok-a1", "tok-a2", "tok-b1"} {
		read(t, s, tok)
	}
	if n := f.readCount(); n != 5 {
		t.Fatalf("%d store reads, want 5 (alice's two sessions re-read, bob's cached)", n)
	}
}

// TestCacheTTLAndExpiry: an entry lives the TTL, and never past its
// session's expiresAt.
func TestCacheTTLAndExpiry(t *testing.T) {
	f := newFakeStore()
	f.addUser("alice")
	f.addSession("sid-long", "tok-long", "alice", t0.Add(time.Hour))
	f.addSession("sid-short", "tok-short", "alice", t0.Add(7*time.Second))
	clk := testutil.NewClock(t0)
	c := New(5*time.Second, 0)
	c.Now = clk.Now
	s := NewStore(c, f, f)
	steps := []struct {
		advance   time.Duration
		token     string
		wantReads int // store reads so far
	}{
		{0, "tok-long", 1},
		{4999 * time.Millisecond, "tok-long", 1}, // within the TTL: cached
		{time.Millisecond, "tok-long", 2},        // TTL reached (5 s): read again
		{0, "tok-long", 2},
		{0, "tok-short", 3},                       // cached until its expiresAt (7 s), before the TTL (10 s)
		{1999 * time.Millisecond, "tok-short", 3}, // 6.999 s
		{time.Millisecond, "tok-short", 4},        // expiresAt reached: not served from the cache
		{0, "tok-short", 5},                       // an expired row is never cached
		{0, "tok-long", 5},
	}
	for i, st := range steps {
		clk.Advance(st.advance)
		read(t, s, st.token)
		if n := f.readCount(); n != st.wantReads {
			t.Fatalf("step %d (%s at %s): %d store reads, want %d", i, st.token, clk.Now().Sub(t0), n, st.wantReads)
		}
	}
}

// TestCacheOff: a TTL of zero caches nothing.
func TestCacheOff(t *testing.T) {
	f := newFakeStore()
	f.addUser("alice")
	f.addSession("sid", "tok", "alice", t0.Add(time.Hour))
	s := NewStore(New(0, 0), f, f)
	for range 3 {
		read(t, s, "tok")
	}
	if n := f.readCount(); n != 3 || s.Cache.Len() != 0 {
		t.Fatalf("%d store reads, %d entries; want 3 and 0", n, s.Cache.Len())
	}
}

// TestCacheBounded: past max entries the oldest go first.
func TestCacheBounded(t *testing.T) {
	f := newFakeStore()
	f.addUser("alice")
	for i := range 5 {
		f.addSession("sid"+strconv.Itoa(i), "tok"+strconv.Itoa(i), "alice", t0.Add(time.Hour))
	}
	clk := testutil.NewClock(t0)
	c := New(time.Hour, 3)
	c.Now = clk.Now
	s := NewStore(c, f, f)
	for i := range 5 {
		read(t, s, "tok"+strconv.Itoa(i))
	}
	if c.Len() != 3 {
		t.Fatalf("%d entries, want 3", c.Len())
	}
	for _, i := range []int{4, 3, 2} {
		read(t, s, "tok"+strconv.Itoa(i))
	}
	if n := f.readCount(); n != 5 {
		t.Fatalf("%d store reads, want 5: the newest three are cached", n)
	}
	read(t, s, "tok0")
	if n := f.readCount(); n != 6 {
		t.Fatalf("%d store reads, want 6: the oldest was dropped", n)
	}
	s.Cache.InvalidateUsers("alice")
	if c.Len() != 0 || len(c.bySID) != 0 || len(c.byUser) != 0 || c.order.Len() != 0 {
		t.Fatalf("indexes not empty after forgetting everything: %d %d %d %d", c.Len(), len(c.bySID), len(c.byUser), c.order.Len())
	}
}

// TestReadOverlappingWriteNotCached: a read that started before a write
// and returns the old rows after the write forgot the entry must not put
// the old rows back.
func TestReadOverlappingWriteNotCached(t *testing.T) {
	ctx := context.Background()
	writes := map[string]func(s *Store){
		"update-user": func(s *Store) {
			n := "new name"
			if _, err := s.UpdateUser(ctx, "alice", latch.UserUpdate{Name: &n}, t0); err != nil {
				t.Error(err)
			}
		},
		"sign-out": func(s *Store) {
			if err := s.DeleteSession(ctx, "", "tok-a1"); err != nil {
				t.Error(err)
			}
		},
		"Clear (lost Redis notices)": func(s *Store) {
			n := "new name"
			if _, err := s.UserStore.(*fakeStore).UpdateUser(ctx, "alice", latch.UserUpdate{Name: &n}, t0); err != nil {
				t.Error(err)
			}
			s.Cache.Clear()
		},
		"OnRevoke": func(s *Store) {
			s.Cache.Invalidate("sid-a1")
			if err := s.SessionStore.(*fakeStore).DeleteSession(ctx, "", "tok-a1"); err != nil {
				t.Error(err)
			}
		},
	}
	for name, write := range writes {
		t.Run(name, func(t *testing.T) {
			f, s, _, _ := fixture(t)
			f.afterRead = func() {
				f.mu.Lock()
				f.afterRead = nil
				f.mu.Unlock()
				write(s)
			}
			old := read(t, s, "tok-a1") // the overlapping read: old rows
			got := read(t, s, "tok-a1")
			want := read(t, NewStore(New(0, 0), f, f), "tok-a1")
			if got != want || got == old {
				t.Fatalf("after the write: got %q, store has %q (overlapping read saw %q)", got, want, old)
			}
		})
	}
}

// TestCacheConcurrent runs readers, writers and evictions at once (run it
// with -race). A reader that starts after a write has returned must see
// it: the version in the user's name never goes back.
func TestCacheConcurrent(t *testing.T) {
	ctx := context.Background()
	f := newFakeStore()
	const users = 4
	for u := range users {
		id := "u" + strconv.Itoa(u)
		f.addUser(id)
		for k := range 4 {
			f.addSession(fmt.Sprintf("sid-%d-%d", u, k), fmt.Sprintf("tok-%d-%d", u, k), id, t0.Add(time.Hour))
		}
	}
	c := New(time.Hour, 10) // smaller than the 16 sessions: evictions too
	c.Now = func() time.Time { return t0 }
	s := NewStore(c, f, f)
	var written [users]atomic.Int64
	var wg sync.WaitGroup
	for u := range users {
		wg.Go(func() { // one writer per user
			for v := int64(1); v <= 300; v++ {
				name := strconv.FormatInt(v, 10)
				if _, err := s.UpdateUser(ctx, "u"+strconv.Itoa(u), latch.UserUpdate{Name: &name}, t0); err != nil {
					t.Error(err)
					return
				}
				written[u].Store(v)
				if v%50 == 0 {
					c.Invalidate(fmt.Sprintf("sid-%d-%d", u, v%4))
				}
			}
		})
	}
	for r := range 4 {
		wg.Go(func() {
			for i := range 3000 {
				u, k := (i+r)%users, (i/users+r)%4
				min := written[u].Load()
				_, usr, err := s.SessionByToken(ctx, fmt.Sprintf("tok-%d-%d", u, k))
				if err != nil {
					t.Error(err)
					return
				}
				got, _ := strconv.ParseInt(usr.Name, 10, 64) // "name of u0" before the first write: 0
				if got < min {
					t.Errorf("user u%d: read version %d after version %d was written", u, got, min)
					return
				}
			}
		})
	}
	wg.Wait()
	if c.Len() > 10 {
		t.Fatalf("%d entries, bound is 10", c.Len())
	}
}

// TestCacheBoundedInBytes: sessions with huge user agents (up to the
// header limit) cannot grow the cache past MaxBytes, and one over
// MaxEntryBytes is not cached at all.
func TestCacheBoundedInBytes(t *testing.T) {
	f := newFakeStore()
	f.addUser("alice")
	ua := strings.Repeat("u", 7<<10) // under MaxEntryBytes
	n := 2 * MaxBytes / len(ua)
	for i := range n {
		tok := "tok" + strconv.Itoa(i)
		f.addSession("sid"+strconv.Itoa(i), tok, "alice", t0.Add(time.Hour))
		f.mu.Lock()
		s := f.sessions[tok]
		s.UserAgent = ua
		f.sessions[tok] = s
		f.mu.Unlock()
	}
	clk := testutil.NewClock(t0)
	c := New(time.Hour, n+1) // the count would allow them all
	c.Now = clk.Now
	s := NewStore(c, f, f)
	for i := range n {
		read(t, s, "tok"+strconv.Itoa(i))
	}
	if b := c.Bytes(); b > MaxBytes || b < MaxBytes/2 {
		t.Fatalf("cache holds %d bytes, want at most MaxBytes (%d) and most of it used", b, MaxBytes)
	}
	if c.Len() >= n {
		t.Fatalf("%d entries of %d cached: the byte bound did not apply", c.Len(), n)
	}

	huge := "tok-huge"
	f.addSession("sid-huge", huge, "alice", t0.Add(time.Hour))
	f.mu.Lock()
	hs := f.sessions[huge]
	hs.UserAgent = strings.Repeat("h", 60<<10)
	f.sessions[huge] = hs
	f.mu.Unlock()
	before := f.readCount()
	read(t, s, huge)
	read(t, s, huge)
	if got := f.readCount() - before; got != 2 {
		t.Fatalf("%d store reads for two lookups of a 60 KiB session, want 2 (not cached)", got)
	}
	s.Cache.Clear()
	if c.Bytes() != 0 {
		t.Fatalf("%d bytes after Clear", c.Bytes())
	}
}
