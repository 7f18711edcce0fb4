package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/store/sqlutil"
	"github.com/latchhq/latch/internal/store/storetest"
)

var formats = []latch.IDFormat{latch.IDRandom, latch.IDUUID, latch.IDSerial}

// openFormat opens a fresh database with ids of format f.
func openFormat(t *testing.T, f latch.IDFormat, path string) *DB {
	t.Helper()
	db, err := OpenFormat(context.Background(), path, f)
	if err != nil {
		t.Fatalf("OpenFormat(%s): %v", f, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// TestConformanceIDFormats runs the conformance suite with uuid and serial
// ids (TestConformance runs it with random ids), and every format's own
// id tests.
func TestConformanceIDFormats(t *testing.T) {
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			open := func(t *testing.T) storetest.Stores {
				return openFormat(t, f, filepath.Join(t.TempDir(), "latch.db"))
			}
			if f == latch.IDRandom {
				storetest.IDTests(t, f, open)
				return
			}
			storetest.RunFormat(t, f, open)
		})
	}
}

// betterAuthDDL is the schema Better Auth 1.7.25's migrator creates with
// format f (measured: docs/better-auth-measured.md), without IF NOT EXISTS.
func betterAuthDDL(t *testing.T, f latch.IDFormat) string {
	t.Helper()
	ms, err := sqlutil.LoadMigrations(migrationFS, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	ddl := sqlutil.ExpandMigrations(ms[:1], IDTypes(f))[0].SQL
	return strings.ReplaceAll(string(ddlWithoutIfNotExists([]byte(ddl))), " autoincrement", "")
}

// TestIDColumnTypes checks the declared types of the id columns against
// what Better Auth's migrator writes for each format.
func TestIDColumnTypes(t *testing.T) {
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			db := openFormat(t, f, filepath.Join(t.TempDir(), "latch.db"))
			want := map[latch.IDFormat]string{latch.IDRandom: "text", latch.IDUUID: "text", latch.IDSerial: "integer"}[f]
			for _, c := range [][2]string{{"user", "id"}, {"session", "id"}, {"session", "userId"}, {"account", "id"},
				{"account", "userId"}, {"verification", "id"}, {"jwks", "id"}, {"task", "user_id"}} {
				var typ string
				if err := db.r.QueryRow(`SELECT type FROM pragma_table_info(?) WHERE name = ?`, c[0], c[1]).Scan(&typ); err != nil {
					t.Fatalf("%s.%s: %v", c[0], c[1], err)
				}
				if !strings.EqualFold(typ, want) {
					t.Errorf("%s.%s is %s, want %s", c[0], c[1], typ, want)
				}
			}
		})
	}
}

// TestIDFormatMismatch opens databases made for one format (by Latch, or
// by Better Auth's DDL with a user in it) with another: Open must refuse
// with ErrIDFormat before creating anything.
func TestIDFormatMismatch(t *testing.T) {
	for _, made := range formats {
		for _, opened := range formats {
			if made == opened {
				continue
			}
			t.Run(string(made)+"/opened-as-"+string(opened), func(t *testing.T) {
				ctx := context.Background()
				// By Latch, with one user.
				path := filepath.Join(t.TempDir(), "latch.db")
				db, err := OpenFormat(ctx, path, made)
				if err != nil {
					t.Fatal(err)
				}
				u := &latch.User{ID: map[latch.IDFormat]string{latch.IDRandom: "ZYhpRVn4Jk7JgC5iX9dT0aWqOeMb2LsE",
					latch.IDUUID: "3aad91eb-0e30-4dc1-8fdf-c232b2f59dfb"}[made], Name: "A", Email: "a@example.com",
					CreatedAt: time.Now(), UpdatedAt: time.Now()}
				if err := db.CreateUser(ctx, u, nil); err != nil {
					t.Fatal(err)
				}
				_ = db.Close()
				wantRefused(t, path, opened, made)

				// By Better Auth: its tables and a user, no task table yet.
				path = filepath.Join(t.TempDir(), "ba.db")
				raw, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				defer raw.Close()
				if _, err := raw.Exec(betterAuthDDL(t, made)); err != nil {
					t.Fatal(err)
				}
				id := map[latch.IDFormat]string{latch.IDRandom: "'ZYhpRVn4Jk7JgC5iX9dT0aWqOeMb2LsE'",
					latch.IDUUID: "'3aad91eb-0e30-4dc1-8fdf-c232b2f59dfb'", latch.IDSerial: "1"}[made]
				if _, err := raw.Exec(`insert into "user" values (` + id + `, 'A', 'a@example.com', 0, null,
					'2026-11-28T06:25:34.041Z', '2026-11-28T06:25:34.041Z')`); err != nil {
					t.Fatal(err)
				}
				wantRefused(t, path, opened, made)
				var n int
				if err := raw.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name IN ('task', 'schema_migrations')`).Scan(&n); err != nil || n != 0 {
					t.Fatalf("a refused open created %d tables (%v), want none", n, err)
				}
			})
		}
	}
}

func wantRefused(t *testing.T, path string, opened, made latch.IDFormat) {
	t.Helper()
	db, err := OpenFormat(context.Background(), path, opened)
	if err == nil {
		_ = db.Close()
		t.Fatalf("a %s database opened with LATCH_ID_FORMAT=%s", made, opened)
	}
	if !errors.Is(err, latch.ErrIDFormat) || !strings.Contains(err.Error(), "LATCH_ID_FORMAT="+string(made)) {
		t.Fatalf("err = %v; want ErrIDFormat naming LATCH_ID_FORMAT=%s", err, made)
	}
}

// TestIDFormatEmptyTextDatabase: without users, random and uuid databases
// have the same SQLite schema, so either format opens the other's.
func TestIDFormatEmptyTextDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "latch.db")
	db := openFormat(t, latch.IDUUID, path)
	_ = db.Close()
	openFormat(t, latch.IDRandom, path)
}
