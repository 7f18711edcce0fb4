// Package postgres is the PostgreSQL store of Latch: latch.TaskStore,
// latch.UserStore and latch.SessionStore over github.com/jackc/pgx/v5
// (through database/sql, so that the SQL is shared with the SQLite store in
// package sqlutil), with Better Auth 1.7's schema so that a database created
// by Better Auth can be used as it is.
//
// The URL may carry runtime parameters such as search_path
// (postgres://host/db?search_path=tenant1); the tables are created in the
// first schema of the path.
package postgres

import (
	"context"
	"embed"
	"errors"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/latchhq/latch"
	"github.com/latchhq/latch/internal/store/sqlutil"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// MaxConns bounds the connection pool.
const MaxConns = 16

// DB is an open PostgreSQL store. It implements latch.TaskStore,
// latch.UserStore and latch.SessionStore.
type DB struct {
	*sqlutil.Store
}

var (
	_ latch.TaskStore    = (*DB)(nil)
	_ latch.UserStore    = (*DB)(nil)
	_ latch.SessionStore = (*DB)(nil)
)

// Dialect is the PostgreSQL dialect: $n placeholders, timestamps bound as
// time.Time (timestamptz), errors classified by SQLSTATE, migrations
// serialised by a transaction-level advisory lock keyed on the schema.
var Dialect = sqlutil.Dialect{
	Name:          "postgres",
	Dollar:        true,
	TimeArg:       func(t time.Time) any { return t },
	Classify:      classify,
	MigrationLock: `SELECT pg_advisory_xact_lock(hashtext('latch.migrate:' || coalesce(current_schema(), '')))`,
	MigrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
}

// NormalizeURL accepts postgres://, postgresql:// and the SQLAlchemy forms
// such as postgresql+asyncpg:// (found in FastAPI .env files) and returns a
// URL pgx understands. For the SQLAlchemy forms the asyncpg parameter
// ssl=<mode> (or true/false) becomes libpq's sslmode.
func NormalizeURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	base, driver, ok := strings.Cut(strings.ToLower(scheme), "+")
	if !ok || (base != "postgres" && base != "postgresql") || driver == "" {
		return raw
	}
	out := "postgresql://" + rest
	u, err := url.Parse(out)
	if err != nil {
		return out
	}
	q := u.Query()
	if v, ok := q["ssl"]; ok && q.Get("sslmode") == "" && len(v) == 1 {
		mode := strings.ToLower(v[0])
		switch mode {
		case "true":
			mode = "require"
		case "false":
			mode = "disable"
		}
		q.Del("ssl")
		q.Set("sslmode", mode)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return out
}

// Open connects to the database at url, checks that it is reachable and
// applies the migrations.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgx.ParseConfig(NormalizeURL(url))
	if err != nil {
		// The message may quote the URL, password included: keep it out.
		return nil, errors.New("postgres: invalid database URL")
	}
	pool := openDB(cfg)
	pool.SetMaxOpenConns(MaxConns)
	pool.SetMaxIdleConns(MaxConns)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	pool.SetConnMaxLifetime(time.Hour)
	db := &DB{Store: &sqlutil.Store{W: pool, R: pool, D: Dialect}}
	if err := db.Ping(ctx); err != nil {
		_ = pool.Close()
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		_ = pool.Close()
		return nil, err
	}
	return db, nil
}

// Migrate applies any pending embedded migrations. Running it again, or
// from several processes at once, is safe.
func (db *DB) Migrate(ctx context.Context) error {
	return db.MigrateFS(ctx, migrationFS, "migrations")
}

// Close closes the pool.
func (db *DB) Close() error { return errors.Join(db.CloseStatements(), db.W.Close()) }

// classify maps PostgreSQL errors to the latch sentinels.
func classify(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return latch.ErrConflict
		case pe.Code == "23503":
			return latch.ErrNotFound
		case strings.HasPrefix(pe.Code, "08"), strings.HasPrefix(pe.Code, "53"),
			strings.HasPrefix(pe.Code, "57P"):
			return latch.ErrUnavailable
		}
		return nil
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || pgconn.SafeToRetry(err) {
		return latch.ErrUnavailable
	}
	return nil
}
