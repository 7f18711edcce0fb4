package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/store/sqlutil"
	"github.com/latchhq/latch/internal/store/storetest"
)

func TestMigrateConcurrentAndTwice(t *testing.T) {
	u := freshSchema(t)
	dbs := storetest.OpenConcurrently(t, 4, func() (*DB, error) { return Open(context.Background(), u) })
	ms, err := sqlutil.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for i, db := range dbs {
		n, err := db.Store.Migrate(context.Background(), ms)
		if err != nil || n != 0 {
			t.Fatalf("handle %d: second Migrate applied %d, err %v; want 0, nil", i, n, err)
		}
		if err := db.CreateTask(context.Background(), &latch.Task{UserID: "u", Title: "t"}, time.Now()); err != nil {
			t.Fatalf("handle %d: CreateTask: %v", i, err)
		}
	}
	var n int
	if err := dbs[0].pool.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n != len(ms) {
		t.Fatalf("schema_migrations rows = %d (%v), want %d", n, err, len(ms))
	}
}

// TestBetterAuthDatabase runs Better Auth's own DDL (as its migrator emits
// it, without IF NOT EXISTS), inserts rows the way Better Auth does, then
// opens the schema with Latch and uses it.
func TestBetterAuthDatabase(t *testing.T) {
	u := freshSchema(t)
	cfgDB := func() *DB {
		db, err := Open(context.Background(), u)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		return db
	}
	// Create the Better Auth tables first, through a raw connection on the
	// same search_path.
	raw := adminOn(t, u)
	if _, err := raw.Exec(betterAuthDDL(t, latch.IDRandom)); err != nil {
		t.Fatalf("Better Auth DDL: %v", err)
	}
	if _, err := raw.Exec(`insert into "user" ("id","name","email","emailVerified") values ('u1','Alice','alice@example.com',false);
		insert into "session" ("id","expiresAt","token","updatedAt","ipAddress","userAgent","userId")
		values ('s1', now() + interval '7 days', 'tok1', now(), '', '', 'u1')`); err != nil {
		t.Fatal(err)
	}
	db := cfgDB()
	t.Cleanup(func() { _ = db.Close() })
	ctx := context.Background()
	s, su, err := db.SessionByToken(ctx, "tok1")
	if err != nil || su.Email != "alice@example.com" || s.ExpiresAt.Location() != time.UTC {
		t.Fatalf("SessionByToken on a Better Auth database = %+v %+v %v", s, su, err)
	}
	tk := &latch.Task{UserID: "u1", Title: "t"}
	if err := db.CreateTask(ctx, tk, time.Now()); err != nil {
		t.Fatal(err)
	}
	// A plain DELETE, as Better Auth issues it, from a session with a
	// different search_path, still removes the tasks.
	if _, err := adminOn(t, testURL(t)).Exec(fmt.Sprintf(`DELETE FROM %s."user" WHERE id = 'u1'`, schemaOf(t, db))); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetTask(ctx, "u1", tk.ID); !errors.Is(err, latch.ErrNotFound) {
		t.Fatalf("task after raw user delete: %v", err)
	}
}

func schemaOf(t *testing.T, db *DB) string {
	t.Helper()
	var s string
	if err := db.pool.QueryRow(`SELECT current_schema()`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := Open(ctx, "postgres://nobody:secret-pw@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if !errors.Is(err, latch.ErrUnavailable) {
		t.Fatalf("Open on a closed port: %v, want ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), "secret-pw") {
		t.Fatalf("error leaks the password: %v", err)
	}
	_, err = Open(ctx, "postgres://a:secret-pw@host:notaport/db")
	if err == nil || strings.Contains(err.Error(), "secret-pw") {
		t.Fatalf("invalid URL: %v", err)
	}
}

func TestNormalizeURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{in: "postgres://u@h/db", want: "postgres://u@h/db"},
		{in: "postgresql://u@h/db", want: "postgresql://u@h/db"},
		{in: "postgresql+asyncpg://u:p@h:5432/db", want: "postgresql://u:p@h:5432/db"},
		{in: "POSTGRESQL+ASYNCPG://u@h/db", want: "postgresql://u@h/db"},
		{in: "postgresql+asyncpg://u@h/db?ssl=require", want: "postgresql://u@h/db?sslmode=require"},
		{in: "postgresql+asyncpg://u@h/db?ssl=false", want: "postgresql://u@h/db?sslmode=disable"},
		{in: "postgresql+psycopg://u@h/db?sslmode=verify-full", want: "postgresql://u@h/db?sslmode=verify-full"},
		{in: "mysql+aiomysql://u@h/db", want: "mysql+aiomysql://u@h/db"},
		{in: "not a url", want: "not a url"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := NormalizeURL(tc.in); got != tc.want {
				t.Fatalf("NormalizeURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestStatementsArePrepared: hot queries are parsed once per connection,
// not on every call: after many GetTask and ListTasks calls on one
// connection, the server holds one prepared statement for each query and
// has not prepared one per call.
func TestStatementsArePrepared(t *testing.T) {
	u := freshSchema(t)
	db, err := Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.pool.SetMaxOpenConns(1) // every call on the same connection
	ctx := context.Background()
	tk := &latch.Task{UserID: "u", Title: "t"}
	if err := db.CreateTask(ctx, tk, time.Now()); err != nil {
		t.Fatal(err)
	}
	const calls = 50
	for range calls {
		if _, err := db.GetTask(ctx, "u", tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ListTasks(ctx, latch.TaskFilter{UserID: "u", Limit: 20}); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.pool.QueryRow(`SELECT count(*) FROM pg_prepared_statements`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 || n >= calls {
		t.Fatalf("%d prepared statements on the connection after %d calls of two queries; want a few (one per query)", n, calls)
	}
	t.Logf("%d prepared statements after %d calls", n, 2*calls)
}
