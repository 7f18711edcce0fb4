package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/store/sqlutil"
	"github.com/latchhq/latch/internal/store/storetest"
)

var formats = []latch.IDFormat{latch.IDRandom, latch.IDUUID, latch.IDSerial}

// openFormat opens a store with ids of format f on the schema of url.
func openFormat(t *testing.T, f latch.IDFormat, url string) *DB {
	t.Helper()
	db, err := OpenFormat(context.Background(), url, f)
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
	testURL(t)
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			open := func(t *testing.T) storetest.Stores { return openFormat(t, f, freshSchema(t)) }
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
	return strings.ReplaceAll(sqlutil.ExpandMigrations(ms[:1], IDTypes(f))[0].SQL, "if not exists ", "")
}

// TestIDColumnTypes checks the id columns against what Better Auth's
// migrator creates for each format (type, identity, default).
func TestIDColumnTypes(t *testing.T) {
	testURL(t)
	for _, f := range formats {
		t.Run(string(f), func(t *testing.T) {
			db := openFormat(t, f, freshSchema(t))
			typ := map[latch.IDFormat]string{latch.IDRandom: "text", latch.IDUUID: "uuid", latch.IDSerial: "integer"}[f]
			for _, c := range [][2]string{{"user", "id"}, {"session", "id"}, {"session", "userId"}, {"account", "id"},
				{"account", "userId"}, {"verification", "id"}, {"jwks", "id"}, {"task", "user_id"}} {
				var got, identity, def string
				err := db.pool.QueryRow(`SELECT data_type, is_identity, coalesce(column_default, '') FROM information_schema.columns
					WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`, c[0], c[1]).Scan(&got, &identity, &def)
				if err != nil {
					t.Fatalf("%s.%s: %v", c[0], c[1], err)
				}
				pk := c[1] == "id"
				wantIdentity := map[bool]string{true: "YES", false: "NO"}[f == latch.IDSerial && pk]
				wantDef := map[bool]string{true: "gen_random_uuid()", false: ""}[f == latch.IDUUID && pk]
				if got != typ || identity != wantIdentity || def != wantDef {
					t.Errorf("%s.%s is %s identity=%s default=%q; want %s identity=%s default=%q",
						c[0], c[1], got, identity, def, typ, wantIdentity, wantDef)
				}
			}
		})
	}
}

// TestIDFormatMismatch opens schemas made for one format (by Latch, or by
// Better Auth's DDL) with another: Open must refuse with ErrIDFormat
// before creating anything.
func TestIDFormatMismatch(t *testing.T) {
	testURL(t)
	for _, made := range formats {
		for _, opened := range formats {
			if made == opened {
				continue
			}
			t.Run(string(made)+"/opened-as-"+string(opened), func(t *testing.T) {
				u := freshSchema(t)
				db := openFormat(t, made, u)
				_ = db.Close()
				wantRefused(t, u, opened, made)

				u = freshSchema(t)
				raw := adminOn(t, u)
				if _, err := raw.Exec(betterAuthDDL(t, made)); err != nil {
					t.Fatal(err)
				}
				wantRefused(t, u, opened, made)
				var n int
				if err := raw.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()
					AND table_name IN ('task', 'schema_migrations')`).Scan(&n); err != nil || n != 0 {
					t.Fatalf("a refused open created %d tables (%v), want none", n, err)
				}
			})
		}
	}
}

func wantRefused(t *testing.T, url string, opened, made latch.IDFormat) {
	t.Helper()
	db, err := OpenFormat(context.Background(), url, opened)
	if err == nil {
		_ = db.Close()
		t.Fatalf("a %s schema opened with LATCH_ID_FORMAT=%s", made, opened)
	}
	if !errors.Is(err, latch.ErrIDFormat) || !strings.Contains(err.Error(), "LATCH_ID_FORMAT="+string(made)) {
		t.Fatalf("err = %v; want ErrIDFormat naming LATCH_ID_FORMAT=%s", err, made)
	}
}
