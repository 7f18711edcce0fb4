package redis_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/redis"
	"github.com/latchhq/latch/internal/store/sqlite"
	"github.com/latchhq/latch/internal/testutil"
)

// env is one test's Store over a fresh SQLite database, with a raw client
// to look at the keys.
type env struct {
	db     *sqlite.DB
	c      *redis.Client
	store  *redis.Store
	raw    *goredis.Client
	prefix string
}

func newEnv(t *testing.T, url string) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "latch.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p := prefix()
	c, err := redis.Open(url, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	opt, _ := goredis.ParseURL(redisURL(t))
	raw := goredis.NewClient(opt)
	t.Cleanup(func() { raw.Close() })
	return &env{db: db, c: c, store: redis.NewStore(c, db, db, 7*24*time.Hour), raw: raw, prefix: p}
}

var jsDate = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func (e *env) user(t *testing.T, id string) *latch.User {
	t.Helper()
	now := time.Now().UTC().Truncate(time.Millisecond)
	u := &latch.User{ID: id, Name: "Ann", Email: id + "@example.com", CreatedAt: now, UpdatedAt: now}
	a := &latch.Account{ID: "a" + id, AccountID: id, ProviderID: latch.CredentialProvider, UserID: id, CreatedAt: now, UpdatedAt: now}
	if err := e.db.CreateUser(context.Background(), u, a); err != nil {
		t.Fatal(err)
	}
	return u
}

func (e *env) session(t *testing.T, userID, id string, created time.Time) *latch.Session {
	t.Helper()
	s := &latch.Session{ID: id, Token: "tok" + id, UserID: userID, ExpiresAt: created.Add(7 * 24 * time.Hour),
		CreatedAt: created, UpdatedAt: created, IPAddress: "10.0.0.1", UserAgent: "test"}
	if err := e.store.CreateSession(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *env) get(t *testing.T, k string) (string, bool) {
	t.Helper()
	v, err := e.raw.Get(context.Background(), e.prefix+k).Result()
	if errors.Is(err, goredis.Nil) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

func (e *env) refs(t *testing.T, userID string) []map[string]any {
	t.Helper()
	v, ok := e.get(t, "active-sessions-"+userID)
	if !ok {
		return nil
	}
	var refs []map[string]any
	if err := json.Unmarshal([]byte(v), &refs); err != nil {
		t.Fatal(err)
	}
	return refs
}

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

// The keys and values are Better Auth 1.7's secondaryStorage format.
func TestStoreWritesBetterAuthFormat(t *testing.T) {
	e := newEnv(t, redisURL(t))
	u := e.user(t, "u1")
	created := now()
	s2 := e.session(t, u.ID, "s2", created.Add(time.Second)) // expires later
	s1 := e.session(t, u.ID, "s1", created)

	v, ok := e.get(t, s1.Token)
	if !ok {
		t.Fatal("no value under the bare session token")
	}
	var doc struct {
		Session map[string]any `json:"session"`
		User    map[string]any `json:"user"`
	}
	if err := json.Unmarshal([]byte(v), &doc); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"expiresAt", "createdAt", "updatedAt"} {
		if s, _ := doc.Session[f].(string); !jsDate.MatchString(s) {
			t.Errorf("session.%s = %v, want an ISO date with ms and Z", f, doc.Session[f])
		}
		if s, _ := doc.User[f].(string); f != "expiresAt" && !jsDate.MatchString(s) {
			t.Errorf("user.%s = %v, want an ISO date with ms and Z", f, doc.User[f])
		}
	}
	if doc.Session["id"] != "s1" || doc.Session["token"] != s1.Token || doc.Session["userId"] != u.ID ||
		doc.Session["ipAddress"] != "10.0.0.1" || doc.Session["userAgent"] != "test" {
		t.Errorf("session = %v", doc.Session)
	}
	if doc.User["id"] != u.ID || doc.User["email"] != u.Email || doc.User["emailVerified"] != false || doc.User["image"] != nil {
		t.Errorf("user = %v", doc.User)
	}
	ttl := e.raw.TTL(context.Background(), e.prefix+s1.Token).Val()
	if want := time.Until(s1.ExpiresAt); ttl > want || ttl < want-5*time.Second {
		t.Errorf("TTL = %v, want about %v (to expiresAt)", ttl, want)
	}
	refs := e.refs(t, u.ID)
	if len(refs) != 2 || refs[0]["token"] != s1.Token || refs[1]["token"] != s2.Token ||
		refs[0]["expiresAt"] != float64(s1.ExpiresAt.UnixMilli()) {
		t.Errorf("active-sessions = %v, want s1 then s2 sorted by expiresAt (epoch ms)", refs)
	}
}

// Sessions are read from Redis first, including those Better Auth wrote
// there only; a revoked-sessions-before mark ends older ones.
func TestStoreReadsRedisFirst(t *testing.T) {
	e := newEnv(t, redisURL(t))
	ctx := context.Background()
	u := e.user(t, "u1")
	// Written as Better Auth does, with a plugin's extra field; no row.
	val := `{"session":{"id":"bas","token":"batoken","userId":"u1","expiresAt":"2099-01-01T00:00:00.000Z",` +
		`"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z","ipAddress":"","userAgent":"","activeOrganizationId":null},` +
		`"user":{"id":"u1","name":"Ann","email":"u1@example.com","emailVerified":true,"image":null,` +
		`"createdAt":"2026-01-01T00:00:00.000Z","updatedAt":"2026-01-01T00:00:00.000Z"}}`
	e.raw.Set(ctx, e.prefix+"batoken", val, time.Hour)
	s, gu, err := e.store.SessionByToken(ctx, "batoken")
	if err != nil {
		t.Fatalf("Better Auth's Redis-only session: %v", err)
	}
	if s.ID != "bas" || s.UserID != u.ID || !gu.EmailVerified || s.ExpiresAt.Year() != 2099 {
		t.Fatalf("decoded %+v %+v", s, gu)
	}
	// A session marked revoked is gone even with its value present.
	e.raw.Set(ctx, e.prefix+"revoked-sessions-before-u1", strconv.FormatInt(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), 10), time.Hour)
	if _, _, err := e.store.SessionByToken(ctx, "batoken"); !errors.Is(err, latch.ErrNotFound) {
		t.Fatalf("revoked: err = %v, want ErrNotFound", err)
	}
	// A miss falls back to the database.
	mine := e.session(t, u.ID, "s1", now())
	e.raw.Del(ctx, e.prefix+mine.Token)
	if got, _, err := e.store.SessionByToken(ctx, mine.Token); err != nil || got.ID != "s1" {
		t.Fatalf("miss: %v %v", got, err)
	}
}

func TestStoreDeletesAndUpdates(t *testing.T) {
	e := newEnv(t, redisURL(t))
	ctx := context.Background()
	u := e.user(t, "u1")
	other := e.user(t, "u2")
	t0 := now()
	s1 := e.session(t, u.ID, "s1", t0)
	s2 := e.session(t, u.ID, "s2", t0.Add(time.Millisecond))
	s3 := e.session(t, u.ID, "s3", t0.Add(2*time.Millisecond))
	o1 := e.session(t, other.ID, "o1", t0)

	t.Run("DeleteSessionOwnerOnly", func(t *testing.T) {
		if err := e.store.DeleteSession(ctx, u.ID, o1.Token); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.get(t, o1.Token); !ok {
			t.Fatal("another user's session was deleted from Redis")
		}
	})
	t.Run("UpdateUserRewritesCachedSessions", func(t *testing.T) {
		name := "Bea"
		if _, err := e.store.UpdateUser(ctx, u.ID, latch.UserUpdate{Name: &name}, now()); err != nil {
			t.Fatal(err)
		}
		for _, s := range []*latch.Session{s1, s2, s3} {
			v, _ := e.get(t, s.Token)
			var doc struct{ User struct{ Name string } }
			json.Unmarshal([]byte(v), &doc)
			if doc.User.Name != "Bea" {
				t.Errorf("%s: cached user name %q, want Bea", s.ID, doc.User.Name)
			}
			if ttl := e.raw.TTL(ctx, e.prefix+s.Token).Val(); ttl < 6*24*time.Hour {
				t.Errorf("%s: TTL %v after rewrite, want the remaining lifetime", s.ID, ttl)
			}
		}
	})
	t.Run("ExtendSession", func(t *testing.T) {
		exp := now().Add(8 * 24 * time.Hour)
		if err := e.store.ExtendSession(ctx, s1.Token, exp, now()); err != nil {
			t.Fatal(err)
		}
		got, _, err := e.store.SessionByToken(ctx, s1.Token)
		if err != nil || !got.ExpiresAt.Equal(exp) {
			t.Fatalf("after extend: %v %v, want expiresAt %v", got, err, exp)
		}
		refs := e.refs(t, u.ID)
		if last := refs[len(refs)-1]; last["token"] != s1.Token || last["expiresAt"] != float64(exp.UnixMilli()) {
			t.Fatalf("active-sessions = %v, want s1 last with the new expiry", refs)
		}
	})
	t.Run("DeleteSession", func(t *testing.T) {
		if err := e.store.DeleteSession(ctx, "", s3.Token); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.get(t, s3.Token); ok {
			t.Fatal("value still under the token")
		}
		for _, r := range e.refs(t, u.ID) {
			if r["token"] == s3.Token {
				t.Fatal("token still in active-sessions")
			}
		}
		if _, _, err := e.store.SessionByToken(ctx, s3.Token); !errors.Is(err, latch.ErrNotFound) {
			t.Fatalf("err = %v, want ErrNotFound", err)
		}
	})
	t.Run("DeleteUserSessionsKeep", func(t *testing.T) {
		if err := e.store.DeleteUserSessions(ctx, u.ID, s2.Token); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.get(t, s1.Token); ok {
			t.Fatal("s1 still cached")
		}
		if _, _, err := e.store.SessionByToken(ctx, s2.Token); err != nil {
			t.Fatalf("kept session: %v", err)
		}
		mark, _ := e.get(t, "revoked-sessions-before-"+u.ID)
		if mark != strconv.FormatInt(s2.CreatedAt.UnixMilli(), 10) {
			t.Fatalf("revoked-before = %q, want the kept session's createdAt %d", mark, s2.CreatedAt.UnixMilli())
		}
		if refs := e.refs(t, u.ID); len(refs) != 1 || refs[0]["token"] != s2.Token {
			t.Fatalf("active-sessions = %v, want only s2", refs)
		}
	})
	t.Run("DeleteUserSessionsAll", func(t *testing.T) {
		if err := e.store.DeleteUserSessions(ctx, u.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.get(t, s2.Token); ok {
			t.Fatal("s2 still cached")
		}
		if _, ok := e.get(t, "active-sessions-"+u.ID); ok {
			t.Fatal("empty active-sessions list not deleted")
		}
		ttl := e.raw.TTL(ctx, e.prefix+"revoked-sessions-before-"+u.ID).Val()
		if ttl < 7*24*time.Hour-time.Minute {
			t.Fatalf("revoked-before TTL %v, want max(expiresIn, 1 day)", ttl)
		}
	})
}

// While Redis is unreachable reads come from the database, a sign-out is
// queued and replayed when Redis returns, so the session does not come
// back from its Redis copy.
func TestStoreOutage(t *testing.T) {
	base := redisURL(t)
	u, _ := url.Parse(base)
	proxy := testutil.NewProxy(t, u.Host)
	u.Host = proxy.Addr()
	e := newEnv(t, u.String())
	ctx := context.Background()
	usr := e.user(t, "u1")
	s := e.session(t, usr.ID, "s1", now())
	if _, ok := e.get(t, s.Token); !ok {
		t.Fatal("not cached")
	}
	proxy.Cut()
	if got, _, err := e.store.SessionByToken(ctx, s.Token); err != nil || got.ID != "s1" {
		t.Fatalf("read during outage: %v %v, want the database's row", got, err)
	}
	if err := e.store.DeleteSession(ctx, "", s.Token); err != nil {
		t.Fatal(err)
	}
	if st := e.c.Stats(); st.Up || st.Errors == 0 || st.Fallbacks == 0 {
		t.Fatalf("stats during outage = %+v", st)
	}
	if _, ok := e.get(t, s.Token); !ok {
		t.Fatal("the copy should still be in Redis (the outage hid it)")
	}
	proxy.Restore()
	deadline := time.Now().Add(5 * time.Second)
	for {
		// Reads probe Redis once a second; the first success replays.
		if _, _, err := e.store.SessionByToken(ctx, s.Token); !errors.Is(err, latch.ErrNotFound) {
			t.Fatalf("signed-out session readable after recovery: %v", err)
		}
		if _, ok := e.get(t, s.Token); !ok && e.c.Stats().Up {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("queued deletion not replayed; stats %+v", e.c.Stats())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
