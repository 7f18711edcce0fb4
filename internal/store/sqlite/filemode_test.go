package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/latchhq/latch"
)

// TestDatabaseFilesMode0600: the database holds session tokens, so Open
// creates it (and SQLite then its -wal and -shm files) readable by the
// owner only, also in a data directory that already exists with a
// permissive mode and under a permissive umask.
func TestDatabaseFilesMode0600(t *testing.T) {
	old := syscall.Umask(0o002)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o775); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "latch.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Now().UTC()
	u := &latch.User{ID: "u1", Name: "A", Email: "a@example.com", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUser(context.Background(), u, nil); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if m := st.Mode().Perm(); m != 0o600 {
			t.Errorf("%s: mode %o, want 600", filepath.Base(f), m)
		}
	}
}
