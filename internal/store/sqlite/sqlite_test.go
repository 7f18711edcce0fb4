package sqlite

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/latchhq/latch/internal/store/storetest"
)

// openTest opens a fresh database in a temporary directory.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "latch.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Stores { return openTest(t) })
}

// TestPragmas checks the settings every connection of both pools runs
// with: WAL (persistent, set once by Open), foreign keys on, the busy
// timeout and synchronous=FULL; the read pool is query-only.
func TestPragmas(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	want := map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": strconv.FormatInt(BusyTimeout.Milliseconds(), 10),
		"synchronous":  "2", // FULL
	}
	for _, pool := range []struct {
		name      string
		db        *sql.DB
		queryOnly string
	}{
		{name: "write", db: db.w, queryOnly: "0"},
		{name: "read", db: db.r, queryOnly: "1"},
	} {
		t.Run(pool.name, func(t *testing.T) {
			// Hold several connections at once so that more than one
			// connection of the read pool is checked.
			var conns []*sql.Conn
			for range 2 {
				c, err := pool.db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				conns = append(conns, c)
				if pool.name == "write" {
					break // one connection only
				}
			}
			for i, c := range conns {
				pragmas := maps.Clone(want)
				pragmas["query_only"] = pool.queryOnly
				for name, w := range pragmas {
					var got string
					if err := c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&got); err != nil {
						t.Fatalf("conn %d: PRAGMA %s: %v", i, name, err)
					}
					if got != w {
						t.Errorf("conn %d: PRAGMA %s = %q, want %q", i, name, got, w)
					}
				}
			}
			for _, c := range conns {
				_ = c.Close()
			}
		})
	}
}

// TestOpenConcurrentNewFile: many handles opening a brand-new file at once
// all succeed.
func TestOpenConcurrentNewFile(t *testing.T) {
	// Many handles opening a brand-new file at once: switching it to WAL
	// races, and SQLite reports SQLITE_BUSY without waiting; Open must
	// retry rather than fail.
	for round := range 10 {
		path := filepath.Join(t.TempDir(), "new.db")
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Go(func() {
				db, err := Open(context.Background(), path)
				if err == nil {
					err = db.Close()
				}
				errs[i] = err
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("round %d, handle %d: %v", round, i, err)
			}
		}
	}
}
