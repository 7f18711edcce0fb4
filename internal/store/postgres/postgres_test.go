package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/latchhq/latch/internal/store/storetest"
)

// EnvURL names the variable holding the test server's URL. When it is set,
// the tests require the server (they fail, not skip, if it is down).
const EnvURL = "LATCH_TEST_POSTGRES"

// testURL returns the server URL or skips the test.
func testURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skipf("%s not set; skipping PostgreSQL tests", EnvURL)
	}
	return u
}

// admin returns a plain connection pool to the test server.
func admin(t *testing.T, base string) *sql.DB {
	t.Helper()
	cfg, err := pgx.ParseConfig(NormalizeURL(base))
	if err != nil {
		t.Fatalf("%s: invalid URL", EnvURL)
	}
	db := openDB(cfg)
	t.Cleanup(func() { _ = db.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL at %s is unreachable: %v", EnvURL, err)
	}
	return db
}

// freshSchema creates an empty schema, dropped on cleanup, and returns the
// test URL with search_path set to it.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := testURL(t)
	adm := admin(t, base)
	name := "latch_test_" + hex.EncodeToString([]byte(rand.Text()[:8]))
	if _, err := adm.Exec(`CREATE SCHEMA ` + name); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := adm.Exec(`DROP SCHEMA ` + name + ` CASCADE`); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})
	u, err := url.Parse(NormalizeURL(base))
	if err != nil {
		t.Fatalf("%s: invalid URL", EnvURL)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// openTest opens a store on a fresh schema.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), freshSchema(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	testURL(t)
	storetest.Run(t, func(t *testing.T) storetest.Stores { return openTest(t) })
}

// adminOn returns a raw pool on the given URL.
func adminOn(t *testing.T, u string) *sql.DB { return admin(t, u) }
