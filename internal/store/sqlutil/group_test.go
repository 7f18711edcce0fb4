package sqlutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the driver the group writer is meant for
)

// groupStore opens a SQLite file with one write connection (as the
// sqlite store does) and group commit on, with a table whose name is
// unique.
func groupStore(t *testing.T) *Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "group.db")
	dsn := path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)"
	w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	w.SetMaxOpenConns(1)
	if _, err := w.Exec(`CREATE TABLE item (name TEXT NOT NULL UNIQUE)`); err != nil {
		t.Fatal(err)
	}
	s := New(w, w, Dialect{Name: "sqlite"}).EnableGroupCommit()
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func insertItems(s *Store, names ...string) func(ctx context.Context, x execer) error {
	return func(ctx context.Context, x execer) error {
		for _, n := range names {
			if _, err := x.exec(ctx, `INSERT INTO item (name) VALUES (?)`, n); err != nil {
				return err
			}
		}
		return nil
	}
}

func itemExists(t *testing.T, s *Store, name string) bool {
	t.Helper()
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM item WHERE name = ?`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// TestGroupCommitBatchesAndIsolatesFailures submits many writes at once:
// every write is committed once, in fewer commits than writes, and a write
// that fails half-way is rolled back alone (its first row is absent) while
// the writes grouped with it are kept.
func TestGroupCommitBatchesAndIsolatesFailures(t *testing.T) {
	s := groupStore(t)
	if err := s.write(context.Background(), insertItems(s, "taken")); err != nil {
		t.Fatal(err)
	}
	const n = 200
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			names := []string{fmt.Sprint("ok-", i)}
			if i%10 == 0 {
				// Two statements, the second violating UNIQUE.
				names = []string{fmt.Sprint("half-", i), "taken"}
			}
			errs[i] = s.write(context.Background(), insertItems(s, names...))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if i%10 == 0 {
			if err == nil {
				t.Errorf("write %d: nil error, want the UNIQUE violation", i)
			}
			if itemExists(t, s, fmt.Sprint("half-", i)) {
				t.Errorf("write %d failed but its first row was committed", i)
			}
			continue
		}
		if err != nil {
			t.Errorf("write %d: %v", i, err)
		}
		if !itemExists(t, s, fmt.Sprint("ok-", i)) {
			t.Errorf("write %d acknowledged but its row is missing", i)
		}
	}
	writes, commits := s.GroupStats()
	if want := int64(n + 1 - n/10); writes != want { // the failed writes are not counted
		t.Errorf("writes = %d, want %d", writes, want)
	}
	t.Logf("%d writes in %d commits", writes, commits)
	if commits >= writes {
		t.Errorf("%d commits for %d concurrent writes: nothing was grouped", commits, writes)
	}
}

// TestGroupCommitSkipsAbandonedWrites: a write whose context has ended
// before the writer reaches it is not run, and its caller hears why.
func TestGroupCommitSkipsAbandonedWrites(t *testing.T) {
	s := groupStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.write(ctx, insertItems(s, "gone")); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// Give the writer time to reach the op in case it was queued.
	if err := s.write(context.Background(), insertItems(s, "after")); err != nil {
		t.Fatal(err)
	}
	if itemExists(t, s, "gone") {
		t.Error("an abandoned write was committed")
	}
}

// TestGroupCommitClose: writes queued before Close are committed, writes
// after it fail and nothing blocks.
func TestGroupCommitClose(t *testing.T) {
	s := groupStore(t)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for i := range 50 {
		wg.Go(func() { errs <- s.write(context.Background(), insertItems(s, fmt.Sprint("c-", i))) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	s.group.close()
	done := make(chan error, 1)
	go func() { done <- s.write(context.Background(), insertItems(s, "late")) }()
	select {
	case err := <-done:
		if !errors.Is(err, errClosed) {
			t.Fatalf("write after close: %v, want errClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("write after close blocked")
	}
}

// TestGroupCommitSurvivesPanic: a write that panics fails alone; the
// writer goes on.
func TestGroupCommitSurvivesPanic(t *testing.T) {
	s := groupStore(t)
	err := s.write(context.Background(), func(context.Context, execer) error { panic("boom") })
	if err == nil {
		t.Fatal("a panicking write returned nil")
	}
	if err := s.write(context.Background(), insertItems(s, "after-panic")); err != nil {
		t.Fatal(err)
	}
	if !itemExists(t, s, "after-panic") {
		t.Error("the writer stopped after a panic")
	}
}
