package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/store/sqlutil"
	"github.com/latchhq/latch/internal/store/storetest"
)

func countMigrations(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.r.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatalf("count schema_migrations: %v", err)
	}
	return n
}

func TestMigrateConcurrentAndTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	dbs := storetest.OpenConcurrently(t, 4, func() (*DB, error) { return Open(context.Background(), path) })
	ms, err := sqlutil.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	if got := countMigrations(t, dbs[0]); got != len(ms) {
		t.Fatalf("schema_migrations has %d rows, want %d", got, len(ms))
	}
	// Every handle works, and a second Migrate applies nothing.
	for i, db := range dbs {
		tk := &latch.Task{UserID: "u", Title: "from handle"}
		if err := db.CreateTask(context.Background(), tk, time.Now()); err != nil {
			t.Fatalf("handle %d: CreateTask: %v", i, err)
		}
		n, err := db.Store.Migrate(context.Background(), ms)
		if err != nil || n != 0 {
			t.Fatalf("handle %d: second Migrate applied %d, err %v; want 0, nil", i, n, err)
		}
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("handle %d: Migrate: %v", i, err)
		}
	}
	if got := countMigrations(t, dbs[0]); got != len(ms) {
		t.Fatalf("after re-running: schema_migrations has %d rows, want %d", got, len(ms))
	}
}

// TestBetterAuthDatabase opens a database laid out the way Better Auth's
// own migrator creates it (no IF NOT EXISTS, no schema_migrations), with
// rows in the forms Better Auth writes, and uses it as it is.
func TestBetterAuthDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ba.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{
		betterAuthDDL(t, latch.IDRandom),
		`insert into "user" values ('u1', 'Alice', 'alice@example.com', 0, null, '2026-11-28T06:25:34.041Z', '2026-11-28T06:25:34.041Z')`,
		`insert into "user" values ('u2', 'Bob', 'bob@example.com', 1, 'https://x/y.png', '2026-11-28T06:25:34Z', 1764311134041)`,
		`insert into "account" ("id","accountId","providerId","userId","password","createdAt","updatedAt")
		 values ('a1', 'u1', 'credential', 'u1', 'salt:key', '2026-11-28T06:25:34.041Z', '2026-11-28T06:25:34.041Z')`,
		`insert into "session" values ('s1', '2026-12-05T06:25:34.612Z', 'tok1', '2026-11-28T06:25:34.612Z',
		 '2026-11-28T06:25:34.612Z', '127.0.0.1', '', 'u1')`,
	}
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	_ = raw.Close()

	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open on a Better Auth database: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	u, err := db.UserByEmail(ctx, "alice@example.com")
	if err != nil || u.ID != "u1" || u.CreatedAt.Format(sqlutil.TimeLayout) != "2026-11-28T06:25:34.041Z" {
		t.Fatalf("UserByEmail = %+v, %v", u, err)
	}
	b, err := db.UserByID(ctx, "u2")
	if err != nil || !b.EmailVerified || b.Image == nil || b.CreatedAt.Format(sqlutil.TimeLayout) != "2026-11-28T06:25:34.000Z" ||
		b.UpdatedAt.Format(sqlutil.TimeLayout) != "2025-11-28T06:25:34.041Z" {
		t.Fatalf("user with variant timestamps = %+v, %v", b, err)
	}
	s, su, err := db.SessionByToken(ctx, "tok1")
	if err != nil || su.ID != "u1" || s.ExpiresAt.Format(sqlutil.TimeLayout) != "2026-12-05T06:25:34.612Z" {
		t.Fatalf("SessionByToken = %+v %+v %v", s, su, err)
	}
	if a, err := db.CredentialAccount(ctx, "u1"); err != nil || *a.Password != "salt:key" {
		t.Fatalf("CredentialAccount = %+v, %v", a, err)
	}
	// Deleting the user the way Better Auth does (plain DELETE) removes
	// the tasks through the trigger.
	tk := &latch.Task{UserID: "u1", Title: "t"}
	if err := db.CreateTask(ctx, tk, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(`DELETE FROM "user" WHERE id = 'u1'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetTask(ctx, "u1", tk.ID); !errors.Is(err, latch.ErrNotFound) {
		t.Fatalf("task after raw user delete: %v", err)
	}
}

func ddlWithoutIfNotExists(b []byte) []byte {
	return []byte(strings.ReplaceAll(string(b), "if not exists ", ""))
}

// TestErrorsHideDriver checks that a conflict is ErrConflict and does not
// expose the driver's error type.
func TestErrorsHideDriver(t *testing.T) {
	db := openTest(t)
	now := time.Now()
	u := &latch.User{ID: "x", Name: "X", Email: "x@example.com", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUser(context.Background(), u, nil); err != nil {
		t.Fatal(err)
	}
	err := db.CreateUser(context.Background(), &latch.User{ID: "y", Name: "Y", Email: "x@example.com", CreatedAt: now, UpdatedAt: now}, nil)
	var se *sqlite.Error
	if !errors.Is(err, latch.ErrConflict) || errors.As(err, &se) {
		t.Fatalf("duplicate email: %v (driver type exposed: %v)", err, errors.As(err, &se))
	}
}

// TestStoredForms checks the column values Better Auth reads back: dates
// as ISO text with three millisecond digits and Z, booleans as integer
// 0/1, empty IP and user agent as "" (not NULL), no image as NULL.
func TestStoredForms(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	u := &latch.User{ID: "u1", Name: "A", Email: "a@example.com", EmailVerified: true,
		CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), UpdatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := db.CreateUser(ctx, u, nil); err != nil {
		t.Fatal(err)
	}
	x := &latch.Session{ID: "s1", Token: "tok", UserID: "u1", ExpiresAt: time.Date(2026, 1, 9, 3, 4, 5, 7_000_000, time.UTC),
		CreatedAt: u.CreatedAt, UpdatedAt: u.CreatedAt}
	if err := db.CreateSession(ctx, x); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateTask(ctx, &latch.Task{UserID: "u1", Title: "t"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ query, want string }{
		{query: `SELECT typeof("emailVerified") || ':' || "emailVerified" FROM "user"`, want: "integer:1"},
		{query: `SELECT typeof("createdAt") || ':' || "createdAt" FROM "user"`, want: "text:2026-01-02T03:04:05.000Z"},
		{query: `SELECT coalesce(typeof("image"), '') FROM "user"`, want: "null"},
		{query: `SELECT "expiresAt" FROM "session"`, want: "2026-01-09T03:04:05.007Z"},
		{query: `SELECT typeof("ipAddress") || ':' || typeof("userAgent") FROM "session"`, want: "text:text"},
		{query: `SELECT typeof(completed) || ':' || completed FROM task`, want: "integer:0"},
	} {
		var got string
		if err := db.r.QueryRow(tc.query).Scan(&got); err != nil {
			t.Fatalf("%s: %v", tc.query, err)
		}
		if got != tc.want {
			t.Errorf("%s = %q, want %q", tc.query, got, tc.want)
		}
	}
	var created string
	if err := db.r.QueryRow(`SELECT created_at FROM task`).Scan(&created); err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(sqlutil.TimeLayout, created); err != nil || len(created) != len(sqlutil.TimeLayout) {
		t.Errorf("task created_at = %q, want layout %s", created, sqlutil.TimeLayout)
	}
}
