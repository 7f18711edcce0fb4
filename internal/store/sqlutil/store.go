// Package sqlutil holds the SQL shared by the SQLite and PostgreSQL stores:
// one implementation of latch.TaskStore, latch.UserStore and
// latch.SessionStore over database/sql, parameterised by a small Dialect
// (placeholders, how timestamps are bound, how driver errors are
// classified), plus the embedded-migration runner and timestamp codecs.
//
// Nothing returned from this package exposes a driver type: errors are
// translated to the latch sentinels (ErrNotFound, ErrConflict,
// ErrUnavailable, ErrInvalid) or flattened to text.
//
// Stores never read a clock: every time written comes from the caller
// (the now arguments, or CreatedAt/UpdatedAt set on new rows).
package sqlutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/latchhq/latch"
)

// Dialect describes what differs between the SQL databases.
type Dialect struct {
	// Name is used in error messages ("sqlite", "postgres").
	Name string
	// Dollar selects $1, $2... placeholders; otherwise ? is used.
	Dollar bool
	// TimeArg converts a (normalised) time to the value bound for a
	// timestamp column.
	TimeArg func(time.Time) any
	// Classify maps a driver error to latch.ErrConflict, latch.ErrNotFound
	// (a foreign key naming a missing row) or latch.ErrUnavailable, or
	// returns nil when the error is none of these.
	Classify func(error) error
	// MigrationLock, when set, is executed first in every migration
	// transaction to serialise migrators (PostgreSQL advisory lock).
	MigrationLock string
	// MigrationsTable is the DDL of the schema_migrations table.
	MigrationsTable string
	// ColumnType is a query with two parameters, a table and a column
	// name, that returns the column's declared type, or no row.
	ColumnType string
	// NativeUUID says that uuid ids have their own column type (PostgreSQL);
	// otherwise they are text, like random ids.
	NativeUUID bool
	// PackListTimes makes a listing read created_at and updated_at as one
	// text column (`created_at || '|' || updated_at`), for a dialect whose
	// timestamps are text and whose driver pays per column read (SQLite:
	// each read locks the connection's mutex).
	PackListTimes bool
}

// Store implements the latch store interfaces over database/sql. Its
// pools are private: whoever holds a store goes through its methods, which
// translate every error (see Err). Create it with New.
type Store struct {
	// w runs writes (and reads that must see them in the same statement).
	w *sql.DB
	// r runs reads. It may be the same pool as w.
	r *sql.DB
	d Dialect
	// ids is the format of user, session, account and key ids ("": random).
	idFormat latch.IDFormat
	// Timeout bounds every store call (not migrations): a database that
	// does not answer in time gives an error wrapping latch.ErrUnavailable
	// and context.DeadlineExceeded, so that requests fail fast with a 503
	// instead of piling up. Zero means DefaultTimeout; negative, none.
	Timeout time.Duration

	stmts stmtCache
	// group, when set, commits task writes in groups (EnableGroupCommit).
	group *group
}

// DefaultTimeout is the Store.Timeout used when none is set.
const DefaultTimeout = 5 * time.Second

// SetTimeout sets Timeout (call it before the store is used).
func (s *Store) SetTimeout(d time.Duration) { s.Timeout = d }

// bound derives the context of one store call: ctx with Timeout.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	d := s.Timeout
	if d == 0 {
		d = DefaultTimeout
	}
	if d < 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

// PoolStats returns the statistics of the connection pools, for metrics:
// one entry "main" when reads and writes share a pool, else "write" and
// "read".
func (s *Store) PoolStats() map[string]sql.DBStats {
	if s.r == s.w {
		return map[string]sql.DBStats{"main": s.w.Stats()}
	}
	return map[string]sql.DBStats{"write": s.w.Stats(), "read": s.r.Stats()}
}

// New returns a Store writing through w and reading through r (which may
// be w) in dialect d.
func New(w, r *sql.DB, d Dialect) *Store {
	return &Store{w: w, r: r, d: d}
}

// WithIDs sets the format of the store's ids (see latch.IDFormat; the
// default is random) and returns s. Call it before the first use.
func (s *Store) WithIDs(f latch.IDFormat) *Store {
	s.idFormat = f
	return s
}

// Close stops the group-commit writer (after the writes queued), closes
// the cached prepared statements, then both pools (once
// when they are the same).
func (s *Store) Close() error {
	if s.group != nil {
		s.group.close()
	}
	err := errors.Join(s.stmts.close(), s.w.Close())
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

var (
	_ latch.TaskStore    = (*Store)(nil)
	_ latch.UserStore    = (*Store)(nil)
	_ latch.SessionStore = (*Store)(nil)
)

// q rewrites ? placeholders to $n for dialects that need it. Queries in
// this package never contain a literal question mark.
func (s *Store) q(query string) string {
	if !s.d.Dollar {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// t converts a time for binding.
func (s *Store) t(v time.Time) any {
	return s.d.TimeArg(Norm(v))
}

// Err translates err for the operation op: sql.ErrNoRows becomes
// latch.ErrNotFound, classified driver errors their sentinel, context
// errors stay matchable, and anything else is flattened to text so that no
// driver type escapes the store.
func (s *Store) Err(op string, err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, latch.ErrNotFound), errors.Is(err, latch.ErrConflict),
		errors.Is(err, latch.ErrUnavailable), errors.Is(err, latch.ErrInvalid),
		errors.Is(err, latch.ErrIDFormat):
		return fmt.Errorf("%s: %w", op, err)
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", op, latch.ErrNotFound)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: %w", op, context.Canceled)
	case errors.Is(err, context.DeadlineExceeded):
		// The database did not answer within the store's Timeout (or the
		// caller's deadline): unavailable, and still a deadline error.
		return fmt.Errorf("%s: %w: %w", op, latch.ErrUnavailable, context.DeadlineExceeded)
	}
	if s.d.Classify != nil {
		if sentinel := s.d.Classify(err); sentinel != nil {
			return fmt.Errorf("%s: %w: %s", op, sentinel, err.Error())
		}
	}
	return fmt.Errorf("%s: %s: %s", op, s.d.Name, err.Error())
}

// inTx runs fn in a transaction on the write pool and commits it.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Ping checks that both pools can reach the database.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return s.Err("ping", err)
	}
	if s.r != s.w {
		if err := s.r.PingContext(ctx); err != nil {
			return s.Err("ping", err)
		}
	}
	return nil
}
