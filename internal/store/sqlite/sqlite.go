// Package sqlite is the SQLite store of Latch: latch.TaskStore,
// latch.UserStore and latch.SessionStore over modernc.org/sqlite (pure Go,
// no cgo), with Better Auth 1.7's schema so that a database created by
// Better Auth can be used as it is.
//
// A DB holds two pools on the same file: one connection for writes, whose
// transactions begin IMMEDIATE (the write lock is taken up front, so two
// writers never deadlock upgrading a read lock), and several read-only
// connections, which WAL mode lets run alongside the writer.
//
// Durability: journal_mode=WAL with synchronous=FULL. WAL alone already
// keeps an acknowledged commit across a crash of the process (the commit
// is in the WAL file, in the OS page cache, before Exec returns); FULL
// adds an fsync of the WAL at each commit so that it also survives power
// loss or a kernel crash. Latch writes are few (sign-ups, sessions, tasks)
// and each is a user-visible promise, so the fsync is worth its cost.
// Concurrent task writes share it: they are committed in groups
// (sqlutil's EnableGroupCommit), each acknowledged after its group's
// commit.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/store/sqlutil"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// BusyTimeout is how long a connection waits for a lock held by another
// connection or process before failing with SQLITE_BUSY.
const BusyTimeout = 10 * time.Second

// Synchronous is the synchronous pragma used on every connection; see the
// package documentation.
const Synchronous = "FULL"

// DB is an open SQLite store. It implements latch.TaskStore,
// latch.UserStore and latch.SessionStore.
type DB struct {
	*sqlutil.Store
	// w is the single-connection write pool, r the read-only pool; only
	// this package (and its tests) touch them.
	w, r *sql.DB
	path string
}

var (
	_ latch.TaskStore    = (*DB)(nil)
	_ latch.UserStore    = (*DB)(nil)
	_ latch.SessionStore = (*DB)(nil)
)

// Dialect is the SQLite dialect: ? placeholders, timestamps bound as
// sqlutil.TimeLayout strings, errors classified by SQLite result code.
var Dialect = sqlutil.Dialect{
	Name:    "sqlite",
	TimeArg: func(t time.Time) any { return sqlutil.FormatTime(t) },
	// One column read fewer per listed task (each read takes the
	// connection's mutex in modernc.org/sqlite): about 6% of a list.
	PackListTimes: true,
	Classify:      classify,
	MigrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
	ColumnType: `SELECT type FROM pragma_table_info(?) WHERE name = ?`,
}

// IDTypes are the id column types Better Auth 1.7's migrator uses on
// SQLite: integer (a rowid alias, assigned by SQLite) for serial ids, text
// for random ids and UUIDs. Latch adds AUTOINCREMENT to serial id columns
// (the type stays integer): without it SQLite hands the id of a deleted
// newest row to the next row, and a JWT whose sub or sid named the deleted
// user or session would then name the new one.
func IDTypes(f latch.IDFormat) sqlutil.IDTypes {
	if f == latch.IDSerial {
		return sqlutil.IDTypes{PK: "integer not null primary key autoincrement", FK: "integer"}
	}
	return sqlutil.IDTypes{PK: "text not null primary key", FK: "text"}
}

// Open opens (creating when needed, with mode 0600) the database file at
// path, creating its parent directory (0700), and applies the migrations,
// with random ids.
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenFormat(ctx, path, latch.IDRandom)
}

// OpenFormat is Open with ids of format ids. A database whose existing
// tables were made for another format is refused with an error wrapping
// latch.ErrIDFormat, before anything is written.
func OpenFormat(ctx context.Context, path string, ids latch.IDFormat) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite: invalid database path %q", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("sqlite: create data directory: %w", err)
		}
	}
	// The file holds session tokens: create it for its owner only (SQLite
	// would use 0644 minus the umask). SQLite gives the -wal and -shm
	// files the mode of the database file. An existing file keeps its mode.
	if f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return nil, fmt.Errorf("sqlite: create database file: %w", err)
	} else if err := f.Close(); err != nil {
		return nil, fmt.Errorf("sqlite: create database file: %w", err)
	}
	base := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(%s)",
		path, BusyTimeout.Milliseconds(), Synchronous)

	w, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	// The read pool connects lazily: its first connection comes after WAL
	// and the migrations are in place (at Ping).
	r, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		_ = w.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db := &DB{Store: sqlutil.New(w, r, Dialect).WithIDs(ids).EnableGroupCommit(), w: w, r: r, path: path}
	if err := db.enableWAL(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

// enableWAL switches the database file to WAL mode. The mode is stored in
// the file, so every connection opened later, by this process or another,
// uses it. While another connection is switching the same file, SQLite
// answers the pragma with SQLITE_BUSY at once, without calling the busy
// handler (which is why it is not a DSN pragma: two processes opening a new
// database together would fail), so this retries for up to BusyTimeout.
func (db *DB) enableWAL(ctx context.Context) error {
	deadline := time.Now().Add(BusyTimeout)
	for delay := time.Millisecond; ; delay = min(2*delay, 50*time.Millisecond) {
		var mode string
		err := db.w.QueryRowContext(ctx, `PRAGMA journal_mode=WAL`).Scan(&mode)
		if err == nil {
			if !strings.EqualFold(mode, "wal") {
				return fmt.Errorf("sqlite: journal_mode is %q, want wal (is %q a regular file?)", mode, db.path)
			}
			return nil
		}
		if !isBusy(err) || time.Now().Add(delay).After(deadline) {
			return db.Err("enable WAL", err)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return db.Err("enable WAL", ctx.Err())
		case <-t.C:
		}
	}
}

// isBusy reports whether err is SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}

// Migrate applies any pending embedded migrations, with the id column
// types of the store's format, after checking that existing tables have
// that format. Running it again, or from several processes at once, is
// safe.
func (db *DB) Migrate(ctx context.Context) error {
	return db.MigrateIDs(ctx, migrationFS, "migrations", IDTypes)
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error { return db.Store.Close() }

// classify maps SQLite result codes to the latch sentinels.
func classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return latch.ErrConflict
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return latch.ErrNotFound
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN,
		sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY:
		return latch.ErrUnavailable
	}
	return nil
}
